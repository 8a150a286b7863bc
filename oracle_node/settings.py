"""Node settings: environment (prefix ``ORACLE_``, nested with ``__``), an optional TOML file.

Precedence, highest first: keyword arguments, the environment, the TOML file named by
``ORACLE_CONFIG_FILE`` (or passed to :func:`load_settings`), defaults. No ``.env`` file is read.

    ORACLE_CHAIN__RPC_URL=http://127.0.0.1:8545
    ORACLE_CHAIN__DEPLOYMENT=deployments/local.json   # chain id, addresses, start block
    ORACLE_MODELS='[{"id": 1, "dir": "circuits/breast_cancer"}]'
    ORACLE_KEYS__KEYSTORE=node.json  ORACLE_KEYS__PASSWORD_FILE=node.pass

Any mistake becomes one :class:`SettingsError` whose message lists every bad field.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from oracle_node.exceptions import SettingsError

CONFIG_FILE_ENV = "ORACLE_CONFIG_FILE"


def _check_address(value: str | None) -> str | None:
    if value is None:
        return None
    from eth_utils.address import is_address, to_checksum_address

    if not is_address(value):
        raise ValueError(f"{value!r} is not an address")
    return str(to_checksum_address(value))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChainSettings(_Section):
    """Where the node reads and writes the chain."""

    rpc_url: str = "http://127.0.0.1:8545"
    rpc_urls: list[str] = Field(
        default_factory=list,
        description="several endpoints of the chain, tried in order: a request that fails on one "
        "(connection error, timeout, HTTP error) goes to the next; when set, rpc_url is unused",
    )
    chain_id: int | None = Field(
        default=None, description="refuse to start if the RPC serves another"
    )
    deployment: Path | None = Field(
        default=None,
        description="deployment record (oracle-node deploy): fills chain_id, the contract "
        "addresses and start_block",
    )
    coordinator: str | None = None
    model_registry: str | None = None
    node_registry: str | None = None
    confirmations: int = Field(default=2, ge=0, le=1000)
    poll_interval: float = Field(default=1.0, gt=0)
    start_block: int = Field(default=0, ge=0, description="first block to scan on an empty store")
    max_block_range: int = Field(default=2000, ge=1)
    reorg_depth: int = Field(
        default=64, ge=1, description="how far back the listener re-checks hashes"
    )
    tx_timeout: float = Field(
        default=120.0, gt=0,
        description="how long the node waits for the receipt of a one-off transaction (a seal, "
        "a challenge, a withdrawal)",
    )  # fmt: skip
    replace_after_s: float = Field(
        default=60.0, gt=0,
        description="a fulfilment or posting not mined after this long is replaced: same "
        "nonce, fees +12.5%",
    )  # fmt: skip
    max_fee_gwei: float = Field(
        default=500.0, gt=0, description="cap on maxFeePerGas, replacements included"
    )
    priority_fee_gwei: float | None = Field(
        default=None, ge=0,
        description="the tip (maxPriorityFeePerGas); default: the RPC's eth_maxPriorityFeePerGas",
    )  # fmt: skip
    stale_head_s: float = Field(
        default=60.0, gt=0,
        description="`/ready` and `doctor` warn when the chain has not mined a block for longer",
    )  # fmt: skip
    standin_spread_s: float = Field(
        default=30.0, ge=0,
        description="a stand-in starts on a missed request at a point drawn from the request and "
        "this node's address within this many seconds after the window (at most half the time "
        "left to the deadline), so stand-ins seldom prove the same request; 0: at once",
    )  # fmt: skip

    _addr = field_validator("coordinator", "model_registry", "node_registry")(_check_address)

    @model_validator(mode="after")
    def _from_deployment(self) -> ChainSettings:
        """Fill what the deployment record knows; a setting that contradicts it is an error."""
        if self.deployment is None:
            return self
        from oracle_node.deployment import load_record
        from oracle_node.exceptions import DeploymentRecordError

        try:
            record = load_record(self.deployment)
        except DeploymentRecordError as exc:
            raise ValueError(str(exc)) from None
        given = {
            "chain_id": record.chain_id,
            "coordinator": record.coordinator,
            "model_registry": record.model_registry,
            "node_registry": record.node_registry,
        }
        for name, value in given.items():
            current = getattr(self, name)
            if current is None:
                setattr(self, name, value)
            elif current != value:
                raise ValueError(
                    f"{name} is {current} but the deployment record {self.deployment} says "
                    f"{value}: drop the setting or use the matching record"
                )
        if self.start_block == 0:
            self.start_block = record.deployment_block
        return self

    @field_validator("rpc_url")
    @classmethod
    def _rpc_scheme(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s):// URL")
        return value

    @field_validator("rpc_urls")
    @classmethod
    def _rpc_schemes(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not v.startswith(("http://", "https://"))]
        if bad:
            raise ValueError(f"must be http(s):// URLs, not {', '.join(bad)}")
        return values

    @property
    def endpoints(self) -> list[str]:
        """The JSON-RPC endpoints, in the order they are tried: ``rpc_urls``, else ``rpc_url``."""
        return list(self.rpc_urls) or [self.rpc_url]


class ServedModel(_Section):
    """A registered model the node serves: its on-chain id and its local circuit folder."""

    id: int = Field(ge=0)
    dir: Path
    srs_path: Path | None = Field(
        default=None, description="SRS file (operator-supplied in production)"
    )
    max_batch: int | None = Field(
        default=None,
        ge=1,
        description="most requests one proof covers (a batched circuit only); default: its N",
    )
    batch_wait_s: float = Field(
        default=2.0,
        ge=0,
        le=3600,
        description="longest a request waits for others to fill its batch before it is proven",
    )

    @model_validator(mode="after")
    def _folder_exists(self) -> ServedModel:
        if not (self.dir / "model.onnx").is_file():
            raise ValueError(f"model {self.id}: {self.dir} has no model.onnx")
        if self.srs_path is not None and not self.srs_path.is_file():
            raise ValueError(f"model {self.id}: SRS file {self.srs_path} does not exist")
        return self


class KeySettings(_Section):
    """The signing key: an encrypted keystore, or a raw key only with ``allow_dev_key``."""

    keystore: Path | None = None
    password: SecretStr | None = None
    password_file: Path | None = None
    dev_private_key: SecretStr | None = None
    allow_dev_key: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> KeySettings:
        if self.dev_private_key is not None:
            if not self.allow_dev_key:
                raise ValueError(
                    "a raw private key is refused unless ORACLE_KEYS__ALLOW_DEV_KEY=true "
                    "(use an encrypted keystore outside development)"
                )
            if self.keystore is not None:
                raise ValueError("give either a keystore or a dev private key, not both")
            return self
        if self.keystore is None:
            return self
        if not self.keystore.is_file():
            raise ValueError(f"keystore {self.keystore} does not exist")
        if self.password is None and self.password_file is None:
            raise ValueError("keystore needs a password (KEYS__PASSWORD or KEYS__PASSWORD_FILE)")
        if self.password_file is not None and not self.password_file.is_file():
            raise ValueError(f"password file {self.password_file} does not exist")
        return self

    @property
    def configured(self) -> bool:
        return self.keystore is not None or self.dev_private_key is not None


class WorkerSettings(_Section):
    """How many requests run at once in each stage, and where proofs run."""

    provers: int = Field(
        default=1, ge=1, le=64,
        description="EZKL proving processes (local), or prover actors per circuit (ray)",
    )  # fmt: skip
    backend: Literal["local", "ray"] = Field(
        default="local", description="local process pool, or a Ray cluster (extra `cluster`)"
    )
    ray_address: str = Field(default="auto", description="Ray cluster: `auto` or host:port")
    ray_node_ip_address: str | None = Field(
        default=None,
        description="the Ray node this process attaches to, where several share one machine",
    )
    ray_key_cache_dir: Path | None = Field(
        default=None,
        description="proving-key cache on each Ray node (default: <tmp>/oracle-node-keys-<uid>)",
    )
    ray_retries: int = Field(
        default=8, ge=0, le=100,
        description="times a proof lost with its Ray worker or node is sent again",
    )  # fmt: skip
    ray_start_timeout: float = Field(
        default=600.0, gt=0,
        description="seconds to place the prover actors and build their proving keys",
    )  # fmt: skip
    inference: int = Field(default=1, ge=1, le=64, description="onnxruntime threads")
    submit_retries: int = Field(default=5, ge=0, le=100)


class InferenceSettings(_Section):
    """Where onnxruntime runs the models (``ORACLE_INFERENCE__DEVICE``, ``__DEVICE_ID``)."""

    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto",
        description="auto: CUDA when onnxruntime-gpu offers it, else CPU; cpu: never CUDA; "
        "cuda: refuse to start without the CUDA provider",
    )
    device_id: int = Field(
        default=0, ge=0, description="CUDA device index (the CUDA provider's device_id)"
    )


class ApiSettings(_Section):
    """The operator HTTP API."""

    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    token: SecretStr | None = Field(default=None, description="bearer token for mutating endpoints")
    max_body_bytes: int | None = Field(
        default=None, ge=1,
        description="largest `POST /v1/inferences` body read (413 beyond); default: 4 KiB plus "
        "128 bytes per input value of the largest served model",
    )  # fmt: skip
    max_concurrent_proofs: int = Field(
        default=1, ge=1,
        description="off-chain proofs (`POST /v1/inferences`) in flight at once (429 beyond), so "
        "on-chain jobs keep their share of the prover pool",
    )  # fmt: skip


class OptimisticSettings(_Section):
    """Optimistic requests: finalising this node's postings, and watching other nodes'."""

    watch: bool = Field(
        default=True,
        description="`run` also watches the postings of the models it serves: recomputes each "
        "output with the witness and proves and challenges a wrong one",
    )
    finalize_batch: int = Field(
        default=20, ge=1, le=200, description="most postings one `finalize` transaction settles"
    )
    finalize_wait_s: float = Field(
        default=10.0, ge=0, le=3600,
        description="longest a posting past its window waits (chain time) for others to share "
        "its `finalize` transaction",
    )  # fmt: skip


DEV_CHAIN_IDS = (31337, 1337)
"""Chain ids of local development chains (anvil, hardhat, ganache): the only ones on which a
node accepts :class:`FaultSettings` faults."""


class FaultSettings(_Section):
    """Faults injected on purpose, for tests of the protocol's defences. Never on a real
    network: they are refused unless ``allow_faults`` is set, and a node refuses them on any
    chain but a local development chain (:data:`DEV_CHAIN_IDS`)."""

    allow_faults: bool = False
    lie_every: int = Field(
        default=0, ge=0,
        description="TEST ONLY: post a wrong output (the first value plus one) for every "
        "Optimistic request whose id is a multiple of this; 0: never",
    )  # fmt: skip

    @model_validator(mode="after")
    def _faults_allowed(self) -> FaultSettings:
        if self.lie_every and not self.allow_faults:
            raise ValueError(
                "lie_every injects wrong outputs and is for tests only: it is refused unless "
                "ORACLE_TESTING__ALLOW_FAULTS=true"
            )
        return self

    @property
    def faults(self) -> list[str]:
        """The faults switched on, in words (empty on an honest node)."""
        faults = []
        if self.lie_every:
            faults.append(f"a wrong output for every Optimistic request id divisible by "
                          f"{self.lie_every}")  # fmt: skip
        return faults


class NodeSettings(BaseSettings):
    """Everything a node needs; see the module docstring for the sources."""

    model_config = SettingsConfigDict(
        env_prefix="ORACLE_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    chain: ChainSettings = Field(default_factory=lambda: ChainSettings())
    keys: KeySettings = Field(default_factory=lambda: KeySettings())
    workers: WorkerSettings = Field(default_factory=lambda: WorkerSettings())
    inference: InferenceSettings = Field(default_factory=lambda: InferenceSettings())
    api: ApiSettings = Field(default_factory=lambda: ApiSettings())
    optimistic: OptimisticSettings = Field(default_factory=lambda: OptimisticSettings())
    testing: FaultSettings = Field(default_factory=lambda: FaultSettings())
    models: list[ServedModel] = []
    data_dir: Path = Path("oracle-data")
    config_file: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_models(self) -> NodeSettings:
        ids = [model.id for model in self.models]
        if len(ids) != len(set(ids)):
            raise ValueError(f"model ids served twice: {sorted(ids)}")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = _config_path_from(init_settings)
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def key_cache_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def verifier_cache_dir(self) -> Path:
        """Verifier code compiled from circuits' sources, by source hash and compiler."""
        return self.data_dir / "verifiers"

    def require_chain(self) -> None:
        """Fail with one message when the contract addresses a running node needs are absent."""
        missing = [
            f"chain.{name}"
            for name in ("coordinator", "model_registry", "node_registry")
            if getattr(self.chain, name) is None
        ]
        if not self.keys.configured:
            missing.append("keys.keystore (or keys.dev_private_key with keys.allow_dev_key)")
        if missing:
            raise SettingsError([f"{name}: required to run a node" for name in missing])


def _config_path_from(init_settings: PydanticBaseSettingsSource) -> Path | None:
    given: Any = init_settings().get("config_file")
    raw = given if given is not None else os.environ.get(CONFIG_FILE_ENV)
    if raw is None:
        return None
    path = Path(raw)
    if not path.is_file():
        raise SettingsError([f"config file {path}: does not exist"])
    return path


def load_settings(config_file: Path | str | None = None, **overrides: Any) -> NodeSettings:
    """Build the settings, turning every validation problem into one :class:`SettingsError`."""
    if config_file is not None:
        overrides["config_file"] = Path(config_file)
    try:
        return NodeSettings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {message}")
        raise SettingsError(problems) from None
