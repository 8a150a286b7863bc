"""Committed requests off-chain: what a requester posts and what the serving node reads.

A committed request (``requestCommitted``) puts one value on-chain in place of its input: the
circuit's own Poseidon hash of the input values and a random salt
(:func:`oracle_node.circuits.committed.commitment`). The input and the salt reach the node as
the request's *delivery* (``InputDelivered``): here ABI-encoded ``(int256[] input, uint256[]
salt)`` in the clear, which costs gas but keeps nothing private. The node reads it with
:func:`read_delivery`, which refuses a delivery that does not open the commitment before any
proving is spent on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi.abi import decode, encode

from oracle_node.circuits.committed import SALT_LEN, check_salt, commitment, new_salt
from oracle_node.circuits.poseidon import FIELD_MODULUS
from oracle_node.exceptions import BadDelivery, CalibrationDataError, EncodingError

DELIVERY_TYPES = ("int256[]", "uint256[]")


@dataclass(frozen=True)
class CommittedInput:
    """An input, its salt and the commitment they give."""

    inputs: tuple[int, ...]
    salt: tuple[int, ...]
    commitment: int

    def delivery(self) -> bytes:
        """The plaintext delivery: ABI ``(int256[] input, uint256[] salt)``."""
        return encode(DELIVERY_TYPES, [list(self.inputs), list(self.salt)])


def commit(inputs: Sequence[int], salt: Sequence[int] | None = None) -> CommittedInput:
    """Commit to ``inputs`` (ints at the model's input scale) with ``salt`` (default: a fresh
    random one; keep it, it is the only way to open the commitment)."""
    values = tuple(inputs)
    salt = tuple(check_salt(new_salt() if salt is None else salt))
    return CommittedInput(values, salt, commitment(values, salt))


def read_delivery(data: bytes, expected: int, input_len: int) -> CommittedInput:
    """The input and salt in ``data``, checked: ``input_len`` values and a well-formed salt
    that hash to the commitment ``expected``. Raises :class:`BadDelivery` otherwise."""
    try:
        inputs, salt = decode(DELIVERY_TYPES, bytes(data))
    except Exception as exc:  # eth_abi raises several decoding errors
        raise BadDelivery(f"the delivery is not ABI (int256[], uint256[]): {exc}") from exc
    if len(inputs) != input_len:
        raise BadDelivery(
            f"the delivery holds {len(inputs)} input values, the model takes {input_len}"
        )
    if len(salt) != SALT_LEN:
        raise BadDelivery(f"the delivery's salt is {len(salt)} values, not {SALT_LEN}")
    try:
        opened = commit(inputs, salt)
    except CalibrationDataError as exc:
        raise BadDelivery(f"the delivery's salt is malformed: {exc}") from exc
    except EncodingError as exc:
        raise BadDelivery(f"the delivery's input is not in the field: {exc}") from exc
    if not 0 <= expected < FIELD_MODULUS or opened.commitment != expected:
        raise BadDelivery("the delivery does not open the request's commitment")
    return opened
