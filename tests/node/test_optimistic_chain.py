"""Optimistic requests against a real anvil chain and the real contracts: posting, stand-ins,
finalising in batches, the watcher's challenge (once, across a crash), re-orgs.

The model's verifier is the contracts' ``MockVerifier``, and a fake prover pool stands in for
EZKL: what a proof shows is its instances, so a challenge's truth is whatever the fake pool
says. Real witnesses and real proofs are the end-to-end test's job
(``tests/e2e/test_optimistic_e2e.py``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from eth_account import Account

from oracle_node.chain.challenger import Challenger
from oracle_node.chain.contracts import commitment_tuple, posting_tuple
from oracle_node.chain.listener import REORG_REASON, Listener
from oracle_node.chain.postings import Finalizer
from oracle_node.chain.sealing import challenge_seal, posting_seal
from oracle_node.chain.submitter import Submitter
from oracle_node.encoding import int_to_felt
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.optimistic import FinaliseStage, WatchStage
from oracle_node.node.provers import ProofOutcome, WitnessOutcome
from oracle_node.store import JobState, JobStore
from oracle_node.watchlog import REORG_MOOT, WatchState
from tests.node.conftest import FEE, PARAMS, Chain
from tests.node.test_chain import other_node, primary_of
from tests.support.protocol import send

WINDOW = 300
BOND = 3 * 10**17
TRUTH = [5]
LIE = [6]
MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"


@pytest.fixture(scope="module")
def opt_model(chain: Chain) -> int:
    """The mock model again, with a challenge window and a bond; both nodes serve it, with
    stake enough to stay in the pools after the slashes of this module."""
    model_id = chain.protocol.register_model(challenge_window=WINDOW, bond=BOND)
    registry = chain.protocol.node_registry.functions
    for node in chain.nodes:
        send(chain.w3, registry.stake(), node, 3 * 10**18)
        send(chain.w3, registry.addModel(model_id), node)
    return model_id


@pytest.fixture
def stores(tmp_path, chain) -> Iterator[dict[str, JobStore]]:
    """One job store per node."""
    made = {node: JobStore(tmp_path / f"{node}.sqlite3") for node in chain.nodes}
    yield made
    for store in made.values():
        store.close()


# ------------------------------------------------------------------------------ helpers


def ask(chain: Chain, model_id: int, inputs: list[int]) -> int:
    """An Optimistic request from the recording consumer; one more block for the draw."""
    call = chain.consumer.functions.requestOptimistic(model_id, inputs, 200_000)
    receipt = send(chain.w3, call, chain.w3.eth.accounts[0], FEE)
    event = chain.protocol.coordinator.events.InferenceRequested().process_receipt(receipt)[0]
    chain.mine()
    return int(event["args"]["requestId"])


def listener(chain: Chain, store: JobStore, node: str, **kw: Any) -> Listener:
    return Listener(chain.contracts(), store, node, confirmations=0, **kw)


def drain(lst: Listener) -> None:
    while not lst.poll_once():
        pass


def submitter(chain: Chain, store: JobStore, node: str) -> Submitter:
    return Submitter(chain.contracts(), Account.from_key(chain.nodes[node]), store, chain_id=31337)


def witnessed(store: JobStore, request_id: int, output: list[int]) -> None:
    """Put a job in ``proved`` as the proving stage leaves an Optimistic one: output, no proof."""
    store.transition(request_id, [JobState.NEW], JobState.PROVED, output=output, not_before=0)


def post(chain: Chain, store: JobStore, node: str, request_id: int, output: list[int]) -> None:
    """The node posts ``output`` for its request: submit, then confirm the receipt."""
    witnessed(store, request_id, output)
    sub = submitter(chain, store, node)
    sub.submit(store.get(request_id))
    job = store.get(request_id)
    assert job.state is JobState.SUBMITTED
    mined(chain, job.tx_hash)
    assert sub.confirm(store.get(request_id))


def mined(chain: Chain, tx_hash: str | None) -> None:
    """Wait for a sent transaction's receipt (anvil mines it just after it answers)."""
    chain.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=10)  # type: ignore[arg-type]


def now(chain: Chain) -> float:
    return float(chain.w3.eth.get_block("latest")["timestamp"])


def warp(chain: Chain, seconds: int) -> None:
    chain.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
    chain.mine()


