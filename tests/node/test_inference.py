"""onnxruntime inference: provider choice, the registry hash check, shape errors."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from oracle_node.circuits.manifest import sha256_file
from oracle_node.exceptions import InferenceError, InputShapeError, ModelHashMismatch, SettingsError
from oracle_node.inference import CPU, CUDA, ModelRuntime, check_runtime, select_providers
from oracle_node.settings import InferenceSettings, load_settings

MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"
ONNX = MODEL_DIR / "model.onnx"

needs_model = pytest.mark.skipif(not ONNX.is_file(), reason="reference circuit not built")


def test_cuda_is_chosen_first_on_device_0_when_present():
    assert select_providers([CUDA, "TensorrtExecutionProvider", CPU]) == [
        (CUDA, {"device_id": 0}),
        (CPU, {}),
    ]


def test_the_device_id_setting_becomes_the_cuda_provider_option():
    settings = InferenceSettings(device_id=3)
    assert select_providers([CUDA, CPU], settings)[0] == (CUDA, {"device_id": 3})


def test_cpu_only_without_cuda_or_when_the_device_is_cpu():
    assert select_providers([CPU]) == [(CPU, {})]
    assert select_providers([CUDA, CPU], InferenceSettings(device="cpu", device_id=1)) == [
        (CPU, {})
    ]


def test_device_cuda_without_the_cuda_provider_is_refused():
    with pytest.raises(InferenceError, match="install the `gpu` extra"):
        select_providers([CPU], InferenceSettings(device="cuda"))
    assert select_providers([CUDA, CPU], InferenceSettings(device="cuda"))[0][0] == CUDA


def test_inference_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ORACLE_INFERENCE__DEVICE", "cuda")
    monkeypatch.setenv("ORACLE_INFERENCE__DEVICE_ID", "2")
    settings = load_settings()
    assert (settings.inference.device, settings.inference.device_id) == ("cuda", 2)
    monkeypatch.setenv("ORACLE_INFERENCE__DEVICE", "tpu")
    with pytest.raises(SettingsError, match="inference.device"):
        load_settings()


def test_check_runtime_on_this_machine_matches_what_onnxruntime_offers():
    import onnxruntime

    offered = onnxruntime.get_available_providers()
    expected = [CUDA, CPU] if CUDA in offered else [CPU]
    assert [name for name, _ in check_runtime()] == expected
    assert [name for name, _ in check_runtime(InferenceSettings(device="cpu"))] == [CPU]


@needs_model
def test_device_cpu_runs_on_the_cpu_provider():
    runtime = ModelRuntime(ONNX, None, settings=InferenceSettings(device="cpu"))
    assert runtime.provider == CPU


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


class _FakeSession:
    """Stands in for onnxruntime.InferenceSession on a machine without CUDA."""

    created: list[Any] = []
    runs_on = CUDA

    def __init__(self, path: str, sess_options: Any, providers: list[Any]) -> None:
        self.providers = providers
        _FakeSession.created.append(providers)

    def get_providers(self) -> list[str]:
        return [self.runs_on, CPU]

    def get_inputs(self) -> list[Any]:
        return [SimpleNamespace(name="input", shape=[1, 30])]


@pytest.fixture
def fake_cuda(monkeypatch):
    """onnxruntime as onnxruntime-gpu on a CUDA machine would look to ModelRuntime."""
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "get_available_providers", lambda: [CUDA, CPU])
    monkeypatch.setattr(onnxruntime, "InferenceSession", _FakeSession)
    monkeypatch.setattr(_FakeSession, "created", [])
    monkeypatch.setattr(_FakeSession, "runs_on", CUDA)
    return _FakeSession


@needs_model
def test_the_session_gets_the_cuda_provider_with_the_configured_device_id(fake_cuda):
    runtime = ModelRuntime(ONNX, None, settings=InferenceSettings(device_id=1))
    assert fake_cuda.created == [[(CUDA, {"device_id": 1}), (CPU, {})]]
    assert runtime.provider == CUDA


@needs_model
def test_device_cuda_refuses_a_session_that_fell_back_to_the_cpu(fake_cuda):
    fake_cuda.runs_on = CPU  # what onnxruntime-gpu does when CUDA libraries do not load
    with pytest.raises(InferenceError, match="runs model.onnx on CPUExecutionProvider"):
        ModelRuntime(ONNX, None, settings=InferenceSettings(device="cuda"))
    # auto accepts the fallback: the provider in use is reported, not refused
    assert ModelRuntime(ONNX, None).provider == CPU
