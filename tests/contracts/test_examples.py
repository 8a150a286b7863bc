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


@pytest.fixture
def bounty(project, coordinator, real_models, owner):
    return owner.deploy(
        project.DigitBounty, coordinator, real_models["digits"], 7, 0, 200_000, value=10**18
    )


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


def test_only_the_operator_collects_refunds(gate, stranger, owner):
    with ape.reverts(gate.OnlyOperator, have=stranger.address, want=owner.address):
        gate.collectRefunds(stranger, sender=stranger)


def test_bounty_pays_the_first_correct_drawing(
    coordinator, bounty, real_staked, real_proof, requester, stranger
):
    wrong = real_proof("digits", 1)  # a 4
    receipt = bounty.submit(wrong.inputs, sender=stranger, value=FEE)
    [entry] = list(receipt.events.filter(bounty.EntrySubmitted))
    assert entry.entrant == stranger.address
    fulfil = coordinator.fulfill(
        *_args(coordinator, receipt, wrong), sender=_primary(coordinator, receipt, real_staked)
    )
    [judged] = list(fulfil.events.filter(bounty.EntryJudged))
    assert (judged.entrant, judged.predicted, judged.won) == (stranger.address, 4, False)
    right = real_proof("digits", 0)  # a 7
    _answer(
        coordinator, bounty.submit(right.inputs, sender=requester, value=FEE), right, real_staked
    )
    assert bounty.winner() == requester.address
    with ape.reverts(bounty.BountyClosed, winner=requester.address):
        bounty.submit(right.inputs, sender=stranger, value=FEE)
    with ape.reverts(bounty.NotWinner, have=stranger.address, want=requester.address):
        bounty.claimPrize(sender=stranger)
    receipt = bounty.claimPrize(sender=requester)
    [paid] = list(receipt.events.filter(bounty.PrizeClaimedBy))
    assert (paid.winner, paid.amount) == (requester.address, 10**18)
    with ape.reverts(bounty.PrizeClaimed):
        bounty.claimPrize(sender=requester)


def _args(coordinator, receipt, proof):
    req = parse_request(receipt, coordinator)
    return req.request_id, req.commitment, proof.proof, proof.instances


def _primary(coordinator, receipt, nodes):
    return primary_node(parse_request(receipt, coordinator), nodes)
