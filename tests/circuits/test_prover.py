"""``Prover`` on the committed reference circuits: keys, witnesses, proofs, SRS checks."""

from __future__ import annotations

import json
import multiprocessing
import shutil

import pytest

from oracle_node.circuits.manifest import MANIFEST_FILE, VK_FILE, sha256_file
from oracle_node.circuits.proving import ProofResult, Prover
from oracle_node.encoding import ints_to_felts
from oracle_node.exceptions import CalibrationDataError, CorruptArtifactError, SrsError

from .conftest import CIRCUITS, sample


@pytest.fixture(scope="module")
def prover(provers) -> Prover:
    return provers["breast_cancer"]


@pytest.fixture(scope="module")
def proof(proofs) -> ProofResult:
    return proofs["breast_cancer"]


@pytest.mark.slow
def test_rebuilt_proving_key_yields_the_committed_vk(prover, pk_cache):
    """The session's cache starts empty: the key is rebuilt, and its vk checked, here."""
    path = prover.ensure_proving_key()
    assert path == prover.pk_path
    assert path.is_relative_to(pk_cache)
    assert path.stat().st_size > 10**7
    assert prover.ensure_proving_key() == path  # cached: no second setup


@pytest.mark.slow
def test_proof_instances_are_input_felts_then_output_felts(prover, proof):
    inputs = sample("breast_cancer", 0, prover.manifest.input_scale)
    assert proof.inputs == inputs
    assert len(proof.outputs) == prover.manifest.output_len
    assert proof.outputs == prover.witness_outputs(inputs)
    assert proof.instances == ints_to_felts(inputs) + ints_to_felts(proof.outputs)
    assert len(proof.proof) > 1000
    assert proof.prove_s > 0
    assert prover.verify(proof)


@pytest.mark.slow
def test_tampered_proof_or_instances_do_not_verify(prover, proof):
    raw = json.loads(proof.proof_json)
    raw["instances"][0][-1] = raw["instances"][0][0]  # claim another output
    forged = ProofResult(
        proof=proof.proof,
        instances=proof.instances,
        inputs=proof.inputs,
        outputs=proof.outputs,
        proof_json=json.dumps(raw),
    )
    assert not prover.verify(forged)


def test_witness_outputs_follow_the_input(prover):
    scale = prover.manifest.input_scale
    first = prover.witness_outputs(sample("breast_cancer", 0, scale))
    second = prover.witness_outputs(sample("breast_cancer", 1, scale))
    assert len(first) == len(second) == 1
    assert first != second


def test_wrong_input_length_or_type_is_rejected(prover):
    with pytest.raises(CalibrationDataError, match="takes 30 inputs, got 3"):
        prover.witness_outputs([1, 2, 3])
    with pytest.raises(CalibrationDataError, match="input 0 is 0.5"):
        prover.witness_outputs([0.5] + [0] * 29)  # type: ignore[list-item]
    with pytest.raises(CalibrationDataError, match="too large"):
        prover.witness_outputs([2**60] + [0] * 29)


def test_missing_srs_is_a_clear_error(tmp_path):
    with pytest.raises(SrsError, match="nope.srs is missing"):
        Prover(CIRCUITS / "digits", srs_path=tmp_path / "nope.srs")


def test_srs_with_another_hash_is_rejected(tmp_path):
    srs = tmp_path / "other.srs"
    data = bytearray((CIRCUITS / "srs" / "dev-insecure-k15.srs").read_bytes())
    data[-1] ^= 0xFF
    srs.write_bytes(bytes(data))
    with pytest.raises(SrsError, match="hashes to 0x[0-9a-f]{64}, the manifest expects"):
        Prover(CIRCUITS / "digits", srs_path=srs)


@pytest.mark.slow
def test_rebuilt_vk_that_differs_from_the_manifest_is_refused(copy_model, tmp_path):
    """Swap in another circuit's vk (and its hash): the rebuilt key must expose the lie."""
    model_dir = copy_model("breast_cancer")
    shutil.copyfile(CIRCUITS / "digits" / VK_FILE, model_dir / VK_FILE)
    manifest = json.loads((model_dir / MANIFEST_FILE).read_text())
    manifest["vk_sha256"] = sha256_file(model_dir / VK_FILE)
    (model_dir / MANIFEST_FILE).write_text(json.dumps(manifest))
    prover = Prover(model_dir, cache_dir=tmp_path / "cache")
    with pytest.raises(CorruptArtifactError, match="rebuilt verifying key hashes to"):
        prover.ensure_proving_key()
    assert not prover.pk_path.exists()


def _witness_in_child(model_dir: str, inputs: list[int]) -> list[int]:
    return Prover(model_dir).witness_outputs(inputs)


def test_prover_is_constructed_and_used_in_a_worker_process(prover):
    inputs = sample("breast_cancer", 2, prover.manifest.input_scale)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        outputs = pool.apply(_witness_in_child, (str(CIRCUITS / "breast_cancer"), inputs))
    assert outputs == prover.witness_outputs(inputs)
