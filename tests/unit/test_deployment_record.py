"""The deployment record: round trip, atomic writes, clear errors, and how settings use it."""

from __future__ import annotations

import json

import pytest
from web3 import Web3

from oracle_node.cli.common import eth, iso, parse_eth, until
from oracle_node.deployment import DeploymentRecord, PublishedModel, load_record, save_record
from oracle_node.exceptions import DeploymentRecordError, SettingsError
from oracle_node.settings import load_settings

A, B, C, D = ("0x" + c * 40 for c in "abcd")


def record(**kw) -> DeploymentRecord:
    data = {
        "network": "local",
        "chain_id": 31337,
        "deployment_block": 7,
        "deployer": D,
        "contracts": {"ModelRegistry": A, "NodeRegistry": B, "InferenceCoordinator": C},
    }
    data.update(kw)
    return DeploymentRecord(**data)


def test_round_trip_keeps_models_and_checksums_addresses(tmp_path):
    r = record()
    r.models.append(
        PublishedModel(
            model_id=1,
            name="m",
            verifier=A,
            verifier_contract="MVerifier",
            vk_sha256="0x" + "00" * 32,
            fee=10,
            block=9,
        )  # fmt: skip
    )
    path = save_record(r, tmp_path / "d" / "local.json")
    back = load_record(path)
    assert back == r and back.coordinator == Web3.to_checksum_address(C) != C
    assert back.model(1) is not None and back.model(2) is None
    assert [p.name for p in path.parent.iterdir()] == ["local.json"]  # no temporary left


def test_a_failed_write_keeps_the_previous_record(tmp_path, monkeypatch):
    path = save_record(record(), tmp_path / "local.json")
    before = path.read_text()

    def broken(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", broken)
    with pytest.raises(OSError):
        save_record(record(deployment_block=99), path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["local.json"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not readable JSON"),
        (json.dumps({"network": "x"}), "chain_id: Field required"),
        (
            json.dumps({**record().model_dump(), "contracts": {"ModelRegistry": A}}),
            "missing contract addresses: NodeRegistry, InferenceCoordinator",
        ),
    ],
)
def test_malformed_records_are_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(DeploymentRecordError, match=message):
        load_record(path)


def test_a_record_refuses_another_chain():
    with pytest.raises(
        DeploymentRecordError, match="is for chain 31337 but the RPC serves chain 1"
    ):
        record().check_chain(1)


def test_settings_take_addresses_chain_and_start_block_from_the_record(tmp_path):
    path = save_record(record(), tmp_path / "local.json")
    chain = load_settings(chain={"deployment": path}).chain
    assert (chain.chain_id, chain.start_block) == (31337, 7)
    assert {chain.coordinator, chain.model_registry, chain.node_registry} == {
        record().coordinator,
        record().model_registry,
        record().node_registry,
    }


def test_a_setting_that_contradicts_the_record_is_refused(tmp_path):
    path = save_record(record(), tmp_path / "local.json")
    with pytest.raises(SettingsError, match="chain_id is 1 but the deployment record"):
        load_settings(chain={"deployment": path, "chain_id": 1})


def test_amounts_and_times_for_people():
    assert eth(1_500_000_000_000_000_000) == "1.5 ETH" and eth(0) == "0 ETH"
    assert parse_eth("0.001") == 10**15 and parse_eth("7wei") == 7
    assert iso(0) == "1970-01-01T00:00:00Z"
    assert until(100 + 3 * 86_400 + 7200, 100) == "3 d 2 h"
    assert until(100 + 125, 100) == "2 min" and until(5, 10) == "now"
