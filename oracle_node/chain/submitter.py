"""Signs and sends ``fulfill`` (or, for an Optimistic request, ``postOutput``): nonces, gas
estimation, retries, receipts, decoded reverts.

The signed transaction and its hash are written to the job store *before* broadcast. After a
crash the same bytes are sent again (same nonce), so at most one fulfilment (or posting)
transaction per request can ever be mined, and none once the request is no longer pending on
chain. A mined posting moves its job to ``posted`` with the ``Posting`` the coordinator stored;
:class:`~oracle_node.chain.postings.Finalizer` settles it after its window.

Transactions are EIP-1559, fees from the latest base fee and the endpoint's tip (or
``chain.priority_fee_gwei``). One not mined after ``chain.replace_after_s`` is replaced: the
same call, the same nonce, both fees +12.5% (nodes refuse less than +10%), never above
``chain.max_fee_gwei`` (at the cap it is sent again as it is, with one warning). Every hash
sent for the nonce is kept (``Job.sent_hashes``, each stored before it is sent) and checked for
a receipt, since any one of them may be mined. A stored transaction whose nonce waits behind a
lower one that is neither mined nor stored (dropped from the mempool, or lost) has the gap
filled at start and when found stuck: stored transactions are sent again, other nonces taken by
zero-value transfers to the node's own address. ``chain.tx_timeout`` is the wait for the
receipt of a one-off transaction (:meth:`Submitter.send_call`).

A revert is decoded from the coordinator's ABI and decides what happens next:

* ``RequestNotPending`` / ``CommitmentMismatch`` / ``RequestAlreadyPosted``: the logs say who
  settled it: ``fulfilled`` (us), ``posted`` (our posting), ``taken`` (another node),
  ``lost`` (our posting proven wrong) or ``expired`` (cancelled); with no such log, ``failed``;
* ``NotPrimaryNode``: not our turn yet, wait for the window to end;
* ``RequestNotYetOpen``: the request's block is the latest (a node run with no confirmations
  estimates in it): try again on a later pass, from a later block;
* ``FulfillmentNotSealed`` (a stand-in after the window): send the seal (of the proof, or of
  the posted output), fulfil or post on a later pass from a later block (see
  :mod:`oracle_node.chain.sealing`);
* ``RequestExpired``: ``expired``;
* proof or eligibility errors: ``failed`` with the decoded error as the reason;
* anything else (RPC trouble included): retried with backoff, ``failed`` after the limit.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.exceptions import ContractLogicError, TransactionNotFound, Web3RPCError
from web3.logs import DISCARD as _DISCARD

from oracle_node.chain.contracts import OracleContracts, commitment_tuple, posting_of
from oracle_node.chain.fees import FeePolicy, fees_of, resign, signed
from oracle_node.chain.listener import REORG_REASON
from oracle_node.chain.postings import request_history, settle_job, split
from oracle_node.chain.sealing import batch_seal, fulfillment_seal, posting_seal
from oracle_node.chain.tx import GAS_MARGIN
from oracle_node.exceptions import RevertError
from oracle_node.store import Job, JobState, JobStore

log = logging.getLogger("oracle_node.submitter")

SETTLED_ELSEWHERE = {"RequestNotPending", "CommitmentMismatch", "RequestAlreadyPosted"}
FATAL = {
    "NotOptimistic",
    "OutputLengthMismatch",
    "InvalidProof",
    "InputInstancesMismatch",
    "InstanceCountMismatch",
    "NodeNotEligible",
    "ModelNotActive",
    # a batch the node laid out wrongly: proving it again will not help
    "BatchLengthMismatch",
    "BatchSizeOutOfRange",
    "BatchModelMismatch",
    "DuplicateRequestInBatch",
    "RequestIdsNotAscending",
    "PaddingClaimedAsRequest",
    "BatchInstanceCountMismatch",
}


def gas_cost(receipt: Any) -> int:
    """Wei paid for a mined transaction's gas."""
    return int(receipt["gasUsed"]) * int(receipt.get("effectiveGasPrice", 0))


