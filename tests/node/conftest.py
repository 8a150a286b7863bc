"""A real anvil chain with the protocol deployed, a mock verifier, two staked nodes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from web3 import Web3

from oracle_node.chain.contracts import OracleContracts
from oracle_node.devchain import Anvil, dev_key
from oracle_node.protocol import ProtocolParams
from tests.support.protocol import Deployment, deploy, deploy_protocol, send

FEE = 10**15
PARAMS = ProtocolParams(min_stake=10**18, exclusive_window=600, request_timeout=1200)


@dataclass
class Chain:
    w3: Web3
    protocol: Deployment
    consumer: Any
    model_id: int
    nodes: dict[str, str]  # address -> private key
    real_model_id: int = 0  # the same circuit registered with its real generated verifier

    def contracts(self) -> OracleContracts:
        p = self.protocol
        return OracleContracts(
            self.w3, p.coordinator.address, p.model_registry.address, p.node_registry.address
        )

    def request(self, inputs: list[int]) -> int:
        """Make a request, then mine one more block: the primary is drawn from the request
        block's hash, which calls see only from the next block on (this anvil mines on demand)."""
        call = self.consumer.functions.request(self.model_id, inputs, 200_000)
        receipt = send(self.w3, call, self.w3.eth.accounts[0], FEE)
        event = self.protocol.coordinator.events.InferenceRequested().process_receipt(receipt)[0]
        self.mine()
        return int(event["args"]["requestId"])

    def mine(self, blocks: int = 1) -> None:
        for _ in range(blocks):
            self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def chain() -> Iterator[Chain]:
    """Module-scoped: tests share one chain, each with its own requests."""
    with Anvil() as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = w3.eth.accounts[0]
        protocol = deploy_protocol(w3, owner, PARAMS, FEE, verifier_name="MockVerifier")
        model_id = protocol.register_model()
        real_model_id = _register_with_the_real_verifier(w3, owner, protocol)
        nodes = {}
        for index in (1, 2):
            protocol.stake(w3.eth.accounts[index], [model_id, real_model_id])
            nodes[w3.eth.accounts[index]] = dev_key(index)
        consumer = deploy(w3, owner, "RecordingConsumer", protocol.coordinator.address)
        yield Chain(w3, protocol, consumer, model_id, nodes, real_model_id)


def _register_with_the_real_verifier(w3: Web3, owner: str, protocol: Deployment) -> int:
    """A node refuses a model whose verifier is not the manifest's (the mock one is not)."""
    from oracle_node.circuits.input_range import read_max_abs_input
    from oracle_node.protocol import model_spec
    from tests.support.protocol import BREAST_CANCER

    verifier = deploy(w3, owner, protocol.manifest.verifier_contract)
    spec = model_spec(
        protocol.manifest,
        verifier.address,
        fee=FEE,
        max_abs_input=read_max_abs_input(BREAST_CANCER),
    )
    receipt = send(w3, protocol.model_registry.functions.registerModel(spec), owner)
    event = protocol.model_registry.events.ModelRegistered().process_receipt(receipt)[0]
    return int(event["args"]["modelId"])


def use_cli_env(chain: Chain, monkeypatch: pytest.MonkeyPatch, data_dir: Any, key: int) -> Chain:
    """The environment the CLI reads for this module's chain: its contracts, development
    account ``key`` as the node's key, and ``data_dir`` as its data folder."""
    p = chain.protocol
    env = {
        "ORACLE_CHAIN__RPC_URL": chain.w3.provider.endpoint_uri,
        "ORACLE_CHAIN__COORDINATOR": p.coordinator.address,
        "ORACLE_CHAIN__MODEL_REGISTRY": p.model_registry.address,
        "ORACLE_CHAIN__NODE_REGISTRY": p.node_registry.address,
        "ORACLE_KEYS__DEV_PRIVATE_KEY": dev_key(key),
        "ORACLE_KEYS__ALLOW_DEV_KEY": "true",
        "ORACLE_DATA_DIR": str(data_dir),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return chain
