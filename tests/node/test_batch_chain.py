"""``fulfillBatch`` from the node's submitter on a real anvil chain (mock verifier): one
transaction for a proven batch, members settled meanwhile skipped, stand-in batches sealed a
block ahead, and a batch rolled back when a member's request leaves the chain in a re-org."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_account import Account

from oracle_node.chain.contracts import commitment_tuple
from oracle_node.chain.listener import REORG_REASON, Listener
from oracle_node.chain.submitter import Submitter
from oracle_node.encoding import int_to_felt
from oracle_node.store import JobState, JobStore
from tests.node.conftest import FEE, Chain
from tests.support.protocol import send

N = 4


@pytest.fixture(scope="module")
def batch_model(chain: Chain) -> int:
    """breast_cancer's manifest registered as a circuit of N samples (the mock verifier)."""
    manifest = chain.protocol.manifest.model_copy(update={"batch_size": N})
    model_id = chain.protocol.register_model(manifest=manifest)
    for node in chain.nodes:
        send(chain.w3, chain.protocol.node_registry.functions.addModel(model_id), node)
    return model_id


@pytest.fixture
def store(tmp_path) -> Iterator[JobStore]:
    s = JobStore(tmp_path / "jobs.sqlite3")
    yield s
    s.close()


def request(chain: Chain, model_id: int, value: int) -> int:
    call = chain.consumer.functions.request(model_id, [value] * 30, 200_000)
    receipt = send(chain.w3, call, chain.w3.eth.accounts[0], FEE)
    event = chain.protocol.coordinator.events.InferenceRequested().process_receipt(receipt)[0]
    return int(event["args"]["requestId"])


def record(chain: Chain, store: JobStore, node: str) -> None:
    chain.mine()  # the draw's block hash is visible from the next block on
    lst = Listener(chain.contracts(), store, node, confirmations=0)
    while not lst.poll_once():
        pass


def prove_batch(store: JobStore, ids: list[int]) -> list[int]:
    """Put ``ids`` in ``proved`` as one batch with instances the layout asks for: the members'
    inputs then filler samples, then one output per slot (the slot's first input value)."""
    jobs = [store.get(rid) for rid in ids]
    in_len = len(jobs[0].input)
    inputs = [x for job in jobs for x in job.input] + [0] * in_len * (N - len(jobs))
    outputs = [inputs[slot * in_len] for slot in range(N)]
    for rid in ids:
        store.transition(rid, [JobState.NEW], JobState.INFERRED, not_before=0)
    instances = [int_to_felt(x) for x in inputs + outputs]
    per_job = {rid: [outputs[slot]] for slot, rid in enumerate(ids)}
    return store.prove_batch(ids, b"\x01" * 32, instances, per_job, {"prove_s": 0.1})


def submitter(chain: Chain, store: JobStore, node: str) -> Submitter:
    return Submitter(chain.contracts(), Account.from_key(chain.nodes[node]), store, chain_id=31337)


def confirm(chain: Chain, sub: Submitter, store: JobStore, ids: list[int]) -> None:
    chain.mine()
    members = [store.get(rid) for rid in ids if store.get(rid).state is JobState.SUBMITTED]
    assert members, [store.get(rid).state for rid in ids]
    assert sub.confirm_unit(members)


def fulfilments(chain: Chain, request_id: int) -> list[object]:
    return list(
        chain.protocol.coordinator.events.InferenceFulfilled().get_logs(
            from_block=0, argument_filters={"requestId": request_id}
        )
    )


def own_requests(
    chain: Chain, store: JobStore, batch_model: int, count: int
) -> tuple[str, list[int]]:
    """``count`` requests whose primary is one and the same node, recorded in its store."""
    node = next(iter(chain.nodes))
    mine: list[int] = []
    while len(mine) < count:
        rid = request(chain, batch_model, 10 + len(mine))
        record(chain, store, node)
        if store.get(rid).primary_node == node:
            mine.append(rid)
        else:
            store.transition(rid, [JobState.NEW], JobState.TAKEN, taken_by="elsewhere")
    return node, mine


