"""A real local Ray cluster: each Ray node started by ``ray start`` in its own process group.

Several Ray nodes on one machine need distinct node addresses, or a driver may attach to any
of them: each node gets its own loopback address (127.0.0.2, 127.0.0.3, ...), which Ray keeps
as given (it swaps only 127.0.0.1 for the machine's address). A node is stopped by killing its
process group, so that only the processes this test started go (``ray stop`` stops every Ray
node of the user on the machine).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from oracle_node.devchain import free_port

ROOT = Path(__file__).resolve().parents[2]
RAY = Path(sys.executable).with_name("ray")
# Mark a dead node within seconds (Ray's defaults take about half a minute).
FAST_FAILURE_DETECTION = {
    "RAY_health_check_initial_delay_ms": "1000",
    "RAY_health_check_period_ms": "1000",
    "RAY_health_check_timeout_ms": "1000",
    "RAY_health_check_failure_threshold": "3",
}


def _ports(*flags: str) -> list[str]:
    return [f"--{flag}={free_port()}" for flag in flags]


class RayNode:
    """One ``ray start`` node; ``pgid`` names every process it started."""

    def __init__(
        self,
        name: str,
        ip: str,
        resources: dict[str, float],
        log_dir: Path,
        env: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.extra_env = env or {}
        self.ip = ip
        self.resources = resources
        self.log_path = log_dir / f"ray-{name}.log"
        self.pgid: int | None = None
        self.port: int | None = None

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    def start(self, head: RayNode | None = None, temp_dir: Path | None = None) -> RayNode:
        args = [
            str(RAY), "start", f"--node-ip-address={self.ip}", "--num-cpus=1",
            f"--resources={json.dumps(self.resources)}", "--object-store-memory=80000000",
            "--disable-usage-stats", "--min-worker-port=0", "--max-worker-port=0",
            *_ports("node-manager-port", "object-manager-port", "dashboard-agent-listen-port",
                    "dashboard-agent-grpc-port", "metrics-export-port", "runtime-env-agent-port"),
        ]  # fmt: skip
        if head is None:
            self.port = free_port()
            args += ["--head", f"--port={self.port}", "--include-dashboard=false",
                     *_ports("dashboard-port")]  # fmt: skip
            if temp_dir is not None:
                args.append(f"--temp-dir={temp_dir}")
        else:
            self.port = head.port
            args.append(f"--address={head.address}")
        env = {
            **os.environ,
            **FAST_FAILURE_DETECTION,
            **self.extra_env,
            # Ray workers import the package from this checkout, as the node does.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        with self.log_path.open("ab") as log:
            proc = subprocess.Popen(
                args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.pgid = proc.pid
        if proc.wait(120) != 0:
            self.kill()
            raise AssertionError(f"ray node {self.name} did not start: {self.tail()}")
        return self

    def processes(self) -> dict[int, str]:
        """Live processes of this node: pid -> command line (Ray titles actors ``ray::Class``)."""
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getpgid(int(entry.name)) != self.pgid:
                    continue
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != "Z":
                found[int(entry.name)] = cmdline.strip()
        return found

    def actors(self, title: str) -> list[int]:
        return [pid for pid, cmd in self.processes().items() if cmd.startswith(f"ray::{title}")]

    def kill(self, timeout: float = 20.0) -> None:
        """SIGKILL every process of the node and wait until none is left."""
        if self.pgid is None:
            return
        deadline = time.monotonic() + timeout
        while self.processes():
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except ProcessLookupError:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"ray node {self.name} left {self.processes()}")
            time.sleep(0.2)

    def tail(self, lines: int = 20) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.is_file() else ""
        return "\n".join(text.splitlines()[-lines:])
