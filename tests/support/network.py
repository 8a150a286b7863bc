"""A network of oracle operators on one anvil, with requests arriving while nodes die.

Each operator is a separate ``oracle-node run`` process with its own key and stake. Requests
for two models arrive at random moments from several requesters; meanwhile a seeded chaos
loop SIGKILLs random nodes and restarts them. A keeper cancels requests whose deadline has
passed. At the end :meth:`Simulation.audit` checks the protocol's promises on the chain's own
records and returns what happened (primary / fallback / cancelled, with latencies).

Used by ``tests/e2e/test_network.py`` (10 operators, 30+ requests) and
``bench/bench_network.py`` (200+ requests).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from web3 import Web3
from web3.exceptions import ContractLogicError

from oracle_node.chain.contracts import commitment_to_json, commitment_tuple, draw_seed
from oracle_node.circuits.datasets import held_out
from oracle_node.circuits.input_range import read_max_abs_input
from oracle_node.circuits.manifest import load_manifest
from oracle_node.devchain import Anvil, dev_key
from oracle_node.encoding import float_to_int
from oracle_node.protocol import ProtocolParams, model_spec
from tests.e2e.nodes import NodeProcess, node_env
from tests.support.protocol import deploy, send

ROOT = Path(__file__).resolve().parents[2]
MODELS = {
    "breast_cancer": ROOT / "circuits" / "breast_cancer",
    "digits": ROOT / "circuits" / "digits",
}
FEE = 10**15
PIN_AFTER = 64
"""Blocks after which the keeper pins a still-open request's draw (``pinPrimary``), well
before ``blockhash`` loses the request's block at 256."""


@dataclass
class Outcome:
    """How one request ended, read from the chain."""

    request_id: int
    model: str
    primary: str
    requested_at: int  # block timestamps
    settled_at: int | None = None
    fulfilled_by: str | None = None
    cancelled: bool = False
    past_horizon: bool = False
    """Settled more than 256 blocks after its request with its draw never pinned: the chain no
    longer knows the request block's hash, so the coordinator sees no primary and slashes
    nobody (by design; the keeper pins the draw of every request still open after
    ``PIN_AFTER`` blocks)."""

    @property
    def kind(self) -> str:
        if self.cancelled:
            return "cancelled"
        if self.fulfilled_by is None:
            return "open"
        return "primary" if self.fulfilled_by == self.primary else "fallback"


@dataclass
class Report:
    """What :meth:`Simulation.audit` found."""

    outcomes: list[Outcome]
    slashes: Counter[str]
    expected_slashes: Counter[str]
    kills: int
    wall_s: float

    def counts(self) -> Counter[str]:
        return Counter(o.kind for o in self.outcomes)

    def latencies(self, kind: str) -> list[int]:
        return [o.settled_at - o.requested_at for o in self.outcomes
                if o.kind == kind and o.settled_at is not None]  # fmt: skip

    def table(self) -> str:
        rows = ["| outcome | requests | p50 s | p95 s | max s |", "|---|---:|---:|---:|---:|"]
        for kind in ("primary", "fallback", "cancelled"):
            lat = sorted(self.latencies(kind))
            if not lat:
                rows.append(f"| {kind} | 0 | - | - | - |")
                continue
            p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
            rows.append(
                f"| {kind} | {len(lat)} | {statistics.median(lat):.0f} | {p95} | {lat[-1]} |"
            )
        return "\n".join(rows)


