"""Typed access to the coordinator and the registries over web3.py (ABIs from package data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError

from oracle_node.chain.abi import ErrorDecoder, abi_type, load_abi
from oracle_node.chain.rpc import FailoverProvider, http_provider
from oracle_node.chain.sealing import output_hash
from oracle_node.exceptions import (
    ConfigError,
    DeploymentRecordError,
    RevertError,
    RpcUnreachableError,
    SettingsError,
)
from oracle_node.settings import ChainSettings

COMMITMENT_FIELDS = (
    "modelId",
    "requester",
    "verifier",
    "fee",
    "callbackGasLimit",
    "inputLen",
    "outputLen",
    "requestBlock",
    "poolHistoryLength",
    "windowEnd",
    "deadline",
    "slashAmount",
    "harmedShareBps",
    "inputHash",
    "challengeWindow",
)

POSTING_FIELDS = (
    "requester",
    "poster",
    "fee",
    "callbackGasLimit",
    "finalAt",
    "commitmentHash",
)


@dataclass(frozen=True)
class ModelRecord:
    """The registry's record of a model (the fields the node checks)."""

    model_id: int
    verifier: str
    input_len: int
    output_len: int
    active: bool
    fee: int
    input_scale: int
    output_scale: int
    onnx_hash: str
    circuit_hash: str
    settings_hash: str
    vk_hash: str
    ezkl_version: str
    max_abs_input: int = 0
    max_callback_gas: int = 0
    verifier_code_hash: str = ""
    batch_size: int = 1
    # Optimistic terms: seconds a posting stays open to challenge (0: Proven requests only) and
    # the bond a wrong posting costs its poster.
    challenge_window: int = 0
    bond: int = 0
    owner: str = ""
    artifacts_uri: str = ""
    # Requests commit to their input (a circuit that hashes its inputs: requestCommitted).
    committed: bool = False


def renewed(commitment: Sequence[Any], window_end: int, deadline: int) -> tuple[Any, ...]:
    """A commitment tuple as ``RequestRenewed(window_end, deadline)`` leaves it: the same with
    a new window end and deadline (after a delivery, a rejection or an opening)."""
    fields = list(commitment)
    fields[COMMITMENT_FIELDS.index("windowEnd")] = window_end
    fields[COMMITMENT_FIELDS.index("deadline")] = deadline
    return tuple(fields)


def commitment_to_json(commitment: Any) -> dict[str, Any]:
    """A decoded ``Commitment`` struct as plain JSON values (bytes as 0x hex)."""
    data = {name: commitment[name] for name in COMMITMENT_FIELDS}
    data["inputHash"] = "0x" + bytes(data["inputHash"]).hex()
    return data


def posting_of(request_id: int, commitment: Any, poster: str, final_at: int) -> dict[str, Any]:
    """The ``Posting`` (as the JSON the stores keep) of an ``OutputPosted`` log (``poster``,
    ``finalAt``) on a request with ``commitment`` (any form :func:`commitment_tuple` takes):
    what ``challenge``, ``finalize`` and ``isPosted`` take beside the posted output."""
    values = commitment_tuple(commitment)
    fields = dict(zip(COMMITMENT_FIELDS, values, strict=True))
    commitment_type = _input_abi_type(load_abi("InferenceCoordinator"), "fulfill", 1)
    digest = bytes(keccak(abi_encode(["uint256", commitment_type], [request_id, values])))
    return {
        "requester": Web3.to_checksum_address(fields["requester"]),
        "poster": Web3.to_checksum_address(poster),
        "fee": int(fields["fee"]),
        "callbackGasLimit": int(fields["callbackGasLimit"]),
        "finalAt": int(final_at),
        "commitmentHash": "0x" + digest.hex(),
    }


def posting_tuple(value: Mapping[str, Any]) -> tuple[Any, ...]:
    """A ``Posting`` (the JSON dict the stores keep, or a web3 mapping) in ABI field order."""
    values = [value[name] for name in POSTING_FIELDS]
    return _abi_ready(values, POSTING_FIELDS, ("requester", "poster"), "commitmentHash")


def _abi_ready(
    values: list[Any], fields: Sequence[str], addresses: Sequence[str], digest: str
) -> tuple[Any, ...]:
    """`values` (in `fields` order) with the `addresses` checksummed and the `digest` field as
    bytes (given as 0x hex or as bytes)."""
    for name in addresses:
        i = fields.index(name)
        values[i] = Web3.to_checksum_address(values[i])
    i = fields.index(digest)
    raw = values[i]
    values[i] = bytes.fromhex(raw.removeprefix("0x")) if isinstance(raw, str) else bytes(raw)
    return tuple(values)


