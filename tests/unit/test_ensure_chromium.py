"""`make test` sets up the dashboard test's browser itself, or says in one line what to run."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "toolchain" / "ensure_chromium.sh"


def run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT)], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True
    )


def test_a_chromium_that_is_there_is_used(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    done = run({"ORACLE_CHROMIUM": str(browser)})
    assert done.returncode == 0 and done.stderr == ""


def test_a_named_chromium_that_is_missing_is_one_clear_line(tmp_path):
    done = run({"ORACLE_CHROMIUM": str(tmp_path / "nope")})
    assert done.returncode == 1
    assert done.stderr.strip() == f"setup: ORACLE_CHROMIUM={tmp_path / 'nope'} is not an executable"


def test_the_make_test_target_runs_it_before_pytest():
    makefile = (SCRIPT.parents[2] / "Makefile").read_text()
    recipe = makefile.split("\ntest: lint\n", 1)[1].split("\n\n", 1)[0]
    assert recipe.index("ensure_chromium.sh") < recipe.index("pytest")
