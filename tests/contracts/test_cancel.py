"""cancelRequest: after the deadline only; refund to the requester, primary slashed."""

from __future__ import annotations

import ape

from .conftest import FEE, PARAMS, primary_node
from .helpers import instances_for


def test_cancel_reverts_before_deadline(chain, coordinator, pending, requester):
    chain.pending_timestamp = pending.field("deadline")  # still inside: deadline is inclusive
    with ape.reverts(
        coordinator.RequestNotExpired,
        requestId=pending.request_id,
        deadline=pending.field("deadline"),
    ):
        coordinator.cancelRequest(pending.request_id, pending.commitment, sender=requester)


def test_cancel_after_deadline_refunds_and_slashes(
    chain, coordinator, node_registry, consumer, treasury, pending, staked, stranger, requester
):
    primary = primary_node(pending, staked)
    chain.pending_timestamp = pending.field("deadline") + 1
    receipt = coordinator.cancelRequest(pending.request_id, pending.commitment, sender=stranger)
    [log] = list(receipt.events.filter(coordinator.InferenceCancelled))
    slash = PARAMS.slash_amount
    harmed = slash * PARAMS.harmed_share_bps // 10_000
    assert (log.requestId, log.requester, log.primary) == (
        pending.request_id,
        consumer.address,
        primary.address,
    )
    assert (log.refund, log.slashed) == (FEE, slash)
    assert coordinator.credits(consumer) == FEE
    assert node_registry.credits(consumer) == harmed
    assert node_registry.credits(treasury) == slash - harmed
    # The consumer collects both its refund and its compensation.
    before = requester.balance
    consumer.withdrawRefunds(requester.address, sender=stranger)
    assert requester.balance == before + FEE
    assert coordinator.credits(consumer) == 0
    consumer.withdrawCompensation(requester.address, sender=stranger)
    assert requester.balance == before + FEE + harmed
    assert node_registry.credits(consumer) == 0


def test_cancelled_request_cannot_be_fulfilled_or_cancelled_again(
    chain, coordinator, pending, staked, requester
):
    chain.pending_timestamp = pending.field("deadline") + 1
    coordinator.cancelRequest(pending.request_id, pending.commitment, sender=requester)
    with ape.reverts(coordinator.RequestNotPending, requestId=pending.request_id):
        coordinator.cancelRequest(pending.request_id, pending.commitment, sender=requester)
    with ape.reverts(coordinator.RequestNotPending, requestId=pending.request_id):
        coordinator.fulfill(
            pending.request_id,
            pending.commitment,
            b"\x01",
            instances_for(pending.input, [1, 2]),
            sender=primary_node(pending, staked),
        )


def test_cancel_checks_the_commitment(chain, coordinator, pending, requester):
    altered = list(pending.commitment)
    altered[1] = requester.address  # redirect the refund
    chain.pending_timestamp = pending.field("deadline") + 1
    with ape.reverts(coordinator.CommitmentMismatch, requestId=pending.request_id):
        coordinator.cancelRequest(pending.request_id, tuple(altered), sender=requester)
