"""A node proving a batched circuit as a real ``oracle-node run`` process on anvil: one real
EZKL proof and one ``fulfillBatch`` (checked by the generated verifier) settle several
requests, each with its own callback; killed in the middle of a batch, it fulfils every
request exactly once after a restart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from web3 import Web3
from web3.logs import DISCARD

from oracle_node.circuits.manifest import load_manifest
from oracle_node.devchain import Anvil, dev_key
from tests.e2e.conftest import FEE, PARAMS, circuit_outputs, sample
from tests.e2e.nodes import NodeProcess, node_env
from tests.support.protocol import ROOT, deploy, deploy_protocol, send

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

BATCHED = ROOT / "circuits" / "breast_cancer_b23"
WAIT_S = 8.0  # the node's batch_wait_s: long enough for a test's requests to share a batch


@dataclass
class BatchNet:
    w3: Web3
    coordinator: Any
    gate: Any
    node: NodeProcess
    next_applicant: int = 2

    def request(self, index: int) -> int:
        applicant = self.w3.eth.accounts[self.next_applicant]
        self.next_applicant += 1
        receipt = send(self.w3, self.gate.functions.screen(sample(index)), applicant, FEE)
        events = self.coordinator.events.InferenceRequested().process_receipt(
            receipt, errors=DISCARD
        )
        return int(events[0]["args"]["requestId"])

    def fulfilments(self, request_id: int) -> list[Any]:
        return list(
            self.coordinator.events.InferenceFulfilled().get_logs(
                from_block=0, argument_filters={"requestId": request_id}
            )
        )

    def wait_all(self, ids: list[int], timeout: float = 240.0) -> dict[int, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            logs = {rid: self.fulfilments(rid) for rid in ids}
            if all(logs.values()):
                return {rid: found[0] for rid, found in logs.items()}
            time.sleep(0.3)
        raise AssertionError(f"not all of {ids} fulfilled in {timeout}s\n{self.node.tail()}")


@pytest.fixture(scope="module")
def net(tmp_path_factory) -> Iterator[BatchNet]:
    root = tmp_path_factory.mktemp("batch-e2e")
    manifest = load_manifest(BATCHED)
    with Anvil(block_time=1, accounts=16) as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = w3.eth.accounts[0]
        protocol = deploy_protocol(w3, owner, PARAMS, FEE)
        verifier = deploy(w3, owner, manifest.verifier_contract)
        model_id = protocol.register_model(manifest=manifest, verifier=verifier)
        protocol.stake(w3.eth.accounts[1], [model_id])  # the only node: always the primary
        gate = deploy(
            w3, owner, "ScreeningGate", protocol.coordinator.address, model_id, 0, 300_000
        )
        addresses = {
            "coordinator": protocol.coordinator.address,
            "model_registry": protocol.model_registry.address,
            "node_registry": protocol.node_registry.address,
        }
        served = [{"id": model_id, "dir": str(BATCHED), "batch_wait_s": WAIT_S}]
        keys = {"dev_private_key": dev_key(1), "allow_dev_key": "true"}
        node = NodeProcess(
            "batcher", root / "batcher", node_env(anvil.url, addresses, served, keys)
        )
        node.start()
        try:
            yield BatchNet(w3, protocol.coordinator, gate, node)
        finally:
            node.stop()


def _scores(net: BatchNet, request_id: int) -> list[list[int]]:
    """What the example consumer recorded for the request: one ``[logit]`` per delivery."""
    logs = net.gate.events.ScreeningCompleted().get_logs(
        from_block=0, argument_filters={"requestId": request_id}
    )
    return [[int(log["args"]["logit"])] for log in logs]


def test_one_proof_and_one_transaction_settle_a_batch_each_with_its_own_callback(net):
    ids = [net.request(i) for i in range(3)]
    events = net.wait_all(ids)
    txs = {events[rid]["transactionHash"] for rid in ids}
    assert len(txs) == 1, "the three requests were meant to share one batch"
    for index, rid in enumerate(ids):
        output = [int(x) for x in events[rid]["args"]["output"]]
        assert output == circuit_outputs(sample(index), BATCHED)
        assert _scores(net, rid) == [output]
    jobs = [net.node.wait_job(rid, {"fulfilled"}) for rid in ids]
    assert {tuple(job["batch"]) for job in jobs} == {tuple(str(rid) for rid in ids)}


def test_killed_in_the_middle_of_a_batch_every_request_is_fulfilled_once(net):
    ids = [net.request(10 + i) for i in range(2)]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        jobs = [net.node.job(rid) for rid in ids]
        if all(j is not None and "prove_started" in j["timings"] for j in jobs):
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the batch proof never started: {net.node.tail()}")
    net.node.kill()
    assert all(net.fulfilments(rid) == [] for rid in ids)
    net.node.start()
    net.wait_all(ids)
    time.sleep(3)  # a duplicate would have been mined by now
    for index, rid in enumerate(ids):
        assert len(net.fulfilments(rid)) == 1
        assert _scores(net, rid) == [circuit_outputs(sample(10 + index), BATCHED)]
