"""The Solidity Poseidon (contracts/utils/Poseidon.sol) against the Python reference, which the
circuit tests hold against EZKL's own hash; gas per value hashed."""

from __future__ import annotations

import random

import pytest

from oracle_node.circuits import poseidon
from oracle_node.circuits.committed import commitment


@pytest.fixture(scope="module")
def probe(owner, project):
    return owner.deploy(project.PoseidonProbe)


@pytest.mark.parametrize("length", [0, 1, 2, 36, 70])
def test_the_contract_hashes_as_the_circuit_does(probe, length):
    rng = random.Random(length)
    values = [rng.randrange(poseidon.FIELD_MODULUS) for _ in range(length)]
    assert probe.hash(values) == poseidon.hash_felts(values)


def test_a_commitment_is_recomputed_on_chain(probe, owner):
    """A sample of 30 values at the input scale, negatives included, and its 6-value salt."""
    inputs = [(-1) ** i * (1000 + 37 * i) for i in range(30)]
    salt = [11, 22, 33, 44, 55, 66]
    felts = [v % poseidon.FIELD_MODULUS for v in (*inputs, *salt)]
    assert probe.hash(felts) == commitment(inputs, salt)
    gas = probe.hash.estimate_gas_cost(felts, sender=owner)
    assert gas < 36 * 25_000  # about 20.5k a value; the bound only catches a gross regression
