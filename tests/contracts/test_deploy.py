"""oracle_node.deploy: the protocol and the reference models deploy from the shipped artifacts."""

from __future__ import annotations

import pytest

from oracle_node.circuits.manifest import read_manifest
from oracle_node.deploy import ProtocolParams, deploy_model, deploy_protocol
from oracle_node.exceptions import CorruptArtifactError

from .conftest import REAL_MODELS, ROOT


def test_deploys_and_wires_the_protocol_from_shipped_artifacts(owner, treasury):
    params = ProtocolParams(exclusive_window=30, request_timeout=90)
    protocol = deploy_protocol(owner, treasury=treasury.address, params=params)
    assert protocol.node_registry.coordinator() == protocol.coordinator.address
    assert protocol.node_registry.owner() == owner.address
    assert protocol.node_registry.treasury() == treasury.address
    assert protocol.node_registry.modelRegistry() == protocol.model_registry.address
    assert protocol.coordinator.modelRegistry() == protocol.model_registry.address
    assert protocol.coordinator.nodeRegistry() == protocol.node_registry.address
    assert (protocol.coordinator.exclusiveWindow(), protocol.coordinator.requestTimeout()) == (
        30,
        90,
    )
    assert set(protocol.addresses()) == {"ModelRegistry", "NodeRegistry", "InferenceCoordinator"}

    for expected_id, name in enumerate(REAL_MODELS, start=1):
        verifier, model = deploy_model(
            owner, protocol, ROOT / "circuits" / name, fee=123, verifier_root=ROOT
        )
        assert model == expected_id
        record = protocol.model_registry.getModel(model)
        manifest = read_manifest(ROOT / "circuits" / name)
        assert record.verifier == verifier.address
        assert "0x" + bytes(record.vkHash).hex() == manifest.vk_sha256
        assert record.fee == 123
        assert record.artifactsUri.startswith("file://")


def test_refuses_a_tampered_circuit_folder(owner, tmp_path):
    import shutil

    folder = tmp_path / "breast_cancer"
    shutil.copytree(ROOT / "circuits" / "breast_cancer", folder)
    (folder / "settings.json").write_text("{}")
    protocol = deploy_protocol(owner)
    with pytest.raises(CorruptArtifactError):
        deploy_model(owner, protocol, folder, fee=0)


EIP170_LIMIT = 24_576


def test_every_protocol_contract_deploys_under_the_code_size_limit(
    chain, protocol, project, coordinator, owner, real_models
):
    """EIP-170: measured on the deployed code, not on the artifact."""
    from oracle_node import artifacts

    deployed = {
        "ModelRegistry": protocol.model_registry.address,
        "NodeRegistry": protocol.node_registry.address,
        "InferenceCoordinator": protocol.coordinator.address,
        "ScreeningGate": owner.deploy(project.ScreeningGate, coordinator, 1, 0, 100_000).address,
        "DigitBounty": owner.deploy(project.DigitBounty, coordinator, 2, 7, 0, 100_000, 5).address,
    }
    for model_id in real_models.values():
        verifier = protocol.model_registry.getModel(model_id).verifier
        deployed[f"verifier of model {model_id}"] = verifier
    assert set(artifacts.PROTOCOL_CONTRACTS) | set(artifacts.EXAMPLE_CONTRACTS) <= set(deployed)
    sizes = {name: len(bytes(chain.provider.get_code(a))) for name, a in deployed.items()}
    assert all(0 < size <= EIP170_LIMIT for size in sizes.values()), sizes
