"""The whole protocol on a local chain: the engine behind ``oracle-node demo``.

Starts anvil, deploys the protocol, registers the reference models, stakes two nodes and runs
them as real ``oracle-node run`` processes, sends held-out samples through the two example
consumers, and prints one row per proven fulfilment. Everything it starts is stopped on the
way out, Ctrl-C included.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from oracle_node.circuits.datasets import held_out, predicted_label
from oracle_node.circuits.manifest import load_manifest
from oracle_node.devchain import Anvil, dev_key, free_port
from oracle_node.encoding import float_to_int, int_to_float
from oracle_node.exceptions import DemoError

REPO_ROOT = Path(__file__).resolve().parent.parent
CIRCUITS = REPO_ROOT / "circuits"
MODELS = ("breast_cancer", "digits")
MODEL_FEE = 10**15
CALLBACK_GAS = 300_000
#: Blocks a DigitBounty entrant has to submit a committed drawing.
BOUNTY_REVEAL_BLOCKS = 50
COLUMNS = (
    ("req", 4),
    ("model", 13),
    ("input", 22),
    ("output", 18),
    ("expected", 13),
    ("node", 6),
    ("verified", 8),
    ("fulfil gas", 10),
    ("latency", 8),
)

Echo = Callable[[str], None]


@dataclass
class SentRequest:
    request_id: int
    model: str
    summary: str
    expected: int
    sent_at: float


@dataclass
class Row:
    request: SentRequest
    output: list[int]
    predicted: int
    node: str
    verified: bool
    gas: int
    latency_s: float


@dataclass
class DemoResult:
    rows: list[Row] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        if not self.rows:
            return 0.0
        return sum(row.predicted == row.request.expected for row in self.rows) / len(self.rows)

    @property
    def median_latency_s(self) -> float:
        return statistics.median(row.latency_s for row in self.rows) if self.rows else 0.0


def format_row(values: list[str]) -> str:
    return "  ".join(
        value[:width].ljust(width) for value, (_, width) in zip(values, COLUMNS, strict=True)
    )


def _label_name(model: str, label: int) -> str:
    if model == "breast_cancer":
        return "benign" if label == 1 else "malignant"
    return str(label)


def _mine() -> None:
    """One empty block on the demo's anvil (its provider has no ``mine``: ask the RPC)."""
    from ape import chain

    chain.provider.make_request("evm_mine", [])


def _enter_bounty(bounty: Any, values: list[int], *, sender: Any, value: int) -> Any:
    """DigitBounty's two steps: commit to the drawing, then submit it in a later block."""
    salt = os.urandom(32)
    bounty.commit(bounty.entryCommitment(sender.address, values, salt), sender=sender)
    _mine()  # this anvil mines on demand: the submit must run in a later block
    entry = int(bounty.entryCount()) - 1
    return bounty.submit(entry, values, salt, sender=sender, value=value)


def _summary(model: str, index: int, features: list[float]) -> str:
    if model == "digits":
        ink = sum(1 for v in features if v > 0) / len(features)
        return f"8x8 image #{index}, {ink:.0%} ink"
    return f"30 features #{index}"


