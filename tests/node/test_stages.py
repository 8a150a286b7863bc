"""The pipeline stages one step at a time, over a real job store and the real served model.

The clocks are the stages' seams (``clock`` for deadlines, ``monotonic`` for receipt polls);
a fake prover pool and a fake submitter stand in only where a fault or a count is the point.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from oracle_node.circuits.datasets import held_out
from oracle_node.encoding import float_to_int, int_to_felt
from oracle_node.exceptions import ModelNotServedError
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import NOT_YET_COMMITTED, ModelSet
from oracle_node.node.provers import ProofOutcome, WitnessOutcome
from oracle_node.node.stages import (
    MAX_POOL_CRASHES,
    RECEIPT_FIRST_POLL,
    RECEIPT_MAX_POLL,
    InferenceStage,
    ProvingStage,
    SubmitStage,
)
from oracle_node.settings import InferenceSettings, ServedModel
from oracle_node.store import JobState, JobStore
from tests.support.jobs import new_job

MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"
NOW = 1_700_000_000.0


@pytest.fixture
def store(tmp_path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "jobs.sqlite3")
    yield s
    s.close()


@pytest.fixture(scope="module")
def models() -> ModelSet:
    m = ModelSet()
    m.load(ServedModel(id=1, dir=MODEL_DIR), None, inference=InferenceSettings(device="cpu"))
    assert not m.refused
    return m


def test_a_committed_model_is_refused_with_its_reason():
    refused = ModelSet()
    committed = MODEL_DIR.parent / "breast_cancer_c1"
    refused.load(ServedModel(id=2, dir=committed), None, inference=InferenceSettings(device="cpu"))
    assert refused.refused == {2: NOT_YET_COMMITTED}
    with pytest.raises(ModelNotServedError, match="does not serve committed requests yet"):
        refused.get(2)


def features() -> list[int]:
    return [float_to_int(v, 13) for v in held_out("breast_cancer")[0][0]]


def add(store: JobStore, request_id: int, *, deadline: float = NOW + 600, **kw: Any) -> None:
    commitment = {"modelId": 1, "deadline": int(deadline), "inputHash": "0x" + "ab" * 32}
    store.add(new_job(request_id, input=kw.pop("input", features()), commitment=commitment, **kw))


def inference(store: JobStore, models: ModelSet) -> InferenceStage:
    stage = InferenceStage(store, NodeMetrics(store), threading.Event(), models)
    stage.clock = lambda: NOW
    stage.setup()
    return stage


def test_inference_step_runs_the_model_and_moves_the_job_on(store, models):
    add(store, 1)
    stage = inference(store, models)
    try:
        assert stage.step() is True
        assert stage.step() is False  # nothing left
    finally:
        stage.cleanup()
    job = store.get(1)
    assert job.state is JobState.INFERRED
    assert job.float_output is not None and len(job.float_output) == 1
    assert job.timings["infer_s"] >= 0


def test_inference_fails_a_wrong_length_and_expires_a_late_job(store, models):
    add(store, 1, input=[1, 2, 3])
    add(store, 2, deadline=NOW - 1)
    stage = inference(store, models)
    try:
        stage.step()
    finally:
        stage.cleanup()
    assert store.get(1).state is JobState.FAILED and "does not match" in (store.get(1).reason or "")
    assert store.get(2).state is JobState.EXPIRED


def test_inference_waits_for_not_before(store, models):
    add(store, 1, not_before=int(NOW) + 60)
    stage = inference(store, models)
    try:
        assert stage.step() is False
        assert store.get(1).state is JobState.NEW
        stage.clock = lambda: NOW + 61
        assert stage.step() is True
    finally:
        stage.cleanup()
    assert store.get(1).state is JobState.INFERRED


class CrashingPool:
    """A prover pool whose worker dies on every proof (the fault under test)."""

    workers = 1

    def __init__(self) -> None:
        self.resets = 0

    def submit(self, *_: Any) -> Future[ProofOutcome]:
        future: Future[ProofOutcome] = Future()
        future.set_exception(BrokenProcessPool("worker killed"))
        return future

    def reset(self) -> None:
        self.resets += 1


class AnsweringPool(CrashingPool):
    """A prover pool that returns a given outcome at once."""

    def __init__(self, outcome: ProofOutcome) -> None:
        super().__init__()
        self.outcome = outcome

    def submit(self, *_: Any) -> Future[ProofOutcome]:
        future: Future[ProofOutcome] = Future()
        future.set_result(self.outcome)
        return future


def proving(store: JobStore, models: ModelSet, pool: Any) -> ProvingStage:
    stage = ProvingStage(store, NodeMetrics(store), threading.Event(), models, pool)
    stage.clock = lambda: NOW
    return stage


def inferred(store: JobStore, request_id: int) -> None:
    add(store, request_id)
    store.transition(request_id, [JobState.NEW], JobState.INFERRED, float_output=[0.5])


def test_a_request_that_kills_the_prover_repeatedly_fails_and_is_forgotten(store, models):
    inferred(store, 1)
    pool = CrashingPool()
    stage = proving(store, models, pool)
    for _ in range(MAX_POOL_CRASHES + 1):
        stage.step()
    assert store.get(1).state is JobState.FAILED
    assert "died repeatedly" in (store.get(1).reason or "")
    assert pool.resets == MAX_POOL_CRASHES
    assert stage.crashes == {} and stage.in_flight == {}


def test_a_proof_for_another_input_is_refused(store, models):
    inferred(store, 1)
    wrong = [int_to_felt(x + 1) for x in features()] + [int_to_felt(7)]
    pool = AnsweringPool(ProofOutcome(b"p", wrong, [7], 0.1, 0.2))
    stage = proving(store, models, pool)
    stage.step()
    stage.step()
    assert store.get(1).state is JobState.FAILED
    assert "do not match the request input" in (store.get(1).reason or "")


def test_a_matching_proof_moves_the_job_to_proved(store, models):
    inferred(store, 1)
    instances = [int_to_felt(x) for x in features()] + [int_to_felt(-3)]
    stage = proving(store, models, AnsweringPool(ProofOutcome(b"p", instances, [-3], 0.1, 0.2)))
    stage.step()
    stage.step()
    job = store.get(1)
    assert job.state is JobState.PROVED and job.output == [-3] and job.instances == instances


class CountingSubmitter:
    """Records receipt checks; a receipt 'arrives' after ``mined_after`` checks."""

    def __init__(self, mined_after: int) -> None:
        self.checks = 0
        self.mined_after = mined_after

    def confirm(self, job: Any) -> bool:
        self.checks += 1
        return self.checks >= self.mined_after

    def submit(self, job: Any) -> None:
        raise AssertionError("nothing is proved in this test")


def test_receipt_polls_back_off_exponentially(store):
    add(store, 1)
    store.transition(1, [JobState.NEW], JobState.SUBMITTED, tx_hash="0x" + "aa" * 32)
    submitter = CountingSubmitter(mined_after=10**9)
    stage = SubmitStage(store, NodeMetrics(store), threading.Event(), submitter)  # type: ignore[arg-type]
    t = [0.0]
    stage.monotonic = lambda: t[0]
    stage.clock = lambda: NOW
    for _ in range(600):  # 60 s of 0.1 s steps
        stage.step()
        t[0] += 0.1
    # 0.1, 0.2, 0.4 ... doubling up to RECEIPT_MAX_POLL: far fewer than one poll per step
    assert 10 <= submitter.checks <= 60 / RECEIPT_MAX_POLL + 8
    assert stage.receipt_polls[1][1] == RECEIPT_MAX_POLL


def test_receipt_poll_state_is_dropped_once_the_job_settles(store):
    add(store, 1)
    store.transition(1, [JobState.NEW], JobState.SUBMITTED, tx_hash="0x" + "aa" * 32)
    submitter = CountingSubmitter(mined_after=2)
    stage = SubmitStage(store, NodeMetrics(store), threading.Event(), submitter)  # type: ignore[arg-type]
    t = [0.0]
    stage.monotonic = lambda: t[0]
    stage.clock = lambda: NOW
    stage.step()
    t[0] += RECEIPT_FIRST_POLL
    stage.step()
    t[0] += 2 * RECEIPT_FIRST_POLL
    stage.step()
    assert submitter.checks == 2 and stage.receipt_polls == {}


class WitnessPool(CrashingPool):
    """A prover pool that computes witnesses only: an Optimistic request needs no proof."""

    def __init__(self, output: list[int]) -> None:
        super().__init__()
        self.output = output
        self.witnesses = 0

    def submit(self, *_: Any) -> Future[ProofOutcome]:
        raise AssertionError("an Optimistic request is not proven")

    def witness(self, *_: Any) -> Future[WitnessOutcome]:
        self.witnesses += 1
        future: Future[WitnessOutcome] = Future()
        future.set_result(WitnessOutcome(list(self.output), 0.004))
        return future


def optimistic(store: JobStore, request_id: int) -> None:
    commitment = {"modelId": 1, "deadline": int(NOW + 600), "inputHash": "0x" + "ab" * 32,
                  "challengeWindow": 300}  # fmt: skip
    store.add(new_job(request_id, input=features(), commitment=commitment))
    store.transition(request_id, [JobState.NEW], JobState.INFERRED, float_output=[0.5])


def test_an_optimistic_request_stores_the_witness_output_and_no_proof(store, models):
    optimistic(store, 1)
    pool = WitnessPool([42])
    stage = proving(store, models, pool)
    stage.step()
    stage.step()
    job = store.get(1)
    assert job.state is JobState.PROVED and job.optimistic
    assert job.output == [42] and job.proof is None and job.instances is None
    assert pool.witnesses == 1 and "witness_s" in job.timings


def test_the_test_fault_posts_a_wrong_output_for_every_nth_request_only(store, models):
    for request_id in (3, 4):
        optimistic(store, request_id)
    stage = proving(store, models, WitnessPool([42, -1]))
    stage.lie_every = 2
    for _ in range(4):
        stage.step()
    assert store.get(3).output == [42, -1]
    assert store.get(4).output == [43, -1]  # 4 is a multiple of 2: its first value moved
