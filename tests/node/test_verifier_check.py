"""A new model (no shipped artifact knows its verifier) whose verifier is, or is not, its circuit's
own: the node, ``doctor``, ``models show`` and ``models publish`` compile the circuit folder's
verifier source and compare it with the code on chain.

One anvil chain for the module, with the protocol deployed from the shipped artifacts and two
models of the same new circuit registered straight through the registry (around the command
line): one with the verifier compiled from its own source, one with an always-true verifier.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from web3 import Web3

from oracle_node.chain import verifier_code
from oracle_node.chain.verifier_code import compile_verifier
from oracle_node.circuits.input_range import read_max_abs_input
from oracle_node.circuits.manifest import load_manifest
from oracle_node.cli import main
from oracle_node.deployment import DeploymentRecord, load_record, save_record
from oracle_node.devchain import Anvil, dev_key
from oracle_node.node.models import verifier_source
from oracle_node.node.runner import OracleNode
from oracle_node.protocol import ProtocolParams, model_spec
from oracle_node.settings import load_settings
from tests.support.circuits import always_true_source, compile_test_contract, copy_circuit
from tests.support.protocol import Deployment, deploy_protocol, send

FEE = 10**15
NODE = 1  # the operator's anvil account
PUBLISHER = 3
REFUSED = "not what the circuit's verifier source compiles to"


@dataclass
class NewModel:
    w3: Web3
    protocol: Deployment
    folder: Path
    contract: str
    own_id: int  # registered with the verifier compiled from the folder's own source
    fake_id: int  # registered with a verifier that accepts every proof
    fake_verifier: str
    record: Path  # the deployment record

    def model_count(self) -> int:
        return int(self.protocol.model_registry.functions.modelCount().call())


def _deploy(w3: Web3, sender: str, abi: list, bytecode: str) -> str:
    tx = w3.eth.contract(abi=abi, bytecode=bytecode).constructor().transact({"from": sender})
    receipt = w3.eth.wait_for_transaction_receipt(tx)
    assert receipt["status"] == 1
    return str(receipt["contractAddress"])


@pytest.fixture(scope="module")
def new_model(tmp_path_factory) -> Iterator[NewModel]:
    project = tmp_path_factory.mktemp("project")
    folder, contract = copy_circuit(project)
    manifest = load_manifest(folder)
    with Anvil() as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = w3.eth.accounts[0]
        protocol = deploy_protocol(w3, owner, ProtocolParams(), FEE)
        own = compile_verifier(verifier_source(folder, manifest))
        mock = compile_test_contract("MockVerifier")
        own_address = _deploy(w3, owner, own.abi, own.bytecode)
        fake_address = _deploy(w3, owner, mock.abi, mock.bytecode)
        own_id = _register(protocol, folder, own_address)
        fake_id = _register(protocol, folder, fake_address)
        protocol.stake(w3.eth.accounts[NODE], [own_id, fake_id])
        record = DeploymentRecord(
            network="test",
            chain_id=31337,
            deployment_block=0,
            deployer=owner,
            contracts={
                "ModelRegistry": protocol.model_registry.address,
                "NodeRegistry": protocol.node_registry.address,
                "InferenceCoordinator": protocol.coordinator.address,
            },
        )
        path = save_record(record, project / "deployments" / "test.json")
        yield NewModel(w3, protocol, folder, contract, own_id, fake_id, fake_address, path)


def _register(protocol: Deployment, folder: Path, verifier: str) -> int:
    """Register the circuit straight through the registry, as anyone may."""
    spec = model_spec(
        load_manifest(folder), verifier, fee=FEE, max_abs_input=read_max_abs_input(folder)
    )
    registry = protocol.model_registry
    receipt = send(protocol.w3, registry.functions.registerModel(spec), protocol.owner)
    return int(registry.events.ModelRegistered().process_receipt(receipt)[0]["args"]["modelId"])


@pytest.fixture
def env(new_model, monkeypatch, tmp_path):
    """The operator's settings: the deployment record, its dev key, a fresh data folder."""
    values = {
        "ORACLE_CHAIN__RPC_URL": new_model.w3.provider.endpoint_uri,
        "ORACLE_CHAIN__DEPLOYMENT": str(new_model.record),
        "ORACLE_KEYS__DEV_PRIVATE_KEY": dev_key(NODE),
        "ORACLE_KEYS__ALLOW_DEV_KEY": "true",
        "ORACLE_DATA_DIR": str(tmp_path / "data"),
        "ORACLE_API__ENABLED": "false",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def _serve(monkeypatch, model: NewModel, *ids: int) -> None:
    models = [{"id": model_id, "dir": str(model.folder)} for model_id in ids]
    monkeypatch.setenv("ORACLE_MODELS", json.dumps(models))


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# ----------------------------------------------------------------------------------- node


def test_node_serves_the_model_with_its_own_verifier_and_refuses_the_always_true_one(
    new_model, tmp_path, monkeypatch
):
    monkeypatch.setattr(verifier_code, "_COMPILED", {})  # compile here, into the data folder
    p = new_model.protocol
    settings = load_settings(
        data_dir=tmp_path,
        chain={
            "rpc_url": new_model.w3.provider.endpoint_uri,
            "chain_id": 31337,
            "coordinator": p.coordinator.address,
            "model_registry": p.model_registry.address,
            "node_registry": p.node_registry.address,
            "confirmations": 0,
        },
        keys={"dev_private_key": dev_key(NODE), "allow_dev_key": True},
        models=[
            {"id": new_model.own_id, "dir": new_model.folder},
            {"id": new_model.fake_id, "dir": new_model.folder},
        ],
        api={"enabled": False},
    )
    node = OracleNode(settings)
    node.start()
    try:
        assert set(node.models.models) == {new_model.own_id}
        reason = node.models.refused[new_model.fake_id]
        assert reason.startswith(f"verifier {new_model.fake_verifier}: ") and REFUSED in reason
    finally:
        node.stop()
    assert node.wait(5)
    # The compiled verifier is cached in the data folder, by source hash and compiler.
    assert len(list(settings.verifier_cache_dir.glob("*.json"))) == 1


# --------------------------------------------------------------------------------- doctor


def test_doctor_flags_the_always_true_verifier(new_model, env, monkeypatch, capsys):
    _serve(monkeypatch, new_model, new_model.fake_id)
    code, out, err = _run(capsys, ["doctor"])
    assert code == 1
    fails = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 1, out
    assert f"model {new_model.fake_id}: verifier {new_model.fake_verifier}: " in fails[0]
    assert REFUSED in fails[0]
    assert "1 check(s) failed" in _one_line_error(err)


def test_doctor_passes_the_models_own_verifier(new_model, env, monkeypatch, capsys):
    _serve(monkeypatch, new_model, new_model.own_id)
    code, out, _ = _run(capsys, ["doctor"])
    assert code == 0, out
    assert f"is {new_model.contract} as compiled from the circuit's verifier source" in out
    assert "all checks passed" in out


# ---------------------------------------------------------------------------- models show


def test_models_show_says_whether_the_verifier_is_the_circuits_own(new_model, env, capsys):
    folder = str(new_model.folder)
    code, out, _ = _run(capsys, ["models", "show", str(new_model.own_id), "--circuit", folder])
    assert code == 0 and "fits the record; the verifier is what its verifier source" in out
    code, out, _ = _run(capsys, ["models", "show", str(new_model.own_id)])
    assert code == 0 and "circuit: not checked (pass --circuit DIR" in out
    code, out, err = _run(capsys, ["models", "show", str(new_model.fake_id), "--circuit", folder])
    line = _one_line_error(err)
    assert code == 1 and f"model {new_model.fake_id} does not fit {folder}" in line
    assert REFUSED in line
    assert f"verifier: {new_model.fake_verifier}" in out  # the record is shown first


# ------------------------------------------------------------------------- models publish


def _publish(capsys, model: NewModel, *extra: str) -> tuple[int, str, str]:
    argv = ["models", "publish", str(model.folder), "--fee", "0.001", "--artifacts-uri", "x://y"]
    return _run(capsys, [*argv, *extra])


@pytest.fixture
def publisher(env, monkeypatch):
    monkeypatch.setenv("ORACLE_KEYS__DEV_PRIVATE_KEY", dev_key(PUBLISHER))


def test_publish_refuses_a_verifier_source_other_than_the_circuits(
    new_model, publisher, tmp_path, capsys
):
    fake = tmp_path / f"{new_model.contract}.sol"
    fake.write_text(always_true_source(new_model.contract))
    before = (new_model.model_count(), _nonce(new_model, PUBLISHER))
    code, _, err = _publish(capsys, new_model, "--verifier", str(fake))
    line = _one_line_error(err)
    assert code == 1 and f"verifier source {fake} hashes to 0x" in line
    assert "it is not the circuit's generated verifier" in line
    # Refused before anything was sent: no verifier deployed, no model registered.
    assert (new_model.model_count(), _nonce(new_model, PUBLISHER)) == before


def test_publish_refuses_a_deployed_verifier_that_is_not_the_circuits(new_model, publisher, capsys):
    before = (new_model.model_count(), _nonce(new_model, PUBLISHER))
    code, _, err = _publish(capsys, new_model, "--verifier-address", new_model.fake_verifier)
    line = _one_line_error(err)
    assert code == 1 and f"verifier {new_model.fake_verifier} is not scorer_copy's own" in line
    assert REFUSED in line and line.endswith("nothing was registered")
    assert (new_model.model_count(), _nonce(new_model, PUBLISHER)) == before


def test_publish_registers_the_model_with_the_verifier_of_its_own_source(
    new_model, publisher, env, capsys
):
    before = new_model.model_count()
    code, out, err = _publish(capsys, new_model)
    assert code == 0, err
    [published] = load_record(new_model.record).models
    assert published.model_id == before + 1 and published.verifier_contract == new_model.contract
    assert "is the circuit's compiled verifier" in out
    folder = str(new_model.folder)
    code, out, _ = _run(capsys, ["models", "show", str(published.model_id), "--circuit", folder])
    assert code == 0 and "the verifier is what its verifier source compiles to" in out
    # A publisher's commands compile for the process only: no cache folder is left behind.
    assert not Path(env["ORACLE_DATA_DIR"]).exists()


def _nonce(model: NewModel, account: int) -> int:
    return int(model.w3.eth.get_transaction_count(model.w3.eth.accounts[account]))
