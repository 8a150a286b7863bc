"""The job ledger: one SQLite row per on-chain request, plus the listener's cursors.

States::

    new ──> inferred ──> proved ──> submitted ──> fulfilled
     │          │           │           │    └──> posted ──> fulfilled | lost
     └──────────┴───────────┴───────────┴──> failed(reason) | expired | taken(by other node)

An Optimistic request (``commitment.challengeWindow`` > 0) takes the lower branch: ``proved``
then holds the circuit's output computed with the witness and no proof, the transaction sent
is ``postOutput``, and ``posted`` lasts until the posting is finalised (``fulfilled``) or proven
wrong by someone else (``lost``: this node was slashed the model's bond).

Every transition is one ``UPDATE ... WHERE state IN (...)`` (:mod:`oracle_node.ledger`):
running a step twice changes nothing the second time, so a crash at any point resumes from the
last committed state. The signed fulfilment (or posting) transaction is stored *before* it is
broadcast, so a restart re-sends the same transaction (same nonce) instead of building a second
one. The same file holds the watcher's ledger of other nodes' postings
(:mod:`oracle_node.watchlog`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from oracle_node.exceptions import StoreError
from oracle_node.ledger import update_row
from oracle_node.watchlog import WATCH_SCHEMA, WatchLedger


class JobState(StrEnum):
    NEW = "new"
    INFERRED = "inferred"
    PROVED = "proved"
    SUBMITTED = "submitted"
    FULFILLED = "fulfilled"
    FAILED = "failed"
    EXPIRED = "expired"
    TAKEN = "taken"
    POSTED = "posted"
    LOST = "lost"


# Open: the request may still need this node. Unsent: open, and no fulfilment is on its way.
# A posted job is neither: its output is on chain, only its settlement is awaited.
OPEN_STATES = (JobState.NEW, JobState.INFERRED, JobState.PROVED, JobState.SUBMITTED)
UNSENT_STATES = (JobState.NEW, JobState.INFERRED, JobState.PROVED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    request_id    TEXT PRIMARY KEY,
    model_id      INTEGER NOT NULL,
    input         TEXT NOT NULL,
    commitment    TEXT NOT NULL,
    primary_node  TEXT NOT NULL,
    block_number  INTEGER NOT NULL,
    block_hash    TEXT NOT NULL,
    log_index     INTEGER NOT NULL,
    not_before    INTEGER NOT NULL DEFAULT 0,
    state         TEXT NOT NULL,
    reason        TEXT,
    taken_by      TEXT,
    float_output  TEXT,
    output        TEXT,
    instances     TEXT,
    proof         BLOB,
    tx_hash       TEXT,
    raw_tx        BLOB,
    nonce         INTEGER,
    attempts      INTEGER NOT NULL DEFAULT 0,
    timings       TEXT NOT NULL DEFAULT '{}',
    gas_used      INTEGER NOT NULL DEFAULT 0,
    gas_wei       TEXT NOT NULL DEFAULT '0',
    batch         TEXT,
    posting       TEXT,
    posting_block INTEGER,
    posting_block_hash TEXT,
    sent_hashes   TEXT,
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs(state);
CREATE TABLE IF NOT EXISTS cursor (
    name          TEXT PRIMARY KEY,
    block_number  INTEGER NOT NULL,
    block_hash    TEXT NOT NULL
);
"""

_JSON_FIELDS = (
    "input", "commitment", "float_output", "output", "instances", "timings", "batch", "posting",
    "sent_hashes",
)  # fmt: skip

# Columns added after the first release: stores made before them gain them on open.
_ADDED_COLUMNS = {
    "gas_used": "INTEGER NOT NULL DEFAULT 0",
    "gas_wei": "TEXT NOT NULL DEFAULT '0'",
    "batch": "TEXT",
    "posting": "TEXT",
    "posting_block": "INTEGER",
    "posting_block_hash": "TEXT",
    "sent_hashes": "TEXT",
}


