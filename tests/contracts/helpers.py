"""Shared helpers of the contract tests: encoding as the coordinator does it, and requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_utils import keccak

from oracle_node.chain.contracts import COMMITMENT_FIELDS, commitment_tuple, pending_slot

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

COMMITMENT_TYPE = (
    "(uint256,address,address,uint96,uint32,uint32,uint32,uint64,uint64,uint64,uint64,uint96,"
    "uint16,bytes32,uint32)"
)


def to_felt(x: int) -> int:
    return x % R


def from_felt(f: int) -> int:
    return f if f <= (R - 1) // 2 else f - R


def input_hash(values: list[int]) -> bytes:
    return keccak(b"".join(to_felt(v).to_bytes(32, "big") for v in values))


@dataclass
class Request:
    """A request as a node sees it in ``InferenceRequested``."""

    request_id: int
    commitment: tuple[Any, ...]
    input: list[int]
    log: Any
    primary: str

    def field(self, name: str) -> Any:
        return self.commitment[COMMITMENT_FIELDS.index(name)]

    def commitment_hash(self) -> bytes:
        return keccak(encode(["uint256", COMMITMENT_TYPE], [self.request_id, self.commitment]))

    def stored_hash(self) -> bytes:
        """What ``commitmentOf`` holds while the request is pending (lowest bit cleared)."""
        return pending_slot(self.commitment_hash())


def parse_request(receipt: Any, coordinator: Any, registry: Any = None) -> Request:
    """The request a receipt made, with its primary as the coordinator draws it from the hash of
    the request's block (computed here: a call in that block itself could not see its hash).
    ``registry``: the coordinator's node registry, when the caller has it at hand."""
    [log] = list(receipt.events.filter(coordinator.InferenceRequested))
    request_id = int(log.requestId)
    commitment = commitment_tuple(log.commitment)
    return Request(
        request_id=request_id,
        commitment=commitment,
        input=[int(v) for v in log.input],
        log=log,
        primary=draw_primary(coordinator, request_id, commitment, receipt.block_number, registry),
    )


def draw_primary(
    coordinator: Any,
    request_id: int,
    commitment: tuple[Any, ...],
    block: int,
    registry: Any = None,
) -> str:
    """The primary of a request as ``IInferenceCoordinator`` documents the draw."""
    from ape import chain, project

    block_hash = bytes(chain.blocks[block].hash)
    seed = keccak(encode(["uint256", "bytes32"], [request_id, block_hash]))
    if registry is None:
        registry = project.NodeRegistry.at(coordinator.nodeRegistry())
    fields = dict(zip(COMMITMENT_FIELDS, commitment, strict=True))
    return str(
        registry.drawNode(
            fields["modelId"],
            int.from_bytes(seed, "big"),
            fields["poolHistoryLength"],
            fields["requestBlock"],
        )
    )


def seal_and_wait(
    coordinator: Any, request: Request, node: Any, proof: bytes, instances: list[int]
):
    """Seal a stand-in fulfilment (the seal is mined in its own block, so the fulfilment that
    follows is in a later one)."""
    seal = coordinator.fulfillmentSeal(request.request_id, node.address, proof, instances)
    return coordinator.sealFulfillment(request.request_id, seal, sender=node)


def instances_for(values: list[int], outputs: list[int]) -> list[int]:
    return [to_felt(v) for v in values] + [to_felt(o) for o in outputs]
