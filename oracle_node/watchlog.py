"""The watcher's ledger: one row per optimistic posting of another node that this node checks.

States::

    seen ──> agreed                                  (the witness gives the posted output)
      └────> wrong ──> proved ──> sent ──> challenged   (our challenge was mined)
               │          │         │
               └──────────┴─────────┴──> moot(reason) | failed(reason)

``moot``: the posting was settled without our challenge (finalised, challenged by someone
else first, its window closed, or a re-org removed it); ``failed``: the output could not be
checked or proven. As for jobs, the proof and then the signed challenge transaction are
stored *before* the transaction is broadcast, so a restart sends the same bytes (same nonce)
or finds their receipt, and never signs a second challenge of the same posting.

It lives in the job store's SQLite file (:class:`~oracle_node.store.JobStore` mixes it in).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from oracle_node.exceptions import StoreError
from oracle_node.ledger import update_row

REORG_MOOT = "the posting's block left the chain in a re-org"


class WatchState(StrEnum):
    SEEN = "seen"
    AGREED = "agreed"
    WRONG = "wrong"
    PROVED = "proved"
    SENT = "sent"
    CHALLENGED = "challenged"
    MOOT = "moot"
    FAILED = "failed"


# Open: the posting may still need this node's challenge.
WATCH_OPEN_STATES = (WatchState.SEEN, WatchState.WRONG, WatchState.PROVED, WatchState.SENT)

WATCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS watched (
    request_id    TEXT PRIMARY KEY,
    model_id      INTEGER NOT NULL,
    input         TEXT NOT NULL,
    commitment    TEXT NOT NULL,
    poster        TEXT NOT NULL,
    posting       TEXT NOT NULL,
    posted_output TEXT NOT NULL,
    block_number  INTEGER NOT NULL,
    block_hash    TEXT NOT NULL,
    state         TEXT NOT NULL,
    reason        TEXT,
    output        TEXT,
    proof         BLOB,
    instances     TEXT,
    tx_hash       TEXT,
    raw_tx        BLOB,
    nonce         INTEGER,
    tx_block      INTEGER,
    tx_block_hash TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    slashed_wei   TEXT NOT NULL DEFAULT '0',
    gas_used      INTEGER NOT NULL DEFAULT 0,
    gas_wei       TEXT NOT NULL DEFAULT '0',
    timings       TEXT NOT NULL DEFAULT '{}',
    created_at    REAL NOT NULL,
    updated_at    REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS watched_state ON watched(state);
"""

_JSON = ("input", "commitment", "posting", "posted_output", "output", "instances", "timings")
_INTS = ("slashed_wei", "gas_wei")


@dataclass(frozen=True)
class NewPosting:
    """What the listener learns from an ``OutputPosted`` log of another node, with the
    request's own record (from the job store or the request's log)."""

    request_id: int
    model_id: int
    input: list[int]
    commitment: dict[str, Any]
    poster: str
    posting: dict[str, Any]
    posted_output: list[int]
    block_number: int
    block_hash: str


