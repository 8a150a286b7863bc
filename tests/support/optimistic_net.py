"""An Optimistic network for tests and benchmarks: anvil, the protocol with ``breast_cancer``
registered with a challenge window and a bond, a recording consumer, and three ``oracle-node
run`` processes: a liar (the test-only fault ``testing.lie_every``), an honest node with its
watcher off, and an honest node with its watcher on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from web3 import Web3

from oracle_node.chain.contracts import OracleContracts
from oracle_node.devchain import Anvil, dev_key
from oracle_node.protocol import ProtocolParams
from tests.e2e.conftest import sample
from tests.e2e.nodes import NodeProcess, node_env
from tests.support.protocol import BREAST_CANCER, Deployment, deploy, deploy_protocol

PARAMS = ProtocolParams(
    min_stake=10**18, unbonding_period=7200, exclusive_window=900, request_timeout=1800,
    max_callback_gas_limit=1_000_000,
)  # fmt: skip
FEE = 10**15
CALLBACK_GAS = 200_000
LIAR_STAKE = 3 * 10**18


@dataclass(frozen=True)
class Terms:
    """What the network is started with."""

    window: int = 300  # chain seconds
    bond: int = 10**17
    lie_every: int = 2
    finalize_batch: int = 8
    samples: int = 40  # held-out samples whose circuit outputs are computed up front


@dataclass
class Network:
    w3: Web3
    protocol: Deployment
    consumer: Any
    model_id: int
    liar: NodeProcess
    honest: NodeProcess
    watcher: NodeProcess
    truths: list[list[int]]
    """The circuit's output for sample i (EZKL's witness, computed apart from the nodes)."""

    @property
    def nodes(self) -> list[NodeProcess]:
        return [self.liar, self.honest, self.watcher]

    def contracts(self) -> OracleContracts:
        p = self.protocol
        return OracleContracts(
            self.w3, p.coordinator.address, p.model_registry.address, p.node_registry.address
        )

    def logs(self, event: str) -> dict[int, list[Any]]:
        """Every log of ``event``, by request id."""
        kind = getattr(self.protocol.coordinator.events, event)
        found: dict[int, list[Any]] = {}
        for log in kind().get_logs(from_block=0):
            found.setdefault(int(log["args"]["requestId"]), []).append(log)
        return found

    def finalized(self) -> dict[int, list[tuple[Any, int]]]:
        """Every ``OutputsFinalized`` entry, by request id: (the log, the callback's result)."""
        found: dict[int, list[tuple[Any, int]]] = {}
        for log in self.protocol.coordinator.events.OutputsFinalized().get_logs(from_block=0):
            args = log["args"]
            for rid, result in zip(args["requestIds"], args["results"], strict=True):
                found.setdefault(int(rid), []).append((log, int(result)))
        return found

    def settled(self) -> set[int]:
        """Requests settled by a proof or challenge, or by a finalisation."""
        return set(self.logs("InferenceFulfilled")) | set(self.finalized())

    def tails(self) -> str:
        return "\n".join(f"--- {n.name}\n{n.tail(40)}" for n in self.nodes)


def address(node: NodeProcess) -> str:
    return node.env["NODE_ADDRESS"]


def prepare(root: Path, samples: int) -> tuple[Path, list[list[int]]]:
    """Build the proving key once for every node, and compute the circuit's output of each
    sample with EZKL's witness: both in one child process (the test process imports no EZKL)."""
    keys = root / "keys"
    code = (
        "import json, sys; from oracle_node.circuits.proving import Prover; "
        "p = Prover(sys.argv[1], cache_dir=sys.argv[2]); p.ensure_proving_key(); "
        "print(json.dumps([p.witness_outputs(x) for x in json.loads(sys.argv[3])]))"
    )
    inputs = json.dumps([sample(i) for i in range(samples)])
    done = subprocess.run(
        [sys.executable, "-c", code, str(BREAST_CANCER), str(keys), inputs],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return keys, json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def optimistic_network(root: Path, terms: Terms | None = None) -> Iterator[Network]:
    """The network, started in ``root``; the nodes are stopped and anvil shut down after."""
    terms = terms or Terms()
    keys, truths = prepare(root, terms.samples)
    nodes: list[NodeProcess] = []
    with Anvil(block_time=1, accounts=10) as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner = w3.eth.accounts[0]
        protocol = deploy_protocol(w3, owner, PARAMS, FEE)
        model_id = protocol.register_model(challenge_window=terms.window, bond=terms.bond)
        consumer = deploy(w3, owner, "RecordingConsumer", protocol.coordinator.address)
        addresses = {
            "coordinator": protocol.coordinator.address,
            "model_registry": protocol.model_registry.address,
            "node_registry": protocol.node_registry.address,
        }
        roles = {  # name: (account index, stake, extra settings)
            "liar": (1, LIAR_STAKE, {"ORACLE_TESTING__ALLOW_FAULTS": "true",
                                     "ORACLE_TESTING__LIE_EVERY": str(terms.lie_every)}),
            "honest": (2, PARAMS.min_stake, {"ORACLE_OPTIMISTIC__WATCH": "false"}),
            "watcher": (3, PARAMS.min_stake, {}),
        }  # fmt: skip
        for name, (index, stake, extra) in roles.items():
            account = w3.eth.accounts[index]
            protocol.stake(account, [model_id], amount=stake)
            env = node_env(
                anvil.url, addresses, [{"id": model_id, "dir": str(BREAST_CANCER)}],
                {"dev_private_key": dev_key(index), "allow_dev_key": "true"},
            )  # fmt: skip
            env.update(extra)
            env.update({
                "NODE_ADDRESS": account,
                "ORACLE_OPTIMISTIC__FINALIZE_BATCH": str(terms.finalize_batch),
                "ORACLE_OPTIMISTIC__FINALIZE_WAIT_S": "2",
            })  # fmt: skip
            data = root / name
            data.mkdir()
            (data / "keys").symlink_to(keys, target_is_directory=True)
            nodes.append(NodeProcess(name, data, env))
        try:
            for node in nodes:
                node.launch()
            for node in nodes:
                node.wait_ready(300)
            yield Network(w3, protocol, consumer, model_id, *nodes, truths)
        finally:
            for node in nodes:
                node.stop()
