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
from oracle_node.exceptions import OracleError, ProverLostError
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet
from oracle_node.node.provers import ProofOutcome, ProverBackend
from oracle_node.service import Backoff, Service, exponential_backoff
from oracle_node.store import Job, JobState, JobStore

IDLE_WAIT = 0.05
MAX_POOL_CRASHES = 3
# Receipt polls of one sent transaction: first after RECEIPT_FIRST_POLL seconds, then twice as
# long each time up to RECEIPT_MAX_POLL, so a slow remote RPC is asked about once a few seconds.
RECEIPT_FIRST_POLL = 0.1
RECEIPT_MAX_POLL = 4.0

Clock = Callable[[], float]


def past_deadline(job: Job, now: float) -> bool:
    return now > int(job.commitment.get("deadline", 0) or 0) > 0


class _Stage(Service):
    def __init__(
        self,
        store: JobStore,
        metrics: NodeMetrics,
        wake: threading.Event,
        backoff: Backoff = exponential_backoff,
    ) -> None:
        super().__init__(backoff)
        self.store = store
        self.metrics = metrics
        self.wake = wake
        # deadlines and windows are block timestamps: the runner passes the chain's clock
        self.clock: Clock = time.time
        self.monotonic: Clock = time.monotonic  # intervals: receipt polls

    def idle(self) -> None:
        self.wake.wait(IDLE_WAIT)
        self.wake.clear()

    def on_error(self, exc: Exception) -> None:
        self.metrics.rpc_errors.labels(self.name).inc()

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

    def setup(self) -> None:
        self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix="infer")

    def cleanup(self) -> None:
        self.pool.shutdown(wait=True)

    def step(self) -> bool:
        now = self.clock()
        ready = [j for j in self.store.in_state(JobState.NEW) if j.not_before <= now]
        list(self.pool.map(self.handle, ready))
        return bool(ready)

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
        pool: ProverBackend,
    ) -> None:
        super().__init__(store, metrics, wake)
        self.models = models
        self.pool = pool
        self.in_flight: dict[int, Future[ProofOutcome]] = {}
        self.crashes: dict[int, int] = {}

    def step(self) -> bool:
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
        return started > 0

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
            except (BrokenProcessPool, ProverLostError):
                self._pool_crashed(request_id)
                continue
            except Exception as exc:  # EZKL or the worker: the job fails, the stage goes on
                self.crashes.pop(request_id, None)
                self.store.fail(request_id, f"proving failed: {exc}")
                continue
            self.crashes.pop(request_id, None)
            self._proved(request_id, outcome)

    def _pool_crashed(self, request_id: int) -> None:
        self.pool.reset()
        self.crashes[request_id] = self.crashes.get(request_id, 0) + 1
        if self.crashes[request_id] >= MAX_POOL_CRASHES:
            del self.crashes[request_id]
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
        backoff: Backoff = exponential_backoff,
    ) -> None:
        super().__init__(store, metrics, wake, backoff)
        self.submitter = submitter
        # request id -> (monotonic time of the next receipt poll, interval after that one)
        self.receipt_polls: dict[int, tuple[float, float]] = {}

    def step(self) -> bool:
        busy = False
        submitted = self.store.in_state(JobState.SUBMITTED)
        waiting = {job.request_id for job in submitted}
        for request_id in set(self.receipt_polls) - waiting:
            del self.receipt_polls[request_id]
        for job in submitted:
            if not self._receipt_due(job.request_id):
                continue
            if self.submitter.confirm(job):
                busy = True
                self.receipt_polls.pop(job.request_id, None)
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

    def _receipt_due(self, request_id: int) -> bool:
        """Whether to poll this job's receipt now; spaces polls out exponentially."""
        now = self.monotonic()
        scheduled = self.receipt_polls.get(request_id)
        if scheduled is None:  # just sent: first poll after RECEIPT_FIRST_POLL
            self.receipt_polls[request_id] = (now + RECEIPT_FIRST_POLL, RECEIPT_FIRST_POLL)
            return False
        due, interval = scheduled
        if now < due:
            return False
        interval = min(RECEIPT_MAX_POLL, interval * 2)
        self.receipt_polls[request_id] = (now + interval, interval)
        return True

    def _record(self, request_id: int) -> None:
        job = self.store.get(request_id)
        if job.state is not JobState.FULFILLED:
            return
        if "submit_s" in job.timings:
            self.metrics.observe("submit", job.timings["submit_s"])
        self.metrics.observe("end_to_end", job.updated_at - job.created_at)
