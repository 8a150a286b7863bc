"""The example consumers, answered by real proofs of the reference models."""

from __future__ import annotations

import ape
import pytest

from .conftest import FEE, primary_node
from .helpers import parse_request

pytestmark = pytest.mark.slow

SCALE = 2**13  # both reference models' output scale (checked below)
CLEARED, REFERRED = 2, 3


def _answer(coordinator, receipt, proof, nodes):
    req = parse_request(receipt, coordinator)
    coordinator.fulfill(
        req.request_id,
        req.commitment,
        proof.proof,
        proof.instances,
        sender=primary_node(req, nodes),
    )
    return req


@pytest.fixture
def gate(project, coordinator, real_models, owner):
    from oracle_node.circuits.manifest import read_manifest

    from .conftest import ROOT

    assert read_manifest(ROOT / "circuits" / "breast_cancer").output_scale == 13
    return owner.deploy(
        project.ScreeningGate, coordinator, real_models["breast_cancer"], SCALE, 150_000
    )


REVEAL_WINDOW = 20


@pytest.fixture
def bounty(project, coordinator, real_models, owner):
    return owner.deploy(
        project.DigitBounty,
        coordinator,
        real_models["digits"],
        7,
        0,
        200_000,
        REVEAL_WINDOW,
        value=10**18,
    )


def _enter(bounty, entrant, pixels, salt=b"\x07" * 32):
    """Commit, then submit in a later block; returns (entry number, submit receipt)."""
    commitment = bounty.entryCommitment(entrant, pixels, salt)
    receipt = bounty.commit(commitment, sender=entrant)
    [log] = list(receipt.events.filter(bounty.EntryCommitted))
    return int(log.entry), lambda: bounty.submit(log.entry, pixels, salt, sender=entrant, value=FEE)


def test_low_risk_applicant_is_cleared_and_enrols(
    coordinator, gate, real_staked, real_proof, requester
):
    proof = real_proof("breast_cancer", 0)  # a benign held-out case
    assert proof.outputs[0] >= SCALE
    receipt = gate.screen(proof.inputs, sender=requester, value=FEE)
    [asked] = list(receipt.events.filter(gate.ScreeningRequested))
    assert asked.applicant == requester.address
    assert gate.statusOf(requester) == 1  # pending
    with ape.reverts(gate.ScreeningPending, applicant=requester.address, requestId=asked.requestId):
        gate.screen(proof.inputs, sender=requester, value=FEE)
    with ape.reverts(gate.NotCleared, applicant=requester.address, status=1):
        gate.enroll(sender=requester)
    req = parse_request(receipt, coordinator)
    fulfil = coordinator.fulfill(
        req.request_id,
        req.commitment,
        proof.proof,
        proof.instances,
        sender=primary_node(req, real_staked),
    )
    [done] = list(fulfil.events.filter(gate.ScreeningCompleted))
    assert (done.applicant, done.status, done.logit) == (
        requester.address,
        CLEARED,
        proof.outputs[0],
    )
    receipt = gate.enroll(sender=requester)
    [enrolled] = list(receipt.events.filter(gate.ApplicantEnrolled))
    assert enrolled.applicant == requester.address
    assert gate.enrolled(requester)


def test_high_risk_applicant_is_referred(coordinator, gate, real_staked, real_proof, stranger):
    proof = real_proof("breast_cancer", 1)  # a malignant held-out case
    assert proof.outputs[0] < SCALE
    _answer(coordinator, gate.screen(proof.inputs, sender=stranger, value=FEE), proof, real_staked)
    assert gate.statusOf(stranger) == REFERRED
    with ape.reverts(gate.NotCleared, applicant=stranger.address, status=REFERRED):
        gate.enroll(sender=stranger)


def test_only_the_operator_collects_credits(gate, stranger, owner):
    with ape.reverts(gate.OnlyOperator, have=stranger.address, want=owner.address):
        gate.collectCredits(stranger, sender=stranger)


def test_gate_collects_refunds_and_compensation(
    chain, coordinator, node_registry, gate, real_staked, real_proof, requester, owner, stranger
):
    """Both kinds of credit owed to the consumer contract reach its operator."""
    proof = real_proof("breast_cancer", 0)
    req = parse_request(gate.screen(proof.inputs, sender=requester, value=FEE), coordinator)
    chain.pending_timestamp = req.field("deadline") + 1
    coordinator.cancelRequest(req.request_id, req.commitment, sender=stranger)
    harmed = req.field("slashAmount") * req.field("harmedShareBps") // 10_000
    assert coordinator.credits(gate) == FEE and node_registry.credits(gate) == harmed > 0
    before = stranger.balance
    gate.collectCredits(stranger, sender=owner)
    assert stranger.balance == before + FEE + harmed
    assert coordinator.credits(gate) == 0 and node_registry.credits(gate) == 0
    gate.collectCredits(stranger, sender=owner)  # nothing waiting: a no-op, not a revert


