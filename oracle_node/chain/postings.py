"""Optimistic settlement seen from the node: what the chain says about a request, and
``finalize`` of this node's postings in batches.

A posting is settled by ``finalize`` once its window is over (anyone may send it; the node
finalises its own, many per transaction), or by a ``challenge`` before that. The node reads
both from the logs: :func:`request_history` reads the settlement logs of one request (those
indexed by its id in one ``eth_getLogs``, then the ``OutputsFinalized`` lists that could name
it), and :func:`settle_job` turns them into the job's final state.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.logs import DISCARD

from oracle_node.chain.contracts import OracleContracts, posting_of, posting_tuple, topic_of
from oracle_node.exceptions import RevertError
from oracle_node.store import OPEN_STATES, Job, JobState, JobStore, past_deadline

log = logging.getLogger("oracle_node.postings")

# Where a job may be when the chain settles its request without our own receipt saying so.
LIVE_STATES = (*OPEN_STATES, JobState.POSTED)


@dataclass(frozen=True)
class PostedLog:
    """One ``OutputPosted`` log."""

    poster: str
    final_at: int
    output: list[int]
    block_number: int
    block_hash: str

    def posting(self, request_id: int, commitment: Any) -> dict[str, Any]:
        """The coordinator's ``Posting`` of it, for the request with ``commitment``."""
        return posting_of(request_id, commitment, self.poster, self.final_at)


@dataclass(frozen=True)
class ChallengedLog:
    """One ``PostingChallenged`` log."""

    poster: str
    challenger: str
    slashed: int
    tx_hash: str
    block_number: int
    block_hash: str


@dataclass(frozen=True)
class FulfilledLog:
    """One ``InferenceFulfilled`` log (a proof, a finalisation or a challenge)."""

    node: str
    output: list[int]
    tx_hash: str


@dataclass(frozen=True)
class RequestHistory:
    """The settlement logs of one request on the canonical chain."""

    posting: PostedLog | None = None
    challenge: ChallengedLog | None = None
    fulfilled: FulfilledLog | None = None
    cancelled: bool = False
    finalized_tx: str | None = None  # the ``finalize`` that settled the posting


def _hex(value: Any) -> str:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return "0x" + str(value).lower().removeprefix("0x")


def request_history(contracts: OracleContracts, request_id: int, from_block: int) -> RequestHistory:
    """Read the request's ``OutputPosted``, ``PostingChallenged``, ``InferenceFulfilled`` and
    ``InferenceCancelled`` logs since ``from_block`` (one ``eth_getLogs``), and, when it was
    posted and not challenged, whether an ``OutputsFinalized`` since the posting lists it."""
    events = contracts.coordinator.events
    kinds = {
        topic_of(events.OutputPosted): events.OutputPosted(),
        topic_of(events.PostingChallenged): events.PostingChallenged(),
        topic_of(events.InferenceFulfilled): events.InferenceFulfilled(),
        topic_of(events.InferenceCancelled): events.InferenceCancelled(),
    }
    logs = contracts.w3.eth.get_logs(
        {
            "address": contracts.coordinator.address,
            "fromBlock": from_block,
            "toBlock": "latest",
            "topics": [list(kinds), "0x" + request_id.to_bytes(32, "big").hex()],
        }
    )
    found: dict[str, Any] = {}
    for raw in sorted(logs, key=lambda lg: (lg["blockNumber"], lg["logIndex"])):
        event = kinds[_hex(raw["topics"][0])]
        args = event.process_log(raw)["args"]
        name = event.event_name
        if name == "OutputPosted":
            found["posting"] = PostedLog(
                Web3.to_checksum_address(args["poster"]), int(args["finalAt"]),
                [int(x) for x in args["output"]], int(raw["blockNumber"]), _hex(raw["blockHash"]),
            )  # fmt: skip
        elif name == "PostingChallenged":
            found["challenge"] = ChallengedLog(
                Web3.to_checksum_address(args["poster"]),
                Web3.to_checksum_address(args["challenger"]), int(args["slashed"]),
                _hex(raw["transactionHash"]), int(raw["blockNumber"]), _hex(raw["blockHash"]),
            )  # fmt: skip
        elif name == "InferenceFulfilled":
            found["fulfilled"] = FulfilledLog(
                Web3.to_checksum_address(args["node"]), [int(x) for x in args["output"]],
                _hex(raw["transactionHash"]),
            )  # fmt: skip
        else:
            found["cancelled"] = True
    posting = found.get("posting")
    if posting is not None and "challenge" not in found:
        found["finalized_tx"] = _finalized_in(contracts, request_id, posting.block_number)
    return RequestHistory(**found)


