"""The prover-pool interface, and its embedded backend: a bounded pool of EZKL proving processes.

The stages and the API talk to a :class:`ProverBackend` only; :mod:`oracle_node.node.backends`
builds the one the settings name (this local pool, or the Ray cluster backend of
:mod:`oracle_node.node.ray_backend`). EZKL never runs in the node's own process.

Each worker keeps one :class:`~oracle_node.circuits.proving.Prover` per circuit folder, so its proving
key path and manifest are read once; the key file itself is built once and cached on disk.
Workers start with ``spawn`` (no fork of a threaded process). A worker that dies (killed,
out of memory) breaks the pool; :meth:`ProverPool.submit` then builds a new one.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

_PROVERS: dict[tuple[str, str | None, str | None], Any] = {}


@dataclass(frozen=True)
class ProofJob:
    """What a worker needs to prove one input, or, for a batched circuit, the inputs of up to
    N samples back to back (the worker pads the rest of the batch)."""

    model_dir: str
    cache_dir: str | None
    srs_path: str | None
    inputs: list[int]


@dataclass(frozen=True)
class ProofOutcome:
    proof: bytes
    instances: list[int]
    outputs: list[int]
    witness_s: float
    prove_s: float


@dataclass(frozen=True)
class WitnessOutcome:
    """The circuit's quantized output for one input, computed with the witness alone (no
    proof): what a proof of that input would show, and what an optimistic posting holds."""

    outputs: list[int]
    witness_s: float


class ProverBackend(Protocol):
    """Where proofs run. A backend owns placement, proving-key caching and retries.

    A proof lost with its worker (a killed process, a dead machine) that the backend could not
    place again ends its future with :class:`~concurrent.futures.process.BrokenProcessPool`
    (local pool) or :class:`~oracle_node.exceptions.ProverLostError` (any backend); the caller
    then calls :meth:`reset` and may submit again. Any other exception is the proof's own failure.
    """

    @property
    def workers(self) -> int:
        """How many proofs may usefully be in flight at once."""
        ...

    def submit(
        self, model_dir: Path, srs_path: Path | None, inputs: list[int]
    ) -> Future[ProofOutcome]: ...

    def witness(
        self, model_dir: Path, srs_path: Path | None, inputs: list[int]
    ) -> Future[WitnessOutcome]:
        """The circuit's output for one sample ``inputs``, from the witness (milliseconds)."""
        ...

    def warm(self, model_dir: Path, srs_path: Path | None) -> str:
        """Get ready to prove this circuit (its proving key built or found); blocks."""
        ...

    def reset(self) -> None:
        """Replace workers that died (the local pool starts afresh); lost proofs stay lost."""
        ...

    def close(self) -> None: ...


def _prover(model_dir: str, cache_dir: str | None, srs_path: str | None) -> Any:
    from oracle_node.circuits.proving import Prover

    key = (model_dir, cache_dir, srs_path)
    if key not in _PROVERS:
        _PROVERS[key] = Prover(model_dir, cache_dir=cache_dir, srs_path=srs_path)
    return _PROVERS[key]


def prove_in_worker(job: ProofJob) -> ProofOutcome:
    """Runs in a worker process. For a batched circuit, ``outputs`` are the real samples'
    outputs back to back (the filler slots' are left out); ``instances`` are the whole batch's."""
    prover = _prover(job.model_dir, job.cache_dir, job.srs_path)
    if prover.batch_size == 1:
        result = prover.prove(job.inputs)
        outputs = list(result.outputs)
    else:
        size = prover.manifest.input_len
        samples = [job.inputs[i : i + size] for i in range(0, len(job.inputs), size)]
        batch = prover.prove_batch(samples)
        result = batch.result
        outputs = [y for sample in batch.outputs for y in sample]
    return ProofOutcome(
        proof=result.proof,
        instances=list(result.instances),
        outputs=outputs,
        witness_s=result.witness_s,
        prove_s=result.prove_s,
    )


def witness_in_worker(job: ProofJob) -> WitnessOutcome:
    """Runs in a worker process: the circuit's output for one sample, without a proof."""
    prover = _prover(job.model_dir, job.cache_dir, job.srs_path)
    started = time.monotonic()
    outputs = prover.witness_outputs(job.inputs)
    return WitnessOutcome(outputs=list(outputs), witness_s=time.monotonic() - started)


def warm_in_worker(model_dir: str, cache_dir: str | None, srs_path: str | None) -> str:
    """Build (or find) the proving key of one circuit; runs in a worker process."""
    return str(_prover(model_dir, cache_dir, srs_path).ensure_proving_key())


class ProverPool:
    """``workers`` proving processes shared by the chain pipeline and the API."""

    def __init__(self, workers: int, cache_dir: Path | None) -> None:
        self.workers = workers
        self.cache_dir = str(cache_dir) if cache_dir else None
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
            return self._pool

    def submit(
        self, model_dir: Path, srs_path: Path | None, inputs: list[int]
    ) -> Future[ProofOutcome]:
        job = ProofJob(str(model_dir), self.cache_dir, str(srs_path) if srs_path else None, inputs)
        try:
            return self._executor().submit(prove_in_worker, job)
        except BrokenProcessPool:
            self.reset()
            return self._executor().submit(prove_in_worker, job)

    def witness(
        self, model_dir: Path, srs_path: Path | None, inputs: list[int]
    ) -> Future[WitnessOutcome]:
        job = ProofJob(str(model_dir), self.cache_dir, str(srs_path) if srs_path else None, inputs)
        try:
            return self._executor().submit(witness_in_worker, job)
        except BrokenProcessPool:
            self.reset()
            return self._executor().submit(witness_in_worker, job)

    def warm(self, model_dir: Path, srs_path: Path | None) -> str:
        """Make sure the proving key exists before the first request (blocks)."""
        srs = str(srs_path) if srs_path else None
        return self._executor().submit(warm_in_worker, str(model_dir), self.cache_dir, srs).result()

    def reset(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