@dataclass(frozen=True)
class Watched:
    """A row of the watcher's ledger."""

    request_id: int
    model_id: int
    input: list[int]
    commitment: dict[str, Any]
    poster: str
    posting: dict[str, Any]
    posted_output: list[int]
    block_number: int
    block_hash: str
    state: WatchState
    reason: str | None
    output: list[int] | None
    """The circuit's output for the request's input: the witness's, then the proof's."""
    proof: bytes | None
    instances: list[int] | None
    tx_hash: str | None
    raw_tx: bytes | None
    nonce: int | None
    tx_block: int | None
    tx_block_hash: str | None
    attempts: int
    slashed_wei: int
    """What the poster lost to our challenge (credited to this node)."""
    gas_used: int
    gas_wei: int
    timings: dict[str, float]
    created_at: float
    updated_at: float

    @property
    def final_at(self) -> int:
        return int(self.posting["finalAt"])

    @property
    def fee_wei(self) -> int:
        return int(self.posting["fee"])

    def public(self) -> dict[str, Any]:
        """A JSON-friendly view for the API (big ints as strings, no raw transaction)."""
        return {
            "request_id": str(self.request_id),
            "model_id": self.model_id,
            "poster": self.poster,
            "state": self.state.value,
            "reason": self.reason,
            "final_at": self.final_at,
            "fee_wei": str(self.fee_wei),
            "posted_output": [str(x) for x in self.posted_output],
            "output": None if self.output is None else [str(x) for x in self.output],
            "tx_hash": self.tx_hash,
            "slashed_wei": str(self.slashed_wei),
            "gas_used": self.gas_used,
            "gas_wei": str(self.gas_wei),
            "timings": self.timings,
            "block_number": self.block_number,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def _watched_from_row(row: sqlite3.Row) -> Watched:
    data = dict(row)
    for name in _JSON:
        if data[name] is not None:
            data[name] = json.loads(data[name])
    data["request_id"] = int(data["request_id"])
    data["state"] = WatchState(data["state"])
    for name in _INTS:
        data[name] = int(data[name])
    if data["instances"] is not None:
        data["instances"] = [int(x) for x in data["instances"]]
    return Watched(**data)


class WatchLedger:
    """The ``watched`` table's steps, on the job store's connection and lock."""

    _lock: threading.RLock
    _db: sqlite3.Connection

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def watch(self, posting: NewPosting) -> bool:
        """Record a posting to check; True when it is new to the ledger, or replaces one that
        a re-org removed (the same request posted again, in another block)."""
        now = time.time()
        values = (
            posting.model_id, json.dumps(posting.input), json.dumps(posting.commitment),
            posting.poster, json.dumps(posting.posting), json.dumps(posting.posted_output),
            posting.block_number, posting.block_hash,
        )  # fmt: skip
        with self._tx() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO watched (request_id, model_id, input, commitment, poster, "
                "posting, posted_output, block_number, block_hash, state, created_at, "
                "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (str(posting.request_id), *values, WatchState.SEEN.value, now, now),
            )
            if inserted.rowcount == 1:
                return True
            # a posting re-mined after a re-org: check it again (a stored proof stays valid,
            # it proves the request's input; a challenge signed for the old posting does not)
            revived = db.execute(
                "UPDATE watched SET model_id = ?, input = ?, commitment = ?, poster = ?, "
                "posting = ?, posted_output = ?, block_number = ?, block_hash = ?, state = ?, "
                "reason = NULL, tx_hash = NULL, raw_tx = NULL, nonce = NULL, updated_at = ? "
                "WHERE request_id = ? AND state = ? AND reason = ?",
                (*values, WatchState.SEEN.value, now, str(posting.request_id),
                 WatchState.MOOT.value, REORG_MOOT),
            )  # fmt: skip
            return revived.rowcount == 1

    def watched(self, request_id: int) -> Watched | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM watched WHERE request_id = ?", (str(request_id),)
            ).fetchone()
        return None if row is None else _watched_from_row(row)

    def get_watched(self, request_id: int) -> Watched:
        row = self.watched(request_id)
        if row is None:
            raise StoreError(f"no watched posting for request {request_id}")
        return row

    def watch_step(
        self,
        request_id: int,
        from_states: Iterable[WatchState],
        to_state: WatchState,
        **fields: Any,
    ) -> bool:
        """Move a watched posting to ``to_state`` only if it is in one of ``from_states``."""
        with self._tx() as db:
            return update_row(db, "watched", _JSON, request_id, list(from_states), to_state, fields)

    def watched_in(self, *states: WatchState, limit: int = 1000) -> list[Watched]:
        marks = ",".join("?" for _ in states)
        with self._lock:
            rows = self._db.execute(
                f"SELECT * FROM watched WHERE state IN ({marks}) "
                "ORDER BY block_number, request_id LIMIT ?",
                [*(state.value for state in states), limit],
            ).fetchall()
        return [_watched_from_row(row) for row in rows]

    def list_watched(
        self, state: WatchState | None = None, limit: int = 100, offset: int = 0
    ) -> list[Watched]:
        query = "SELECT * FROM watched"
        params: list[Any] = []
        if state is not None:
            query += " WHERE state = ?"
            params.append(state.value)
        query += " ORDER BY block_number DESC, CAST(request_id AS INTEGER) DESC LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(query, [*params, limit, offset]).fetchall()
        return [_watched_from_row(row) for row in rows]

    def watch_counts(self) -> dict[str, int]:
        """Watched postings per state (every state present, zero when empty)."""
        with self._lock:
            rows = self._db.execute("SELECT state, COUNT(*) FROM watched GROUP BY state").fetchall()
        counts = {state.value: 0 for state in WatchState}
        counts.update({row[0]: row[1] for row in rows})
        return counts

    def watched_from_block(self, block_number: int) -> list[Watched]:
        """Rows whose posting, or whose mined challenge, sits at or above ``block_number``
        (re-org candidates)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM watched WHERE block_number >= ? OR tx_block >= ?",
                (block_number, block_number),
            ).fetchall()
        return [_watched_from_row(row) for row in rows]