def _finalized_in(contracts: OracleContracts, request_id: int, from_block: int) -> str | None:
    """The transaction whose ``OutputsFinalized`` lists ``request_id`` (its ids are not
    indexed: every such log since the posting is read), or None."""
    event = contracts.coordinator.events.OutputsFinalized()
    logs = contracts.w3.eth.get_logs(
        {
            "address": contracts.coordinator.address,
            "fromBlock": from_block,
            "toBlock": "latest",
            "topics": [topic_of(event)],
        }
    )
    for raw in logs:
        if request_id in [int(r) for r in event.process_log(raw)["args"]["requestIds"]]:
            return _hex(raw["transactionHash"])
    return None


def settle_job(store: JobStore, job: Job, history: RequestHistory, node: str, now: float) -> None:
    """Put a job whose request is no longer pending with its commitment in the state the
    chain's logs give it."""
    rid = job.request_id
    posting, challenge, fulfilled = history.posting, history.challenge, history.fulfilled
    if history.cancelled:
        store.transition(rid, LIVE_STATES, JobState.EXPIRED, reason="cancelled by the requester")
    elif challenge is not None and challenge.poster == node:
        store.transition(
            rid, LIVE_STATES, JobState.LOST, taken_by=challenge.challenger,
            reason=f"our posting was proven wrong by {challenge.challenger}: "
            f"slashed {challenge.slashed} wei",
        )  # fmt: skip
    elif fulfilled is not None and fulfilled.node == node:
        store.transition(rid, LIVE_STATES, JobState.FULFILLED, output=fulfilled.output)
    elif posting is not None and posting.poster == node and history.finalized_tx is not None:
        store.transition(
            rid, LIVE_STATES, JobState.FULFILLED, output=posting.output,
            tx_hash=history.finalized_tx,
        )  # fmt: skip
    elif posting is not None and posting.poster == node:
        store.transition(
            rid, LIVE_STATES, JobState.POSTED, posting=posting.posting(rid, job.commitment),
            output=posting.output, posting_block=posting.block_number,
            posting_block_hash=posting.block_hash,
        )  # fmt: skip
    elif posting is not None:
        store.transition(rid, LIVE_STATES, JobState.TAKEN, taken_by=posting.poster)
    elif fulfilled is not None:
        store.transition(rid, LIVE_STATES, JobState.TAKEN, taken_by=fulfilled.node)
    elif past_deadline(job, now):
        store.transition(rid, LIVE_STATES, JobState.EXPIRED,
                         reason="deadline passed before the fulfilment was mined")  # fmt: skip
    else:
        store.transition(rid, LIVE_STATES, JobState.FAILED,
                         reason="request is not pending on chain (re-org or unknown id)")  # fmt: skip


def find_request(contracts: OracleContracts, request_id: int, from_block: int) -> Any | None:
    """The ``InferenceRequested`` log of ``request_id`` (decoded), or None."""
    event = contracts.coordinator.events.InferenceRequested()
    logs = contracts.w3.eth.get_logs(
        {
            "address": contracts.coordinator.address,
            "fromBlock": from_block,
            "toBlock": "latest",
            "topics": [topic_of(event), "0x" + request_id.to_bytes(32, "big").hex()],
        }
    )
    return event.process_log(logs[-1]) if logs else None


