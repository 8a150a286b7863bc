"""Deploy the protocol on an anvil chain with web3.py, from the shipped artifacts.

Constructor arguments and the model spec come from :mod:`oracle_node.protocol`, as for the
Ape deploy path (:mod:`oracle_node.deploy`), so this follows the project's deployment exactly;
web3 is used instead of Ape only to talk to an anvil the test started itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.contract import Contract

from oracle_node import artifacts
from oracle_node.circuits.input_range import read_max_abs_input
from oracle_node.circuits.manifest import Manifest, load_manifest
from oracle_node.protocol import ProtocolParams, model_spec

ROOT = Path(__file__).resolve().parents[2]
BREAST_CANCER = ROOT / "circuits" / "breast_cancer"


def contract_type(name: str) -> dict[str, Any]:
    """Shipped artifact, or the Ape project's build for contracts not shipped (verifiers)."""
    if name in artifacts.available():
        return artifacts.load(name)
    from ape import project

    ct = getattr(project, name).contract_type
    return {
        "abi": [item.model_dump(mode="json", by_alias=True) for item in ct.abi],
        "deploymentBytecode": {"bytecode": ct.deployment_bytecode.bytecode},
    }


def deploy(w3: Web3, sender: str, name: str, *args: Any, value: int = 0) -> Contract:
    data = contract_type(name)
    factory = w3.eth.contract(abi=data["abi"], bytecode=data["deploymentBytecode"]["bytecode"])
    tx = factory.constructor(*args).transact({"from": sender, "value": value})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    assert receipt["status"] == 1, f"deploying {name} failed"
    return w3.eth.contract(address=receipt["contractAddress"], abi=data["abi"])


def send(w3: Web3, call: Any, sender: str, value: int = 0) -> Any:
    receipt = w3.eth.wait_for_transaction_receipt(call.transact({"from": sender, "value": value}))
    assert receipt["status"] == 1
    return receipt


@dataclass
class Deployment:
    w3: Web3
    owner: str
    model_registry: Contract
    node_registry: Contract
    coordinator: Contract
    verifier: Contract
    manifest: Manifest
    fee: int
    params: ProtocolParams

    def register_model(
        self,
        *,
        input_len: int | None = None,
        manifest: Manifest | None = None,
        verifier: Contract | None = None,
        challenge_window: int = 0,
        bond: int = 0,
    ) -> int:
        """Register a model (default: breast_cancer with the deployment's verifier); a
        ``challenge_window`` and a ``bond`` allow Optimistic requests."""
        manifest = manifest or self.manifest
        verifier = verifier or self.verifier
        folder = BREAST_CANCER.parent / manifest.name
        spec = list(
            model_spec(
                manifest,
                verifier.address,
                fee=self.fee,
                max_abs_input=read_max_abs_input(folder),
                challenge_window=challenge_window,
                bond=bond,
            )
        )
        if input_len is not None:
            spec[5] = input_len
        receipt = send(
            self.w3, self.model_registry.functions.registerModel(tuple(spec)), self.owner
        )
        event = self.model_registry.events.ModelRegistered().process_receipt(receipt)[0]
        return int(event["args"]["modelId"])

    def stake(self, node: str, model_ids: list[int], amount: int | None = None) -> None:
        value = self.params.min_stake if amount is None else amount
        send(self.w3, self.node_registry.functions.stake(), node, value)
        for model_id in model_ids:
            send(self.w3, self.node_registry.functions.addModel(model_id), node)


def deploy_protocol(
    w3: Web3, owner: str, params: ProtocolParams, fee: int, verifier_name: str | None = None
) -> Deployment:
    manifest = load_manifest(BREAST_CANCER)
    model_registry = deploy(w3, owner, "ModelRegistry")
    node_registry = deploy(
        w3, owner, "NodeRegistry", *params.node_registry_args(owner, owner, model_registry.address)
    )
    coordinator = deploy(
        w3,
        owner,
        "InferenceCoordinator",
        *params.coordinator_args(model_registry.address, node_registry.address),
    )
    send(w3, node_registry.functions.setCoordinator(coordinator.address), owner)
    verifier = deploy(w3, owner, verifier_name or manifest.verifier_contract)
    return Deployment(
        w3, owner, model_registry, node_registry, coordinator, verifier, manifest, fee, params
    )
