"""The operator API over a real job store, real served model and a real prover pool."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client import CONTENT_TYPE_LATEST
from web3 import Web3

from oracle_node.api.app import create_app
from oracle_node.api.deps import get_settings
from oracle_node.api.server import ApiService
from oracle_node.chain.account import AccountState, Withdrawal
from oracle_node.circuits.datasets import held_out
from oracle_node.encoding import float_to_int, int_to_felt
from oracle_node.exceptions import PortInUseError
from oracle_node.node.metrics import NodeMetrics
from oracle_node.node.models import ModelSet
from oracle_node.node.provers import ProofOutcome, ProverPool
from oracle_node.settings import ApiSettings, NodeSettings, ServedModel, load_settings
from oracle_node.store import JobState, JobStore
from oracle_node.watchlog import NewPosting, WatchState
from tests.support.jobs import new_job

MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"
TOKEN = "op-token"
ADDRESS = Web3.to_checksum_address("0x" + "a1" * 20)


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
    address: str = ADDRESS
    started_at: float | None = None
    fee_credit: int = 3 * 10**15
    withdrawn_to: list[str] = field(default_factory=list)
    rpc_down: bool = False
    head_age_s: float = 1.5
    warnings: list[str] = field(default_factory=list)

    def health(self) -> dict[str, Any]:
        return {"ok": self.alive, "services": {"listener": self.alive}}

    def readiness(self) -> dict[str, Any]:
        return {"ready": not self.problems, "problems": self.problems, "lag_blocks": 3,
                "head_age_s": self.head_age_s, "warnings": self.warnings}  # fmt: skip

    def account(self, max_age: float = 2.0) -> AccountState:
        if self.rpc_down:
            raise ConnectionError("connection refused")
        return AccountState(
            address=self.address, balance_wei=5 * 10**18, stake_wei=10**18, unlock_at=0,
            open_assignments=1, active=True, models=[1], fee_credit_wei=self.fee_credit,
            slash_credit_wei=0, block_number=42, read_at=time.time(),
        )  # fmt: skip

    def chain_status(self) -> dict[str, Any]:
        return {"chain_id": 31337, "head": 44, "safe_head": 43, "cursor": 41,
                "lag_blocks": 3, "last_error": None}  # fmt: skip

    def withdraw(self, to: str | None = None) -> list[Withdrawal]:
        self.withdrawn_to.append(to or self.address)
        amount, self.fee_credit = self.fee_credit, 0
        return [Withdrawal("fees", amount, "0x" + "ee" * 32, 30_000)] if amount else []


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


def test_readiness_shows_the_listeners_lag_the_heads_age_and_warnings(client, node):
    body = client.get("/ready").json()
    assert (body["lag_blocks"], body["head_age_s"], body["warnings"]) == (3, 1.5, [])
    node.head_age_s, node.warnings = 600.0, ["the chain has not mined a block for 600 s"]
    try:
        reply = client.get("/ready")
        assert reply.status_code == 200 and reply.json()["warnings"] == node.warnings
        assert reply.json()["head_age_s"] == 600.0
    finally:
        node.head_age_s, node.warnings = 1.5, []


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


def test_node_route_reports_identity_stake_credits_and_listener(client):
    body = client.get("/v1/node").json()
    assert body["address"] == ADDRESS and body["stake_wei"] == str(10**18)
    assert body["unbonding"] is False and body["active"] is True
    assert body["withdrawable_wei"] == body["fee_credit_wei"]
    assert body["chain"]["lag_blocks"] == 3 and body["block_number"] == 42


def test_node_route_answers_503_while_the_rpc_is_down_and_metrics_still_scrape(client, node):
    node.metrics.watch(node.account, lambda: None)
    node.rpc_down = True
    try:
        reply = client.get("/v1/node")
        assert reply.status_code == 503 and "connection refused" in reply.json()["detail"]
        text = client.get("/metrics").text
        assert "oracle_jobs" in text and "oracle_balance_wei" not in text
        # the failed read is counted during the scrape, so the next scrape shows it
        assert 'oracle_rpc_errors_total{service="metrics"}' in client.get("/metrics").text
    finally:
        node.rpc_down = False
        node.metrics.account_source = node.metrics.lag_source = None


def test_earnings_sum_fees_of_fulfilled_jobs_and_gas_of_every_receipt(client, node):
    before = client.get("/v1/earnings").json()
    fee = {"modelId": 1, "deadline": 1, "inputHash": "0x" + "ab" * 32, "fee": 10**15}
    node.store.add(new_job(201, block=20, commitment=fee))
    node.store.add(new_job(202, block=21, commitment=fee))
    node.store.transition(201, [JobState.NEW], JobState.FULFILLED, gas_used=500_000,
                          gas_wei=500_000 * 10**9)  # fmt: skip
    # a fulfilment that reverted: gas paid, no fee
    node.store.transition(202, [JobState.NEW], JobState.FAILED, gas_used=40_000,
                          gas_wei=40_000 * 10**9)  # fmt: skip
    body = client.get("/v1/earnings").json()
    assert int(body["fees_earned_wei"]) - int(before["fees_earned_wei"]) == 10**15
    assert int(body["gas_spent_wei"]) - int(before["gas_spent_wei"]) == 540_000 * 10**9
    assert int(body["profit_wei"]) == int(body["fees_earned_wei"]) - int(body["gas_spent_wei"])
    assert body["fulfilled"] == before["fulfilled"] + 1
    assert body["series"][-1]["fees_total_wei"] == body["fees_earned_wei"]
    job = client.get("/v1/jobs/201").json()
    assert job["gas_used"] == 500_000 and job["fee_wei"] == str(10**15)


def test_withdraw_needs_the_token_and_sends_to_the_node_by_default(client, node):
    assert client.post("/v1/withdraw").status_code == 401
    assert node.withdrawn_to == []
    auth = {"Authorization": f"Bearer {TOKEN}"}
    reply = client.post("/v1/withdraw", json={"to": "0x12"}, headers=auth)
    assert reply.status_code == 422 and "not an address" in reply.text
    body = client.post("/v1/withdraw", headers=auth).json()
    assert body["to"] == ADDRESS and node.withdrawn_to == [ADDRESS]
    assert body["transactions"][0]["what"] == "fees" and int(body["withdrawn_wei"]) > 0
    assert client.post("/v1/withdraw", headers=auth).json()["transactions"] == []


def test_jobs_can_leave_the_proof_out(client, node):
    node.store.add(new_job(301, block=30))
    node.store.transition(301, [JobState.NEW], JobState.PROVED, proof=b"\x01\x02")
    assert client.get("/v1/jobs/301").json()["proof"] == "0x0102"
    listed = client.get("/v1/jobs", params={"proof": "false"}).json()["jobs"]
    assert all(job["proof"] is None for job in listed)


def test_models_report_proving_key_state(client):
    served = client.get("/v1/models").json()["served"][0]
    assert served["proving_key"]["state"] == "not built"


def test_metrics_use_the_prometheus_content_type_and_show_process_money_and_lag(client, node):
    reply = client.get("/metrics")
    assert reply.headers["content-type"] == CONTENT_TYPE_LATEST
    assert "process_cpu_seconds_total" in reply.text
    assert "oracle_fees_earned_wei_total" in reply.text
    assert "oracle_gas_spent_wei_total" in reply.text
    assert "oracle_balance_wei" not in reply.text  # no chain source handed over yet
    node.metrics.watch(node.account, lambda: 7)
    text = client.get("/metrics").text
    assert "oracle_balance_wei 5e+18" in text and "oracle_stake_wei 1e+18" in text
    assert 'oracle_withdrawable_wei{kind="fees"}' in text
    assert "oracle_listener_lag_blocks 7.0" in text


def test_openapi_types_every_route_and_shows_the_bearer_scheme(client):
    spec = client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["OperatorToken"]["scheme"] == "bearer"
    for path in ("/v1/withdraw", "/v1/inferences", "/v1/jobs/{request_id}/retry"):
        assert spec["paths"][path]["post"]["security"] == [{"OperatorToken": []}]
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if path == "/metrics":
                continue
            schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert "$ref" in schema, f"{method.upper()} {path} has no response model"


def test_docs_page_loads_its_assets_from_this_server(client):
    page = client.get("/docs")
    assert page.status_code == 200
    urls = re.findall(r'(?:href|src)="([^"]+)"', page.text)
    assert urls and all(url.startswith("/") for url in urls), urls
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert "swagger-ui-bundle.js" in page.text and "cdn" not in page.text.lower()
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_dashboard_page_and_its_assets_are_served_without_a_token(client):
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    urls = re.findall(r'(?:href|src)="([^"]+)"', page.text)
    local = [u for u in urls if not u.startswith("data:")]
    assert {"assets/app.js", "assets/style.css"} <= set(local)
    for url in local:
        assert client.get(f"/{url}").status_code == 200, url
    assert not any("://" in u for u in urls)
    script = client.get("/assets/app.js").text
    for route in ("v1/node", "v1/earnings", "v1/models", "v1/jobs", "v1/withdraw",
                  "v1/optimistic", "v1/challenges"):  # fmt: skip
        assert route in script


def _posting(final_at: int, poster: str = ADDRESS) -> dict[str, Any]:
    return {"requester": "0x" + "22" * 20, "poster": poster, "fee": 10**15,
            "callbackGasLimit": 200_000, "finalAt": final_at, "outputHash": "0x" + "33" * 32,
            "commitmentHash": "0x" + "44" * 32}  # fmt: skip


def test_optimistic_shows_open_postings_stake_at_risk_and_challenges(client, node):
    node.models.models[1].bond = 3 * 10**17
    window = {"modelId": 1, "deadline": 1, "inputHash": "0x" + "ab" * 32, "challengeWindow": 300}
    for request_id, state in ((401, JobState.POSTED), (402, JobState.POSTED), (403, JobState.LOST),
                              (404, JobState.FULFILLED)):  # fmt: skip
        node.store.add(new_job(request_id, block=40, commitment=window))
        node.store.transition(request_id, [JobState.NEW], state, output=[request_id],
                              posting=_posting(1_700_000_000 + request_id))  # fmt: skip
    for request_id, state in ((501, WatchState.CHALLENGED), (502, WatchState.AGREED),
                              (503, WatchState.WRONG)):  # fmt: skip
        node.store.watch(
            NewPosting(
                request_id,
                1,
                [1],
                window,
                "0x" + "55" * 20,
                _posting(1_700_000_999),
                [6],
                50,
                "0x" + "66" * 32,
            )  # fmt: skip
        )
        node.store.watch_step(request_id, [WatchState.SEEN], state, slashed_wei=10**17)
    body = client.get("/v1/optimistic").json()
    assert [p["request_id"] for p in body["open_postings"]] == ["401", "402"]
    assert body["open_postings"][0] == {
        "request_id": "401", "model_id": 1, "final_at": 1_700_000_401, "fee_wei": "0",
        "bond_wei": str(3 * 10**17), "output": ["401"],
    }  # fmt: skip
    assert body["stake_at_risk_wei"] == str(6 * 10**17)
    assert (body["posted"], body["finalised"], body["challenges_suffered"]) == (4, 1, 1)
    assert (body["challenges_made"], body["challenges_in_progress"]) == (1, 1)
    assert body["checked"]["agreed"] == 1

    listed = client.get("/v1/challenges").json()
    assert [p["request_id"] for p in listed["postings"]] == ["503", "502", "501"]
    made = client.get("/v1/challenges", params={"state": "challenged"}).json()["postings"]
    assert made[0]["slashed_wei"] == str(10**17) and made[0]["posted_output"] == ["6"]

    node.metrics.watch(node.account, lambda: 7, lambda: {1: 3 * 10**17})
    text = client.get("/metrics").text
    for line in ("oracle_postings_total 4.0", "oracle_finalisations_total 1.0",
                 "oracle_challenges_suffered_total 1.0", "oracle_challenges_made_total 1.0",
                 "oracle_stake_at_risk_wei 6e+17"):  # fmt: skip
        assert line in text, line
    node.metrics.account_source = node.metrics.lag_source = node.metrics.bond_source = None


# ------------------------------------------------------------- the off-chain prove endpoint

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_inference_outside_the_models_range_is_refused_as_the_chain_refuses_it(client, node):
    bound = node.models.get(1).input_bound()
    values = [0] * 30
    values[4] = -(bound + 1)
    reply = client.post("/v1/inferences", json={"model_id": 1, "input": values}, headers=AUTH)
    assert reply.status_code == 422, reply.text
    detail = reply.json()["detail"]
    assert detail["error"] == "InputOutOfRange"
    assert (detail["index"], detail["value"], detail["max_abs"]) == (4, str(-(bound + 1)), bound)
    # floats are checked after quantization, with the same rule
    floats = [0.0] * 30
    floats[7] = 1e9
    reply = client.post("/v1/inferences", json={"model_id": 1, "input_float": floats}, headers=AUTH)
    assert reply.status_code == 422 and reply.json()["detail"]["index"] == 7


def test_an_oversized_inference_body_is_refused_before_it_is_parsed(client):
    huge = b'{"model_id": 1, "input": [' + b"1, " * 2_000_000 + b"1]}"
    headers = {**AUTH, "Content-Type": "application/json"}
    started = time.monotonic()
    reply = client.post("/v1/inferences", content=huge, headers=headers)
    assert reply.status_code == 413, reply.text
    assert "max_body_bytes" in reply.json()["detail"]
    assert time.monotonic() - started < 0.5

    def chunks() -> Iterator[bytes]:  # no Content-Length: the bytes read are capped
        yield huge[:100_000]
        yield huge[100_000:]

    reply = client.post("/v1/inferences", content=chunks(), headers=headers)
    assert reply.status_code == 413, reply.text


def test_the_body_limit_can_be_set(node):
    settings = node.settings.model_copy(
        update={"api": node.settings.api.model_copy(update={"max_body_bytes": 64})}
    )
    small = TestClient(create_app(replace(node, settings=settings)))
    body = {"model_id": 1, "input": [1] * 30}
    assert small.post("/v1/inferences", json=body, headers=AUTH).status_code == 413


def test_the_token_is_checked_before_the_body_is_parsed(client):
    bad = {"Content-Type": "application/json"}
    assert client.post("/v1/inferences", content=b"{not json", headers=bad).status_code == 401
    wrong = {**bad, "Authorization": "Bearer nope"}
    assert client.post("/v1/inferences", content=b"{not json", headers=wrong).status_code == 401
    reply = client.post("/v1/inferences", content=b"{not json", headers={**bad, **AUTH})
    assert reply.status_code == 422


class _HeldPool:
    """A prover whose proofs finish only when the test says so."""

    workers = 1

    def __init__(self) -> None:
        self.submitted = threading.Event()
        self.futures: list[Future[ProofOutcome]] = []

    def submit(self, model_dir: Path, srs_path: Path | None, inputs: list[int]) -> Future:
        future: Future[ProofOutcome] = Future()
        self.futures.append(future)
        self.submitted.set()
        return future


def test_off_chain_proofs_beyond_the_cap_are_answered_429(node):
    pool = _HeldPool()
    app = create_app(replace(node, pool=pool))
    features = held_out("breast_cancer")[0][0]
    body = {"model_id": 1, "input_float": features}

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            first = asyncio.create_task(http.post("/v1/inferences", json=body, headers=AUTH))
            while not pool.submitted.is_set():
                await asyncio.sleep(0.01)
            try:
                second = await asyncio.wait_for(
                    http.post("/v1/inferences", json=body, headers=AUTH), 10
                )
            finally:
                for future in [f for f in pool.futures if not f.done()]:
                    future.set_result(ProofOutcome(b"\x01", [1], [2], 0.1, 0.2))
            return await asyncio.wait_for(first, 10), second

    first, second = asyncio.run(scenario())
    assert second.status_code == 429, second.text
    assert int(second.headers["Retry-After"]) >= 1
    assert "max_concurrent_proofs" in second.json()["detail"]
    assert first.status_code == 200 and first.json()["proof"] == "0x01"
    assert len(pool.futures) == 1


def test_a_job_taken_by_another_node_carries_a_note_not_an_error(client, node):
    other = Web3.to_checksum_address("0x" + "b2" * 20)
    node.store.add(new_job(601, block=60))
    node.store.transition(601, [JobState.NEW], JobState.TAKEN, taken_by=other)
    job = client.get("/v1/jobs/601").json()
    assert job["state"] == "taken" and job["reason"] is None
    assert job["note"] == f"taken by {other}: another node settled it"
    node.store.add(new_job(602, block=60))
    node.store.fail(602, "bad input")
    job = client.get("/v1/jobs/602").json()
    assert job["reason"] == "bad input" and job["note"] is None
    script = client.get("/assets/app.js").text
    assert "job.note" in script and '"note"' in script  # the page shows it as a neutral note
