"""Batched circuits: manifest fields, the batch-size search, and real proofs of N samples."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from oracle_node.circuits import proving
from oracle_node.circuits.build import (
    MAX_CODE_BYTES,
    MAX_INSTANCES,
    RESERVED_ROWS,
    BatchPlanner,
    BuildOptions,
    build_circuit,
    fits,
    largest_fitting,
    parse_batch,
)
from oracle_node.circuits.datasets import BATCHED_MODELS
from oracle_node.circuits.manifest import MANIFEST_FILE, load_manifest, read_manifest
from oracle_node.circuits.proving import BatchProof, Prover, filler_sample, pad_batch
from oracle_node.encoding import BN254_PRIME, felt_to_hex_le, ints_to_felts
from oracle_node.exceptions import CalibrationDataError, ConfigError, CorruptArtifactError
from tests.support.onnx_models import write_mlp

from .conftest import CIRCUITS, ROOT, sample


def _quiet(_: str) -> None:
    pass


# --- manifest --------------------------------------------------------------------------------


def test_a_manifest_without_batch_size_loads_as_one_sample(copy_model):
    folder = copy_model("breast_cancer")
    assert "batch_size" not in json.loads((folder / MANIFEST_FILE).read_text())
    manifest = load_manifest(folder)
    assert manifest.batch_size == 1
    assert manifest.instances_len == 31


@pytest.mark.parametrize("bad", [0, -3, 2.5, "many", None])
def test_a_bad_batch_size_is_refused_in_one_line(copy_model, bad):
    folder = copy_model("breast_cancer")
    path = folder / MANIFEST_FILE
    data = json.loads(path.read_text())
    data["batch_size"] = bad
    path.write_text(json.dumps(data))
    with pytest.raises(CorruptArtifactError, match="batch_size") as caught:
        read_manifest(folder)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", sorted(BATCHED_MODELS))
def test_committed_batched_manifests_hold_per_sample_lengths(name):
    manifest = load_manifest(CIRCUITS / name, verifier_root=ROOT)
    single = load_manifest(CIRCUITS / BATCHED_MODELS[name])
    settings = json.loads((CIRCUITS / name / "settings.json").read_text())
    n = manifest.batch_size
    assert name.endswith(f"_b{n}") and n > 1
    assert settings["run_args"]["variables"] == [["batch_size", n]]
    assert manifest.input_shape == [n, single.input_len]
    assert manifest.output_shape == [n, single.output_len]
    assert settings["model_instance_shapes"] == [manifest.input_shape, manifest.output_shape]
    assert (manifest.input_len, manifest.output_len) == (single.input_len, single.output_len)
    assert manifest.instances_len == n * (single.input_len + single.output_len) <= MAX_INSTANCES
    assert manifest.srs_sha256 == single.srs_sha256  # the committed dev SRS, reused
    # the auto rule: N fits the rows of the single-sample circuit's logrows, N + 1 does not
    assert manifest.logrows == single.logrows
    assert fits(settings["num_rows"], manifest.logrows)
    for file_name in ("model.compiled", "vk.key", "settings.json", "model.onnx"):
        assert (CIRCUITS / name / file_name).stat().st_size < 512 * 1024


# --- the batch-size search -------------------------------------------------------------------


def test_fits_leaves_ezkl_its_reserved_rows():
    assert fits(2**15 - RESERVED_ROWS, 15)
    assert not fits(2**15 - RESERVED_ROWS + 1, 15)


@pytest.mark.parametrize(
    ("per_sample", "fixed", "cap", "expected"),
    [(1392, 480, 64, 23), (3336, 0, 64, 9), (1000, 0, 5, 5), (40_000, 0, 64, 1), (10, 0, 1, 1)],
)
def test_largest_fitting_finds_the_largest_n_and_asks_few_layouts(per_sample, fixed, cap, expected):
    asked: list[int] = []

    def rows(n: int) -> int:
        asked.append(n)
        return fixed + per_sample * n

    assert largest_fitting(rows, 15, cap) == expected
    assert len(asked) <= 2 * math.ceil(math.log2(cap + 1)) + 1
    assert all(1 <= n <= cap for n in asked)


def test_the_planner_picks_23_breast_cancer_samples_from_real_layouts(tmp_path):
    """The committed batched ONNX at the committed calibrated scales (gen_settings only)."""
    calibrated = json.loads((CIRCUITS / "breast_cancer" / "settings.json").read_text())
    onnx_path = CIRCUITS / "breast_cancer_b23" / "model.onnx"
    lines: list[str] = []
    planner = BatchPlanner(onnx_path, tmp_path, calibrated, "batch_size", lines.append)
    assert planner.pick(15, cap=64) == 23
    assert fits(planner.rows(23, 15), 15) and not fits(planner.rows(24, 15), 15)
    assert "batch: N=23 fills 32,016 of 32,768 rows" in lines[-1]
    # an explicit N that needs more rows gets the next logrows
    assert planner.logrows_for(40, 15, 17) == 16
    with pytest.raises(ConfigError, match="needs more than 2\\^15 rows"):
        planner.logrows_for(40, 15, 15)


def test_parse_batch_accepts_auto_and_positive_numbers():
    assert parse_batch("auto") == parse_batch("AUTO") == "auto"
    assert parse_batch("16") == parse_batch(16) == 16
    for bad in ("0", "-2", "1.5", "lots", ""):
        with pytest.raises(ConfigError, match="use auto or a whole number"):
            parse_batch(bad)


def test_a_fixed_first_dimension_refuses_an_explicit_batch(scratch_project, tiny_model):
    onnx_path, calibration = tiny_model
    options = BuildOptions(
        onnx_path=onnx_path,
        calibration_path=calibration,
        name="tiny",
        circuits_dir=scratch_project / "circuits",
        verifiers_dir=scratch_project / "contracts" / "verifiers",
        batch=4,
    )
    with pytest.raises(ConfigError, match="fixed first dimension; .*batch_size"):
        build_circuit(options, log=_quiet)
    assert not (scratch_project / "circuits" / "tiny").exists()


def _batched_mlp(path: Path) -> Path:
    import onnx

    model = onnx.load(str(write_mlp(path)))
    for value in (model.graph.input[0], model.graph.output[0]):
        first = value.type.tensor_type.shape.dim[0]
        first.ClearField("dim_value")
        first.dim_param = "batch_size"
    onnx.save(model, str(path))
    return path


@pytest.mark.slow
def test_auto_build_picks_the_largest_n_and_steps_down_for_the_verifiers_size(
    scratch_project, tiny_model, monkeypatch
):
    """A tiny batchable MLP; the first verifier is reported over EIP-170 (a fault injected)."""
    _, calibration = tiny_model
    onnx_path = _batched_mlp(scratch_project / "tiny_batched.onnx")
    real_size = proving.verifier_code_size
    sizes: list[int] = []

    def first_too_large(source: Path, contract: str, toolchain: Path) -> int:
        sizes.append(real_size(source, contract, toolchain))
        return MAX_CODE_BYTES + 1 if len(sizes) == 1 else sizes[-1]

    monkeypatch.setattr(proving, "verifier_code_size", first_too_large)
    lines: list[str] = []
    options = BuildOptions(
        onnx_path=onnx_path,
        calibration_path=calibration,
        name="tiny_batched",
        circuits_dir=scratch_project / "circuits",
        verifiers_dir=scratch_project / "contracts" / "verifiers",
        cache_dir=scratch_project / "cache",
        num_inner_cols=1,
    )
    manifest = build_circuit(options, log=lines.append)
    picked = [int(line.split("batch: N=")[1].split()[0]) for line in lines if " fills " in line]
    first, n = picked[0], manifest.batch_size
    assert len(sizes) == 2 and 1 < first <= 64
    assert n == first // 2 and picked[-1] == n
    assert any(f"stepping the batch down to N={n}" in line for line in lines)
    assert (manifest.input_len, manifest.output_len) == (4, 3)
    assert manifest.input_shape == [n, 4] and manifest.output_shape == [n, 3]
    folder = scratch_project / "circuits" / "tiny_batched"
    settings = json.loads((folder / "settings.json").read_text())
    assert settings["run_args"]["variables"] == [["batch_size", n]]
    if first < 64:  # the first pick was the largest N whose rows fit
        bigger = proving.batch_settings(
            onnx_path,
            scratch_project / "probe.json",
            settings,
            ("batch_size", first + 1),
            manifest.logrows,
        )
        assert not fits(bigger["num_rows"], manifest.logrows)
    verifier = (scratch_project / "contracts" / "verifiers" / "TinyBatchedVerifier.sol").read_text()
    assert f"--batch {n}" in verifier


# --- proving a batch -------------------------------------------------------------------------


def test_pad_batch_fills_the_free_slots_with_the_filler_sample():
    assert filler_sample(3) == [0, 0, 0]
    assert pad_batch([[1, 2, 3], [4, 5, 6]], 4, 3) == [1, 2, 3, 4, 5, 6] + [0] * 6
    with pytest.raises(CalibrationDataError, match="do not fit a batch of 1"):
        pad_batch([[1], [2]], 1, 1)


@pytest.fixture(scope="module")
def batched(pk_cache) -> Prover:
    return Prover(CIRCUITS / "breast_cancer_b23", cache_dir=pk_cache)


def test_a_batched_circuit_refuses_single_sample_prove_and_bad_batches(batched):
    one = sample("breast_cancer", 0, batched.manifest.input_scale)
    with pytest.raises(CalibrationDataError, match="use prove_batch"):
        batched.prove(one)
    with pytest.raises(CalibrationDataError, match="1 to 23 samples at once, got 0"):
        batched.prove_batch([])
    with pytest.raises(CalibrationDataError, match="1 to 23 samples at once, got 24"):
        batched.prove_batch([one] * 24)
    with pytest.raises(CalibrationDataError, match="sample 1: breast_cancer_b23 takes 30"):
        batched.prove_batch([one, one[:5]])


def test_witness_outputs_of_a_batched_circuit_are_the_single_circuits(batched, provers):
    single = provers["breast_cancer"]
    for index in range(3):
        inputs = sample("breast_cancer", index, batched.manifest.input_scale)
        assert batched.witness_outputs(inputs) == single.witness_outputs(inputs)


@pytest.fixture(scope="module")
def batch_proof(batched) -> BatchProof:
    """A real proof of 5 held-out samples in the 23 slots (18 filler samples)."""
    scale = batched.manifest.input_scale
    return batched.prove_batch([sample("breast_cancer", i, scale) for i in range(5)])


@pytest.mark.slow
def test_batched_proof_verifies_and_each_output_is_onnxruntimes(batched, batch_proof):
    manifest = batched.manifest
    assert batched.verify(batch_proof.result)
    assert batch_proof.count == 5 and len(batch_proof.outputs) == 5
    session = ort.InferenceSession(
        str(CIRCUITS / "breast_cancer" / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    for index, outputs in enumerate(batch_proof.outputs):
        row = np.asarray(
            [[v / 2.0**manifest.input_scale for v in batch_proof.inputs[index]]], dtype=np.float32
        )
        expected = session.run(None, {"input": row})[0][0]
        assert len(outputs) == manifest.output_len
        assert np.max(np.abs(np.asarray(outputs) / 2.0**manifest.output_scale - expected)) < 0.05
        assert batch_proof.inputs[index] == sample("breast_cancer", index, manifest.input_scale)


@pytest.mark.slow
def test_batched_instances_are_n_inputs_then_n_outputs_with_filler_slots(batched, batch_proof):
    manifest = batched.manifest
    n, size_in, size_out = manifest.batch_size, manifest.input_len, manifest.output_len
    result = batch_proof.result
    assert len(result.instances) == n * (size_in + size_out) == 23 * 31
    real = [x for s in batch_proof.inputs for x in s]
    assert result.inputs == real + filler_sample(size_in) * (n - 5)
    assert result.instances[: n * size_in] == ints_to_felts(result.inputs)
    assert result.instances[n * size_in :] == ints_to_felts(result.outputs)
    filler_out = result.outputs[5 * size_out : 6 * size_out]
    assert result.outputs[5 * size_out :] == filler_out * (n - 5)
    assert filler_out == batched.witness_outputs(filler_sample(size_in))
    # a changed output of a real sample no longer verifies
    raw = json.loads(result.proof_json)
    first_output = n * size_in
    raw["instances"][0][first_output] = felt_to_hex_le(
        (result.instances[first_output] + 1) % BN254_PRIME
    )
    forged = proving.ProofResult(
        proof=result.proof,
        instances=result.instances,
        inputs=result.inputs,
        outputs=result.outputs,
        proof_json=json.dumps(raw),
    )
    assert not batched.verify(forged)


@pytest.mark.slow
def test_batched_verifier_accepts_the_batch_on_chain(project, accounts, batched, batch_proof):
    verifier = accounts[0].deploy(getattr(project, batched.manifest.verifier_contract))
    result = batch_proof.result
    assert verifier.verifyProof.call(result.proof, result.instances) is True
    with pytest.raises(Exception):  # noqa: B017  (the verifier reverts with empty data)
        verifier.verifyProof.call(result.proof, result.instances[: -batched.manifest.output_len])


@pytest.mark.parametrize("name", sorted(BATCHED_MODELS))
def test_the_builds_code_size_is_the_shipped_verifiers(name):
    """The EIP-170 check compiles as the project does: same size as the exported artifact."""
    from oracle_node import artifacts
    from oracle_node.chain import solc

    assert (proving.PROJECT_SOLC_VERSION, proving.PROJECT_EVM_VERSION) == (
        solc.SOLC_VERSION,
        solc.EVM_VERSION,
    )
    assert proving.PROJECT_OPTIMIZER_RUNS == solc.OPTIMIZER_RUNS
    manifest = load_manifest(CIRCUITS / name)
    size = proving.verifier_code_size(
        ROOT / manifest.verifier_path, manifest.verifier_contract, proving.evm_toolchain_dir()
    )
    shipped = artifacts.load(manifest.verifier_contract)["runtimeBytecode"]["bytecode"]
    assert size == len(bytes.fromhex(shipped.removeprefix("0x")))
    assert size <= MAX_CODE_BYTES
