"""The deployment record: one JSON file per network, the single source of addresses.

``oracle-node deploy`` writes it; ``oracle-node models publish`` adds the models it
registers; the node (setting ``chain.deployment``) and every operator command read it.
A record names its chain id, so a file for another chain is refused, never half-used::

    {
      "network": "local",
      "chain_id": 31337,
      "deployment_block": 1,
      "deployer": "0x...",
      "contracts": {"ModelRegistry": "0x...", "NodeRegistry": "0x...",
                    "InferenceCoordinator": "0x..."},
      "params": {"min_stake": ..., "exclusive_window": ..., ...},
      "models": [{"model_id": 1, "name": "...", "verifier": "0x...", ...}]
    }

Writes are atomic (a temporary file moved into place), so a crash never leaves half a record.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from oracle_node.exceptions import DeploymentRecordError

PROTOCOL_CONTRACTS = ("ModelRegistry", "NodeRegistry", "InferenceCoordinator")


def _checksum(value: str) -> str:
    from eth_utils.address import is_address, to_checksum_address

    if not is_address(value):
        raise ValueError(f"{value!r} is not an address")
    return str(to_checksum_address(value))


class PublishedModel(BaseModel):
    """A model registered into this deployment."""

    model_config = ConfigDict(extra="forbid")

    model_id: int = Field(ge=0)
    name: str
    verifier: str
    verifier_contract: str
    vk_sha256: str
    fee: int = Field(ge=0)
    artifacts_uri: str = ""
    block: int = Field(ge=0)

    _addr = field_validator("verifier")(_checksum)


class DeploymentRecord(BaseModel):
    """Addresses and parameters of one deployment of the protocol."""

    model_config = ConfigDict(extra="forbid")

    network: str
    chain_id: int = Field(ge=1)
    deployment_block: int = Field(ge=0)
    deployer: str
    contracts: dict[str, str]
    params: dict[str, int] = Field(default_factory=dict)
    models: list[PublishedModel] = Field(default_factory=list)

    _deployer = field_validator("deployer")(_checksum)

    @field_validator("contracts")
    @classmethod
    def _all_contracts(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [name for name in PROTOCOL_CONTRACTS if name not in value]
        if missing:
            raise ValueError(f"missing contract addresses: {', '.join(missing)}")
        return {name: _checksum(address) for name, address in value.items()}

    @property
    def coordinator(self) -> str:
        return self.contracts["InferenceCoordinator"]

    @property
    def model_registry(self) -> str:
        return self.contracts["ModelRegistry"]

    @property
    def node_registry(self) -> str:
        return self.contracts["NodeRegistry"]

    def model(self, model_id: int) -> PublishedModel | None:
        return next((m for m in self.models if m.model_id == model_id), None)

    def check_chain(self, chain_id: int, path: Path | str = "the deployment record") -> None:
        """Refuse a record made for another chain."""
        if chain_id != self.chain_id:
            raise DeploymentRecordError(
                f"{path} is for chain {self.chain_id} but the RPC serves chain {chain_id}: "
                "use the record of this network, or point --rpc at the right chain"
            )

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2) + "\n"


def load_record(path: Path | str) -> DeploymentRecord:
    """Read a record; a missing, unreadable or malformed file is one clear error."""
    path = Path(path)
    try:
        data: Any = json.loads(path.read_text())
    except FileNotFoundError:
        raise DeploymentRecordError(
            f"deployment record {path} does not exist: run `oracle-node deploy --out {path}` "
            "or pass the record of an existing deployment"
        ) from None
    except (OSError, json.JSONDecodeError) as exc:
        raise DeploymentRecordError(
            f"deployment record {path} is not readable JSON: {exc}"
        ) from None
    try:
        return DeploymentRecord.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "record"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise DeploymentRecordError(f"deployment record {path}: {where}: {message}") from None


def save_record(record: DeploymentRecord, path: Path | str) -> Path:
    """Write ``record`` to ``path`` atomically (a temporary file moved into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(record.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
