"""Signs and sends ``fulfill``: nonces, gas estimation, retries, receipts, decoded reverts.

The signed transaction and its hash are written to the job store *before* broadcast. After a
crash the same bytes are sent again (same nonce), so at most one fulfilment transaction per
request can ever be mined, and none once the request is no longer pending on chain.

A revert is decoded from the coordinator's ABI and decides what happens next:

* ``RequestNotPending`` / ``CommitmentMismatch``: the logs say who settled it: ``fulfilled``
  (us), ``taken`` (another node) or ``expired`` (cancelled); with no such log, ``failed``;
* ``NotPrimaryNode``: not our turn yet, wait for the window to end;
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

from oracle_node.chain.contracts import OracleContracts, commitment_tuple, topic_of
from oracle_node.chain.tx import GAS_MARGIN
from oracle_node.exceptions import RevertError
from oracle_node.store import OPEN_STATES, Job, JobState, JobStore

log = logging.getLogger("oracle_node.submitter")

SETTLED_ELSEWHERE = {"RequestNotPending", "CommitmentMismatch"}
FATAL = {
    "InvalidProof",
    "InputInstancesMismatch",
    "InstanceCountMismatch",
    "NodeNotEligible",
    "ModelNotActive",
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
    ) -> None:
        self.contracts = contracts
        self.w3: Web3 = contracts.w3
        self.account = account
        self.address = Web3.to_checksum_address(account.address)
        self.store = store
        self.chain_id = chain_id
        self.retries = retries
        self.tx_timeout = tx_timeout
        self._next_nonce: int | None = None
        self._lock = threading.Lock()

    # --------------------------------------------------------------- proved

    def submit(self, job: Job) -> None:
        """Send the fulfilment of a ``proved`` job (re-sending a stored one after a crash)."""
        if job.tx_hash is not None and job.raw_tx is not None:
            if self._receipt(job.tx_hash) is not None:
                self.store.transition(job.request_id, [JobState.PROVED], JobState.SUBMITTED)
                return
            if not self.contracts.is_pending(job.request_id, job.commitment):
                self.settle_elsewhere(job)
                return
            self._broadcast(job, job.raw_tx)
            return
        if not self.contracts.is_pending(job.request_id, job.commitment):
            self.settle_elsewhere(job)
            return
        call = self._fulfill_call(job)
        try:
            gas = int(call.estimate_gas({"from": self.address}) * GAS_MARGIN)
        except ContractLogicError as exc:
            decoded = self.contracts.decoder.decode(exc.data)
            self.on_revert(job, RevertError("fulfill (estimate)", decoded, str(exc.data or "")))
            return
        with self._lock:
            nonce = self._take_nonce()
            tx = call.build_transaction(
                {"from": self.address, "nonce": nonce, "gas": gas, "chainId": self.chain_id}
            )
            signed = self.account.sign_transaction(tx)
        tx_hash = "0x" + bytes(signed.hash).hex().removeprefix("0x")
        raw = bytes(signed.raw_transaction)
        self.store.update(job.request_id, JobState.PROVED, tx_hash=tx_hash, raw_tx=raw, nonce=nonce)
        self._broadcast(self.store.get(job.request_id), raw)

    def _broadcast(self, job: Job, raw: bytes) -> None:
        try:
            self.w3.eth.send_raw_transaction(raw)
        except (ValueError, Web3RPCError) as exc:  # JSON-RPC error reply
            text = str(exc).lower()
            if "already known" in text or "already imported" in text:
                pass
            elif "nonce too low" in text:
                self._nonce_reused(job)
                return
            else:
                raise
        self.store.transition(
            job.request_id, [JobState.PROVED], JobState.SUBMITTED, timings={"sent_at": time.time()}
        )
        log.info("request %d: fulfil sent in %s", job.request_id, job.tx_hash)

    def _nonce_reused(self, job: Job) -> None:
        """Our stored transaction's nonce was used by another one: rebuild it."""
        assert job.tx_hash is not None
        if self._receipt(job.tx_hash) is not None:
            self.store.transition(job.request_id, [JobState.PROVED], JobState.SUBMITTED)
            return
        with self._lock:
            self._next_nonce = None
        self.store.update(job.request_id, JobState.PROVED, tx_hash=None, raw_tx=None, nonce=None)

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
        with self._lock:
            tx = call.build_transaction(
                {"from": self.address, "nonce": self._take_nonce(), "gas": gas,
                 "chainId": self.chain_id}
            )  # fmt: skip
            signed = self.account.sign_transaction(tx)
            self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(signed.hash, timeout=self.tx_timeout)
        if receipt["status"] != 1:
            raise RevertError(
                what, None, f"mined but reverted in {Web3.to_hex(receipt['transactionHash'])}"
            )
        return receipt

    def _take_nonce(self) -> int:
        chain = int(self.w3.eth.get_transaction_count(self.address, "pending"))
        nonce = chain if self._next_nonce is None else max(chain, self._next_nonce)
        self._next_nonce = nonce + 1
        return nonce

    def _fulfill_call(self, job: Job) -> Any:
        assert job.proof is not None and job.instances is not None
        return self.contracts.coordinator.functions.fulfill(
            job.request_id, commitment_tuple(job.commitment), job.proof, job.instances
        )

    # ------------------------------------------------------------ submitted

    def confirm(self, job: Job) -> bool:
        """Check a ``submitted`` job's receipt; True when the job reached a final state."""
        assert job.tx_hash is not None
        receipt = self._receipt(job.tx_hash)
        if receipt is None:
            sent_at = job.timings.get("sent_at", job.updated_at)
            if time.time() - sent_at > self.tx_timeout and job.raw_tx is not None:
                log.warning("request %d: %s not mined yet, re-sending", job.request_id, job.tx_hash)
                self.store.transition(job.request_id, [JobState.SUBMITTED], JobState.PROVED)
            return False
        submit_s = time.time() - job.timings.get("sent_at", time.time())
        gas = {
            "gas_used": job.gas_used + int(receipt["gasUsed"]),
            "gas_wei": job.gas_wei + gas_cost(receipt),
        }
        if receipt["status"] == 1:
            output = self._output_from(receipt)
            self.store.transition(
                job.request_id, [JobState.SUBMITTED], JobState.FULFILLED,
                output=output if output is not None else job.output,
                timings={"submit_s": submit_s, "gas_used": receipt["gasUsed"]}, **gas,
            )  # fmt: skip
            log.info("request %d fulfilled (gas %d)", job.request_id, receipt["gasUsed"])
            return True
        self.store.transition(
            job.request_id, [JobState.SUBMITTED], JobState.PROVED,
            tx_hash=None, raw_tx=None, nonce=None, **gas,
        )  # fmt: skip
        self.on_revert(self.store.get(job.request_id), self._replay(job))
        return self.store.get(job.request_id).state not in (JobState.PROVED, JobState.SUBMITTED)

    def _receipt(self, tx_hash: str) -> Any:
        try:
            return self.w3.eth.get_transaction_receipt(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return None

    def _replay(self, job: Job) -> RevertError:
        """Re-run a reverted fulfilment as a call to learn its error."""
        try:
            self._fulfill_call(job).call({"from": self.address})
        except ContractLogicError as exc:
            return RevertError("fulfill", self.contracts.decoder.decode(exc.data), str(exc.data))
        return RevertError("fulfill", None, "reverted on chain, passes as a call now")

    def _output_from(self, receipt: Any) -> list[int] | None:
        events = self.contracts.coordinator.events.InferenceFulfilled().process_receipt(
            receipt, errors=_DISCARD
        )
        for event in events:
            return [int(x) for x in event["args"]["output"]]
        return None

    # --------------------------------------------------------------- errors

    def on_revert(self, job: Job, error: RevertError) -> None:
        name = error.error_name
        rid = job.request_id
        log.warning("request %d: %s", rid, error)
        if name in SETTLED_ELSEWHERE:
            self.settle_elsewhere(job)
        elif name == "NotPrimaryNode":
            window_end = int(job.commitment["windowEnd"])
            self.store.update(rid, JobState.PROVED, not_before=window_end, reason=str(error))
        elif name == "RequestExpired":
            self.store.transition(rid, [JobState.PROVED], JobState.EXPIRED, reason=str(error))
        elif name in FATAL:
            self.store.fail(rid, str(error))
        elif job.attempts + 1 > self.retries:
            self.store.fail(rid, f"gave up after {job.attempts + 1} attempts: {error}")
        else:
            self.store.update(rid, JobState.PROVED, attempts=job.attempts + 1, reason=str(error))

    def settle_elsewhere(self, job: Job) -> None:
        """The request is no longer pending: find out from the logs who settled it."""
        coordinator = self.contracts.coordinator
        topic = "0x" + job.request_id.to_bytes(32, "big").hex()
        for event_type, cancelled in (
            (coordinator.events.InferenceFulfilled, False),
            (coordinator.events.InferenceCancelled, True),
        ):
            event = event_type()
            logs = self.w3.eth.get_logs(
                {
                    "address": coordinator.address,
                    "fromBlock": job.block_number,
                    "toBlock": "latest",
                    "topics": [topic_of(event), topic],
                }
            )
            for raw in logs:
                args = event.process_log(raw)["args"]
                if cancelled:
                    self.store.transition(job.request_id, OPEN_STATES, JobState.EXPIRED,
                                          reason="cancelled by the requester")  # fmt: skip
                    return
                node = Web3.to_checksum_address(args["node"])
                if node == self.address:
                    self.store.transition(
                        job.request_id, OPEN_STATES, JobState.FULFILLED,
                        output=[int(x) for x in args["output"]],
                    )  # fmt: skip
                else:
                    self.store.transition(
                        job.request_id, OPEN_STATES, JobState.TAKEN, taken_by=node
                    )
                return
        self.store.fail(job.request_id, "request is not pending on chain (re-org or unknown id)")
