"""Settings: env prefix and nesting, TOML file, one clear error, keystore rules."""

from __future__ import annotations

import pytest

from oracle_node.exceptions import SettingsError
from oracle_node.settings import load_settings

ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3"


@pytest.fixture
def model_dir(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"onnx")
    return folder


def test_env_with_prefix_and_nested_delimiter_is_read(monkeypatch, model_dir, tmp_path):
    monkeypatch.setenv("ORACLE_CHAIN__RPC_URL", "http://rpc.example:8545")
    monkeypatch.setenv("ORACLE_CHAIN__CONFIRMATIONS", "7")
    monkeypatch.setenv("ORACLE_CHAIN__COORDINATOR", ADDRESS.lower())
    monkeypatch.setenv("ORACLE_WORKERS__PROVERS", "3")
    monkeypatch.setenv("ORACLE_MODELS", f'[{{"id": 4, "dir": "{model_dir}"}}]')
    monkeypatch.setenv("ORACLE_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    assert settings.chain.rpc_url == "http://rpc.example:8545"
    assert settings.chain.confirmations == 7
    assert settings.chain.coordinator == ADDRESS  # checksummed
    assert settings.workers.provers == 3
    assert settings.models[0].id == 4 and settings.models[0].dir == model_dir
    assert settings.db_path == tmp_path / "data" / "jobs.sqlite3"


def test_toml_file_is_read_and_environment_wins(monkeypatch, tmp_path):
    config = tmp_path / "node.toml"
    config.write_text('[chain]\nrpc_url = "http://file:1"\nconfirmations = 3\n[api]\nport = 9100\n')
    monkeypatch.setenv("ORACLE_CHAIN__CONFIRMATIONS", "5")
    settings = load_settings(config)
    assert settings.chain.rpc_url == "http://file:1"
    assert settings.chain.confirmations == 5
    assert settings.api.port == 9100


def test_config_file_from_environment(monkeypatch, tmp_path):
    config = tmp_path / "node.toml"
    config.write_text("[workers]\nprovers = 2\n")
    monkeypatch.setenv("ORACLE_CONFIG_FILE", str(config))
    assert load_settings().workers.provers == 2


def test_every_problem_is_reported_in_one_message(monkeypatch, tmp_path):
    monkeypatch.setenv("ORACLE_CHAIN__RPC_URL", "ws://nope")
    monkeypatch.setenv("ORACLE_CHAIN__CONFIRMATIONS", "-1")
    monkeypatch.setenv("ORACLE_CHAIN__COORDINATOR", "0x1234")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("invalid node settings: ")
    assert "chain.rpc_url: must be an http(s):// URL" in message
    assert "chain.confirmations" in message
    assert "chain.coordinator: '0x1234' is not an address" in message
    assert len(caught.value.problems) == 3


def test_missing_config_file_is_a_settings_error(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")


def test_raw_private_key_needs_the_dev_flag(monkeypatch):
    monkeypatch.setenv("ORACLE_KEYS__DEV_PRIVATE_KEY", "0x" + "11" * 32)
    with pytest.raises(SettingsError, match="raw private key is refused"):
        load_settings()
    monkeypatch.setenv("ORACLE_KEYS__ALLOW_DEV_KEY", "true")
    assert load_settings().keys.configured


def test_keystore_without_password_is_refused(tmp_path):
    keystore = tmp_path / "k.json"
    keystore.write_text("{}")
    with pytest.raises(SettingsError, match="keystore needs a password"):
        load_settings(keys={"keystore": keystore})


def test_model_folder_without_onnx_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="has no model.onnx"):
        load_settings(models=[{"id": 1, "dir": tmp_path}])


def test_same_model_twice_is_refused(model_dir):
    with pytest.raises(SettingsError, match="served twice"):
        load_settings(models=[{"id": 1, "dir": model_dir}, {"id": 1, "dir": model_dir}])


def test_require_chain_names_what_a_running_node_lacks():
    settings = load_settings()
    with pytest.raises(SettingsError) as caught:
        settings.require_chain()
    text = str(caught.value)
    for name in ("chain.coordinator", "chain.model_registry", "chain.node_registry", "keys."):
        assert name in text


def test_unknown_setting_is_refused():
    with pytest.raises(SettingsError, match="chain.rpc: Extra inputs"):
        load_settings(chain={"rpc": "http://x"})


def test_optimistic_defaults_watch_and_finalise_in_batches():
    settings = load_settings()
    assert settings.optimistic.watch is True
    assert settings.optimistic.finalize_batch == 20 and settings.optimistic.finalize_wait_s == 10
    assert settings.testing.lie_every == 0 and settings.testing.faults == []


def test_the_lying_fault_is_refused_unless_faults_are_allowed(monkeypatch):
    monkeypatch.setenv("ORACLE_TESTING__LIE_EVERY", "3")
    with pytest.raises(SettingsError, match="for tests only.*ORACLE_TESTING__ALLOW_FAULTS=true"):
        load_settings()
    monkeypatch.setenv("ORACLE_TESTING__ALLOW_FAULTS", "true")
    settings = load_settings()
    assert settings.testing.faults == [
        "a wrong output for every Optimistic request id divisible by 3"
    ]
