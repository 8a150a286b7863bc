"""Deploy the protocol and publish models over web3.py, against any RPC, from a named key.

The command-line path for deployers and model publishers (``oracle-node deploy`` and
``oracle-node models publish``). Contracts come from the artifacts shipped in the package;
a model's verifier is compiled from its own generated source. Constructor arguments and the
model's registration come from :mod:`oracle_node.protocol`, as for the Ape path in
:mod:`oracle_node.deploy`. Every step records what it did in the deployment record.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.contract import Contract

from oracle_node import artifacts
from oracle_node.chain.abi import ErrorDecoder, load_abi
from oracle_node.chain.contracts import OracleContracts
from oracle_node.chain.tx import deploy_contract, send_transaction
from oracle_node.chain.verifier_code import check_verifier, compile_verifier
from oracle_node.deployment import DeploymentRecord, PublishedModel
from oracle_node.exceptions import DeploymentError, VerifierCodeError
from oracle_node.protocol.params import ProtocolParams
from oracle_node.protocol.registration import ModelRegistration

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    """Default progress sink: say nothing."""


def _shipped(w3: Web3, signer: LocalAccount, name: str, *args: Any) -> tuple[Contract, Any]:
    data = artifacts.load(name)
    return deploy_contract(
        w3,
        signer,
        data["abi"],
        data["deploymentBytecode"]["bytecode"],
        *args,
        what=f"deploy {name}",
    )


def deploy_protocol(
    w3: Web3,
    signer: LocalAccount,
    *,
    network: str,
    params: ProtocolParams | None = None,
    treasury: str | None = None,
    log: Log = _quiet,
) -> DeploymentRecord:
    """Deploy the registries and the coordinator, wire them, and describe them in a record."""
    p = params or ProtocolParams()
    owner = Web3.to_checksum_address(signer.address)
    model_registry, first = _shipped(w3, signer, "ModelRegistry")
    log(f"ModelRegistry        {model_registry.address} (block {first['blockNumber']})")
    node_registry, _ = _shipped(
        w3,
        signer,
        "NodeRegistry",
        *p.node_registry_args(owner, treasury or owner, model_registry.address),
    )
    log(f"NodeRegistry         {node_registry.address}")
    coordinator, _ = _shipped(
        w3,
        signer,
        "InferenceCoordinator",
        *p.coordinator_args(model_registry.address, node_registry.address),
    )
    log(f"InferenceCoordinator {coordinator.address}")
    decoder = ErrorDecoder(load_abi("NodeRegistry"))
    send_transaction(
        w3,
        signer,
        node_registry.functions.setCoordinator(coordinator.address),
        decoder,
        what="NodeRegistry.setCoordinator",
    )
    return DeploymentRecord(
        network=network,
        chain_id=int(w3.eth.chain_id),
        deployment_block=int(first["blockNumber"]),
        deployer=owner,
        contracts={
            "ModelRegistry": model_registry.address,
            "NodeRegistry": node_registry.address,
            "InferenceCoordinator": coordinator.address,
        },
        params={name: int(value) for name, value in vars(p).items()},
    )


def publish_model(
    contracts: OracleContracts,
    signer: LocalAccount,
    record: DeploymentRecord,
    registration: ModelRegistration,
    *,
    verifier_address: str | None = None,
    cache_dir: Path | None = None,
    log: Log = _quiet,
) -> PublishedModel:
    """Deploy the model's verifier (or take the one at ``verifier_address``), register the model,
    return its record entry.

    The verifier is compiled from the circuit's own generated source (``registration.verifier``,
    hash-checked). Before anything is registered, the code at the verifier's address must be
    what that source compiles to (:func:`oracle_node.chain.verifier_code.check_verifier`).
    """
    w3 = contracts.w3
    manifest = registration.manifest
    verifier_src = registration.verifier
    fee, artifacts_uri = registration.fee, registration.artifacts_uri
    log(f"compiling {manifest.verifier_contract} from its source")
    compiled = compile_verifier(verifier_src, cache_dir)
    if verifier_address is None:
        verifier, _ = deploy_contract(
            w3, signer, compiled.abi, compiled.bytecode,
            what=f"deploy {manifest.verifier_contract}",
        )  # fmt: skip
        address = Web3.to_checksum_address(verifier.address)
        log(f"{manifest.verifier_contract} at {address}")
    else:
        if not Web3.is_address(verifier_address):
            raise DeploymentError(f"--verifier-address {verifier_address!r} is not an address")
        address = Web3.to_checksum_address(verifier_address)
    try:
        check_verifier(
            bytes(w3.eth.get_code(address)), verifier_src, recorded_hash=None, cache_dir=cache_dir
        )
    except VerifierCodeError as exc:
        raise VerifierCodeError(
            f"verifier {address} is not {manifest.name}'s own: {exc}; nothing was registered"
        ) from None
    log(f"{manifest.verifier_contract} at {address} is the circuit's compiled verifier")
    spec = registration.spec(address)
    receipt = send_transaction(
        w3,
        signer,
        contracts.model_registry.functions.registerModel(spec),
        contracts.decoder,
        what=f"register {manifest.name}",
    )
    events = contracts.model_registry.events.ModelRegistered().process_receipt(receipt)
    if len(events) != 1:
        raise DeploymentError(
            f"registering {manifest.name} emitted {len(events)} ModelRegistered events, expected 1"
        )
    published = PublishedModel(
        model_id=int(events[0]["args"]["modelId"]),
        name=manifest.name,
        verifier=address,
        verifier_contract=manifest.verifier_contract,
        vk_sha256=manifest.vk_sha256,
        fee=fee,
        artifacts_uri=artifacts_uri,
        block=int(receipt["blockNumber"]),
    )
    record.models.append(published)
    return published
