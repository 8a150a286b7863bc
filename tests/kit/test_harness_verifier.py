"""The testing kit registers a model only when its verifier is what the circuit folder's own
verifier source compiles to, as a node would check it."""

from __future__ import annotations

import pytest

from oracle_node.exceptions import VerifierCodeError
from oracle_node.testing.harness import OracleHarness
from tests.support.circuits import CIRCUITS, copy_circuit


@pytest.fixture
def harness(accounts):
    return OracleHarness(accounts[-1], [accounts[-2]])


def test_the_kit_registers_a_model_whose_verifier_is_its_own(harness):
    model = harness.register_model(CIRCUITS / "breast_cancer")
    assert harness.protocol.model_registry.getModel(model.model_id).verifier == model.verifier


def test_the_kit_refuses_a_project_contract_that_is_not_the_circuits_verifier(harness, tmp_path):
    """The circuit names its verifier ``MockVerifier``; this Ape project compiles a contract of
    that name that accepts every proof. The kit deploys the project's contract, compares it with
    the circuit's own source, and refuses before registering."""
    folder, contract = copy_circuit(tmp_path, name="mock")
    assert contract == "MockVerifier"
    count = harness.protocol.model_registry.modelCount()
    with pytest.raises(VerifierCodeError, match="not what the circuit's verifier source compiles"):
        harness.register_model(folder)
    assert harness.protocol.model_registry.modelCount() == count
