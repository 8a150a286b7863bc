"""A new model made from a reference circuit: the same files under a new name and verifier name.

No artifact shipped with the package has its verifier's name, so every check of its verifier
must compile the circuit's own source; its proving key is built under its own name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from oracle_node.chain.solc import Compiled, compile_source
from oracle_node.circuits.manifest import load_manifest, read_manifest, sha256_file

ROOT = Path(__file__).resolve().parents[2]
CIRCUITS = ROOT / "circuits"
DEV_SRS = "srs/dev-insecure-k15.srs"


def copy_circuit(
    project: Path, name: str = "scorer_copy", base: str = "breast_cancer"
) -> tuple[Path, str]:
    """``project/circuits/<name>`` from ``circuits/<base>``, its verifier renamed
    ``<Name>Verifier`` in ``project/contracts/verifiers/`` (where a build writes it) and the
    manifest rewritten to match; the dev SRS linked where the manifest names it. Returns the
    folder and the verifier's contract name."""
    manifest = load_manifest(CIRCUITS / base)
    folder = project / "circuits" / name
    shutil.copytree(CIRCUITS / base, folder, ignore=shutil.ignore_patterns(".*"))
    srs = project / "circuits" / DEV_SRS
    if not srs.exists():
        srs.parent.mkdir(parents=True, exist_ok=True)
        srs.symlink_to(CIRCUITS / DEV_SRS)
    contract = "".join(part.capitalize() for part in name.split("_")) + "Verifier"
    source = (ROOT / manifest.verifier_path).read_text()
    assert source.count(f"contract {manifest.verifier_contract} ") == 1
    verifier_path = f"contracts/verifiers/{contract}.sol"
    target = project / verifier_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source.replace(manifest.verifier_contract, contract))
    renamed = manifest.model_copy(
        update={
            "name": name,
            "verifier_contract": contract,
            "verifier_path": verifier_path,
            "verifier_sha256": sha256_file(target),
        }
    )
    renamed.write(folder)
    assert read_manifest(folder) == renamed
    return folder, contract


def compile_test_contract(name: str, folder: str = "contracts/test") -> Compiled:
    """A test contract of this repository (e.g. ``MockVerifier``), compiled with the project's
    solc, for a chain that Ape does not drive."""
    path = ROOT / folder / f"{name}.sol"
    return compile_source(path.name, path.read_text(), name)


def always_true_source(contract: str) -> str:
    """A verifier called ``contract`` that accepts every proof."""
    return (
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n"
        f"contract {contract} {{\n"
        "    function verifyProof(bytes calldata, uint256[] calldata) external pure "
        "returns (bool) {\n        return true;\n    }\n}\n"
    )
