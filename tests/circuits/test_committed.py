"""Committed circuits: a salted Poseidon hash per sample in place of its inputs, the commitment
helper against real proofs, the slot graph, the build option and the delivery a node reads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from oracle_node.circuits.build import BuildOptions, build_circuit
from oracle_node.circuits.committed import (
    SALT_BITS,
    SALT_LEN,
    commitment,
    input_mode,
    new_salt,
    wrap_for_slots,
)
from oracle_node.circuits.manifest import load_manifest
from oracle_node.circuits.proving import Prover, filler_sample
from oracle_node.exceptions import BadDelivery, CalibrationDataError, ConfigError
from oracle_node.protocol.committed import (
    commit,
    encryption_public_key,
    new_encryption_key,
    open_sealed,
    read_delivery,
)

from .conftest import CIRCUITS, ROOT, sample
from .test_batch import _batched_mlp

BATCHED = "breast_cancer_c22"
SALTS = [[7 * i + j for j in range(SALT_LEN)] for i in range(1, 4)]


def _quiet(_: str) -> None:
    pass


@pytest.fixture(scope="module")
def prover(pk_cache: Path) -> Prover:
    return Prover(CIRCUITS / BATCHED, cache_dir=pk_cache)


@pytest.fixture(scope="module")
def samples(prover: Prover) -> list[list[int]]:
    return [sample("breast_cancer", i, prover.manifest.input_scale) for i in range(3)]


@pytest.fixture(scope="module")
def batch(prover: Prover, samples: list[list[int]]):  # type: ignore[no-untyped-def]
    return prover.prove_batch(samples, SALTS)


@pytest.mark.parametrize(
    "name", ["breast_cancer_c1", "breast_cancer_c22", "breast_cancer_c88", "digits_c37"]
)
def test_committed_manifests_say_hashed_and_count_one_instance_per_sample(name):
    manifest = load_manifest(CIRCUITS / name, verifier_root=ROOT)
    settings = json.loads((CIRCUITS / name / "settings.json").read_text())
    n = manifest.batch_size
    assert name.endswith(f"_c{n}")
    assert manifest.committed and manifest.input_visibility == "Hashed"
    assert settings["run_args"]["input_visibility"] == {
        "Hashed": {"hash_is_public": True, "outlets": []}
    }
    assert manifest.salt_len == SALT_LEN
    assert manifest.input_shape == [n, manifest.input_len]
    assert manifest.instances_len == n * (1 + manifest.output_len)
    assert manifest.logrows <= 17


def test_the_commitment_is_the_proofs_hash_instance_slot_by_slot(prover, samples, batch):
    n = prover.batch_size
    hashes = batch.result.instances[:n]
    assert hashes[:3] == [commitment(s, salt) for s, salt in zip(samples, SALTS, strict=True)]
    filler = commitment(filler_sample(prover.manifest.input_len), [0] * SALT_LEN)
    assert hashes[3:] == [filler] * (n - 3)
    assert len(batch.result.instances) == prover.manifest.instances_len
    assert prover.verify(batch.result)


def test_the_salt_does_not_change_the_output(prover, samples, batch):
    """The proven outputs are the witness outputs with zero salts, and the public model's."""
    assert batch.outputs == [prover.witness_outputs(s) for s in samples]
    public = Prover(CIRCUITS / "breast_cancer")
    if public.manifest.output_scale == prover.manifest.output_scale:
        assert batch.outputs == [public.witness_outputs(s) for s in samples]


def test_salts_are_checked_in_one_line(prover, samples):
    bad = [
        ([1] * (SALT_LEN - 1), f"a salt is {SALT_LEN} values"),
        ([2**SALT_BITS] + [0] * (SALT_LEN - 1), "salt value 0"),
        ([-1] + [0] * (SALT_LEN - 1), "salt value 0"),
    ]
    for salt, message in bad:
        with pytest.raises(CalibrationDataError, match=message) as caught:
            prover.prove_batch(samples[:1], [salt])
        assert "\n" not in str(caught.value)
    with pytest.raises(CalibrationDataError, match="needs each request's salt"):
        prover.prove_batch(samples[:1])
    with pytest.raises(CalibrationDataError, match="takes no salt"):
        Prover(CIRCUITS / "breast_cancer").prove(samples[0], SALTS[0])


def test_new_salts_are_random_and_in_range():
    salts = {tuple(new_salt()) for _ in range(50)}
    assert len(salts) == 50
    assert all(len(s) == SALT_LEN and all(0 <= v < 2**SALT_BITS for v in s) for s in salts)


def test_the_slot_graph_runs_the_model_on_each_slot_whatever_the_salt(tmp_path):
    source = _batched_mlp(tmp_path / "mlp.onnx")
    wrapped = wrap_for_slots(onnx.load(str(source)), 3, 4)
    path = tmp_path / "wrapped.onnx"
    onnx.save(wrapped, str(path))
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(3, 4)).astype(np.float32)
    salts = rng.integers(0, 2**SALT_BITS, size=(3, SALT_LEN)).astype(np.float32)
    feeds = {
        f"input_{i}": np.concatenate([rows[i], salts[i]])[None, :].astype(np.float32)
        for i in range(3)
    }
    got = ort.InferenceSession(str(path)).run(None, feeds)[0]
    want = ort.InferenceSession(str(source)).run(None, {"input": rows})[0]
    np.testing.assert_array_equal(got, want)
    assert [i.name for i in wrapped.graph.input] == ["input_0", "input_1", "input_2"]