@contextmanager
def _node_processes(
    count: int, env_for: Callable[[int], dict[str, str]], log_dir: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for i in range(count):
            log = open(log_dir / f"node-{i}.log", "wb")  # noqa: SIM115 - closed with the process
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "oracle_node.cli", "run"],
                    env={**os.environ, **env_for(i)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _quiet_ape() -> None:
    from ape.logging import logger

    logger.set_level("WARNING")


class Demo:
    """One run of the demo; see the module docstring."""

    def __init__(
        self,
        *,
        port: int = 8545,
        samples: int = 4,
        keep_api: bool = False,
        timeout_s: float = 600.0,
        echo: Echo = print,
    ) -> None:
        if samples < 1:
            raise DemoError("--samples must be at least 1")
        self.port = port
        self.samples = samples
        self.keep_api = keep_api
        self.timeout_s = timeout_s
        self.echo = echo
        self.manifests = {name: load_manifest(CIRCUITS / name) for name in MODELS}

    def run(self) -> DemoResult:
        started = time.monotonic()
        with (
            tempfile.TemporaryDirectory(prefix="oracle-demo-") as tmp,
            Anvil(port=self.port, accounts=20) as anvil,
        ):
            self.echo(f"anvil ready at {anvil.url}")
            result = self._run_on(anvil, Path(tmp))
        self.echo(f"stopped the nodes and anvil ({time.monotonic() - started:.0f} s in all)")
        return result

    def _run_on(self, anvil: Anvil, tmp: Path) -> DemoResult:
        _quiet_ape()
        from ape import accounts, networks

        with networks.parse_network_choice(anvil.url):
            test_accounts = list(accounts.test_accounts)
            deployer, treasury, node_a, node_b = test_accounts[:4]
            users = test_accounts[4:]
            setup = self._deploy(deployer, treasury, [node_a, node_b])
            api_ports = [free_port(), free_port()]
            node_names = {str(node_a.address): "A", str(node_b.address): "B"}

            def env_for(i: int) -> dict[str, str]:
                return {
                    "ORACLE_CHAIN__RPC_URL": anvil.url,
                    "ORACLE_CHAIN__COORDINATOR": setup["coordinator"].address,
                    "ORACLE_CHAIN__MODEL_REGISTRY": setup["model_registry"].address,
                    "ORACLE_CHAIN__NODE_REGISTRY": setup["node_registry"].address,
                    "ORACLE_CHAIN__CONFIRMATIONS": "0",
                    "ORACLE_CHAIN__POLL_INTERVAL": "0.25",
                    "ORACLE_MODELS": json.dumps(
                        [
                            {"id": mid, "dir": str(CIRCUITS / name)}
                            for name, mid in setup["ids"].items()
                        ]
                    ),
                    "ORACLE_KEYS__DEV_PRIVATE_KEY": dev_key(2 + i),
                    "ORACLE_KEYS__ALLOW_DEV_KEY": "true",
                    "ORACLE_DATA_DIR": str(tmp / f"node-{i}"),
                    "ORACLE_API__PORT": str(api_ports[i]),
                }

            with _node_processes(2, env_for, tmp) as procs:
                self._wait_ready(procs, api_ports, tmp)
                self.echo(
                    "nodes A and B ready (proving keys built); operator APIs at "
                    + ", ".join(f"http://127.0.0.1:{port}/docs" for port in api_ports)
                )
                sent = self._send_requests(setup, users)
                result = self._watch(setup["coordinator"], sent, node_names, procs, tmp)
                self._print_summary(result)
                if self.keep_api:
                    self.echo(
                        f"operator API of node A kept up at http://127.0.0.1:{api_ports[0]} "
                        "(OpenAPI at /docs, Prometheus at /metrics); "
                        "press Ctrl-C to stop"
                    )
                    while all(proc.poll() is None for proc in procs):
                        time.sleep(0.5)
        return result

    def _wait_ready(
        self, procs: list[subprocess.Popen[bytes]], ports: list[int], log_dir: Path
    ) -> None:
        deadline = time.monotonic() + 300
        waiting = set(range(len(procs)))
        while waiting:
            for i in sorted(waiting):
                _check_alive(procs[i], i, log_dir)
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{ports[i]}/ready", timeout=1):
                        waiting.discard(i)
                except (urllib.error.URLError, OSError):
                    pass
            if time.monotonic() > deadline:
                raise DemoError(
                    f"nodes {sorted(waiting)} not ready after 300 s (logs in {log_dir})"
                )
            time.sleep(0.25)

    def _deploy(self, deployer: Any, treasury: Any, nodes: list[Any]) -> dict[str, Any]:
        from oracle_node.deploy import (
            ProtocolParams,
            artifact_container,
            deploy_model,
            deploy_protocol,
        )

        params = ProtocolParams(exclusive_window=120, request_timeout=1_800)
        protocol = deploy_protocol(deployer, treasury=str(treasury.address), params=params)
        self.echo("deployed ModelRegistry, NodeRegistry, InferenceCoordinator")
        ids: dict[str, int] = {}
        for name in MODELS:
            _, model_id = deploy_model(deployer, protocol, CIRCUITS / name, fee=MODEL_FEE)
            ids[name] = model_id
            self.echo(
                f"registered model {name} as id {model_id} (verifier deployed, vk hash bound)"
            )
        for node in nodes:
            protocol.node_registry.stake(sender=node, value=params.min_stake)
            for model_id in ids.values():
                protocol.node_registry.addModel(model_id, sender=node)
        self.echo(
            f"staked two nodes with {params.min_stake / 10**18:g} ETH each, serving both models"
        )
        _, digit_labels = held_out("digits")
        target = digit_labels[0]
        gate = deployer.deploy(
            artifact_container("ScreeningGate"),
            protocol.coordinator.address,
            ids["breast_cancer"],
            0,
            CALLBACK_GAS,
        )
        bounty = deployer.deploy(
            artifact_container("DigitBounty"),
            protocol.coordinator.address,
            ids["digits"],
            target,
            0,
            CALLBACK_GAS,
            BOUNTY_REVEAL_BLOCKS,
            value=10**17,
        )
        self.echo(f"deployed consumers ScreeningGate and DigitBounty (prize for a drawn {target})")
        return {
            "coordinator": protocol.coordinator,
            "model_registry": protocol.model_registry,
            "node_registry": protocol.node_registry,
            "ids": ids,
            "gate": gate,
            "bounty": bounty,
        }

    def _send_requests(self, setup: dict[str, Any], users: list[Any]) -> dict[int, SentRequest]:
        sent: dict[int, SentRequest] = {}
        plan = [
            ("breast_cancer", setup["gate"].screen),
            ("digits", partial(_enter_bounty, setup["bounty"])),
        ]
        for i in range(self.samples):
            for model, send in plan:
                features, labels = held_out(model)
                scale = self.manifests[model].input_scale
                values = [float_to_int(v, scale) for v in features[i]]
                user = users[i % len(users)]
                receipt = send(values, sender=user, value=MODEL_FEE)
                [requested] = receipt.events.filter(setup["coordinator"].InferenceRequested)
                request_id = int(requested.requestId)
                sent[request_id] = SentRequest(
                    request_id, model, _summary(model, i, features[i]), labels[i], time.monotonic()
                )
        # This anvil mines on demand, and a primary is drawn from its request block's hash,
        # which calls see from the next block on: give the last request its next block.
        _mine()
        self.echo(f"sent {len(sent)} requests with held-out samples; waiting for proven answers")
        self.echo("")
        self.echo(format_row([name for name, _ in COLUMNS]))
        return sent

    def _watch(
        self,
        coordinator: Any,
        sent: dict[int, SentRequest],
        node_names: dict[str, str],
        procs: list[subprocess.Popen[bytes]],
        log_dir: Path,
    ) -> DemoResult:
        from ape import chain

        from oracle_node.testing.harness import logs_between

        result = DemoResult()
        seen: set[int] = set()
        start_block = 0
        deadline = time.monotonic() + self.timeout_s
        while len(seen) < len(sent) and time.monotonic() < deadline:
            for i, proc in enumerate(procs):
                _check_alive(proc, i, log_dir)
            head = chain.blocks.head.number
            for log in logs_between(coordinator.InferenceFulfilled, start_block, head):
                request_id = int(log.requestId)
                if request_id in seen or request_id not in sent:
                    continue
                seen.add(request_id)
                row = self._row(sent[request_id], log, node_names)
                result.rows.append(row)
                self.echo(self._format(row))
            start_block = head + 1
            time.sleep(0.25)
        result.missing = sorted(set(sent) - seen)
        return result

    def _row(self, request: SentRequest, log: Any, node_names: dict[str, str]) -> Row:
        from ape import chain

        receipt = chain.get_receipt(log.transaction_hash)
        output = [int(v) for v in log.output]
        return Row(
            request=request,
            output=output,
            predicted=predicted_label(output),
            node=node_names.get(str(log.node), str(log.node)[:8]),
            # InferenceFulfilled is emitted only after the model's verifier accepted the proof
            # and the proof's input instances matched the request.
            verified=bool(receipt.status == 1),
            gas=int(receipt.gas_used),
            latency_s=time.monotonic() - request.sent_at,
        )

    def _format(self, row: Row) -> str:
        model = row.request.model
        scale = self.manifests[model].output_scale
        if model == "digits":
            shown = f"{row.predicted} ({int_to_float(max(row.output), scale):+.1f})"
        else:
            shown = (
                f"{_label_name(model, row.predicted)} ({int_to_float(row.output[0], scale):+.2f})"
            )
        ok = "yes" if row.predicted == row.request.expected else "NO"
        return format_row(
            [
                str(row.request.request_id),
                model,
                row.request.summary,
                shown,
                f"{_label_name(model, row.request.expected)} {ok}",
                row.node,
                "yes" if row.verified else "NO",
                f"{row.gas:,}",
                f"{row.latency_s:.1f} s",
            ]
        )

    def _print_summary(self, result: DemoResult) -> None:
        self.echo("")
        verified = sum(row.verified for row in result.rows)
        self.echo(
            f"summary: {verified}/{len(result.rows) + len(result.missing)} requests fulfilled with "
            f"proofs verified on-chain; accuracy on the held-out samples "
            f"{result.accuracy:.0%}; median latency {result.median_latency_s:.1f} s"
        )
        if result.missing:
            raise DemoError(f"requests not fulfilled in {self.timeout_s:.0f} s: {result.missing}")


def _check_alive(proc: subprocess.Popen[bytes], index: int, log_dir: Path) -> None:
    if proc.poll() is not None:
        tail = (log_dir / f"node-{index}.log").read_text()[-1500:]
        raise DemoError(f"node {'AB'[index]} exited with {proc.returncode}:\n{tail}")
