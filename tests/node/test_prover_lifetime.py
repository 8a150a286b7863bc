"""A node killed with SIGKILL leaves no prover process behind: its workers end with it, and so
does the multiprocessing resource tracker once they are gone."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")

NODE = """
import sys, threading, time
from oracle_node.node.provers import ProverPool

pool = ProverPool(2, None)
# Start the pool from a thread that ends at once, as an API request thread would: the workers
# must outlive that thread and die only with this process.
starter = threading.Thread(target=pool.start)
starter.start()
starter.join()
print("ready", flush=True)
time.sleep(600)
"""


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie is gone, only not yet reaped
            parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_workers_and_tracker_end_when_the_node_is_killed():
    node = subprocess.Popen(
        [sys.executable, "-c", NODE], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )  # fmt: skip
    helpers: set[int] = set()
    try:
        assert node.stdout is not None and node.stdout.readline().strip() == "ready"
        helpers = _children(node.pid)
        # two workers and the resource tracker
        assert len(helpers) >= 3, helpers
        node.send_signal(signal.SIGKILL)  # the node alone, not its process group
        node.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(_alive(pid) for pid in helpers):
            time.sleep(0.2)
        left = sorted(pid for pid in helpers if _alive(pid))
        assert not left, f"processes left behind by a killed node: {left}"
    finally:
        for pid in _children(node.pid) | helpers | {node.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
