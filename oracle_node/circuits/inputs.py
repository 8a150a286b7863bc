"""Checks on the two things a circuit build starts from: the ONNX file and calibration data."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oracle_node.exceptions import CalibrationDataError, UnsupportedModelError

# ONNX ops that EZKL 23.0.5 is known to turn into circuits. Only used to point at the likely
# culprit when EZKL rejects a model without naming the node itself.
KNOWN_SUPPORTED_OPS = frozenset(
    {
        "Abs", "Add", "ArgMax", "ArgMin", "AveragePool", "BatchNormalization", "Cast", "Ceil",
        "Clip", "Concat", "Constant", "ConstantOfShape", "Conv", "ConvTranspose", "Cos", "Div",
        "Dropout", "Einsum", "Equal", "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather",
        "GatherElements", "GatherND", "Gemm", "GlobalAveragePool", "Greater", "GreaterOrEqual",
        "HardSigmoid", "HardSwish", "Identity", "LeakyRelu", "Less", "LessOrEqual", "Log",
        "LogSoftmax", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mul", "Neg", "Not", "Or",
        "Pad", "Pow", "Reciprocal", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
        "ReduceSum", "Relu", "Reshape", "Resize", "Round", "Shape", "Sigmoid", "Sign", "Sin",
        "Slice", "Softmax", "Softplus", "Split", "Sqrt", "Squeeze", "Sub", "Sum", "Tan", "Tanh",
        "Transpose", "Unsqueeze", "Where",
    }
)  # fmt: skip


@dataclass(frozen=True)
class OnnxSummary:
    """What the pipeline needs to know about an ONNX model before EZKL reads it."""

    input_name: str
    input_shape: list[int]  # one sample: a symbolic first dimension reads as 1
    output_shape: list[int]
    ops: list[tuple[str, str]]  # (op_type, node name)
    # Name of the input's symbolic first dimension (the batch a circuit can be built for), or
    # None when the first dimension is fixed: such a model is proved one sample at a time.
    batch_dim: str | None = None

    @property
    def input_len(self) -> int:
        return math.prod(self.input_shape)

    def unknown_ops(self) -> list[tuple[str, str]]:
        return [(op, node) for op, node in self.ops if op not in KNOWN_SUPPORTED_OPS]


def _shape(value_info: Any, batch_default: int = 1) -> list[int]:
    dims = []
    for i, dim in enumerate(value_info.type.tensor_type.shape.dim):
        if dim.HasField("dim_value") and dim.dim_value > 0:
            dims.append(int(dim.dim_value))
        elif i == 0:
            dims.append(batch_default)  # symbolic batch dimension: shapes describe one sample
        else:
            raise UnsupportedModelError(
                f"{value_info.name!r} has a symbolic dimension {i} ({dim.dim_param!r}): "
                "export the model with fixed shapes"
            )
    return dims


def inspect_onnx(path: Path) -> OnnxSummary:
    """Load and check an ONNX model: one input, one output, static shapes."""
    import onnx

    if not path.is_file():
        raise UnsupportedModelError(f"ONNX file {path} does not exist")
    try:
        model = onnx.load(str(path))
        onnx.checker.check_model(model)
    except Exception as exc:  # onnx raises several unrelated types
        raise UnsupportedModelError(f"{path} is not a valid ONNX model: {exc}") from exc
    graph = model.graph
    initializers = {init.name for init in graph.initializer}
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != 1 or len(graph.output) != 1:
        raise UnsupportedModelError(
            f"{path} has {len(inputs)} inputs and {len(graph.output)} outputs; "
            "the oracle serves models with exactly one input and one output tensor"
        )
    first = inputs[0].type.tensor_type.shape.dim
    batch_dim = None
    if first and not (first[0].HasField("dim_value") and first[0].dim_value > 0):
        batch_dim = first[0].dim_param or None
    return OnnxSummary(
        batch_dim=batch_dim,
        input_name=inputs[0].name,
        input_shape=_shape(inputs[0]),
        output_shape=_shape(graph.output[0]),
        ops=[(node.op_type, node.name or f"#{i}") for i, node in enumerate(graph.node)],
    )


def check_calibration(path: Path, summary: OnnxSummary) -> int:
    """Check EZKL-format calibration data against the model; returns the number of samples.

    The file is ``{"input_data": [[...]]}``: one flat list holding one or more samples of the
    model's input, concatenated.
    """
    if not path.is_file():
        raise CalibrationDataError(f"calibration file {path} does not exist")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CalibrationDataError(f"calibration file {path} is not JSON: {exc}") from exc
    rows = data.get("input_data") if isinstance(data, dict) else None
    if not isinstance(rows, list) or len(rows) != 1 or not isinstance(rows[0], list):
        raise CalibrationDataError(
            f'calibration file {path} must be {{"input_data": [[numbers...]]}} '
            "(one flat list for the model's one input)"
        )
    flat = rows[0]
    bad = [
        i
        for i, v in enumerate(flat)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v)
    ]
    if bad:
        raise CalibrationDataError(
            f"calibration file {path}: value {bad[0]} ({flat[bad[0]]!r}) is not a finite number"
        )
    size = summary.input_len
    if not flat or len(flat) % size:
        raise CalibrationDataError(
            f"calibration file {path} holds {len(flat)} values, which is not a whole number of "
            f"samples of the model's input {summary.input_name!r} with shape "
            f"{summary.input_shape} ({size} values each)"
        )
    return len(flat) // size
