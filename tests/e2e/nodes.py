"""Oracle nodes as real ``oracle-node run`` processes, probed through their HTTP API."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from oracle_node.devchain import free_port


class NodeProcess:
    """One node: its environment, data folder, log file and API port."""

    def __init__(
        self, name: str, data_dir: Path, env: dict[str, str], command: str = "run"
    ) -> None:
        self.name = name
        self.command = command
        self.data_dir = data_dir
        self.api_port = free_port()
        self.token = f"token-{name}"
        self.env = {
            **os.environ,
            **env,
            "ORACLE_DATA_DIR": str(data_dir),
            "ORACLE_API__PORT": str(self.api_port),
            "ORACLE_API__TOKEN": self.token,
        }
        self.log_path = data_dir.parent / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self, ready_timeout: float = 180.0) -> None:
        self.launch()
        self.wait_ready(ready_timeout)

    def launch(self) -> None:
        """Start the process without waiting for it (start several, then wait for each)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "oracle_node.cli", self.command],
            env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, ready_timeout: float = 180.0) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"node {self.name} exited: {self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.api}/ready", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"node {self.name} not ready in {ready_timeout}s: {self.tail()}")

    def kill(self) -> None:
        """SIGKILL the node and its proving processes (its whole session)."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def get(self, path: str) -> Any:
        reply = httpx.get(f"{self.api}{path}", timeout=10)
        return reply.json()

    def job(self, request_id: int) -> dict[str, Any] | None:
        reply = httpx.get(f"{self.api}/v1/jobs/{request_id}", timeout=10)
        return reply.json() if reply.status_code == 200 else None

    def wait_job(self, request_id: int, states: set[str], timeout: float = 120.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        job = None
        while time.monotonic() < deadline:
            job = self.job(request_id)
            if job is not None and job["state"] in states:
                return job
            time.sleep(0.1)
        raise AssertionError(
            f"{self.name}: job {request_id} is {job}, wanted {states}: {self.tail()}"
        )

    def tail(self, lines: int = 30) -> str:
        if not self.log_path.is_file():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def node_env(
    rpc_url: str, addresses: dict[str, str], models: list[dict[str, Any]], keys: dict[str, str]
) -> dict[str, str]:
    env = {
        "ORACLE_CHAIN__RPC_URL": rpc_url,
        "ORACLE_CHAIN__COORDINATOR": addresses["coordinator"],
        "ORACLE_CHAIN__MODEL_REGISTRY": addresses["model_registry"],
        "ORACLE_CHAIN__NODE_REGISTRY": addresses["node_registry"],
        "ORACLE_CHAIN__CONFIRMATIONS": "1",
        "ORACLE_CHAIN__POLL_INTERVAL": "0.2",
        "ORACLE_MODELS": json.dumps(models),
        "ORACLE_WORKERS__PROVERS": "1",
    }
    env.update({f"ORACLE_KEYS__{k.upper()}": v for k, v in keys.items()})
    return env
