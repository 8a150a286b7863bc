"""The job store: idempotent transitions, restart from disk, counts, cursor, re-org revival."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from oracle_node.exceptions import StoreError
from oracle_node.store import _SCHEMA, JobState, JobStore
from oracle_node.watchlog import REORG_MOOT, WATCH_OPEN_STATES, NewPosting, WatchState
from tests.support.jobs import new_job


@pytest.fixture
def store(tmp_path):
    s = JobStore(tmp_path / "jobs.sqlite3")
    yield s
    s.close()


def test_a_request_is_recorded_once(store):
    assert store.add(new_job())
    assert not store.add(new_job())
    job = store.get(1)
    assert job.state is JobState.NEW
    assert job.input == [1, -2, 2**70]
    assert job.commitment["inputHash"] == "0x" + "ab" * 32


def test_transitions_apply_once_and_only_from_allowed_states(store):
    store.add(new_job())
    assert store.transition(1, [JobState.NEW], JobState.INFERRED, float_output=[0.5])
    assert not store.transition(1, [JobState.NEW], JobState.INFERRED, float_output=[9.0])
    assert store.get(1).float_output == [0.5]
    assert store.transition(
        1, [JobState.INFERRED], JobState.PROVED, proof=b"\x01\x02", instances=[2**254, 3]
    )
    job = store.get(1)
    assert job.proof == b"\x01\x02" and job.instances == [2**254, 3]


def test_timings_merge_across_steps(store):
    store.add(new_job())
    store.transition(1, [JobState.NEW], JobState.INFERRED, timings={"infer_s": 0.1})
    store.transition(1, [JobState.INFERRED], JobState.PROVED, timings={"prove_s": 3.0})
    assert store.get(1).timings == {"infer_s": 0.1, "prove_s": 3.0}


def test_final_states_are_final(store):
    store.add(new_job())
    assert store.fail(1, "bad input")
    assert not store.fail(1, "again")
    assert not store.transition(1, [JobState.NEW], JobState.INFERRED)
    job = store.get(1)
    assert (job.state, job.reason) == (JobState.FAILED, "bad input")


def test_state_survives_reopening_the_file(tmp_path):
    path = tmp_path / "jobs.sqlite3"
    first = JobStore(path)
    first.add(new_job())
    first.transition(1, [JobState.NEW], JobState.INFERRED)
    first.set_cursor(42, "0xabc")
    first.close()
    second = JobStore(path)
    assert second.get(1).state is JobState.INFERRED
    assert second.cursor() == (42, "0xabc")
    second.close()


def test_counts_list_and_missing_job(store):
    for i in range(1, 4):
        store.add(new_job(i, block=i))
    store.fail(2, "x")
    counts = store.counts()
    assert counts["new"] == 2 and counts["failed"] == 1 and counts["fulfilled"] == 0
    assert [j.request_id for j in store.list_jobs()] == [3, 2, 1]
    assert [j.request_id for j in store.list_jobs(JobState.FAILED)] == [2]
    assert [j.request_id for j in store.in_state(JobState.NEW)] == [1, 3]
    with pytest.raises(StoreError, match="no job for request 9"):
        store.get(9)


def test_a_job_failed_by_a_reorg_is_revived_when_seen_again(store):
    store.add(new_job())
    store.fail(1, "reorg")
    assert not store.add(new_job(block=11))
    assert store.revive(new_job(block=11, block_hash="0x" + "ee" * 32), "reorg")
    job = store.get(1)
    assert job.state is JobState.NEW and job.block_number == 11 and job.reason is None
    store.fail(1, "other")
    assert not store.revive(new_job(block=12), "reorg")


def test_concurrent_transitions_let_exactly_one_win(store):
    store.add(new_job())
    wins = []

    def attempt() -> None:
        if store.transition(1, [JobState.NEW], JobState.INFERRED):
            wins.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins == [1]


def test_public_view_hides_the_raw_transaction(store):
    store.add(new_job())
    store.transition(1, [JobState.NEW], JobState.PROVED, raw_tx=b"secret", proof=b"\xff")
    view = store.get(1).public()
    assert "raw_tx" not in view
    assert view["proof"] == "0xff" and view["input"][2] == str(2**70)


def test_a_store_made_before_the_gas_columns_gains_them_on_open(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    old_schema = _SCHEMA.replace("    gas_used      INTEGER NOT NULL DEFAULT 0,\n", "").replace(
        "    gas_wei       TEXT NOT NULL DEFAULT '0',\n", ""
    )
    assert "gas_wei" not in old_schema
    db.executescript(old_schema)
    db.close()
    store = JobStore(path)
    store.add(new_job(7))
    store.transition(7, [JobState.NEW], JobState.FULFILLED, gas_used=21_000, gas_wei=2**70)
    job = store.get(7)
    assert (job.gas_used, job.gas_wei) == (21_000, 2**70)  # wei kept exact, beyond 64 bits
    assert [j.request_id for j in store.settled_since()] == [7]
    store.close()


def test_a_store_made_before_replacements_gains_the_sent_hashes_column_on_open(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    old_schema = _SCHEMA.replace("    sent_hashes   TEXT,\n", "")
    assert "sent_hashes" not in old_schema
    db.executescript(old_schema)
    db.close()
    store = JobStore(path)
    store.add(new_job(8))
    store.transition(8, [JobState.NEW], JobState.SUBMITTED, tx_hash="0xbb", nonce=3)
    assert store.get(8).hashes == ["0xbb"]  # a job sent before: its one hash
    store.update(8, JobState.SUBMITTED, tx_hash="0xcc", sent_hashes=["0xbb", "0xcc"])
    job = store.get(8)
    assert job.sent_hashes == ["0xbb", "0xcc"] and job.hashes == ["0xbb", "0xcc"]
    store.close()


def _posted(request_id: int, final_at: int, block: int = 50) -> NewPosting:
    posting = {"requester": "0x" + "22" * 20, "poster": "0x" + "55" * 20, "fee": 7,
               "callbackGasLimit": 1, "finalAt": final_at, "outputHash": "0x" + "33" * 32,
               "commitmentHash": "0x" + "44" * 32}  # fmt: skip
    return NewPosting(request_id, 1, [1, -2], {"modelId": 1}, "0x" + "55" * 20, posting, [6],
                      block, "0x" + "66" * 32)  # fmt: skip


def test_a_watched_posting_is_recorded_once_and_revived_only_after_a_reorg(store):
    assert store.watch(_posted(1, 100)) is True
    assert store.watch(_posted(1, 100)) is False  # a rescan of the same log
    row = store.get_watched(1)
    assert (row.state, row.input, row.posted_output, row.final_at) == (WatchState.SEEN, [1, -2],
                                                                      [6], 100)  # fmt: skip
    store.watch_step(1, [WatchState.SEEN], WatchState.WRONG, output=[5])
    assert store.watch_step(1, [WatchState.SEEN], WatchState.AGREED) is False  # not from wrong
    assert store.watch(_posted(1, 120)) is False  # a live row is not replaced
    store.watch_step(1, WATCH_OPEN_STATES, WatchState.MOOT, reason=REORG_MOOT)
    assert store.watch(_posted(1, 130, block=52)) is True  # the posting, mined again
    again = store.get_watched(1)
    assert (again.state, again.final_at, again.block_number) == (WatchState.SEEN, 130, 52)
    assert again.output == [5]  # what the circuit gives does not change
    assert store.watch_counts()["seen"] == 1


def test_our_postings_are_counted_and_found_by_block_for_reorgs(store):
    store.add(new_job(1, block=10))
    store.add(new_job(2, block=11))
    store.transition(1, [JobState.NEW], JobState.POSTED, posting={"finalAt": 9}, posting_block=20)
    store.transition(2, [JobState.NEW], JobState.LOST, posting={"finalAt": 9}, posting_block=21)
    assert store.optimistic_counts() == {"posted": 2, "finalised": 0, "lost": 1}
    assert [j.request_id for j in store.posted_from_block(20)] == [1]
    assert store.posted_from_block(21) == []
    assert store.get(1).final_at == 9 and store.get(1).public()["final_at"] == 9
