"""The local anvil chain: readiness, shutdown and a clear error for a busy port."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from oracle_node.devchain import Anvil, rpc_call
from oracle_node.exceptions import PortInUseError


def test_anvil_answers_rpc_when_started_and_stops_on_exit():
    with Anvil() as anvil:
        assert int(str(rpc_call(anvil.url, "eth_chainId")), 16) == 31337
        assert anvil.running
    assert not anvil.running


@pytest.fixture
def busy_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_anvil_on_a_busy_port_raises_port_in_use(busy_port):
    with pytest.raises(PortInUseError, match=f"port {busy_port} on 127.0.0.1 is already in use"):
        Anvil(port=busy_port).start()


def test_cli_reports_a_busy_port_in_one_line(busy_port):
    result = subprocess.run(
        [sys.executable, "-m", "oracle_node.cli", "demo", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[-1]]
    assert f"port {busy_port}" in lines[-1] and "already in use" in lines[-1]