def logs(chain: Chain, event: str, request_id: int) -> list[Any]:
    kind = getattr(chain.protocol.coordinator.events, event)
    return list(kind().get_logs(from_block=0, argument_filters={"requestId": request_id}))


def stake_of(chain: Chain, node: str) -> int:
    return int(chain.protocol.node_registry.functions.getNode(node).call()[0])


class FakePool:
    """The prover pool, answering at once: the witness gives ``truth``, and a proof shows it
    (the mock verifier accepts any proof bytes)."""

    workers = 1

    def __init__(self, truth: list[int]) -> None:
        self.truth = truth
        self.proofs = 0

    def witness(self, model_dir: Path, srs: Path | None, inputs: list[int]) -> Future[Any]:
        return _done(WitnessOutcome(list(self.truth), 0.001))

    def submit(self, model_dir: Path, srs: Path | None, inputs: list[int]) -> Future[Any]:
        self.proofs += 1
        instances = [int_to_felt(x) for x in [*inputs, *self.truth]]
        return _done(ProofOutcome(b"\x01" * 32, instances, list(self.truth), 0.001, 0.01))

    def reset(self) -> None: ...


def _done(value: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(value)
    return future


class Models:
    """The served models, as the watcher asks for them."""

    def get(self, model_id: int) -> Any:
        return SimpleNamespace(dir=MODEL_DIR, srs_path=None)


def watcher(chain: Chain, store: JobStore, node: str, pool: FakePool) -> WatchStage:
    sub = submitter(chain, store, node)
    challenger = Challenger(chain.contracts(), sub, store, clock=lambda: now(chain))
    stage = WatchStage(store, NodeMetrics(store), threading.Event(), Models(), pool, challenger)  # type: ignore[arg-type]
    stage.clock = lambda: now(chain)
    t = [0.0]

    def monotonic() -> float:  # every receipt poll is due at once
        t[0] += 10.0
        return t[0]

    stage.monotonic = monotonic
    return stage


def run_until(stage: WatchStage, store: JobStore, request_id: int, states: set[WatchState]) -> Any:
    w3 = stage.challenger.contracts.w3
    for _ in range(50):
        stage.step()
        row = store.watched(request_id)
        if row is not None and row.state in states:
            return row
        time.sleep(0.02)  # anvil mines a sent transaction just after it answers
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]  # a live chain moves on
    raise AssertionError(f"request {request_id} is {store.watched(request_id)}, wanted {states}")


class _Crash(Exception):
    pass


# -------------------------------------------------------------------------------- posting


def test_the_primary_posts_the_output_without_a_proof_and_the_other_node_sees_it_taken(
    chain, stores, opt_model
):
    request_id = ask(chain, opt_model, [4] * 30)
    primary = primary_of(chain, request_id)
    other = other_node(chain, primary)
    for node, store in stores.items():
        drain(listener(chain, store, node))
    deliveries = chain.consumer.functions.deliveries().call()
    post(chain, stores[primary], primary, request_id, [7])
    job = stores[primary].get(request_id)
    assert job.state is JobState.POSTED and job.optimistic and job.proof is None
    assert job.posting is not None and job.posting["poster"] == primary
    [posted] = logs(chain, "OutputPosted", request_id)
    assert job.final_at == chain.w3.eth.get_block(posted["blockNumber"])["timestamp"] + WINDOW
    assert job.output == [7] and chain.contracts().is_posted(request_id, job.posting, [7])
    assert posted["args"]["output"] == [7]
    assert job.posting_block == posted["blockNumber"] and job.gas_used > 0
    coordinator = chain.protocol.coordinator.functions
    assert coordinator.isPosted(request_id, posting_tuple(job.posting), [7]).call()
    assert chain.consumer.functions.deliveries().call() == deliveries  # no callback yet
    drain(listener(chain, stores[other], other))
    taken = stores[other].get(request_id)
    assert (taken.state, taken.taken_by) == (JobState.TAKEN, primary)


