"""Pull payments out of the coordinator: zeroed before transfer, guarded against re-entry."""

from __future__ import annotations

import ape
from eth_utils import keccak

from .conftest import FEE, primary_node
from .helpers import instances_for


def _earn(coordinator, req, node):
    coordinator.fulfill(
        req.request_id, req.commitment, b"\x01", instances_for(req.input, [1, 1]), sender=node
    )


def test_withdraw_pays_the_credit_once(coordinator, pending, staked, stranger):
    primary = primary_node(pending, staked)
    _earn(coordinator, pending, primary)
    before = stranger.balance
    receipt = coordinator.withdraw(stranger.address, sender=primary)
    [log] = list(receipt.events.filter(coordinator.CreditWithdrawn))
    assert (log.account, log.recipient, log.amount) == (primary.address, stranger.address, FEE)
    assert stranger.balance == before + FEE
    with ape.reverts(coordinator.NothingToWithdraw, account=primary.address):
        coordinator.withdraw(primary.address, sender=primary)


def test_withdraw_reverts_with_nothing_owed(coordinator, stranger):
    with ape.reverts(coordinator.NothingToWithdraw, account=stranger.address):
        coordinator.withdraw(stranger.address, sender=stranger)


def test_withdraw_reverts_when_recipient_rejects(project, coordinator, pending, staked, owner):
    primary = primary_node(pending, staked)
    _earn(coordinator, pending, primary)
    rejecter = owner.deploy(project.EtherRejecter)
    with ape.reverts(coordinator.TransferFailed, to=rejecter.address, amount=FEE):
        coordinator.withdraw(rejecter.address, sender=primary)
    assert coordinator.credits(primary) == FEE  # nothing lost


def test_withdraw_cannot_be_reentered(project, coordinator, pending, staked, owner):
    primary = primary_node(pending, staked)
    _earn(coordinator, pending, primary)
    recipient = owner.deploy(project.ReenteringRecipient)
    recipient.arm(
        coordinator.address, coordinator.withdraw.encode_input(recipient.address), sender=owner
    )
    coordinator.withdraw(recipient.address, sender=primary)
    assert not recipient.reentrySucceeded()
    assert bytes(recipient.reentryRevertData()) == keccak(b"ReentrantCall()")[:4]
    assert recipient.balance == FEE


def test_withdraw_refuses_the_zero_address(coordinator, pending, staked):
    """Sending credit to address(0) would burn it; the node registry refuses it too."""
    primary = primary_node(pending, staked)
    _earn(coordinator, pending, primary)
    with ape.reverts(coordinator.ZeroAddress):
        coordinator.withdraw("0x" + "00" * 20, sender=primary)
    assert coordinator.credits(primary) == FEE
