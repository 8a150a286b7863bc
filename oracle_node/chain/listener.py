"""Reads the coordinator's logs with ``eth_getLogs``, trailing the head by N confirmations.

Each pass scans ``(cursor, head - confirmations]`` in ranges of at most ``max_block_range``
blocks and records, in one place (the job store):

* ``InferenceRequested`` -> a new job (ignored when known already, or when another node is
  the primary for a model this node does not serve); the primary is drawn from the hash of the
  log's block (``OracleContracts.primary_of``), so it is known as soon as the log is;
* ``InferenceFulfilled`` -> our open (or posted) job becomes ``fulfilled``, or ``taken`` by the
  other node;
* ``OutputsFinalized`` -> each listed posting of ours becomes ``fulfilled``; a listed watched
  posting is ``moot`` (it stood);
* ``InferenceCancelled`` -> our open job becomes ``expired``;
* ``OutputPosted`` (Optimistic requests) -> another node's posting takes our open job
  (``taken``), and, when the node watches, a posting of a served model is recorded for the
  watcher (:mod:`oracle_node.watchlog`) with the request's input;
* ``PostingChallenged`` -> our posting proven wrong makes the job ``lost``; a watched posting
  becomes ``challenged`` (by us) or ``moot`` (by someone else).

A node that only watches (``serve=False``, ``oracle-node watch``) records no jobs: it reads a
posted request's input from the request's own log when it needs it.

The cursor (block number and hash) is saved after each range. When the saved hash is no longer
the chain's hash at that height, a re-org happened: the cursor rewinds until hashes agree again
(at most ``reorg_depth`` blocks), open jobs whose log block vanished are failed, and the range
is scanned again, so a request that was re-mined comes back. Our postings whose block vanished
go back to ``proved`` with their stored transaction (sent again as it is), and watched postings
whose block vanished become ``moot`` until they are seen again. RPC errors back off
exponentially and never stop the loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from web3 import Web3
from web3.types import LogReceipt

from oracle_node.chain.clock import BlockClock
from oracle_node.chain.contracts import (
    OracleContracts,
    commitment_to_json,
    posting_of,
    topic_of,
)
from oracle_node.chain.postings import find_request
from oracle_node.chain.sealing import ZERO_ADDRESS, standin_start
from oracle_node.service import Backoff, Service, exponential_backoff
from oracle_node.store import OPEN_STATES, UNSENT_STATES, JobState, JobStore, NewJob
from oracle_node.watchlog import REORG_MOOT, WATCH_OPEN_STATES, NewPosting, WatchState

REORG_REASON = "request log removed by a chain re-org"


class Listener(Service):
    """The chain listener service."""

    name = "listener"

    def __init__(
        self,
        contracts: OracleContracts,
        store: JobStore,
        node_address: str,
        *,
        confirmations: int,
        poll_interval: float = 1.0,
        start_block: int = 0,
        max_block_range: int = 2000,
        reorg_depth: int = 64,
        backoff: Backoff = exponential_backoff,
        on_new_job: Callable[[], None] | None = None,
        model_ids: set[int] | None = None,
        clock: BlockClock | None = None,
        standin_spread_s: float = 0.0,
        serve: bool = True,
        watch: bool = False,
        on_posting: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(backoff)
        self.contracts = contracts
        self.w3: Web3 = contracts.w3
        self.store = store
        self.node = Web3.to_checksum_address(node_address)
        self.confirmations = confirmations
        self.poll_interval = poll_interval
        self.start_block = start_block
        self.max_block_range = max_block_range
        self.reorg_depth = reorg_depth
        self.on_new_job = on_new_job
        self.model_ids = model_ids
        self.clock = clock or BlockClock()
        self.standin_spread_s = standin_spread_s
        self.serve = serve
        self.watch = watch
        self.on_posting = on_posting
        self.safe_head: int | None = None
        self.head: int | None = None
        self.head_timestamp: int | None = None
        self._head_moved_at = 0.0
        events = contracts.coordinator.events
        self._requested = events.InferenceRequested()
        self._fulfilled = events.InferenceFulfilled()
        self._cancelled = events.InferenceCancelled()
        self._posted = events.OutputPosted()
        self._challenged = events.PostingChallenged()
        self._finalized = events.OutputsFinalized()
        self._topics = {
            self._topic("InferenceRequested"): self._on_requested,
            self._topic("InferenceFulfilled"): self._on_fulfilled,
            self._topic("InferenceCancelled"): self._on_cancelled,
            self._topic("OutputPosted"): self._on_posted,
            self._topic("PostingChallenged"): self._on_challenged,
            self._topic("OutputsFinalized"): self._on_finalized,
        }

    @property
    def lag(self) -> int | None:
        """Blocks between the chain head and the last block scanned (None before the first)."""
        cursor = self.store.cursor()
        if self.head is None or cursor is None:
            return None
        return max(0, self.head - cursor[0])

    @property
    def head_age_s(self) -> float | None:
        """Seconds since the newest block, by its timestamp (None before the first reading).

        A chain whose time was moved ahead of the wall clock (a test chain) ages from when this
        listener last saw its head move instead."""
        if self.head_timestamp is None:
            return None
        by_stamp = time.time() - self.head_timestamp
        return by_stamp if by_stamp >= 0 else time.monotonic() - self._head_moved_at

    def _see_head(self, head: int, timestamp: int) -> None:
        if head != self.head:
            self._head_moved_at = time.monotonic()
        self.head, self.head_timestamp = head, timestamp

    def _topic(self, name: str) -> str:
        return topic_of(getattr(self.contracts.coordinator.events, name))

    # ------------------------------------------------------------------ loop

    def step(self) -> bool:
        """Scan one range; busy (True) while the cursor is behind the safe head."""
        return not self.poll_once()

    def idle(self) -> None:
        self.sleep(self.poll_interval)

    def poll_once(self) -> bool:
        """Scan one range; True when the cursor has reached the safe head."""
        latest = self.w3.eth.get_block("latest")
        head = int(latest["number"])
        self.clock.observe(int(latest["timestamp"]))
        safe = head - self.confirmations
        self._see_head(head, int(latest["timestamp"]))
        self.safe_head = safe
        cursor = self.store.cursor()
        if cursor is not None:
            cursor = self._check_reorg(cursor)
        start = cursor[0] + 1 if cursor else self.start_block
        if safe < start:
            return True
        end = min(safe, start + self.max_block_range - 1)
        logs = self.w3.eth.get_logs(
            {
                "address": self.contracts.coordinator.address,
                "fromBlock": start,
                "toBlock": end,
                "topics": [list(self._topics)],
            }
        )
        for log in sorted(logs, key=lambda lg: (lg["blockNumber"], lg["logIndex"])):
            handler = self._topics.get(_hex(log["topics"][0]))
            if handler is not None:
                handler(log)
        block = self.w3.eth.get_block(end)
        self.store.set_cursor(end, _hex(block["hash"]))
        return end >= safe

    # ----------------------------------------------------------------- re-org

    def _check_reorg(self, cursor: tuple[int, str]) -> tuple[int, str]:
        number, saved = cursor
        if self._canonical_hash(number) == saved:
            return cursor
        rewind_to = max(self.start_block - 1, number - self.reorg_depth, 0)
        self.log.warning("re-org detected at block %d: rescanning from %d", number, rewind_to + 1)
        self._fail_vanished(rewind_to + 1)
        self._postings_vanished(rewind_to + 1)
        new_cursor = (rewind_to, self._canonical_hash(rewind_to) or "0x")
        self.store.set_cursor(*new_cursor)
        return new_cursor

    def _fail_vanished(self, from_block: int) -> None:
        """Fail open jobs whose log block left the chain (a re-scan revives re-mined ones)."""
        for job in self.store.open_jobs_from_block(from_block):
            if job.tx_hash is not None:
                continue  # the submitter re-checks the commitment before any (re)send
            if self._canonical_hash(job.block_number) != job.block_hash:
                self.store.fail(job.request_id, REORG_REASON)

    def _postings_vanished(self, from_block: int) -> None:
        """Our postings whose block left the chain are sent again (the stored transaction);
        watched postings that left it wait to be seen again, and a challenge of ours that left
        it is sent again."""
        for job in self.store.posted_from_block(from_block):
            if self._canonical_hash(job.posting_block or 0) != job.posting_block_hash:
                self.store.transition(
                    job.request_id, [JobState.POSTED], JobState.PROVED, posting=None,
                    posting_block=None, posting_block_hash=None, reason=REORG_REASON,
                )  # fmt: skip
        for row in self.store.watched_from_block(from_block):
            tx_block = row.tx_block
            if (
                tx_block is not None
                and tx_block >= from_block
                and (self._canonical_hash(tx_block) != row.tx_block_hash)
            ):
                self.store.watch_step(
                    row.request_id, [WatchState.CHALLENGED], WatchState.PROVED,
                    tx_block=None, tx_block_hash=None,
                    reason="our challenge's block left the chain in a re-org",
                )  # fmt: skip
            if row.block_number >= from_block and (
                self._canonical_hash(row.block_number) != row.block_hash
            ):
                self.store.watch_step(
                    row.request_id, WATCH_OPEN_STATES, WatchState.MOOT, reason=REORG_MOOT
                )

    def _canonical_hash(self, number: int) -> str | None:
        block = self.w3.eth.get_block(number)
        return None if block is None else _hex(block["hash"])

    # ----------------------------------------------------------------- events

    def _on_requested(self, log: LogReceipt) -> None:
        if not self.serve:
            return
        event: Any = self._requested.process_log(log)
        args = event["args"]
        commitment = commitment_to_json(args["commitment"])
        request_id = int(args["requestId"])
        block_hash = bytes.fromhex(_hex(log["blockHash"])[2:])
        primary = self.contracts.primary_of(request_id, commitment, block_hash)
        served = self.model_ids is None or int(args["modelId"]) in self.model_ids
        if primary != self.node and not served:
            return  # another node's request for a model we do not serve: not our business
        job = NewJob(
            request_id=request_id,
            model_id=int(args["modelId"]),
            input=[int(x) for x in args["input"]],
            commitment=commitment,
            primary_node=primary,
            block_number=int(log["blockNumber"]),
            block_hash=_hex(log["blockHash"]),
            log_index=int(log["logIndex"]),
            not_before=self._start_at(request_id, primary, commitment),
        )
        if self.store.add(job) or self.store.revive(job, REORG_REASON):
            self.log.info("request %d for model %d recorded", job.request_id, job.model_id)
            if self.on_new_job is not None:
                self.on_new_job()

    def _start_at(self, request_id: int, primary: str, commitment: dict[str, Any]) -> int:
        """At once as the primary (or where the pool was empty); else as a stand-in."""
        if primary in (self.node, ZERO_ADDRESS):
            return 0
        window_end, deadline = int(commitment["windowEnd"]), int(commitment["deadline"])
        return standin_start(request_id, self.node, window_end, deadline, self.standin_spread_s)

    def _on_fulfilled(self, log: LogReceipt) -> None:
        args = self._fulfilled.process_log(log)["args"]
        request_id = int(args["requestId"])
        node = Web3.to_checksum_address(args["node"])
        output = [int(x) for x in args["output"]]
        if node == self.node:
            # a submitted job belongs to the submitter, which settles it from its receipt (with
            # timings); here only jobs whose fulfilment this process did not send are closed,
            # and our postings, finalised by us or by anyone
            self.store.transition(
                request_id, [*UNSENT_STATES, JobState.POSTED], JobState.FULFILLED,
                output=output, tx_hash=_hex(log["transactionHash"]),
            )  # fmt: skip
        else:
            self.store.transition(request_id, OPEN_STATES, JobState.TAKEN, taken_by=node)
        # a watched posting settled without our challenge (a challenge is logged before this)
        self.store.watch_step(
            request_id, WATCH_OPEN_STATES, WatchState.MOOT, reason="settled: finalised"
        )

    def _on_cancelled(self, log: LogReceipt) -> None:
        args = self._cancelled.process_log(log)["args"]
        self.store.transition(
            int(args["requestId"]), OPEN_STATES, JobState.EXPIRED,
            reason="cancelled by the requester after the deadline",
        )  # fmt: skip
        # a failed job stays failed; its reason says why the node did not serve it

    def _on_finalized(self, log: LogReceipt) -> None:
        args = self._finalized.process_log(log)["args"]
        for rid in (int(r) for r in args["requestIds"]):
            # our postings, finalised by us (the finaliser records its own receipt too) or by
            # anyone else; the job keeps the output it posted
            self.store.transition(
                rid, [*UNSENT_STATES, JobState.POSTED], JobState.FULFILLED,
                tx_hash=_hex(log["transactionHash"]),
            )  # fmt: skip
            self.store.watch_step(
                rid, WATCH_OPEN_STATES, WatchState.MOOT, reason="settled: finalised"
            )

    def _on_posted(self, log: LogReceipt) -> None:
        args = self._posted.process_log(log)["args"]
        request_id = int(args["requestId"])
        poster = Web3.to_checksum_address(args["poster"])
        final_at = int(args["finalAt"])
        if poster == self.node:
            # the submitter records our posting from its receipt; a job whose posting this
            # process did not see mined (a crash) is recorded from the log
            job = self.store.find(request_id)
            if job is None:
                return
            self.store.transition(
                request_id, UNSENT_STATES, JobState.POSTED,
                posting=posting_of(request_id, job.commitment, poster, final_at),
                output=[int(x) for x in args["output"]], posting_block=int(log["blockNumber"]),
                posting_block_hash=_hex(log["blockHash"]),
            )  # fmt: skip
            return
        self.store.transition(request_id, OPEN_STATES, JobState.TAKEN, taken_by=poster)
        if not self.watch:
            return
        request = self._request_of(request_id)
        if request is None:
            return  # not a request of a model this node serves
        model_id, inputs, commitment = request
        posting = posting_of(request_id, commitment, poster, final_at)
        recorded = self.store.watch(
            NewPosting(
                request_id=request_id, model_id=model_id, input=inputs, commitment=commitment,
                poster=poster, posting=posting, posted_output=[int(x) for x in args["output"]],
                block_number=int(log["blockNumber"]), block_hash=_hex(log["blockHash"]),
            )
        )  # fmt: skip
        if recorded:
            self.log.info("request %d: posting by %s to check", request_id, poster)
            if self.on_posting is not None:
                self.on_posting()

    def _request_of(self, request_id: int) -> tuple[int, list[int], dict[str, Any]] | None:
        """Model, input and commitment of a request of a served model, from the job store or,
        on a node that records no jobs, from the request's log."""
        job = self.store.find(request_id)
        if job is not None:
            model_id, inputs, commitment = job.model_id, job.input, job.commitment
        elif self.serve:
            return None  # every request of a served model has a job here
        else:
            event = find_request(self.contracts, request_id, self.start_block)
            if event is None:
                return None
            args = event["args"]
            model_id, inputs = int(args["modelId"]), [int(x) for x in args["input"]]
            commitment = commitment_to_json(args["commitment"])
        if self.model_ids is not None and model_id not in self.model_ids:
            return None
        return model_id, inputs, commitment

    def _on_challenged(self, log: LogReceipt) -> None:
        args = self._challenged.process_log(log)["args"]
        request_id = int(args["requestId"])
        poster = Web3.to_checksum_address(args["poster"])
        challenger = Web3.to_checksum_address(args["challenger"])
        slashed = int(args["slashed"])
        if poster == self.node:
            self.log.warning("request %d: our posting was proven wrong by %s (slashed %d wei)",
                             request_id, challenger, slashed)  # fmt: skip
            self.store.transition(
                request_id, [*OPEN_STATES, JobState.POSTED], JobState.LOST, taken_by=challenger,
                reason=f"our posting was proven wrong by {challenger}: slashed {slashed} wei",
            )  # fmt: skip
        if challenger == self.node:
            self.store.watch_step(
                request_id, WATCH_OPEN_STATES, WatchState.CHALLENGED, slashed_wei=slashed,
                tx_hash=_hex(log["transactionHash"]), tx_block=int(log["blockNumber"]),
                tx_block_hash=_hex(log["blockHash"]),
            )  # fmt: skip
        else:
            self.store.watch_step(
                request_id, WATCH_OPEN_STATES, WatchState.MOOT,
                reason=f"challenged first by {challenger}",
            )  # fmt: skip


def _hex(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return "0x" + str(value).lower().removeprefix("0x")
