"""EZKL's Poseidon in pure Python (constants derived from the Grain LFSR) against EZKL's own."""

from __future__ import annotations

import random
import subprocess
import sys

import ezkl
import pytest

from oracle_node.circuits import poseidon
from oracle_node.encoding import felt_to_hex_le

from .conftest import ROOT


def ezkl_hash(values: list[int]) -> int:
    [out] = ezkl.poseidon_hash([felt_to_hex_le(v) for v in values])
    return int.from_bytes(bytes.fromhex(str(out)), "little")


@pytest.mark.parametrize("length", [1, 2, 3, 31, 32, 33, 36, 70, 101])
def test_the_python_hash_is_ezkls_for_every_length(length):
    rng = random.Random(length)
    small = [rng.randrange(-(2**24), 2**24) % poseidon.FIELD_MODULUS for _ in range(length)]
    large = [rng.randrange(poseidon.FIELD_MODULUS) for _ in range(length)]
    for values in (small, large):
        assert poseidon.hash_felts(values) == ezkl_hash(values)


def test_the_derived_constants_are_well_formed():
    rounds, mds = poseidon.constants()
    assert len(rounds) == poseidon.FULL_ROUNDS + poseidon.PARTIAL_ROUNDS
    assert all(len(row) == poseidon.WIDTH for row in rounds)
    assert len({c for row in rounds for c in row}) == len(rounds) * poseidon.WIDTH
    assert all(0 < c < poseidon.FIELD_MODULUS for row in (*rounds, *mds) for c in row)
    det = (mds[0][0] * mds[1][1] - mds[0][1] * mds[1][0]) % poseidon.FIELD_MODULUS
    assert det != 0


def test_a_value_outside_the_field_is_refused():
    with pytest.raises(ValueError, match="not a field element"):
        poseidon.hash_felts([poseidon.FIELD_MODULUS])


def test_the_solidity_library_is_generated_from_these_constants():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_poseidon.py"), "--check"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
