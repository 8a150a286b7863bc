"""Listener and submitter against a real anvil chain and the real contracts.

The model's verifier here is the contracts' ``MockVerifier`` (accepts, rejects or reverts on
demand), so fault cases run in milliseconds; real proofs are the end-to-end tests' job.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from eth_account import Account

from oracle_node.chain.account import read_account, withdraw_credits
from oracle_node.chain.contracts import commitment_to_json
from oracle_node.chain.listener import REORG_REASON, Listener
from oracle_node.chain.sealing import standin_start
from oracle_node.chain.submitter import Submitter
from oracle_node.encoding import int_to_felt
from oracle_node.store import JobState, JobStore
from tests.node.conftest import FEE, PARAMS, Chain
from tests.support.protocol import send


@pytest.fixture
def store(tmp_path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "jobs.sqlite3")
    yield s
    s.close()


def listener(chain: Chain, store: JobStore, node: str, confirmations: int = 0) -> Listener:
    return Listener(chain.contracts(), store, node, confirmations=confirmations)


def submitter(chain: Chain, store: JobStore, node: str) -> Submitter:
    account = Account.from_key(chain.nodes[node])
    return Submitter(chain.contracts(), account, store, chain_id=31337)


def prove_fake(store: JobStore, request_id: int, output: list[int]) -> None:
    """Put a job in ``proved`` with instances the coordinator accepts (mock verifier)."""
    job = store.get(request_id)
    instances = [int_to_felt(x) for x in job.input] + [int_to_felt(x) for x in output]
    store.transition(
        request_id, [JobState.NEW], JobState.PROVED,
        proof=b"\x01" * 32, instances=instances, output=output, not_before=0,
    )  # fmt: skip


def primary_of(chain: Chain, request_id: int) -> str:
    [log] = chain.protocol.coordinator.events.InferenceRequested().get_logs(
        from_block=0, argument_filters={"requestId": request_id}
    )
    commitment = commitment_to_json(log["args"]["commitment"])
    return chain.contracts().primary_of(request_id, commitment, bytes(log["blockHash"]))


def other_node(chain: Chain, node: str) -> str:
    return next(n for n in chain.nodes if n != node)


def drain(lst: Listener) -> None:
    while not lst.poll_once():
        pass


def test_listener_waits_for_confirmations_then_records_the_request(chain, store):
    node = next(iter(chain.nodes))
    lst = listener(chain, store, node, confirmations=2)
    drain(lst)
    request_id = chain.request([1] * 30)
    drain(lst)
    assert store.find(request_id) is None
    chain.mine(2)
    drain(lst)
    job = store.get(request_id)
    assert job.state is JobState.NEW and job.input == [1] * 30
    assert store.cursor() is not None and store.cursor()[0] == chain.w3.eth.block_number - 2


def test_a_request_removed_by_a_reorg_is_failed_and_revived_when_mined_again(chain, store):
    node = next(iter(chain.nodes))
    lst = listener(chain, store, node)
    drain(lst)
    snapshot = chain.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    request_id = chain.request([2] * 30)
    drain(lst)
    assert store.get(request_id).state is JobState.NEW
    chain.w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    chain.mine(3)  # a longer chain without the request
    drain(lst)
    job = store.get(request_id)
    assert (job.state, job.reason) == (JobState.FAILED, REORG_REASON)
    again = chain.request([3] * 30)  # the same id, re-mined with another input
    drain(lst)
    assert again == request_id
    revived = store.get(request_id)
    assert revived.state is JobState.NEW and revived.input == [3] * 30


def test_primary_fulfils_and_the_other_node_marks_it_taken(chain, tmp_path):
    request_id = chain.request([4] * 30)
    primary = primary_of(chain, request_id)
    other = other_node(chain, primary)
    stores = {n: JobStore(tmp_path / f"{n}.sqlite3") for n in (primary, other)}
    for n, s in stores.items():
        drain(listener(chain, s, n))
    assert stores[other].get(request_id).not_before > 0  # waits for the window
    prove_fake(stores[primary], request_id, [7])
    sub = submitter(chain, stores[primary], primary)
    sub.submit(stores[primary].get(request_id))
    assert stores[primary].get(request_id).state is JobState.SUBMITTED
    assert sub.confirm(stores[primary].get(request_id))
    assert stores[primary].get(request_id).state is JobState.FULFILLED
    assert chain.consumer.functions.lastOutput().call() == [7]
    # the other node, asked to submit anyway, learns from the chain that it was taken
    prove_fake(stores[other], request_id, [7])
    submitter(chain, stores[other], other).submit(stores[other].get(request_id))
    job = stores[other].get(request_id)
    assert (job.state, job.taken_by) == (JobState.TAKEN, primary)


def test_not_primary_inside_the_window_waits_for_the_window_end(chain, store):
    request_id = chain.request([5] * 30)
    other = other_node(chain, primary_of(chain, request_id))
    drain(listener(chain, store, other))
    prove_fake(store, request_id, [1])
    submitter(chain, store, other).submit(store.get(request_id))
    job = store.get(request_id)
    assert job.state is JobState.PROVED
    assert job.not_before == job.commitment["windowEnd"]
    assert job.reason is not None and "NotPrimaryNode(" in job.reason


def test_a_stand_in_starts_at_its_drawn_point_after_the_window(chain, store):
    request_id = chain.request([5] * 30)
    other = other_node(chain, primary_of(chain, request_id))
    lst = Listener(chain.contracts(), store, other, confirmations=0, standin_spread_s=600)
    drain(lst)
    job = store.get(request_id)
    window_end, deadline = job.commitment["windowEnd"], job.commitment["deadline"]
    assert job.not_before == standin_start(request_id, other, window_end, deadline, 600)
    assert window_end <= job.not_before < window_end + (deadline - window_end) / 2


def test_a_rejected_proof_fails_with_the_decoded_error(chain, store):
    request_id = chain.request([6] * 30)
    primary = primary_of(chain, request_id)
    drain(listener(chain, store, primary))
    prove_fake(store, request_id, [1])
    send(chain.w3, chain.protocol.verifier.functions.setMode(2), chain.w3.eth.accounts[0])
    try:
        submitter(chain, store, primary).submit(store.get(request_id))
    finally:
        send(chain.w3, chain.protocol.verifier.functions.setMode(0), chain.w3.eth.accounts[0])
    job = store.get(request_id)
    assert job.state is JobState.FAILED
    assert f"InvalidProof(requestId={request_id})" in (job.reason or "")


class _Crash(Exception):
    pass


def test_crash_between_signing_and_sending_resends_the_same_transaction(chain, store):
    request_id = chain.request([8] * 30)
    primary = primary_of(chain, request_id)
    drain(listener(chain, store, primary))
    prove_fake(store, request_id, [2])
    first = submitter(chain, store, primary)

    def crash(*_: object) -> None:
        raise _Crash

    first._broadcast = crash  # type: ignore[method-assign]
    with pytest.raises(_Crash):
        first.submit(store.get(request_id))
    stored = store.get(request_id)
    assert stored.state is JobState.PROVED and stored.tx_hash and stored.raw_tx
    assert chain.protocol.coordinator.functions.commitmentOf(request_id).call() != b"\0" * 32
    restarted = submitter(chain, store, primary)  # a new process after the crash
    restarted.submit(store.get(request_id))
    assert restarted.confirm(store.get(request_id))
    job = store.get(request_id)
    assert job.state is JobState.FULFILLED and job.tx_hash == stored.tx_hash
    fulfilled = chain.protocol.coordinator.events.InferenceFulfilled().get_logs(
        from_block=0, argument_filters={"requestId": request_id}
    )
    assert len(fulfilled) == 1
    assert fulfilled[0]["transactionHash"].to_0x_hex() == stored.tx_hash


def test_other_nodes_requests_for_models_not_served_here_are_ignored(chain, tmp_path):
    request_id = chain.request([9] * 30)
    primary = primary_of(chain, request_id)
    other = other_node(chain, primary)
    for node, expect_recorded in ((primary, True), (other, False)):
        s = JobStore(tmp_path / f"{node}.sqlite3")
        lst = Listener(chain.contracts(), s, node, confirmations=0, model_ids={999})
        drain(lst)
        assert (s.find(request_id) is not None) is expect_recorded
        s.close()


def test_fulfilment_gas_is_recorded_and_credits_are_withdrawn_with_the_submitters_nonces(
    chain, store
):
    request_id = chain.request([6] * 30)
    primary = primary_of(chain, request_id)
    drain(listener(chain, store, primary))
    before = read_account(chain.contracts(), primary)
    prove_fake(store, request_id, [3])
    sub = submitter(chain, store, primary)
    sub.submit(store.get(request_id))
    assert sub.confirm(store.get(request_id))
    job = store.get(request_id)
    receipt = chain.w3.eth.get_transaction_receipt(job.tx_hash)
    assert job.gas_used == receipt["gasUsed"] > 0
    assert job.gas_wei == receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert job.fee_wei == FEE
    after = read_account(chain.contracts(), primary)
    assert after.fee_credit_wei == before.fee_credit_wei + FEE
    assert after.balance_wei == before.balance_wei - job.gas_wei
    assert after.stake_wei > 0 and not after.unbonding and after.active

    recipient = chain.w3.eth.accounts[9]
    funds = chain.w3.eth.get_balance(recipient)
    done = withdraw_credits(chain.contracts(), primary, recipient, sub.send_call)
    assert [(w.what, w.amount_wei) for w in done] == [("fees", after.fee_credit_wei)]
    assert chain.w3.eth.get_balance(recipient) == funds + after.fee_credit_wei
    assert read_account(chain.contracts(), primary).withdrawable_wei == 0
    assert withdraw_credits(chain.contracts(), primary, recipient, sub.send_call) == []


def test_a_stand_in_seals_first_then_fulfils_from_a_later_block(chain, store):
    """After the window another node may fulfil, but only with a seal mined before its
    fulfilment: the submitter sends the seal when the coordinator asks for it, then fulfils."""
    from oracle_node.chain.sealing import fulfillment_seal
    from tests.node.conftest import PARAMS

    request_id = chain.request([8] * 30)
    other = other_node(chain, primary_of(chain, request_id))
    drain(listener(chain, store, other))
    prove_fake(store, request_id, [1])
    chain.w3.provider.make_request("evm_increaseTime", [PARAMS.exclusive_window + 1])  # type: ignore[arg-type]
    chain.mine(1)
    sub = submitter(chain, store, other)
    sub.submit(store.get(request_id))
    job = store.get(request_id)
    assert job.state is JobState.PROVED and job.tx_hash is None
    assert job.proof is not None and job.instances is not None
    seal = fulfillment_seal(request_id, other, job.proof, job.instances)
    coordinator = chain.protocol.coordinator
    assert coordinator.functions.sealedAt(other, seal).call() == chain.w3.eth.block_number
    chain.mine(1)
    sub.submit(store.get(request_id))
    assert store.get(request_id).state is JobState.SUBMITTED
    assert sub.confirm(store.get(request_id))
    assert store.get(request_id).state is JobState.FULFILLED
    assert coordinator.functions.sealedAt(other, seal).call() == 0  # spent


# Last in the module: it moves the chain's time forward.
def test_windows_and_deadlines_follow_block_time_not_the_wall_clock(chain, store):
    from oracle_node.chain.clock import BlockClock
    from oracle_node.node.metrics import NodeMetrics
    from oracle_node.node.models import ModelSet
    from oracle_node.node.stages import InferenceStage

    node = next(iter(chain.nodes))
    clock = BlockClock()
    lst = Listener(chain.contracts(), store, node, confirmations=0, clock=clock)
    request_id = chain.request([1] * 30)
    drain(lst)
    job = store.get(request_id)
    deadline = int(job.commitment["deadline"])
    assert clock() <= deadline  # the chain has not reached the deadline yet

    chain.w3.provider.make_request("evm_increaseTime", [PARAMS.request_timeout + 5])
    chain.mine()
    drain(lst)
    assert clock() > deadline  # ...now it has, while the wall clock is still far from it
    import time

    assert time.time() < deadline

    stage = InferenceStage(store, NodeMetrics(store), threading.Event(), ModelSet())
    stage.clock = clock
    stage.setup()
    try:
        stage.step()
    finally:
        stage.cleanup()
    assert store.get(request_id).state is JobState.EXPIRED
