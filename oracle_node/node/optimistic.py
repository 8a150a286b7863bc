"""Optimistic settlement, as two more stages of the node.

* :class:`FinaliseStage`: ``posted -> fulfilled``. Our postings whose window is over are
  finalised several per ``finalize`` transaction: a batch goes once it holds
  ``finalize_batch`` postings or once its oldest has been final for ``finalize_wait_s``
  (chain time).
* :class:`WatchStage`: the watcher. For every posting of another node of a model this node
  serves (recorded by the listener), it computes the circuit's output with the witness in the
  prover pool, and when the posted output differs, proves the request's input in the same pool
  and sends ``challenge`` (:class:`~oracle_node.chain.challenger.Challenger`). Its work is in
  the job store (:mod:`oracle_node.watchlog`); proofs in flight live in memory only, so after
  a crash a ``wrong`` posting is simply proven again.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from oracle_node.chain.challenger import Challenger
from oracle_node.chain.postings import Finalizer
from oracle_node.encoding import int_to_felt
from oracle_node.exceptions import OracleError, ProverLostError
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet
from oracle_node.node.provers import ProverBackend
from oracle_node.node.stages import MAX_POOL_CRASHES, Stage
from oracle_node.store import JobState, JobStore
from oracle_node.watchlog import WATCH_OPEN_STATES, Watched, WatchState

FINALIZE_IDLE = 0.5


class FinaliseStage(Stage):
    """``posted -> fulfilled``: our postings past their window, in batches."""

    name = "finaliser"

    def __init__(
        self,
        store: JobStore,
        metrics: NodeMetrics,
        wake: threading.Event,
        finalizer: Finalizer,
        *,
        batch: int = 20,
        wait_s: float = 10.0,
    ) -> None:
        super().__init__(store, metrics, wake)
        self.finalizer = finalizer
        self.batch = batch
        self.wait_s = wait_s

    def idle(self) -> None:
        self.sleep(FINALIZE_IDLE)

    def step(self) -> bool:
        now = self.clock()
        due = [j for j in self.store.in_state(JobState.POSTED) if (j.final_at or 0) <= now]
        if not due:
            return False
        due.sort(key=lambda j: (j.final_at or 0, j.request_id))
        oldest = due[0].final_at or 0
        if len(due) < self.batch and now - oldest < self.wait_s:
            return False
        for i in range(0, len(due), self.batch):
            self.finalizer.finalize(due[i : i + self.batch])
        return False


class WatchStage(Stage):
    """``seen -> agreed | wrong -> proved -> sent -> challenged``: the watcher."""

    name = "watcher"

    def __init__(
        self,
        store: JobStore,
        metrics: NodeMetrics,
        wake: threading.Event,
        models: ModelSet,
        pool: ProverBackend,
        challenger: Challenger,
    ) -> None:
        super().__init__(store, metrics, wake)
        self.models = models
        self.pool = pool
        self.challenger = challenger
        self.witnessing: dict[int, Future[Any]] = {}
        self.proving: dict[int, Future[Any]] = {}
        self.crashes: dict[int, int] = {}

    def step(self) -> bool:
        self._collect()
        busy = self._check(self.store.watched_in(WatchState.SEEN))
        busy = self._prove(self.store.watched_in(WatchState.WRONG)) or busy
        for row in self.store.watched_in(WatchState.PROVED):
            self.challenger.send(row)
            busy = True
        sent = self.store.watched_in(WatchState.SENT)
        self.forget_polls({row.request_id for row in sent})
        for row in sent:
            if self.receipt_due(row.request_id) and self.challenger.confirm(row):
                self.receipt_polls.pop(row.request_id, None)
                busy = True
        return busy

    def _check(self, rows: list[Watched]) -> bool:
        """Start computing the outputs of newly seen postings."""
        started = False
        for row in rows:
            if row.request_id in self.witnessing:
                continue
            if self.clock() >= row.final_at:
                self.store.watch_step(row.request_id, [WatchState.SEEN], WatchState.MOOT,
                                      reason="the challenge window closed first")  # fmt: skip
                continue
            if len(self.witnessing) >= self.pool.workers:
                break
            future = self._submit(row, self.pool.witness)
            if future is not None:
                self.witnessing[row.request_id] = future
                started = True
        return started

    def _prove(self, rows: list[Watched]) -> bool:
        """Prove the inputs of wrong postings that are still open to a challenge."""
        started = False
        for row in rows:
            if row.request_id in self.proving or len(self.proving) >= self.pool.workers:
                continue
            if not self.challenger.still_open(row):
                continue
            future = self._submit(row, self.pool.submit)
            if future is not None:
                self.store.watch_step(row.request_id, [WatchState.WRONG], WatchState.WRONG,
                                      timings={"prove_started": time.time()})  # fmt: skip
                self.proving[row.request_id] = future
                started = True
        return started

    def _submit(self, row: Watched, how: Any) -> Future[Any] | None:
        try:
            model = self.models.get(row.model_id)
        except OracleError as exc:
            self.store.watch_step(row.request_id, WATCH_OPEN_STATES, WatchState.FAILED,
                                  reason=str(exc))  # fmt: skip
            return None
        future: Future[Any] = how(model.dir, model.srs_path, list(row.input))
        return future

    def _collect(self) -> None:
        for rid, future in list(self.witnessing.items()):
            if future.done():
                del self.witnessing[rid]
                if (outcome := self._outcome(rid, future)) is not None:
                    self._checked(rid, list(outcome.outputs), outcome.witness_s)
        for rid, future in list(self.proving.items()):
            if future.done():
                del self.proving[rid]
                if (outcome := self._outcome(rid, future)) is not None:
                    self._proved(rid, outcome)

    def _outcome(self, rid: int, future: Future[Any]) -> Any:
        """A finished future's result; None when it failed (the row is failed, or left for
        another try after the pool died)."""
        try:
            result = future.result()
        except (BrokenProcessPool, ProverLostError):
            self.pool.reset()
            self.crashes[rid] = self.crashes.get(rid, 0) + 1
            if self.crashes[rid] >= MAX_POOL_CRASHES:
                del self.crashes[rid]
                self.store.watch_step(rid, WATCH_OPEN_STATES, WatchState.FAILED,
                                      reason="the proving process died repeatedly")  # fmt: skip
            return None
        except Exception as exc:  # EZKL refused the input: this row fails, the stage goes on
            self.crashes.pop(rid, None)
            self.store.watch_step(rid, WATCH_OPEN_STATES, WatchState.FAILED,
                                  reason=f"the circuit could not run the input: {exc}")  # fmt: skip
            return None
        self.crashes.pop(rid, None)
        return result

    def _checked(self, rid: int, output: list[int], witness_s: float) -> None:
        row = self.store.watched(rid)
        if row is None or row.state is not WatchState.SEEN:
            return
        self.metrics.observe("witness", witness_s)
        timings = {"witness_s": witness_s}
        if output == row.posted_output:
            self.store.watch_step(rid, [WatchState.SEEN], WatchState.AGREED, output=output,
                                  timings=timings)  # fmt: skip
            return
        self.log.warning("request %d: %s posted %s, the circuit gives %s: proving it",
                         rid, row.poster, row.posted_output, output)  # fmt: skip
        self.store.watch_step(rid, [WatchState.SEEN], WatchState.WRONG, output=output,
                              timings=timings)  # fmt: skip
        self.wake.set()

    def _proved(self, rid: int, outcome: Any) -> None:
        row = self.store.watched(rid)
        if row is None or row.state is not WatchState.WRONG:
            return
        in_len = len(row.input)
        if outcome.instances[:in_len] != [int_to_felt(x) for x in row.input]:
            self.store.watch_step(rid, [WatchState.WRONG], WatchState.FAILED,
                                  reason="the proof's instances are not the request's input")  # fmt: skip
            return
        if list(outcome.outputs) == row.posted_output:
            self.store.watch_step(rid, [WatchState.WRONG], WatchState.FAILED,
                                  reason="the proof shows the posted output")  # fmt: skip
            return
        self.metrics.observe("prove", outcome.prove_s)
        self.metrics.proof_done("challenge")
        self.store.watch_step(
            rid, [WatchState.WRONG], WatchState.PROVED, proof=outcome.proof,
            instances=outcome.instances, output=list(outcome.outputs),
            timings={"prove_s": outcome.prove_s},
        )  # fmt: skip
        self.wake.set()
