"""Optimistic requests end to end: three ``oracle-node run`` processes on anvil, one of them
lying, real EZKL witnesses and real proofs of the committed ``breast_cancer`` circuit.

* the liar (a test-only fault: ``testing.lie_every``) posts a wrong output for every request of
  its with an even id; it stakes the most, so it is drawn for about half of the requests;
* an honest node with its watcher off;
* an honest node with its watcher on (the default), killed with SIGKILL while it proves its
  first challenge and started again.

The test waits until every request is posted and every lie challenged, moves the chain's time
past the challenge window and waits until every posting is finalised. Then, from the chain's
own logs: every lie was challenged exactly once, by the watcher, and the consumer got the
proven output; only the liar was slashed, one bond per lie; every honest posting was finalised
by ``finalize`` in batches; every request was settled and called back exactly once; the
restarted watcher sent one challenge transaction per lie, no more. The inputs and the lying
rule are fixed; which node is drawn for a request comes from block hashes, and every check
holds whatever the draw (more requests are sent if the draw gives the liar fewer than two
lies).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from oracle_node.chain.contracts import commitment_to_json
from oracle_node.store import JobStore
from oracle_node.watchlog import WatchState
from tests.e2e.conftest import sample
from tests.support.optimistic_net import (
    CALLBACK_GAS,
    FEE,
    LIAR_STAKE,
    PARAMS,
    Network,
    Terms,
    address,
    optimistic_network,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WINDOW = 300  # chain seconds; the chain runs at wall speed until the test moves it on
BOND = 10**17  # the liar's stake covers a bond for each of up to MAX_REQUESTS / 2 lies
REQUESTS = 24
MAX_REQUESTS = 40
LIE_EVERY = 2
FINALIZE_BATCH = 8


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> Iterator[Network]:
    terms = Terms(window=WINDOW, bond=BOND, lie_every=LIE_EVERY, finalize_batch=FINALIZE_BATCH,
                  samples=MAX_REQUESTS)  # fmt: skip
    with optimistic_network(tmp_path_factory.mktemp("optimistic"), terms) as net:
        yield net


def test_every_lie_is_challenged_once_and_every_honest_posting_is_finalised(network: Network):
    n = network
    w3, coordinator = n.w3, n.protocol.coordinator
    began = time.monotonic()
    phases: dict[str, float] = {}

    # 1. the requests, and the lies the draw makes (the liar is primary, the id is even)
    ids = send_requests(n, range(REQUESTS))
    lies = predicted_lies(n, ids)
    while len(lies) < 2 and len(ids) < MAX_REQUESTS:
        ids += send_requests(n, range(len(ids), len(ids) + 4))
        lies = predicted_lies(n, ids)
    assert len(lies) >= 2, f"the draw gave the liar {len(lies)} lies in {len(ids)} requests"
    assert len(lies) * BOND <= LIAR_STAKE - PARAMS.min_stake  # every lie costs a whole bond
    phases["requests sent"] = time.monotonic() - began

    # 2. the watcher dies while proving its first challenge, and starts again
    killed = kill_while_proving(n, lies)
    assert not n.logs("PostingChallenged").get(killed), "challenged before the kill"
    n.watcher.start(ready_timeout=300)
    phases["watcher restarted"] = time.monotonic() - began

    # 3. every request posted, every lie challenged (inside the window, in chain time)
    wait_until(n, lambda: all_posted_and_lies_challenged(n, ids), 400, "posted and challenged")
    phases["all posted, lies challenged"] = time.monotonic() - began

    # 4. past the window: every posting finalised
    w3.provider.make_request("evm_increaseTime", [WINDOW + 1])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    wait_until(n, lambda: set(ids) <= n.settled(), 180, "all finalised")
    phases["all settled"] = time.monotonic() - began
    time.sleep(3)  # a duplicate transaction would be mined by now

    posted, challenged = n.logs("OutputPosted"), n.logs("PostingChallenged")
    fulfilled, finalized = n.logs("InferenceFulfilled"), n.finalized()
    truths = {rid: n.truths[i] for i, rid in enumerate(ids)}
    wrong = {rid for rid in ids if list(posted[rid][0]["args"]["output"]) != truths[rid]}
    liar, honest, watcher = (address(x) for x in (n.liar, n.honest, n.watcher))

    # every request: one posting, one settlement with the circuit's output, one callback
    for rid in ids:
        assert len(posted[rid]) == 1, rid
        assert len(fulfilled.get(rid, [])) + len(finalized.get(rid, [])) == 1, rid
        if rid in fulfilled:  # challenged: the proven output
            event = fulfilled[rid][0]["args"]
            assert list(event["output"]) == truths[rid] and event["result"] == 0, rid
        else:  # finalised: the posted output, which was the circuit's
            assert list(posted[rid][0]["args"]["output"]) == truths[rid], rid
            assert finalized[rid][0][1] == 0, rid
    assert n.consumer.functions.deliveries().call() == len(ids)
    assert n.consumer.functions.lastOutput().call() in [truths[rid] for rid in ids]

    # every lie (and only a lie) challenged once, by the watcher, for the bond
    assert wrong == lies
    assert set(challenged) == lies
    for rid in lies:
        [event] = challenged[rid]
        assert (event["args"]["poster"], event["args"]["challenger"]) == (liar, watcher)
        assert event["args"]["slashed"] == BOND
        assert fulfilled[rid][0]["args"]["node"] == watcher
        assert fulfilled[rid][0]["transactionHash"] == event["transactionHash"]

    # every honest posting finalised by its poster, several per `finalize`
    batches: Counter[bytes] = Counter()
    for rid in set(ids) - lies:
        log, _ = finalized[rid][0]
        tx = w3.eth.get_transaction(log["transactionHash"])
        assert called(n, tx) == "finalize" and tx["from"] == posted[rid][0]["args"]["poster"]
        batches[bytes(log["transactionHash"])] += 1
    assert max(batches.values()) >= 2 and max(batches.values()) <= FINALIZE_BATCH

    # only the liar was slashed, one bond per lie; the books balance
    registry = n.protocol.node_registry.functions
    assert registry.getNode(liar).call()[0] == LIAR_STAKE - len(lies) * BOND
    assert registry.getNode(honest).call()[0] == PARAMS.min_stake
    assert registry.getNode(watcher).call()[0] == PARAMS.min_stake
    everyone = [*w3.eth.accounts, n.consumer.address]
    credits = sum(coordinator.functions.credits(a).call() for a in everyone)
    assert w3.eth.get_balance(coordinator.address) == credits  # nothing pending

    # the watcher, killed mid-proof, sent exactly one challenge per lie, no duplicate
    assert challenges_sent_by(n, watcher) == len(lies)
    row = n.watcher.get("/v1/challenges?state=challenged&limit=500")["postings"]
    assert {int(r["request_id"]) for r in row} == lies and killed in lies

    # what each node's API says about it
    ours = {x.name: x.get("/v1/optimistic") for x in n.nodes}
    assert ours["watcher"]["challenges_made"] == len(lies)
    assert ours["liar"]["challenges_suffered"] == len(lies)
    for x in n.nodes:
        report = ours[x.name]
        assert report["open_postings"] == [] and report["stake_at_risk_wei"] == "0"
        mine = [rid for rid in ids if posted[rid][0]["args"]["poster"] == address(x)]
        assert report["posted"] == len(mine)
        assert report["finalised"] == len(set(mine) - lies)
        for rid in mine:
            assert x.job(rid)["state"] == ("lost" if rid in lies else "fulfilled")  # type: ignore[index]

    print(
        f"\n{len(ids)} requests, {len(lies)} lies (request {killed}'s challenge survived a "
        f"SIGKILL), {len(batches)} finalize transactions; "
        + ", ".join(f"{name} at {t:.0f} s" for name, t in phases.items())
    )


# ---------------------------------------------------------------------------- helpers


def send_requests(n: Network, samples: range) -> list[int]:
    """Optimistic requests for these held-out samples, all sent before any is awaited."""
    w3 = n.w3
    sender = w3.eth.accounts[0]
    hashes = [
        n.consumer.functions.requestOptimistic(n.model_id, sample(i), CALLBACK_GAS).transact(
            {"from": sender, "value": FEE}
        )
        for i in samples
    ]
    ids = []
    for tx in hashes:
        receipt = w3.eth.wait_for_transaction_receipt(tx, timeout=60)
        assert receipt["status"] == 1
        event = n.protocol.coordinator.events.InferenceRequested().process_receipt(receipt)[0]
        ids.append(int(event["args"]["requestId"]))
    return ids


def predicted_lies(n: Network, ids: list[int]) -> set[int]:
    """The requests the liar is drawn for and lies on (its fault: ids divisible by 2)."""
    contracts = n.contracts()
    lies = set()
    for log in n.protocol.coordinator.events.InferenceRequested().get_logs(from_block=0):
        rid = int(log["args"]["requestId"])
        if rid not in ids or rid % LIE_EVERY:
            continue
        commitment = commitment_to_json(log["args"]["commitment"])
        if contracts.primary_of(rid, commitment, bytes(log["blockHash"])) == address(n.liar):
            lies.add(rid)
    return lies


def kill_while_proving(n: Network, lies: set[int]) -> int:
    """SIGKILL the watcher once it is proving a challenge; returns that request's id, checked
    in the dead node's own job store: proven wrong, no challenge signed yet."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        rows = n.watcher.get("/v1/challenges?state=wrong&limit=500")["postings"]
        # a proof takes seconds: one started under 2 s ago is surely still running
        proving = [r for r in rows if time.time() - r["timings"].get("prove_started", 0) < 2]
        if proving:
            n.watcher.kill()
            rid = int(proving[0]["request_id"])
            store = JobStore(n.watcher.data_dir / "jobs.sqlite3")
            try:
                row = store.get_watched(rid)
            finally:
                store.close()
            assert row.state is WatchState.WRONG and row.tx_hash is None and rid in lies
            return rid
        time.sleep(0.1)
    raise AssertionError(f"the watcher never proved a challenge\n{n.tails()}")


def all_posted_and_lies_challenged(n: Network, ids: list[int]) -> bool:
    posted = n.logs("OutputPosted")
    if not set(ids) <= set(posted):
        return False
    truths = {rid: n.truths[i] for i, rid in enumerate(ids)}
    wrong = {rid for rid in ids if list(posted[rid][0]["args"]["output"]) != truths[rid]}
    return wrong <= set(n.logs("PostingChallenged"))


def wait_until(n: Network, done: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.5)
    raise AssertionError(f"not {what} in {timeout:.0f} s\n{n.tails()}")


def called(n: Network, tx: Any) -> str:
    """The coordinator function a transaction called."""
    return str(n.protocol.coordinator.decode_function_input(tx["input"])[0].fn_name)


def challenges_sent_by(n: Network, sender: str) -> int:
    """``challenge`` transactions ``sender`` got mined, reverted ones included."""
    w3, coordinator = n.w3, n.protocol.coordinator
    count = 0
    for number in range(w3.eth.block_number + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            if tx["from"] == sender and tx["to"] == coordinator.address:  # type: ignore[index]
                count += called(n, tx) == "challenge"
    return count
