"""`oracle-node demo` runs the protocol end to end and leaves nothing running behind it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oracle_node.devchain import free_port, port_is_free

pytestmark = pytest.mark.slow  # whole processes: anvil, nodes, real proofs


def _demo(port: int, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "oracle_node.cli", "demo", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _processes_of(port: int) -> list[int]:
    """PIDs of anvil or node processes bound to the demo chain on ``port``."""
    marker = f"127.0.0.1:{port}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        is_anvil = b"anvil" in cmdline and str(port).encode() in cmdline
        if is_anvil or (marker in environ and b"oracle_node.cli" in cmdline):
            found.append(int(entry.name))
    return found


def test_demo_fulfils_every_request_with_a_verified_proof():
    port = free_port()
    proc = _demo(port, "--samples", "1", "--timeout", "600")
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, out[-3000:]
    rows = [line for line in out.splitlines() if line.split()[:1] in (["1"], ["2"])]
    assert len(rows) == 2, out
    for row in rows:
        assert "  yes  " in row, row  # verified on-chain
    assert "summary: 2/2 requests fulfilled with proofs verified on-chain" in out
    assert port_is_free("127.0.0.1", port)
    assert _processes_of(port) == []


def test_demo_interrupted_stops_anvil_and_nodes():
    port = free_port()
    proc = _demo(port, "--samples", "1")
    assert proc.stdout is not None
    seen = []
    deadline = time.monotonic() + 600
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("nodes A and B ready") or time.monotonic() > deadline:
            break
    assert any(line.startswith("nodes A and B ready") for line in seen), "".join(seen)
    assert _processes_of(port), "anvil and the nodes should be running before the interrupt"
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert port_is_free("127.0.0.1", port)
    assert _processes_of(port) == []
