"""A local anvil chain for the demo and end-to-end tests.

:class:`Anvil` starts the anvil binary that ``make setup`` links into the venv, waits until it
answers JSON-RPC (a readiness probe, not a sleep), and stops it on exit, also on Ctrl-C.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from oracle_node.exceptions import PortInUseError, ToolchainError

DEFAULT_MNEMONIC = "test test test test test test test test test test test junk"


def find_anvil() -> str:
    """Path of the anvil binary: the venv's ``bin`` first, then ``PATH``."""
    beside = Path(sys.executable).parent / "anvil"
    if beside.exists():
        return str(beside)
    found = shutil.which("anvil")
    if found is None:
        raise ToolchainError("anvil not found: run `make setup` (npm ci links it into .venv/bin)")
    return found


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def rpc_call(
    url: str, method: str, params: list[object] | None = None, timeout: float = 2.0
) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []})
    request = urllib.request.Request(
        url, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        reply = json.loads(response.read())
    if "error" in reply:
        raise ToolchainError(f"{method} failed on {url}: {reply['error']}")
    return reply["result"]


class Anvil:
    """A child anvil process on ``host:port``, ready when the context is entered."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int | None = None,
        *,
        block_time: float | None = None,
        accounts: int = 10,
        chain_id: int = 31337,
        startup_timeout: float = 20.0,
        extra_args: list[str] | None = None,
    ) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.block_time = block_time
        self.accounts = accounts
        self.chain_id = chain_id
        self.startup_timeout = startup_timeout
        self.extra_args = extra_args or []
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Anvil:
        if not port_is_free(self.host, self.port):
            raise PortInUseError(self.host, self.port)
        args = [
            find_anvil(),
            "--host", self.host,
            "--port", str(self.port),
            "--accounts", str(self.accounts),
            "--chain-id", str(self.chain_id),
            "--mnemonic", DEFAULT_MNEMONIC,
            "--silent",
        ]  # fmt: skip
        if self.block_time is not None:
            args += ["--block-time", str(self.block_time)]
        self._proc = subprocess.Popen(
            args + self.extra_args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = self._proc.stderr.read().decode() if self._proc.stderr else ""
                raise ToolchainError(
                    f"anvil exited at start ({self._proc.returncode}): {err.strip()}"
                )
            try:
                rpc_call(self.url, "eth_chainId", timeout=0.5)
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.05)
        self.stop()
        raise ToolchainError(f"anvil did not answer on {self.url} within {self.startup_timeout} s")

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def dev_key(index: int) -> str:
    """Private key of anvil's ``index``-th default account (the public test mnemonic)."""
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    account = Account.from_mnemonic(DEFAULT_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return "0x" + bytes(account.key).hex()
