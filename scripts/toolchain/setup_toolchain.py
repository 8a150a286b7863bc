"""Link the project's offline toolchain into the places its callers look.

Run by ``make setup`` with the virtual environment's Python. It is idempotent.

* ``.toolchain/solcx/solc-v<ver>``: the solc-js wrapper where py-solc-x (ape-solidity)
  looks, with ``SOLCX_BINARY_PATH`` pointed there by a ``.pth`` file in the venv, so every
  Python of the venv (ape, pytest, oracle-node) finds it without touching the home folder.
* ``.toolchain/svm/<ver>/solc-<ver>``: the same wrapper where svm-rs (EZKL's
  ``create_evm_verifier``) looks when ``XDG_DATA_HOME`` is ``.toolchain``.
* ``<venv>/bin/anvil``: the anvil binary shipped in the npm package, on the venv's PATH
  where ape-foundry finds it.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APE_SOLC_VERSION = "0.8.28"  # ape-config.yaml: solidity.version
SVM_SOLC_VERSION = "0.8.20"  # what ezkl 23.0.5 asks svm for
WRAPPER = ROOT / "scripts" / "toolchain" / "solc.js"
ANVIL = ROOT / "node_modules" / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"
TOOLCHAIN = ROOT / ".toolchain"


def _link(target: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(target)


def main() -> int:
    for needed, hint in ((WRAPPER, "the repository is incomplete"), (ANVIL, "run `npm ci`")):
        if not needed.exists():
            print(f"setup: {needed.relative_to(ROOT)} is missing: {hint}", file=sys.stderr)
            return 1
    solcx_dir = TOOLCHAIN / "solcx"
    _link(WRAPPER, solcx_dir / f"solc-v{APE_SOLC_VERSION}")
    _link(WRAPPER, TOOLCHAIN / "svm" / SVM_SOLC_VERSION / f"solc-{SVM_SOLC_VERSION}")
    _link(ANVIL, Path(sys.prefix) / "bin" / "anvil")
    site = Path(sysconfig.get_paths()["purelib"])
    pth = site / "zk_oracle_toolchain.pth"
    pth.write_text(
        "import os; os.environ.setdefault('SOLCX_BINARY_PATH', "
        f"{str(solcx_dir)!r}); os.environ.setdefault('ORACLE_TOOLCHAIN_DIR', "
        f"{str(TOOLCHAIN)!r})\n"
    )
    os.chmod(WRAPPER, 0o755)
    print(f"toolchain ready: solc {APE_SOLC_VERSION} (solc-js), anvil in {sys.prefix}/bin")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
