"""The input range a circuit can prove, as the model registry records it (``maxAbsInput``).

EZKL range-checks values by decomposing them into ``decomp_legs`` digits of base ``decomp_base``
(``run_args`` in the circuit's settings): only values with |v| < base^legs can be witnessed. That
bounds the inputs, but also every value the model computes from them, so an input inside the
decomposition range can still be unprovable (measured on the reference ``digits`` circuit: all 64
inputs at 2^24 fail in the first layer). A request that cannot be proven must be refused
on-chain, or a requester could have an honest node slashed.

:func:`provable_input_bound` therefore propagates the interval |x| <= B through the ONNX graph
(Gemm, MatMul, Add, Relu, Flatten/Reshape/Identity) and returns the largest B for which every
value, at the circuit's scale, stays under half the decomposition range (a factor 2 of headroom
for rounding and rescaling). Other operators are refused: give such a model's range by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from oracle_node.circuits.manifest import CALIBRATION_FILE, SETTINGS_FILE
from oracle_node.exceptions import CorruptArtifactError, UnsupportedModelError

ONNX_FILE = "model.onnx"


def decomposition_range(settings: Mapping[str, Any]) -> int:
    """base^legs: values the circuit can range-check have |v| < this."""
    run_args = settings.get("run_args", {})
    base, legs = run_args.get("decomp_base"), run_args.get("decomp_legs")
    if not isinstance(base, int) or not isinstance(legs, int) or base < 2 or legs < 1:
        raise ValueError(f"no usable run_args.decomp_base / decomp_legs: {base!r}, {legs!r}")
    return int(base**legs)


def provable_input_bound(onnx_path: Path, settings: Mapping[str, Any]) -> int:
    """Largest B (at the input scale) such that any input with every |x| <= B stays provable."""
    limit = decomposition_range(settings)
    scale = 2.0 ** int(settings.get("run_args", {}).get("input_scale", 0))
    gains = _interval_gains(onnx_path)
    # Every value is bounded by gain * |x|_max + offset (floats); find the largest B in range.
    headroom = limit / 2
    best = limit - 1
    for gain, offset in gains:
        if gain > 0:
            best = min(best, int((headroom / scale - offset) / gain * scale))
    if best < 1:
        raise UnsupportedModelError(f"{onnx_path}: no input is provable (bound {best})")
    return best


def read_max_abs_input(model_dir: Path) -> int:
    """The input range to register for a circuit folder (``model.onnx``, ``settings.json``).

    :func:`provable_input_bound` when every operator of the graph can be bounded. Otherwise
    (convolutions, pooling, tree ensembles, ...) the largest |x| of the folder's calibration
    data at the input scale: the range EZKL calibrated the circuit for. That bound is
    empirical, not derived: the build should calibrate on data that spans every input a
    requester may send (``scripts/train_zoo_models.py`` widens it with each feature's range).
    """
    path = Path(model_dir) / SETTINGS_FILE
    try:
        settings = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CorruptArtifactError(path, f"cannot read the settings: {exc}") from exc
    try:
        return provable_input_bound(Path(model_dir) / ONNX_FILE, settings)
    except UnsupportedModelError:
        return calibrated_input_bound(Path(model_dir), settings)
    except ValueError as exc:
        raise CorruptArtifactError(path, f"no input range: {exc}") from exc


def calibrated_input_bound(model_dir: Path, settings: Mapping[str, Any]) -> int:
    """The largest |x| of the calibration data, at the circuit's input scale."""
    path = model_dir / CALIBRATION_FILE
    try:
        data = json.loads(path.read_text())["input_data"]
    except (OSError, ValueError, KeyError) as exc:
        raise CorruptArtifactError(path, f"cannot read the calibration data: {exc}") from exc
    values = np.abs(np.asarray([v for tensor in data for v in np.ravel(tensor)], dtype=np.float64))
    scale = 2.0 ** int(settings.get("run_args", {}).get("input_scale", 0))
    bound = int(values.max() * scale) if values.size else 0
    if bound < 1:
        raise CorruptArtifactError(path, "the calibration data holds no non-zero input")
    return bound


def _interval_gains(onnx_path: Path) -> list[tuple[float, float]]:
    """For every value the graph computes: (gain, offset) with |v| <= gain * B + offset when all
    inputs have |x| <= B, propagated elementwise (a value is a vector of per-element bounds)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(onnx_path))
    consts = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in model.graph.initializer}
    bounds: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    for graph_input in model.graph.input:
        if graph_input.name not in consts:
            dims = [d.dim_value or 1 for d in graph_input.type.tensor_type.shape.dim]
            bounds[graph_input.name] = (np.ones(dims), np.zeros(dims))
    out: list[tuple[float, float]] = []
    for node in model.graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        op = node.op_type
        if op in ("Gemm", "MatMul"):
            gain, offset = bounds[node.input[0]]
            weight = np.abs(consts[node.input[1]])
            if op == "Gemm" and attrs.get("transA", 0):
                gain, offset = gain.T, offset.T
            if op == "Gemm" and attrs.get("transB", 0):
                weight = weight.T
            alpha = abs(float(attrs.get("alpha", 1.0)))
            gain, offset = alpha * (gain @ weight), alpha * (offset @ weight)
            if op == "Gemm" and len(node.input) > 2 and node.input[2]:
                offset = offset + abs(float(attrs.get("beta", 1.0))) * np.abs(consts[node.input[2]])
        elif op == "Add":
            terms = [bounds.get(n) or (np.zeros(1), np.abs(consts[n])) for n in node.input]
            gain, offset = terms[0][0] + terms[1][0], terms[0][1] + terms[1][1]
        elif op in ("Relu", "Flatten", "Reshape", "Identity"):
            gain, offset = bounds[node.input[0]]
            if op == "Flatten":
                gain, offset = gain.reshape(1, -1), offset.reshape(1, -1)
        else:
            raise UnsupportedModelError(
                f"{onnx_path}: cannot bound the values of a {op} node; register the model's "
                "input range (maxAbsInput) by hand"
            )
        bounds[node.output[0]] = (gain, offset)
        out.extend(zip(np.ravel(gain).tolist(), np.ravel(offset).tolist(), strict=True))
    return out
