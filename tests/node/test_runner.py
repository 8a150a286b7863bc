"""The assembled node on a real anvil chain: start, health, readiness, stop, failed start."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from oracle_node.api.server import ApiService
from oracle_node.exceptions import InferenceError, PortInUseError, SettingsError
from oracle_node.node import runner
from oracle_node.node.runner import OracleNode
from oracle_node.settings import ApiSettings, NodeSettings, load_settings

MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"


@pytest.fixture(scope="module")
def key_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("keys")


def settings_for(
    chain, tmp_path: Path, key_cache: Path, node_index: int = 1, model_id: int | None = None
) -> NodeSettings:
    p = chain.protocol
    address = list(chain.nodes)[node_index - 1]
    settings = load_settings(
        data_dir=tmp_path,
        chain={
            "rpc_url": chain.w3.provider.endpoint_uri,
            "chain_id": 31337,
            "coordinator": p.coordinator.address,
            "model_registry": p.model_registry.address,
            "node_registry": p.node_registry.address,
            "confirmations": 0,
            "poll_interval": 0.2,
        },
        keys={"dev_private_key": chain.nodes[address], "allow_dev_key": True},
        models=[{"id": model_id or chain.real_model_id, "dir": MODEL_DIR}],
        api={"enabled": False},
    )
    # share one proving-key cache across the module's nodes: the key is built once
    (tmp_path / "keys").symlink_to(key_cache, target_is_directory=True)
    return settings


def test_node_starts_reports_ready_and_stops(chain, tmp_path, key_cache):
    node = OracleNode(settings_for(chain, tmp_path, key_cache))
    node.start()
    try:
        assert node.health()["ok"] is True
        assert set(node.health()["services"]) == {
            "listener", "inference", "proving", "submitter", "finaliser", "watcher",
        }  # fmt: skip
        assert node.listener.serve and node.listener.watch
        deadline = time.monotonic() + 20
        while not node.readiness()["ready"] and time.monotonic() < deadline:
            time.sleep(0.1)
        report = node.readiness()
        assert report["ready"] is True and report["problems"] == []
        assert report["lag_blocks"] is not None and report["head_age_s"] is not None
        # every stage judges windows and deadlines by the chain's clock, fed by the listener
        assert node.clock.seen and node.listener.clock is node.clock
        assert all(stage.clock is node.clock for stage in node.services[1:])
    finally:
        node.stop()
    assert node.wait(0)
    assert not any(service.alive for service in node.services)


def test_a_model_whose_verifier_is_not_the_manifests_is_refused(chain, tmp_path, key_cache):
    """The chain fixture's first model points the breast_cancer manifest at the mock verifier:
    the node compares the verifier's code with the circuit's compiled verifier and refuses."""
    node = OracleNode(settings_for(chain, tmp_path, key_cache, model_id=chain.model_id))
    node.start()
    try:
        assert chain.model_id not in node.models.models
        reason = node.models.refused[chain.model_id]
        assert "not what the circuit's verifier source compiles to" in reason
        assert node.readiness()["ready"] is False
    finally:
        node.stop()
    assert node.wait(5)


def test_a_service_that_cannot_start_stops_the_others(chain, tmp_path, key_cache):
    node = OracleNode(settings_for(chain, tmp_path, key_cache))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        node.add_service(ApiService(node, ApiSettings(port=port)))
        with pytest.raises(PortInUseError):
            node.start()
    assert node.services and not any(service.alive for service in node.services)
    assert node.wait(0)


def test_a_wrong_chain_id_is_refused_before_anything_starts(chain, tmp_path, key_cache):
    settings = settings_for(chain, tmp_path, key_cache)
    settings.chain.chain_id = 1
    node = OracleNode(settings)
    with pytest.raises(Exception, match="serves chain 31337, settings say 1"):
        node.start()
    assert node.services == []


def test_a_node_asked_for_cuda_without_the_cuda_provider_refuses_to_start(
    chain, tmp_path, key_cache
):
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine offers CUDA")
    settings = settings_for(chain, tmp_path, key_cache)
    settings.inference.device = "cuda"
    node = OracleNode(settings)
    with pytest.raises(InferenceError, match="install the `gpu` extra"):
        node.start()
    assert node.services == []


def test_watch_only_runs_the_listener_and_the_watcher_and_serves_no_request(
    chain, tmp_path, key_cache
):
    node = OracleNode(settings_for(chain, tmp_path, key_cache), watch_only=True)
    node.start()
    try:
        assert set(node.health()["services"]) == {"listener", "watcher"}
        assert node.listener.watch and not node.listener.serve
        deadline = time.monotonic() + 20
        while not node.readiness()["ready"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert node.readiness()["ready"] is True
    finally:
        node.stop()


def test_a_node_with_watching_off_runs_no_watcher(chain, tmp_path, key_cache):
    settings = settings_for(chain, tmp_path, key_cache)
    settings.optimistic.watch = False
    node = OracleNode(settings)
    node.start()
    try:
        assert "watcher" not in node.health()["services"] and not node.listener.watch
    finally:
        node.stop()


def test_test_faults_are_refused_off_a_development_chain(chain, tmp_path, key_cache, monkeypatch):
    settings = settings_for(chain, tmp_path, key_cache)
    settings.testing.allow_faults = True
    settings.testing.lie_every = 2
    monkeypatch.setattr(runner, "DEV_CHAIN_IDS", (1337,))
    node = OracleNode(settings)
    with pytest.raises(SettingsError, match="faults are for tests on a local development chain"):
        node.start()
    assert node.services == []