def test_input_mode_names_the_choices():
    assert (input_mode("public"), input_mode(" Hashed ")) == ("Public", "Hashed")
    with pytest.raises(ConfigError, match="use public or hashed"):
        input_mode("private")


@pytest.mark.slow
def test_a_hashed_build_makes_a_committed_circuit(scratch_project, tiny_model, tmp_path):
    _, calibration = tiny_model
    onnx_path = _batched_mlp(scratch_project / "tiny_batched.onnx")
    options = BuildOptions(
        onnx_path=onnx_path,
        calibration_path=calibration,
        name="tiny_c2",
        circuits_dir=scratch_project / "circuits",
        verifiers_dir=scratch_project / "contracts" / "verifiers",
        cache_dir=scratch_project / "cache",
        num_inner_cols=1,
        batch=2,
        inputs="hashed",
    )
    lines: list[str] = []
    manifest = build_circuit(options, log=lines.append)
    assert any("inputs: hashed" in line for line in lines)
    assert manifest.committed and manifest.salt_len == SALT_LEN
    assert (manifest.batch_size, manifest.input_len, manifest.output_len) == (2, 4, 3)
    assert manifest.input_shape == [2, 4] and manifest.output_shape == [2, 3]
    folder = scratch_project / "circuits" / "tiny_c2"
    prover = Prover(folder, cache_dir=scratch_project / "cache")
    inputs = [[100, -200, 300, -400], [5, 6, 7, 8]]
    salts = [new_salt(), new_salt()]
    proof = prover.prove_batch(inputs, salts)
    assert proof.result.instances[:2] == [
        commitment(x, s) for x, s in zip(inputs, salts, strict=True)
    ]
    assert len(proof.result.instances) == 2 * (1 + 3)
    assert prover.verify(proof.result)


# --- the delivery ----------------------------------------------------------------------------


def test_a_delivery_opens_its_commitment():
    c = commit([1, -2, 3])
    opened = read_delivery(c.delivery(), c.commitment, 3)
    assert opened == c
    assert commit([1, -2, 3], c.salt) == c


@pytest.mark.parametrize(
    "fault,message",
    [
        ("another commitment", "does not open"),
        ("another input length", "holds 3 input values, the model takes 2"),
        ("garbage", "not ABI"),
        ("a short salt", "salt is 5 values"),
        ("a salt out of range", "salt is malformed"),
    ],
)
def test_a_bad_delivery_is_refused_in_one_line(fault, message):
    from eth_abi.abi import encode

    c = commit([1, -2, 3], [1, 2, 3, 4, 5, 6])
    data, expected, input_len = c.delivery(), c.commitment, 3
    if fault == "another commitment":
        expected = commit([1, -2, 4], c.salt).commitment
    elif fault == "another input length":
        input_len = 2
    elif fault == "garbage":
        data = b"\x01\x02"
    elif fault == "a short salt":
        data = encode(["int256[]", "uint256[]"], [[1, -2, 3], [1, 2, 3, 4, 5]])
    else:
        data = encode(["int256[]", "uint256[]"], [[1, -2, 3], [2**SALT_BITS, 2, 3, 4, 5, 6]])
    with pytest.raises(BadDelivery, match=message) as caught:
        read_delivery(data, expected, input_len)
    assert "\n" not in str(caught.value)


# --- private deliveries: sealed for one node and one request -----------------------------------

COORDINATOR = "0x" + "ab" * 20
WHERE = {"chain_id": 31337, "coordinator": COORDINATOR, "request_id": 9}


def _open(secret: bytes, data: bytes, c, **changes) -> object:
    where = {**WHERE, **changes}
    return open_sealed(secret, data, expected=c.commitment, input_len=len(c.inputs), **where)


def test_a_sealed_delivery_opens_only_for_its_node_and_its_request():
    secret, key = new_encryption_key()
    assert encryption_public_key(secret) == key and len(key) == 33
    c = commit([1, -2, 3], [1, 2, 3, 4, 5, 6])
    sealed = c.sealed(key, **WHERE)
    assert _open(secret, sealed, c) == c
    # ECIES draws a fresh ephemeral key: two sealings of one opening share no bytes beyond
    # chance, and neither holds the plaintext.
    again = c.sealed(key, **WHERE)
    assert again != sealed and c.delivery()[64:] not in sealed
    with pytest.raises(BadDelivery, match="does not decrypt with this node's key"):
        _open(new_encryption_key()[0], sealed, c)
    with pytest.raises(BadDelivery, match="not request 10 "):
        _open(secret, sealed, c, request_id=10)
    with pytest.raises(BadDelivery, match="on chain 1$"):
        _open(secret, sealed, c, chain_id=1)
    with pytest.raises(BadDelivery, match="of 0xABaBaB.* not request 9 of 0xCdCDCd"):
        _open(secret, sealed, c, coordinator="0x" + "cd" * 20)
    other = commit([1, -2, 4], c.salt)
    with pytest.raises(BadDelivery, match="does not open"):
        _open(secret, other.sealed(key, **WHERE), c)
    with pytest.raises(BadDelivery, match="does not decrypt"):
        _open(secret, sealed[:-1] + bytes([sealed[-1] ^ 1]), c)


@pytest.mark.parametrize("key", [b"", b"\x02" * 32, b"\x04" + b"\x01" * 32])
def test_sealing_for_a_key_that_is_not_a_compressed_point_is_refused(key):
    with pytest.raises(BadDelivery, match="has the node published one"):
        commit([1]).sealed(key, **WHERE)