class Submitter:
    """Turns ``proved`` jobs into mined fulfilments (one thread calls it; it holds the nonce)."""

    def __init__(
        self,
        contracts: OracleContracts,
        account: LocalAccount,
        store: JobStore,
        *,
        chain_id: int,
        retries: int = 5,
        tx_timeout: float = 120.0,
        replace_after: float = 60.0,
        fees: FeePolicy | None = None,
    ) -> None:
        self.contracts = contracts
        self.w3: Web3 = contracts.w3
        self.account = account
        self.address = Web3.to_checksum_address(account.address)
        self.store = store
        self.chain_id = chain_id
        self.retries = retries
        self.tx_timeout = tx_timeout
        self.replace_after = replace_after
        self.fees = fees or FeePolicy()
        self._next_nonce: int | None = None
        self._at_cap: set[int] = set()  # nonces already warned about: fees at the cap
        self._lock = threading.Lock()

    # --------------------------------------------------------------- proved

    def submit(self, job: Job) -> None:
        """Send the fulfilment of a ``proved`` job (re-sending a stored one after a crash)."""
        self._submit([job], [job])

    def submit_batch(self, batch: list[int]) -> None:
        """Send the one ``fulfillBatch`` of a proven batch (``batch``: its request ids in slot
        order). Members settled by someone else meanwhile stay in the call (the coordinator
        skips them); if a member's request left the chain in a re-org, the batch is rolled
        back: its other members go back to ``inferred`` to be proven again."""
        slots = self.store.get_many(batch)
        if len(slots) != len(batch):
            missing = sorted(set(batch) - {job.request_id for job in slots})
            raise RevertError("fulfillBatch", None, f"batch members {missing} are not in the store")
        members = [j for j in slots if j.state is JobState.PROVED and j.batch == batch]
        if not members:
            return
        if any(_left_batch(job, batch) for job in slots):
            self._roll_back(members, "a member's request left the chain in a re-org")
            return
        self._submit(members, slots)

    def _submit(self, members: list[Job], slots: list[Job]) -> None:
        """One fulfilment transaction for ``members`` (the ``proved`` jobs of one unit: a job,
        or the members of a batch); ``slots`` are the jobs the call names, in order."""
        first = members[0]
        if first.tx_hash is not None and first.raw_tx is not None:
            if self._mined(first) is not None:
                self._move(members, JobState.SUBMITTED)
                return
            if not self._any_pending(members):
                return
            self._broadcast(members, first.raw_tx)
            return
        if not self._any_pending(members):
            return
        call = self._fulfill_call(slots)
        what = _what(first)
        try:
            gas = int(call.estimate_gas({"from": self.address}) * GAS_MARGIN)
        except ContractLogicError as exc:
            decoded = self.contracts.decoder.decode(exc.data)
            error = RevertError(f"{what} (estimate)", decoded, str(exc.data or ""))
            if error.error_name == "FulfillmentNotSealed":
                if not self._draw_pending(members):
                    self._seal(members)  # a stand-in: fulfil from a block after the seal's
                return
            self._on_unit_revert(members, error)
            return
        tx_hash, raw, nonce = self.sign(call, gas)
        self._move(
            members, JobState.PROVED, tx_hash=tx_hash, raw_tx=raw, nonce=nonce,
            sent_hashes=[tx_hash],
        )  # fmt: skip
        self._broadcast(self.store.get_many(j.request_id for j in members), raw)

    def sign(self, call: Any, gas: int) -> tuple[str, bytes, int]:
        """Sign ``call`` with the node's next nonce: (tx hash, raw bytes, nonce). Callers store
        them before :meth:`broadcast_raw`, so a crash in between re-sends the same bytes."""
        fees = self.fees.market(self.w3).fields()
        with self._lock:
            nonce = self._take_nonce()
            tx = call.build_transaction(
                {"from": self.address, "nonce": nonce, "gas": gas, "chainId": self.chain_id,
                 **fees}
            )  # fmt: skip
            tx_hash, raw = signed(self.account, tx)
        return tx_hash, raw, nonce

    def broadcast_raw(self, raw: bytes) -> bool:
        """Send signed bytes. True when the RPC has them (now, or already); False when their
        nonce was taken by another transaction (the caller rebuilds its transaction)."""
        try:
            self.w3.eth.send_raw_transaction(raw)
        except (ValueError, Web3RPCError) as exc:  # JSON-RPC error reply
            text = str(exc).lower()
            if "already known" in text or "already imported" in text:
                return True
            if "nonce too low" in text:
                with self._lock:
                    self._next_nonce = None
                return False
            raise
        return True

    def _any_pending(self, members: list[Job]) -> bool:
        """Whether any member is still pending on chain; the others are settled from the logs."""
        pending = False
        for job in members:
            if self.contracts.is_pending(job.request_id, job.commitment):
                pending = True
            else:
                self.settle_elsewhere(job)
        return pending

    def _now(self) -> float:
        return float(self.w3.eth.get_block("latest")["timestamp"])

    def _move(self, members: list[Job], to_state: JobState, **fields: Any) -> None:
        """Move the ``proved`` members together (one database transaction)."""
        ids = [j.request_id for j in members]
        self.store.transition_many(ids, [JobState.PROVED], to_state, **fields)

    def _roll_back(self, members: list[Job], why: str) -> None:
        """Send a batch's ``proved`` members back to ``inferred``, to be proven again."""
        self.store.transition_many(
            [j.request_id for j in members], [JobState.PROVED], JobState.INFERRED,
            proof=None, instances=None, output=None, batch=None,
            tx_hash=None, raw_tx=None, nonce=None, sent_hashes=None,
            reason=f"batch rolled back: {why}",
        )  # fmt: skip
        log.warning("%s rolled back: %s", _label(members), why)

    def _draw_pending(self, members: list[Job]) -> bool:
        """True while we are a drawn primary but the chain cannot see the draw yet: calls run
        in the latest block, and the draw's seed is the hash of the request's block, known only
        from the block after it on. Wait for a new block then (no seal is needed)."""
        latest = int(self.w3.eth.block_number)
        return any(
            job.primary_node == self.address and latest <= int(job.commitment["requestBlock"])
            for job in members
        )

    def _seal(self, members: list[Job]) -> None:
        """Seal this fulfilment (and wait for the seal's receipt) unless it is sealed already;
        the next pass fulfils once a later block runs the estimate."""
        first = members[0]
        if first.optimistic:
            seal = posting_seal(first.request_id, self.address, first.output or [])
        elif first.batch is None:
            assert first.proof is not None and first.instances is not None
            seal = fulfillment_seal(first.request_id, self.address, first.proof, first.instances)
        else:
            assert first.proof is not None and first.instances is not None
            seal = batch_seal(first.batch, self.address, first.proof, first.instances)
        coordinator = self.contracts.coordinator
        if int(coordinator.functions.sealedAt(self.address, seal).call()) != 0:
            return
        pending = next(
            (j for j in members if self.contracts.is_pending(j.request_id, j.commitment)), first
        )
        self.send_call(coordinator.functions.sealFulfillment(pending.request_id, seal), "seal")
        log.info("request %d: stand-in fulfilment sealed", first.request_id)

    def _broadcast(self, members: list[Job], raw: bytes) -> None:
        first = members[0]
        if not self.broadcast_raw(raw):
            self._nonce_reused(members)
            return
        self._move(members, JobState.SUBMITTED, timings={"sent_at": time.time()})
        log.info("%s: %s sent in %s", _label(members), _what(first), first.tx_hash)

    def _nonce_reused(self, members: list[Job]) -> None:
        """Our stored transaction's nonce was used by another one: rebuild it."""
        if self._mined(members[0]) is not None:
            self._move(members, JobState.SUBMITTED)
            return
        with self._lock:
            self._next_nonce = None
        self._move(
            members, JobState.PROVED, tx_hash=None, raw_tx=None, nonce=None, sent_hashes=None
        )

    def send_call(self, call: Any, what: str) -> Any:
        """Send another transaction from the node's key (e.g. a withdrawal) and wait for it.

        It takes its nonce under the same lock as fulfilments, so the two never collide.
        """
        try:
            gas = int(call.estimate_gas({"from": self.address}) * GAS_MARGIN)
        except ContractLogicError as exc:
            raise RevertError(
                what, self.contracts.decoder.decode(exc.data), str(exc.data or "")
            ) from None
        fees = self.fees.market(self.w3).fields()
        with self._lock:
            tx = call.build_transaction(
                {"from": self.address, "nonce": self._take_nonce(), "gas": gas,
                 "chainId": self.chain_id, **fees}
            )  # fmt: skip
            tx_hash, raw = signed(self.account, tx)
            self.w3.eth.send_raw_transaction(raw)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=self.tx_timeout)  # type: ignore[arg-type]
        if receipt["status"] != 1:
            raise RevertError(
                what, None, f"mined but reverted in {Web3.to_hex(receipt['transactionHash'])}"
            )
        return receipt

    def recover_nonces(self) -> list[int]:
        """Fill gaps below the stored transactions' nonces, so that they can be mined.

        A stored transaction whose nonce is above the account's next mined one waits for the
        lower nonces. Each of them is sent again from the store when a job holds it, or else
        (a transaction dropped from the mempool, or lost) taken by a zero-value transfer to
        this node's own address. Returns the nonces filled by such transfers."""
        mined = int(self.w3.eth.get_transaction_count(self.address, "latest"))
        stored: dict[int, bytes] = {}
        for job in self.store.in_state(JobState.PROVED, JobState.SUBMITTED):
            if job.nonce is not None and job.raw_tx is not None and job.nonce >= mined:
                stored.setdefault(job.nonce, job.raw_tx)
        if not stored:
            return []
        # the mempool's transactions of ours in a row from the mined nonce (a gap ends the row)
        in_pool = int(self.w3.eth.get_transaction_count(self.address, "pending"))
        filled = []
        for nonce in range(mined, max(stored) + 1):
            if nonce in stored:
                try:
                    self.broadcast_raw(stored[nonce])
                except (ValueError, Web3RPCError) as exc:
                    log.warning("nonce %d: stored transaction not sent again: %s", nonce, exc)
                continue
            if nonce >= in_pool and self._fill(nonce):
                filled.append(nonce)
        if filled:
            log.warning("nonces %s were missing below stored transactions: filled with "
                        "zero-value transfers to %s", filled, self.address)  # fmt: skip
        return filled

    def _fill(self, nonce: int) -> bool:
        """Take ``nonce`` with a zero-value transfer to ourselves; False if the RPC refused."""
        tx = {"to": self.address, "value": 0, "gas": 21_000, "nonce": nonce,
              "chainId": self.chain_id, **self.fees.market(self.w3).fields()}  # fmt: skip
        tx_hash, raw = signed(self.account, tx)
        try:
            self.broadcast_raw(raw)
        except (ValueError, Web3RPCError) as exc:  # e.g. a transaction of ours is queued there
            log.warning("nonce %d: gap not filled: %s", nonce, exc)
            return False
        log.info("nonce %d: gap filled by %s", nonce, tx_hash)
        return True

    def _take_nonce(self) -> int:
        chain = int(self.w3.eth.get_transaction_count(self.address, "pending"))
        nonce = chain if self._next_nonce is None else max(chain, self._next_nonce)
        self._next_nonce = nonce + 1
        return nonce

    def _fulfill_call(self, slots: list[Job]) -> Any:
        first = slots[0]
        functions = self.contracts.coordinator.functions
        if first.optimistic:
            assert first.output is not None
            return functions.postOutput(
                first.request_id, commitment_tuple(first.commitment), first.output
            )
        assert first.proof is not None and first.instances is not None
        if first.batch is None:
            return functions.fulfill(
                first.request_id, commitment_tuple(first.commitment), first.proof, first.instances
            )
        return functions.fulfillBatch(
            [job.request_id for job in slots],
            [commitment_tuple(job.commitment) for job in slots],
            first.proof,
            first.instances,
        )

    # ------------------------------------------------------------ submitted

    def confirm(self, job: Job) -> bool:
        """Check a ``submitted`` job's receipt; True when the job reached a final state."""
        return self.confirm_unit([job])

    def confirm_unit(self, members: list[Job]) -> bool:
        """Check the receipt of the transaction ``members`` (one job, or the ``submitted``
        members of one batch) were sent in; True when they all reached a final state."""
        first = members[0]
        assert first.tx_hash is not None
        receipt = self._mined(first)
        if receipt is None:
            sent_at = first.timings.get("sent_at", first.updated_at)
            if time.time() - sent_at > self.replace_after and first.raw_tx is not None:
                self._replace(members)
            return False
        mined = "0x" + bytes(receipt["transactionHash"]).hex().removeprefix("0x")
        if mined != first.tx_hash:  # an earlier one of the hashes sent for this nonce
            self.store.transition_many(
                [j.request_id for j in members], [JobState.SUBMITTED], JobState.SUBMITTED,
                tx_hash=mined,
            )  # fmt: skip
        submit_s = time.time() - first.timings.get("sent_at", time.time())
        shares = split(int(receipt["gasUsed"]), len(members))
        wei = split(gas_cost(receipt), len(members))
        if receipt["status"] == 1 and first.optimistic:
            self._posted(first, receipt, submit_s)
            return True
        if receipt["status"] == 1:
            outputs = self._outputs_from(receipt)
            for job, gas_used, gas_wei in zip(members, shares, wei, strict=True):
                gas = {"gas_used": job.gas_used + gas_used, "gas_wei": job.gas_wei + gas_wei}
                if job.request_id not in outputs:  # skipped in the batch: settled meanwhile
                    self.store.update(job.request_id, JobState.SUBMITTED, **gas)
                    self.settle_elsewhere(self.store.get(job.request_id))
                    continue
                self.store.transition(
                    job.request_id, [JobState.SUBMITTED], JobState.FULFILLED,
                    output=outputs[job.request_id],
                    timings={"submit_s": submit_s, "gas_used": gas_used}, **gas,
                )  # fmt: skip
            log.info("%s fulfilled (gas %d)", _label(members), receipt["gasUsed"])
            return True
        for job, gas_used, gas_wei in zip(members, shares, wei, strict=True):
            self.store.transition(
                job.request_id, [JobState.SUBMITTED], JobState.PROVED,
                tx_hash=None, raw_tx=None, nonce=None, sent_hashes=None,
                gas_used=job.gas_used + gas_used, gas_wei=job.gas_wei + gas_wei,
            )  # fmt: skip
        reverted = self.store.get_many(j.request_id for j in members)
        slots = reverted if first.batch is None else self.store.get_many(first.batch)
        self._on_unit_revert(reverted, self._replay(slots))
        return all(
            job.state not in (JobState.PROVED, JobState.SUBMITTED)
            for job in self.store.get_many(j.request_id for j in members)
        )

    def _posted(self, job: Job, receipt: Any, submit_s: float) -> None:
        """Our ``postOutput`` was mined: keep the posting it stored, for ``finalize``."""
        gas = {"gas_used": job.gas_used + int(receipt["gasUsed"]),
               "gas_wei": job.gas_wei + gas_cost(receipt)}  # fmt: skip
        events = self.contracts.coordinator.events.OutputPosted().process_receipt(
            receipt, errors=_DISCARD
        )
        if not events:  # cannot happen for a mined postOutput; read the logs to be sure
            self.store.update(job.request_id, JobState.SUBMITTED, **gas)
            self.settle_elsewhere(self.store.get(job.request_id))
            return
        args = events[0]["args"]
        posting = posting_of(job.request_id, job.commitment, args["poster"], int(args["finalAt"]))
        self.store.transition(
            job.request_id, [JobState.SUBMITTED], JobState.POSTED, posting=posting,
            posting_block=int(receipt["blockNumber"]),
            posting_block_hash="0x" + bytes(receipt["blockHash"]).hex().removeprefix("0x"),
            timings={"submit_s": submit_s, "posted_at": time.time()}, **gas,
        )  # fmt: skip
        log.info("request %d: output posted, final at %d", job.request_id, posting["finalAt"])

    def _replace(self, members: list[Job]) -> None:
        """Nothing sent for the unit's nonce is mined after ``replace_after`` seconds: sign
        the same call with fees 12.5% higher (stored before it is sent), or send the last
        one again when the fee cap leaves no room. A lower nonce missing (a gap) is filled
        first; a nonce used by a transaction not ours sends the unit back to be rebuilt."""
        first = members[0]
        assert first.raw_tx is not None and first.nonce is not None
        ids = [j.request_id for j in members]
        mined_nonce = int(self.w3.eth.get_transaction_count(self.address, "latest"))
        if first.nonce < mined_nonce:
            if self._mined(first) is not None:  # ours, mined since the receipt check
                return
            log.warning("%s: nonce %d was used by another transaction, rebuilding",
                        _label(members), first.nonce)  # fmt: skip
            with self._lock:
                self._next_nonce = None
            self.store.transition_many(
                ids, [JobState.SUBMITTED], JobState.PROVED,
                tx_hash=None, raw_tx=None, nonce=None, sent_hashes=None,
            )  # fmt: skip
            return
        if first.nonce > mined_nonce:
            self.recover_nonces()
        old = fees_of(first.raw_tx)
        new = None if old is None else self.fees.bumped(old, self.fees.market(self.w3))
        raw = first.raw_tx
        if new is None:  # at the cap (or a transaction signed without EIP-1559 fees)
            if first.nonce not in self._at_cap:
                self._at_cap.add(first.nonce)
                log.warning("%s: %s not mined and its fees cannot be raised (at the cap, "
                            "chain.max_fee_gwei): sending it again as it is",
                            _label(members), first.tx_hash)  # fmt: skip
        else:
            tx_hash, raw = resign(self.account, first.raw_tx, new)
            self.store.transition_many(
                ids, [JobState.SUBMITTED], JobState.SUBMITTED,
                tx_hash=tx_hash, raw_tx=raw, sent_hashes=[*first.hashes, tx_hash],
            )  # fmt: skip
            log.warning("%s: %s not mined, replaced by %s (max fee %d -> %d wei)",
                        _label(members), first.tx_hash, tx_hash, old.max_fee if old else 0,
                        new.max_fee)  # fmt: skip
        self.broadcast_raw(raw)
        self.store.transition_many(
            ids, [JobState.SUBMITTED], JobState.SUBMITTED, timings={"sent_at": time.time()}
        )

    def _mined(self, job: Job) -> Any:
        """The receipt of whichever transaction sent for the job's nonce was mined, if any."""
        for tx_hash in job.hashes:
            receipt = self._receipt(tx_hash)
            if receipt is not None:
                return receipt
        return None

    def _receipt(self, tx_hash: str) -> Any:
        try:
            return self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None

    def _replay(self, slots: list[Job]) -> RevertError:
        """Re-run a reverted fulfilment as a call to learn its error."""
        what = _what(slots[0])
        try:
            self._fulfill_call(slots).call({"from": self.address})
        except ContractLogicError as exc:
            return RevertError(what, self.contracts.decoder.decode(exc.data), str(exc.data))
        return RevertError(what, None, "reverted on chain, passes as a call now")

    def _outputs_from(self, receipt: Any) -> dict[int, list[int]]:
        """Request id -> output of every ``InferenceFulfilled`` in a receipt."""
        events = self.contracts.coordinator.events.InferenceFulfilled().process_receipt(
            receipt, errors=_DISCARD
        )
        return {
            int(event["args"]["requestId"]): [int(x) for x in event["args"]["output"]]
            for event in events
        }

    # --------------------------------------------------------------- errors

    def on_revert(self, job: Job, error: RevertError) -> None:
        self._on_unit_revert([job], error)

    def _on_unit_revert(self, members: list[Job], error: RevertError) -> None:
        """What a decoded revert of one fulfilment (of a job or of a batch) means for its
        ``proved`` members."""
        name = error.error_name
        ids = [job.request_id for job in members]
        log.warning("%s: %s", _label(members), error)
        if name in SETTLED_ELSEWHERE and members[0].batch is not None:
            # one member's commitment changed (a re-org): prove the pending ones again
            still = [j for j in members if self.contracts.is_pending(j.request_id, j.commitment)]
            for job in members:
                if job not in still:
                    self.settle_elsewhere(job)
            if still:
                self._roll_back(still, str(error))
        elif name in SETTLED_ELSEWHERE or name == "NothingToSettle":
            for job in members:
                self.settle_elsewhere(job)
        elif name == "NotPrimaryNode":
            window_end = max(int(job.commitment["windowEnd"]) for job in members)
            self._move(members, JobState.PROVED, not_before=window_end, reason=str(error))
        elif name in ("FulfillmentNotSealed", "RequestNotYetOpen"):
            self._move(members, JobState.PROVED, reason=str(error))
        elif name == "RequestExpired":
            self._move(members, JobState.EXPIRED, reason=str(error))
        elif name in FATAL:
            for rid in ids:
                self.store.fail(rid, str(error))
        else:
            attempts = max(job.attempts for job in members) + 1
            if attempts > self.retries:
                for rid in ids:
                    self.store.fail(rid, f"gave up after {attempts} attempts: {error}")
            else:
                self._move(members, JobState.PROVED, attempts=attempts, reason=str(error))

    def settle_elsewhere(self, job: Job) -> None:
        """The request is no longer pending: find out from the logs who settled it."""
        history = request_history(self.contracts, job.request_id, job.block_number)
        settle_job(self.store, job, history, self.address, self._now())


def _what(job: Job) -> str:
    """The coordinator function a job's transaction calls."""
    if job.optimistic:
        return "postOutput"
    return "fulfill" if job.batch is None else "fulfillBatch"


def _left_batch(job: Job, batch: list[int]) -> bool:
    """Whether a batch member is no longer one: revived or re-proven after a re-org."""
    if job.state is JobState.FAILED:
        return job.reason == REORG_REASON
    return job.batch != batch or job.state in (JobState.NEW, JobState.INFERRED)


def _label(members: list[Job]) -> str:
    if len(members) == 1 and members[0].batch is None:
        return f"request {members[0].request_id}"
    return f"batch {members[0].batch}"
