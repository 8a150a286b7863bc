"""One protocol on a real anvil chain, two staked nodes running as processes behind a proxy."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3
from web3.logs import DISCARD

from oracle_node.chain.contracts import OracleContracts, commitment_to_json
from oracle_node.circuits.datasets import held_out
from oracle_node.devchain import Anvil, dev_key
from oracle_node.encoding import float_to_int
from oracle_node.keys import write_keystore
from oracle_node.protocol import ProtocolParams
from tests.e2e.nodes import NodeProcess, node_env
from tests.e2e.proxy import RpcProxy
from tests.support.protocol import BREAST_CANCER, Deployment, deploy, deploy_protocol, send

PARAMS = ProtocolParams(
    min_stake=10**18, unbonding_period=3600, exclusive_window=600, request_timeout=1200,
    max_callback_gas_limit=1_000_000,
)  # fmt: skip
FEE = 10**15
CALLBACK_GAS = 300_000


@dataclass
class Network:
    anvil: Anvil
    proxy: RpcProxy
    w3: Web3
    protocol: Deployment
    gates: dict[int, Any]
    nodes: dict[str, NodeProcess]
    model_ids: dict[str, int]
    next_applicant: int = 3

    def applicant(self) -> str:
        account = self.w3.eth.accounts[self.next_applicant]
        self.next_applicant += 1
        return account

    def request(self, model_id: int, features: list[int]) -> int:
        """An applicant asks the example consumer for a screening; returns the request id."""
        gate = self.gates[model_id]
        receipt = send(self.w3, gate.functions.screen(features), self.applicant(), FEE)
        events = self.protocol.coordinator.events.InferenceRequested().process_receipt(
            receipt, errors=DISCARD
        )
        return int(events[0]["args"]["requestId"])

    def primary(self, request_id: int) -> NodeProcess:
        """The node the coordinator draws for the request (from its block's hash)."""
        [log] = self._logs("InferenceRequested", request_id)
        commitment = commitment_to_json(log["args"]["commitment"])
        contracts = OracleContracts(
            self.w3,
            self.protocol.coordinator.address,
            self.protocol.model_registry.address,
            self.protocol.node_registry.address,
        )
        primary = contracts.primary_of(request_id, commitment, bytes(log["blockHash"]))
        return next(n for n in self.nodes.values() if n.env["NODE_ADDRESS"] == primary)

    def other(self, node: NodeProcess) -> NodeProcess:
        return next(n for n in self.nodes.values() if n is not node)

    def fulfilments(self, request_id: int) -> list[Any]:
        return self._logs("InferenceFulfilled", request_id)

    def wait_fulfilled(self, request_id: int, timeout: float = 120.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            logs = self.fulfilments(request_id)
            if logs:
                return logs[0]
            time.sleep(0.2)
        tails = "\n".join(f"--- {n.name}\n{n.tail()}" for n in self.nodes.values())
        raise AssertionError(f"request {request_id} not fulfilled in {timeout}s\n{tails}")

    def _logs(self, event: str, request_id: int) -> list[Any]:
        contract_event = getattr(self.protocol.coordinator.events, event)
        return list(
            contract_event().get_logs(from_block=0, argument_filters={"requestId": request_id})
        )


def sample(index: int) -> list[int]:
    features, _ = held_out("breast_cancer")
    return [float_to_int(v, 13) for v in features[index]]


def circuit_outputs(inputs: list[int], model_dir: Path = BREAST_CANCER) -> list[int]:
    """A circuit's quantized outputs for one sample, computed by EZKL in a child process."""
    code = (
        "import json, sys; from oracle_node.circuits.proving import Prover; "
        f"print(json.dumps(Prover({str(model_dir)!r}).witness_outputs(json.loads(sys.argv[1]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(inputs)], capture_output=True, text=True, check=True
    )
    return [int(x) for x in json.loads(done.stdout.strip().splitlines()[-1])]


@pytest.fixture(scope="module")
def network(tmp_path_factory) -> Iterator[Network]:
    root = tmp_path_factory.mktemp("e2e")
    anvil = Anvil(block_time=1, accounts=20).start()
    proxy = RpcProxy(anvil.port)
    proxy.up()
    nodes: dict[str, NodeProcess] = {}
    try:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = w3.eth.accounts[0]
        protocol = deploy_protocol(w3, owner, PARAMS, FEE)
        model_ids = {
            "good": protocol.register_model(),
            "short": protocol.register_model(input_len=29),
            "unserved": protocol.register_model(),
        }
        gates = {
            model_id: deploy(
                w3,
                owner,
                "ScreeningGate",
                protocol.coordinator.address,
                model_id,
                0,  # minLowRiskLogit: cleared when the logit is >= 0
                CALLBACK_GAS,
            )
            for model_id in model_ids.values()
        }
        addresses = {
            "coordinator": protocol.coordinator.address,
            "model_registry": protocol.model_registry.address,
            "node_registry": protocol.node_registry.address,
        }
        served = [
            {"id": model_ids["good"], "dir": str(BREAST_CANCER)},
            {"id": model_ids["short"], "dir": str(BREAST_CANCER)},
        ]
        keystore = root / "node-a.json"
        password = root / "node-a.pass"
        password.write_text("correct horse\n")
        write_keystore(dev_key(1), "correct horse", keystore, iterations=2)
        keys = {
            "a": {"keystore": str(keystore), "password_file": str(password)},
            "b": {"dev_private_key": dev_key(2), "allow_dev_key": "true"},
        }
        for index, name in ((1, "a"), (2, "b")):
            account = w3.eth.accounts[index]
            protocol.stake(account, list(model_ids.values()))
            env = node_env(proxy.url, addresses, served, keys[name])
            env["NODE_ADDRESS"] = account
            nodes[name] = NodeProcess(name, root / name, env)
        for node in nodes.values():
            node.start()
        yield Network(anvil, proxy, w3, protocol, gates, nodes, model_ids)
    finally:
        for node in nodes.values():
            node.stop()
        proxy.down()
        anvil.stop()