def test_a_posted_request_sent_again_after_a_crash_is_recognised_as_posted(
    chain, stores, opt_model
):
    """A node that posted but died before recording the receipt: the resent transaction is
    known, the receipt is found, and the job ends ``posted`` (no second posting)."""
    request_id = ask(chain, opt_model, [5] * 30)
    primary = primary_of(chain, request_id)
    store = stores[primary]
    drain(listener(chain, store, primary))
    witnessed(store, request_id, [3])
    submitter(chain, store, primary).submit(store.get(request_id))
    store.transition(request_id, [JobState.SUBMITTED], JobState.PROVED)  # the lost step
    again = submitter(chain, store, primary)
    again.submit(store.get(request_id))
    mined(chain, store.get(request_id).tx_hash)
    assert again.confirm(store.get(request_id))
    assert store.get(request_id).state is JobState.POSTED
    assert len(logs(chain, "OutputPosted", request_id)) == 1


def test_postings_are_finalised_in_batches_after_their_window(chain, stores, opt_model):
    start = chain.w3.eth.block_number + 1  # this test's requests only
    ids = [ask(chain, opt_model, [10 + i] * 30) for i in range(5)]
    posters = {rid: primary_of(chain, rid) for rid in ids}
    for node, store in stores.items():
        drain(listener(chain, store, node, start_block=start))
    for rid in ids:
        post(chain, stores[posters[rid]], posters[rid], rid, [rid])
    stages = {}
    for node, store in stores.items():
        finalizer = Finalizer(
            chain.contracts(), store, node, submitter(chain, store, node).send_call
        )
        stage = FinaliseStage(store, NodeMetrics(store), threading.Event(), finalizer, batch=2,
                              wait_s=0)  # fmt: skip
        stage.clock = lambda: now(chain)
        stages[node] = stage
    deliveries = chain.consumer.functions.deliveries().call()
    for stage in stages.values():
        stage.step()  # inside the window: nothing happens
    assert all(stores[posters[rid]].get(rid).state is JobState.POSTED for rid in ids)

    warp(chain, WINDOW + 1)
    for stage in stages.values():
        stage.step()
    txs: dict[str, list[int]] = {}
    finalized = chain.protocol.coordinator.events.OutputsFinalized().get_logs(from_block=start)
    settled_in = {
        int(rid): (entry["transactionHash"].to_0x_hex(), int(result))
        for entry in finalized
        for rid, result in zip(entry["args"]["requestIds"], entry["args"]["results"], strict=True)
    }
    for rid in ids:
        job = stores[posters[rid]].get(rid)
        assert job.state is JobState.FULFILLED and job.output == [rid]
        assert logs(chain, "InferenceFulfilled", rid) == []  # one OutputsFinalized says it
        tx, result = settled_in[rid]
        assert result == 0  # delivered
        txs.setdefault(tx, []).append(rid)
        assert job.gas_used > 0
    assert chain.consumer.functions.deliveries().call() == deliveries + len(ids)
    for node in stores:  # each node sent ceil(k / 2) transactions for its k postings
        mine = [rid for rid in ids if posters[rid] == node]
        sent = {tx for tx, members in txs.items() if posters[members[0]] == node}
        assert len(sent) == (len(mine) + 1) // 2
    assert max(len(members) for members in txs.values()) == 2
    credits = chain.protocol.coordinator.functions.credits
    assert all(credits(node).call() >= FEE for node in set(posters.values()))


# ------------------------------------------------------------------------------- watcher


def a_lie(
    chain: Chain, stores: dict[str, JobStore], opt_model: int, value: int
) -> tuple[int, str, str]:
    """A request on ``[value] * 30`` that every node's listener has seen, whose primary then
    posts LIE: its id, the liar, and another node to watch it."""
    request_id = ask(chain, opt_model, [value] * 30)
    liar = primary_of(chain, request_id)
    for node, store in stores.items():
        drain(listener(chain, store, node, watch=True))
    post(chain, stores[liar], liar, request_id, LIE)
    return request_id, liar, other_node(chain, liar)


