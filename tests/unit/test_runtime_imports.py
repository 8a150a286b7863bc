"""The node's runtime path works on the base install: no Ape, scikit-learn or pytest needed.

Each check runs in a fresh interpreter. "Base install" is simulated by blocking the kit's
modules (``sys.modules[name] = None`` makes their import fail as if not installed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KIT_MODULES = ("ape", "ape_solidity", "ape_foundry", "ethpm_types", "sklearn", "pytest", "_pytest")
BLOCK_KIT = f"import sys\nfor _name in {KIT_MODULES!r}:\n    sys.modules[_name] = None\n"


def python(code: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORACLE_")}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_node_runtime_imports_no_kit_module():
    done = python(
        """
        import contextlib, io, json, sys
        import oracle_node.node.runner, oracle_node.api.app, oracle_node.cli
        with contextlib.redirect_stdout(io.StringIO()):
            assert oracle_node.cli.main(["--help"]) == 0
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert done.returncode == 0, done.stderr
    loaded = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert "oracle_node" in loaded and "web3" in loaded
    assert loaded & set(KIT_MODULES) == set()


def test_the_pytest_plugin_module_does_not_import_ape():
    done = python(
        """
        import sys
        import oracle_node.testing.plugin
        print(sorted({m.split(".")[0] for m in sys.modules} & {"ape", "sklearn", "ethpm_types"}))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_cli_help_works_without_the_kit():
    done = python(
        BLOCK_KIT
        + """
import oracle_node.cli
assert oracle_node.cli.main(["--help"]) == 0
assert oracle_node.cli.main(["run", "--help"]) == 0
"""
    )
    assert done.returncode == 0, done.stderr
    assert "Run the node" in done.stdout


def test_demo_without_the_kit_is_one_line_naming_the_extra():
    done = python(BLOCK_KIT + "import oracle_node.cli\nsys.exit(oracle_node.cli.main(['demo']))")
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "pip install 'oracle-node[kit]'" in done.stderr


def test_run_without_onnxruntime_fails_at_start_naming_both_extras(tmp_path):
    done = python(
        BLOCK_KIT
        + "sys.modules['onnxruntime'] = None\n"
        + "import oracle_node.cli\nsys.exit(oracle_node.cli.main(['run']))",
        cwd=tmp_path,
    )
    assert done.returncode == 1, done.stderr
    error = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1
    assert "oracle-node[cpu]" in error[0] and "oracle-node[gpu]" in error[0]


def test_pytest_still_runs_with_the_plugin_when_ape_is_absent(tmp_path):
    (tmp_path / "test_consumer.py").write_text(
        "def test_plain():\n    assert True\n\n\ndef test_uses_kit(oracle):\n    pass\n"
    )
    done = python(
        "import sys\nsys.modules['ape'] = None\nimport pytest\n"
        "sys.exit(pytest.main(['-p', 'oracle_node.testing.plugin', '-q', '-p', 'no:cacheprovider',"
        " sys.argv[1]]))",
        str(tmp_path),
        cwd=tmp_path,
    )
    assert "1 passed" in done.stdout, done.stdout + done.stderr
    assert "1 error" in done.stdout
    assert "pip install 'oracle-node[kit]'" in done.stdout
