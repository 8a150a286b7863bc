"""The input range a circuit can prove, as the model registry records it (``maxAbsInput``).

EZKL range-checks values by decomposing them into ``decomp_legs`` digits of base ``decomp_base``
(``run_args`` in the circuit's settings): only values with |v| < base^legs can be witnessed. That
bounds the inputs, but also every value the model computes from them (the input of every ReLU
and comparison, and the outputs), each at the fixed-point scale EZKL gives it. An input inside
the decomposition range can therefore still be unprovable (measured on the reference ``digits``
circuit: all 64 inputs at 2^24 fail in the first layer; on an earlier ``credit_gbt`` build, an
input whose trees add up to a score of 18.3 failed at output scale 24, where only |score| < 16
fits). A request that cannot be proven must be refused on-chain, or a requester could have an
honest node slashed.

:func:`provable_input_bound` derives the bound from the graph alone, never from data:

1. interval arithmetic over the ONNX graph with every input in [-B, B]: affine operators with
   constant weights (Gemm, MatMul, Conv, AveragePool, ...) in centre-radius form, ReLU and other
   monotone operators on both ends, comparisons as [0, 1] (checking the difference they
   decompose), products of two variables as interval products. A tree ensemble in the form of
   :mod:`oracle_node.circuits.trees` comes out with its leaf indicators in [0, 1], so its score
   is bounded by its leaves whatever the input;
2. every such value, at the largest scale EZKL gives any computed value of the circuit
   (:func:`oracle_node.circuits.proving.value_scales`), plus rounding slack, must stay under
   half the decomposition range (a factor 2 of headroom);
3. the largest integer B (at the input scale) for which that holds, found by bisection (the
   intervals only grow with B), and at most 2^24: EZKL reads an ``F32`` input as a float32,
   exact only up to there.

An operator it cannot bound is refused with :class:`UnsupportedModelError`, and a graph whose
values leave the range even at B = 0 (say, trees whose score cannot fit the output scale) with
:class:`InputRangeError`: such a circuit must be rebuilt (the build adds decomposition legs).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from oracle_node.circuits.manifest import CALIBRATION_FILE, ONNX_FILE, SETTINGS_FILE
from oracle_node.exceptions import CorruptArtifactError, InputRangeError, UnsupportedModelError

Array = NDArray[np.float64]

_F32_EXACT = 2**24  # the largest |integer| below which every integer is a float32
_F64_EXACT = 2**53

# Operators that only move or select values: applied to both ends of an interval.
_STRUCTURAL = frozenset(
    {
        "Identity",
        "Reshape",
        "Flatten",
        "Squeeze",
        "Unsqueeze",
        "Transpose",
        "Concat",
        "Slice",
        "Gather",
        "Split",
        "Expand",
        "Tile",
        "Pad",
    }
)
# Monotone non-decreasing operators: [f(lo), f(hi)]; ReLU-like ones decompose their input.
_MONOTONE = frozenset({"Relu", "LeakyRelu", "MaxPool", "GlobalMaxPool", "ReduceMax"})
_DECOMPOSES_INPUT = frozenset({"Relu", "LeakyRelu"})
# Linear operators with non-negative coefficients: [f(lo), f(hi)].
_POSITIVE_LINEAR = frozenset({"AveragePool", "GlobalAveragePool", "ReduceSum", "ReduceMean"})
# Affine operators whose first input is the variable and whose other inputs are constants.
_AFFINE = frozenset({"Gemm", "Conv", "ConvTranspose"})
_COMPARISONS = frozenset({"Less", "LessOrEqual", "Greater", "GreaterOrEqual", "Equal"})


@dataclass(frozen=True)
class Interval:
    """Elementwise bounds lo <= v <= hi of one tensor."""

    lo: Array
    hi: Array

    @staticmethod
    def exact(value: Array) -> Interval:
        return Interval(value, value)

    @property
    def centre(self) -> Array:
        return (self.lo + self.hi) / 2

    @property
    def radius(self) -> Array:
        return (self.hi - self.lo) / 2

    def largest(self) -> float:
        """max |v| over the tensor (0 for an empty one)."""
        if self.lo.size == 0:
            return 0.0
        return float(max(np.max(np.abs(self.lo)), np.max(np.abs(self.hi))))

    def widened(self, slack: float) -> Interval:
        return Interval(self.lo - slack, self.hi + slack)


def decomposition_range(settings: Mapping[str, Any]) -> int:
    """base^legs: values the circuit can range-check have |v| < this."""
    run_args = settings.get("run_args", {})
    base, legs = run_args.get("decomp_base"), run_args.get("decomp_legs")
    if not isinstance(base, int) or not isinstance(legs, int) or base < 2 or legs < 1:
        raise ValueError(f"no usable run_args.decomp_base / decomp_legs: {base!r}, {legs!r}")
    return int(base**legs)


@dataclass(frozen=True)
class RangeAnalysis:
    """What :func:`analyse` found: the bound and where it binds."""

    bound: int  # the largest provable |x| at the input scale
    scale: int  # the scale every computed value was checked at
    limit: int  # the decomposition range (base^legs)
    binding: str  # the value that reaches the range first at bound + 1
    floor: float  # max |v| (floats) over the checked values with every input at 0


def provable_input_bound(onnx_path: Path, settings: Mapping[str, Any]) -> int:
    """Largest B (at the input scale) such that any input with every |x| <= B stays provable."""
    return analyse(onnx_path, settings).bound


def analyse(onnx_path: Path, settings: Mapping[str, Any]) -> RangeAnalysis:
    """The provable input bound of a circuit and where it binds (see the module docstring)."""
    from oracle_node.circuits.proving import value_scales

    limit = decomposition_range(settings)
    run_args = settings.get("run_args", {})
    input_scale = int(run_args.get("input_scale", 0))
    param_scale = int(run_args.get("param_scale", input_scale))
    scales = value_scales(Path(onnx_path), settings)
    scale = max([input_scale, *scales, *(int(s) for s in settings.get("model_output_scales", []))])
    graph = _Graph.load(Path(onnx_path), param_scale, scale)
    headroom = limit / 2 / 2.0**scale  # in floats

    def worst(bound: int) -> tuple[float, str]:
        return graph.worst(bound / 2.0**input_scale)

    label = f"{Path(onnx_path).parent.name}/{Path(onnx_path).name}"
    floor, where = worst(0)
    if floor >= headroom:
        raise InputRangeError(
            f"{label}: {where} reaches {floor:.6g} even with every input at 0, over the "
            f"{headroom:.6g} that fits {limit:,} (decomposition range) at scale {scale}: rebuild "
            "the circuit with more decomposition legs (decomp_legs) or a lower scale"
        )
    # EZKL reads inputs through their declared float type: an F32 input is an exact integer at
    # its scale only up to 2^24 (measured: 268,029,079 at scale 11 came back changed).
    exact = _F64_EXACT if "F64" in settings.get("input_types", ["F32"]) else _F32_EXACT
    good, bad = 0, min(limit, exact + 1)  # worst(good) fits; bad does not, or is not exact
    while bad - good > 1:
        middle = (good + bad) // 2
        if worst(middle)[0] < headroom:
            good = middle
        else:
            bad = middle
    if good < 1:
        raise InputRangeError(f"{label}: no non-zero input is provable ({where})")
    binding = worst(good + 1)[1] if good < exact else f"the input's float type (exact to {exact:,})"
    return RangeAnalysis(bound=good, scale=scale, limit=limit, binding=binding, floor=floor)


def check_boundable(onnx_path: Path) -> None:
    """Raise :class:`UnsupportedModelError` unless every operator of the graph can be bounded
    (what the build checks before it spends time on calibration)."""
    _Graph.load(Path(onnx_path), 0, 0)


def read_max_abs_input(model_dir: Path) -> int:
    """The input range to register for a circuit folder (``model.onnx``, ``settings.json``):
    :func:`provable_input_bound`. A graph it cannot bound raises, never falls back to data."""
    path = Path(model_dir) / SETTINGS_FILE
    try:
        settings = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise CorruptArtifactError(path, f"cannot read the settings: {exc}") from exc
    try:
        return provable_input_bound(Path(model_dir) / ONNX_FILE, settings)
    except ValueError as exc:
        raise CorruptArtifactError(path, f"no input range: {exc}") from exc


def calibrated_input_bound(model_dir: Path, settings: Mapping[str, Any]) -> int:
    """The largest |x| of the calibration data, at the circuit's input scale: what the data
    needs, which the derived bound must cover (the build checks it), never a bound itself."""
    path = model_dir / CALIBRATION_FILE
    try:
        data = json.loads(path.read_text())["input_data"]
    except (OSError, ValueError, KeyError) as exc:
        raise CorruptArtifactError(path, f"cannot read the calibration data: {exc}") from exc
    values = np.abs(np.asarray([v for tensor in data for v in np.ravel(tensor)], dtype=np.float64))
    scale = 2.0 ** int(settings.get("run_args", {}).get("input_scale", 0))
    return math.ceil(values.max() * scale) if values.size else 0


class _Graph:
    """An ONNX graph ready for interval evaluation."""

    def __init__(self, model: Any, param_scale: int, scale: int) -> None:
        from onnx import numpy_helper

        self.model = model
        self.path_name = model.graph.name or "model"
        self.consts: dict[str, Array] = {}
        self.raw: dict[str, Any] = {}  # constants as stored (shape and index tensors keep ints)
        for init in model.graph.initializer:
            value = numpy_helper.to_array(init)
            self.raw[init.name] = value
            self.consts[init.name] = np.asarray(value, dtype=np.float64)
        self.nodes = list(model.graph.node)
        for node in self.nodes:
            if node.op_type == "Constant":
                value = _constant_value(node)
                self.raw[node.output[0]] = value
                self.consts[node.output[0]] = np.asarray(value, dtype=np.float64)
        # A constant is quantised to the param scale: off by at most half a unit there.
        self.weight_slack = 2.0 ** -(param_scale + 1)
        # A computed value is rounded once per rescale: one unit at the checked scale.
        self.value_slack = 2.0**-scale
        self.inputs = []
        for graph_input in model.graph.input:
            if graph_input.name not in self.consts:
                dims = [d.dim_value or 1 for d in graph_input.type.tensor_type.shape.dim]
                self.inputs.append((graph_input.name, dims))
        opsets = {o.domain: o.version for o in model.opset_import}
        self.opset = opsets.get("", opsets.get("ai.onnx", 17))
        self._unsupported = [
            n for n in self.nodes if n.op_type not in _HANDLERS and n.op_type != "Constant"
        ]

    @staticmethod
    def load(onnx_path: Path, param_scale: int, scale: int) -> _Graph:
        import onnx

        try:
            model = onnx.load(str(onnx_path))
        except Exception as exc:  # onnx raises DecodeError, OSError, ...
            raise CorruptArtifactError(onnx_path, f"cannot read the ONNX model: {exc}") from exc
        graph = _Graph(model, param_scale, scale)
        if graph._unsupported:
            node = graph._unsupported[0]
            ops = sorted({n.op_type for n in graph._unsupported})
            raise UnsupportedModelError(
                f"{onnx_path}: cannot bound the values of {', '.join(ops)} (first: node "
                f"{node.name or node.output[0]!r}), so no provable input range can be derived; "
                "export the model with supported operators (" + ", ".join(sorted(_HANDLERS)) + ")"
            )
        return graph

    def worst(self, x_bound: float) -> tuple[float, str]:
        """The largest |v| (floats) of every range-checked value with every |input| <= x_bound,
        and the name of the value where it is reached."""
        env: dict[str, Interval] = {}
        for name, dims in self.inputs:
            env[name] = Interval(np.full(dims, -x_bound), np.full(dims, x_bound))
        worst, where = x_bound, "the input"
        for node in self.nodes:
            if node.op_type == "Constant":
                continue
            outputs, checked = _HANDLERS[node.op_type](self, node, env)
            for name, value in zip(node.output, outputs, strict=False):
                env[name] = value.widened(self.value_slack)
            for value in (*outputs, *checked):
                size = value.largest()
                if size > worst:
                    worst, where = size, f"node {node.name or node.output[0]!r} ({node.op_type})"
        return worst, where

    def interval(self, name: str, env: Mapping[str, Interval]) -> Interval:
        """A value's interval; a constant's is widened by its quantisation."""
        if name in env:
            return env[name]
        if name in self.consts:
            return Interval.exact(self.consts[name]).widened(self.weight_slack)
        raise UnsupportedModelError(f"{self.path_name}: value {name!r} has no producer")

    def run(self, node: Any, feeds: Mapping[str, Any]) -> list[Array]:
        """Evaluate one node with onnx's reference implementation."""
        from onnx.reference import ReferenceEvaluator

        evaluator = ReferenceEvaluator(node, opsets={"": self.opset})
        done = evaluator.run(None, dict(feeds))
        return [np.asarray(v, dtype=np.float64) for v in done]


