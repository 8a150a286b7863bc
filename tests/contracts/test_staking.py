"""NodeRegistry for operators: stake, declare models, unstake, unbond, withdraw."""

from __future__ import annotations

import ape

from .conftest import FEE, PARAMS, mock_spec

ETHER = 10**18
ZERO = "0x" + "00" * 20


def test_stake_emits_and_activates(node_registry, model_id, operator):
    held = node_registry.balance
    node_registry.addModel(model_id, sender=operator)
    assert not node_registry.isEligible(operator, model_id)  # declared, but no stake yet
    receipt = node_registry.stake(sender=operator, value=ETHER // 2)
    [log] = list(receipt.events.filter(node_registry.NodeStaked))
    assert (log.node, log.amount, log.totalStake) == (operator.address, ETHER // 2, ETHER // 2)
    assert not node_registry.isActive(operator)
    node_registry.stake(sender=operator, value=ETHER // 2)
    assert node_registry.isActive(operator)
    assert node_registry.isEligible(operator, model_id)
    assert operator.address in node_registry.getModelNodes(model_id)
    assert node_registry.getNode(operator).stake == ETHER
    assert node_registry.balance == held + ETHER


def test_stake_rejects_zero(node_registry, operator):
    with ape.reverts(node_registry.ZeroStake):
        node_registry.stake(sender=operator, value=0)


def test_add_and_remove_models(
    node_registry, model_registry, mock_verifier, model_id, operator, owner
):
    node_registry.stake(sender=operator, value=ETHER)
    receipt = node_registry.addModel(model_id, sender=operator)
    [log] = list(receipt.events.filter(node_registry.NodeModelAdded))
    assert (log.node, log.modelId) == (operator.address, model_id)
    with ape.reverts(node_registry.AlreadyServing, node=operator.address, modelId=model_id):
        node_registry.addModel(model_id, sender=operator)
    receipt = node_registry.removeModel(model_id, sender=operator)
    [log] = list(receipt.events.filter(node_registry.NodeModelRemoved))
    assert (log.node, log.modelId) == (operator.address, model_id)
    assert not node_registry.isEligible(operator, model_id)
    assert node_registry.getNodeModels(operator) == []
    with ape.reverts(node_registry.NotServing, node=operator.address, modelId=model_id):
        node_registry.removeModel(model_id, sender=operator)


def test_model_list_is_bounded(node_registry, model_registry, mock_verifier, operator, owner):
    for _ in range(PARAMS.max_models_per_node + 1):
        model_registry.registerModel(mock_spec(mock_verifier.address), sender=owner)
    for model in range(1, PARAMS.max_models_per_node + 1):
        node_registry.addModel(model, sender=operator)
    with ape.reverts(
        node_registry.TooManyModels, node=operator.address, maxModels=PARAMS.max_models_per_node
    ):
        node_registry.addModel(PARAMS.max_models_per_node + 1, sender=operator)
    # Removing from the middle keeps the list consistent.
    node_registry.removeModel(1, sender=operator)
    assert sorted(node_registry.getNodeModels(operator)) == [2, 3]
    node_registry.addModel(PARAMS.max_models_per_node + 1, sender=operator)


def test_add_model_requires_an_active_model(
    node_registry, model_registry, model_id, operator, owner
):
    with ape.reverts(node_registry.ModelNotActive, modelId=99):
        node_registry.addModel(99, sender=operator)
    model_registry.deactivateModel(model_id, sender=owner)
    with ape.reverts(node_registry.ModelNotActive, modelId=model_id):
        node_registry.addModel(model_id, sender=operator)


def test_unstake_leaves_pools_and_unbonds(chain, node_registry, model_id, staked, node_a):
    receipt = node_registry.requestUnstake(sender=node_a)
    [log] = list(receipt.events.filter(node_registry.UnstakeRequested))
    unlock = chain.blocks[receipt.block_number].timestamp + PARAMS.unbonding_period
    assert (log.node, log.stake, log.unlockAt) == (node_a.address, PARAMS.min_stake, unlock)
    assert node_a.address not in node_registry.getModelNodes(model_id)
    assert not node_registry.isActive(node_a)
    with ape.reverts(node_registry.NodeUnbonding, node=node_a.address, unlockAt=unlock):
        node_registry.stake(sender=node_a, value=1)
    with ape.reverts(node_registry.NodeUnbonding, node=node_a.address, unlockAt=unlock):
        node_registry.addModel(model_id, sender=node_a)
    with ape.reverts(node_registry.NodeUnbonding, node=node_a.address, unlockAt=unlock):
        node_registry.requestUnstake(sender=node_a)
    with ape.reverts(node_registry.UnbondingNotElapsed, node=node_a.address, unlockAt=unlock):
        node_registry.withdrawStake(node_a, sender=node_a)
    chain.pending_timestamp = unlock
    before = node_a.balance
    receipt = node_registry.withdrawStake(node_a, sender=node_a)
    [log] = list(receipt.events.filter(node_registry.StakeWithdrawn))
    assert (log.node, log.recipient, log.amount) == (
        node_a.address,
        node_a.address,
        PARAMS.min_stake,
    )
    assert node_a.balance == before + PARAMS.min_stake - receipt.total_fees_paid
    assert node_registry.getNode(node_a) == (0, 0, 0)
    assert node_registry.getNodeModels(node_a) == []
    # A fresh start is possible.
    node_registry.stake(sender=node_a, value=PARAMS.min_stake)
    node_registry.addModel(model_id, sender=node_a)
    assert node_registry.isEligible(node_a, model_id)


def test_unstake_requires_stake(node_registry, operator):
    with ape.reverts(node_registry.NoStake, node=operator.address):
        node_registry.requestUnstake(sender=operator)


def test_withdraw_requires_unstake_request(node_registry, staked, node_a):
    with ape.reverts(node_registry.NotUnbonding, node=node_a.address):
        node_registry.withdrawStake(node_a, sender=node_a)
    with ape.reverts(node_registry.ZeroAddress):
        node_registry.withdrawStake(ZERO, sender=node_a)


def test_unbonding_primary_stays_slashable_until_settled(
    chain, coordinator, node_registry, treasury, consumer, request_via, staked
):
    """A primary that unstakes after the request stays its primary (the draw only looks at the
    pool as it was in the request's block), and the coordinator's timeout is shorter than the
    unbonding period, so a cancellation after the deadline still finds its stake."""
    req = request_via(consumer)
    [primary] = [n for n in staked if n.address == req.primary]
    receipt = node_registry.requestUnstake(sender=primary)
    [log] = list(receipt.events.filter(node_registry.UnstakeRequested))
    assert log.unlockAt > req.field("deadline") + 1
    chain.pending_timestamp = req.field("deadline") + 1
    with ape.reverts(
        node_registry.UnbondingNotElapsed, node=primary.address, unlockAt=log.unlockAt
    ):
        node_registry.withdrawStake(primary, sender=primary)
    assert coordinator.primaryOf(req.request_id, req.commitment) == primary.address
    coordinator.cancelRequest(req.request_id, req.commitment, sender=treasury)
    assert node_registry.getNode(primary).stake == PARAMS.min_stake - PARAMS.slash_amount
    chain.pending_timestamp = log.unlockAt
    receipt = node_registry.withdrawStake(primary, sender=primary)
    [log] = list(receipt.events.filter(node_registry.StakeWithdrawn))
    assert log.amount == PARAMS.min_stake - PARAMS.slash_amount
    assert node_registry.balance == PARAMS.min_stake + PARAMS.slash_amount  # other node + credits
    assert coordinator.credits(consumer) == FEE
