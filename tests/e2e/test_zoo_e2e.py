"""The model zoo end to end on anvil: one node process serves a tree ensemble, a CNN and an
autoencoder; each request is proven for real and verified by that model's own generated
verifier inside the coordinator's ``fulfill``."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from web3 import Web3
from web3.logs import DISCARD

from oracle_node.circuits.datasets import ZOO_MODELS, held_out
from oracle_node.circuits.manifest import Manifest, load_manifest
from oracle_node.devchain import Anvil, dev_key
from oracle_node.encoding import float_to_int
from tests.e2e.conftest import FEE, PARAMS
from tests.e2e.nodes import NodeProcess, node_env
from tests.support.protocol import ROOT, Deployment, deploy, deploy_protocol, send

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FULFIL_GAS_GOAL = 700_000


@dataclass
class Zoo:
    w3: Web3
    protocol: Deployment
    node: NodeProcess
    model_ids: dict[str, int]
    manifests: dict[str, Manifest]


def _circuit_outputs(model_dir: str, inputs: list[int]) -> list[int]:
    """The circuit's quantized outputs, computed by EZKL in a child process."""
    code = (
        "import json, sys; from oracle_node.circuits.proving import Prover; "
        f"print(json.dumps(Prover({model_dir!r}).witness_outputs(json.loads(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(inputs)], capture_output=True, text=True, check=True
    )
    return [int(x) for x in json.loads(done.stdout.strip().splitlines()[-1])]


@pytest.fixture(scope="module")
def zoo(tmp_path_factory) -> Iterator[Zoo]:
    root = tmp_path_factory.mktemp("zoo-e2e")
    anvil = Anvil(block_time=1, accounts=10).start()
    node: NodeProcess | None = None
    try:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = w3.eth.accounts[0]
        protocol = deploy_protocol(w3, owner, PARAMS, FEE)
        manifests = {name: load_manifest(ROOT / "circuits" / name) for name in ZOO_MODELS}
        model_ids = {
            name: protocol.register_model(
                manifest=manifest, verifier=deploy(w3, owner, manifest.verifier_contract)
            )
            for name, manifest in manifests.items()
        }
        account = w3.eth.accounts[1]
        protocol.stake(account, list(model_ids.values()))
        addresses = {
            "coordinator": protocol.coordinator.address,
            "model_registry": protocol.model_registry.address,
            "node_registry": protocol.node_registry.address,
        }
        served = [{"id": i, "dir": str(ROOT / "circuits" / n)} for n, i in model_ids.items()]
        keys = {"dev_private_key": dev_key(1), "allow_dev_key": "true"}
        env = node_env(anvil.url, addresses, served, keys)
        env["ORACLE_CIRCUITS_CACHE"] = str(root / "pk-cache")
        node = NodeProcess("zoo", root / "zoo", env)
        node.start(ready_timeout=600)  # three proving keys, up to 2^17 rows
        yield Zoo(w3, protocol, node, model_ids, manifests)
    finally:
        if node is not None:
            node.stop()
        anvil.stop()


def _request(zoo: Zoo, model_id: int, inputs: list[int]) -> int:
    coordinator = zoo.protocol.coordinator
    call = coordinator.functions.requestInference(model_id, inputs, 0)
    receipt = send(zoo.w3, call, zoo.w3.eth.accounts[3], FEE)
    events = coordinator.events.InferenceRequested().process_receipt(receipt, errors=DISCARD)
    return int(events[0]["args"]["requestId"])


def _wait_fulfilled(zoo: Zoo, request_id: int, timeout: float = 180.0) -> Any:
    event = zoo.protocol.coordinator.events.InferenceFulfilled()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logs = event.get_logs(from_block=0, argument_filters={"requestId": request_id})
        if logs:
            return logs[0]
        time.sleep(0.3)
    raise AssertionError(f"request {request_id} not fulfilled in {timeout}s: {zoo.node.tail()}")


def test_every_zoo_model_is_proven_and_fulfilled_on_chain(zoo: Zoo):
    requests = {}
    for name, model_id in zoo.model_ids.items():
        features, _ = held_out(name)
        inputs = [float_to_int(v, zoo.manifests[name].input_scale) for v in features[0]]
        requests[name] = (_request(zoo, model_id, inputs), inputs)
    for name, (request_id, inputs) in requests.items():
        event = _wait_fulfilled(zoo, request_id)
        assert event["args"]["node"] == zoo.w3.eth.accounts[1]
        expected = _circuit_outputs(str(ROOT / "circuits" / name), inputs)
        assert [int(x) for x in event["args"]["output"]] == expected, name
        assert len(expected) == zoo.manifests[name].output_len
        receipt = zoo.w3.eth.get_transaction_receipt(event["transactionHash"])
        assert receipt["gasUsed"] < FULFIL_GAS_GOAL, (name, receipt["gasUsed"])
        job = zoo.node.wait_job(request_id, {"fulfilled"})
        assert [int(x) for x in job["output"]] == expected
