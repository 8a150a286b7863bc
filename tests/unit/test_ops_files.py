"""The operations files under docs/ops name real commands and options, and shell completion works
as docs/node.md says."""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
import sys
from pathlib import Path

from oracle_node.cli import main

OPS = Path(__file__).resolve().parents[2] / "docs" / "ops"


def test_the_systemd_unit_parses_and_runs_a_real_command(capsys):
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(OPS / "oracle-node.service")
    assert set(unit.sections()) == {"Unit", "Service", "Install"}
    service = unit["Service"]
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "oracle-node" and argv[1] == "run"
    assert service["KillSignal"] == "SIGTERM" and service["Restart"] == "on-failure"
    capsys.readouterr()
    assert main(["run", "--help"]) == 0
    shown = capsys.readouterr().out
    for option in (a for a in argv[2:] if a.startswith("--")):
        assert option in shown, option
    assert "json" in argv  # the log format the unit asks for is one the node offers


def test_shell_completion_scripts_are_generated():
    for shell, marker in (("bash", "_oracle_node_completion"), ("zsh", "#compdef oracle-node")):
        done = subprocess.run(
            [sys.executable, "-c", "from oracle_node.cli import main; main()"],
            env={**os.environ, "_ORACLE_NODE_COMPLETE": f"{shell}_source"},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert marker in done.stdout, (shell, done.stdout[:200], done.stderr[-500:])
