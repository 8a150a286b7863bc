"""Batched proving in the pipeline: which requests form a batch, when it is proven, and how its
one proof is shared out, over a real job store and the real served model (its manifest read as
a batched circuit of N = 4). A prover pool that answers at once stands in for EZKL: what it is
asked to prove is the point."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import pytest

from oracle_node.encoding import int_to_felt
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import LoadedModel, ModelSet
from oracle_node.node.provers import ProofOutcome
from oracle_node.node.stages import ProvingStage
from oracle_node.store import JobState, JobStore
from tests.node.test_stages import NOW, add, features, models, store  # noqa: F401

N = 4


class EchoPool:
    """Proves anything at once, as a batched circuit's worker answers: instances are the
    samples it was given padded with zero samples to N, then one output per slot (the slot's
    first input value plus one); outputs are the real samples' only."""

    workers = 1

    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def submit(self, _dir: Any, _srs: Any, inputs: list[int]) -> Future[ProofOutcome]:
        self.calls.append(list(inputs))
        in_len = len(features())
        count = len(inputs) // in_len
        padded = list(inputs) + [0] * in_len * (N - count)
        outputs = [padded[slot * in_len] + 1 for slot in range(N)]
        future: Future[ProofOutcome] = Future()
        instances = [int_to_felt(x) for x in padded] + [int_to_felt(y) for y in outputs]
        future.set_result(ProofOutcome(b"batch-proof", instances, outputs[:count], 0.1, 0.2))
        return future

    def reset(self) -> None:
        pass


@pytest.fixture
def batched(models: ModelSet) -> ModelSet:  # noqa: F811
    plain = models.get(1)
    manifest = plain.manifest.model_copy(update={"batch_size": N})
    m = ModelSet()
    m.models[1] = LoadedModel(
        1, plain.dir, plain.srs_path, manifest, plain.runtime, max_batch=3, batch_wait_s=5.0
    )
    return m


def inferred(store: JobStore, request_id: int, value: int) -> None:  # noqa: F811
    sample = features()
    sample[0] = value
    add(store, request_id, input=sample)
    store.transition(request_id, [JobState.NEW], JobState.INFERRED, float_output=[0.5])


def stage_at(store: JobStore, models: ModelSet, pool: EchoPool, wall: float) -> ProvingStage:  # noqa: F811
    stage = ProvingStage(store, NodeMetrics(store), threading.Event(), models, pool)
    stage.clock = lambda: NOW
    stage.wall = lambda: wall
    return stage


def test_a_full_batch_is_proven_at_once_and_shared_out_by_slot(store, batched):  # noqa: F811
    for rid, value in ((7, 70), (5, 50), (6, 60), (8, 80)):
        inferred(store, rid, value)
    created = min(store.get(r).created_at for r in (5, 6, 7, 8))
    pool = EchoPool()
    stage = stage_at(store, batched, pool, wall=created)  # no time has passed
    assert stage.step() is True
    # max_batch 3: the first three requests known, in ascending id order (the worker pads)
    assert len(pool.calls) == 1
    sample_len = len(features())
    call = pool.calls[0]
    assert len(call) == 3 * sample_len
    assert [call[i * sample_len] for i in range(3)] == [50, 60, 70]
    stage.step()  # collect
    members = [store.get(r) for r in (5, 6, 7)]
    assert all(j.state is JobState.PROVED for j in members)
    assert all(j.batch == [5, 6, 7] for j in members)
    # slot order is id order: 5 -> slot 0 (input 50)
    assert [j.output for j in members] == [[51], [61], [71]]
    assert {j.proof for j in members} == {b"batch-proof"}
    assert store.get(8).state is JobState.INFERRED  # a partial batch waits


def test_a_partial_batch_waits_for_batch_wait_s_then_is_padded(store, batched):  # noqa: F811
    inferred(store, 1, 10)
    created = store.get(1).created_at
    pool = EchoPool()
    assert stage_at(store, batched, pool, wall=created + 4.9).step() is False
    assert pool.calls == []
    stage = stage_at(store, batched, pool, wall=created + 5.0)
    assert stage.step() is True
    stage.step()
    job = store.get(1)
    assert job.state is JobState.PROVED and job.batch == [1] and job.output == [11]


def test_a_batch_whose_proof_names_other_inputs_fails_every_member(store, batched):  # noqa: F811
    inferred(store, 1, 10)
    inferred(store, 2, 20)

    class LyingPool(EchoPool):
        def submit(self, d: Any, s: Any, inputs: list[int]) -> Future[ProofOutcome]:
            inputs = list(inputs)
            inputs[len(features())] += 1  # slot 1's input differs from request 2's
            return super().submit(d, s, inputs)

    stage = stage_at(store, batched, LyingPool(), wall=store.get(1).created_at + 60)
    stage.step()
    stage.step()
    for rid in (1, 2):
        job = store.get(rid)
        assert job.state is JobState.FAILED and "do not match" in (job.reason or "")


def test_prove_batch_moves_only_members_still_inferred_in_one_transaction(store):  # noqa: F811
    inferred(store, 1, 10)
    inferred(store, 2, 20)
    store.transition(2, [JobState.INFERRED], JobState.TAKEN, taken_by="0x" + "11" * 20)
    moved = store.prove_batch([1, 2], b"p", [1, 2, 3], {1: [5], 2: [6]}, {"prove_s": 1.0})
    assert moved == [1]
    assert store.get(1).batch == [1, 2] and store.get(1).output == [5]
    assert store.get(2).state is JobState.TAKEN and store.get(2).batch is None
