"""Compile one Solidity file with the project's solc (solc-js behind a native-style wrapper).

Used to publish a model's generated verifier straight from its source, with the compiler
settings the Ape project uses (``ape-config.yaml``), so no export step stands between
``circuits build`` and ``models publish``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oracle_node.exceptions import ToolchainError

SOLC_VERSION = "0.8.28"
EVM_VERSION = "cancun"
OPTIMIZER_RUNS = 200


@dataclass(frozen=True)
class Compiled:
    """What a deployment needs from one compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str  # deployment bytecode, 0x hex
    runtime_bytecode: str  # deployed code, 0x hex


def find_solc() -> Path:
    """The solc executable: ``$SOLCX_BINARY_PATH``/``$ORACLE_TOOLCHAIN_DIR`` (set up by
    ``make setup``), else ``solc`` on PATH."""
    candidates = []
    if os.environ.get("SOLCX_BINARY_PATH"):
        candidates.append(Path(os.environ["SOLCX_BINARY_PATH"]) / f"solc-v{SOLC_VERSION}")
    if os.environ.get("ORACLE_TOOLCHAIN_DIR"):
        candidates.append(
            Path(os.environ["ORACLE_TOOLCHAIN_DIR"]) / "solcx" / f"solc-v{SOLC_VERSION}"
        )
    on_path = shutil.which("solc")
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise ToolchainError(
        f"no solc {SOLC_VERSION} found (looked in $SOLCX_BINARY_PATH, $ORACLE_TOOLCHAIN_DIR/solcx "
        "and PATH): run `make setup` in the project, or install solc and put it on PATH"
    )


#: The compiler input's settings, less the output selection: with :data:`SOLC_VERSION`, what
#: decides the code a source compiles to (and so what a cache of compiled code is keyed by).
SETTINGS: dict[str, Any] = {
    "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
    "evmVersion": EVM_VERSION,
}


def compile_contract(source: Path, contract: str, *, timeout: float = 300) -> Compiled:
    """Compile ``contract`` from the single file ``source`` (optimizer on, as Ape does)."""
    if not source.is_file():
        raise ToolchainError(f"Solidity source {source} does not exist")
    return compile_source(source.name, source.read_text(), contract, timeout=timeout)


def compile_source(file_name: str, text: str, contract: str, *, timeout: float = 300) -> Compiled:
    """Compile ``contract`` from the Solidity ``text`` of one file named ``file_name``."""
    request = {
        "language": "Solidity",
        "sources": {file_name: {"content": text}},
        "settings": {
            **SETTINGS,
            "outputSelection": {
                file_name: {contract: ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
            },
        },
    }
    done = subprocess.run(
        [str(find_solc()), "--standard-json"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise ToolchainError(
            f"solc failed on {file_name} (exit {done.returncode}): {done.stderr.strip()[-500:]}"
        ) from None
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        message = " ".join(str(errors[0].get("formattedMessage", errors[0])).split())
        raise ToolchainError(f"solc could not compile {file_name}: {message}")
    found = output.get("contracts", {}).get(file_name, {}).get(contract)
    if found is None:
        raise ToolchainError(f"{file_name} does not define contract {contract}")
    return Compiled(
        name=contract,
        abi=found["abi"],
        bytecode="0x" + found["evm"]["bytecode"]["object"],
        runtime_bytecode="0x" + found["evm"]["deployedBytecode"]["object"],
    )
