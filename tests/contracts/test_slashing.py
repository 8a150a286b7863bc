"""Draw and slash arithmetic, driven directly through a registry whose coordinator is an
account (the protocol's coordinator is a contract, which a test cannot sign for)."""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak

from .conftest import mock_spec

ETHER = 10**18
MIN_STAKE = ETHER
SLASH = 3 * 10**17
SHARE_BPS = 3_333
ZERO = "0x" + "00" * 20
# Seeds spread over uint256, as block-hash seeds are (a seed below the pool's stake in wei
# would always land in the first slot's interval).
SEEDS = [int.from_bytes(keccak(i.to_bytes(32, "big")), "big") for i in range(16)]


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


def test_only_the_coordinator_slashes(node_registry, coordinator, stranger, node_a):
    with ape.reverts(
        node_registry.OnlyCoordinator, have=stranger.address, want=coordinator.address
    ):
        node_registry.slash(node_a, stranger, SLASH, SHARE_BPS, sender=stranger)


def test_draw_only_sees_slots_and_stakes_of_the_request_block(
    chain, registry, served, owner, node_a, node_b
):
    """Slots are permanent: joins after the request block are past the snapshot count, and
    leaves after it do not change the weights of its block."""
    registry.stake(sender=node_b, value=MIN_STAKE)
    registry.addModel(served, sender=node_b)
    count = registry.poolSlotCount(served)
    assert count == 2 and registry.nodeAtSlot(served, count) == node_b.address
    at = chain.blocks.head.number
    draws = {registry.drawNode(served, seed, count, at) for seed in SEEDS}
    assert draws == {node_a.address, node_b.address}
    registry.requestUnstake(sender=node_b)  # leaves after block `at`
    assert registry.slotOf(served, node_b) == count  # keeps its slot, at zero weight
    assert {registry.drawNode(served, seed, count, at) for seed in SEEDS} == draws
    # Seen from a later block, node_b weighs nothing: only node_a is drawn.
    later = chain.blocks.head.number
    assert {registry.drawNode(served, seed, count, later) for seed in SEEDS} == {node_a.address}
    # Over no slots, or before anyone joined, nobody is drawn.
    assert registry.drawNode(served, 1, 0, at) == ZERO
    assert registry.drawNode(served, 1, count, 0) == ZERO
    # A slot count above the pool's is refused rather than read past the snapshot.
    assert registry.drawNode(served, 1, count + 1, later) == ZERO


def test_request_terms_snapshot_and_no_pool(registry, served, owner, model_registry):
    assert registry.requestTerms(served) == (1, SLASH, SHARE_BPS)
    with ape.reverts(registry.NoActiveNodes, modelId=served + 1):
        registry.requestTerms(served + 1)


def test_slash_splits_and_deactivates_below_minimum(
    registry, served, owner, treasury, node_a, stranger
):
    stake = MIN_STAKE + SLASH // 2
    harmed = SLASH * SHARE_BPS // 10_000
    receipt = registry.slash(node_a, stranger, SLASH, SHARE_BPS, sender=owner)
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
        registry.requestTerms(served)
    # Topping up over the minimum brings it back into the pool.
    registry.stake(sender=node_a, value=SLASH)
    assert registry.isEligible(node_a, served)


def test_slash_takes_what_is_left(registry, served, owner, treasury, node_a, stranger):
    stake = MIN_STAKE + SLASH // 2
    taken = 0
    for _ in range(4):
        taken += registry.slash.call(node_a, stranger, SLASH, SHARE_BPS, sender=owner)
        registry.slash(node_a, stranger, SLASH, SHARE_BPS, sender=owner)
    assert taken == stake  # 0.3 + 0.3 + 0.3 + the last 0.25
    assert registry.getNode(node_a).stake == 0
    assert registry.credits(stranger) + registry.credits(treasury) == stake
    # Nothing left: a further slash takes zero and emits nothing.
    receipt = registry.slash(node_a, stranger, SLASH, SHARE_BPS, sender=owner)
    assert not list(receipt.events.filter(registry.NodeSlashed))
    assert registry.balance == stake


def test_credit_withdrawal(registry, served, owner, treasury, node_a, stranger, project):
    registry.slash(node_a, stranger, SLASH, SHARE_BPS, sender=owner)
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
    registry.slash(node_a, payee, SLASH, SHARE_BPS, sender=owner)
    payee.arm(registry.address, registry.withdrawCredit.encode_input(payee.address), sender=owner)
    payee.execute(registry.withdrawCredit.encode_input(payee.address), sender=owner)
    assert not payee.reentrySucceeded()
    from eth_utils import keccak

    assert bytes(payee.reentryRevertData()) == keccak(b"ReentrantCall()")[:4]
    assert payee.balance == SLASH * SHARE_BPS // 10_000
