"""Compiled contract artifacts shipped with the package.

Each ``<Name>.json`` is an ethpm ``ContractType`` (``contractName``, ``sourceId``, ``abi``,
``deploymentBytecode``, ``runtimeBytecode``, ``devdoc``, ``userdoc``) written by
``scripts/export_artifacts.py`` from Ape's build output. The node reads ABIs from here; the
deploy helpers deploy from here, so they work inside any Ape project.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oracle_node.exceptions import ArtifactNotFoundError

ARTIFACTS_DIR = Path(__file__).resolve().parent

PROTOCOL_CONTRACTS = ("ModelRegistry", "NodeRegistry", "InferenceCoordinator")
EXAMPLE_CONTRACTS = ("ScreeningGate", "DigitBounty")
VERIFIER_SOURCE_PREFIX = "contracts/verifiers/"

#: The ContractType fields kept in a shipped artifact (no source maps, ASTs or pc maps).
KEPT_FIELDS = (
    "contractName",
    "sourceId",
    "abi",
    "deploymentBytecode",
    "runtimeBytecode",
    "devdoc",
    "userdoc",
)


def available() -> list[str]:
    """Names of the shipped artifacts, sorted."""
    return sorted(path.stem for path in ARTIFACTS_DIR.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    """The artifact of contract ``name`` as a JSON object."""
    path = ARTIFACTS_DIR / f"{name}.json"
    if not path.is_file():
        raise ArtifactNotFoundError(name, ARTIFACTS_DIR, available())
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def load_abi(name: str) -> list[dict[str, Any]]:
    """The ABI of contract ``name`` (for web3.py)."""
    abi: list[dict[str, Any]] = load(name)["abi"]
    return abi


def to_artifact(contract_type_json: dict[str, Any]) -> dict[str, Any]:
    """Reduce an ethpm ContractType (as JSON, camelCase keys) to the shipped fields."""
    return {key: contract_type_json[key] for key in KEPT_FIELDS if key in contract_type_json}


def dumps(artifact: dict[str, Any]) -> str:
    """The canonical text of an artifact file (stable key order, trailing newline)."""
    return json.dumps(artifact, indent=1, sort_keys=True) + "\n"