def test_the_watcher_challenges_a_wrong_posting_once_across_a_crash(chain, stores, opt_model):
    """The liar posts [6]; the watcher's witness says [5]: it proves, signs and stores the
    challenge, dies before sending it, and after a restart sends those very bytes."""
    request_id, liar, watching = a_lie(chain, stores, opt_model, 6)
    wstore = stores[watching]
    drain(listener(chain, wstore, watching, watch=True))
    row = wstore.get_watched(request_id)
    assert (row.state, row.poster, row.posted_output) == (WatchState.SEEN, liar, LIE)
    assert wstore.get(request_id).state is JobState.TAKEN
    stakes = {node: stake_of(chain, node) for node in chain.nodes}

    pool = FakePool(TRUTH)
    first = watcher(chain, wstore, watching, pool)

    def crash(raw: bytes) -> bool:
        raise _Crash

    first.challenger.submitter.broadcast_raw = crash  # type: ignore[method-assign]
    with pytest.raises(_Crash):
        run_until(first, wstore, request_id, set())
    stored = wstore.get_watched(request_id)
    assert stored.state is WatchState.PROVED and stored.tx_hash and stored.raw_tx
    assert stored.output == TRUTH and pool.proofs == 1
    assert chain.contracts().is_posted(request_id, stored.posting, LIE)  # nothing was sent

    restarted = watcher(chain, wstore, watching, pool)  # a new process after the crash
    done = run_until(restarted, wstore, request_id, {WatchState.CHALLENGED})
    assert done.tx_hash == stored.tx_hash and pool.proofs == 1 and done.slashed_wei == BOND
    [challenged] = logs(chain, "PostingChallenged", request_id)
    assert challenged["transactionHash"].to_0x_hex() == stored.tx_hash
    assert (challenged["args"]["poster"], challenged["args"]["challenger"]) == (liar, watching)
    [fulfilled] = logs(chain, "InferenceFulfilled", request_id)
    assert fulfilled["args"]["output"] == TRUTH and fulfilled["args"]["node"] == watching
    assert chain.consumer.functions.lastOutput().call() == TRUTH
    assert stake_of(chain, liar) == stakes[liar] - BOND
    assert stake_of(chain, watching) == stakes[watching]  # only the liar is slashed
    restarted.step()  # nothing left to do, nothing sent again
    assert len(logs(chain, "PostingChallenged", request_id)) == 1

    drain(listener(chain, stores[liar], liar))  # the liar's node learns it lost
    lost = stores[liar].get(request_id)
    assert lost.state is JobState.LOST and lost.taken_by == watching
    assert lost.reason is not None and f"slashed {BOND} wei" in lost.reason
    drain(listener(chain, wstore, watching, watch=True))
    assert wstore.get_watched(request_id).state is WatchState.CHALLENGED


def test_an_honest_posting_is_agreed_and_its_finalisation_leaves_it_alone(
    chain, stores, opt_model, tmp_path
):
    """A watch-only node (no jobs: it reads the request's input from its log) agrees with an
    honest posting and sends nothing."""
    request_id = ask(chain, opt_model, [7] * 30)
    poster = primary_of(chain, request_id)
    drain(listener(chain, stores[poster], poster))
    post(chain, stores[poster], poster, request_id, TRUTH)
    only = JobStore(tmp_path / "watch-only.sqlite3")
    watching = other_node(chain, poster)
    drain(listener(chain, only, watching, serve=False, watch=True))
    assert only.find(request_id) is None  # a watch-only node records no jobs
    row = only.get_watched(request_id)
    assert row.input == [7] * 30 and row.commitment["challengeWindow"] == WINDOW
    pool = FakePool(TRUTH)
    run_until(watcher(chain, only, watching, pool), only, request_id, {WatchState.AGREED})
    assert pool.proofs == 0 and logs(chain, "PostingChallenged", request_id) == []
    only.close()


def test_a_wrong_posting_challenged_first_by_someone_else_is_moot(chain, stores, opt_model):
    request_id, liar, watching = a_lie(chain, stores, opt_model, 8)
    wstore = stores[watching]
    drain(listener(chain, wstore, watching, watch=True))
    stage = watcher(chain, wstore, watching, FakePool(TRUTH))
    row = wstore.get_watched(request_id)
    # anyone may challenge: the deployer proves it first (sealing first, as everyone must)
    instances = [int_to_felt(x) for x in [*row.input, *TRUTH]]
    deployer = chain.w3.eth.accounts[0]
    coordinator = chain.protocol.coordinator.functions
    seal = challenge_seal(request_id, deployer, b"\x02", instances)
    send(chain.w3, coordinator.sealFulfillment(request_id, seal), deployer)
    chain.mine()  # the challenge goes from a block after the seal's
    call = coordinator.challenge(
        request_id, commitment_tuple(row.commitment), posting_tuple(row.posting), LIE, b"\x02",
        instances,
    )  # fmt: skip
    send(chain.w3, call, deployer)
    done = run_until(stage, wstore, request_id, {WatchState.MOOT})
    assert done.reason == f"challenged first by {chain.w3.eth.accounts[0]}"
    assert len(logs(chain, "PostingChallenged", request_id)) == 1


