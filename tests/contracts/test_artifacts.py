"""The artifacts shipped in ``oracle_node/artifacts`` are what the current sources compile to."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from oracle_node import artifacts
from oracle_node.deploy import artifact_container
from oracle_node.exceptions import ArtifactNotFoundError

ROOT = Path(__file__).resolve().parents[2]


def _export_module():
    spec = importlib.util.spec_from_file_location(
        "export_artifacts", ROOT / "scripts" / "export_artifacts.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _without_metadata(code: str) -> str:
    """Bytecode less solc's trailing CBOR metadata (its last two bytes give its length).

    The metadata hash also covers compiler settings that depend on where and how the project
    was compiled (remappings, paths), not on what the contract does."""
    raw = bytes.fromhex(code.removeprefix("0x"))
    if len(raw) < 2:
        return raw.hex()
    return raw[: -(int.from_bytes(raw[-2:], "big") + 2)].hex()


def _normalized(artifact_json: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(artifact_json)
    for key in ("deploymentBytecode", "runtimeBytecode"):
        if data.get(key, {}).get("bytecode"):
            data[key]["bytecode"] = _without_metadata(data[key]["bytecode"])
    return data


def test_shipped_artifacts_match_the_build():
    built = _export_module().build_artifacts()
    stale = [
        name
        for name, artifact in built.items()
        if not (artifacts.ARTIFACTS_DIR / f"{name}.json").is_file()
        or _normalized((artifacts.ARTIFACTS_DIR / f"{name}.json").read_text())
        != _normalized(artifacts.dumps(artifact))
    ]
    extra = sorted(set(artifacts.available()) - set(built))
    assert (
        not stale and not extra
    ), f"stale artifacts {stale}, leftover {extra}: run `python scripts/export_artifacts.py`"


def test_protocol_examples_and_verifiers_are_shipped():
    shipped = set(artifacts.available())
    assert set(artifacts.PROTOCOL_CONTRACTS) | set(artifacts.EXAMPLE_CONTRACTS) <= shipped
    verifiers = sorted(p.stem for p in (ROOT / "contracts" / "verifiers").glob("*.sol"))
    assert verifiers and set(verifiers) <= shipped
    for name in shipped:
        data = artifacts.load(name)
        assert data["abi"] and data["deploymentBytecode"]["bytecode"].startswith("0x")


def test_code_size_is_under_the_limit():
    for name in artifacts.available():
        runtime = artifact_container(name).contract_type.runtime_bytecode.bytecode
        assert len(bytes.fromhex(runtime.removeprefix("0x"))) <= 24_576, name


def test_abi_lookup_and_unknown_name():
    import pytest

    names = {item.get("name") for item in artifacts.load_abi("InferenceCoordinator")}
    assert {"requestInference", "fulfill", "InferenceRequested", "InvalidProof"} <= names
    with pytest.raises(ArtifactNotFoundError, match="export_artifacts"):
        artifacts.load("NoSuchContract")
