"""A fulfilment stuck in the mempool: replaced with higher fees, and nonce gaps filled.

anvil runs with automine off inside these tests, so a sent transaction stays pending until the
test mines a block (``evm_mine``): no timing race decides what is mined.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from eth_account import Account

from oracle_node.chain.fees import FeePolicy, decode, fees_of
from oracle_node.chain.submitter import Submitter
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.stages import SubmitStage
from oracle_node.store import JobState, JobStore
from tests.node.conftest import Chain
from tests.node.test_chain import drain, listener, primary_of, prove_fake


@pytest.fixture
def store(tmp_path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "jobs.sqlite3")
    yield s
    s.close()


@contextmanager
def manual_mining(chain: Chain) -> Iterator[None]:
    chain.w3.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        yield
    finally:
        chain.w3.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]


def rpc(chain: Chain, method: str, *params: object) -> object:
    reply = chain.w3.provider.make_request(method, list(params))  # type: ignore[arg-type]
    assert "error" not in reply, reply
    return reply["result"]


def proved_job(chain: Chain, store: JobStore, inputs: list[int]) -> tuple[int, str]:
    """A request this test's node is primary for, its job ``proved`` (mock proof)."""
    request_id = chain.request(inputs)
    primary = primary_of(chain, request_id)
    drain(listener(chain, store, primary))
    prove_fake(store, request_id, [2])
    return request_id, primary


def node_submitter(chain: Chain, store: JobStore, node: str, **kwargs: object) -> Submitter:
    account = Account.from_key(chain.nodes[node])
    return Submitter(chain.contracts(), account, store, chain_id=31337, **kwargs)  # type: ignore[arg-type]


def mined_from(chain: Chain, sender: str) -> list[dict[str, object]]:
    """The transactions of ``sender`` in the latest block."""
    block = chain.w3.eth.get_block("latest", full_transactions=True)
    return [dict(tx) for tx in block["transactions"] if tx["from"] == sender]  # type: ignore[index]


def fulfilment_hashes(chain: Chain, request_id: int) -> list[str]:
    logs = chain.protocol.coordinator.events.InferenceFulfilled().get_logs(
        from_block=0, argument_filters={"requestId": request_id}
    )
    return [log["transactionHash"].to_0x_hex() for log in logs]


def test_a_fulfilment_not_mined_is_replaced_with_higher_fees_and_mined_once(chain, store):
    request_id, primary = proved_job(chain, store, [11] * 30)
    sub = node_submitter(chain, store, primary, replace_after=0.0)
    with manual_mining(chain):
        sub.submit(store.get(request_id))
        first = store.get(request_id)
        assert first.state is JobState.SUBMITTED and first.raw_tx is not None
        assert not sub.confirm(first)  # not mined: replaced
        second = store.get(request_id)
        assert second.raw_tx is not None and second.tx_hash != first.tx_hash
        assert second.sent_hashes == [first.tx_hash, second.tx_hash]
        old, new = fees_of(first.raw_tx), fees_of(second.raw_tx)
        assert old is not None and new is not None
        assert new.max_fee * 8 >= old.max_fee * 9
        assert new.priority_fee * 8 >= old.priority_fee * 9
        assert decode(second.raw_tx)["nonce"] == first.nonce == second.nonce
        assert decode(second.raw_tx)["data"] == decode(first.raw_tx)["data"]
        pooled = chain.w3.eth.get_transaction(second.tx_hash)  # type: ignore[arg-type]
        assert pooled["maxFeePerGas"] == new.max_fee
        chain.mine()
    assert [tx["nonce"] for tx in mined_from(chain, primary)] == [first.nonce]
    assert sub.confirm(store.get(request_id))
    job = store.get(request_id)
    assert job.state is JobState.FULFILLED and job.tx_hash == second.tx_hash
    assert fulfilment_hashes(chain, request_id) == [second.tx_hash]


def test_an_earlier_hash_for_the_nonce_that_gets_mined_settles_the_job(chain, store):
    request_id, primary = proved_job(chain, store, [12] * 30)
    sub = node_submitter(chain, store, primary, replace_after=0.0)
    with manual_mining(chain):
        sub.submit(store.get(request_id))
        first = store.get(request_id)
        sub.confirm(first)
        second = store.get(request_id)
        assert second.tx_hash != first.tx_hash
        # the first one wins after all (another RPC still had it): only it is mined
        rpc(chain, "anvil_dropTransaction", second.tx_hash)
        assert first.raw_tx is not None
        chain.w3.eth.send_raw_transaction(first.raw_tx)
        chain.mine()
    assert sub.confirm(store.get(request_id))
    job = store.get(request_id)
    assert job.state is JobState.FULFILLED and job.tx_hash == first.tx_hash
    assert fulfilment_hashes(chain, request_id) == [first.tx_hash]