def _constant_value(node: Any) -> Any:
    import onnx
    from onnx import numpy_helper

    for attr in node.attribute:
        value = onnx.helper.get_attribute_value(attr)
        if attr.name == "value":
            return numpy_helper.to_array(value)
        if attr.name in ("value_float", "value_int"):
            return np.asarray(value)
        if attr.name in ("value_floats", "value_ints"):
            return np.asarray(list(value))
    raise UnsupportedModelError(f"Constant node {node.name!r} has no value this check reads")


Handler = Callable[[_Graph, Any, dict[str, Interval]], tuple[list[Interval], list[Interval]]]


def _feeds(g: _Graph, node: Any, variable: int, value: Array) -> dict[str, Any]:
    """The node's inputs: ``value`` for input ``variable``, the stored constants for the rest."""
    feeds: dict[str, Any] = {}
    for i, name in enumerate(node.input):
        if not name:
            continue
        feeds[name] = value.astype(np.float32) if i == variable else g.raw[name]
    return feeds


def _variable_inputs(g: _Graph, node: Any, env: Mapping[str, Interval]) -> list[int]:
    return [i for i, name in enumerate(node.input) if name and name in env]


def _structural(
    g: _Graph, node: Any, env: dict[str, Interval]
) -> tuple[list[Interval], list[Interval]]:
    variables = _variable_inputs(g, node, env)
    if node.op_type == "Concat" and len(variables) > 1:
        feeds_lo = {n: (env[n].lo if n in env else g.raw[n]) for n in node.input if n}
        feeds_hi = {n: (env[n].hi if n in env else g.raw[n]) for n in node.input if n}
        return [
            Interval(lo, hi)
            for lo, hi in zip(g.run(node, feeds_lo), g.run(node, feeds_hi), strict=True)
        ], []
    if variables != [0]:
        raise UnsupportedModelError(
            f"{node.op_type} node {node.name!r}: only a computed first input and constant "
            "others can be bounded"
        )
    value = env[node.input[0]]
    los = g.run(node, _feeds(g, node, 0, value.lo))
    his = g.run(node, _feeds(g, node, 0, value.hi))
    return [Interval(lo, hi) for lo, hi in zip(los, his, strict=True)], []


