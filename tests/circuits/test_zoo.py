"""The model zoo: tree ensembles as tensor ops, the committed zoo circuits against their float
models, cost estimates, and the refusals a publisher meets first (too large, dynamic shape)."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper
from sklearn.ensemble import GradientBoostingClassifier

from oracle_node.circuits import proving
from oracle_node.circuits.build import build_circuit
from oracle_node.circuits.datasets import ZOO_MODELS, held_out, load_split, predicted_label
from oracle_node.circuits.proving import Prover
from oracle_node.circuits.resources import MEASURED, estimate_cost, heartbeat
from oracle_node.circuits.trees import gradient_boosting_to_onnx
from oracle_node.encoding import float_to_int
from oracle_node.exceptions import CircuitTooLargeError, UnsupportedModelError
from tests.support.onnx_models import write_calibration

from .conftest import CIRCUITS
from .test_build import leftovers, options

# Largest |circuit - float| accepted for a score, in output units (the docs' stated tolerance).
# Trees are discrete: an input within one quantization step (2^-11) of a split threshold can
# take the other branch, moving the score by that leaf's value (0.16 seen on held-out sample 3).
SCORE_TOLERANCE = {"credit_gbt": 0.5, "digits_cnn": 0.05, "anomaly_ae": 0.02}
SAMPLES = 25


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.mark.parametrize(("trees", "depth"), [(5, 2), (12, 4)])
def test_gradient_boosting_as_tensor_ops_matches_scikit_learn(trees, depth):
    split = load_split("credit_gbt")
    model = GradientBoostingClassifier(n_estimators=trees, max_depth=depth, random_state=0)
    model.fit(split.train_x[:400], split.train_y[:400])
    proto = gradient_boosting_to_onnx(model)
    assert {n.op_type for n in proto.graph.node} <= {
        "MatMul", "LessOrEqual", "Cast", "Reshape", "Add", "Relu", "Gemm",
    }  # fmt: skip
    session = ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])
    got = np.asarray(
        [
            session.run(None, {"input": row[None].astype(np.float32)})[0][0, 0]
            for row in split.test_x
        ]
    )
    assert np.abs(got - model.decision_function(split.test_x)).max() < 1e-4


def test_multiclass_boosting_is_refused_with_a_reason():
    split = load_split("digits")
    model = GradientBoostingClassifier(n_estimators=1, max_depth=1).fit(
        split.train_x[:200], split.train_y[:200]
    )
    with pytest.raises(UnsupportedModelError, match="binary GradientBoostingClassifier"):
        gradient_boosting_to_onnx(model)


@pytest.mark.parametrize("name", ZOO_MODELS)
def test_zoo_circuit_agrees_with_the_float_model_on_held_out_samples(name):
    """The circuit's quantized outputs (EZKL witness) vs onnxruntime, first held-out samples."""
    prover = Prover(CIRCUITS / name)
    manifest = prover.manifest
    session = _session(CIRCUITS / name / "model.onnx")
    features, _ = held_out(name)
    for row in features[:SAMPLES]:
        x = np.asarray(row, dtype=np.float32).reshape(manifest.input_shape)
        expected = session.run(None, {"input": x})[0].reshape(-1)
        outputs = prover.witness_outputs([float_to_int(v, manifest.input_scale) for v in row])
        got = np.asarray(outputs) / 2.0**manifest.output_scale
        assert np.abs(got - expected).max() <= SCORE_TOLERANCE[name], (row, got, expected)
        assert predicted_label(outputs) == predicted_label(list(expected))


def test_estimate_reproduces_the_measured_points_and_grows_with_rows():
    for logrows, (gib, secs) in MEASURED.items():
        estimate = estimate_cost(logrows, inner_cols=2)
        assert estimate.peak_bytes == int(gib * 2**30)
        assert estimate.prove_s == pytest.approx(secs)
    sizes = [estimate_cost(k).peak_bytes for k in range(15, 23)]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    assert estimate_cost(17, inner_cols=1).peak_bytes < estimate_cost(17, inner_cols=2).peak_bytes
    assert "2^19 rows" in estimate_cost(19).describe()


def test_model_too_large_for_the_machine_is_refused_before_setup(
    scratch_project, tiny_model, monkeypatch
):
    def no_setup(*_args, **_kwargs):
        raise AssertionError("setup must not run for a refused circuit")

    monkeypatch.setattr(proving, "setup_keys", no_setup)
    onnx_path, calibration = tiny_model
    lines: list[str] = []
    opts = options(scratch_project, onnx_path, calibration, memory_limit_bytes=50 * 2**20)
    with pytest.raises(CircuitTooLargeError) as caught:
        build_circuit(opts, log=lines.append)
    message = str(caught.value)
    assert "\n" not in message
    assert "needs 2^15 rows" in message and "0.0 GiB available" in message
    for hint in ("--scale", "--target resources", "--inner-cols 1", "smaller model"):
        assert hint in message
    assert any("estimate for 2^15 rows" in line for line in lines)
    assert leftovers(scratch_project) == []


def test_model_too_large_is_one_line_on_the_command_line(tiny_model, tmp_path, capsys):
    from oracle_node.cli import main

    onnx_path, calibration = tiny_model
    args = ["circuits", "build", str(onnx_path), str(calibration), "--name", "tiny"]
    args += ["--circuits-dir", str(tmp_path / "c"), "--memory-limit-gib", "0.01"]
    assert main(args) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("error: circuit 'tiny' needs 2^15 rows")


def test_dynamic_shape_is_refused_naming_the_tensor_and_dimension(scratch_project, tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Relu", ["input"], ["output"], name="relu")],
        "dynamic",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, "features"])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, "features"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "dynamic.onnx")
    calibration = write_calibration(tmp_path / "cal.json", [0.1, 0.2])
    with pytest.raises(
        UnsupportedModelError, match=r"'input' has a symbolic dimension 1 \('features'\)"
    ) as caught:
        build_circuit(options(scratch_project, tmp_path / "dynamic.onnx", calibration))
    assert "export the model with fixed shapes" in str(caught.value)
    assert leftovers(scratch_project) == []


def test_heartbeat_reports_elapsed_time_while_a_stage_runs(capfd):
    import time

    lines: list[str] = []
    with heartbeat(lines.append, "setup", every_s=0.2):
        time.sleep(1.5)  # the beat comes from a child process, as EZKL holds the GIL
    beats = [line for line in capfd.readouterr().err.splitlines() if "... setup: " in line]
    assert beats, "no heartbeat while the stage ran"
    assert lines == [lines[0]] and lines[0].startswith("  setup took 1.")
