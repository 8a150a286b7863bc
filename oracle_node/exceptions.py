"""Every error the package raises, in one tree; each derives from :class:`OracleError`.

Hierarchy::

    OracleError
    ├── ConfigError                  settings, keys or environment are wrong
    │   ├── SettingsError            node settings incomplete or inconsistent (lists every problem)
    │   ├── KeystoreError            keystore missing, unreadable or wrong password
    │   │   └── KeystoreExistsError  a new keystore would overwrite an existing file
    │   ├── RpcUnreachableError      the RPC does not answer, or serves another chain
    │   ├── AbiError                 a contract artifact is missing or has no ABI
    │   ├── PortInUseError           a port the node or a local chain needs is taken
    │   └── MissingExtraError        an optional dependency is absent; names the extra to install
    ├── ToolchainError               solc-js / anvil / ezkl tool missing or misbehaving
    ├── EncodingError                a value cannot be encoded (also a ValueError)
    ├── CircuitError                 anything wrong with a model's circuit or its artifacts
    │   ├── UnknownModelError        no reference model by that name
    │   ├── UnsupportedModelError    the ONNX file cannot become a circuit (op, node, shape)
    │   ├── CalibrationDataError     calibration / proving input does not fit the model
    │   ├── CircuitTooLargeError     the circuit's estimated memory exceeds what the machine has
    │   ├── SrsError                 structured reference string missing or wrong
    │   ├── CorruptArtifactError     an artifact folder does not match its manifest
    │   ├── InputRangeError          no input range can be proven, or it misses the data
    │   ├── ArtifactCheckError       `circuits verify-artifacts` found failures (or no circuit)
    │   └── ProvingError             EZKL failed to set up, prove or verify
    ├── InferenceError               a model cannot be loaded or run
    │   ├── ModelHashMismatch        the local ONNX file is not the registered one
    │   └── InputShapeError          an input of the wrong length
    ├── ModelNotServedError          a request names a model this node does not serve
    ├── BadDelivery                  a committed request's delivery is unreadable or does not open it
    ├── ProverBackendError           the proving backend cannot serve (cluster, resources, package)
    │   └── ProverLostError          a proof was lost with its worker or machine, retries spent
    ├── StoreError                   the job store is unusable or lacks the job asked for
    ├── RevertError                  a call or transaction reverted (custom error decoded)
    ├── InsufficientFundsError       an account cannot pay for what it was asked to send
    ├── ArtifactNotFoundError        no shipped contract artifact by that name
    ├── VerifierCodeError            a verifier's code is not the registered or the manifest's
    ├── DeploymentError              a deployment or registration step went wrong
    │   └── DeploymentRecordError    a deployment record is missing, malformed or for another chain
    ├── HarnessError                 the testing kit was asked for something impossible
    └── DemoError                    the demo could not complete

Each class builds a message that says what is wrong and what to do about it; the command
line prints that message as one line (``error: ...``) and exits 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class OracleError(Exception):
    """Root of every error raised by ``oracle_node``: catch this to catch them all."""


# ------------------------------------------------------------------------- configuration


class ConfigError(OracleError):
    """Settings, keys or environment are invalid."""


class SettingsError(ConfigError):
    """The node's settings are incomplete or inconsistent."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "invalid node settings: "
            + "; ".join(problems)
            + " (set them as ORACLE_<SECTION>__<FIELD> or in the TOML config file)"
        )


class KeystoreError(ConfigError):
    """The keystore cannot be read or decrypted."""


class KeystoreExistsError(KeystoreError):
    """Writing a new keystore where a file already exists: keys are never overwritten."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"keystore {path} already exists: refusing to overwrite a key "
            "(move it away or choose another path)"
        )


class RpcUnreachableError(ConfigError):
    """The configured RPC endpoint does not answer, or serves another chain."""


class AbiError(ConfigError):
    """A contract artifact is missing or has no ABI."""


class PortInUseError(ConfigError):
    """A port that the node's API or a local chain must listen on is held by another process."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        super().__init__(
            f"port {port} on {host} is already in use: stop the process holding it "
            f"(`lsof -i :{port}`) or choose another port"
        )


class MissingExtraError(ConfigError):
    """A module that only an optional extra installs is missing (``oracle-node[kit]`` ...)."""

    def __init__(self, what: str, module: str, extras: Iterable[str]) -> None:
        self.module = module
        self.extras = tuple(extras)
        choices = " or ".join(f"`pip install 'oracle-node[{extra}]'`" for extra in self.extras)
        super().__init__(f"{what} needs {module!r}, which is not installed: {choices}")


class ToolchainError(OracleError):
    """A tool the project relies on (solc-js, anvil, ezkl) is missing or failed."""


class EncodingError(OracleError, ValueError):
    """A value that cannot be encoded: out of range, not finite, or a malformed field element."""


# ------------------------------------------------------------------------------ circuits


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