@dataclass
class Simulation:
    """The chain, the protocol, the operators; :meth:`run` drives requests and chaos."""

    root: Path
    operators: int = 10
    seed: int = 7
    params: ProtocolParams = field(
        default_factory=lambda: ProtocolParams(
            min_stake=10**18,
            unbonding_period=86_400,
            exclusive_window=20,
            request_timeout=90,
            max_callback_gas_limit=500_000,
        )  # fmt: skip
    )
    anvil: Anvil | None = None
    nodes: dict[str, NodeProcess] = field(default_factory=dict)
    model_ids: dict[str, int] = field(default_factory=dict)
    serves: dict[str, list[str]] = field(default_factory=dict)
    kills: int = 0
    commitments: dict[int, Any] = field(default_factory=dict)
    """Every request sent, in order: its id and the commitment its log carried."""
    pinned: set[int] = field(default_factory=set)

    # ------------------------------------------------------------------ set-up

    def start(self) -> None:
        requesters = 6
        self.anvil = Anvil(block_time=1, accounts=self.operators + requesters + 1).start()
        self.w3 = Web3(Web3.HTTPProvider(self.anvil.url))
        accounts = self.w3.eth.accounts
        owner = accounts[0]
        self.operator_accounts = accounts[1 : self.operators + 1]
        self.requesters = accounts[self.operators + 1 :]
        self.model_registry = deploy(self.w3, owner, "ModelRegistry")
        p = self.params
        self.node_registry = deploy(self.w3, owner, "NodeRegistry",
                                    *p.node_registry_args(owner, owner, self.model_registry.address))  # fmt: skip
        self.coordinator = deploy(self.w3, owner, "InferenceCoordinator",
                                  *p.coordinator_args(self.model_registry.address, self.node_registry.address))  # fmt: skip
        send(self.w3, self.node_registry.functions.setCoordinator(self.coordinator.address), owner)
        for name, folder in MODELS.items():
            manifest = load_manifest(folder)
            verifier = deploy(self.w3, owner, manifest.verifier_contract)
            receipt = send(self.w3, self.model_registry.functions.registerModel(
                model_spec(manifest, verifier.address, fee=FEE,
                           max_abs_input=read_max_abs_input(folder))), owner)  # fmt: skip
            event = self.model_registry.events.ModelRegistered().process_receipt(receipt)[0]
            self.model_ids[name] = int(event["args"]["modelId"])
        keys = self._prebuild_keys()
        # the first 60% serve breast_cancer, the last 60% digits: some serve both
        cut = max(1, round(self.operators * 0.6))
        addresses = {
            "coordinator": self.coordinator.address,
            "model_registry": self.model_registry.address,
            "node_registry": self.node_registry.address,
        }
        for index, account in enumerate(self.operator_accounts):
            serves = []
            if index < cut:
                serves.append("breast_cancer")
            if index >= self.operators - cut:
                serves.append("digits")
            self.serves[account] = serves
            # a few slashes' worth above the minimum, so one missed window does not end a node
            send(self.w3, self.node_registry.functions.stake(), account, 3 * p.min_stake)
            for name in serves:
                send(self.w3, self.node_registry.functions.addModel(self.model_ids[name]), account)
            served = [{"id": self.model_ids[n], "dir": str(MODELS[n])} for n in serves]
            key = {"dev_private_key": dev_key(index + 1), "allow_dev_key": "true"}
            env = node_env(self.anvil.url, addresses, served, key)
            env["ORACLE_CHAIN__CONFIRMATIONS"] = "0"
            env["ORACLE_CHAIN__POLL_INTERVAL"] = "0.5"
            env["NODE_ADDRESS"] = account
            data = self.root / f"node{index}"
            data.mkdir(parents=True)
            (data / "keys").symlink_to(keys, target_is_directory=True)
            self.nodes[account] = NodeProcess(f"node{index}", data, env)
        began = time.monotonic()
        for node in self.nodes.values():
            node.start(ready_timeout=300)
        self.startup_s = time.monotonic() - began

    def _prebuild_keys(self) -> Path:
        """Build each model's proving key once, shared by every node (a cache dir of keys)."""
        cache = self.root / "keys"
        cache.mkdir()
        code = (
            "import sys; from oracle_node.circuits.proving import Prover; "
            "[Prover(d, cache_dir=sys.argv[1]).ensure_proving_key() for d in sys.argv[2:]]"
        )
        subprocess.run([sys.executable, "-c", code, str(cache), *map(str, MODELS.values())],
                       check=True, timeout=600)  # fmt: skip
        return cache

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()
        if self.anvil is not None:
            self.anvil.stop()

    # -------------------------------------------------------------------- run

    def run(self, requests: int, *, chaos_every: float = 6.0, down_for: float = 15.0,
            spacing: float = 1.0, settle_timeout: float = 600.0) -> Report:  # fmt: skip
        """Send ``requests`` requests while killing and restarting nodes; then settle all."""
        rng = random.Random(self.seed)
        started = time.monotonic()
        samples = {name: self._samples(name) for name in MODELS}
        down: dict[str, float] = {}
        next_kill = time.monotonic() + chaos_every
        for i in range(requests):
            name = "breast_cancer" if rng.random() < 0.6 else "digits"
            values = samples[name][i % len(samples[name])]
            self._request(name, values, self.requesters[i % len(self.requesters)])
            now = time.monotonic()
            if now >= next_kill:
                self._chaos(rng, down, down_for)
                next_kill = now + chaos_every
            self._revive(down)
            self._keeper()
            time.sleep(spacing * rng.uniform(0.5, 1.5))
        deadline = time.monotonic() + settle_timeout
        while time.monotonic() < deadline:
            self._revive(down)
            self._keeper()
            if not self._pending():
                break
            time.sleep(1.0)
        for account in list(down):
            self.nodes[account].start(ready_timeout=300)
        return self.audit(time.monotonic() - started)

    def _samples(self, name: str) -> list[list[int]]:
        scale = load_manifest(MODELS[name]).input_scale
        features, _ = held_out(name)
        return [[float_to_int(v, scale) for v in row] for row in features[:50]]

    def _request(self, name: str, values: list[int], requester: str) -> int:
        call = self.coordinator.functions.requestInference(self.model_ids[name], values, 0)
        receipt = send(self.w3, call, requester, FEE)
        args = self.coordinator.events.InferenceRequested().process_receipt(receipt)[0]["args"]
        self.commitments[int(args["requestId"])] = args["commitment"]
        return int(args["requestId"])

    def _chaos(self, rng: random.Random, down: dict[str, float], down_for: float) -> None:
        alive = [a for a in self.nodes if a not in down]
        if len(alive) <= 2:  # keep some of the network up
            return
        victim = rng.choice(alive)
        self.nodes[victim].kill()
        self.kills += 1
        down[victim] = time.monotonic() + down_for * rng.uniform(0.5, 1.5)

    def _revive(self, down: dict[str, float]) -> None:
        for account, until in list(down.items()):
            if time.monotonic() >= until:
                self.nodes[account].start(ready_timeout=300)
                del down[account]

    def _pending(self) -> list[int]:
        return [r for r in self.commitments
                if int.from_bytes(bytes(self.coordinator.functions.commitmentOf(r).call()), "big")]  # fmt: skip

    def _keeper(self) -> None:
        """Anyone's upkeep, run between requests: cancel what is past its deadline, and pin
        the draw of what is still open after ``PIN_AFTER`` blocks, so that settling it later
        still slashes its primary."""
        latest = self.w3.eth.get_block("latest")
        now, number = int(latest["timestamp"]), int(latest["number"])
        keeper = self.w3.eth.accounts[0]
        for request_id in self._pending():
            c = self.commitments[request_id]
            commitment = commitment_tuple(c)
            if now > int(c["deadline"]):
                send(self.w3, self.coordinator.functions.cancelRequest(request_id, commitment),
                     keeper)  # fmt: skip
            elif (
                PIN_AFTER <= number - int(c["requestBlock"]) < 256 and request_id not in self.pinned
            ):
                try:
                    send(self.w3, self.coordinator.functions.pinPrimary(request_id, commitment),
                         keeper)  # fmt: skip
                except ContractLogicError:
                    continue  # settled since _pending() looked: nothing left to pin
                self.pinned.add(request_id)

    def _primary(self, requested: Any) -> str:
        """The request's primary, drawn as the coordinator draws it (from its block's hash)."""
        c = commitment_to_json(requested["args"]["commitment"])
        seed = draw_seed(int(requested["args"]["requestId"]), bytes(requested["blockHash"]))
        fn = self.node_registry.functions.drawNode(
            int(c["modelId"]), seed, int(c["poolHistoryLength"]), int(c["requestBlock"])
        )
        return str(fn.call())

    def _log(self, event: str, request_id: int) -> Any:
        logs = getattr(self.coordinator.events, event)().get_logs(
            from_block=0, argument_filters={"requestId": request_id}
        )
        return logs[0] if logs else None

    def force_fallback(self, name: str) -> int:
        """A request whose primary dies at once and stays down past the window: a fallback
        node must fulfil it, and the primary alone is slashed."""
        request_id = self._request(name, self._samples(name)[0], self.requesters[0])
        primary = self._primary(self._log("InferenceRequested", request_id))
        self.nodes[primary].kill()
        self.kills += 1
        deadline = time.monotonic() + 300
        while self._pending() and time.monotonic() < deadline:
            time.sleep(1.0)
        self.nodes[primary].start(ready_timeout=300)
        return request_id

    def force_cancellation(self, name: str) -> int:
        """Every node serving ``name`` down, a request, the chain's time moved past its
        deadline: the keeper cancels it, the requester is refunded, the primary slashed."""
        serving = [account for account, models in self.serves.items() if name in models]
        for account in serving:
            self.nodes[account].kill()
            self.kills += 1
        request_id = self._request(name, self._samples(name)[1], self.requesters[1])
        self.w3.provider.make_request("evm_increaseTime", [self.params.request_timeout + 1])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        self._keeper()
        for account in serving:
            self.nodes[account].start(ready_timeout=300)
        return request_id

    # ------------------------------------------------------------------ audit

    def audit(self, wall_s: float) -> Report:
        """Read what happened from the chain's logs and check the protocol's invariants."""
        w3 = self.w3
        fulfilled = _by_request(self.coordinator.events.InferenceFulfilled().get_logs(from_block=0))
        cancelled = _by_request(self.coordinator.events.InferenceCancelled().get_logs(from_block=0))
        requested = _by_request(self.coordinator.events.InferenceRequested().get_logs(from_block=0))
        pins = _by_request(self.coordinator.events.PrimaryPinned().get_logs(from_block=0))
        names = {v: k for k, v in self.model_ids.items()}
        outcomes = []
        expected: Counter[str] = Counter()
        for request_id in self.commitments:
            [req] = requested[request_id]
            f, c = fulfilled.get(request_id, []), cancelled.get(request_id, [])
            assert (
                len(f) + len(c) == 1
            ), f"request {request_id}: {len(f)} fulfilments, {len(c)} cancels"
            outcome = Outcome(request_id, names[int(req["args"]["modelId"])], self._primary(req),
                              _ts(w3, req))  # fmt: skip
            settled = (f or c)[0]
            outcome.settled_at = _ts(w3, settled)
            late = int(settled["blockNumber"]) - int(req["blockNumber"]) > 256
            outcome.past_horizon = late and request_id not in pins
            if f:
                outcome.fulfilled_by = f[0]["args"]["node"]
            else:
                outcome.cancelled = True
            missed = outcome.kind in ("fallback", "cancelled") and int(outcome.primary, 16) != 0
            if missed and not outcome.past_horizon:
                expected[outcome.primary] += 1  # a request without a primary slashes nobody
            outcomes.append(outcome)
        slashes: Counter[str] = Counter()
        for log in self.node_registry.events.NodeSlashed().get_logs(from_block=0):
            slashes[log["args"]["node"]] += 1
        return Report(outcomes, slashes, expected, self.kills, wall_s)

    def balances_hold(self) -> tuple[int, int]:
        """(coordinator balance, pending fees + every credit it owes)."""
        c = self.coordinator.functions
        pending = len(self._pending()) * FEE
        accounts = set(self.w3.eth.accounts)
        owed = sum(int(c.credits(a).call()) for a in accounts)
        return int(self.w3.eth.get_balance(self.coordinator.address)), pending + owed


def _by_request(logs: list[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for log in logs:
        out.setdefault(int(log["args"]["requestId"]), []).append(log)
    return out


def _ts(w3: Web3, log: Any) -> int:
    return int(w3.eth.get_block(log["blockNumber"])["timestamp"])
