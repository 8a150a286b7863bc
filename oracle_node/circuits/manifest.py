"""``manifest.json``: what a circuit folder holds, with the hash of every file.

:func:`load_manifest` re-hashes each file and raises :class:`CorruptArtifactError` on the
first one that is missing or changed, so nothing proves against a tampered artifact.
Hashes are ``0x``-prefixed sha256 hex (bytes32), the form the on-chain registry stores.

A circuit proves ``batch_size`` (N) samples at once: ``input_shape`` and ``output_shape`` are the
full tensor shapes with N first, while ``input_len`` and ``output_len`` count the values of ONE
sample. A proof's instances are the N samples' inputs, then the N samples' outputs, row-major
(``N * (input_len + output_len)`` values). Manifests written before batching have no
``batch_size`` and load as N = 1.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from oracle_node.circuits.committed import HASHED
from oracle_node.exceptions import CorruptArtifactError

MANIFEST_FILE = "manifest.json"
ONNX_FILE = "model.onnx"
CALIBRATION_FILE = "calibration.json"
SETTINGS_FILE = "settings.json"
COMPILED_FILE = "model.compiled"
VK_FILE = "vk.key"

Bytes32Hex = str  # "0x" + 64 lowercase hex digits

_HEX32 = r"^0x[0-9a-f]{64}$"


def sha256_file(path: Path) -> str:
    """``0x``-prefixed sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "0x" + digest.hexdigest()


class Manifest(BaseModel):
    """Everything a node, a registry entry or a verifier needs to know about one circuit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: int = 1
    name: str
    ezkl_version: str
    logrows: int = Field(ge=1, le=26)
    input_shape: list[int]
    output_shape: list[int]
    input_scale: int
    output_scale: int
    param_scale: int
    # Per-sample lengths: one sample's input values and output values (the shapes hold N of them).
    input_len: int = Field(ge=1)
    output_len: int = Field(ge=1)
    # Samples proved together by one proof (the first dimension of both shapes).
    batch_size: int = 1
    # "Public", or "Hashed": a committed circuit (oracle_node.circuits.committed), whose proof
    # carries one Poseidon hash per sample over its input values and a salt of salt_len values.
    input_visibility: str
    salt_len: int = Field(default=0, ge=0)
    output_visibility: str
    param_visibility: str
    calibration_target: str
    onnx_sha256: Bytes32Hex = Field(pattern=_HEX32)
    calibration_sha256: Bytes32Hex = Field(pattern=_HEX32)
    compiled_sha256: Bytes32Hex = Field(pattern=_HEX32)
    settings_sha256: Bytes32Hex = Field(pattern=_HEX32)
    vk_sha256: Bytes32Hex = Field(pattern=_HEX32)
    srs_sha256: Bytes32Hex = Field(pattern=_HEX32)
    srs_file: str
    verifier_contract: str
    verifier_path: str
    verifier_sha256: Bytes32Hex = Field(pattern=_HEX32)

    @field_validator("batch_size")
    @classmethod
    def _positive_batch(cls, value: int) -> int:
        if value < 1:
            raise ValueError(f"batch_size must be at least 1, got {value}")
        return value

    @property
    def committed(self) -> bool:
        """Whether the proof carries one hash per sample instead of its input values."""
        return self.input_visibility == HASHED

    @property
    def input_instances(self) -> int:
        """Public values of one sample's input in the proof: its values, or its one hash."""
        return 1 if self.committed else self.input_len

    @property
    def instances_len(self) -> int:
        """Public values of one proof: N inputs (or N hashes), then N outputs."""
        return self.batch_size * (self.input_instances + self.output_len)

    def file_hashes(self) -> dict[str, str]:
        """Files of the model folder and the hash each must have."""
        return {
            ONNX_FILE: self.onnx_sha256,
            CALIBRATION_FILE: self.calibration_sha256,
            SETTINGS_FILE: self.settings_sha256,
            COMPILED_FILE: self.compiled_sha256,
            VK_FILE: self.vk_sha256,
        }

    def write(self, model_dir: Path) -> Path:
        path = model_dir / MANIFEST_FILE
        path.write_text(json.dumps(self.model_dump(mode="json"), indent=2) + "\n")
        return path


def verifier_source_paths(model_dir: Path, manifest: Manifest) -> tuple[Path, ...]:
    """Where a circuit folder's generated verifier source may be, in the order looked at: in the
    folder itself (``<Contract>.sol``), then where the build wrote it (the manifest's
    ``verifier_path``, relative to the project folder that holds ``circuits/``)."""
    folder = Path(model_dir).resolve()
    return (
        folder / f"{manifest.verifier_contract}.sol",
        folder.parent.parent / manifest.verifier_path,
    )


def read_manifest(model_dir: Path) -> Manifest:
    """Parse ``manifest.json`` without checking the files it names."""
    path = Path(model_dir) / MANIFEST_FILE
    if not path.is_file():
        raise CorruptArtifactError(path, "manifest.json is missing (not a built circuit folder?)")
    try:
        return Manifest.model_validate_json(path.read_text())
    except ValidationError as exc:
        raise CorruptArtifactError(path, f"manifest.json is invalid: {_one_line(exc)}") from exc


def _one_line(exc: ValidationError) -> str:
    """Pydantic's errors as ``field: message; ...`` on one line."""
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'manifest'}: {error['msg']}"
        for error in exc.errors()
    )


def default_srs_path(model_dir: Path, manifest: Manifest) -> Path:
    """Where a circuit folder's SRS is when no path is given: the copy inside the folder that
    the build leaves there (it travels with the folder), else ``srs_file`` beside the folder
    (this repository's shared ``circuits/srs/``)."""
    inside = Path(model_dir) / Path(manifest.srs_file).name
    return inside if inside.is_file() else Path(model_dir).parent / manifest.srs_file


def load_manifest(model_dir: Path, verifier_root: Path | None = None) -> Manifest:
    """Read the manifest and check every file's sha256 against it.

    ``verifier_root`` is the project folder the manifest's ``verifier_path`` is relative to;
    when given, the generated verifier source is checked too.
    """
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    for file_name, expected in manifest.file_hashes().items():
        _check(model_dir / file_name, expected)
    if verifier_root is not None:
        _check(Path(verifier_root) / manifest.verifier_path, manifest.verifier_sha256)
    return manifest


def _check(path: Path, expected: str) -> None:
    if not path.is_file():
        raise CorruptArtifactError(path, "file is missing")
    actual = sha256_file(path)
    if actual != expected:
        raise CorruptArtifactError(
            path, f"sha256 is {actual}, the manifest records {expected} (rebuild the circuit)"
        )
