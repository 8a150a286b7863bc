"""Sealing a stand-in fulfilment before sending it.

A node that is not a request's primary must first commit to its fulfilment on-chain
(``sealFulfillment``) and fulfil in a later block; the seal names the node, so a proof copied
from a pending transaction cannot be landed by anyone else first. The seal is
``keccak256(abi.encode(requestId, node, keccak256(proof), keccak256(abi.encodePacked(instances))))``,
computed here exactly as ``IInferenceCoordinator.fulfillmentSeal`` does.
"""

from __future__ import annotations

from eth_abi.abi import encode as abi_encode
from eth_utils.crypto import keccak

ZERO_ADDRESS = "0x" + "00" * 20


def fulfillment_seal(request_id: int, node: str, proof: bytes, instances: list[int]) -> bytes:
    """The seal a node commits to before fulfilling ``request_id`` as a stand-in."""
    return bytes(
        keccak(
            abi_encode(
                ["uint256", "address", "bytes32", "bytes32"],
                [request_id, node, keccak(proof), keccak(_packed(instances))],
            )
        )
    )


def batch_seal(batch: list[int], node: str, proof: bytes, instances: list[int]) -> bytes:
    """The seal of a stand-in's ``fulfillBatch`` (``IInferenceCoordinator.batchSeal``):
    ``keccak256(abi.encode(keccak256(abi.encodePacked(requestIds)), node, keccak256(proof),
    keccak256(abi.encodePacked(instances))))``."""
    return bytes(
        keccak(
            abi_encode(
                ["bytes32", "address", "bytes32", "bytes32"],
                [keccak(_packed(batch)), node, keccak(proof), keccak(_packed(instances))],
            )
        )
    )


def _packed(words: list[int]) -> bytes:
    """``abi.encodePacked`` of a ``uint256[]``: the 32-byte words back to back."""
    return b"".join(int(x).to_bytes(32, "big") for x in words)