class CircuitTooLargeError(CircuitError):
    """A circuit whose estimated setup/proving memory exceeds the memory available.

    Raised before setup, so nothing has been spent yet; the message says what to change.
    """

    def __init__(self, name: str, logrows: int, need_bytes: int, have_bytes: int) -> None:
        self.logrows = logrows
        self.need_bytes = need_bytes
        self.have_bytes = have_bytes
        super().__init__(
            f"circuit {name!r} needs 2^{logrows} rows: setup and proving need about "
            f"{need_bytes / 2**30:.1f} GiB, this machine has {have_bytes / 2**30:.1f} GiB "
            "available; lower the scales (--scale), use --target resources, --inner-cols 1, "
            "a lower --max-logrows, or a smaller model"
        )


class SrsError(CircuitError):
    """The SRS file is missing, or its hash is not the one the manifest records."""


class CorruptArtifactError(CircuitError):
    """A file of an artifact folder is missing or does not hash to the manifest's value."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"corrupted circuit artifact {path}: {problem}")


class InputRangeError(CircuitError):
    """No provable input range can be derived for a circuit, or the one derived does not cover
    the data it was built for: the circuit must be rebuilt (more decomposition legs, lower
    scale)."""


class ArtifactCheckError(CircuitError):
    """``verify-artifacts`` summary: which of the folders given failed, or none was a circuit."""

    def __init__(self, failed: Iterable[Path], given: int) -> None:
        self.failed = list(failed)
        if self.failed:
            names = ", ".join(str(path) for path in self.failed)
            message = f"{len(self.failed)} of {given} folders failed the check: {names}"
        else:
            message = f"none of the {given} paths given is a circuit folder (with manifest.json)"
        super().__init__(message)


class ProvingError(CircuitError):
    """EZKL failed while setting up, proving or verifying."""


# ------------------------------------------------------------------------- serving models


class InferenceError(OracleError):
    """A model cannot be loaded or run."""


class ModelHashMismatch(InferenceError):
    """The local ONNX file is not the one registered on chain."""

    def __init__(self, path: Path, got: str, want: str) -> None:
        self.path, self.got, self.want = path, got, want
        super().__init__(
            f"{path} has sha256 {got} but the registry records {want}: "
            "refusing to serve it (fetch the registered artifacts again)"
        )


class InputShapeError(InferenceError):
    """An input whose length differs from the model's."""

    def __init__(self, got: int, want: int) -> None:
        self.got, self.want = got, want
        super().__init__(f"input has {got} values but the model takes {want}")


class ModelNotServedError(OracleError):
    """A request names a model this node does not (or cannot) serve."""


class BadDelivery(OracleError, ValueError):
    """A committed request's delivery cannot be read, or does not open its commitment."""


class ProverBackendError(OracleError):
    """The proving backend cannot serve: its cluster is unreachable, lacks resources, or its
    package is not installed."""


class ProverLostError(ProverBackendError):
    """A proof was lost with the worker process or machine running it, after every retry."""


class StoreError(OracleError):
    """The job store is unusable or was asked for something it does not hold."""


# ------------------------------------------------------------------------------- chain


@dataclass(frozen=True)
class DecodedError:
    """A revert decoded from its data: the error's name and its arguments by name."""

    name: str
    args: dict[str, Any]

    def __str__(self) -> str:
        inner = ", ".join(f"{k}={v}" for k, v in self.args.items())
        return f"{self.name}({inner})"


class RevertError(OracleError):
    """A call or transaction reverted; ``decoded`` names the custom error when known."""

    def __init__(self, what: str, decoded: DecodedError | None, raw: str = "") -> None:
        self.decoded = decoded
        self.raw = raw
        reason = str(decoded) if decoded else (f"undecoded revert data {raw}" if raw else "no data")
        super().__init__(f"{what} reverted: {reason}")

    @property
    def error_name(self) -> str | None:
        return self.decoded.name if self.decoded else None


class InsufficientFundsError(OracleError):
    """An account holds less than a command would spend; the message says how much to add."""


class ArtifactNotFoundError(OracleError):
    """No shipped artifact has that contract name."""

    def __init__(self, name: str, where: Path, shipped: Iterable[str]) -> None:
        self.name = name
        known = ", ".join(shipped) or "none"
        super().__init__(
            f"no contract artifact named {name!r} in {where} (shipped: {known}); "
            "run `python scripts/export_artifacts.py` after `ape compile`"
        )


class VerifierCodeError(OracleError):
    """The verifier on chain is not the registered one, or not the manifest's verifier."""


class DeploymentError(OracleError):
    """A deployment or registration step did not do what it should."""


class DeploymentRecordError(DeploymentError):
    """A deployment record is missing, malformed, or made for another chain."""


class HarnessError(OracleError):
    """The test harness was asked for something the protocol state does not allow."""


class DemoError(OracleError):
    """The demo could not complete."""
