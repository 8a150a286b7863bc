"""Fixed point and BN254 field encoding of model inputs and outputs.

EZKL quantizes a float ``v`` at scale ``s`` as ``round(v * 2**s)`` and places the integer in
the BN254 scalar field: ``x >= 0`` as ``x``, ``x < 0`` as ``r - |x|``. On-chain values are
``int256`` already at the model's scale. EZKL writes field elements as 32-byte little-endian
hex strings (``proof.json["instances"]``); calldata carries them as ``uint256``.

Pure Python: no ``ezkl`` import (tests check these against EZKL's own conversions).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from oracle_node.exceptions import EncodingError

__all__ = [
    "BN254_PRIME",
    "EncodingError",
    "felt_from_hex_le",
    "felt_to_hex_le",
    "felt_to_int",
    "felts_from_hex_le",
    "float_to_felt",
    "float_to_int",
    "int_to_felt",
    "int_to_float",
    "ints_to_felts",
]

BN254_PRIME = 21888242871839275222246405745257275088548364400416034343698204186575808495617
"""The BN254 scalar field modulus ``r``."""

_HALF = BN254_PRIME // 2
_INT256_MIN = -(2**255)
_INT256_MAX = 2**255 - 1


def float_to_int(value: float, scale: int) -> int:
    """``round(value * 2**scale)``, as EZKL quantizes (halves round away from zero)."""
    if not math.isfinite(value):
        raise EncodingError(f"cannot quantize {value!r}: not a finite number")
    scaled = value * (2.0**scale)
    rounded = math.floor(abs(scaled) + 0.5)
    result = int(math.copysign(rounded, scaled)) if rounded else 0
    if not _INT256_MIN <= result <= _INT256_MAX:
        raise EncodingError(f"{value!r} at scale {scale} does not fit in int256")
    return result


def int_to_float(x: int, scale: int) -> float:
    """The float that the fixed-point integer ``x`` at ``scale`` stands for: ``x / 2**scale``."""
    return x / (2.0**scale)


def int_to_felt(x: int) -> int:
    """Signed integer to BN254 field element: ``x`` if ``x >= 0`` else ``r - |x|``."""
    if not -_HALF <= x <= _HALF:
        raise EncodingError(f"{x} is outside the signed range of the BN254 field (|x| <= r // 2)")
    return x if x >= 0 else BN254_PRIME + x


def felt_to_int(felt: int) -> int:
    """BN254 field element to signed integer: elements above ``r // 2`` are negative."""
    if not 0 <= felt < BN254_PRIME:
        raise EncodingError(f"{felt} is not a BN254 field element (0 <= felt < r)")
    return felt - BN254_PRIME if felt > _HALF else felt


def float_to_felt(value: float, scale: int) -> int:
    """Quantize ``value`` at ``scale`` and map it into the field."""
    return int_to_felt(float_to_int(value, scale))


def ints_to_felts(values: Iterable[int]) -> list[int]:
    """:func:`int_to_felt` over a sequence (e.g. a request's ``int256[]`` input)."""
    return [int_to_felt(v) for v in values]


def felt_to_hex_le(felt: int) -> str:
    """A field element as EZKL writes it: 64 hex digits, little-endian, no ``0x``."""
    if not 0 <= felt < BN254_PRIME:
        raise EncodingError(f"{felt} is not a BN254 field element (0 <= felt < r)")
    return felt.to_bytes(32, "little").hex()


def felt_from_hex_le(text: str) -> int:
    """Parse EZKL's 32-byte little-endian hex field element (``0x`` prefix allowed)."""
    digits = text[2:] if text.startswith(("0x", "0X")) else text
    try:
        raw = bytes.fromhex(digits)
    except ValueError as exc:
        raise EncodingError(f"{text!r} is not hex") from exc
    if len(raw) != 32:
        raise EncodingError(f"{text!r} is {len(raw)} bytes, a field element is 32")
    felt = int.from_bytes(raw, "little")
    if felt >= BN254_PRIME:
        raise EncodingError(f"{text!r} is not below the BN254 modulus")
    return felt


def felts_from_hex_le(texts: Iterable[str]) -> list[int]:
    """:func:`felt_from_hex_le` over a sequence."""
    return [felt_from_hex_le(t) for t in texts]
