"""fulfill: who may fulfil when, what is checked, what is paid (mock verifier; the real
verifier and real proofs are in test_proofs.py)."""

from __future__ import annotations

from typing import Any

import ape
import pytest

from .conftest import FEE, PARAMS, other_node, primary_node
from .helpers import Request, from_felt, instances_for, seal_and_wait

OUTPUT = [5, -7]


def fulfil(coordinator: Any, req: Request, node: Any, **kwargs: Any) -> Any:
    instances = kwargs.pop("instances", instances_for(req.input, OUTPUT))
    proof = kwargs.pop("proof", b"\x01" * 64)
    commitment = kwargs.pop("commitment", req.commitment)
    return coordinator.fulfill(req.request_id, commitment, proof, instances, sender=node, **kwargs)


def test_primary_fulfils_inside_window(coordinator, consumer, pending, staked):
    primary = primary_node(pending, staked)
    receipt = fulfil(coordinator, pending, primary)
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert log.requestId == pending.request_id
    assert log.node == primary.address
    assert log.result == 0  # Delivered
    assert list(log.output) == OUTPUT
    assert log.slashed == 0
    assert consumer.lastOutput() == OUTPUT
    assert consumer.lastRequestId() == pending.request_id
    assert coordinator.credits(primary) == FEE
    assert coordinator.commitmentOf(pending.request_id) == b"\x00" * 32


def test_fulfil_reverts_when_request_unknown(coordinator, pending, staked):
    with ape.reverts(coordinator.RequestNotPending, requestId=999):
        coordinator.fulfill(999, pending.commitment, b"", [], sender=staked[0])


def test_fulfil_reverts_when_already_fulfilled(coordinator, pending, staked):
    primary = primary_node(pending, staked)
    fulfil(coordinator, pending, primary)
    with ape.reverts(coordinator.RequestNotPending, requestId=pending.request_id):
        fulfil(coordinator, pending, primary)


def test_fulfil_reverts_when_commitment_altered(coordinator, pending, staked):
    primary = primary_node(pending, staked)
    altered = list(pending.commitment)
    altered[3] = FEE * 10  # claim a larger fee
    with ape.reverts(coordinator.CommitmentMismatch, requestId=pending.request_id):
        fulfil(coordinator, pending, primary, commitment=tuple(altered))


def test_fulfil_reverts_after_deadline(chain, coordinator, pending, staked):
    chain.pending_timestamp = pending.field("deadline") + 1
    with ape.reverts(coordinator.RequestExpired, requestId=pending.request_id):
        fulfil(coordinator, pending, primary_node(pending, staked))


def test_other_node_cannot_fulfil_inside_window(coordinator, pending, staked):
    other = other_node(pending, staked)
    with ape.reverts(
        coordinator.NotPrimaryNode,
        requestId=pending.request_id,
        node=other.address,
        primary=pending.primary,
        windowEnd=pending.field("windowEnd"),
    ):
        fulfil(coordinator, pending, other)


def test_unstaked_node_cannot_fulfil(chain, coordinator, pending, operator):
    chain.pending_timestamp = pending.field("windowEnd")
    with ape.reverts(
        coordinator.NodeNotEligible, requestId=pending.request_id, node=operator.address
    ):
        fulfil(coordinator, pending, operator)


def test_staked_node_not_serving_model_cannot_fulfil(
    chain, coordinator, node_registry, pending, operator
):
    node_registry.stake(sender=operator, value=PARAMS.min_stake)
    chain.pending_timestamp = pending.field("windowEnd")
    with ape.reverts(
        coordinator.NodeNotEligible, requestId=pending.request_id, node=operator.address
    ):
        fulfil(coordinator, pending, operator)


def test_unbonding_node_cannot_fulfil_as_fallback(
    chain, coordinator, node_registry, pending, staked
):
    other = other_node(pending, staked)
    node_registry.requestUnstake(sender=other)
    chain.pending_timestamp = pending.field("windowEnd")
    with ape.reverts(coordinator.NodeNotEligible, requestId=pending.request_id, node=other.address):
        fulfil(coordinator, pending, other)


