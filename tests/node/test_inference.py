"""onnxruntime inference: provider choice, the registry hash check, shape errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from oracle_node.circuits.manifest import sha256_file
from oracle_node.exceptions import InputShapeError, ModelHashMismatch
from oracle_node.inference import CPU, CUDA, ModelRuntime, select_providers

MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"
ONNX = MODEL_DIR / "model.onnx"

needs_model = pytest.mark.skipif(not ONNX.is_file(), reason="reference circuit not built")


def test_cuda_is_chosen_first_when_present():
    assert select_providers([CUDA, "TensorrtExecutionProvider", CPU]) == [CUDA, CPU]


def test_cpu_only_without_cuda_or_when_gpu_is_off():
    assert select_providers([CPU]) == [CPU]
    assert select_providers([CUDA, CPU], use_gpu=False) == [CPU]


@needs_model
def test_model_with_matching_hash_runs_on_the_selected_provider():
    runtime = ModelRuntime(ONNX, sha256_file(ONNX))
    assert runtime.input_len == 30
    assert runtime.provider in (CUDA, CPU)
    out = runtime.run([0.0] * 30)
    assert len(out) == 1 and isinstance(out[0], float)


@needs_model
def test_a_changed_onnx_file_is_refused(tmp_path):
    copy = tmp_path / "model.onnx"
    shutil.copy(ONNX, copy)
    with copy.open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ModelHashMismatch, match="refusing to serve it"):
        ModelRuntime(copy, sha256_file(ONNX))


@needs_model
def test_wrong_input_length_is_an_input_shape_error():
    runtime = ModelRuntime(ONNX, None)
    with pytest.raises(InputShapeError, match="input has 29 values but the model takes 30"):
        runtime.run([0.0] * 29)