def commitment_tuple(value: Any) -> tuple[Any, ...]:
    """A ``Commitment`` in ABI field order, ready for a contract call.

    Takes any form the struct arrives in: the JSON dict the job store keeps (hash as 0x hex),
    a web3 event's mapping, an Ape struct (fields as attributes) or a tuple already in order.
    """
    if isinstance(value, Mapping):
        values = [value[name] for name in COMMITMENT_FIELDS]
    elif isinstance(value, list | tuple):
        values = list(value)
    else:
        values = [getattr(value, name) for name in COMMITMENT_FIELDS]
    if len(values) != len(COMMITMENT_FIELDS):
        raise ValueError(f"a commitment has {len(COMMITMENT_FIELDS)} fields, got {len(values)}")
    return _abi_ready(values, COMMITMENT_FIELDS, ("requester", "verifier"), "inputHash")


def connect(rpc_url: str | Sequence[str], chain_id: int | None, timeout: float = 10.0) -> Web3:
    """A web3 client whose endpoint was seen to answer (and to serve ``chain_id``); given
    several endpoints of one chain, it moves to the next when one fails
    (:class:`~oracle_node.chain.rpc.FailoverProvider`)."""
    urls = [rpc_url] if isinstance(rpc_url, str) else list(rpc_url)
    if len(urls) == 1:
        w3 = Web3(http_provider(urls[0], timeout))
    else:
        w3 = Web3(FailoverProvider(urls, timeout))
    rpc_url = ", ".join(urls)
    try:
        served = int(w3.eth.chain_id)
    except Exception as exc:  # requests' connection errors, JSON errors
        raise RpcUnreachableError(f"RPC {rpc_url} does not answer: {exc}") from None
    if chain_id is not None and served != chain_id:
        raise RpcUnreachableError(f"RPC {rpc_url} serves chain {served}, settings say {chain_id}")
    return w3


class OracleContracts:
    """The three protocol contracts at configured addresses, sharing one error decoder."""

    def __init__(self, w3: Web3, coordinator: str, model_registry: str, node_registry: str) -> None:
        self.w3 = w3
        self.coordinator: Contract = w3.eth.contract(
            address=Web3.to_checksum_address(coordinator), abi=load_abi("InferenceCoordinator")
        )
        self.model_registry: Contract = w3.eth.contract(
            address=Web3.to_checksum_address(model_registry), abi=load_abi("ModelRegistry")
        )
        self.node_registry: Contract = w3.eth.contract(
            address=Web3.to_checksum_address(node_registry), abi=load_abi("NodeRegistry")
        )
        self.decoder = ErrorDecoder(
            load_abi("InferenceCoordinator"), load_abi("ModelRegistry"), load_abi("NodeRegistry")
        )
        abi = load_abi("InferenceCoordinator")
        self._commitment_type = _input_abi_type(abi, "fulfill", 1)
        self._posting_type = _input_abi_type(abi, "challenge", 2)

    def check_deployed(self) -> None:
        """Fail early when an address holds no code (wrong chain or wrong address)."""
        for label, contract in (
            ("coordinator", self.coordinator),
            ("model_registry", self.model_registry),
            ("node_registry", self.node_registry),
        ):
            if not self.w3.eth.get_code(contract.address):
                raise ConfigError(
                    f"chain.{label} {contract.address} holds no contract on this chain"
                )

    def call(self, what: str, fn: Any, **kwargs: Any) -> Any:
        """``fn.call(...)`` with reverts decoded into :class:`RevertError`."""
        try:
            return fn.call(kwargs or None)
        except ContractLogicError as exc:
            raise RevertError(what, self.decoder.decode(exc.data), str(exc.data or "")) from None

    def model(self, model_id: int) -> ModelRecord:
        record = self.call("getModel", self.model_registry.functions.getModel(model_id))
        return ModelRecord(
            model_id=model_id,
            verifier=record[0],
            input_len=record[1],
            output_len=record[2],
            active=record[3],
            batch_size=record[4],
            committed=record[5],
            owner=record[6],
            fee=record[7],
            input_scale=record[8],
            output_scale=record[9],
            max_callback_gas=record[10],
            max_abs_input=record[11],
            challenge_window=record[12],
            bond=record[13],
            onnx_hash="0x" + bytes(record[14]).hex(),
            circuit_hash="0x" + bytes(record[15]).hex(),
            settings_hash="0x" + bytes(record[16]).hex(),
            vk_hash="0x" + bytes(record[17]).hex(),
            verifier_code_hash="0x" + bytes(record[18]).hex(),
            ezkl_version=record[19],
            artifacts_uri=record[20],
        )

    def commitment_hash(self, request_id: int, commitment: dict[str, Any]) -> bytes:
        """``keccak256(abi.encode(requestId, commitment))``, as the coordinator stores it."""
        encoded = abi_encode(
            ["uint256", self._commitment_type], [request_id, commitment_tuple(commitment)]
        )
        return bytes(keccak(encoded))

    def posting_hash(self, request_id: int, posting: Mapping[str, Any], output: list[int]) -> bytes:
        """``keccak256(abi.encode(requestId, posting, keccak256(abi.encodePacked(output))))``:
        what an open posting stores (with its lowest bit set, :func:`posting_slot`)."""
        encoded = abi_encode(
            ["uint256", self._posting_type, "bytes32"],
            [request_id, posting_tuple(posting), output_hash(output)],
        )
        return bytes(keccak(encoded))

    def stored(self, request_id: int) -> bytes:
        """What the coordinator holds for a request (``commitmentOf``)."""
        return bytes(self.coordinator.functions.commitmentOf(request_id).call())

    def is_posted(self, request_id: int, posting: Mapping[str, Any], output: list[int]) -> bool:
        """True while exactly this posting of ``output`` is open (not finalised, not
        challenged, not removed by a re-org)."""
        return self.stored(request_id) == posting_slot(
            self.posting_hash(request_id, posting, output)
        )

    def primary_of(self, request_id: int, commitment: dict[str, Any], block_hash: bytes) -> str:
        """The request's primary node (the zero address when it has none), drawn as the
        coordinator draws it from the hash of the request's block (``block_hash``, e.g. from the
        request's log). Unlike ``coordinator.primaryOf`` it also answers while that block is the
        latest one (a call then runs in that block, where its own hash is not yet known)."""
        fn = self.node_registry.functions.drawNode(
            int(commitment["modelId"]),
            draw_seed(request_id, block_hash),
            int(commitment["poolHistoryLength"]),  # the pool's slot count at the request
            int(commitment["requestBlock"]),
        )
        return Web3.to_checksum_address(self.call("drawNode", fn))

    def is_pending(self, request_id: int, commitment: dict[str, Any]) -> bool:
        """True when the coordinator still holds exactly this request's commitment (no output
        posted, not settled)."""
        stored = self.stored(request_id)
        return stored == pending_slot(self.commitment_hash(request_id, commitment))


