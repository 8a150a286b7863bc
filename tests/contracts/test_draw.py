"""The primary draw: lazy, from the hash of the request's own block, over the pool as it was in
that block. A requester cannot pick its victim, and nothing after the request moves the draw."""

from __future__ import annotations

import ape

from .conftest import CALLBACK_GAS, FEE, PARAMS
from .helpers import commitment_tuple, draw_primary, instances_for

ZERO = "0x" + "00" * 20


def test_requester_cannot_pick_the_primary(
    chain, project, coordinator, model_id, staked, requester
):
    """An attacker contract that predicts the draw from what it can see when it requests (the
    rule the coordinator used to follow) and only requests when its victim would be drawn: the
    victim is drawn about half of the time, not every time (2^-12 to fail by chance)."""
    picker = requester.deploy(project.PrimaryPicker, coordinator)
    victim = staked[0]
    primaries = []
    for i in range(80):
        receipt = picker.requestIfVictim(
            model_id, [i, 0, 1], victim, CALLBACK_GAS, sender=requester, value=FEE
        )
        logs = list(receipt.events.filter(coordinator.InferenceRequested))
        if logs:
            [log] = logs
            commitment = commitment_tuple(log.commitment)
            primaries.append(
                draw_primary(coordinator, log.requestId, commitment, receipt.block_number)
            )
        if len(primaries) == 12:
            break
    assert len(primaries) == 12
    assert set(primaries) <= {n.address for n in staked}
    assert primaries.count(victim.address) < 12


def test_primary_is_unknown_in_the_request_block_and_fixed_after(
    chain, coordinator, consumer, request_via, staked
):
    req = request_via(consumer)
    # A call runs in the latest block, here the request's: its hash, the seed, is not known yet.
    assert coordinator.primaryOf(req.request_id, req.commitment) == ZERO
    chain.mine()
    assert coordinator.primaryOf(req.request_id, req.commitment) == req.primary != ZERO


def test_pool_changes_after_the_request_do_not_move_the_draw(
    chain, coordinator, node_registry, consumer, request_via, staked, operator, model_id
):
    reqs = [request_via(consumer, [i, 1, 2]) for i in range(6)]
    chain.mine()
    before = [coordinator.primaryOf(r.request_id, r.commitment) for r in reqs]
    assert before == [r.primary for r in reqs]
    # A third node joins, and one of the two leaves the model: every draw stays.
    node_registry.stake(sender=operator, value=PARAMS.min_stake)
    node_registry.addModel(model_id, sender=operator)
    node_registry.removeModel(model_id, sender=staked[1])
    assert [coordinator.primaryOf(r.request_id, r.commitment) for r in reqs] == before
    # A request made now can draw the newcomer and no longer the leaver.
    later = [request_via(consumer, [i, 3, 4]).primary for i in range(10)]
    assert staked[1].address not in later
    assert set(later) <= {staked[0].address, operator.address}


def test_a_draw_older_than_256_blocks_has_no_primary_and_slashes_nobody(
    chain, coordinator, node_registry, consumer, request_via, staked, stranger
):
    req = request_via(consumer)
    chain.mine(257)
    assert coordinator.primaryOf(req.request_id, req.commitment) == ZERO
    chain.pending_timestamp = max(chain.pending_timestamp, req.field("deadline") + 1)
    receipt = coordinator.cancelRequest(req.request_id, req.commitment, sender=stranger)
    [log] = list(receipt.events.filter(coordinator.InferenceCancelled))
    assert (log.primary, log.refund, log.slashed) == (ZERO, FEE, 0)
    assert not list(receipt.events.filter(node_registry.NodeSlashed))
    assert coordinator.credits(consumer) == FEE


def test_primary_of_checks_the_commitment(coordinator, consumer, request_via, staked):
    req = request_via(consumer)
    altered = list(req.commitment)
    altered[8] = 99  # another pool snapshot
    with ape.reverts(coordinator.CommitmentMismatch, requestId=req.request_id):
        coordinator.primaryOf(req.request_id, tuple(altered))
    with ape.reverts(coordinator.RequestNotPending, requestId=req.request_id + 1):
        coordinator.primaryOf(req.request_id + 1, req.commitment)


