"""ONNX inference with onnxruntime: CUDA when present, CPU otherwise; hash-checked models.

A model is served only after its ONNX file hashes (sha256) to the value recorded on chain in the
ModelRegistry. The GPU path needs the ``gpu`` extra (``onnxruntime-gpu``); without it the CUDA
provider is simply absent and the CPU provider is chosen.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from math import prod
from pathlib import Path
from typing import Any

import numpy as np

from oracle_node.circuits.manifest import sha256_file
from oracle_node.exceptions import InferenceError, InputShapeError, ModelHashMismatch

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"


def _hex(value: str | bytes) -> str:
    """A hash as the manifest writes it: lower-case hex with a ``0x`` prefix."""
    text = value.hex() if isinstance(value, bytes) else value
    return "0x" + text.lower().removeprefix("0x")


def select_providers(available: Sequence[str], *, use_gpu: bool = True) -> list[str]:
    """Execution providers in preference order: CUDA first when present and wanted, then CPU."""
    chosen = [CUDA] if use_gpu and CUDA in available else []
    return [*chosen, CPU]


def available_providers() -> list[str]:
    import onnxruntime

    return list(onnxruntime.get_available_providers())


class ModelRuntime:
    """An onnxruntime session for one model, created once the file's hash is checked."""

    def __init__(
        self,
        onnx_path: Path,
        expected_sha256: str | bytes | None,
        *,
        use_gpu: bool = True,
        threads: int = 1,
    ) -> None:
        import onnxruntime

        self.path = Path(onnx_path)
        if not self.path.is_file():
            raise InferenceError(f"ONNX file {self.path} does not exist")
        self.sha256 = sha256_file(self.path)
        if expected_sha256 is not None and self.sha256 != _hex(expected_sha256):
            raise ModelHashMismatch(self.path, self.sha256, _hex(expected_sha256))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.providers = select_providers(available_providers(), use_gpu=use_gpu)
        try:
            self.session = onnxruntime.InferenceSession(
                str(self.path), sess_options=options, providers=self.providers
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise InferenceError(f"onnxruntime cannot load {self.path}: {exc}") from None
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
