"""The verifier-code check that the node and the testing kit run on a model's verifier."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from eth_utils import keccak

from oracle_node import artifacts
from oracle_node.chain.verifier_code import check_verifier_code, strip_metadata, verifier_problem
from oracle_node.exceptions import VerifierCodeError


def _runtime(name: str) -> bytes:
    code = artifacts.load(name)["runtimeBytecode"]["bytecode"]
    return bytes.fromhex(code.removeprefix("0x"))


def _with_other_metadata(code: bytes) -> bytes:
    """The same code with another (same-length) metadata hash, as a second compile can give."""
    length = int.from_bytes(code[-2:], "big")
    meta = bytearray(code[-(length + 2) : -2])
    meta[10] ^= 0xFF
    return code[: -(length + 2)] + bytes(meta) + code[-2:]


def test_strip_metadata_removes_exactly_the_cbor_tail():
    code = _runtime("DigitsVerifier")
    stripped = strip_metadata(code)
    assert code.startswith(stripped) and 40 < len(code) - len(stripped) < 100
    assert strip_metadata(b"\x01") == b"\x01"


def test_same_code_passes_even_when_its_metadata_differs():
    code = _runtime("DigitsVerifier")
    onchain = _with_other_metadata(code)
    assert onchain != code
    check_verifier_code(onchain, keccak(onchain), code)


def test_another_verifier_is_refused():
    digits, cancer = _runtime("DigitsVerifier"), _runtime("BreastCancerVerifier")
    with pytest.raises(VerifierCodeError, match="not what the manifest's verifier source"):
        check_verifier_code(cancer, keccak(cancer), digits)


def test_code_that_is_not_the_registered_code_is_refused():
    code = _runtime("DigitsVerifier")
    with pytest.raises(VerifierCodeError, match="not the registered"):
        check_verifier_code(code, keccak(b"something else"), code)
    with pytest.raises(VerifierCodeError, match="no code"):
        check_verifier_code(b"", keccak(b""), code)


def test_node_check_reads_the_chain_and_the_shipped_artifact():
    code = _runtime("DigitsVerifier")
    w3 = SimpleNamespace(eth=SimpleNamespace(get_code=lambda address: code))
    good = "0x" + keccak(code).hex()
    assert verifier_problem(w3, "0x" + "11" * 20, good, "DigitsVerifier") is None
    problem = verifier_problem(w3, "0x" + "11" * 20, good, "BreastCancerVerifier")
    assert problem is not None and "manifest's verifier source" in problem
    # A verifier the package does not ship is only checked against its recorded hash.
    assert verifier_problem(w3, "0x" + "11" * 20, good, "NoSuchVerifier") is None
    assert "not the registered" in str(
        verifier_problem(w3, "0x" + "11" * 20, "0x" + "00" * 32, "X")
    )
