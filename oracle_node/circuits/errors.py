"""Errors of the circuit pipeline and of proving.

Hierarchy::

    OracleError
    └── CircuitError                 anything wrong with a model's circuit or its artifacts
        ├── UnknownModelError        no reference model by that name
        ├── UnsupportedModelError    the ONNX file cannot become a circuit (op, node, shape)
        ├── CalibrationDataError     calibration / proving input does not fit the model
        ├── SrsError                 structured reference string missing or wrong
        ├── CorruptArtifactError     an artifact folder does not match its manifest
        └── ProvingError             EZKL failed to set up, prove or verify
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from oracle_node.exceptions import OracleError


class CircuitError(OracleError):
    """Root of the circuit pipeline's errors."""


class UnknownModelError(CircuitError):
    """A reference model name that does not exist."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        super().__init__(f"unknown reference model {name!r}; known: {', '.join(known)}")


class UnsupportedModelError(CircuitError):
    """The ONNX model cannot be turned into an EZKL circuit."""


class CalibrationDataError(CircuitError):
    """Input data whose shape or content does not match the model."""


class SrsError(CircuitError):
    """The SRS file is missing, or its hash is not the one the manifest records."""


class CorruptArtifactError(CircuitError):
    """A file of an artifact folder is missing or does not hash to the manifest's value."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"corrupted circuit artifact {path}: {problem}")


class ProvingError(CircuitError):
    """EZKL failed while setting up, proving or verifying."""
