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


def _exported_names(tmp_path: Path) -> set[str]:
    """Every sample name a node's /metrics shows once each series has a value."""
    from prometheus_client.parser import text_string_to_metric_families

    from oracle_node.chain.account import AccountState
    from oracle_node.node.metrics import NodeMetrics
    from oracle_node.store import JobStore

    metrics = NodeMetrics(JobStore(tmp_path / "jobs.sqlite"))
    account = AccountState(
        address="0x" + "11" * 20, balance_wei=10**18, stake_wei=10**18, unlock_at=0,
        open_assignments=0, active=True, models=[1], fee_credit_wei=0, slash_credit_wei=0,
        block_number=1, read_at=0.0,
    )  # fmt: skip
    metrics.watch(lambda: account, lambda: 0, lambda: {1: 10**16})
    metrics.observe("prove", 1.0)
    metrics.proof_done("chain")
    metrics.rpc_errors.labels("listener").inc()
    return {
        sample.name
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
    }


def test_alert_rules_and_dashboard_name_only_metrics_a_node_exports(tmp_path):
    import json
    import re

    import yaml

    rules = yaml.safe_load((OPS / "prometheus-alerts.yml").read_text())
    exprs = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    assert all(rule.get("alert") and rule.get("annotations", {}).get("summary")
               for group in rules["groups"] for rule in group["rules"])  # fmt: skip
    board = json.loads((OPS / "grafana-dashboard.json").read_text())
    exprs += [target["expr"] for panel in board["panels"] for target in panel.get("targets", [])]
    named = {name for expr in exprs for name in re.findall(r"\boracle_[a-z_]+", expr)}
    assert len(named) >= 10
    missing = named - _exported_names(tmp_path)
    assert not missing, f"alerts or dashboard name metrics no node exports: {sorted(missing)}"