def _monotone(
    g: _Graph, node: Any, env: dict[str, Interval]
) -> tuple[list[Interval], list[Interval]]:
    outputs, _ = _structural(g, node, env)
    if node.op_type == "LeakyRelu":
        alpha = next((a.f for a in node.attribute if a.name == "alpha"), 0.01)
        if alpha < 0:
            raise UnsupportedModelError(f"LeakyRelu node {node.name!r}: negative slope")
    variable = env[node.input[0]]
    if node.op_type in _DECOMPOSES_INPUT:
        return outputs, [variable]
    # Max pooling compares values pairwise: their differences are decomposed.
    spread = Interval.exact(np.asarray([variable.largest() * 2]))
    return outputs, [spread]


def _positive_linear(
    g: _Graph, node: Any, env: dict[str, Interval]
) -> tuple[list[Interval], list[Interval]]:
    outputs, _ = _structural(g, node, env)
    if node.op_type == "ReduceSum":
        return outputs, []
    # A mean is a sum, then a division (EZKL's normalised sum pool): bound the sum too.
    if node.op_type == "AveragePool":
        count = float(
            np.prod(next(list(a.ints) for a in node.attribute if a.name == "kernel_shape"))
        )
    else:
        count = env[node.input[0]].lo.size / max(outputs[0].lo.size, 1)
    return outputs, [Interval(o.lo * count, o.hi * count) for o in outputs]


