"""The three roles of a live network, each a separate ``oracle-node`` process with its own key.

An anvil started here stands in for the live network. The deployer deploys; the publisher
builds a model made by this test and publishes it into that deployment; an operator creates a
key, is funded, registers with stake and runs the node from the deployment record; a requester
sends requests, each fulfilled with a proof verified on-chain; the operator withdraws its fees
and, after the unbonding period, its stake. The README and docs/node.md walk through the same
commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from web3 import Web3

from oracle_node.chain.contracts import OracleContracts
from oracle_node.circuits.proving import Prover
from oracle_node.deployment import load_record
from oracle_node.devchain import Anvil, dev_key
from oracle_node.encoding import float_to_int
from tests.e2e.nodes import NodeProcess
from tests.support.onnx_models import write_calibration, write_mlp

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DEV_SRS = ROOT / "circuits" / "srs" / "dev-insecure-k15.srs"
PASSWORD = "walkthrough-password"
UNBONDING = 3600


def cli(
    *args: str, env: dict[str, str] | None = None, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    """One ``oracle-node`` process; fails the test (with its output) when ``ok`` is not met."""
    done = subprocess.run(
        [sys.executable, "-m", "oracle_node.cli", *args],
        env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if ok and done.returncode != 0:
        raise AssertionError(
            f"oracle-node {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
        )
    return done


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def anvil():
    with Anvil() as chain:
        yield chain


def test_deploy_publish_operate_request_withdraw(anvil, tmp_path):
    w3 = Web3(Web3.HTTPProvider(anvil.url))
    rpc = ["--rpc", anvil.url]
    password = tmp_path / "password.txt"
    password.write_text(PASSWORD + "\n")
    record = tmp_path / "deployments" / "local.json"

    # --- deployer: imports anvil's first key, deploys, writes the record
    (tmp_path / "deployer.key").write_text(dev_key(0))
    cli("keys", "import", "--out", str(tmp_path / "deployer.json"),
        "--private-key-file", str(tmp_path / "deployer.key"), "--password-file", str(password))  # fmt: skip
    assert oct((tmp_path / "deployer.json").stat().st_mode & 0o777) == "0o600"
    cli("deploy", *rpc, "--keystore", str(tmp_path / "deployer.json"), "--password-file",
        str(password), "--out", str(record), "--param", "exclusive_window=60",
        "--param", "request_timeout=600", "--param", f"unbonding_period={UNBONDING}")  # fmt: skip
    deployment = load_record(record)
    assert deployment.chain_id == 31337 and deployment.models == []

    # --- publisher: builds a model of its own and publishes it into that deployment
    circuits = tmp_path / "project" / "circuits"
    onnx_path = write_mlp(tmp_path / "scorer.onnx", n_in=5, n_hidden=8, n_out=2, seed=11)
    rng = np.random.default_rng(3)
    calibration = write_calibration(
        tmp_path / "cal.json", rng.normal(size=5 * 16).round(4).tolist()
    )
    cli("circuits", "build", str(onnx_path), str(calibration), "--name", "walk_scorer",
        "--circuits-dir", str(circuits), "--verifiers-dir", str(circuits.parent / "verifiers"),
        "--srs", str(DEV_SRS), "--inner-cols", "1")  # fmt: skip
    model_dir = circuits / "walk_scorer"
    (tmp_path / "publisher.key").write_text(dev_key(3))
    cli("keys", "import", "--out", str(tmp_path / "publisher.json"),
        "--private-key-file", str(tmp_path / "publisher.key"), "--password-file", str(password))  # fmt: skip
    published = cli("models", "publish", str(model_dir), *rpc, "--deployment", str(record),
                    "--keystore", str(tmp_path / "publisher.json"), "--password-file", str(password),
                    "--fee", "0.001", "--artifacts-uri", "https://models.example/walk_scorer")  # fmt: skip
    [model] = load_record(record).models
    assert f"model {model.model_id} (walk_scorer) registered" in published.stdout
    listed = json.loads(cli("models", "list", *rpc, "--deployment", str(record), "--json").stdout)
    assert [(m["model_id"], m["name"], m["active"]) for m in listed] == [
        (model.model_id, "walk_scorer", True)
    ]
    shown = cli("models", "show", str(model.model_id), *rpc, "--deployment", str(record),
                "--circuit", str(model_dir))  # fmt: skip
    assert "the verifier is what its verifier source compiles to" in shown.stdout

    # --- operator: a fresh key, funded, registered with stake, running from the record
    operator_ks = tmp_path / "operator.json"
    made = cli("keys", "new", "--out", str(operator_ks), "--password-file", str(password))
    operator = Web3.to_checksum_address(made.stdout.split()[0])
    env = {
        "ORACLE_CHAIN__RPC_URL": anvil.url,
        "ORACLE_CHAIN__DEPLOYMENT": str(record),
        "ORACLE_CHAIN__CONFIRMATIONS": "0",
        "ORACLE_CHAIN__POLL_INTERVAL": "0.2",
        "ORACLE_KEYS__KEYSTORE": str(operator_ks),
        "ORACLE_KEYS__PASSWORD_FILE": str(password),
        "ORACLE_MODELS": json.dumps([{"id": model.model_id, "dir": str(model_dir)}]),
        "ORACLE_DATA_DIR": str(tmp_path / "operator-data"),
    }
    unfunded = one_line_error(cli("register", "--stake", "1", env=env, ok=False))
    assert f"{operator} holds 0 ETH: fund it with at least" in unfunded
    w3.eth.send_transaction({"from": w3.eth.accounts[0], "to": operator, "value": 3 * 10**18})
    cli("register", "--stake", "1", env=env)
    doctor = cli("doctor", env={**env, "ORACLE_API__ENABLED": "false"})
    assert "all checks passed" in doctor.stdout, doctor.stdout

    node = NodeProcess("operator", tmp_path / "operator-data", {
        k: v for k, v in env.items() if k != "ORACLE_DATA_DIR"})  # fmt: skip
    node.start()
    try:
        # --- requester: an account that pays the fee and reads the event
        contracts = OracleContracts(w3, deployment.coordinator, deployment.model_registry,
                                    deployment.node_registry)  # fmt: skip
        requester = w3.eth.accounts[4]
        scale = json.loads((model_dir / "manifest.json").read_text())["input_scale"]
        inputs = [
            [float_to_int(float(v), scale) for v in rng.normal(size=5).round(3)] for _ in range(2)
        ]
        request_ids = []
        for values in inputs:
            tx = contracts.coordinator.functions.requestInference(
                model.model_id, values, 0
            ).transact({"from": requester, "value": model.fee})
            receipt = w3.eth.wait_for_transaction_receipt(tx)
            event = contracts.coordinator.events.InferenceRequested().process_receipt(receipt)[0]
            request_ids.append(int(event["args"]["requestId"]))
        fulfilled = wait_fulfilled(contracts, request_ids, timeout=240)
        prover = Prover(model_dir, srs_path=DEV_SRS)
        for request_id, values in zip(request_ids, inputs, strict=True):
            args = fulfilled[request_id]
            assert args["node"] == operator
            assert [int(x) for x in args["output"]] == prover.witness_outputs(values)
        status = json.loads(cli("status", "--json", env=env).stdout)
        assert status["jobs"].get("fulfilled") == 2
        assert int(status["fees_wei"]) == 2 * model.fee
    finally:
        node.stop()

    # --- fees withdrawn; then unstake, wait out the unbonding period, withdraw the stake
    before = w3.eth.get_balance(operator)
    cli("withdraw", env=env)
    assert contracts.coordinator.functions.credits(operator).call() == 0
    assert w3.eth.get_balance(operator) > before
    unstaked = cli("unstake", env=env)
    assert "stake withdrawable from" in unstaked.stdout
    early = one_line_error(cli("withdraw", env=env, ok=False))
    assert "nothing to withdraw yet: stake 1 ETH withdrawable from" in early
    w3.provider.make_request("evm_increaseTime", [UNBONDING + 1])  # type: ignore[arg-type]
    w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    assert "withdraw stake 1 ETH" in cli("withdraw", env=env).stdout
    assert json.loads(cli("status", "--json", env=env).stdout)["stake_wei"] == "0"


def wait_fulfilled(
    contracts: OracleContracts, request_ids: list[int], timeout: float
) -> dict[int, dict]:
    deadline = time.monotonic() + timeout
    found: dict[int, dict] = {}
    while time.monotonic() < deadline and len(found) < len(request_ids):
        for log in contracts.coordinator.events.InferenceFulfilled().get_logs(from_block=0):
            found[int(log["args"]["requestId"])] = dict(log["args"])
        time.sleep(0.5)
    missing = set(request_ids) - set(found)
    assert not missing, f"requests {sorted(missing)} not fulfilled in {timeout}s"
    return found
