"""The prover-pool interface, and its embedded backend: a bounded pool of EZKL proving processes.

The stages and the API talk to a :class:`ProverBackend` only; :mod:`oracle_node.node.backends`
builds the one the settings name (this local pool, or the Ray cluster backend of
:mod:`oracle_node.node.ray_backend`). EZKL never runs in the node's own process.

Each worker keeps one :class:`~oracle_node.circuits.proving.Prover` per circuit folder, so its proving
key path and manifest are read once; the key file itself is built once and cached on disk.
Workers start with ``spawn`` (no fork of a threaded process). A worker that dies (killed,
out of memory) breaks the pool; :meth:`ProverPool.submit` then builds a new one.

Workers end with the node: on Linux each asks the kernel for SIGKILL when its parent dies
(``PR_SET_PDEATHSIG``), so a node killed with SIGKILL leaves no prover (and, once its workers
are gone, no multiprocessing resource tracker) behind. The kernel sends that signal when the
*thread* that started the worker ends, so every worker of a pool is started at once from one
thread that lives as long as the pool.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
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


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """A worker's initializer: SIGKILL this process when its parent dies (Linux), and end now
    if the parent died before we asked."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(1)


def _started() -> int:
    return os.getpid()


class _Workers:
    """One pool's worker processes, all started from a thread that outlives them: the
    kernel's parent-death signal follows the thread that started a process, and a pool is
    used from short-lived threads too (the API's)."""

    def __init__(self, workers: int) -> None:
        self.executor: ProcessPoolExecutor | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()
        self._done = threading.Event()
        thread = threading.Thread(
            target=self._run, args=(workers,), name="prover-workers", daemon=True
        )
        thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def _run(self, workers: int) -> None:
        try:
            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(
                workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
            )
            # A submit starts a process while none is idle: these start all of them, here.
            starts = [self.executor.submit(_started) for _ in range(workers)]
        except BaseException as exc:  # pragma: no cover - reported to the caller
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        for start in starts:
            try:
                start.result()
            except BaseException:  # a worker that failed to start breaks the pool: submit says
                break
        self._done.wait()

    def shutdown(self, wait: bool) -> None:
        assert self.executor is not None
        self.executor.shutdown(wait=wait, cancel_futures=True)
        self._done.set()


class ProverPool:
    """``workers`` proving processes shared by the chain pipeline and the API."""

    def __init__(self, workers: int, cache_dir: Path | None) -> None:
        self.workers = workers
        self.cache_dir = str(cache_dir) if cache_dir else None
        self._lock = threading.Lock()
        self._pool: _Workers | None = None

    def start(self) -> None:
        """Start the worker processes now rather than at the first proof."""
        self._executor()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = _Workers(self.workers)
            assert self._pool.executor is not None
            return self._pool.executor

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
            pool.shutdown(wait=False)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
