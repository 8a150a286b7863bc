"""Bad input to the role commands: one line on stderr, exit 1, no traceback; each case once."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from oracle_node.cli import main
from oracle_node.deployment import DeploymentRecord, save_record
from oracle_node.devchain import dev_key, free_port
from oracle_node.keys import write_keystore

MODEL_DIR = Path(__file__).resolve().parents[2] / "circuits" / "breast_cancer"


def record_for(chain, chain_id: int = 31337) -> DeploymentRecord:
    p = chain.protocol
    return DeploymentRecord(
        network="test",
        chain_id=chain_id,
        deployment_block=0,
        deployer=chain.w3.eth.accounts[0],
        contracts={
            "ModelRegistry": p.model_registry.address,
            "NodeRegistry": p.node_registry.address,
            "InferenceCoordinator": p.coordinator.address,
        },
    )


@pytest.fixture
def env(chain, monkeypatch, tmp_path):
    """An operator with a keystore (password file) on the test chain, via a deployment record."""
    record = save_record(record_for(chain), tmp_path / "deployments" / "test.json")
    password = tmp_path / "pass.txt"
    password.write_text("right password\n")
    keystore = tmp_path / "node.json"
    write_keystore(dev_key(8), "right password", keystore, iterations=2)
    values = {
        "ORACLE_CHAIN__RPC_URL": chain.w3.provider.endpoint_uri,
        "ORACLE_CHAIN__DEPLOYMENT": str(record),
        "ORACLE_KEYS__KEYSTORE": str(keystore),
        "ORACLE_KEYS__PASSWORD_FILE": str(password),
        "ORACLE_DATA_DIR": str(tmp_path / "data"),
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def one_line(capsys, argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "Traceback" not in err[0]
    return err[0]


def test_wrong_chain_id(env, monkeypatch, capsys):
    monkeypatch.delenv("ORACLE_CHAIN__DEPLOYMENT")
    monkeypatch.setenv("ORACLE_CHAIN__CHAIN_ID", "1")
    monkeypatch.setenv("ORACLE_CHAIN__COORDINATOR", "0x" + "11" * 20)
    monkeypatch.setenv("ORACLE_CHAIN__MODEL_REGISTRY", "0x" + "12" * 20)
    monkeypatch.setenv("ORACLE_CHAIN__NODE_REGISTRY", "0x" + "13" * 20)
    assert "serves chain 31337, settings say 1" in one_line(capsys, ["status"])


def test_deployment_record_of_another_chain(chain, env, tmp_path, capsys):
    other = save_record(record_for(chain, chain_id=5), tmp_path / "deployments" / "other.json")
    line = one_line(capsys, ["status", "--deployment", str(other)])
    assert f"deployment record {other} is for chain 5" in line and "serves chain 31337" in line


def test_missing_deployment_record(env, tmp_path, capsys):
    line = one_line(capsys, ["status", "--deployment", str(tmp_path / "nope.json")])
    assert "does not exist: run `oracle-node deploy --out" in line


def test_publishing_a_folder_that_does_not_exist_says_so(env, tmp_path, capsys):
    missing = tmp_path / "no_such_model"
    line = one_line(
        capsys,
        ["models", "publish", str(missing), "--fee", "0.001", "--artifacts-uri", "file:///x"],
    )
    assert f"{missing} does not exist" in line and "not a built circuit folder" not in line


def test_unknown_model(chain, env, capsys):
    assert "model 99 is not registered" in one_line(capsys, ["models", "show", "99"])


def test_wrong_keystore_password(env, tmp_path, capsys):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    line = one_line(
        capsys,
        ["register", "--password-file", str(wrong), "--keystore", env["ORACLE_KEYS__KEYSTORE"]],
    )
    assert "wrong password or corrupted file" in line


def test_status_reads_without_decrypting_the_key(chain, env, tmp_path, monkeypatch, capsys):
    # a wrong password must not matter to a read-only command
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password\n")
    monkeypatch.setenv("ORACLE_KEYS__PASSWORD_FILE", str(wrong))
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "balance:" in out and " ETH" in out and "unbonding: no" in out


def test_srs_hash_mismatch_is_named_in_the_doctor_report(chain, env, tmp_path, monkeypatch, capsys):
    bad_srs = tmp_path / "other.srs"
    bad_srs.write_bytes(b"\0" * 1024)
    models = f'[{{"id": {chain.model_id}, "dir": "{MODEL_DIR}", "srs_path": "{bad_srs}"}}]'
    monkeypatch.setenv("ORACLE_MODELS", models)
    monkeypatch.setenv("ORACLE_API__ENABLED", "false")
    capsys.readouterr()
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    fails = [line for line in captured.out.splitlines() if line.startswith("FAIL")]
    assert any(f"SRS file {bad_srs} hashes to" in line for line in fails), captured.out
    assert (
        captured.err.strip().startswith("error: ") and len(captured.err.strip().splitlines()) == 1
    )


def test_doctor_reports_each_rpc_endpoint_and_goes_on_with_the_live_one(
    chain, env, monkeypatch, capsys
):
    dead, live = f"http://127.0.0.1:{free_port()}", env["ORACLE_CHAIN__RPC_URL"]
    monkeypatch.setenv("ORACLE_CHAIN__RPC_URLS", json.dumps([dead, live]))
    monkeypatch.setenv("ORACLE_API__ENABLED", "false")
    capsys.readouterr()
    assert main(["doctor"]) == 1  # a dead endpoint is a FAIL line
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("FAIL") and f"RPC {dead} does not answer" in line for line in out)
    assert any(line.startswith("ok") and f"rpc: {live} answers, block" in line for line in out)
    assert any(
        line.startswith("ok") and f"rpc: {dead}, {live} answers, chain" in line for line in out
    )
    assert any(line.startswith("ok") and "contracts:" in line for line in out), out


def test_busy_api_port_stops_the_node_at_start(chain, env, monkeypatch, capsys):
    models = f'[{{"id": {chain.model_id}, "dir": "{MODEL_DIR}"}}]'
    monkeypatch.setenv("ORACLE_MODELS", models)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        monkeypatch.setenv("ORACLE_API__PORT", str(port))
        line = one_line(capsys, ["run"])
    assert f"port {port} on 127.0.0.1 is already in use" in line


def test_an_unexpected_error_is_one_line_unless_debug(env, monkeypatch, capsys):
    import oracle_node.cli.node as node_cli

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(node_cli, "contracts_for", explode)
    line = one_line(capsys, ["status"])
    assert line == "error: RuntimeError: boom second line (run with --debug for the traceback)"
    with pytest.raises(RuntimeError):
        main(["--debug", "status"])
