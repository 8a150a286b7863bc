"""The three pipeline stages, each a :class:`~oracle_node.service.Service` on its own thread.

``new -> inferred`` (onnxruntime), ``inferred -> proved`` (EZKL in the prover pool: a proof,
or for an Optimistic request the circuit's output from the witness alone) and
``proved -> submitted -> fulfilled | posted`` (the submitter) run at the same time on different
requests, so one request's proof overlaps the next one's inference and the previous one's
submission. Stages read their work from the job store, never from each other: whatever state
a crash leaves, the stage that owns it picks it up on restart. Optimistic settlement (finalising
our postings, watching others') is in :mod:`oracle_node.node.optimistic`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from oracle_node.chain.submitter import Submitter
from oracle_node.encoding import int_to_felt
from oracle_node.exceptions import OracleError, ProverLostError
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import LoadedModel, ModelSet
from oracle_node.node.provers import ProofOutcome, ProverBackend, WitnessOutcome
from oracle_node.service import Backoff, Service, exponential_backoff
from oracle_node.store import Job, JobState, JobStore, past_deadline

IDLE_WAIT = 0.05
MAX_POOL_CRASHES = 3
# Receipt polls of one sent transaction: first after RECEIPT_FIRST_POLL seconds, then twice as
# long each time up to RECEIPT_MAX_POLL, so a slow remote RPC is asked about once a few seconds.
RECEIPT_FIRST_POLL = 0.1
RECEIPT_MAX_POLL = 4.0

Clock = Callable[[], float]

log = logging.getLogger("oracle_node.proving")


class Stage(Service):
    """What the node's stages share: the job store, metrics, a wake-up event, the chain's clock
    and the receipt-poll schedule."""

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
        # key -> (monotonic time of the next receipt poll, interval after that one)
        self.receipt_polls: dict[int, tuple[float, float]] = {}

    def receipt_due(self, key: int) -> bool:
        """Whether to poll the receipt of the transaction sent for ``key`` now; spaces polls
        out exponentially."""
        now = self.monotonic()
        scheduled = self.receipt_polls.get(key)
        if scheduled is None:  # just sent: first poll after RECEIPT_FIRST_POLL
            self.receipt_polls[key] = (now + RECEIPT_FIRST_POLL, RECEIPT_FIRST_POLL)
            return False
        due, interval = scheduled
        if now < due:
            return False
        interval = min(RECEIPT_MAX_POLL, interval * 2)
        self.receipt_polls[key] = (now + interval, interval)
        return True

    def forget_polls(self, waiting: set[int]) -> None:
        """Drop the poll schedules of keys no longer waiting for a receipt."""
        for key in set(self.receipt_polls) - waiting:
            del self.receipt_polls[key]

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


class InferenceStage(Stage):
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


class ProvingStage(Stage):
    """``inferred -> proved``: at most ``pool.workers`` proofs in flight.

    An Optimistic request is not proven: its output is the circuit's, computed with the witness
    in the same pool (milliseconds), so that every honest node posts the same bits. With
    ``lie_every`` (a test-only fault, :class:`~oracle_node.settings.FaultSettings`) the output
    of every request whose id is a multiple of it is changed before it is stored.

    A proof covers one request, or, for a batched circuit (``manifest.batch_size`` N > 1), a
    batch of up to the model's ``batch_limit`` requests (the prover pads it to N with the
    filler sample).
    A batch is proven once it is full or once its oldest request has waited ``batch_wait_s``.
    Batches live in memory until their proof is stored: after a crash their requests are
    simply ``inferred`` again and form new batches.
    """

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
        # request ids one proof covers (slot order) -> its proof
        self.in_flight: dict[tuple[int, ...], Future[ProofOutcome]] = {}
        self.crashes: dict[int, int] = {}
        self.wall: Clock = time.time  # batch waits: since the node learned of each request
        self.witnessing: dict[int, Future[WitnessOutcome]] = {}
        self.lie_every = 0

    def step(self) -> bool:
        self._collect()
        self._collect_witnesses()
        free = self.pool.workers - len(self.in_flight)
        busy = {rid for key in self.in_flight for rid in key} | set(self.witnessing)
        ready = []
        for job in self.store.in_state(JobState.INFERRED):
            if job.request_id in busy or self.expire_if_late(job, JobState.INFERRED):
                continue
            ready.append(job)
        witnessed = self._witness([job for job in ready if job.optimistic])
        ready = [job for job in ready if not job.optimistic]
        if free <= 0:
            return witnessed
        started = 0
        for unit in self._units(ready):
            if started >= free:
                break
            self._start(unit)
            started += 1
        return started > 0 or witnessed

    def _witness(self, jobs: list[Job]) -> bool:
        """Start computing the outputs of Optimistic requests (a few at a time: each takes
        milliseconds in the pool, behind any proof already queued there)."""
        started = False
        for job in jobs:
            if len(self.witnessing) >= self.pool.workers:
                break
            try:
                model = self.models.get(job.model_id)
            except OracleError as exc:
                self.store.fail(job.request_id, str(exc))
                continue
            self.witnessing[job.request_id] = self.pool.witness(
                model.dir, model.srs_path, list(job.input)
            )
            started = True
        return started

    def _collect_witnesses(self) -> None:
        for request_id, future in list(self.witnessing.items()):
            if not future.done():
                continue
            del self.witnessing[request_id]
            try:
                outcome = future.result()
            except (BrokenProcessPool, ProverLostError):
                self._pool_crashed((request_id,))
                continue
            except Exception as exc:  # EZKL refused the input: the job fails, the stage goes on
                self.crashes.pop(request_id, None)
                self.store.fail(request_id, f"computing the circuit's output failed: {exc}")
                continue
            self.crashes.pop(request_id, None)
            output = list(outcome.outputs)
            if self.lie_every and request_id % self.lie_every == 0:
                output = [output[0] + 1, *output[1:]]
                log.warning("TEST FAULT: request %d: posting a wrong output %s", request_id, output)
            self.metrics.observe("witness", outcome.witness_s)
            self.store.transition(
                request_id, [JobState.INFERRED], JobState.PROVED, output=output,
                timings={"witness_s": outcome.witness_s, "proved_at": time.time()},
            )  # fmt: skip
            self.wake.set()

    def _units(self, ready: list[Job]) -> list[tuple[LoadedModel, list[Job]]]:
        """What to prove now, oldest first: single requests, and the batches that are full or
        have waited long enough."""
        by_model: dict[int, list[Job]] = {}
        for job in ready:
            by_model.setdefault(job.model_id, []).append(job)
        units: list[tuple[LoadedModel, list[Job]]] = []
        for model_id, jobs in by_model.items():
            try:
                model = self.models.get(model_id)
            except OracleError as exc:
                for job in jobs:
                    self.store.fail(job.request_id, str(exc))
                continue
            if model.batch_size == 1:
                units.extend((model, [job]) for job in jobs)
                continue
            limit = model.batch_limit
            for i in range(0, len(jobs), limit):
                batch = sorted(jobs[i : i + limit], key=lambda j: j.request_id)
                waited = self.wall() - min(j.created_at for j in batch)
                if len(batch) == limit or waited >= model.batch_wait_s:
                    units.append((model, batch))
        units.sort(key=lambda unit: min(j.created_at for j in unit[1]))
        return units

    def _start(self, unit: tuple[LoadedModel, list[Job]]) -> None:
        model, jobs = unit
        ids = [job.request_id for job in jobs]
        inputs = [x for job in jobs for x in job.input]  # the worker pads a partial batch
        self.store.transition_many(
            ids, [JobState.INFERRED], JobState.INFERRED, timings={"prove_started": time.time()}
        )
        self.in_flight[tuple(ids)] = self.pool.submit(model.dir, model.srs_path, inputs)

    def _collect(self) -> None:
        for key, future in list(self.in_flight.items()):
            if not future.done():
                continue
            del self.in_flight[key]
            try:
                outcome = future.result()
            except (BrokenProcessPool, ProverLostError):
                self._pool_crashed(key)
                continue
            except Exception as exc:  # EZKL or the worker: the jobs fail, the stage goes on
                for request_id in key:
                    self.crashes.pop(request_id, None)
                    self.store.fail(request_id, f"proving failed: {exc}")
                continue
            for request_id in key:
                self.crashes.pop(request_id, None)
            self._proved(list(key), outcome)

    def _pool_crashed(self, key: tuple[int, ...]) -> None:
        self.pool.reset()
        for request_id in key:
            self.crashes[request_id] = self.crashes.get(request_id, 0) + 1
            if self.crashes[request_id] >= MAX_POOL_CRASHES:
                del self.crashes[request_id]
                self.store.fail(request_id, "the proving process died repeatedly on this request")

    def _proved(self, ids: list[int], outcome: ProofOutcome) -> None:
        jobs = self.store.get_many(ids)
        batched = self._batch_size(jobs[0].model_id) > 1
        in_len = len(jobs[0].input)
        out_len = len(outcome.outputs) // len(jobs)  # the real samples' outputs only
        outputs: dict[int, list[int]] = {}
        for slot, job in enumerate(jobs):
            expected = [int_to_felt(x) for x in job.input]
            if outcome.instances[slot * in_len : (slot + 1) * in_len] != expected:
                for request_id in ids:
                    self.store.fail(request_id, "proof instances do not match the request input")
                return
            outputs[job.request_id] = outcome.outputs[slot * out_len : (slot + 1) * out_len]
        self.metrics.observe("witness", outcome.witness_s)
        self.metrics.observe("prove", outcome.prove_s)
        self.metrics.proof_done("chain")
        timings = {
            "witness_s": outcome.witness_s, "prove_s": outcome.prove_s, "proved_at": time.time(),
        }  # fmt: skip
        if batched:
            self.store.prove_batch(ids, outcome.proof, outcome.instances, outputs, timings)
        else:
            self.store.transition(
                ids[0], [JobState.INFERRED], JobState.PROVED,
                proof=outcome.proof, instances=outcome.instances, output=outcome.outputs,
                timings=timings,
            )  # fmt: skip
        self.wake.set()

    def _batch_size(self, model_id: int) -> int:
        try:
            return self.models.get(model_id).batch_size
        except OracleError:
            return 1


class SubmitStage(Stage):
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

    def setup(self) -> None:
        """Fill nonce gaps left below stored transactions (e.g. one dropped from the mempool
        while the node was down), or they would never be mined."""
        try:
            self.submitter.recover_nonces()
        except Exception as exc:  # the RPC may be down at start: a stuck send retries it
            log.warning("nonce gap check at start failed: %s", exc)

    def step(self) -> bool:
        busy = False
        # one receipt per transaction: a batch's members were sent together
        units: dict[str, list[Job]] = {}
        for job in self.store.in_state(JobState.SUBMITTED):
            units.setdefault(job.tx_hash or str(job.request_id), []).append(job)
        self.forget_polls({unit[0].request_id for unit in units.values()})
        for unit in units.values():
            if not self.receipt_due(unit[0].request_id):
                continue
            if self._confirm(unit):
                busy = True
                self.receipt_polls.pop(unit[0].request_id, None)
                for job in unit:
                    self._record(job.request_id)
        now = self.clock()
        sent: set[tuple[int, ...]] = set()
        for job in self.store.in_state(JobState.PROVED):
            if job.not_before > now:
                continue
            if self.expire_if_late(job, JobState.PROVED):
                continue
            busy = True
            if job.batch is None:
                self.submitter.submit(job)
            elif tuple(job.batch) not in sent:
                sent.add(tuple(job.batch))
                self.submitter.submit_batch(job.batch)
        return busy

    def _confirm(self, unit: list[Job]) -> bool:
        if len(unit) == 1 and unit[0].batch is None:
            return self.submitter.confirm(unit[0])
        return self.submitter.confirm_unit(unit)

    def _record(self, request_id: int) -> None:
        job = self.store.get(request_id)
        if job.state is not JobState.FULFILLED:
            return
        if "submit_s" in job.timings:
            self.metrics.observe("submit", job.timings["submit_s"])
        self.metrics.observe("end_to_end", job.updated_at - job.created_at)