def test_without_a_primary_a_sealed_node_may_fulfil_at_once(
    chain, coordinator, node_registry, consumer, request_via, staked
):
    req = request_via(consumer)
    chain.mine(257)  # the draw's block hash is gone: no primary
    node = staked[0]
    instances = instances_for(req.input, [1, 2])
    seal = coordinator.fulfillmentSeal(req.request_id, node, b"\x01", instances)
    coordinator.sealFulfillment(req.request_id, seal, sender=node)
    receipt = coordinator.fulfill(req.request_id, req.commitment, b"\x01", instances, sender=node)
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert (log.node, log.slashed) == (node.address, 0)


def test_a_pinned_draw_outlives_256_blocks_and_slashes_the_primary(
    chain, coordinator, node_registry, consumer, request_via, staked, stranger
):
    req = request_via(consumer)
    chain.mine()
    receipt = coordinator.pinPrimary(req.request_id, req.commitment, sender=stranger)
    [log] = list(receipt.events.filter(coordinator.PrimaryPinned))
    assert (log.requestId, log.primary) == (req.request_id, req.primary)
    # a second pin changes nothing and emits nothing
    again = coordinator.pinPrimary(req.request_id, req.commitment, sender=stranger)
    assert not list(again.events.filter(coordinator.PrimaryPinned))
    chain.mine(257)
    assert coordinator.primaryOf(req.request_id, req.commitment) == req.primary
    chain.pending_timestamp = max(chain.pending_timestamp, req.field("deadline") + 1)
    receipt = coordinator.cancelRequest(req.request_id, req.commitment, sender=stranger)
    [log] = list(receipt.events.filter(coordinator.InferenceCancelled))
    assert log.primary == req.primary and log.slashed == req.field("slashAmount") > 0
    [slash] = list(receipt.events.filter(node_registry.NodeSlashed))
    assert slash.node == req.primary


def test_a_pinned_primary_keeps_its_window_past_256_blocks(
    chain, coordinator, consumer, request_via, staked, stranger
):
    """After the horizon a pinned request still has its primary: a stand-in needs the window
    over (it is, by now) and a seal, and the primary is slashed."""
    req = request_via(consumer)
    chain.mine()
    coordinator.pinPrimary(req.request_id, req.commitment, sender=stranger)
    chain.mine(257)
    primary = req.primary
    standin = next(n for n in staked if n.address != primary)
    chain.pending_timestamp = max(chain.pending_timestamp, req.field("windowEnd") + 1)
    instances = instances_for(req.input, [1, 2])
    seal = coordinator.fulfillmentSeal(req.request_id, standin, b"\x01", instances)
    coordinator.sealFulfillment(req.request_id, seal, sender=standin)
    receipt = coordinator.fulfill(
        req.request_id, req.commitment, b"\x01", instances, sender=standin
    )
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert log.node == standin.address and log.slashed > 0


def test_pinning_needs_the_draw_in_reach_and_the_request_pending(
    chain, coordinator, consumer, request_via, staked, stranger
):
    req = request_via(consumer)
    # in the request's own block the hash does not exist yet
    with ape.reverts(coordinator.DrawOutOfReach, requestId=req.request_id):
        coordinator.pinPrimary.call(req.request_id, req.commitment)
    chain.mine(257)
    with ape.reverts(
        coordinator.DrawOutOfReach,
        requestId=req.request_id,
        requestBlock=req.field("requestBlock"),
    ):
        coordinator.pinPrimary(req.request_id, req.commitment, sender=stranger)
    with ape.reverts(coordinator.RequestNotPending, requestId=req.request_id + 1):
        coordinator.pinPrimary(req.request_id + 1, req.commitment, sender=stranger)