def test_fallback_after_window_is_paid_and_primary_slashed(
    chain, coordinator, node_registry, treasury, consumer, pending, staked
):
    """The stand-in earns the fee; the slash compensates the requester, so the stand-in gains
    nothing from a slash it could have provoked (e.g. by racing a late primary)."""
    primary, other = primary_node(pending, staked), other_node(pending, staked)
    instances = instances_for(pending.input, OUTPUT)
    seal_and_wait(coordinator, pending, other, b"\x01" * 64, instances)
    chain.pending_timestamp = pending.field("windowEnd")
    receipt = fulfil(coordinator, pending, other)
    slash = PARAMS.slash_amount
    harmed = slash * PARAMS.harmed_share_bps // 10_000
    [slashed] = list(receipt.events.filter(node_registry.NodeSlashed))
    assert slashed.node == primary.address
    assert slashed.harmedParty == consumer.address
    assert (slashed.amount, slashed.harmedShare, slashed.treasuryShare) == (
        slash,
        harmed,
        slash - harmed,
    )
    assert slashed.remainingStake == PARAMS.min_stake - slash
    [log] = list(receipt.events.filter(coordinator.InferenceFulfilled))
    assert log.node == other.address and log.slashed == slash
    assert coordinator.credits(other) == FEE
    assert node_registry.credits(other) == 0
    assert node_registry.credits(consumer) == harmed
    assert node_registry.credits(treasury) == slash - harmed
    # The slash took the primary below the minimum: it left the model's pool.
    assert not node_registry.isEligible(primary, pending.field("modelId"))


def test_primary_may_fulfil_late_without_slash(chain, coordinator, node_registry, pending, staked):
    primary = primary_node(pending, staked)
    chain.pending_timestamp = pending.field("windowEnd") + 5
    receipt = fulfil(coordinator, pending, primary)
    assert not list(receipt.events.filter(node_registry.NodeSlashed))
    assert node_registry.getNode(primary).stake == PARAMS.min_stake


def test_fulfil_reverts_on_wrong_instance_count(coordinator, pending, staked):
    primary = primary_node(pending, staked)
    instances = instances_for(pending.input, OUTPUT)[:-1]
    with ape.reverts(
        coordinator.InstanceCountMismatch, requestId=pending.request_id, got=4, want=5
    ):
        fulfil(coordinator, pending, primary, instances=instances)


def test_fulfil_reverts_when_input_instance_differs(coordinator, pending, staked):
    primary = primary_node(pending, staked)
    instances = instances_for([1, -2, 4], OUTPUT)
    with ape.reverts(coordinator.InputInstancesMismatch, requestId=pending.request_id):
        fulfil(coordinator, pending, primary, instances=instances)


@pytest.mark.parametrize("mode", [1, 2], ids=["returns-false", "reverts-empty"])
def test_fulfil_reverts_when_verifier_rejects(
    coordinator, mock_verifier, owner, pending, staked, mode
):
    mock_verifier.setMode(mode, sender=owner)
    with ape.reverts(coordinator.InvalidProof, requestId=pending.request_id):
        fulfil(coordinator, pending, primary_node(pending, staked))


def test_fulfil_reverts_without_gas_for_the_callback(coordinator, pending, staked):
    primary = primary_node(pending, staked)
    with ape.reverts(coordinator.InsufficientGasForCallback):
        fulfil(coordinator, pending, primary, gas_limit=250_000)


def test_outputs_map_back_from_the_field(coordinator):
    for value in (0, 1, -1, 2**200, -(2**200)):
        assert from_felt(coordinator.toFelt(value)) == value
        assert coordinator.fromFelt(coordinator.toFelt(value)) == value


def test_hostile_verifier_cannot_reenter(
    project, coordinator, model_registry, node_registry, owner, consumer, request_via, operator
):
    """A verifier registered by anyone is called with STATICCALL: replaying the fulfilment from
    inside it fails, and the fee is paid once."""
    from .conftest import mock_spec

    verifier = owner.deploy(project.ReenteringVerifier)
    model_registry.registerModel(mock_spec(verifier.address), sender=owner)
    model = model_registry.modelCount()
    node_registry.stake(sender=operator, value=PARAMS.min_stake)
    node_registry.addModel(model, sender=operator)  # the only node in the model's pool
    req = request_via(consumer, model=model)
    primary = primary_node(req, [operator])
    instances = instances_for(req.input, OUTPUT)
    verifier.arm(
        coordinator.address,
        coordinator.fulfill.encode_input(req.request_id, req.commitment, b"\x01", instances),
        sender=owner,
    )
    held = coordinator.balance
    receipt = fulfil(coordinator, req, primary)
    assert len(list(receipt.events.filter(coordinator.InferenceFulfilled))) == 1
    assert coordinator.credits(primary) == FEE
    assert consumer.deliveries() == 1
    assert coordinator.balance == held