SendCall = Callable[[Any, str], Any]


class Finalizer:
    """Sends ``finalize`` for this node's postings whose window is over, several per
    transaction. ``finalize`` settles each entry at most once on chain (entries settled
    meanwhile are skipped), so no stored transaction is needed: a crash before the receipt is
    recorded is healed by the logs (the listener, or :func:`settle_job` on the next pass)."""

    def __init__(
        self,
        contracts: OracleContracts,
        store: JobStore,
        node: str,
        send_call: SendCall,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.contracts = contracts
        self.store = store
        self.node = Web3.to_checksum_address(node)
        self.send_call = send_call
        self.clock = clock

    def finalize(self, jobs: list[Job]) -> list[int]:
        """Finalise these ``posted`` jobs in one transaction; returns the request ids settled
        by it. Jobs no longer posted on chain are settled from the logs instead."""
        ready = []
        for job in jobs:
            assert job.posting is not None
            if self.contracts.is_posted(job.request_id, job.posting, job.output or []):
                ready.append(job)
            else:
                self.settle_elsewhere(job)
        if not ready:
            return []
        call = self.contracts.coordinator.functions.finalize(
            [job.request_id for job in ready],
            [posting_tuple(job.posting or {}) for job in ready],
            [job.output or [] for job in ready],
        )
        try:
            receipt = self.send_call(call, "finalize")
        except RevertError as exc:
            if exc.error_name == "ChallengeWindowOpen":
                return []  # our clock ran ahead of the chain's: try on a later pass
            log.warning("finalize of %s: %s", [j.request_id for j in ready], exc)
            for job in ready:
                self.settle_elsewhere(self.store.get(job.request_id))
            return []
        events = self.contracts.coordinator.events.OutputsFinalized().process_receipt(
            receipt, errors=DISCARD
        )
        done = {int(r) for e in events for r in e["args"]["requestIds"]}
        outputs = {job.request_id: job.output or [] for job in ready if job.request_id in done}
        settled = [job for job in ready if job.request_id in outputs]
        gas_used = int(receipt["gasUsed"])
        gas_wei = gas_used * int(receipt.get("effectiveGasPrice", 0))
        shares = zip(split(gas_used, len(settled)), split(gas_wei, len(settled)), strict=True)
        for job, (share, share_wei) in zip(settled, shares, strict=True):
            self.store.transition(
                job.request_id, [JobState.POSTED], JobState.FULFILLED,
                output=outputs[job.request_id], gas_used=job.gas_used + share,
                gas_wei=job.gas_wei + share_wei, timings={"finalised_at": time.time()},
            )  # fmt: skip
        for job in ready:
            if job.request_id not in outputs:
                self.settle_elsewhere(self.store.get(job.request_id))
        log.info("finalised %s in %s (gas %d)", [j.request_id for j in settled],
                 _hex(receipt["transactionHash"]), gas_used)  # fmt: skip
        return [job.request_id for job in settled]

    def settle_elsewhere(self, job: Job) -> None:
        """A posting that is no longer open: finalised or challenged meanwhile, or removed by a
        re-org (then it is sent again: back to ``proved`` with its stored transaction)."""
        if self.contracts.is_pending(job.request_id, job.commitment):
            self.store.transition(
                job.request_id, [JobState.POSTED], JobState.PROVED, posting=None,
                posting_block=None, posting_block_hash=None,
            )  # fmt: skip
            return
        history = request_history(self.contracts, job.request_id, job.block_number)
        settle_job(self.store, job, history, self.node, self.clock())


def split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` near-equal shares that add up to it (the first ones larger)."""
    share, rest = divmod(total, parts)
    return [share + (1 if i < rest else 0) for i in range(parts)]
