"""The testing kit works from a separate Ape project, through its documented fixtures only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # whole processes: anvil, nodes, real proofs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "consumer-project"


def test_example_consumer_project_passes_its_own_tests(tmp_path):
    # The example is its own Ape project (its own ape-config.yaml, contracts and tests); it
    # reaches the protocol's Solidity as an Ape dependency and the fixtures through the
    # installed package's pytest plugin. Ape's package cache goes to a temporary folder.
    env = {**os.environ, "APE_DATA_FOLDER": str(tmp_path / "ape-data")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "4 passed" in result.stdout