def _affine(
    g: _Graph, node: Any, env: dict[str, Interval]
) -> tuple[list[Interval], list[Interval]]:
    """Gemm / MatMul / Conv of a variable and constants: the centre through the node, the radius
    through the absolute weights with no bias. Quantised weights are off by at most ``slack``
    each, which adds ``|W| r + slack (|c| + r)`` to the radius: the absolute-weight node run on
    ``r`` with weights ``|W| + slack``, plus on ``|c|`` with weights ``slack``."""
    variables = _variable_inputs(g, node, env)
    if node.op_type == "MatMul" and len(variables) == 2:
        return [_product(g, node, env[node.input[0]], env[node.input[1]])], []
    if len(variables) != 1 or (node.op_type != "MatMul" and variables != [0]):
        raise UnsupportedModelError(
            f"{node.op_type} node {node.name!r}: only a computed value times constants can be "
            "bounded"
        )
    i = variables[0]
    value = env[node.input[i]]
    centre = g.run(node, _feeds(g, node, i, value.centre))[0]
    positive = _with_abs_attributes(node)

    def through_weights(x: Array, weights: Callable[[str], Any]) -> Array:
        feeds: dict[str, Any] = {}
        for j, name in enumerate(node.input):
            if not name:
                continue
            if j == i:
                feeds[name] = x.astype(np.float32)
            elif j == 2 and node.op_type != "MatMul":
                feeds[name] = np.zeros_like(g.raw[name])  # the bias moves the centre only
            else:
                feeds[name] = np.asarray(weights(name), dtype=np.float32)
        return g.run(positive, feeds)[0]

    slack = g.weight_slack
    radius = through_weights(value.radius, lambda n: np.abs(g.consts[n]) + slack)
    radius = radius + through_weights(
        np.abs(value.centre), lambda n: np.full(g.consts[n].shape, slack)
    )
    return [Interval(centre - radius, centre + radius)], []


