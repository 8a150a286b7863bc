"""Models the node serves: local circuit folder, registry record, onnxruntime session.

A model is served only when the on-chain record agrees with the local folder: the ONNX file's
sha256 (checked again on the file itself by :class:`~oracle_node.inference.ModelRuntime`), the
verifying key, and the verifier's code (the runner compares it with what the folder's own
verifier source, :func:`verifier_source`, compiles to). Anything that disagrees is kept with the
reason, so requests for it are failed with that reason instead of being proved against the
wrong artifacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oracle_node.chain.contracts import ModelRecord
from oracle_node.chain.verifier_code import VerifierSource
from oracle_node.circuits.manifest import Manifest, load_manifest, verifier_source_paths
from oracle_node.encoding import int_to_float
from oracle_node.exceptions import ModelNotServedError, OracleError
from oracle_node.inference import ModelRuntime
from oracle_node.settings import InferenceSettings, ServedModel


@dataclass(frozen=True)
class ProvingKey:
    """Where a served model's proving key is cached, and how long it took to get ready."""

    path: Path
    ready_s: float

    def describe(self) -> dict[str, object]:
        exists = self.path.is_file()
        return {
            "state": "ready" if exists else "missing",
            "path": str(self.path),
            "bytes": self.path.stat().st_size if exists else None,
            "ready_s": round(self.ready_s, 3),
        }


@dataclass
class LoadedModel:
    """A served model, ready to run."""

    model_id: int
    dir: Path
    srs_path: Path | None
    manifest: Manifest
    runtime: ModelRuntime
    proving_key: ProvingKey | None = None
    max_batch: int | None = None
    """Most requests one proof covers; None: the circuit's batch size."""
    batch_wait_s: float = 2.0
    """Longest a request waits for its batch to fill before the batch is proven anyway."""
    challenge_window: int = 0
    """The registry's challenge window for Optimistic requests (0: Proven requests only)."""
    bond: int = 0
    """Wei a posting proven wrong costs its poster (the registry's bond)."""
    max_abs_input: int | None = None
    """Largest |x| of an input value the coordinator accepts (the registry's ``maxAbsInput``);
    None: derived from the circuit folder when first needed (:meth:`input_bound`)."""

    def input_bound(self) -> int:
        """The registry's ``maxAbsInput``, or without a record the bound the folder's circuit
        registers (:func:`~oracle_node.circuits.input_range.read_max_abs_input`)."""
        if self.max_abs_input is None:
            from oracle_node.circuits.input_range import read_max_abs_input

            self.max_abs_input = read_max_abs_input(self.dir)
        return self.max_abs_input

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def batch_size(self) -> int:
        """The circuit's N: requests one proof covers (1 for an unbatched circuit)."""
        return self.manifest.batch_size

    @property
    def batch_limit(self) -> int:
        """How many requests this node puts in one proof of this model."""
        limit = self.max_batch or self.batch_size
        return max(1, min(limit, self.batch_size))

    def infer(self, inputs: list[int]) -> list[float]:
        """onnxruntime on the request's fixed-point input (dequantized at the input scale)."""
        scale = self.manifest.input_scale
        return self.runtime.run([int_to_float(x, scale) for x in inputs])

    def describe(self) -> dict[str, object]:
        m = self.manifest
        return {
            "model_id": self.model_id,
            "name": m.name,
            "onnx_sha256": m.onnx_sha256,
            "vk_sha256": m.vk_sha256,
            "input_len": m.input_len,
            "output_len": m.output_len,
            "input_scale": m.input_scale,
            "output_scale": m.output_scale,
            "logrows": m.logrows,
            "batch_size": m.batch_size,
            "batch_limit": self.batch_limit,
            "challenge_window": self.challenge_window,
            "bond_wei": str(self.bond),
            "provider": self.runtime.provider,
            "proving_key": (
                self.proving_key.describe()
                if self.proving_key is not None
                else {"state": "not built", "path": None, "bytes": None, "ready_s": None}
            ),
        }


def check_record(manifest: Manifest, record: ModelRecord | None) -> str | None:
    """Why the registry record does not fit the local manifest, or None when it does."""
    if record is None:
        return None
    problems = []
    if record.onnx_hash.lower() != manifest.onnx_sha256:
        problems.append(f"ONNX sha256 {manifest.onnx_sha256} != registered {record.onnx_hash}")
    if record.vk_hash.lower() != manifest.vk_sha256:
        problems.append(f"vk sha256 {manifest.vk_sha256} != registered {record.vk_hash}")
    if record.input_scale != manifest.input_scale or record.output_scale != manifest.output_scale:
        problems.append("fixed-point scales differ from the registry's")
    if record.batch_size != manifest.batch_size:
        problems.append(
            f"the circuit proves batches of {manifest.batch_size}, the registry says "
            f"{record.batch_size}"
        )
    if record.committed != manifest.committed:
        problems.append(
            "the circuit hashes its inputs, the registry says they are public"
            if manifest.committed
            else "the circuit takes public inputs, the registry says they are committed"
        )
    if not record.active:
        problems.append("the model is deactivated in the registry")
    return "; ".join(problems) or None


def verifier_source(model_dir: Path, manifest: Manifest) -> VerifierSource:
    """The circuit folder's own generated verifier source, as its manifest names and hashes it
    (what :func:`oracle_node.chain.verifier_code.check_verifier` compiles and compares)."""
    return VerifierSource(
        manifest.verifier_contract,
        manifest.verifier_sha256,
        verifier_source_paths(model_dir, manifest),
    )


# Until the node reads deliveries and the coordinator can close a request whose committed input
# cannot be proven (docs/contracts.md), serving a committed model could get the node slashed.
NOT_YET_COMMITTED = (
    "the circuit hashes its inputs (a committed model): this node does not serve committed "
    "requests yet"
)


class ModelSet:
    """Served models by on-chain id, plus the reasons some could not be served."""

    def __init__(self) -> None:
        self.models: dict[int, LoadedModel] = {}
        self.refused: dict[int, str] = {}

    def load(
        self,
        served: ServedModel,
        record: ModelRecord | None,
        *,
        inference: InferenceSettings | None = None,
    ) -> None:
        """Check and load one model; a mismatch is recorded in :attr:`refused`, not raised."""
        try:
            manifest = load_manifest(served.dir)
            if manifest.committed:
                self.refused[served.id] = NOT_YET_COMMITTED
                return
            problem = check_record(manifest, record)
            if problem is not None:
                self.refused[served.id] = problem
                return
            expected = record.onnx_hash if record is not None else manifest.onnx_sha256
            runtime = ModelRuntime(served.dir / "model.onnx", expected, settings=inference)
        except OracleError as exc:
            self.refused[served.id] = str(exc)
            return
        self.models[served.id] = LoadedModel(
            served.id, served.dir, served.srs_path, manifest, runtime,
            max_batch=served.max_batch, batch_wait_s=served.batch_wait_s,
            challenge_window=record.challenge_window if record is not None else 0,
            bond=record.bond if record is not None else 0,
            max_abs_input=record.max_abs_input if record is not None and record.max_abs_input
            else None,
        )  # fmt: skip

    def get(self, model_id: int) -> LoadedModel:
        if model_id in self.models:
            return self.models[model_id]
        if model_id in self.refused:
            raise ModelNotServedError(f"model {model_id} is refused: {self.refused[model_id]}")
        raise ModelNotServedError(f"model {model_id} is not served by this node")