def test_one_transaction_settles_the_whole_batch_with_one_event_per_request(
    chain, store, batch_model
):
    node, ids = own_requests(chain, store, batch_model, 3)
    assert prove_batch(store, ids) == ids
    sub = submitter(chain, store, node)
    sub.submit_batch(ids)
    jobs = [store.get(rid) for rid in ids]
    assert {j.state for j in jobs} == {JobState.SUBMITTED}
    assert len({j.tx_hash for j in jobs}) == 1
    confirm(chain, sub, store, ids)
    for slot, rid in enumerate(ids):
        job = store.get(rid)
        assert job.state is JobState.FULFILLED and job.output == [10 + slot]
        [event] = fulfilments(chain, rid)
        assert event["args"]["node"] == node and list(event["args"]["output"]) == [10 + slot]
        assert job.gas_used > 0
    receipt = chain.w3.eth.get_transaction_receipt(jobs[0].tx_hash)
    assert sum(store.get(rid).gas_used for rid in ids) == receipt["gasUsed"]


def test_a_member_settled_meanwhile_is_skipped_without_a_revert(chain, store, batch_model):
    node, ids = own_requests(chain, store, batch_model, 3)
    prove_batch(store, ids)
    # the middle request is settled by another transaction while the batch was proving
    early = store.get(ids[1])
    sub = submitter(chain, store, node)
    call = chain.contracts().coordinator.functions.fulfillBatch(
        [ids[1]], [commitment_tuple(early.commitment)], b"\x01" * 32,
        [int_to_felt(x) for x in early.input] + [0] * 30 * (N - 1)
        + [int_to_felt(11)] + [0] * (N - 1),
    )  # fmt: skip
    sub.send_call(call, "fulfillBatch")
    sub.submit_batch(ids)
    confirm(chain, sub, store, ids)
    assert all(len(fulfilments(chain, rid)) == 1 for rid in ids)
    assert all(store.get(rid).state is JobState.FULFILLED for rid in ids)
    [skipped] = fulfilments(chain, ids[1])
    assert skipped["transactionHash"].to_0x_hex() != store.get(ids[0]).tx_hash


def test_a_reorg_of_one_member_rolls_the_batch_back(chain, store, batch_model):
    node, ids = own_requests(chain, store, batch_model, 2)
    prove_batch(store, ids)
    store.fail(ids[0], REORG_REASON)
    sub = submitter(chain, store, node)
    sub.submit_batch(ids)
    other = store.get(ids[1])
    assert other.state is JobState.INFERRED
    assert other.proof is None and other.batch is None and other.tx_hash is None
    assert "rolled back" in (other.reason or "")
    assert fulfilments(chain, ids[1]) == []


def test_a_stand_in_batch_is_sealed_first_and_the_primaries_are_slashed(chain, store, batch_model):
    nodes = list(chain.nodes)
    stand_in = nodes[1]
    ids: list[int] = []
    while len(ids) < 2:
        rid = request(chain, batch_model, 40 + len(ids))
        record(chain, store, stand_in)
        if store.get(rid).primary_node == nodes[0]:
            ids.append(rid)
        else:
            store.transition(rid, [JobState.NEW], JobState.TAKEN, taken_by="elsewhere")
    window_end = max(int(store.get(rid).commitment["windowEnd"]) for rid in ids)
    chain.w3.provider.make_request("evm_setNextBlockTimestamp", [window_end + 1])  # type: ignore[arg-type]
    chain.mine()
    prove_batch(store, ids)
    registry = chain.protocol.node_registry
    stake_before = registry.functions.getNode(nodes[0]).call()[0]
    sub = submitter(chain, store, stand_in)
    sub.submit_batch(ids)  # estimate: not sealed -> seal, mined before it returns
    assert all(store.get(rid).state is JobState.PROVED for rid in ids)
    chain.mine()
    sub.submit_batch(ids)
    confirm(chain, sub, store, ids)
    assert all(store.get(rid).state is JobState.FULFILLED for rid in ids)
    assert registry.functions.getNode(nodes[0]).call()[0] < stake_before


def test_the_node_computes_the_batch_seal_as_the_coordinator_does(chain):
    from oracle_node.chain.sealing import batch_seal

    node = next(iter(chain.nodes))
    ids, proof, instances = [3, 5, 9], b"\x07" * 40, [1, 2**255, 3]
    on_chain = chain.protocol.coordinator.functions.batchSeal(ids, node, proof, instances).call()
    assert batch_seal(ids, node, proof, instances) == bytes(on_chain)
    assert batch_seal(ids[:2], node, proof, instances) != bytes(on_chain)
