"""EZKL's Poseidon hash in pure Python: what a committed circuit computes over a sample.

EZKL (23.x) hashes an input tensor with Poseidon over the BN254 scalar field: state width 2,
rate 1, x^5 S-box, 8 full and 56 partial rounds, the halo2 sponge with the capacity element
``1 << 64``. Its round constants and MDS matrix are the ones the Poseidon paper's reference
procedure derives from a Grain LFSR seeded with these parameters; :func:`constants` derives
them the same way here (no table is copied), and the tests hold :func:`hash_felts` against
``ezkl.poseidon_hash`` for many message lengths.

Used where EZKL is not at hand (a consumer that only builds commitments) and as the reference
for the Solidity implementation (``contracts/utils/Poseidon.sol``, generated from it by
``scripts/generate_poseidon.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

from oracle_node.encoding import BN254_PRIME

FIELD_MODULUS = BN254_PRIME
WIDTH = 2
FULL_ROUNDS = 8
PARTIAL_ROUNDS = 56
# The sponge's capacity element (halo2's ConstantLength domain tag for EZKL's chip).
CAPACITY = 1 << 64
_FIELD_BITS = FIELD_MODULUS.bit_length()  # 254


def _grain_bits() -> Iterator[int]:
    """The Grain LFSR of the Poseidon reference: 80 bits of parameters, 160 clocks discarded,
    then bits filtered in pairs (a 1 keeps the next bit, a 0 drops it)."""
    state: list[int] = []
    for value, width in (
        (1, 2),  # a prime field
        (0, 4),  # S-box x^alpha with alpha > 0
        (_FIELD_BITS, 12),
        (WIDTH, 12),
        (FULL_ROUNDS, 10),
        (PARTIAL_ROUNDS, 10),
        ((1 << 30) - 1, 30),
    ):
        state.extend(int(bit) for bit in format(value, f"0{width}b"))

    def clock() -> int:
        bit = state[62] ^ state[51] ^ state[38] ^ state[23] ^ state[13] ^ state[0]
        state.pop(0)
        state.append(bit)
        return bit

    for _ in range(160):
        clock()
    while True:
        keep = clock()
        while keep == 0:
            clock()
            keep = clock()
        yield clock()


def _read(bits: Iterator[int]) -> int:
    value = 0
    for _ in range(_FIELD_BITS):
        value = (value << 1) | next(bits)
    return value


@lru_cache(maxsize=1)
def constants() -> tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]:
    """(round constants, one row of ``WIDTH`` per round; the MDS matrix), as the reference
    procedure derives them: the round constants by rejection sampling, then a Cauchy matrix
    ``1 / (x_i + y_j)`` from ``2 * WIDTH`` distinct reduced samples."""
    bits = _grain_bits()
    flat: list[int] = []
    while len(flat) < (FULL_ROUNDS + PARTIAL_ROUNDS) * WIDTH:
        value = _read(bits)
        if value < FIELD_MODULUS:
            flat.append(value)
    while True:
        samples = [_read(bits) % FIELD_MODULUS for _ in range(2 * WIDTH)]
        if len(set(samples)) == len(samples):
            break
    xs, ys = samples[:WIDTH], samples[WIDTH:]
    mds = tuple(tuple(pow((x + y) % FIELD_MODULUS, -1, FIELD_MODULUS) for y in ys) for x in xs)
    rounds = tuple(tuple(flat[r * WIDTH : (r + 1) * WIDTH]) for r in range(len(flat) // WIDTH))
    return rounds, mds


def permute(state: Sequence[int]) -> list[int]:
    """The Poseidon permutation of a width-2 state."""
    rounds, mds = constants()
    s = list(state)
    half = FULL_ROUNDS // 2
    for r, rc in enumerate(rounds):
        s = [(x + c) % FIELD_MODULUS for x, c in zip(s, rc, strict=True)]
        if half <= r < half + PARTIAL_ROUNDS:
            s[0] = pow(s[0], 5, FIELD_MODULUS)
        else:
            s = [pow(x, 5, FIELD_MODULUS) for x in s]
        s = [sum(m * x for m, x in zip(row, s, strict=True)) % FIELD_MODULUS for row in mds]
    return s


def hash_felts(values: Sequence[int]) -> int:
    """EZKL's Poseidon hash of field elements (each in [0, FIELD_MODULUS)): one absorbed per
    permutation, the first state word out."""
    state = [0, CAPACITY]
    for value in values:
        if not 0 <= value < FIELD_MODULUS:
            raise ValueError(f"{value} is not a field element")
        state[0] = (state[0] + value) % FIELD_MODULUS
        state = permute(state)
    return state[0]
