"""ONNX inference with onnxruntime: CUDA when present and wanted, CPU otherwise; hash-checked.

A model is served only after its ONNX file hashes (sha256) to the value recorded on chain in the
ModelRegistry. onnxruntime itself comes from an extra: ``cpu`` (``onnxruntime``) or ``gpu``
(``onnxruntime-gpu``, whose CUDA provider runs on the device that ``inference.device_id``
names). ``inference.device`` is ``auto`` (CUDA when offered), ``cpu`` or ``cuda`` (required).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from importlib import metadata
from math import prod
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from oracle_node.circuits.manifest import sha256_file
from oracle_node.exceptions import InferenceError, InputShapeError, ModelHashMismatch
from oracle_node.extras import needs_extra
from oracle_node.settings import InferenceSettings

log = logging.getLogger("oracle_node.inference")

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"
RUNTIME_DISTRIBUTIONS = ("onnxruntime", "onnxruntime-gpu")

# What onnxruntime.InferenceSession takes: (provider name, provider options), in preference order.
Provider = tuple[str, dict[str, Any]]


def _hex(value: str | bytes) -> str:
    """A hash as the manifest writes it: lower-case hex with a ``0x`` prefix."""
    text = value.hex() if isinstance(value, bytes) else value
    return "0x" + text.lower().removeprefix("0x")


def onnxruntime_module() -> ModuleType:
    """onnxruntime, or one error naming the two extras that install it."""
    with needs_extra("ONNX inference", "cpu", "gpu"):
        import onnxruntime
    module: ModuleType = onnxruntime
    return module


def installed_runtimes() -> list[str]:
    """Which onnxruntime distributions are installed (two means a broken install)."""
    found = []
    for name in RUNTIME_DISTRIBUTIONS:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(name)
    return found


def select_providers(
    available: Sequence[str], settings: InferenceSettings | None = None
) -> list[Provider]:
    """Execution providers with their options, in preference order; CPU always last.

    CUDA comes first, on ``settings.device_id``, when onnxruntime offers it and the device is
    ``auto`` or ``cuda``; ``cuda`` without the provider is an :class:`InferenceError`.
    """
    settings = settings or InferenceSettings()
    if settings.device == "cuda" and CUDA not in available:
        raise InferenceError(
            f"inference.device is cuda but onnxruntime offers only {', '.join(available)}: "
            "install the `gpu` extra without the `cpu` one, or set ORACLE_INFERENCE__DEVICE=auto"
        )
    chosen: list[Provider] = []
    if settings.device != "cpu" and CUDA in available:
        chosen.append((CUDA, {"device_id": settings.device_id}))
    return [*chosen, (CPU, {})]


def available_providers() -> list[str]:
    return list(onnxruntime_module().get_available_providers())


def check_runtime(settings: InferenceSettings | None = None) -> list[Provider]:
    """The providers the node will use; fails at start when onnxruntime cannot serve them."""
    providers = select_providers(available_providers(), settings)
    runtimes = installed_runtimes()
    if len(runtimes) > 1:
        log.warning(
            "both %s are installed and share one module: uninstall both, then install only "
            "the `cpu` or the `gpu` extra",
            " and ".join(runtimes),
        )
    return providers


class ModelRuntime:
    """An onnxruntime session for one model, created once the file's hash is checked."""

    def __init__(
        self,
        onnx_path: Path,
        expected_sha256: str | bytes | None,
        *,
        settings: InferenceSettings | None = None,
        threads: int = 1,
    ) -> None:
        onnxruntime = onnxruntime_module()
        settings = settings or InferenceSettings()
        self.path = Path(onnx_path)
        if not self.path.is_file():
            raise InferenceError(f"ONNX file {self.path} does not exist")
        self.sha256 = sha256_file(self.path)
        if expected_sha256 is not None and self.sha256 != _hex(expected_sha256):
            raise ModelHashMismatch(self.path, self.sha256, _hex(expected_sha256))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.providers = select_providers(available_providers(), settings)
        try:
            self.session = onnxruntime.InferenceSession(
                str(self.path), sess_options=options, providers=self.providers
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise InferenceError(f"onnxruntime cannot load {self.path}: {exc}") from None
        if settings.device == "cuda" and self.provider != CUDA:
            # onnxruntime-gpu falls back to the CPU quietly when CUDA or cuDNN cannot load.
            raise InferenceError(
                f"inference.device is cuda but onnxruntime runs {self.path.name} on "
                f"{self.provider}: check the CUDA and cuDNN libraries and device "
                f"{settings.device_id}"
            )
        meta = self.session.get_inputs()[0]
        self.input_name: str = meta.name
        dims = [d if isinstance(d, int) else 1 for d in meta.shape]
        self.input_shape: list[int] = dims
        self.input_len: int = prod(dims)
        self._lock = threading.Lock()

    @property
    def provider(self) -> str:
        """The provider onnxruntime actually uses first."""
        return str(self.session.get_providers()[0])

    def run(self, values: Sequence[float]) -> list[float]:
        """Flat float input in, flat float output (the first output tensor) out."""
        if len(values) != self.input_len:
            raise InputShapeError(len(values), self.input_len)
        array = np.asarray(values, dtype=np.float32).reshape(self.input_shape)
        with self._lock:
            outputs: list[Any] = self.session.run(None, {self.input_name: array})
        return [float(x) for x in np.asarray(outputs[0]).reshape(-1)]