def pending_slot(commitment_hash: bytes) -> bytes:
    """What the coordinator stores for a pending request: its commitment hash with the lowest
    bit cleared (an open optimistic posting's hash has it set)."""
    return commitment_hash[:-1] + bytes([commitment_hash[-1] & 0xFE])


def posting_slot(posting_hash: bytes) -> bytes:
    """What the coordinator stores for an open optimistic posting: its hash with the lowest bit
    set."""
    return posting_hash[:-1] + bytes([posting_hash[-1] | 1])


def posted(stored: bytes) -> bool:
    """Whether a stored hash (``commitmentOf``) is an open optimistic posting's."""
    return bool(stored) and bool(stored[-1] & 1)


def draw_seed(request_id: int, block_hash: bytes) -> int:
    """``uint256(keccak256(abi.encode(requestId, blockhash(requestBlock))))``: the seed of a
    request's primary draw."""
    return int.from_bytes(
        keccak(abi_encode(["uint256", "bytes32"], [request_id, block_hash])), "big"
    )


def topic_of(event: Any) -> str:
    """The 0x topic of a web3 contract event class or instance."""
    topic = event.topic if hasattr(event, "topic") else event().topic
    if isinstance(topic, bytes | bytearray):
        return "0x" + bytes(topic).hex()
    return "0x" + str(topic).lower().removeprefix("0x")


def _input_abi_type(abi: list[dict[str, Any]], function: str, index: int) -> str:
    """The ABI type string of input ``index`` of ``function`` (e.g. the Commitment tuple)."""
    for item in abi:
        if item.get("type") == "function" and item.get("name") == function:
            return abi_type(item["inputs"][index])
    raise ConfigError(f"the coordinator ABI has no {function} function")


def open_contracts(chain: ChainSettings) -> OracleContracts:
    """Connect to ``chain.endpoints`` (checking the chain id) and check that every configured
    protocol address holds code: the start of every command that talks to the chain."""
    missing = [
        name
        for name in ("coordinator", "model_registry", "node_registry")
        if getattr(chain, name) is None
    ]
    if missing:
        raise SettingsError([f"chain.{name}: required" for name in missing])
    assert chain.coordinator and chain.model_registry and chain.node_registry
    w3 = connect(chain.endpoints, None if chain.deployment else chain.chain_id)
    if chain.deployment is not None:
        served = int(w3.eth.chain_id)
        if served != chain.chain_id:
            raise DeploymentRecordError(
                f"deployment record {chain.deployment} is for chain {chain.chain_id} but "
                f"{', '.join(chain.endpoints)} serves chain {served}: use the record of this "
                "network"
            )
    contracts = OracleContracts(w3, chain.coordinator, chain.model_registry, chain.node_registry)
    contracts.check_deployed()
    return contracts
