"""NodeRegistry administration: two-step ownership, coordinator, treasury, slash parameters."""

from __future__ import annotations

import ape

from .conftest import PARAMS


def test_constructor_emits_its_settings(project, owner, treasury, model_registry):
    registry = owner.deploy(project.NodeRegistry, owner, treasury, model_registry, 10, 2, 3, 4, 5)
    receipt = registry.creation_metadata.receipt
    [transferred] = list(receipt.events.filter(registry.OwnershipTransferred))
    assert transferred.newOwner == owner.address
    [treasury_log] = list(receipt.events.filter(registry.TreasuryUpdated))
    assert treasury_log.newTreasury == treasury.address
    [params] = list(receipt.events.filter(registry.SlashParamsUpdated))
    assert (params.slashAmount, params.harmedShareBps) == (4, 5)
    assert (registry.minStake(), registry.unbondingPeriod(), registry.maxModelsPerNode()) == (
        10,
        2,
        3,
    )
    assert registry.modelRegistry() == model_registry.address


def test_constructor_rejects_zero_addresses_and_bad_share(project, owner, treasury, model_registry):
    zero = "0x" + "00" * 20
    with ape.reverts(project.NodeRegistry.ZeroAddress):
        owner.deploy(project.NodeRegistry, owner, zero, model_registry, 10, 2, 3, 4, 5)
    with ape.reverts(project.NodeRegistry.InvalidShareBps, harmedShareBps=10_001):
        owner.deploy(project.NodeRegistry, owner, treasury, model_registry, 10, 2, 3, 4, 10_001)
    with ape.reverts(project.NodeRegistry.SlashAmountTooHigh, slashAmount=11, max=10):
        owner.deploy(project.NodeRegistry, owner, treasury, model_registry, 10, 2, 3, 11, 5)


def test_two_step_ownership(node_registry, owner, stranger):
    receipt = node_registry.transferOwnership(stranger, sender=owner)
    [started] = list(receipt.events.filter(node_registry.OwnershipTransferStarted))
    assert (started.previousOwner, started.newOwner) == (owner.address, stranger.address)
    assert node_registry.owner() == owner.address  # not yet
    assert node_registry.pendingOwner() == stranger.address
    with ape.reverts(node_registry.OnlyPendingOwner, have=owner.address, want=stranger.address):
        node_registry.acceptOwnership(sender=owner)
    receipt = node_registry.acceptOwnership(sender=stranger)
    [done] = list(receipt.events.filter(node_registry.OwnershipTransferred))
    assert (done.previousOwner, done.newOwner) == (owner.address, stranger.address)
    assert node_registry.owner() == stranger.address
    assert node_registry.pendingOwner() == "0x" + "00" * 20
    with ape.reverts(node_registry.OnlyOwner, have=owner.address, want=stranger.address):
        node_registry.setTreasury(owner, sender=owner)


def test_only_owner_administers(node_registry, owner, stranger):
    for call in (
        lambda: node_registry.transferOwnership(stranger, sender=stranger),
        lambda: node_registry.setCoordinator(stranger, sender=stranger),
        lambda: node_registry.setTreasury(stranger, sender=stranger),
        lambda: node_registry.setSlashParams(1, 1, sender=stranger),
    ):
        with ape.reverts(node_registry.OnlyOwner, have=stranger.address, want=owner.address):
            call()


def test_coordinator_is_set_once(node_registry, coordinator, owner, stranger):
    assert node_registry.coordinator() == coordinator.address
    with ape.reverts(node_registry.CoordinatorAlreadySet, coordinator=coordinator.address):
        node_registry.setCoordinator(stranger, sender=owner)


def test_set_coordinator_event_and_zero(project, owner, treasury, model_registry, stranger):
    registry = owner.deploy(project.NodeRegistry, owner, treasury, model_registry, 10, 2, 3, 4, 5)
    with ape.reverts(registry.ZeroAddress):
        registry.setCoordinator("0x" + "00" * 20, sender=owner)
    receipt = registry.setCoordinator(stranger, sender=owner)
    [log] = list(receipt.events.filter(registry.CoordinatorSet))
    assert log.coordinator == stranger.address


def test_set_treasury(node_registry, owner, treasury, stranger):
    receipt = node_registry.setTreasury(stranger, sender=owner)
    [log] = list(receipt.events.filter(node_registry.TreasuryUpdated))
    assert (log.previousTreasury, log.newTreasury) == (treasury.address, stranger.address)
    assert node_registry.treasury() == stranger.address
    with ape.reverts(node_registry.ZeroAddress):
        node_registry.setTreasury("0x" + "00" * 20, sender=owner)


def test_set_slash_params(node_registry, owner):
    receipt = node_registry.setSlashParams(123, 10_000, sender=owner)
    [log] = list(receipt.events.filter(node_registry.SlashParamsUpdated))
    assert (log.slashAmount, log.harmedShareBps) == (123, 10_000)
    assert (node_registry.slashAmount(), node_registry.harmedShareBps()) == (123, 10_000)
    with ape.reverts(node_registry.InvalidShareBps, harmedShareBps=10_001):
        node_registry.setSlashParams(1, 10_001, sender=owner)
    assert node_registry.slashAmount() == 123 != PARAMS.slash_amount


def test_slash_amount_is_capped_at_the_minimum_stake(node_registry, owner):
    cap = PARAMS.min_stake
    with ape.reverts(node_registry.SlashAmountTooHigh, slashAmount=cap + 1, max=cap):
        node_registry.setSlashParams(cap + 1, 0, sender=owner)
    node_registry.setSlashParams(cap, 0, sender=owner)
    assert node_registry.slashAmount() == cap
