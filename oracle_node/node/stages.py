"""The three pipeline stages, each a :class:`~oracle_node.service.Service` on its own thread.

``new -> inferred`` (onnxruntime), ``inferred -> proved`` (EZKL in the prover pool) and
``proved -> submitted -> fulfilled`` (the submitter) run at the same time on different
requests, so one request's proof overlaps the next one's inference and the previous one's
submission. Stages read their work from the job store, never from each other: whatever state
a crash leaves, the stage that owns it picks it up on restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from oracle_node.chain.submitter import Submitter
from oracle_node.encoding import int_to_felt
from oracle_node.exceptions import OracleError
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet
from oracle_node.node.provers import ProofOutcome, ProverPool
from oracle_node.service import Service
from oracle_node.store import Job, JobState, JobStore

IDLE_WAIT = 0.05
MAX_POOL_CRASHES = 3

Clock = Callable[[], float]


def past_deadline(job: Job, now: float) -> bool:
    return now > int(job.commitment.get("deadline", 0) or 0) > 0


class _Stage(Service):
    def __init__(self, store: JobStore, metrics: NodeMetrics, wake: threading.Event) -> None:
        super().__init__()
        self.store = store
        self.metrics = metrics
        self.wake = wake
        self.clock: Clock = time.time

    def idle(self) -> None:
        self.wake.wait(IDLE_WAIT)
        self.wake.clear()

    def expire_if_late(self, job: Job, from_state: JobState) -> bool:
        if past_deadline(job, self.clock()):
            self.store.transition(
                job.request_id, [from_state], JobState.EXPIRED,
                reason="deadline passed before the node could fulfil",
            )  # fmt: skip
            return True
        return False


class InferenceStage(_Stage):
    """``new -> inferred``: input checks and onnxruntime."""

    name = "inference"

    def __init__(
        self,
        store: JobStore,
        metrics: NodeMetrics,
        wake: threading.Event,
        models: ModelSet,
        threads: int = 1,
    ) -> None:
        super().__init__(store, metrics, wake)
        self.models = models
        self.threads = threads

    def run_forever(self) -> None:
        with ThreadPoolExecutor(self.threads, thread_name_prefix="infer") as pool:
            while not self.stopping:
                now = self.clock()
                ready = [j for j in self.store.in_state(JobState.NEW) if j.not_before <= now]
                if not ready:
                    self.idle()
                    continue
                list(pool.map(self.handle, ready))

    def handle(self, job: Job) -> None:
        if self.expire_if_late(job, JobState.NEW):
            return
        try:
            model = self.models.get(job.model_id)
            if len(job.input) != model.manifest.input_len:
                raise OracleError(
                    f"input length {len(job.input)} does not match model {job.model_id}'s "
                    f"{model.manifest.input_len}"
                )
            started = time.monotonic()
            output = model.infer(job.input)
            elapsed = time.monotonic() - started
        except Exception as exc:  # a bad input must not stop the stage
            self.store.fail(job.request_id, str(exc))
            self.log.warning("request %d failed: %s", job.request_id, exc)
            return
        self.metrics.observe("infer", elapsed)
        self.store.transition(
            job.request_id, [JobState.NEW], JobState.INFERRED,
            float_output=output, timings={"infer_s": elapsed},
        )  # fmt: skip
        self.wake.set()


class ProvingStage(_Stage):
    """``inferred -> proved``: at most ``pool.workers`` proofs in flight."""

    name = "proving"

    def __init__(
        self,
        store: JobStore,
        metrics: NodeMetrics,
        wake: threading.Event,
        models: ModelSet,
        pool: ProverPool,
    ) -> None:
        super().__init__(store, metrics, wake)
        self.models = models
        self.pool = pool
        self.in_flight: dict[int, Future[ProofOutcome]] = {}
        self.crashes: dict[int, int] = {}

    def run_forever(self) -> None:
        while not self.stopping:
            self._collect()
            free = self.pool.workers - len(self.in_flight)
            started = 0
            if free > 0:
                for job in self.store.in_state(JobState.INFERRED, limit=free + len(self.in_flight)):
                    if job.request_id in self.in_flight or started >= free:
                        continue
                    if self.expire_if_late(job, JobState.INFERRED):
                        continue
                    self._start(job)
                    started += 1
            if not started:
                self.idle()

    def _start(self, job: Job) -> None:
        try:
            model = self.models.get(job.model_id)
        except OracleError as exc:
            self.store.fail(job.request_id, str(exc))
            return
        self.store.update(job.request_id, JobState.INFERRED, timings={"prove_started": time.time()})
        self.in_flight[job.request_id] = self.pool.submit(model.dir, model.srs_path, job.input)

    def _collect(self) -> None:
        for request_id, future in list(self.in_flight.items()):
            if not future.done():
                continue
            del self.in_flight[request_id]
            try:
                outcome = future.result()
            except BrokenProcessPool:
                self._pool_crashed(request_id)
                continue
            except Exception as exc:  # EZKL or the worker: the job fails, the stage goes on
                self.store.fail(request_id, f"proving failed: {exc}")
                continue
            self._proved(request_id, outcome)

    def _pool_crashed(self, request_id: int) -> None:
        self.pool.reset()
        self.crashes[request_id] = self.crashes.get(request_id, 0) + 1
        if self.crashes[request_id] >= MAX_POOL_CRASHES:
            self.store.fail(request_id, "the proving process died repeatedly on this request")

    def _proved(self, request_id: int, outcome: ProofOutcome) -> None:
        job = self.store.get(request_id)
        expected = [int_to_felt(x) for x in job.input]
        if outcome.instances[: len(expected)] != expected:
            self.store.fail(request_id, "proof instances do not match the request input")
            return
        self.metrics.observe("witness", outcome.witness_s)
        self.metrics.observe("prove", outcome.prove_s)
        self.metrics.proof_done("chain")
        self.store.transition(
            request_id, [JobState.INFERRED], JobState.PROVED,
            proof=outcome.proof, instances=outcome.instances, output=outcome.outputs,
            timings={"witness_s": outcome.witness_s, "prove_s": outcome.prove_s,
                     "proved_at": time.time()},
        )  # fmt: skip
        self.wake.set()


class SubmitStage(_Stage):
    """``proved -> submitted -> fulfilled``: one thread, so nonces stay in order."""

    name = "submitter"

    def __init__(
        self,
        store: JobStore,
        metrics: NodeMetrics,
        wake: threading.Event,
        submitter: Submitter,
        backoff: Callable[[int], float],
    ) -> None:
        super().__init__(store, metrics, wake)
        self.submitter = submitter
        self.backoff = backoff
        self.failures = 0
        self.last_error: str | None = None

    def run_forever(self) -> None:
        while not self.stopping:
            try:
                busy = self.step()
                self.failures = 0
                self.last_error = None
            except Exception as exc:  # RPC down or a node error: back off, keep the job
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                self.metrics.rpc_errors.labels(self.name).inc()
                self.log.warning("submit error (%d in a row): %s", self.failures, self.last_error)
                self.sleep(self.backoff(self.failures))
                continue
            if not busy:
                self.idle()

    def step(self) -> bool:
        busy = False
        for job in self.store.in_state(JobState.SUBMITTED):
            if self.submitter.confirm(job):
                busy = True
                self._record(job.request_id)
        now = self.clock()
        for job in self.store.in_state(JobState.PROVED):
            if job.not_before > now:
                continue
            if self.expire_if_late(job, JobState.PROVED):
                continue
            busy = True
            self.submitter.submit(job)
        return busy

    def _record(self, request_id: int) -> None:
        job = self.store.get(request_id)
        if job.state is not JobState.FULFILLED:
            return
        if "submit_s" in job.timings:
            self.metrics.observe("submit", job.timings["submit_s"])
        self.metrics.observe("end_to_end", job.updated_at - job.created_at)
