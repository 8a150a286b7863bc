"""Deploy and wire the protocol with Ape, from the artifacts shipped in the package.

The Ape adapter over :mod:`oracle_node.protocol`. Three steps, each usable alone (the ``ape run
deploy`` script, the demo and a consumer developer's own Ape project all call these)::

    protocol = deploy_protocol(owner, treasury=treasury)       # registries + coordinator, wired
    registration = registration_for(model_dir, fee=fee)         # the circuit's registry entry
    verifier = deploy_verifier(owner, registration.manifest)    # the model's generated verifier
    model_id = register_model(owner, protocol.model_registry, registration, verifier)

(:func:`deploy_model` does the last three.)

Contracts come from :mod:`oracle_node.artifacts` by default; pass ``containers`` (a function from
contract name to Ape ``ContractContainer``) to deploy a project's fresh build instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ape.api import AccountAPI
from ape.contracts import ContractContainer, ContractInstance
from ethpm_types import ContractType

from oracle_node import artifacts
from oracle_node.circuits.manifest import Manifest
from oracle_node.exceptions import DeploymentError
from oracle_node.protocol import ModelRegistration, ProtocolParams, model_spec, registration_for

__all__ = [
    "Protocol",
    "ProtocolParams",
    "artifact_container",
    "deploy_model",
    "deploy_protocol",
    "deploy_verifier",
    "model_spec",
    "register_model",
]

ContainerSource = Callable[[str], ContractContainer]


@dataclass(frozen=True)
class Protocol:
    """The three deployed protocol contracts."""

    model_registry: ContractInstance
    node_registry: ContractInstance
    coordinator: ContractInstance

    def addresses(self) -> dict[str, str]:
        """Contract name to address, e.g. for a deployment record or node settings."""
        return {
            "ModelRegistry": str(self.model_registry.address),
            "NodeRegistry": str(self.node_registry.address),
            "InferenceCoordinator": str(self.coordinator.address),
        }


def artifact_container(name: str) -> ContractContainer:
    """An Ape container for a contract shipped in :mod:`oracle_node.artifacts`."""
    return ContractContainer(ContractType.model_validate(artifacts.load(name)))


def deploy_protocol(
    deployer: AccountAPI,
    *,
    treasury: str | None = None,
    params: ProtocolParams | None = None,
    containers: ContainerSource = artifact_container,
    **tx_kwargs: Any,
) -> Protocol:
    """Deploy the model registry, node registry and coordinator, and point the node registry
    at the coordinator. ``deployer`` becomes the node registry's owner; the treasury defaults
    to the deployer."""
    p = params or ProtocolParams()
    model_registry = deployer.deploy(containers("ModelRegistry"), **tx_kwargs)
    node_registry = deployer.deploy(
        containers("NodeRegistry"),
        *p.node_registry_args(
            deployer.address, treasury or deployer.address, model_registry.address
        ),
        **tx_kwargs,
    )
    coordinator = deployer.deploy(
        containers("InferenceCoordinator"),
        *p.coordinator_args(model_registry.address, node_registry.address),
        **tx_kwargs,
    )
    node_registry.setCoordinator(coordinator.address, sender=deployer, **tx_kwargs)
    return Protocol(model_registry, node_registry, coordinator)


def deploy_verifier(
    deployer: AccountAPI,
    manifest: Manifest,
    *,
    containers: ContainerSource = artifact_container,
    **tx_kwargs: Any,
) -> ContractInstance:
    """Deploy the generated verifier that the manifest names."""
    return deployer.deploy(containers(manifest.verifier_contract), **tx_kwargs)


def register_model(
    deployer: AccountAPI,
    model_registry: ContractInstance,
    registration: ModelRegistration,
    verifier: ContractInstance | str,
    **tx_kwargs: Any,
) -> int:
    """Register ``registration`` with ``verifier``; returns the new model id."""
    address = str(getattr(verifier, "address", verifier))
    receipt = model_registry.registerModel(registration.spec(address), sender=deployer, **tx_kwargs)
    logs = list(receipt.events.filter(model_registry.ModelRegistered))
    if len(logs) != 1:
        raise DeploymentError(
            f"registering {registration.name} emitted {len(logs)} ModelRegistered events, "
            "expected 1"
        )
    return int(logs[0].modelId)


def deploy_model(
    deployer: AccountAPI,
    protocol: Protocol,
    model_dir: Path,
    *,
    fee: int,
    artifacts_uri: str = "",
    verifier_root: Path | None = None,
    containers: ContainerSource = artifact_container,
    challenge_window: int = 0,
    bond: int = 0,
    **tx_kwargs: Any,
) -> tuple[ContractInstance, int]:
    """Check a circuit folder against its manifest, deploy its verifier and register the model.

    Returns the verifier and the model id.
    """
    registration = registration_for(
        model_dir,
        fee=fee,
        artifacts_uri=artifacts_uri or f"file://{Path(model_dir).resolve()}",
        challenge_window=challenge_window,
        bond=bond,
        verifier_root=verifier_root,
    )
    verifier = deploy_verifier(deployer, registration.manifest, containers=containers, **tx_kwargs)
    model_id = register_model(
        deployer, protocol.model_registry, registration, verifier, **tx_kwargs
    )
    return verifier, model_id
