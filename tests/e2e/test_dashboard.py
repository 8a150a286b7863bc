"""The operator dashboard in a real headless Chromium, over a real node on anvil.

One ``oracle-node run`` process with real proofs serves the page; Playwright drives Debian's
``chromium`` (``/usr/bin/chromium``, installed by ``make test`` when missing, through
``scripts/toolchain/ensure_chromium.sh``). The screenshot is written to
``$ORACLE_TEST_ARTIFACTS`` (default ``test-artifacts/`` in the repository).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families
from web3 import Web3
from web3.logs import DISCARD

from oracle_node.devchain import Anvil, dev_key
from tests.e2e.conftest import CALLBACK_GAS, FEE, PARAMS, sample
from tests.e2e.nodes import NodeProcess, node_env
from tests.support.protocol import BREAST_CANCER, ROOT, Deployment, deploy, deploy_protocol

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CHROMIUM = Path(os.environ.get("ORACLE_CHROMIUM", "/usr/bin/chromium"))
WINDOW = 300  # the model's challenge window (chain seconds)
BOND = 3 * 10**17
ARTIFACTS = Path(os.environ.get("ORACLE_TEST_ARTIFACTS", ROOT / "test-artifacts"))


@dataclass
class Solo:
    """A chain with the protocol, one example consumer and one staked node running."""

    w3: Web3
    protocol: Deployment
    gate: Any
    node: NodeProcess
    address: str
    consumer: Any
    model_id: int

    def request(self, features: list[int], applicant: int) -> int:
        sender = self.w3.eth.accounts[applicant]
        tx = self.gate.functions.screen(features).transact({"from": sender, "value": FEE})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        events = self.protocol.coordinator.events.InferenceRequested().process_receipt(
            receipt, errors=DISCARD
        )
        return int(events[0]["args"]["requestId"])

    def request_optimistic(self, features: list[int]) -> int:
        call = self.consumer.functions.requestOptimistic(self.model_id, features, CALLBACK_GAS)
        tx = call.transact({"from": self.w3.eth.accounts[5], "value": FEE})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        events = self.protocol.coordinator.events.InferenceRequested().process_receipt(
            receipt, errors=DISCARD
        )
        return int(events[0]["args"]["requestId"])

    def fee_credit(self) -> int:
        return int(self.protocol.coordinator.functions.credits(self.address).call())


@pytest.fixture(scope="module")
def solo(tmp_path_factory) -> Iterator[Solo]:
    root = tmp_path_factory.mktemp("dashboard")
    with Anvil(block_time=1) as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner, operator = w3.eth.accounts[0], w3.eth.accounts[1]
        protocol = deploy_protocol(w3, owner, PARAMS, FEE)
        model_id = protocol.register_model(challenge_window=WINDOW, bond=BOND)
        consumer = deploy(w3, owner, "RecordingConsumer", protocol.coordinator.address)
        gate = deploy(
            w3, owner, "ScreeningGate", protocol.coordinator.address, model_id, 0, CALLBACK_GAS
        )
        protocol.stake(operator, [model_id])
        addresses = {
            "coordinator": protocol.coordinator.address,
            "model_registry": protocol.model_registry.address,
            "node_registry": protocol.node_registry.address,
        }
        env = node_env(
            anvil.url,
            addresses,
            [{"id": model_id, "dir": str(BREAST_CANCER)}],
            {"dev_private_key": dev_key(1), "allow_dev_key": "true"},
        )
        env["ORACLE_OPTIMISTIC__FINALIZE_WAIT_S"] = "1"
        node = NodeProcess("solo", root / "solo", env)
        node.start()
        try:
            yield Solo(w3, protocol, gate, node, operator, consumer, model_id)
        finally:
            node.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/toolchain/ensure_chromium.sh "
            "(make test does), or apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield browser
        browser.close()


def test_dashboard_follows_a_request_to_fulfilled_and_guards_withdraw(solo: Solo, browser, capsys):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1360, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    external: list[str] = []
    page.on(
        "request",
        lambda req: None if req.url.startswith(solo.node.api) else external.append(req.url),
    )

    # 1-2: the page of a running node loads and shows who it is, without a token
    page.goto(f"{solo.node.api}/")
    expect(page.locator("#node-address")).to_have_text(solo.address)
    expect(page.locator("#node-active")).to_have_text("active")
    expect(page.locator("#stake")).to_have_text("1 ETH")
    expect(page.locator("#unbonding")).to_contain_text("bonded")
    expect(page.locator("#fees-earned")).to_have_text("0 ETH")
    expect(page.locator("#models tbody tr")).to_have_count(1)
    expect(page.locator("#models tbody tr").first).to_contain_text("ready")
    balance_before = page.locator("#balance").get_attribute("data-wei")
    assert balance_before == str(solo.w3.eth.get_balance(solo.address))
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads

    # 3: two requests; their rows appear and reach "fulfilled" while the page stays loaded
    request_ids = [solo.request(sample(0), applicant=3), solo.request(sample(1), applicant=4)]
    for request_id in request_ids:
        row = page.locator(f'#jobs tbody tr[data-request-id="{request_id}"]')
        expect(row).to_be_visible(timeout=30_000)
        expect(row).to_have_attribute("data-state", "fulfilled", timeout=180_000)
        expect(row.locator("td").nth(5)).to_contain_text(" s")  # prove latency
        expect(row.locator("td").nth(9)).to_contain_text("0x")  # tx hash
    assert page.evaluate("window.__sameDocument") is True

    # 4: the earnings figures follow the chain: two fees in, gas paid, balance moved
    expect(page.locator("#fees-earned")).to_have_text("0.002 ETH")
    expect(page.locator("#fulfilled-count")).to_have_text("2 request(s) fulfilled")
    expect(page.locator("#gas-spent")).not_to_have_text("0 ETH")
    expect(page.locator("#withdrawable")).to_have_text("0.002 ETH")
    expect(page.locator("#balance")).not_to_have_attribute("data-wei", balance_before or "")
    expect(page.locator("#balance")).to_have_attribute(
        "data-wei", str(solo.w3.eth.get_balance(solo.address))
    )
    assert solo.fee_credit() == 2 * FEE
    gas_used = 0
    for request_id in request_ids:  # the gas the page sums is each fulfilment's receipt
        job = solo.node.job(request_id)
        assert job is not None
        receipt = solo.w3.eth.get_transaction_receipt(job["tx_hash"])
        assert job["gas_used"] == receipt["gasUsed"]
        assert int(job["gas_wei"]) == receipt["gasUsed"] * receipt["effectiveGasPrice"]
        gas_used += receipt["gasUsed"]
    metrics = httpx.get(f"{solo.node.api}/metrics", timeout=10)
    assert metrics.headers["content-type"] == CONTENT_TYPE_LATEST
    values = {
        series.name: series.value
        for family in text_string_to_metric_families(metrics.text)
        for series in family.samples
    }
    assert values["oracle_fees_earned_wei_total"] == 2 * FEE
    assert values["oracle_stake_wei"] == 10**18 and values["oracle_balance_wei"] > 0
    assert values["oracle_listener_lag_blocks"] >= 0 and values["process_resident_memory_bytes"] > 0
    assert values["oracle_gas_used_total"] == gas_used

    # 5: withdraw without the token is refused and moves nothing; with it, it goes through
    result = page.locator("#withdraw-result")
    page.click("#withdraw")
    expect(result).to_have_attribute("data-outcome", "refused")
    expect(result).to_contain_text("401")
    assert solo.fee_credit() == 2 * FEE
    page.fill("#token", "not-the-token")
    page.click("#withdraw")
    expect(result).to_contain_text("missing or wrong bearer token")
    page.fill("#token", solo.node.token)
    page.click("#withdraw")
    expect(result).to_have_attribute("data-outcome", "done", timeout=60_000)
    expect(result).to_contain_text("withdrew 0.002 ETH")
    assert solo.fee_credit() == 0
    expect(page.locator("#withdrawable")).to_have_text("0 ETH")
    expect(page.locator("#fees-earned")).to_have_text("0.002 ETH")  # earned stays earned

    # 6: an Optimistic request: posted (an open window, its bond at risk), then finalised
    for figure, text in (("#opt-open", "0"), ("#opt-at-risk", "0 ETH"), ("#opt-finalised", "0"),
                         ("#opt-made", "0"), ("#opt-suffered", "0")):  # fmt: skip
        expect(page.locator(figure)).to_have_text(text)
    request_id = solo.request_optimistic(sample(2))
    row = page.locator(f'#jobs tbody tr[data-request-id="{request_id}"]')
    expect(row).to_have_attribute("data-state", "posted", timeout=60_000)
    expect(page.locator("#opt-open")).to_have_text("1")
    expect(page.locator("#opt-at-risk")).to_have_text("0.3 ETH")
    window = page.locator(f'#open-postings tbody tr[data-request-id="{request_id}"]')
    expect(window).to_be_visible()
    expect(window.locator("td").nth(4)).to_contain_text(" s")  # seconds left
    expect(page.locator("#opt-next")).to_contain_text("next final in")

    # 7: the screenshot, as a test artifact (with the posting's window open)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    page.wait_for_timeout(1_600)  # one more poll, so the charts show the settled state
    page.screenshot(path=str(shot), full_page=True)
    with capsys.disabled():
        print(f"\ndashboard screenshot: {shot}")
    assert shot.stat().st_size > 10_000

    solo.w3.provider.make_request("evm_increaseTime", [WINDOW + 1])  # type: ignore[arg-type]
    solo.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    expect(row).to_have_attribute("data-state", "fulfilled", timeout=60_000)
    expect(page.locator("#opt-open")).to_have_text("0")
    expect(page.locator("#opt-finalised")).to_have_text("1")
    expect(page.locator("#opt-at-risk")).to_have_text("0 ETH")
    expect(page.locator("#open-postings tbody tr")).to_have_count(0)
    assert solo.consumer.functions.deliveries().call() == 1
    expect(page.locator("#fees-earned")).to_have_text("0.003 ETH")
    assert errors == [] and external == []
    page.close()


def test_docs_page_renders_swagger_ui_offline(solo: Solo, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda req: failed.append(req.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(f"{solo.node.api}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("oracle-node operator API")
    expect(page.locator(".swagger-ui .btn.authorize")).to_be_visible()  # the bearer scheme
    assert failed == []
    page.close()
