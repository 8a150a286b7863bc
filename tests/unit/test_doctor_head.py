"""``oracle-node doctor`` on a chain that stopped mining (a bare anvil mines only on a
transaction, and the node waits for confirmations)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from oracle_node.cli import doctor, main


def _w3(age_s: int) -> Any:
    block = {"number": 12, "timestamp": int(time.time()) - age_s}
    return SimpleNamespace(eth=SimpleNamespace(get_block=lambda which: block))


def test_a_fresh_head_is_reported_with_its_age():
    ok, line = doctor.head_check(_w3(3), 60)
    assert ok is True and line.startswith("head: block 12 mined 3 s ago")


def test_an_old_head_is_a_warning_that_says_how_to_start_anvil():
    ok, line = doctor.head_check(_w3(300), 60)
    assert ok is None
    assert "the chain has not mined a block for 300 s" in line
    assert "a bare anvil mines only on transactions; start it with --block-time 1" in line


def test_doctor_prints_warnings_without_failing(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("ORACLE_DATA_DIR", str(tmp_path))
    lines = [(True, "rpc: fine"), (None, "head: the chain has not mined a block for 300 s")]
    monkeypatch.setattr(doctor, "run_checks", lambda settings: iter(lines))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "WARN  head: the chain has not mined" in out and "all checks passed" in out
