"""The generated, renamed verifiers compile with Ape and accept real proofs on a local chain."""

from __future__ import annotations

import pytest

from oracle_node.circuits.datasets import REFERENCE_MODELS
from oracle_node.circuits.manifest import load_manifest
from oracle_node.encoding import BN254_PRIME

from .conftest import CIRCUITS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deployer(accounts):
    return accounts[0]


@pytest.mark.parametrize("name", REFERENCE_MODELS)
def test_verifier_accepts_the_proof_and_refuses_a_changed_output(project, deployer, proofs, name):
    manifest = load_manifest(CIRCUITS / name)
    verifier = deployer.deploy(getattr(project, manifest.verifier_contract))
    result = proofs[name]

    assert verifier.verifyProof.call(result.proof, result.instances) is True

    forged = list(result.instances)
    forged[-1] = (forged[-1] + 1) % BN254_PRIME  # another output than the model's
    with pytest.raises(Exception):  # noqa: B017  (the verifier reverts with empty data)
        verifier.verifyProof.call(result.proof, forged)
    with pytest.raises(Exception):  # noqa: B017
        verifier.verifyProof.call(result.proof, result.instances[:-1])