@dataclass(frozen=True)
class NewJob:
    """What the listener learns from one ``InferenceRequested`` log."""

    request_id: int
    model_id: int
    input: list[int]
    commitment: dict[str, Any]
    primary_node: str
    block_number: int
    block_hash: str
    log_index: int
    not_before: int = 0


@dataclass(frozen=True)
class Job:
    """A row of the ledger."""

    request_id: int
    model_id: int
    input: list[int]
    commitment: dict[str, Any]
    primary_node: str
    block_number: int
    block_hash: str
    log_index: int
    not_before: int
    state: JobState
    reason: str | None
    taken_by: str | None
    float_output: list[float] | None
    output: list[int] | None
    instances: list[int] | None
    proof: bytes | None
    tx_hash: str | None
    raw_tx: bytes | None
    nonce: int | None
    attempts: int
    timings: dict[str, float]
    created_at: float
    updated_at: float
    gas_used: int = 0
    """Gas of every fulfilment transaction of this job that was mined (reverted ones too)."""
    gas_wei: int = 0
    """What that gas cost: ``gasUsed * effectiveGasPrice`` summed over those receipts."""
    batch: list[int] | None = None
    """The request ids one proof covers, in slot order, when this job was proven in a batch
    (its proof, instances and fulfilment transaction are the batch's, shared by every member)."""
    posting: dict[str, Any] | None = None
    """Our optimistic posting (``IInferenceCoordinator.Posting``'s fields) once it is mined."""
    posting_block: int | None = None
    posting_block_hash: str | None = None
    sent_hashes: list[str] | None = None
    """Every transaction signed for this job's nonce (the first, then each fee-bumped
    replacement): any one of them may be the one mined. ``tx_hash``/``raw_tx`` are the last."""

    @property
    def hashes(self) -> list[str]:
        """The hashes that may carry this job's fulfilment (or posting), oldest first."""
        if self.sent_hashes:
            return list(self.sent_hashes)
        return [] if self.tx_hash is None else [self.tx_hash]

    @property
    def optimistic(self) -> bool:
        """Whether the request is Optimistic: answered by posting the output, no proof."""
        return int(self.commitment.get("challengeWindow", 0) or 0) > 0

    @property
    def final_at(self) -> int | None:
        """When our posting can no longer be challenged (block time), once it is mined."""
        return None if self.posting is None else int(self.posting["finalAt"])

    @property
    def fee_wei(self) -> int:
        """The request's fee, credited to this node when the job is ``fulfilled``."""
        return int(self.commitment.get("fee", 0))

    def public(self) -> dict[str, Any]:
        """A JSON-friendly view for the API (big ints as strings, no raw transaction)."""
        return {
            "request_id": str(self.request_id),
            "model_id": self.model_id,
            "state": self.state.value,
            "reason": self.reason,
            "taken_by": self.taken_by,
            "primary_node": self.primary_node,
            "block_number": self.block_number,
            "input": [str(x) for x in self.input],
            "output": None if self.output is None else [str(x) for x in self.output],
            "float_output": self.float_output,
            "proof": None if self.proof is None else "0x" + self.proof.hex(),
            "tx_hash": self.tx_hash,
            "attempts": self.attempts,
            "timings": self.timings,
            "fee_wei": str(self.fee_wei),
            "gas_used": self.gas_used,
            "gas_wei": str(self.gas_wei),
            "batch": None if self.batch is None else [str(x) for x in self.batch],
            "optimistic": self.optimistic,
            "final_at": self.final_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def past_deadline(job: Job, now: float) -> bool:
    """Whether ``now`` (a block timestamp) is past the request's deadline."""
    return now > int(job.commitment.get("deadline", 0) or 0) > 0


def _job_from_row(row: sqlite3.Row) -> Job:
    data = dict(row)
    for name in _JSON_FIELDS:
        if data[name] is not None:
            data[name] = json.loads(data[name])
    data["request_id"] = int(data["request_id"])
    data["state"] = JobState(data["state"])
    data["gas_wei"] = int(data["gas_wei"])
    if data["instances"] is not None:
        data["instances"] = [int(x) for x in data["instances"]]
    if data["batch"] is not None:
        data["batch"] = [int(x) for x in data["batch"]]
    return Job(**data)


class JobStore(WatchLedger):
    """Thread-safe ledger on one SQLite file (WAL, one connection guarded by a lock)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._db.executescript(WATCH_SCHEMA)
            have = {row[1] for row in self._db.execute("PRAGMA table_info(jobs)")}
            for name, decl in _ADDED_COLUMNS.items():
                if name not in have:
                    self._db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {decl}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open job store {self.path}: {exc}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ------------------------------------------------------------------ jobs

    def add(self, job: NewJob) -> bool:
        """Record a request once; a second call with the same id is ignored (returns False)."""
        now = time.time()
        with self._tx() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO jobs (request_id, model_id, input, commitment, "
                "primary_node, block_number, block_hash, log_index, not_before, state, "
                "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    str(job.request_id),
                    job.model_id,
                    json.dumps(job.input),
                    json.dumps(job.commitment),
                    job.primary_node,
                    job.block_number,
                    job.block_hash,
                    job.log_index,
                    job.not_before,
                    JobState.NEW.value,
                    now,
                    now,
                ),
            )
            return cursor.rowcount == 1

    def revive(self, job: NewJob, reason: str) -> bool:
        """Re-open a job failed with ``reason`` (a re-org) when its request is seen again."""
        with self._tx() as db:
            cursor = db.execute(
                "UPDATE jobs SET model_id = ?, input = ?, commitment = ?, primary_node = ?, "
                "block_number = ?, block_hash = ?, log_index = ?, not_before = ?, state = ?, "
                "reason = NULL, updated_at = ? WHERE request_id = ? AND state = ? AND reason = ?",
                (
                    job.model_id,
                    json.dumps(job.input),
                    json.dumps(job.commitment),
                    job.primary_node,
                    job.block_number,
                    job.block_hash,
                    job.log_index,
                    job.not_before,
                    JobState.NEW.value,
                    time.time(),
                    str(job.request_id),
                    JobState.FAILED.value,
                    reason,
                ),
            )
            return cursor.rowcount == 1

    def get_many(self, request_ids: Iterable[int]) -> list[Job]:
        """The jobs of ``request_ids`` that exist, in the order given."""
        jobs = (self.find(rid) for rid in request_ids)
        return [job for job in jobs if job is not None]

    def get(self, request_id: int) -> Job:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM jobs WHERE request_id = ?", (str(request_id),)
            ).fetchone()
        if row is None:
            raise StoreError(f"no job for request {request_id}")
        return _job_from_row(row)

    def find(self, request_id: int) -> Job | None:
        try:
            return self.get(request_id)
        except StoreError:
            return None

    def transition(
        self,
        request_id: int,
        from_states: Iterable[JobState],
        to_state: JobState,
        **fields: Any,
    ) -> bool:
        """Move a job to ``to_state`` only if it is in one of ``from_states``; set ``fields``.

        Returns whether the row changed, so a repeated or late step is a harmless no-op.
        """
        with self._tx() as db:
            return self._transition(db, request_id, list(from_states), to_state, dict(fields))

    def transition_many(
        self,
        request_ids: Iterable[int],
        from_states: Iterable[JobState],
        to_state: JobState,
        **fields: Any,
    ) -> list[int]:
        """:meth:`transition` for several jobs in one database transaction (a batch's members
        move together or not at all); returns the ids that changed."""
        allowed = list(from_states)
        with self._tx() as db:
            return [
                rid
                for rid in request_ids
                if self._transition(db, rid, allowed, to_state, dict(fields))
            ]

    def _transition(
        self,
        db: sqlite3.Connection,
        request_id: int,
        from_states: list[JobState],
        to_state: JobState,
        fields: dict[str, Any],
    ) -> bool:
        return update_row(db, "jobs", _JSON_FIELDS, request_id, from_states, to_state, fields)

    def prove_batch(
        self,
        batch: list[int],
        proof: bytes,
        instances: list[int],
        outputs: dict[int, list[int]],
        timings: dict[str, float],
    ) -> list[int]:
        """Record one batch proof on every member still ``inferred``, in one transaction;
        returns the members that moved to ``proved``."""
        with self._tx() as db:
            return [
                rid
                for rid in batch
                if self._transition(
                    db, rid, [JobState.INFERRED], JobState.PROVED,
                    {"proof": proof, "instances": instances, "output": outputs[rid],
                     "batch": batch, "timings": timings},
                )
            ]  # fmt: skip

    def update(self, request_id: int, state: JobState, **fields: Any) -> bool:
        """Set ``fields`` on a job that is still in ``state`` (no state change)."""
        return self.transition(request_id, [state], state, **fields)

    def fail(self, request_id: int, reason: str) -> bool:
        return self.transition(request_id, OPEN_STATES, JobState.FAILED, reason=reason)

    def in_state(self, *states: JobState, limit: int = 1000) -> list[Job]:
        marks = ",".join("?" for _ in states)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM jobs WHERE state IN ({marks}) "
                "ORDER BY block_number, log_index LIMIT ?",
                [*(state.value for state in states), limit],
            ).fetchall()
        return [_job_from_row(row) for row in rows]

    def list_jobs(
        self, state: JobState | None = None, limit: int = 100, offset: int = 0
    ) -> list[Job]:
        query = "SELECT * FROM jobs"
        params: list[Any] = []
        if state is not None:
            query += " WHERE state = ?"
            params.append(state.value)
        query += " ORDER BY block_number DESC, log_index DESC LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(query, [*params, limit, offset]).fetchall()
        return [_job_from_row(row) for row in rows]

    def counts(self) -> dict[str, int]:
        """Number of jobs per state (every state present, zero when empty)."""
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()
        counts = {state.value: 0 for state in JobState}
        counts.update({row[0]: row[1] for row in rows})
        return counts

    def settled_since(self, since: float = 0.0) -> list[Job]:
        """Jobs that earned a fee or spent gas, oldest first by their last update."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE (state = ? OR gas_used > 0) AND updated_at >= ? "
                "ORDER BY updated_at",
                (JobState.FULFILLED.value, since),
            ).fetchall()
        return [_job_from_row(row) for row in rows]

    def posted_from_block(self, block_number: int) -> list[Job]:
        """Posted jobs whose posting sits at or above ``block_number`` (re-org candidates)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM jobs WHERE posting_block >= ? AND state = ?",
                (block_number, JobState.POSTED.value),
            ).fetchall()
        return [_job_from_row(row) for row in rows]

    def optimistic_counts(self) -> dict[str, int]:
        """Our postings: mined ever, finalised, and proven wrong (challenges suffered)."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*), SUM(state = ?), SUM(state = ?) FROM jobs "
                "WHERE posting IS NOT NULL",
                (JobState.FULFILLED.value, JobState.LOST.value),
            ).fetchone()
        return {"posted": int(row[0]), "finalised": int(row[1] or 0), "lost": int(row[2] or 0)}

    def open_jobs_from_block(self, block_number: int) -> list[Job]:
        """Open jobs whose log sits at or above ``block_number`` (re-org candidates)."""
        marks = ",".join("?" for _ in OPEN_STATES)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM jobs WHERE block_number >= ? AND state IN ({marks})",
                [block_number, *(state.value for state in OPEN_STATES)],
            ).fetchall()
        return [_job_from_row(row) for row in rows]

    # ---------------------------------------------------------------- cursor

    def cursor(self, name: str = "requests") -> tuple[int, str] | None:
        """Last block fully scanned, with its hash, or None on a fresh store."""
        with self._lock:
            row = self._db.execute(
                "SELECT block_number, block_hash FROM cursor WHERE name = ?", (name,)
            ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]))

    def set_cursor(self, block_number: int, block_hash: str, name: str = "requests") -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO cursor (name, block_number, block_hash) VALUES (?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET block_number = excluded.block_number, "
                "block_hash = excluded.block_hash",
                (name, block_number, block_hash),
            )
