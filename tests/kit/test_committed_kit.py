"""The testing kit with a committed model (``breast_cancer_c1``: its circuit hashes each input
with a salt): the example ScreeningGate asks with only a commitment on-chain, and the kit's
node proves the delivered input and fulfils, as a node would."""

from __future__ import annotations

import ape
import pytest

from oracle_node.circuits.datasets import held_out
from oracle_node.encoding import float_to_int
from oracle_node.exceptions import HarnessError
from oracle_node.protocol.committed import commit
from oracle_node.testing.harness import OracleHarness
from tests.support.circuits import CIRCUITS

FEE = 10**15
CLEARED, REFERRED = 2, 3


@pytest.fixture
def harness(accounts) -> OracleHarness:
    return OracleHarness(accounts[-1], [accounts[-2]])


@pytest.fixture
def gate(project, harness, accounts):
    model = harness.register_model(CIRCUITS / "breast_cancer_c1", fee=FEE)
    return accounts[0].deploy(
        project.ScreeningGate, harness.coordinator, model.model_id, 0, 200_000
    ), model


def features(index: int) -> list[int]:
    rows, _ = held_out("breast_cancer")
    return [float_to_int(v, 13) for v in rows[index]]


def test_a_committed_screening_is_fulfilled_from_its_delivery(harness, gate, accounts):
    gate, model = gate
    c = commit(features(0))
    gate.screenCommitted(c.commitment, c.delivery(), sender=accounts[1], value=FEE)
    [request] = harness.pending_requests()
    assert request.committed and request.input == [c.commitment]
    assert request.opening == c
    done = harness.fulfill(request)
    expected = harness.circuit_output(model.model_id, list(c.inputs))
    assert done.output == expected and done.result == 0
    status = CLEARED if expected[0] >= 0 else REFERRED
    assert gate.statusOf(accounts[1]) == status
    assert harness.pending_requests() == []


def test_a_committed_request_without_a_delivery_is_refused_in_one_line(harness, gate, accounts):
    gate, _ = gate
    c = commit(features(1))
    gate.screenCommitted(c.commitment, b"", sender=accounts[1], value=FEE)
    [request] = harness.pending_requests()
    assert request.committed and request.opening is None
    with pytest.raises(HarnessError, match="no delivery that opens its commitment") as caught:
        harness.fulfill(request)
    assert "\n" not in str(caught.value)


def test_a_private_screening_is_sealed_for_its_primary_and_fulfilled(
    harness, gate, accounts, project
):
    gate, model = gate
    applicant = accounts[1]
    c = commit(features(2))
    gate.screenCommitted(c.commitment, b"", sender=applicant, value=FEE)
    [request] = harness.pending_requests()
    assert (request.window_end, request.opening) == (0, None)
    sealed = harness.seal(request, c)
    with ape.reverts(gate.NotApplicant, requestId=request.request_id):
        gate.deliverScreening(request.request_id, request.commitment, sealed, sender=accounts[2])
    gate.deliverScreening(request.request_id, request.commitment, sealed, sender=applicant)
    [request] = harness.pending_requests()
    assert request.opening == c and request.window_end > 0
    done = harness.fulfill(request)
    expected = harness.circuit_output(model.model_id, list(c.inputs))
    assert done.output == expected and done.result == 0
    assert gate.statusOf(applicant) == (CLEARED if expected[0] >= 0 else REFERRED)
    assert harness.pending_requests() == []