def test_bounty_pays_the_first_correct_drawing(
    coordinator, bounty, real_staked, real_proof, requester, stranger
):
    wrong = real_proof("digits", 1)  # a 4
    entry, submit = _enter(bounty, stranger, wrong.inputs)
    receipt = submit()
    [submitted] = list(receipt.events.filter(bounty.EntrySubmitted))
    assert (submitted.entry, submitted.entrant) == (entry, stranger.address)
    fulfil = coordinator.fulfill(
        *_args(coordinator, receipt, wrong), sender=_primary(coordinator, receipt, real_staked)
    )
    [judged] = list(fulfil.events.filter(bounty.EntryJudged))
    assert (judged.entrant, judged.predicted, judged.leads) == (stranger.address, 4, False)
    with ape.reverts(bounty.NoWinnerYet):
        bounty.claimPrize(sender=stranger)
    right = real_proof("digits", 0)  # a 7
    _, submit = _enter(bounty, requester, right.inputs)
    _answer(coordinator, submit(), right, real_staked)
    assert bounty.winner() == requester.address
    with ape.reverts(bounty.NotWinner, have=stranger.address, want=requester.address):
        bounty.claimPrize(sender=stranger)
    receipt = bounty.claimPrize(sender=requester)
    [paid] = list(receipt.events.filter(bounty.PrizeClaimedBy))
    assert (paid.winner, paid.amount) == (requester.address, 10**18)
    with ape.reverts(bounty.PrizeClaimed):
        bounty.claimPrize(sender=requester)
    with ape.reverts(bounty.BountyClosed, winner=requester.address):
        bounty.commit(b"\x01" * 32, sender=stranger)


def test_bounty_orders_entries_by_commitment_not_by_judgement(
    coordinator, bounty, real_staked, real_proof, requester, stranger
):
    """A copier who sees a winning drawing in the request event and enters it too is judged
    first here; the original still wins, because it was committed first."""
    right = real_proof("digits", 0)
    first, submit_first = _enter(bounty, requester, right.inputs)
    original = submit_first()
    second, submit_copy = _enter(bounty, stranger, right.inputs, salt=b"\x09" * 32)
    copy = submit_copy()
    _answer(coordinator, copy, right, real_staked)
    assert bounty.winner() == stranger.address  # provisional
    # The copier cannot claim while the earlier entry is undecided.
    with ape.reverts(bounty.EarlierEntryUndecided, entry=first):
        bounty.claimPrize(sender=stranger)
    _answer(coordinator, original, right, real_staked)
    assert bounty.leader() == first < second
    assert bounty.winner() == requester.address
    bounty.claimPrize(sender=requester)


def test_bounty_entries_cannot_be_copied_or_replayed(
    chain, bounty, real_proof, requester, stranger
):
    right = real_proof("digits", 0)
    salt = b"\x07" * 32
    commitment = bounty.entryCommitment(requester, right.inputs, salt)
    receipt = bounty.commit(commitment, sender=requester)
    [log] = list(receipt.events.filter(bounty.EntryCommitted))
    entry = log.entry
    # The commitment names its entrant: a copier can neither use the entry nor re-commit it.
    with ape.reverts(bounty.NotEntrant, entry=entry, have=stranger.address, want=requester.address):
        bounty.submit(entry, right.inputs, salt, sender=stranger, value=FEE)
    copied = bounty.commit(commitment, sender=stranger)
    [copied_log] = list(copied.events.filter(bounty.EntryCommitted))
    with ape.reverts(bounty.DrawingMismatch, entry=copied_log.entry):
        bounty.submit(copied_log.entry, right.inputs, salt, sender=stranger, value=FEE)
    with ape.reverts(bounty.UnknownEntry, entry=99):
        bounty.submit(99, right.inputs, salt, sender=requester, value=FEE)
    bounty.submit(entry, right.inputs, salt, sender=requester, value=FEE)
    with ape.reverts(bounty.AlreadySubmitted, entry=entry):
        bounty.submit(entry, right.inputs, salt, sender=requester, value=FEE)


def test_bounty_reveal_window(chain, bounty, real_proof, requester):
    right = real_proof("digits", 0)
    salt = b"\x05" * 32
    receipt = bounty.commit(bounty.entryCommitment(requester, right.inputs, salt), sender=requester)
    [log] = list(receipt.events.filter(bounty.EntryCommitted))
    chain.mine(REVEAL_WINDOW)
    first, last = receipt.block_number + 1, receipt.block_number + REVEAL_WINDOW
    with ape.reverts(bounty.OutsideRevealWindow, entry=log.entry, firstBlock=first, lastBlock=last):
        bounty.submit(log.entry, right.inputs, salt, sender=requester, value=FEE)


def test_bounty_collects_credits_into_the_prize(
    chain, coordinator, node_registry, bounty, real_staked, real_proof, requester, stranger
):
    wrong = real_proof("digits", 1)
    _, submit = _enter(bounty, stranger, wrong.inputs)
    req = parse_request(submit(), coordinator)
    chain.pending_timestamp = req.field("deadline") + 1
    coordinator.cancelRequest(req.request_id, req.commitment, sender=stranger)
    harmed = req.field("slashAmount") * req.field("harmedShareBps") // 10_000
    prize = bounty.balance
    receipt = bounty.collectCredits(sender=stranger)
    [log] = list(receipt.events.filter(bounty.CreditsCollected))
    assert (log.refunds, log.compensation) == (FEE, harmed)
    assert bounty.balance == prize + FEE + harmed
    assert coordinator.credits(bounty) == 0 and node_registry.credits(bounty) == 0


def _args(coordinator, receipt, proof):
    req = parse_request(receipt, coordinator)
    return req.request_id, req.commitment, proof.proof, proof.instances


def _primary(coordinator, receipt, nodes):
    return primary_node(parse_request(receipt, coordinator), nodes)