def test_at_the_fee_cap_the_same_transaction_is_sent_again_with_one_warning(chain, store, caplog):
    request_id, primary = proved_job(chain, store, [13] * 30)
    base = int(chain.w3.eth.get_block("latest")["baseFeePerGas"])
    cap = FeePolicy(max_fee=base + 1)  # the first transaction is already at the cap
    sub = node_submitter(chain, store, primary, replace_after=0.0, fees=cap)
    with manual_mining(chain), caplog.at_level(logging.WARNING, "oracle_node.submitter"):
        sub.submit(store.get(request_id))
        first = store.get(request_id)
        assert first.raw_tx is not None
        assert fees_of(first.raw_tx) is not None
        assert fees_of(first.raw_tx).max_fee == base + 1  # type: ignore[union-attr]
        assert not sub.confirm(first)
        assert not sub.confirm(store.get(request_id))
        assert store.get(request_id).tx_hash == first.tx_hash
        chain.mine()
    at_cap = [r for r in caplog.records if "at the cap" in r.getMessage()]
    assert len(at_cap) == 1
    assert sub.confirm(store.get(request_id))
    assert store.get(request_id).state is JobState.FULFILLED


def _gap_below_a_stored_fulfilment(
    chain: Chain, store: JobStore, request_id: int, primary: str
) -> int:
    """A transaction of the node at nonce n (not a job's) and its fulfilment at n + 1, then
    the one at n dropped from the mempool (anvil drops the later one with it); returns n."""
    account = Account.from_key(chain.nodes[primary])
    nonce = chain.w3.eth.get_transaction_count(primary, "pending")
    other = account.sign_transaction(
        {"to": primary, "value": 1, "gas": 21_000, "nonce": nonce, "chainId": 31337,
         "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9}
    )  # fmt: skip
    chain.w3.eth.send_raw_transaction(other.raw_transaction)
    node_submitter(chain, store, primary).submit(store.get(request_id))
    assert store.get(request_id).nonce == nonce + 1
    rpc(chain, "anvil_dropTransaction", other.hash.to_0x_hex())
    return nonce


def test_a_restart_fills_a_nonce_gap_below_a_stored_fulfilment(chain, store, caplog):
    request_id, primary = proved_job(chain, store, [14] * 30)
    with manual_mining(chain):
        gap = _gap_below_a_stored_fulfilment(chain, store, request_id, primary)
        chain.mine()
        assert store.get(request_id).state is JobState.SUBMITTED
        assert mined_from(chain, primary) == []  # stuck behind the gap
        restarted = node_submitter(chain, store, primary)
        stage = SubmitStage(store, NodeMetrics(store), threading.Event(), restarted)
        with caplog.at_level(logging.WARNING, "oracle_node.submitter"):
            stage.setup()  # what a node does at start
        chain.mine()
    assert any(f"nonces [{gap}] were missing" in r.getMessage() for r in caplog.records)
    mined = sorted(mined_from(chain, primary), key=lambda tx: tx["nonce"])  # type: ignore[arg-type,return-value]
    assert [tx["nonce"] for tx in mined] == [gap, gap + 1]
    assert mined[0]["to"] == primary and mined[0]["value"] == 0
    assert restarted.confirm(store.get(request_id))
    assert store.get(request_id).state is JobState.FULFILLED


def test_a_stuck_fulfilment_behind_a_gap_fills_it_when_replaced(chain, store):
    request_id, primary = proved_job(chain, store, [15] * 30)
    with manual_mining(chain):
        gap = _gap_below_a_stored_fulfilment(chain, store, request_id, primary)
        sub = node_submitter(chain, store, primary, replace_after=0.0)
        assert not sub.confirm(store.get(request_id))
        chain.mine()
    assert sorted(tx["nonce"] for tx in mined_from(chain, primary)) == [gap, gap + 1]  # type: ignore[type-var]
    assert sub.confirm(store.get(request_id))
    assert store.get(request_id).state is JobState.FULFILLED


def test_a_fulfilment_whose_nonce_another_transaction_took_is_rebuilt_and_mined(chain, store):
    request_id, primary = proved_job(chain, store, [16] * 30)
    account = Account.from_key(chain.nodes[primary])
    sub = node_submitter(chain, store, primary, replace_after=0.0)
    with manual_mining(chain):
        sub.submit(store.get(request_id))
        lost = store.get(request_id)
        assert lost.tx_hash is not None and lost.nonce is not None
        rpc(chain, "anvil_dropTransaction", lost.tx_hash)
        other = account.sign_transaction(
            {"to": primary, "value": 1, "gas": 21_000, "nonce": lost.nonce, "chainId": 31337,
             "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9}
        )  # fmt: skip
        chain.w3.eth.send_raw_transaction(other.raw_transaction)
        chain.mine()
        assert not sub.confirm(store.get(request_id))
        rebuilt = store.get(request_id)
        assert rebuilt.state is JobState.PROVED and rebuilt.tx_hash is None
        assert rebuilt.sent_hashes is None
        sub.submit(rebuilt)
        assert store.get(request_id).nonce == lost.nonce + 1
        chain.mine()
    assert sub.confirm(store.get(request_id))
    job = store.get(request_id)
    assert job.state is JobState.FULFILLED
    assert fulfilment_hashes(chain, request_id) == [job.tx_hash]
