"""The cluster proving backend: prover actors that Ray places, each holding one circuit's key.

Only this module imports ``ray`` (the ``cluster`` extra), and only when the backend is built.

Resources, declared per Ray node with ``ray start --resources '{...}'``:

- ``oracle_prover``: proving slots. Each prover actor takes one, so a node runs at most that
  many proofs at once, and a node without the resource never proves.
- ``oracle_model_<name>``: the node holds circuit ``<name>`` (its folder and SRS, at the paths
  the oracle node's settings name). Each actor of that circuit takes :data:`MODEL_SHARE` of it:
  the resource is a label that says where that circuit's key may live, not a count.

Routing: ``provers`` actors per circuit (folder and SRS), spread over the nodes by Ray
(``SPREAD``); a proof goes to that circuit's actor with the fewest proofs in flight. An actor
keeps its circuit's proving key on its own node's disk (``ray_key_cache_dir``), named by the
manifest's vk hash and checked against it when built (:meth:`Prover.ensure_proving_key`).

Failures: Ray restarts a dead actor on a node that offers its resources (``max_restarts``).
A proof lost with its actor (the worker process or its node died) is sent again by this
backend, to another actor of the circuit where there is one, up to ``ray_retries`` times with
a growing wait (while Ray notices the death and places the actor again); then its future ends
with :class:`ProverLostError`. Each submission has one future that resolves once, so a retried
proof is recorded once, and the job store lets a request be submitted on chain once.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import warnings
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from oracle_node.circuits.manifest import load_manifest
from oracle_node.exceptions import OracleError, ProverBackendError, ProverLostError
from oracle_node.extras import needs_extra
from oracle_node.node.provers import (
    ProofJob,
    ProofOutcome,
    WitnessOutcome,
    prove_in_worker,
    warm_in_worker,
    witness_in_worker,
)

log = logging.getLogger("oracle_node.ray")

PROVER_RESOURCE = "oracle_prover"
MODEL_SHARE = 0.01
NAMESPACE = "oracle-node"
MAX_RETRY_WAIT = 10.0


def model_resource(name: str) -> str:
    """The custom resource that marks a Ray node as holding circuit ``name``."""
    return f"oracle_model_{name}"


def actor_resources(name: str) -> dict[str, float]:
    """What one prover actor of circuit ``name`` takes from its node."""
    return {PROVER_RESOURCE: 1.0, model_resource(name): MODEL_SHARE}


def default_key_cache() -> str:
    """The proving-key cache on a Ray node when none is set: local temporary storage."""
    return str(Path(tempfile.gettempdir()) / f"oracle-node-keys-{os.getuid()}")


def _circuit_key(model_dir: Path, srs_path: Path | None) -> tuple[str, str | None]:
    """Absolute paths: a Ray worker does not run in the node's working folder."""
    return (str(Path(model_dir).resolve()), str(Path(srs_path).resolve()) if srs_path else None)


class ProverActor:
    """One circuit's prover on one Ray node (made a Ray actor by :class:`RayProverPool`)."""

    def __init__(self, model_dir: str, cache_dir: str | None, srs_path: str | None) -> None:
        self.job = ProofJob(model_dir, cache_dir or default_key_cache(), srs_path, [])

    def warm(self) -> str:
        return warm_in_worker(self.job.model_dir, self.job.cache_dir, self.job.srs_path)

    def prove(self, inputs: list[int]) -> ProofOutcome:
        return prove_in_worker(replace(self.job, inputs=inputs))

    def witness(self, inputs: list[int]) -> WitnessOutcome:
        return witness_in_worker(replace(self.job, inputs=inputs))

    def where(self) -> dict[str, Any]:
        import ray

        context = ray.get_runtime_context()
        return {"node_id": context.get_node_id(), "pid": os.getpid()}


@dataclass
class _Slot:
    """One prover actor and the proofs the node has sent it."""

    name: str
    index: int
    actor: Any
    in_flight: int = 0
    dead: bool = False

    def __str__(self) -> str:
        return f"prover {self.index} of {self.name}"


@dataclass
class _Proof:
    """One submission: its circuit, input, future and the sends spent on it; ``method`` is the
    actor's (``prove``, or ``witness`` for the output alone)."""

    key: tuple[str, str | None]
    inputs: list[int]
    future: Future[Any]
    sends: int = 0
    last: _Slot | None = field(default=None, repr=False)
    method: str = "prove"


