"""The offline toolchain: the solc-js wrapper and the set-up checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = ROOT / "scripts" / "toolchain" / "solc.js"
CHECK_ENV = ROOT / "scripts" / "toolchain" / "check_env.sh"


def run_wrapper(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WRAPPER), *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_wrapper_version_is_accepted_by_py_solc_x():
    from solcx.install import get_executable
    from solcx.wrapper import get_solc_version

    executable = get_executable("0.8.28")
    assert Path(os.path.realpath(executable)) == WRAPPER
    assert str(get_solc_version(executable)) == "0.8.28"


def test_wrapper_resolves_imports_from_include_path(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "Answer.sol").write_text(
        "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n"
        "library Answer { function get() internal pure returns (uint256) { return 42; } }\n"
    )
    source = (
        '// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\nimport "Answer.sol";\n'
        "contract UsesAnswer { function f() external pure returns (uint256) "
        "{ return Answer.get(); } }\n"
    )
    request = {
        "language": "Solidity",
        "sources": {"UsesAnswer.sol": {"content": source}},
        "settings": {"outputSelection": {"*": {"*": ["evm.bytecode.object"]}}},
    }
    result = run_wrapper(
        "--standard-json",
        "--base-path",
        str(tmp_path),
        "--include-path",
        str(lib),
        "--allow-paths",
        str(tmp_path),
        stdin=json.dumps(request),
    )
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    errors = [e for e in output.get("errors", []) if e["severity"] == "error"]
    assert errors == []
    assert output["contracts"]["UsesAnswer.sol"]["UsesAnswer"]["evm"]["bytecode"]["object"]


def test_wrapper_reports_missing_import_as_compiler_error(tmp_path):
    request = {
        "language": "Solidity",
        "sources": {"A.sol": {"content": 'pragma solidity ^0.8.0; import "Missing.sol";'}},
        "settings": {"outputSelection": {"*": {"*": ["abi"]}}},
    }
    result = run_wrapper("--standard-json", "--base-path", str(tmp_path), stdin=json.dumps(request))
    output = json.loads(result.stdout)
    messages = " ".join(e["message"] for e in output["errors"] if e["severity"] == "error")
    assert "Missing.sol" in messages


def test_wrapper_rejects_unsupported_arguments_with_one_line():
    result = run_wrapper("--bin", "x.sol")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "unsupported argument '--bin'" in result.stderr


def _check_env(env_overrides: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_overrides}
    return subprocess.run(["bash", str(CHECK_ENV)], capture_output=True, text=True, env=env)


def test_check_env_names_a_wrong_python_version(tmp_path):
    fake = tmp_path / "python3.10"
    fake.write_text("#!/bin/sh\necho 3.10\n")
    fake.chmod(0o755)
    result = _check_env({"PYTHON": str(fake)})
    assert result.returncode == 1
    assert "Python 3.11 is required" in result.stderr
    assert result.stderr.count("\n") == 1


def test_check_env_names_missing_node(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "uname"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    (bin_dir / "python3.11").symlink_to(sys.executable)
    result = _check_env({"PATH": str(bin_dir), "PYTHON": "python3.11"})
    assert result.returncode == 1
    assert "'node' not found" in result.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is required by the project")
def test_check_env_passes_on_this_machine():
    result = _check_env({"PYTHON": sys.executable})
    assert result.returncode == 0, result.stderr
