"""Sends the challenge of a wrong posting, once per posting whatever crashes in between.

A watched posting in ``proved`` holds a proof of the request's input whose output is not the
posted one. Before anything is signed or sent, the coordinator must still hold exactly that
posting and its window must be open by the chain's clock. The signed ``challenge`` and its hash
are stored *before* broadcast, with a nonce from the submitter's one sequence, so a restart
sends the same bytes or finds their receipt: one posting, at most one challenge transaction of
ours, and none once the posting is settled.

A revert is decoded from the coordinator's ABI:

* ``RequestNotPosted`` / ``ChallengeWindowClosed`` / ``PostingMismatch`` /
  ``CommitmentMismatch``: settled or changed meanwhile; the logs say whether the posting was
  challenged (by us: ``challenged``), finalised (``moot``), or re-mined after a re-org (checked
  again as a new posting);
* ``PostingNotWrong`` and proof errors: ``failed`` (the proof shows the posted output, or the
  verifier refused it: proving it again would not help);
* anything else (RPC trouble included): retried, ``failed`` after the limit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from web3.exceptions import ContractLogicError, TransactionNotFound
from web3.logs import DISCARD

from oracle_node.chain.contracts import OracleContracts, commitment_tuple, posting_tuple
from oracle_node.chain.postings import request_history
from oracle_node.chain.sealing import challenge_seal
from oracle_node.chain.submitter import Submitter, gas_cost
from oracle_node.chain.tx import GAS_MARGIN
from oracle_node.exceptions import RevertError
from oracle_node.store import JobStore
from oracle_node.watchlog import REORG_MOOT, WATCH_OPEN_STATES, NewPosting, Watched, WatchState

log = logging.getLogger("oracle_node.challenger")

SETTLED = {"RequestNotPosted", "ChallengeWindowClosed", "PostingMismatch", "CommitmentMismatch"}
FATAL = {"PostingNotWrong", "InvalidProof", "InputInstancesMismatch", "InstanceCountMismatch"}


class Challenger:
    """Turns ``proved`` watched postings into mined challenges (one thread calls it)."""

    def __init__(
        self,
        contracts: OracleContracts,
        submitter: Submitter,
        store: JobStore,
        *,
        retries: int = 5,
        tx_timeout: float = 120.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.contracts = contracts
        self.submitter = submitter
        self.node = submitter.address
        self.store = store
        self.retries = retries
        self.tx_timeout = tx_timeout
        self.clock = clock

    # ---------------------------------------------------------------- proved

    def send(self, row: Watched) -> None:
        """Send the challenge of a ``proved`` row (re-sending a stored one after a crash)."""
        if row.tx_hash is not None and row.raw_tx is not None:
            if self._receipt(row.tx_hash) is not None:
                self.store.watch_step(row.request_id, [WatchState.PROVED], WatchState.SENT)
                return
            if self.still_open(row):
                self._broadcast(row, row.raw_tx)
            return
        if not self.still_open(row) or not self._sealed(row):
            return
        call = self._call(row)
        try:
            gas = int(call.estimate_gas({"from": self.node}) * GAS_MARGIN)
        except ContractLogicError as exc:
            decoded = self.contracts.decoder.decode(exc.data)
            error = RevertError("challenge (estimate)", decoded, str(exc.data or ""))
            if error.error_name == "FulfillmentNotSealed":
                return  # the seal's block is the latest: challenge from a later one
            self._on_revert(row, error)
            return
        tx_hash, raw, nonce = self.submitter.sign(call, gas)
        self.store.watch_step(
            row.request_id, [WatchState.PROVED], WatchState.PROVED,
            tx_hash=tx_hash, raw_tx=raw, nonce=nonce,
        )  # fmt: skip
        self._broadcast(self.store.get_watched(row.request_id), raw)

    def still_open(self, row: Watched) -> bool:
        """Whether the coordinator still holds exactly this posting, inside its window; if not,
        the row is settled from the logs."""
        if self.clock() < row.final_at and self.contracts.is_posted(
            row.request_id, row.posting, row.posted_output
        ):
            return True
        self.resolve(row)
        return False

    def _sealed(self, row: Watched) -> bool:
        """Whether our seal of this challenge is on chain; if not, send it (and wait for its
        receipt): a challenge counts only with a seal from an earlier block, so nobody can copy
        ours from the mempool and land it first. Sealing twice is harmless (the first stands)."""
        assert row.proof is not None and row.instances is not None
        seal = challenge_seal(row.request_id, self.node, row.proof, row.instances)
        coordinator = self.contracts.coordinator
        if int(coordinator.functions.sealedAt(self.node, seal).call()) != 0:
            return True
        self.submitter.send_call(
            coordinator.functions.sealFulfillment(row.request_id, seal), "seal challenge"
        )
        log.info("request %d: challenge sealed; it goes from a later block", row.request_id)
        return False

    def _call(self, row: Watched) -> Any:
        assert row.proof is not None and row.instances is not None
        return self.contracts.coordinator.functions.challenge(
            row.request_id, commitment_tuple(row.commitment), posting_tuple(row.posting),
            row.posted_output, row.proof, row.instances,
        )  # fmt: skip

    def _broadcast(self, row: Watched, raw: bytes) -> None:
        if not self.submitter.broadcast_raw(raw):
            assert row.tx_hash is not None
            if self._receipt(row.tx_hash) is not None:
                self.store.watch_step(row.request_id, [WatchState.PROVED], WatchState.SENT)
                return
            # our nonce went to another transaction: sign the challenge again on the next pass
            self.store.watch_step(
                row.request_id, [WatchState.PROVED], WatchState.PROVED,
                tx_hash=None, raw_tx=None, nonce=None,
            )  # fmt: skip
            return
        self.store.watch_step(
            row.request_id, [WatchState.PROVED], WatchState.SENT, timings={"sent_at": time.time()}
        )
        log.info("request %d: challenge of %s's posting sent in %s",
                 row.request_id, row.poster, row.tx_hash)  # fmt: skip

    # ------------------------------------------------------------------ sent

    def confirm(self, row: Watched) -> bool:
        """Check a ``sent`` row's receipt; True when the row left ``sent``."""
        assert row.tx_hash is not None
        receipt = self._receipt(row.tx_hash)
        if receipt is None:
            sent_at = row.timings.get("sent_at", row.updated_at)
            if time.time() - sent_at > self.tx_timeout:
                log.warning("request %d: challenge %s not mined yet, re-sending",
                            row.request_id, row.tx_hash)  # fmt: skip
                self.store.watch_step(row.request_id, [WatchState.SENT], WatchState.PROVED)
            return False
        gas = {"gas_used": row.gas_used + int(receipt["gasUsed"]),
               "gas_wei": row.gas_wei + gas_cost(receipt)}  # fmt: skip
        if receipt["status"] == 1:
            events = self.contracts.coordinator.events.PostingChallenged().process_receipt(
                receipt, errors=DISCARD
            )
            slashed = int(events[0]["args"]["slashed"]) if events else 0
            self.store.watch_step(
                row.request_id, [WatchState.SENT], WatchState.CHALLENGED, slashed_wei=slashed,
                tx_block=int(receipt["blockNumber"]),
                tx_block_hash="0x" + bytes(receipt["blockHash"]).hex().removeprefix("0x"),
                timings={"challenged_at": time.time()}, **gas,
            )  # fmt: skip
            log.info("request %d: %s's posting proven wrong; slashed %d wei",
                     row.request_id, row.poster, slashed)  # fmt: skip
            return True
        self.store.watch_step(
            row.request_id, [WatchState.SENT], WatchState.PROVED,
            tx_hash=None, raw_tx=None, nonce=None, **gas,
        )  # fmt: skip
        self._on_revert(self.store.get_watched(row.request_id), self._replay(row))
        return True

    def _receipt(self, tx_hash: str) -> Any:
        try:
            return self.contracts.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None

    def _replay(self, row: Watched) -> RevertError:
        """Re-run a reverted challenge as a call to learn its error."""
        try:
            self._call(row).call({"from": self.node})
        except ContractLogicError as exc:
            return RevertError("challenge", self.contracts.decoder.decode(exc.data), str(exc.data))
        return RevertError("challenge", None, "reverted on chain, passes as a call now")

    # --------------------------------------------------------------- errors

    def _on_revert(self, row: Watched, error: RevertError) -> None:
        name = error.error_name
        log.warning("request %d: challenge: %s", row.request_id, error)
        if name in SETTLED:
            self.resolve(row)
        elif name in FATAL:
            self.store.watch_step(row.request_id, WATCH_OPEN_STATES, WatchState.FAILED,
                                  reason=str(error))  # fmt: skip
        elif row.attempts + 1 > self.retries:
            self.store.watch_step(
                row.request_id, WATCH_OPEN_STATES, WatchState.FAILED,
                reason=f"gave up after {row.attempts + 1} attempts: {error}",
            )  # fmt: skip
        else:
            self.store.watch_step(row.request_id, [WatchState.PROVED], WatchState.PROVED,
                                  attempts=row.attempts + 1, reason=str(error))  # fmt: skip

    def resolve(self, row: Watched) -> None:
        """The posting is no longer open to our challenge: settle the row from the chain."""
        rid = row.request_id
        if self.contracts.is_posted(rid, row.posting, row.posted_output):
            if self.clock() >= row.final_at:
                self.store.watch_step(rid, WATCH_OPEN_STATES, WatchState.MOOT,
                                      reason="the challenge window closed first")  # fmt: skip
            return
        history = request_history(self.contracts, rid, row.block_number)
        challenge, posting = history.challenge, history.posting
        if challenge is not None and challenge.challenger == self.node:
            self.store.watch_step(
                rid, WATCH_OPEN_STATES, WatchState.CHALLENGED, slashed_wei=challenge.slashed,
                tx_hash=challenge.tx_hash, tx_block=challenge.block_number,
                tx_block_hash=challenge.block_hash,
            )  # fmt: skip
        elif challenge is not None:
            self.store.watch_step(rid, WATCH_OPEN_STATES, WatchState.MOOT,
                                  reason=f"challenged first by {challenge.challenger}")  # fmt: skip
        elif history.finalized_tx is not None or history.fulfilled is not None:
            self.store.watch_step(rid, WATCH_OPEN_STATES, WatchState.MOOT,
                                  reason="settled: finalised")  # fmt: skip
        else:
            # the posting left the chain (a re-org); if it was mined again, check that one
            self.store.watch_step(rid, WATCH_OPEN_STATES, WatchState.MOOT, reason=REORG_MOOT)
            if posting is not None and posting.poster != self.node:
                self.store.watch(
                    NewPosting(
                        request_id=rid, model_id=row.model_id, input=row.input,
                        commitment=row.commitment, poster=posting.poster,
                        posting=posting.posting(rid, row.commitment), posted_output=posting.output,
                        block_number=posting.block_number, block_hash=posting.block_hash,
                    )
                )  # fmt: skip