def test_a_stand_in_posts_after_the_window_with_a_posting_seal(chain, stores, opt_model):
    request_id = ask(chain, opt_model, [9] * 30)
    primary = primary_of(chain, request_id)
    other = other_node(chain, primary)
    store = stores[other]
    drain(listener(chain, store, other))
    witnessed(store, request_id, [2])
    warp(chain, PARAMS.exclusive_window + 1)
    sub = submitter(chain, store, other)
    sub.submit(store.get(request_id))  # the coordinator asks for a seal: it is sent first
    job = store.get(request_id)
    assert job.state is JobState.PROVED and job.tx_hash is None
    seal = posting_seal(request_id, other, [2])
    coordinator = chain.protocol.coordinator.functions
    assert coordinator.sealedAt(other, seal).call() == chain.w3.eth.block_number
    assert coordinator.postingSeal(request_id, other, [2]).call() == seal
    chain.mine()
    sub.submit(store.get(request_id))
    mined(chain, store.get(request_id).tx_hash)
    assert sub.confirm(store.get(request_id))
    assert store.get(request_id).state is JobState.POSTED
    [posted] = logs(chain, "OutputPosted", request_id)
    assert posted["args"]["poster"] == other
    receipt = chain.w3.eth.get_transaction_receipt(posted["transactionHash"])
    [slashed] = chain.protocol.node_registry.events.NodeSlashed().process_receipt(receipt)
    assert slashed["args"]["node"] == primary and slashed["args"]["amount"] > 0  # the primary


def test_a_posting_seen_after_its_window_is_left_alone(chain, stores, opt_model):
    request_id, liar, watching = a_lie(chain, stores, opt_model, 11)
    warp(chain, WINDOW + 1)
    wstore = stores[watching]
    drain(listener(chain, wstore, watching, watch=True))
    pool = FakePool(TRUTH)
    done = run_until(watcher(chain, wstore, watching, pool), wstore, request_id, {WatchState.MOOT})
    assert done.reason == "the challenge window closed first" and pool.proofs == 0


# -------------------------------------------------------------------------------- re-orgs


def test_a_posting_removed_by_a_reorg_is_sent_again_and_watched_again(chain, stores, opt_model):
    request_id = ask(chain, opt_model, [12] * 30)
    poster = primary_of(chain, request_id)
    watching = other_node(chain, poster)
    lst = {node: listener(chain, store, node, watch=True) for node, store in stores.items()}
    for each in lst.values():
        drain(each)
    snapshot = chain.w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    post(chain, stores[poster], poster, request_id, TRUTH)
    first = stores[poster].get(request_id)
    for each in lst.values():
        drain(each)
    assert stores[watching].get_watched(request_id).state is WatchState.SEEN

    chain.w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    chain.mine(3)  # a longer chain without the posting
    for each in lst.values():
        drain(each)
    job = stores[poster].get(request_id)
    assert (job.state, job.reason) == (JobState.PROVED, REORG_REASON)
    assert job.tx_hash == first.tx_hash and job.posting is None
    gone = stores[watching].get_watched(request_id)
    assert (gone.state, gone.reason) == (WatchState.MOOT, REORG_MOOT)
    assert chain.contracts().is_pending(request_id, job.commitment)

    sub = submitter(chain, stores[poster], poster)
    sub.submit(job)  # the same signed bytes again
    mined(chain, job.tx_hash)
    assert sub.confirm(stores[poster].get(request_id))
    again = stores[poster].get(request_id)
    assert again.state is JobState.POSTED and again.tx_hash == first.tx_hash
    [posted] = logs(chain, "OutputPosted", request_id)
    assert posted["transactionHash"].to_0x_hex() == first.tx_hash
    drain(lst[watching])
    revived = stores[watching].get_watched(request_id)
    assert revived.state is WatchState.SEEN and revived.posting == again.posting
