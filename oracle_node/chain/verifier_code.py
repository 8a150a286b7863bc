"""Is a model's verifier the contract that its circuit's own verifier source compiles to?

The model registry records the verifier's code hash (EXTCODEHASH) at registration, so a model id
cannot change meaning afterwards; but someone has to check that the recorded code is the
circuit's generated verifier and not, say, a proxy or a verifier that accepts anything. For
every model, shipped or new, the node (at start-up), ``doctor``, ``models show``, ``models
publish`` (before registering) and the testing kit (at registration) check that:

1. the verifier source file hashes to the sha256 its manifest records,
2. the address holds code, and keccak256 of that code is the registry's ``verifierCodeHash``,
3. that code is the runtime code compiled from the source with the project's solc and settings
   (:mod:`oracle_node.chain.solc`), both with solc's trailing CBOR metadata stripped: the
   metadata embeds a hash of the compiler input (paths, settings), which differs between two
   compiles of the same source while the code that runs does not.

Compiling takes a second or two, so compiled code is cached, keyed by the source's sha256, the
contract name, the compiler version and its settings (in a folder, and in the process). Nothing
falls back to the recorded hash alone: without a source that compiles, the answer is no.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak

from oracle_node.chain.solc import SETTINGS, SOLC_VERSION, Compiled, compile_source
from oracle_node.exceptions import ToolchainError, VerifierCodeError


@dataclass(frozen=True)
class VerifierSource:
    """A circuit's generated verifier: its contract name, the sha256 (``0x`` hex) its manifest
    records for the source, and where the source may be (the first file that exists is used)."""

    contract: str
    sha256: str
    paths: tuple[Path, ...]


# Compiled code by cache key, for this process (a node, a doctor run, a test session).
_COMPILED: dict[str, Compiled] = {}


def strip_metadata(code: bytes) -> bytes:
    """``code`` without solc's trailing CBOR metadata (its last two bytes give its length)."""
    if len(code) < 2:
        return code
    length = int.from_bytes(code[-2:], "big") + 2
    return code[:-length] if length <= len(code) else code


def metadata_solc_version(code: bytes) -> str | None:
    """The solc version that solc's CBOR metadata at the end of ``code`` names, if any."""
    length = int.from_bytes(code[-2:], "big") if len(code) >= 2 else 0
    metadata = code[-(length + 2) : -2] if 0 < length <= len(code) - 2 else b""
    at = metadata.rfind(b"dsolcC")  # the text key "solc", then 3 bytes: major, minor, patch
    if at < 0 or len(metadata) < at + 9:
        return None
    return ".".join(str(part) for part in metadata[at + 6 : at + 9])


def as_bytes(code: bytes | str | None) -> bytes:
    if code is None:
        return b""
    if isinstance(code, str):
        return bytes.fromhex(code.removeprefix("0x"))
    return bytes(code)


def cache_key(source_sha256: str, contract: str) -> str:
    """What compiled code is filed under: the source, the contract, the compiler and settings."""
    what = {"source": source_sha256, "contract": contract, "solc": SOLC_VERSION, **SETTINGS}
    return hashlib.sha256(json.dumps(what, sort_keys=True).encode()).hexdigest()


def compile_verifier(source: VerifierSource, cache_dir: Path | None = None) -> Compiled:
    """The verifier compiled from its hash-checked source (from the cache when it is there).

    Raises :class:`VerifierCodeError` when the source is missing, does not hash to the manifest's
    value, or does not compile with the project's solc.
    """
    path = next((p for p in source.paths if p.is_file()), None)
    if path is None:
        looked = " or ".join(str(p) for p in source.paths)
        raise VerifierCodeError(f"the verifier source is missing: looked for {looked}")
    data = path.read_bytes()
    actual = "0x" + hashlib.sha256(data).hexdigest()
    if actual != source.sha256.lower():
        raise VerifierCodeError(
            f"verifier source {path} hashes to {actual}, the manifest records {source.sha256}: "
            "it is not the circuit's generated verifier"
        )
    key = cache_key(actual, source.contract)
    if key in _COMPILED:
        return _COMPILED[key]
    cached = _read_cache(cache_dir / f"{key}.json", source.contract) if cache_dir else None
    if cached is None:
        try:
            cached = compile_source(path.name, data.decode(), source.contract)
        except (ToolchainError, UnicodeDecodeError) as exc:
            raise VerifierCodeError(f"verifier source {path} does not compile: {exc}") from None
        made_by = _solc_of(cached)
        if made_by != SOLC_VERSION:
            raise VerifierCodeError(
                f"verifier source {path} was compiled by solc {made_by}, the project pins "
                f"{SOLC_VERSION}: put solc {SOLC_VERSION} first (`make setup`)"
            )
        if cache_dir is not None:
            _write_cache(cache_dir / f"{key}.json", cached)
    _COMPILED[key] = cached
    return cached


def _solc_of(compiled: Compiled) -> str | None:
    return metadata_solc_version(as_bytes(compiled.runtime_bytecode))


def _read_cache(path: Path, contract: str) -> Compiled | None:
    """A cached compile of ``contract``, or None when absent or not one (then it is compiled
    again)."""
    try:
        compiled = Compiled(**json.loads(path.read_text()))
        fits = compiled.name == contract and _solc_of(compiled) == SOLC_VERSION
    except (OSError, ValueError, TypeError):
        return None
    return compiled if fits else None


def _write_cache(path: Path, compiled: Compiled) -> None:
    """Write atomically, so a reader never sees half a file; a cache that cannot be written
    only costs a compile next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
            json.dump(asdict(compiled), handle)
        os.replace(handle.name, path)
    except OSError:
        pass


def check_verifier(
    onchain: bytes,
    source: VerifierSource,
    *,
    recorded_hash: bytes | str | None,
    cache_dir: Path | None = None,
) -> None:
    """Raise :class:`VerifierCodeError` unless ``onchain`` (the code at a model's verifier
    address) is what ``source`` compiles to, up to the metadata, and hashes to
    ``recorded_hash`` (the registry's ``verifierCodeHash``; None before registration)."""
    if not onchain:
        raise VerifierCodeError("the verifier address holds no code")
    if recorded_hash is not None:
        actual = bytes(keccak(onchain))
        if actual != as_bytes(recorded_hash):
            raise VerifierCodeError(
                f"the verifier's code hash 0x{actual.hex()} is not the registered "
                f"0x{as_bytes(recorded_hash).hex()}"
            )
    expected = as_bytes(compile_verifier(source, cache_dir).runtime_bytecode)
    if strip_metadata(onchain) != strip_metadata(expected):
        raise VerifierCodeError(
            f"the verifier's bytecode is not what the circuit's verifier source compiles to "
            f"({source.contract}: {len(onchain)} bytes on chain, {len(expected)} compiled; "
            "metadata ignored)"
        )


def verifier_problem(
    w3: Any,
    verifier: str,
    source: VerifierSource,
    *,
    recorded_hash: bytes | str | None,
    cache_dir: Path | None = None,
) -> str | None:
    """Why a model whose verifier is at ``verifier`` must not be served, or None: the code there
    read from ``w3`` and given to :func:`check_verifier`."""
    try:
        check_verifier(
            bytes(w3.eth.get_code(verifier)), source, recorded_hash=recorded_hash,
            cache_dir=cache_dir,
        )  # fmt: skip
    except VerifierCodeError as exc:
        return f"verifier {verifier}: {exc}"
    return None
