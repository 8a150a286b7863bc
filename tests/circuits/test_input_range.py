"""The provable input range recorded in a model's registry record (``maxAbsInput``).

The bound is derived from the graph alone: every committed circuit must prove at every corner
of its accepted box and at the worst input a search finds inside it, and a graph whose bound
cannot be derived must not build.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from oracle_node.circuits import build as build_module
from oracle_node.circuits import proving
from oracle_node.circuits.build import BuildOptions, build_circuit, fit_input_range
from oracle_node.circuits.committed import SALT_BITS, SALT_LEN
from oracle_node.circuits.datasets import held_out
from oracle_node.circuits.input_range import (
    analyse,
    decomposition_range,
    provable_input_bound,
    read_max_abs_input,
)
from oracle_node.circuits.proving import Prover
from oracle_node.encoding import float_to_int
from oracle_node.exceptions import InputRangeError, ProvingError, UnsupportedModelError
from tests.support.onnx_models import write_calibration
from tests.support.worst_input import search_worst_input

from .conftest import CIRCUITS, COMMITTED, write_mlp

# An input the first credit_gbt circuit accepted (every feature inside its calibration range)
# whose trees score 18.3, over the 16 its output scale 24 held in 2 decomposition legs:
# "decomposition error: integer 307571753 is too large to be represented by base 16384 and n 2".
CREDIT_GBT_ESCAPE = [
    -36165,
    2789,
    -15439,
    -4257,
    -3723,
    2728,
    -11102,
    -4242,
    -19491,
    -17236,
    6098,
    3404,
]
CREDIT_GBT_ESCAPE_FLOATS = [x / 2**11 for x in CREDIT_GBT_ESCAPE]  # its input scale is 11


def _settings(name: str) -> dict:
    return json.loads((CIRCUITS / name / "settings.json").read_text())


def test_decomposition_range_of_the_reference_circuits():
    for name in ("digits", "breast_cancer"):
        assert decomposition_range(_settings(name)) == 16384**2 == 2**28
    with pytest.raises(ValueError, match="decomp_base"):
        decomposition_range({"run_args": {}})


def test_bound_is_inside_the_decomposition_range_and_shrinks_with_the_weights(tmp_path):
    settings = _settings("digits")
    bound = read_max_abs_input(CIRCUITS / "digits")
    assert 1 <= bound < 2**28
    assert bound == provable_input_bound(CIRCUITS / "digits" / "model.onnx", settings)
    small = provable_input_bound(write_mlp(tmp_path / "a.onnx", seed=1), settings)
    model = onnx.load(str(tmp_path / "a.onnx"))
    for init in model.graph.initializer:  # ten times the weights: a tenth of the range
        init.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(init) * 10, init.name))
    onnx.save(model, str(tmp_path / "b.onnx"))
    big = provable_input_bound(tmp_path / "b.onnx", settings)
    assert big < small / 5


def test_unsupported_operators_are_refused(tmp_path):
    path = write_mlp(tmp_path / "m.onnx")
    model = onnx.load(str(path))
    model.graph.node[1].op_type = "Sigmoid"
    onnx.save(model, str(path))
    with pytest.raises(UnsupportedModelError, match="cannot bound the values of Sigmoid"):
        provable_input_bound(path, _settings("digits"))


def test_a_model_whose_bound_cannot_be_derived_does_not_build(tmp_path, scratch_project):
    """A Sigmoid (a lookup whose range this check does not model): the build stops before
    calibrating, leaves no folder, and publishing a folder built elsewhere finds no range."""
    path = write_mlp(tmp_path / "m.onnx")
    model = onnx.load(str(path))
    model.graph.node[1].op_type = "Sigmoid"
    onnx.save(model, str(path))
    calibration = write_calibration(tmp_path / "c.json", [0.5] * 4)
    options = BuildOptions(
        onnx_path=path,
        calibration_path=calibration,
        name="sigmoid_mlp",
        circuits_dir=scratch_project / "circuits",
        verifiers_dir=scratch_project / "contracts" / "verifiers",
    )
    lines: list[str] = []
    with pytest.raises(UnsupportedModelError, match="no provable input range can be derived"):
        build_circuit(options, log=lines.append)
    assert not any("calibrating" in line for line in lines)
    assert not (scratch_project / "circuits" / "sigmoid_mlp").exists()


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_every_committed_circuit_derives_a_bound_that_covers_its_held_out_data(name):
    folder = CIRCUITS / name
    settings = _settings(name)
    found = analyse(folder / "model.onnx", settings)
    assert found.bound == read_max_abs_input(folder)
    assert 1 <= found.bound < found.limit
    features, _ = held_out(COMMITTED[name])
    scale = settings["run_args"]["input_scale"]
    largest = max(abs(float_to_int(v, scale)) for row in features for v in row)
    assert largest <= found.bound, f"{name}: a held-out sample would be refused"


def test_a_tree_ensembles_score_is_bounded_by_its_leaves_whatever_the_input():
    """Interval arithmetic keeps each leaf indicator in [0, 1], so the bound on the score does
    not grow with the input, and it covers the exact worst case: the sum over trees of the
    largest |leaf|, plus |base|."""
    folder = CIRCUITS / "credit_gbt"
    model = onnx.load(str(folder / "model.onnx"))
    consts = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    trees = int(consts["tree_shape"][0])
    leaves = np.abs(consts["leaf_values"].reshape(trees, -1))
    exact = float(leaves.max(axis=1).sum() + abs(float(consts["base_score"][0])))
    found = analyse(folder / "model.onnx", _settings("credit_gbt"))
    assert found.floor >= exact
    assert found.floor * 2.0**found.scale < found.limit / 2


def test_the_credit_gbt_input_that_escaped_the_old_bound_is_accepted_and_proves(pk_cache):
    bound = read_max_abs_input(CIRCUITS / "credit_gbt")
    assert max(abs(x) for x in CREDIT_GBT_ESCAPE) <= bound
    Prover(CIRCUITS / "credit_gbt", cache_dir=pk_cache).check_constraints([CREDIT_GBT_ESCAPE])


def test_the_build_adds_decomposition_legs_until_the_range_covers_the_data(tmp_path, monkeypatch):
    """A squared error (x - c)^2 at scale 13 leaves 2 legs (2^28) at |x| about 90; calibration
    data reaching 1000 needs a third leg. With no leg to add, the build refuses in one line."""
    onnx_path = _squared_error_model(tmp_path / "model.onnx")
    write_calibration(tmp_path / "calibration.json", [1000.0, -3.0, 0.5, 2.0])
    settings_path = tmp_path / "settings.json"
    proving.generate_settings(onnx_path, settings_path, scale=13)
    settings = json.loads(settings_path.read_text())
    assert settings["run_args"]["decomp_legs"] == 2
    assert analyse(onnx_path, settings).bound < 1000 * 2**13
    lines: list[str] = []
    widened = fit_input_range(onnx_path, settings_path, settings, 17, lines.append)
    assert widened["run_args"]["decomp_legs"] == 3
    assert json.loads(settings_path.read_text())["run_args"]["decomp_legs"] == 3
    assert analyse(onnx_path, widened).bound >= 1000 * 2**13
    assert any("3 decomposition legs" in line for line in lines)
    monkeypatch.setattr(build_module, "MAX_DECOMP_LEGS", 2)
    with pytest.raises(InputRangeError, match="even with 2 decomposition legs"):
        fit_input_range(onnx_path, settings_path, settings, 17, lines.append)


def _squared_error_model(path: Path) -> Path:
    from onnx import TensorProto, helper

    centre = numpy_helper.from_array(np.asarray([[0.5, -0.5, 1.0, 0.0]], np.float32), "centre")
    graph = helper.make_graph(
        [
            helper.make_node("Sub", ["input", "centre"], ["diff"], name="diff"),
            helper.make_node("Mul", ["diff", "diff"], ["squared"], name="squared"),
            helper.make_node("ReduceSum", ["squared"], ["output"], keepdims=1, name="total"),
        ],
        "squared_error",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1])],
        [centre],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


# ------------------------------------------------------------------ real witnesses at the edges


def _corners(n: int, bound: int) -> dict[str, list[int]]:
    corners = {
        "all +B": [bound] * n,
        "all -B": [-bound] * n,
        "alternating +B -B": [bound if i % 2 == 0 else -bound for i in range(n)],
        "alternating -B +B": [-bound if i % 2 == 0 else bound for i in range(n)],
    }
    for i in range(n):
        for sign, label in ((1, "+B"), (-1, "-B")):
            one = [0] * n
            one[i] = sign * bound
            corners[f"input {i} at {label}"] = one
    return corners


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_every_corner_of_the_accepted_box_satisfies_the_circuit(name, pk_cache):
    """All inputs at +B, at -B, alternating both ways (EZKL's witness and its mock prover:
    every constraint a proof must satisfy), and one input at a time at +-B with the others at 0
    (EZKL's witness, where a value outside the decomposition range fails; a mock of each would
    cost a second apiece at 2^17 rows). A batched circuit takes N corners per witness, one per
    slot."""
    folder = CIRCUITS / name
    bound = read_max_abs_input(folder)
    prover = Prover(folder, cache_dir=pk_cache)
    corners = list(_corners(prover.manifest.input_len, bound).items())
    n = prover.batch_size
    failed = []
    for at in range(0, len(corners), n):
        group = corners[at : at + n]
        try:
            prover.check_constraints([corner for _, corner in group], mock=at < 4)
        except ProvingError as exc:
            failed.append(f"{', '.join(label for label, _ in group)}: {exc}")
    assert not failed, f"{name} at B = {bound}: " + "; ".join(failed[:3])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_the_worst_input_found_in_the_box_proves(name, pk_cache):
    """A coordinate search over the box for the input that drives some computed value furthest,
    from its corners and the held-out samples; then a real proof of it (a full batch of it for a
    batched circuit), verified."""
    folder = CIRCUITS / name
    bound = read_max_abs_input(folder)
    prover = Prover(folder, cache_dir=pk_cache)
    scale = prover.manifest.input_scale
    features, _ = held_out(COMMITTED[name])
    float_bound = bound / 2.0**scale
    starts = [CREDIT_GBT_ESCAPE_FLOATS] if name == "credit_gbt" else []
    # A committed circuit's graph takes salted slots: search its model's single-sample graph.
    graph = CIRCUITS / COMMITTED[name] if prover.manifest.committed else folder
    worst, _ = search_worst_input(graph / "model.onnx", float_bound, data=features, starts=starts)
    inputs = [max(-bound, min(bound, float_to_int(v, scale))) for v in worst]
    # A committed circuit also hashes a salt per sample: the largest salt values.
    salt = [2**SALT_BITS - 1] * SALT_LEN if prover.manifest.committed else None
    if prover.batch_size == 1:
        result = prover.prove(inputs, salt)
        proven = result.outputs
    else:
        n = prover.batch_size
        batch = prover.prove_batch([inputs] * n, None if salt is None else [salt] * n)
        result, proven = batch.result, batch.outputs[0]
    assert prover.verify(result)
    # What an honest Optimistic poster posts (the witness) is what a challenger proves.
    assert prover.witness_outputs(inputs) == proven


def test_far_outside_the_bound_does_not_prove(pk_cache):
    """The decomposition range alone (2^28 - 1 per input) is not provable: a bound is needed."""
    prover = Prover(CIRCUITS / "digits", cache_dir=pk_cache)
    with pytest.raises(ProvingError):
        prover.check_constraints([[2**28 - 1] * prover.manifest.input_len])
