"""Assignment and slash arithmetic, driven directly through a registry whose coordinator is an
account (the protocol's coordinator is a contract, which a test cannot sign for)."""

from __future__ import annotations

import ape
import pytest

from .conftest import mock_spec

ETHER = 10**18
MIN_STAKE = ETHER
SLASH = 3 * 10**17
SHARE_BPS = 3_333


@pytest.fixture
def registry(project, owner, treasury, model_registry):
    registry = owner.deploy(
        project.NodeRegistry, owner, treasury, model_registry, MIN_STAKE, 100, 4, SLASH, SHARE_BPS
    )
    registry.setCoordinator(owner, sender=owner)  # the owner plays the coordinator here
    return registry


@pytest.fixture
def served(registry, model_registry, mock_verifier, owner, node_a):
    model_registry.registerModel(mock_spec(mock_verifier.address), sender=owner)
    model = model_registry.modelCount()
    registry.stake(sender=node_a, value=MIN_STAKE + SLASH // 2)
    registry.addModel(model, sender=node_a)
    return model


def test_only_the_coordinator_assigns_releases_and_slashes(
    node_registry, coordinator, stranger, node_a
):
    for call in (
        lambda: node_registry.assignNode(1, 0, sender=stranger),
        lambda: node_registry.releaseAssignment(node_a, sender=stranger),
        lambda: node_registry.slash(node_a, stranger, sender=stranger),
    ):
        with ape.reverts(
            node_registry.OnlyCoordinator, have=stranger.address, want=coordinator.address
        ):
            call()


def test_assign_counts_and_release_uncounts(registry, served, owner, node_a):
    assert registry.assignNode.call(served, 12345, sender=owner) == node_a.address
    registry.assignNode(served, 12345, sender=owner)
    registry.assignNode(served, 7, sender=owner)
    assert registry.getNode(node_a).openAssignments == 2
    registry.releaseAssignment(node_a, sender=owner)
    registry.releaseAssignment(node_a, sender=owner)
    with ape.reverts(registry.NoOpenAssignment, node=node_a.address):
        registry.releaseAssignment(node_a, sender=owner)


def test_slash_splits_and_deactivates_below_minimum(
    registry, served, owner, treasury, node_a, stranger
):
    stake = MIN_STAKE + SLASH // 2
    harmed = SLASH * SHARE_BPS // 10_000
    receipt = registry.slash(node_a, stranger, sender=owner)
    [log] = list(receipt.events.filter(registry.NodeSlashed))
    assert (log.amount, log.harmedShare, log.treasuryShare, log.remainingStake) == (
        SLASH,
        harmed,
        SLASH - harmed,
        stake - SLASH,
    )
    assert registry.credits(stranger) == harmed
    assert registry.credits(treasury) == SLASH - harmed
    assert not registry.isActive(node_a) and not registry.isEligible(node_a, served)
    with ape.reverts(registry.NoActiveNodes, modelId=served):
        registry.assignNode(served, 1, sender=owner)
    # Topping up over the minimum brings it back into the pool.
    registry.stake(sender=node_a, value=SLASH)
    assert registry.isEligible(node_a, served)


def test_slash_takes_what_is_left(registry, served, owner, treasury, node_a, stranger):
    stake = MIN_STAKE + SLASH // 2
    taken = 0
    for _ in range(4):
        taken += registry.slash.call(node_a, stranger, sender=owner)
        registry.slash(node_a, stranger, sender=owner)
    assert taken == stake  # 0.3 + 0.3 + 0.3 + the last 0.25
    assert registry.getNode(node_a).stake == 0
    assert registry.credits(stranger) + registry.credits(treasury) == stake
    # Nothing left: a further slash takes zero and emits nothing.
    receipt = registry.slash(node_a, stranger, sender=owner)
    assert not list(receipt.events.filter(registry.NodeSlashed))
    assert registry.balance == stake


def test_credit_withdrawal(registry, served, owner, treasury, node_a, stranger, project):
    registry.slash(node_a, stranger, sender=owner)
    harmed = SLASH * SHARE_BPS // 10_000
    before = stranger.balance
    receipt = registry.withdrawCredit(stranger, sender=stranger)
    [log] = list(receipt.events.filter(registry.CreditWithdrawn))
    assert (log.account, log.recipient, log.amount) == (stranger.address, stranger.address, harmed)
    assert stranger.balance == before + harmed - receipt.total_fees_paid
    with ape.reverts(registry.NothingToWithdraw, account=stranger.address):
        registry.withdrawCredit(stranger, sender=stranger)
    with ape.reverts(registry.ZeroAddress):
        registry.withdrawCredit("0x" + "00" * 20, sender=treasury)
    rejecter = owner.deploy(project.EtherRejecter)
    with ape.reverts(registry.TransferFailed, to=rejecter.address, amount=SLASH - harmed):
        registry.withdrawCredit(rejecter, sender=treasury)


def test_credit_withdrawal_cannot_be_reentered(registry, served, owner, node_a, project):
    payee = owner.deploy(project.ReenteringRecipient)
    registry.slash(node_a, payee, sender=owner)
    payee.arm(registry.address, registry.withdrawCredit.encode_input(payee.address), sender=owner)
    payee.execute(registry.withdrawCredit.encode_input(payee.address), sender=owner)
    assert not payee.reentrySucceeded()
    from eth_utils import keccak

    assert bytes(payee.reentryRevertData()) == keccak(b"ReentrantCall()")[:4]
    assert payee.balance == SLASH * SHARE_BPS // 10_000
