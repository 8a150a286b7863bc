"""Module boundaries the design relies on."""

from __future__ import annotations

import ast
import subprocess
import sys

from .conftest import ROOT


def _imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_only_the_proving_module_imports_ezkl():
    importers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "oracle_node").rglob("*.py")
        if any(name.split(".")[0] == "ezkl" for name in _imports(path))
    )
    assert importers == ["oracle_node/circuits/proving.py"]


def test_encoding_and_manifest_load_without_ezkl():
    code = (
        "import sys, oracle_node.encoding, oracle_node.circuits.manifest, "
        "oracle_node.circuits.datasets; assert 'ezkl' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
