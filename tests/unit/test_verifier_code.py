"""The verifier-code check: the code at a model's verifier address against what the circuit's own
hash-checked verifier source compiles to, and against the registry's recorded code hash."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from eth_utils import keccak

from oracle_node import artifacts
from oracle_node.chain import verifier_code
from oracle_node.chain.verifier_code import (
    VerifierSource,
    cache_key,
    check_verifier,
    compile_verifier,
    metadata_solc_version,
    strip_metadata,
    verifier_problem,
)
from oracle_node.circuits.manifest import load_manifest
from oracle_node.exceptions import VerifierCodeError
from oracle_node.node.models import verifier_source
from tests.support.circuits import CIRCUITS, always_true_source, compile_test_contract, copy_circuit


def _runtime(name: str) -> bytes:
    code = artifacts.load(name)["runtimeBytecode"]["bytecode"]
    return bytes.fromhex(code.removeprefix("0x"))


def _with_other_metadata(code: bytes) -> bytes:
    """The same code with another (same-length) metadata hash, as a second compile can give."""
    length = int.from_bytes(code[-2:], "big")
    meta = bytearray(code[-(length + 2) : -2])
    meta[10] ^= 0xFF
    return code[: -(length + 2)] + bytes(meta) + code[-2:]


def _source_of(name: str) -> VerifierSource:
    return verifier_source(CIRCUITS / name, load_manifest(CIRCUITS / name))


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.fixture
def fresh(monkeypatch):
    """No compiled code remembered by this process: every compile is seen."""
    monkeypatch.setattr(verifier_code, "_COMPILED", {})


@pytest.fixture(scope="module")
def new_model(tmp_path_factory) -> VerifierSource:
    """A model no shipped artifact knows: breast_cancer's files under a new verifier name."""
    folder, _ = copy_circuit(tmp_path_factory.mktemp("project"))
    return verifier_source(folder, load_manifest(folder))


def test_strip_metadata_removes_exactly_the_cbor_tail():
    code = _runtime("DigitsVerifier")
    stripped = strip_metadata(code)
    assert code.startswith(stripped) and 40 < len(code) - len(stripped) < 100
    assert strip_metadata(b"\x01") == b"\x01"
    assert metadata_solc_version(code) == "0.8.28"
    assert metadata_solc_version(stripped) is None


def test_the_circuits_own_code_passes_even_when_its_metadata_differs():
    onchain = _with_other_metadata(_runtime("DigitsVerifier"))
    check_verifier(onchain, _source_of("digits"), recorded_hash=keccak(onchain))


def test_another_circuits_verifier_is_refused():
    cancer = _runtime("BreastCancerVerifier")
    with pytest.raises(VerifierCodeError, match="not what the circuit's verifier source compiles"):
        check_verifier(cancer, _source_of("digits"), recorded_hash=keccak(cancer))


def test_an_always_true_verifier_of_a_model_without_a_shipped_artifact_is_refused(new_model):
    mock = bytes.fromhex(compile_test_contract("MockVerifier").runtime_bytecode[2:])
    with pytest.raises(VerifierCodeError, match="not what the circuit's verifier source compiles"):
        check_verifier(mock, new_model, recorded_hash=keccak(mock))
    # ... while its own verifier, compiled from its renamed source, passes.
    own = bytes.fromhex(compile_verifier(new_model).runtime_bytecode[2:])
    check_verifier(own, new_model, recorded_hash=keccak(own))


def test_code_that_is_not_the_registered_code_is_refused():
    code = _runtime("DigitsVerifier")
    with pytest.raises(VerifierCodeError, match="is not the registered"):
        check_verifier(code, _source_of("digits"), recorded_hash=keccak(b"something else"))
    with pytest.raises(VerifierCodeError, match="holds no code"):
        check_verifier(b"", _source_of("digits"), recorded_hash=keccak(b""))


def test_a_missing_source_is_refused_naming_where_it_was_looked_for(tmp_path):
    source = VerifierSource("XVerifier", "0x" + "00" * 32, (tmp_path / "a.sol", tmp_path / "b.sol"))
    code = _runtime("DigitsVerifier")
    with pytest.raises(
        VerifierCodeError, match=r"source is missing: looked for .*a\.sol or .*b\.sol"
    ):
        check_verifier(code, source, recorded_hash=None)


def test_a_source_other_than_the_manifests_is_refused_before_compiling(tmp_path, monkeypatch):
    digits = _source_of("digits")
    fake = _written(tmp_path / "DigitsVerifier.sol", always_true_source("DigitsVerifier"))
    monkeypatch.setattr(verifier_code, "compile_source", pytest.fail)
    with pytest.raises(VerifierCodeError, match="hashes to 0x.*the manifest records"):
        compile_verifier(VerifierSource(digits.contract, digits.sha256, (fake, *digits.paths)))


def test_a_source_that_does_not_compile_is_refused(tmp_path, fresh):
    broken = _written(tmp_path / "BrokenVerifier.sol", "contract BrokenVerifier { oops }")
    sha = "0x" + hashlib.sha256(broken.read_bytes()).hexdigest()
    with pytest.raises(VerifierCodeError, match="does not compile: solc could not compile"):
        compile_verifier(VerifierSource("BrokenVerifier", sha, (broken,)))


def test_compiled_code_is_cached_by_source_hash_and_compiler(tmp_path, monkeypatch, fresh):
    path = _written(tmp_path / "AcceptAll.sol", always_true_source("AcceptAll"))
    source = VerifierSource(
        "AcceptAll", "0x" + hashlib.sha256(path.read_bytes()).hexdigest(), (path,)
    )
    cache = tmp_path / "cache"
    first = compile_verifier(source, cache)
    [entry] = cache.iterdir()
    assert entry.name == cache_key(source.sha256, "AcceptAll") + ".json"
    assert cache_key(source.sha256, "Other") != entry.stem

    def no_compile(*_args, **_kwargs):
        raise AssertionError("compiled although the cache holds this source's code")

    real = verifier_code.compile_source
    monkeypatch.setattr(verifier_code, "compile_source", no_compile)
    verifier_code._COMPILED.clear()
    assert compile_verifier(source, cache) == first
    # An unreadable entry, or one for another contract, is not used: the source is compiled again.
    monkeypatch.setattr(verifier_code, "compile_source", real)
    entry.write_text("{not json")
    verifier_code._COMPILED.clear()
    assert compile_verifier(source, cache) == first
    entry.write_text(entry.read_text().replace('"AcceptAll"', '"Other"'))
    verifier_code._COMPILED.clear()
    assert compile_verifier(source, cache) == first


def test_node_check_reads_the_code_at_the_address():
    code = _runtime("DigitsVerifier")
    w3 = SimpleNamespace(eth=SimpleNamespace(get_code=lambda address: code))
    address = "0x" + "11" * 20
    good = "0x" + keccak(code).hex()
    assert verifier_problem(w3, address, _source_of("digits"), recorded_hash=good) is None
    problem = verifier_problem(w3, address, _source_of("breast_cancer"), recorded_hash=good)
    assert problem is not None and problem.startswith(f"verifier {address}: ")
    assert "not what the circuit's verifier source compiles to" in problem
