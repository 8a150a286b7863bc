"""The provable input range recorded in a model's registry record (``maxAbsInput``)."""

from __future__ import annotations

import json

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from oracle_node.circuits.input_range import (
    decomposition_range,
    provable_input_bound,
    read_max_abs_input,
)
from oracle_node.circuits.proving import Prover
from oracle_node.exceptions import ProvingError, UnsupportedModelError

from .conftest import CIRCUITS, write_mlp


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
    with pytest.raises(UnsupportedModelError, match="Sigmoid"):
        provable_input_bound(path, _settings("digits"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["digits", "breast_cancer"])
def test_worst_case_inputs_at_the_bound_prove_and_far_outside_do_not(name, pk_cache):
    """Every input at +-B with the signs of the first layer's most sensitive neuron, the
    pattern that drives that neuron furthest, proves; the decomposition range alone (2^28 - 1)
    does not."""
    bound = read_max_abs_input(CIRCUITS / name)
    model = onnx.load(str(CIRCUITS / name / "model.onnx"))
    weight = numpy_helper.to_array(model.graph.initializer[0])
    signs = np.sign(weight[:, int(np.argmax(np.abs(weight).sum(axis=0)))]).astype(int)
    signs[signs == 0] = 1
    prover = Prover(CIRCUITS / name, cache_dir=pk_cache)
    for sign in (1, -1):
        prover.prove([int(sign * bound * s) for s in signs])
    with pytest.raises(ProvingError):
        prover.prove([2**28 - 1] * len(signs))


def test_a_graph_that_cannot_be_bounded_registers_its_calibrated_range():
    import json

    import pytest

    from oracle_node.circuits.input_range import provable_input_bound
    from oracle_node.exceptions import UnsupportedModelError

    folder = CIRCUITS / "digits_cnn"
    settings = json.loads((folder / "settings.json").read_text())
    with pytest.raises(UnsupportedModelError, match="register the model's input range"):
        provable_input_bound(folder / "model.onnx", settings)
    data = json.loads((folder / "calibration.json").read_text())["input_data"]
    largest = max(abs(v) for tensor in data for v in tensor)
    scale = 2 ** settings["run_args"]["input_scale"]
    assert read_max_abs_input(folder) == int(largest * scale) > 0
