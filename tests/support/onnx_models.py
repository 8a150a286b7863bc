"""Small ONNX models and calibration files written on the fly, for builds the tests run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def write_mlp(path: Path, n_in: int = 4, n_hidden: int = 6, n_out: int = 3, seed: int = 0) -> Path:
    """A small Gemm-Relu-Gemm ONNX model with random weights."""
    rng = np.random.default_rng(seed)
    w0 = rng.normal(size=(n_in, n_hidden)).astype(np.float32)
    b0 = rng.normal(size=(n_hidden,)).astype(np.float32)
    w1 = rng.normal(size=(n_hidden, n_out)).astype(np.float32)
    b1 = rng.normal(size=(n_out,)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Gemm", ["input", "w0", "b0"], ["h"], name="hidden"),
            helper.make_node("Relu", ["h"], ["r"], name="relu"),
            helper.make_node("Gemm", ["r", "w1", "b1"], ["output"], name="logits"),
        ],
        "tiny",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, n_in])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, n_out])],
        [
            numpy_helper.from_array(w0, "w0"),
            numpy_helper.from_array(b0, "b0"),
            numpy_helper.from_array(w1, "w1"),
            numpy_helper.from_array(b1, "b1"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, path)
    return path


def write_calibration(path: Path, values: list[float]) -> Path:
    path.write_text(json.dumps({"input_data": [values]}))
    return path
