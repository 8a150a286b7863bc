"""Write the shipped contract artifacts, ``oracle_node/artifacts/<Name>.json``, from Ape's build.

Exports the protocol contracts, the example consumers and every generated verifier under
``contracts/verifiers/``; removes artifacts that no longer have a contract. Compiles every
source afresh first: Ape's incremental build misses some changes (a NatSpec edit in an
imported interface left a contract's cached build, and so its artifact, stale while a clean
build differed). Run it after changing any contract:

    python scripts/export_artifacts.py

``tests/contracts/test_artifacts.py`` fails while the shipped files are stale.
"""

from __future__ import annotations

import sys
from typing import Any

from oracle_node import artifacts


def build_artifacts() -> dict[str, dict[str, Any]]:
    """The artifacts the current sources compile to, by contract name."""
    from ape import project

    wanted = set(artifacts.PROTOCOL_CONTRACTS) | set(artifacts.EXAMPLE_CONTRACTS)
    out: dict[str, dict[str, Any]] = {}
    for name, container in project.load_contracts(use_cache=False).items():
        contract_type = container.contract_type
        source_id = contract_type.source_id or ""
        is_verifier = source_id.startswith(artifacts.VERIFIER_SOURCE_PREFIX)
        if name in wanted or (is_verifier and contract_type.deployment_bytecode is not None):
            out[name] = artifacts.to_artifact(contract_type.model_dump(by_alias=True, mode="json"))
    missing = wanted - set(out)
    if missing:
        raise SystemExit(f"export_artifacts: contracts not found in the build: {sorted(missing)}")
    return out


def main() -> int:
    built = build_artifacts()
    for stale in set(artifacts.available()) - set(built):
        (artifacts.ARTIFACTS_DIR / f"{stale}.json").unlink()
        print(f"removed {stale}.json")
    for name, artifact in sorted(built.items()):
        path = artifacts.ARTIFACTS_DIR / f"{name}.json"
        text = artifacts.dumps(artifact)
        if not path.is_file() or path.read_text() != text:
            path.write_text(text)
            print(f"wrote {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
