"""Committed requests off-chain: what a requester posts and what the serving node reads.

A committed request (``requestCommitted``) puts one value on-chain in place of its input: the
circuit's own Poseidon hash of the input values and a random salt
(:func:`oracle_node.circuits.committed.commitment`). The input and the salt reach the node as
the request's *delivery* (``InputDelivered``), in one of two forms:

- in the clear, with the request (:meth:`CommittedInput.delivery`): ABI ``(int256[] input,
  uint256[] salt)``. It costs gas and keeps nothing private. Read with :func:`read_delivery`.
- sealed for the drawn primary, after the request (``deliverInput``,
  :meth:`CommittedInput.sealed`): ECIES over secp256k1 (``eciespy``: an ephemeral key,
  HKDF-SHA256, AES-256-GCM) to the key the node published (``NodeRegistry.encryptionKeyOf``),
  of ABI ``(uint256 chainId, address coordinator, uint256 requestId, int256[] input,
  uint256[] salt)``. Only that node can read it, and the request it names keeps a ciphertext
  from being replayed for another request. Read with :func:`open_sealed`.

Both readers refuse, before any proving is spent, a delivery that does not open the request's
commitment; the node then rejects it on-chain (``rejectDelivery``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ecies
from coincurve import PrivateKey
from eth_abi.abi import decode, encode
from eth_utils.address import to_checksum_address

from oracle_node.circuits.committed import SALT_LEN, check_salt, commitment, new_salt
from oracle_node.circuits.poseidon import FIELD_MODULUS
from oracle_node.exceptions import BadDelivery, CalibrationDataError, EncodingError

DELIVERY_TYPES = ("int256[]", "uint256[]")
SEALED_TYPES = ("uint256", "address", "uint256", "int256[]", "uint256[]")
ENCRYPTION_KEY_LEN = 33


@dataclass(frozen=True)
class CommittedInput:
    """An input, its salt and the commitment they give."""

    inputs: tuple[int, ...]
    salt: tuple[int, ...]
    commitment: int

    def delivery(self) -> bytes:
        """The plaintext delivery: ABI ``(int256[] input, uint256[] salt)``."""
        return encode(DELIVERY_TYPES, [list(self.inputs), list(self.salt)])

    def sealed(self, node_key: bytes, *, chain_id: int, coordinator: str, request_id: int) -> bytes:
        """The private delivery of request ``request_id`` for the node whose published
        encryption key is ``node_key`` (33 bytes, compressed secp256k1)."""
        if len(node_key) != ENCRYPTION_KEY_LEN or node_key[0] not in (2, 3):
            raise BadDelivery(
                f"a node's encryption key is {ENCRYPTION_KEY_LEN} bytes starting 02 or 03, "
                f"not {bytes(node_key).hex() or 'empty'}: has the node published one?"
            )
        plain = encode(
            SEALED_TYPES,
            [chain_id, coordinator, request_id, list(self.inputs), list(self.salt)],
        )
        return ecies.encrypt(bytes(node_key), plain)


def new_encryption_key() -> tuple[bytes, bytes]:
    """A fresh node encryption key pair: (32-byte secret, 33-byte public key to publish)."""
    key = PrivateKey()
    return key.secret, key.public_key.format(compressed=True)


def encryption_public_key(secret: bytes) -> bytes:
    """The 33-byte public key of an encryption secret."""
    return PrivateKey(secret).public_key.format(compressed=True)


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
    return _opening(inputs, salt, expected, input_len)


def open_sealed(
    secret: bytes,
    data: bytes,
    *,
    chain_id: int,
    coordinator: str,
    request_id: int,
    expected: int,
    input_len: int,
) -> CommittedInput:
    """The input and salt of the private delivery ``data`` of request ``request_id``, read with
    the node's encryption ``secret`` and checked as :func:`read_delivery` does; a delivery for
    another key, chain, coordinator or request raises :class:`BadDelivery`. The plaintext lives
    only in the returned value: nothing here logs or stores it."""
    try:
        plain = ecies.decrypt(bytes(secret), bytes(data))
    except Exception as exc:  # eciespy raises ValueError (MAC) and coincurve errors (points)
        raise BadDelivery(
            f"the sealed delivery does not decrypt with this node's key: {exc}"
        ) from exc
    try:
        chain, where, request, inputs, salt = decode(SEALED_TYPES, plain)
    except Exception as exc:
        raise BadDelivery(f"the sealed delivery is not ABI {SEALED_TYPES}: {exc}") from exc
    bound = (chain, to_checksum_address(where), request)
    wanted = (chain_id, to_checksum_address(coordinator), request_id)
    if bound != wanted:
        raise BadDelivery(
            f"the sealed delivery is for request {request} of {bound[1]} on chain {chain}, "
            f"not request {request_id} of {wanted[1]} on chain {chain_id}"
        )
    return _opening(inputs, salt, expected, input_len)


def _opening(
    inputs: Sequence[int], salt: Sequence[int], expected: int, input_len: int
) -> CommittedInput:
    """The opening ``(inputs, salt)``, checked against the commitment ``expected``."""
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