class RayProverPool:
    """The :class:`~oracle_node.node.provers.ProverBackend` on a Ray cluster."""

    def __init__(
        self,
        address: str,
        actors_per_circuit: int,
        *,
        node_ip_address: str | None = None,
        key_cache_dir: Path | None = None,
        retries: int = 8,
        start_timeout: float = 600.0,
    ) -> None:
        self.address = address
        self.actors_per_circuit = actors_per_circuit
        self.node_ip_address = node_ip_address
        self.key_cache_dir = str(key_cache_dir) if key_cache_dir else None
        self.retries = retries
        self.start_timeout = start_timeout
        self._lock = threading.RLock()
        self._circuits: dict[tuple[str, str | None], list[_Slot]] = {}
        self._open: set[Future[Any]] = set()
        self._closed = False
        self._ray: Any = None

    @property
    def workers(self) -> int:
        return self.actors_per_circuit * max(1, len(self._circuits))

    # ------------------------------------------------------------------ cluster

    def _connect(self) -> Any:
        if self._ray is not None:
            return self._ray
        with needs_extra("the Ray proving backend (workers.backend = ray)", "cluster"):
            import ray
        try:
            with warnings.catch_warnings():  # a tip about GPU env vars: proving uses no GPU
                warnings.filterwarnings("ignore", "Tip: In future versions", FutureWarning)
                ray.init(
                    address=self.address,
                    namespace=NAMESPACE,
                    logging_level=logging.WARNING,
                    _node_ip_address=self.node_ip_address,
                )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise ProverBackendError(
                f"cannot join the Ray cluster at {self.address!r}: {exc} (start one with "
                "`ray start --head`, or set workers.ray_address)"
            ) from exc
        self._ray = ray
        return ray

    def _slots(self, model_dir: Path, srs_path: Path | None) -> list[_Slot]:
        key = _circuit_key(model_dir, srs_path)
        with self._lock:
            if key not in self._circuits:
                name = load_manifest(model_dir).name
                self._check_resources(name)
                self._circuits[key] = [
                    self._new_slot(key, name, i) for i in range(self.actors_per_circuit)
                ]
            return self._circuits[key]

    def _check_resources(self, name: str) -> None:
        offered = self._connect().cluster_resources()
        missing = [r for r in actor_resources(name) if r not in offered]
        if missing:
            wanted = json.dumps({PROVER_RESOURCE: 1, model_resource(name): 1})
            raise ProverBackendError(
                f"no node of the Ray cluster offers {', '.join(missing)}: start the nodes that "
                f"prove {name} with `ray start --resources '{wanted}'` (proving slots, and the "
                "circuit's folder and SRS at the paths this node uses)"
            )

    def _new_slot(self, key: tuple[str, str | None], name: str, index: int) -> _Slot:
        ray = self._connect()
        actor_class = ray.remote(ProverActor).options(
            num_cpus=0,
            resources=actor_resources(name),
            max_restarts=self.retries,
            max_task_retries=0,  # lost proofs are sent again by _retry, to another actor
            scheduling_strategy="SPREAD",
        )
        return _Slot(name, index, actor_class.remote(key[0], self.key_cache_dir, key[1]))

    # ---------------------------------------------------------------- interface

    def warm(self, model_dir: Path, srs_path: Path | None) -> str:
        """Place the circuit's actors and have each build or find its proving key (blocks)."""
        slots = self._slots(model_dir, srs_path)
        ray = self._ray
        refs = [slot.actor.warm.remote() for slot in slots]
        places = [slot.actor.where.remote() for slot in slots]
        _, pending = ray.wait(refs + places, num_returns=len(refs) * 2, timeout=self.start_timeout)
        name = slots[0].name
        if pending:
            raise ProverBackendError(
                f"the prover actors of {name} were not ready in {self.start_timeout:.0f}s: the "
                f"nodes offering {json.dumps(actor_resources(name))} are busy or too few"
            )
        try:
            paths = ray.get(refs)
            where = ray.get(places)
        except ray.exceptions.RayError as exc:
            raise ProverBackendError(f"a prover actor of {name} failed to start: {exc}") from exc
        for slot, path, place in zip(slots, paths, where, strict=True):
            log.info("%s on Ray node %s (pid %d), proving key %s",
                     slot, place["node_id"][:12], place["pid"], path)  # fmt: skip
        return str(paths[0])

    def submit(
        self, model_dir: Path, srs_path: Path | None, inputs: list[int]
    ) -> Future[ProofOutcome]:
        future: Future[ProofOutcome] = Future()
        key = _circuit_key(model_dir, srs_path)
        self._start(_Proof(key, list(inputs), future), model_dir, srs_path)
        return future

    def witness(
        self, model_dir: Path, srs_path: Path | None, inputs: list[int]
    ) -> Future[WitnessOutcome]:
        future: Future[WitnessOutcome] = Future()
        key = _circuit_key(model_dir, srs_path)
        self._start(_Proof(key, list(inputs), future, method="witness"), model_dir, srs_path)
        return future

    def _start(self, proof: _Proof, model_dir: Path, srs_path: Path | None) -> None:
        proof.future.set_running_or_notify_cancel()
        try:
            self._slots(model_dir, srs_path)
        except OracleError as exc:
            proof.future.set_exception(exc)
            return
        with self._lock:
            self._open.add(proof.future)
        proof.future.add_done_callback(self._forget)
        self._send(proof)

    def reset(self) -> None:
        """Replace the actors that lost a proof after every retry."""
        with self._lock:
            for key, slots in self._circuits.items():
                for i, slot in enumerate(slots):
                    if slot.dead:
                        self._ray.kill(slot.actor, no_restart=True)
                        slots[i] = self._new_slot(key, slot.name, slot.index)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            slots = [s for group in self._circuits.values() for s in group]
            self._circuits.clear()
            pending = list(self._open)
        for future in pending:
            if not future.done():
                future.set_exception(ProverBackendError("the Ray backend was closed"))
        if self._ray is not None:
            for slot in slots:
                self._ray.kill(slot.actor, no_restart=True)
            self._ray.shutdown()
            self._ray = None

    # ---------------------------------------------------------------- internals

    def _forget(self, future: Future[Any]) -> None:
        with self._lock:
            self._open.discard(future)

    def _pick(self, proof: _Proof) -> _Slot:
        slots = [s for s in self._circuits[proof.key] if not s.dead] or self._circuits[proof.key]
        others = [s for s in slots if s is not proof.last] or slots
        return min(others, key=lambda s: s.in_flight)

    def _send(self, proof: _Proof) -> None:
        with self._lock:
            if self._closed or proof.future.done():
                return
            slot = self._pick(proof)
            slot.in_flight += 1
            proof.sends += 1
            proof.last = slot
            ref = getattr(slot.actor, proof.method).remote(proof.inputs)
        ref.future().add_done_callback(lambda done: self._finished(proof, slot, done))

    def _finished(self, proof: _Proof, slot: _Slot, done: Future[Any]) -> None:
        with self._lock:
            slot.in_flight -= 1
        if proof.future.done():
            return
        exc = done.exception()
        if exc is None:
            proof.future.set_result(done.result())
            return
        errors = self._ray.exceptions
        lost = (errors.RayActorError, errors.WorkerCrashedError, errors.NodeDiedError,
                errors.ObjectLostError)  # fmt: skip
        if isinstance(exc, errors.RayTaskError):
            cause = exc.cause if isinstance(exc.cause, Exception) else exc
            proof.future.set_exception(cause)
        elif isinstance(exc, lost):
            self._retry(proof, slot, exc)
        else:
            proof.future.set_exception(exc)

    def _retry(self, proof: _Proof, slot: _Slot, exc: BaseException) -> None:
        if proof.sends > self.retries or self._closed:
            slot.dead = True
            proof.future.set_exception(
                ProverLostError(f"a proof on {slot} was lost {proof.sends} times: {exc}")
            )
            return
        wait = min(MAX_RETRY_WAIT, 0.5 * 2 ** (proof.sends - 1))
        log.warning("%s lost a proof (%s); sending it again in %.1fs (retry %d of %d)",
                    slot, type(exc).__name__, wait, proof.sends, self.retries)  # fmt: skip
        timer = threading.Timer(wait, self._send, (proof,))
        timer.daemon = True
        timer.start()