def _with_abs_attributes(node: Any) -> Any:
    """A copy of ``node`` whose scalar multipliers (Gemm's alpha, beta) are taken absolutely."""
    import onnx

    if node.op_type != "Gemm":
        return node
    copy = onnx.NodeProto()
    copy.CopyFrom(node)
    for attr in copy.attribute:
        if attr.name in ("alpha", "beta"):
            attr.f = abs(attr.f)
    return copy


def _product(g: _Graph, node: Any, a: Interval, b: Interval) -> Interval:
    """Interval product of two variables (elementwise Mul or MatMul)."""
    if node.op_type != "MatMul":
        corners = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi]
        return Interval(np.minimum.reduce(corners), np.maximum.reduce(corners))
    ac, ar, bc, br = a.centre, a.radius, b.centre, b.radius
    centre = ac @ bc
    radius = np.abs(ac) @ br + ar @ np.abs(bc) + ar @ br
    return Interval(centre - radius, centre + radius)


def _elementwise(
    g: _Graph, node: Any, env: dict[str, Interval]
) -> tuple[list[Interval], list[Interval]]:
    a, b = (g.interval(n, env) for n in node.input[:2])
    op = node.op_type
    if op == "Add":
        out = Interval(a.lo + b.lo, a.hi + b.hi)
    elif op == "Sub":
        out = Interval(a.lo - b.hi, a.hi - b.lo)
    elif op == "Mul":
        out = _product(g, node, a, b)
    elif op == "Div":
        if node.input[1] not in g.consts or np.any(g.consts[node.input[1]] == 0):
            raise UnsupportedModelError(f"Div node {node.name!r}: only division by a constant")
        out = _product(g, node, a, Interval.exact(1.0 / g.consts[node.input[1]]))
    else:  # pragma: no cover - the handler table lists the ops above only
        raise UnsupportedModelError(f"{op} node {node.name!r}")
    return [out], []


def _comparison(
    g: _Graph, node: Any, env: dict[str, Interval]
) -> tuple[list[Interval], list[Interval]]:
    """0 or 1; EZKL decomposes the difference of the two sides."""
    a, b = (g.interval(n, env) for n in node.input[:2])
    difference = Interval(a.lo - b.hi, a.hi - b.lo)
    shape = np.broadcast_shapes(a.lo.shape, b.lo.shape)
    return [Interval(np.zeros(shape), np.ones(shape))], [difference]


def _cast(g: _Graph, node: Any, env: dict[str, Interval]) -> tuple[list[Interval], list[Interval]]:
    return [g.interval(node.input[0], env)], []


_HANDLERS: dict[str, Handler] = {
    **dict.fromkeys(_STRUCTURAL, _structural),
    **dict.fromkeys(_MONOTONE, _monotone),
    **dict.fromkeys(_POSITIVE_LINEAR, _positive_linear),
    **dict.fromkeys(("Gemm", "MatMul", "Conv", "ConvTranspose"), _affine),
    **dict.fromkeys(("Add", "Sub", "Mul", "Div"), _elementwise),
    **dict.fromkeys(_COMPARISONS, _comparison),
    "Cast": _cast,
}
