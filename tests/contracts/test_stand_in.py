"""Stand-in fulfilment is bound to the node that proved it: it must be sealed in an earlier
block, under the node's own address, so a proof copied from a pending transaction cannot be
landed first by someone else; and a stand-in gains no share of the primary's slash."""

from __future__ import annotations

import ape

from .conftest import FEE, PARAMS, other_node, primary_node
from .helpers import instances_for, seal_and_wait

PROOF = b"\x01" * 64
OUTPUT = [5, -7]


def test_stand_in_without_a_seal_is_refused(chain, coordinator, pending, staked):
    """The copy attack of the review: after the window, a node lands a late primary's proof
    first. Without a seal of its own from an earlier block it cannot."""
    other = other_node(pending, staked)
    chain.pending_timestamp = pending.field("windowEnd")
    instances = instances_for(pending.input, OUTPUT)
    with ape.reverts(
        coordinator.FulfillmentNotSealed,
        requestId=pending.request_id,
        node=other.address,
        sealedAtBlock=0,
    ):
        coordinator.fulfill(pending.request_id, pending.commitment, PROOF, instances, sender=other)


def test_a_seal_made_in_the_same_block_is_refused(
    chain, project, coordinator, node_registry, pending, staked, model_id, stranger
):
    """An attacker contract that stakes, then seals and fulfils in one transaction (what a copier
    of a mempool proof would have to do)."""
    attacker = stranger.deploy(project.PrimaryPicker, coordinator)
    attacker.becomeNode(model_id, sender=stranger, value=PARAMS.min_stake)
    chain.pending_timestamp = pending.field("windowEnd")
    instances = instances_for(pending.input, OUTPUT)
    with ape.reverts(coordinator.FulfillmentNotSealed, requestId=pending.request_id):
        attacker.sealAndFulfil(
            pending.request_id, pending.commitment, PROOF, instances, sender=stranger
        )


def test_a_seal_names_its_node_and_its_proof(chain, coordinator, pending, staked, operator):
    primary, other = primary_node(pending, staked), other_node(pending, staked)
    instances = instances_for(pending.input, OUTPUT)
    # Another node's seal of the very same proof does not help `other`.
    seal = coordinator.fulfillmentSeal(pending.request_id, primary, PROOF, instances)
    coordinator.sealFulfillment(pending.request_id, seal, sender=other)
    chain.pending_timestamp = pending.field("windowEnd")
    with ape.reverts(coordinator.FulfillmentNotSealed, requestId=pending.request_id):
        coordinator.fulfill(pending.request_id, pending.commitment, PROOF, instances, sender=other)
    # A seal of another proof does not cover this one.
    seal_and_wait(coordinator, pending, other, b"\x02" * 64, instances)
    with ape.reverts(coordinator.FulfillmentNotSealed, requestId=pending.request_id):
        coordinator.fulfill(pending.request_id, pending.commitment, PROOF, instances, sender=other)


def test_sealed_stand_in_is_paid_and_the_seal_is_spent(
    chain, coordinator, node_registry, consumer, pending, staked
):
    other = other_node(pending, staked)
    instances = instances_for(pending.input, OUTPUT)
    receipt = seal_and_wait(coordinator, pending, other, PROOF, instances)
    seal = coordinator.fulfillmentSeal(pending.request_id, other, PROOF, instances)
    [log] = list(receipt.events.filter(coordinator.FulfillmentSealed))
    assert (log.requestId, log.node, bytes(log.seal)) == (
        pending.request_id,
        other.address,
        bytes(seal),
    )
    assert coordinator.sealedAt(other, seal) == receipt.block_number
    # Sealing again keeps the first block (and emits nothing).
    again = coordinator.sealFulfillment(pending.request_id, seal, sender=other)
    assert not list(again.events.filter(coordinator.FulfillmentSealed))
    assert coordinator.sealedAt(other, seal) == receipt.block_number
    chain.pending_timestamp = pending.field("windowEnd")
    done = coordinator.fulfill(
        pending.request_id, pending.commitment, PROOF, instances, sender=other
    )
    [fulfilled] = list(done.events.filter(coordinator.InferenceFulfilled))
    assert fulfilled.node == other.address and fulfilled.slashed == PARAMS.slash_amount
    assert coordinator.sealedAt(other, seal) == 0
    assert coordinator.credits(other) == FEE
    assert node_registry.credits(other) == 0  # no share of the slash for the stand-in


def test_seal_requires_a_pending_request(coordinator, staked):
    with ape.reverts(coordinator.RequestNotPending, requestId=12345):
        coordinator.sealFulfillment(12345, b"\x01" * 32, sender=staked[0])


def test_the_primary_needs_no_seal_even_late(chain, coordinator, pending, staked):
    primary = primary_node(pending, staked)
    chain.pending_timestamp = pending.field("windowEnd") + 10
    instances = instances_for(pending.input, OUTPUT)
    receipt = coordinator.fulfill(
        pending.request_id, pending.commitment, PROOF, instances, sender=primary
    )
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert (log.node, log.slashed) == (primary.address, 0)


def test_slash_terms_are_those_the_request_was_made_under(
    chain, coordinator, node_registry, owner, consumer, treasury, pending, staked, stranger
):
    """Changing the slash parameters reaches no pending request."""
    node_registry.setSlashParams(PARAMS.min_stake, 10_000, sender=owner)
    chain.pending_timestamp = pending.field("deadline") + 1
    receipt = coordinator.cancelRequest(pending.request_id, pending.commitment, sender=stranger)
    [slashed] = list(receipt.events.filter(node_registry.NodeSlashed))
    harmed = PARAMS.slash_amount * PARAMS.harmed_share_bps // 10_000
    assert (slashed.amount, slashed.harmedShare) == (PARAMS.slash_amount, harmed)
    assert node_registry.credits(consumer) == harmed
    assert node_registry.credits(treasury) == PARAMS.slash_amount - harmed
