"""Fixed point and field encoding, checked against EZKL's own conversions."""

from __future__ import annotations

import math

import ezkl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oracle_node.encoding import (
    BN254_PRIME,
    felt_from_hex_le,
    felt_to_hex_le,
    felt_to_int,
    float_to_felt,
    float_to_int,
    int_to_felt,
    int_to_float,
)
from oracle_node.exceptions import EncodingError

R = 21888242871839275222246405745257275088548364400416034343698204186575808495617

scales = st.integers(min_value=0, max_value=20)
# EZKL quantizes through 64-bit floats and integers: keep |v * 2^s| well inside that.
floats = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
signed = st.integers(min_value=-(2**120), max_value=2**120)


def test_prime_is_bn254_scalar_modulus():
    assert BN254_PRIME == R


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [(0.5, 0, 1), (-0.5, 0, -1), (2.5, 0, 3), (-2.5, 0, -3), (1.0, 13, 8192), (-1e-9, 3, 0)],
)
def test_float_to_int_rounds_half_away_from_zero(value, scale, expected):
    assert float_to_int(value, scale) == expected


def test_negative_ints_map_to_r_minus_abs():
    assert int_to_felt(-1) == R - 1
    assert int_to_felt(-8192) == R - 8192
    assert felt_to_int(R - 5) == -5
    assert felt_to_int(R // 2) == R // 2
    assert felt_to_int(R // 2 + 1) == -(R // 2)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_float_to_int_rejects_non_finite(bad):
    with pytest.raises(EncodingError, match="not a finite number"):
        float_to_int(bad, 7)


def test_out_of_range_values_are_rejected():
    with pytest.raises(EncodingError, match="signed range"):
        int_to_felt(R)
    with pytest.raises(EncodingError, match="not a BN254 field element"):
        felt_to_int(R)
    with pytest.raises(EncodingError, match="not a BN254 field element"):
        felt_to_int(-1)
    with pytest.raises(EncodingError, match="32"):
        felt_from_hex_le("00ff")
    with pytest.raises(EncodingError, match="not hex"):
        felt_from_hex_le("zz" * 32)
    with pytest.raises(EncodingError, match="below the BN254 modulus"):
        felt_from_hex_le("ff" * 32)


@pytest.mark.property
@settings(max_examples=300, deadline=None)
@given(value=floats, scale=scales)
def test_float_to_felt_matches_ezkl(value, scale):
    ours = float_to_felt(value, scale)
    assert felt_to_hex_le(ours) == ezkl.float_to_felt(value, scale)


@pytest.mark.property
@settings(max_examples=300, deadline=None)
@given(x=signed)
def test_felt_to_int_matches_ezkl(x):
    felt = int_to_felt(x)
    assert ezkl.felt_to_int(felt_to_hex_le(felt)) == x
    assert felt_to_int(felt) == x


@pytest.mark.property
@settings(max_examples=300, deadline=None)
@given(value=floats, scale=scales)
def test_int_to_float_matches_ezkl_felt_to_float(value, scale):
    x = float_to_int(value, scale)
    expected = ezkl.felt_to_float(felt_to_hex_le(int_to_felt(x)), scale)
    assert math.isclose(int_to_float(x, scale), expected, rel_tol=1e-12, abs_tol=0.0)


@pytest.mark.property
@given(felt=st.integers(min_value=0, max_value=R - 1))
def test_hex_le_round_trip(felt):
    text = felt_to_hex_le(felt)
    assert len(text) == 64
    assert felt_from_hex_le(text) == felt
    assert felt_from_hex_le("0x" + text) == felt
    assert int.from_bytes(bytes.fromhex(text), "little") == felt


@pytest.mark.property
@given(x=signed, scale=scales)
def test_int_float_round_trip_is_exact(x, scale):
    small = x % (2**50) * (1 if x >= 0 else -1)
    assert float_to_int(int_to_float(small, scale), scale) == small
