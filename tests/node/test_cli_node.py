"""Operator commands: one-line errors on bad settings; register, status, unstake, withdraw."""

from __future__ import annotations

import json

import pytest

from oracle_node.cli import main
from oracle_node.devchain import dev_key
from tests.node.conftest import use_cli_env


def test_every_operator_command_is_registered(capsys):
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for name in ("run", "register", "unstake", "withdraw", "status", "doctor", "cancel",
                 "remove-model", "deploy", "models", "keys"):  # fmt: skip
        assert f"  {name}" in listed


def test_misconfigured_run_fails_at_start_with_one_message(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("ORACLE_CHAIN__RPC_URL", "localhost:8545")
    monkeypatch.setenv("ORACLE_DATA_DIR", str(tmp_path))
    assert main(["run"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("error: invalid node settings: chain.rpc_url: must be an http(s)://")


def test_run_without_contract_addresses_names_them(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("ORACLE_DATA_DIR", str(tmp_path))
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "chain.coordinator: required to run a node" in err and "keys.keystore" in err


@pytest.fixture
def operator_env(chain, monkeypatch, tmp_path):
    return use_cli_env(chain, monkeypatch, tmp_path, 7)


def _status(capsys) -> dict:
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_register_status_unstake_and_early_withdraw(operator_env, capsys):
    chain = operator_env
    stake = chain.protocol.params.min_stake
    model = chain.model_id
    assert stake == 10**18
    assert main(["register", "--stake", "1", "--model", str(model)]) == 0
    status = _status(capsys)
    assert status["active"] is True and status["models"] == [model]
    assert status["stake_wei"] == str(stake)
    assert main(["register", "--model", str(model)]) == 0
    assert "already served" in capsys.readouterr().out
    assert main(["unstake"]) == 0
    status = _status(capsys)
    assert status["active"] is False and status["unlock_at"].endswith("Z")
    assert main(["withdraw"]) == 1
    err = capsys.readouterr().err
    assert f"nothing to withdraw yet: stake 1 ETH withdrawable from {status['unlock_at']}" in err


def test_remove_model_leaves_the_pool(operator_env, capsys):
    chain = operator_env
    address = chain.w3.eth.account.from_key(dev_key(7)).address
    registry = chain.protocol.node_registry.functions
    if chain.model_id not in registry.getNodeModels(address).call():
        assert main(["register", "--model", str(chain.model_id)]) == 0
    assert main(["remove-model", str(chain.model_id)]) == 0
    assert chain.model_id not in registry.getNodeModels(address).call()


def test_cancel_waits_for_the_deadline_then_refunds_once(operator_env, capsys):
    chain = operator_env
    request_id = chain.request([1] * 30)
    capsys.readouterr()
    assert main(["cancel", str(request_id)]) == 1
    assert f"request {request_id} can be cancelled after" in capsys.readouterr().err
    chain.w3.provider.make_request("evm_increaseTime", [chain.protocol.params.request_timeout + 1])
    chain.mine()
    assert main(["cancel", str(request_id)]) == 0
    coordinator = chain.protocol.coordinator.functions
    assert int.from_bytes(coordinator.commitmentOf(request_id).call(), "big") == 0
    assert main(["cancel", str(request_id)]) == 1
    assert "is settled already" in capsys.readouterr().err
    assert main(["cancel", "999999"]) == 1
    assert "was never made" in capsys.readouterr().err
