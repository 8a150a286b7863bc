"""The operator API over a real job store, real served model and a real prover pool."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from oracle_node.api.app import create_app
from oracle_node.api.deps import get_settings
from oracle_node.api.server import ApiService
from oracle_node.circuits.datasets import held_out
from oracle_node.encoding import float_to_int, int_to_felt
from oracle_node.exceptions import PortInUseError
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet
from oracle_node.node.provers import ProverPool
from oracle_node.settings import ApiSettings, NodeSettings, ServedModel, load_settings
from oracle_node.store import JobStore
from tests.support.jobs import new_job

MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"
TOKEN = "op-token"


@dataclass
class FakeNode:
    """A node without a chain: the API only needs these parts."""

    settings: NodeSettings
    store: JobStore
    models: ModelSet
    pool: ProverPool
    metrics: NodeMetrics
    alive: bool = True
    problems: list[str] = field(default_factory=list)

    def health(self) -> dict[str, Any]:
        return {"ok": self.alive, "services": {"listener": self.alive}}

    def readiness(self) -> dict[str, Any]:
        return {"ready": not self.problems, "problems": self.problems}


@pytest.fixture(scope="module")
def node(tmp_path_factory) -> Iterator[FakeNode]:
    data = tmp_path_factory.mktemp("api")
    settings = load_settings(data_dir=data, api={"token": TOKEN})
    store = JobStore(settings.db_path)
    models = ModelSet()
    models.load(ServedModel(id=1, dir=MODEL_DIR), None)
    models.refused[9] = "ONNX sha256 differs from the registry"
    pool = ProverPool(1, settings.key_cache_dir)
    yield FakeNode(settings, store, models, pool, NodeMetrics(store))
    pool.close()
    store.close()


@pytest.fixture
def client(node) -> TestClient:
    return TestClient(create_app(node))


def test_health_and_readiness_report_their_state(client, node):
    assert client.get("/health").json()["ok"] is True
    node.problems = ["the listener has not reached the chain yet"]
    reply = client.get("/ready")
    assert reply.status_code == 503 and reply.json()["problems"] == node.problems
    node.problems = []
    assert client.get("/ready").status_code == 200
    node.alive = False
    assert client.get("/health").status_code == 503
    node.alive = True


def test_models_lists_served_and_refused(client):
    body = client.get("/v1/models").json()
    assert body["served"][0]["model_id"] == 1 and body["served"][0]["input_len"] == 30
    assert body["refused"] == {"9": "ONNX sha256 differs from the registry"}


def test_jobs_list_detail_and_missing(client, node):
    node.store.add(new_job(101, block=5))
    node.store.add(new_job(102, block=6))
    node.store.fail(102, "bad input")
    body = client.get("/v1/jobs", params={"state": "failed"}).json()
    assert [j["request_id"] for j in body["jobs"]] == ["102"]
    assert body["counts"]["failed"] >= 1
    assert client.get("/v1/jobs/101").json()["state"] == "new"
    assert client.get("/v1/jobs/999").status_code == 404
    assert client.get("/v1/jobs", params={"state": "bogus"}).status_code == 422


def test_mutating_endpoints_need_the_bearer_token(client, node):
    node.store.add(new_job(103, block=7))
    node.store.fail(103, "transient")
    assert client.post("/v1/jobs/103/retry").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/v1/jobs/103/retry", headers=wrong).status_code == 401
    good = {"Authorization": f"Bearer {TOKEN}"}
    assert client.post("/v1/jobs/103/retry", headers=good).json()["state"] == "new"
    assert client.post("/v1/jobs/103/retry", headers=good).status_code == 409
    assert client.post("/v1/inferences", json={"model_id": 1, "input": [0]}).status_code == 401


def test_settings_dependency_can_be_overridden(node):
    app = create_app(node)
    app.dependency_overrides[get_settings] = lambda: load_settings()  # no token configured
    reply = TestClient(app).post("/v1/jobs/1/retry", headers={"Authorization": "Bearer x"})
    assert reply.status_code == 403 and "set api.token" in reply.json()["detail"]


def test_metrics_expose_jobs_by_state_and_stage_latencies(client, node):
    node.metrics.observe("prove", 2.5)
    text = client.get("/metrics").text
    assert 'oracle_jobs{state="failed"}' in text
    assert 'oracle_stage_seconds_count{stage="prove"}' in text
    assert "oracle_proofs_per_second" in text


def test_openapi_is_served(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/ready", "/metrics", "/v1/models", "/v1/jobs", "/v1/inferences"} <= set(
        paths
    )


def test_bad_inference_inputs_are_rejected_before_proving(client):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    reply = client.post("/v1/inferences", json={"model_id": 1, "input": [1, 2]}, headers=auth)
    assert reply.status_code == 422 and "29" not in reply.text and "takes 30" in reply.text
    reply = client.post("/v1/inferences", json={"model_id": 5, "input": [1]}, headers=auth)
    assert reply.status_code == 404 and "not served" in reply.text
    reply = client.post("/v1/inferences", json={"model_id": 1}, headers=auth)
    assert reply.status_code == 422


@pytest.mark.slow
def test_off_chain_inference_returns_output_proof_and_instances(client, node):
    counts = node.store.counts()
    features = held_out("breast_cancer")[0][0]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    reply = client.post(
        "/v1/inferences", json={"model_id": 1, "input_float": features}, headers=auth
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    inputs = [float_to_int(v, 13) for v in features]
    instances = [int(x) for x in body["instances"]]
    assert instances[:30] == [int_to_felt(x) for x in inputs]
    assert instances[30:] == [int_to_felt(int(x)) for x in body["output"]]
    assert len(bytes.fromhex(body["proof"][2:])) > 1000
    # the circuit's fixed-point output agrees with onnxruntime's float output
    assert abs(body["output_float"][0] - body["onnx_output"][0]) < 0.1
    assert node.store.counts() == counts  # the off-chain path leaves the job ledger alone


def test_api_service_serves_on_a_real_socket_and_stops(node):
    service = ApiService(node, ApiSettings(port=0))
    service.start()
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                reply = httpx.get(f"{service.url}/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        assert reply.json()["ok"] is True and service.port != 0
    finally:
        service.stop()
        service.join(timeout=10)
    assert not service.alive


def test_api_service_refuses_a_busy_port_at_start(node):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        service = ApiService(node, ApiSettings(port=port))
        with pytest.raises(PortInUseError, match=f"port {port} on 127.0.0.1 is already in use"):
            service.start()
    assert not service.alive
