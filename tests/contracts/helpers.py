"""Shared helpers of the contract tests: encoding as the coordinator does it, and requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import encode
from eth_utils import keccak

from oracle_node.chain.contracts import COMMITMENT_FIELDS, commitment_tuple

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

COMMITMENT_TYPE = (
    "(uint256,address,address,address,uint96,uint32,uint32,uint32,uint64,uint64,bytes32)"
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

    def field(self, name: str) -> Any:
        return self.commitment[COMMITMENT_FIELDS.index(name)]

    @property
    def primary(self) -> str:
        return str(self.field("primary"))

    def commitment_hash(self) -> bytes:
        return keccak(encode(["uint256", COMMITMENT_TYPE], [self.request_id, self.commitment]))


def parse_request(receipt: Any, coordinator: Any) -> Request:
    [log] = list(receipt.events.filter(coordinator.InferenceRequested))
    return Request(
        request_id=int(log.requestId),
        commitment=commitment_tuple(log.commitment),
        input=[int(v) for v in log.input],
        log=log,
    )


def instances_for(values: list[int], outputs: list[int]) -> list[int]:
    return [to_felt(v) for v in values] + [to_felt(o) for o in outputs]
