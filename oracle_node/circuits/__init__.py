"""Circuit artifacts: build them from ONNX with EZKL, describe them in a manifest, check them.

Submodules: ``manifest`` (hashes and scales), ``build`` (the pipeline), ``inputs`` (ONNX and
calibration checks), ``datasets`` (the bundled reference data), ``errors``.
"""

from oracle_node.circuits.errors import (
    CalibrationDataError,
    CircuitError,
    CorruptArtifactError,
    ProvingError,
    SrsError,
    UnknownModelError,
    UnsupportedModelError,
)
from oracle_node.circuits.manifest import Manifest, load_manifest

__all__ = [
    "CalibrationDataError",
    "CircuitError",
    "CorruptArtifactError",
    "Manifest",
    "ProvingError",
    "SrsError",
    "UnknownModelError",
    "UnsupportedModelError",
    "load_manifest",
]
