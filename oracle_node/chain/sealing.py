"""Sealing a stand-in fulfilment before sending it.

A node that is not a request's primary must first commit to its fulfilment on-chain
(``sealFulfillment``) and fulfil in a later block; the seal names the node, so a proof copied
from a pending transaction cannot be landed by anyone else first. The seal is
``keccak256(abi.encode(requestId, node, keccak256(proof), keccak256(abi.encodePacked(instances))))``,
computed here exactly as ``IInferenceCoordinator.fulfillmentSeal`` does. A stand-in's optimistic
posting is sealed the same way, with :func:`posting_seal` (the output in place of the proof).

Once a primary misses its window, every other node serving the model may stand in. If all
of them started proving at ``windowEnd`` they would all prove the same request and all but
one would have worked for nothing; :func:`standin_start` spreads their starts instead.
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


def posting_seal(request_id: int, node: str, output: list[int]) -> bytes:
    """The seal of a stand-in's ``postOutput`` (``IInferenceCoordinator.postingSeal``):
    ``keccak256(abi.encode(requestId, node, keccak256(abi.encodePacked(output)), 1))``."""
    return bytes(
        keccak(
            abi_encode(
                ["uint256", "address", "bytes32", "uint256"],
                [request_id, node, output_hash(output), 1],
            )
        )
    )


def challenge_seal(request_id: int, challenger: str, proof: bytes, instances: list[int]) -> bytes:
    """The seal of a ``challenge`` (``IInferenceCoordinator.challengeSeal``):
    ``keccak256(abi.encode(requestId, challenger, keccak256(proof),
    keccak256(abi.encodePacked(instances)), 2))``."""
    return bytes(
        keccak(
            abi_encode(
                ["uint256", "address", "bytes32", "bytes32", "uint256"],
                [request_id, challenger, keccak(proof), keccak(_packed(instances)), 2],
            )
        )
    )


def output_hash(output: list[int]) -> bytes:
    """``keccak256(abi.encodePacked(output))`` of an ``int256[]``: a posting's ``outputHash``."""
    return bytes(keccak(b"".join(int(x).to_bytes(32, "big", signed=True) for x in output)))


def standin_start(
    request_id: int, node: str, window_end: int, deadline: int, spread_s: float
) -> int:
    """When ``node`` starts on ``request_id`` as a stand-in: ``windowEnd`` plus a delay.

    The delay is ``keccak256(abi.encode(requestId, node))`` mapped onto ``[0, spread)``, with
    ``spread`` the setting capped at half the time from the window's end to the deadline, so
    the latest stand-in still has half of that time to prove. The same node draws the same
    delay after a restart; different nodes draw independent ones, so with k stand-ins the
    first starts about ``spread / (k + 1)`` after the window and the others usually see its
    fulfilment before they start.
    """
    spread = min(spread_s, max(0, deadline - window_end) / 2)
    if spread <= 0:
        return window_end
    draw = int.from_bytes(keccak(abi_encode(["uint256", "address"], [request_id, node])), "big")
    return window_end + int(spread * draw / 2**256)


def _packed(words: list[int]) -> bytes:
    """``abi.encodePacked`` of a ``uint256[]``: the 32-byte words back to back."""
    return b"".join(int(x).to_bytes(32, "big") for x in words)
