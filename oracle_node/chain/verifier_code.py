"""Is a model's verifier the contract that its manifest's verifier source compiles to?

The model registry records the verifier's code hash (EXTCODEHASH) at registration, so a model id
cannot change meaning afterwards; but someone has to check, once, that the recorded code is the
generated verifier and not, say, a proxy or a verifier that accepts anything. The node (at
start-up, for each served model) and the testing kit (at registration) compare:

1. keccak256 of the code now at the verifier's address with the recorded hash (the code is still
   the registered code), and
2. that code with the runtime bytecode compiled from the manifest's verifier source, both with
   solc's trailing CBOR metadata stripped: the metadata embeds a hash of the compiler input
   (paths, settings), which differs between two compiles of the same source while the code
   that runs does not.
"""

from __future__ import annotations

from typing import Any

from eth_utils.crypto import keccak

from oracle_node import artifacts
from oracle_node.exceptions import ArtifactNotFoundError, VerifierCodeError


def strip_metadata(code: bytes) -> bytes:
    """``code`` without solc's trailing CBOR metadata (its last two bytes give its length)."""
    if len(code) < 2:
        return code
    length = int.from_bytes(code[-2:], "big") + 2
    return code[:-length] if length <= len(code) else code


def as_bytes(code: bytes | str | None) -> bytes:
    if code is None:
        return b""
    if isinstance(code, str):
        return bytes.fromhex(code.removeprefix("0x"))
    return bytes(code)


def check_verifier_code(onchain: bytes, recorded_hash: bytes, expected_runtime: Any) -> None:
    """Raise :class:`VerifierCodeError` unless ``onchain`` hashes to ``recorded_hash`` and is
    ``expected_runtime`` up to the metadata."""
    if not onchain:
        raise VerifierCodeError("the verifier address holds no code")
    if bytes(keccak(onchain)) != bytes(recorded_hash):
        raise VerifierCodeError(
            f"the verifier's code hash 0x{bytes(keccak(onchain)).hex()} is not the registered "
            f"0x{bytes(recorded_hash).hex()}"
        )
    expected = as_bytes(expected_runtime)
    if strip_metadata(onchain) != strip_metadata(expected):
        raise VerifierCodeError(
            "the verifier's bytecode is not what the manifest's verifier source compiles to "
            f"({len(onchain)} bytes on chain, {len(expected)} compiled; metadata ignored)"
        )


def verifier_problem(w3: Any, verifier: str, recorded_hash: str, contract_name: str) -> str | None:
    """Why the node must not serve a model with this verifier, or None. The reference is the
    shipped artifact ``contract_name`` (compiled from the manifest's ``verifier_path``); a
    verifier without a shipped artifact is only checked against its recorded hash."""
    onchain = bytes(w3.eth.get_code(verifier))
    try:
        expected: Any = artifacts.load(contract_name)["runtimeBytecode"]["bytecode"]
    except ArtifactNotFoundError:
        expected = onchain
    try:
        check_verifier_code(onchain, as_bytes(recorded_hash), expected)
    except VerifierCodeError as exc:
        return str(exc)
    return None
