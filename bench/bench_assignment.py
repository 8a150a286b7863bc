"""Gas of the stake-weighted primary draw and of the stake changes behind it (pools of 2-100).

    python -m bench.bench_assignment            # rewrites bench/results/assignment.md
    python -m bench.bench_assignment --out -    # print only

On a fresh anvil per pool size: the protocol from the shipped artifacts, the MockVerifier
(proofs are not what is measured), a model served by N nodes staking 1 to 5 ETH. The draw is
lazy: ``requestInference`` only stores the pool's slot count, and ``fulfill`` and
``cancelRequest`` draw the primary over a Fenwick tree of stakes (O(log n) storage reads). The
stake changes write one checkpoint per tree node they touch (O(log n) writes per model).

The results file's "Before" section, measured by hand against the artifacts of the draw this
replaced, is kept when the file is rewritten.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from web3 import Web3

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "assignment.md"
FEE = 10**15
SIZES = (2, 10, 100)
BEFORE = "\n## Before"
REQUESTS = 6  # the first half fulfilled, the second cancelled


def _gas(receipt: Any) -> int:
    return int(receipt["gasUsed"])


def measure(size: int) -> dict[str, int]:
    """Gas figures for one pool of `size` nodes."""
    from oracle_node.chain.contracts import commitment_tuple
    from oracle_node.devchain import Anvil
    from oracle_node.encoding import int_to_felt
    from oracle_node.protocol import ProtocolParams
    from tests.support.protocol import deploy_protocol, send

    params = ProtocolParams(min_stake=10**18)
    with Anvil(accounts=size + 2) as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 60}))
        owner, requester, *nodes = w3.eth.accounts
        protocol = deploy_protocol(w3, owner, params, FEE, verifier_name="MockVerifier")
        model_id = protocol.register_model()
        registry = protocol.node_registry.functions
        coordinator = protocol.coordinator.functions
        joins = []
        for i, node in enumerate(nodes):
            send(w3, registry.stake(), node, params.min_stake * (1 + i % 5))
            joins.append(_gas(send(w3, registry.addModel(model_id), node)))
        row: dict[str, int] = {"size": size, "join": joins[-1]}
        # Slot 1 is the worst case of a change: it sits under log2(n) + 1 tree nodes.
        first, last = nodes[0], nodes[-1]
        row["top_up_first"] = _gas(send(w3, registry.stake(), first, 10**17))
        row["top_up_last"] = _gas(send(w3, registry.stake(), last, 10**17))
        send(w3, registry.removeModel(model_id), first)
        row["rejoin_first"] = _gas(send(w3, registry.addModel(model_id), first))

        inputs = [3] * protocol.manifest.input_len
        requests, request_gas = [], []
        for _ in range(REQUESTS):
            receipt = send(w3, coordinator.requestInference(model_id, inputs, 0), requester, FEE)
            request_gas.append(_gas(receipt))
            [log] = protocol.coordinator.events.InferenceRequested().process_receipt(receipt)
            requests.append(
                (int(log["args"]["requestId"]), commitment_tuple(log["args"]["commitment"]))
            )
        row["request"] = int(statistics.median(request_gas))
        count, at = requests[0][1][8], requests[0][1][7]
        seed = int.from_bytes(w3.keccak(text=f"seed-{size}"), "big")
        draw = registry.drawNode(model_id, seed, count, at)
        row["draw_call"] = int(draw.estimate_gas({"from": requester}))

        instances = [int_to_felt(v) for v in inputs] + [0] * protocol.manifest.output_len
        for i, (request_id, commitment) in enumerate(requests[: REQUESTS // 2]):
            primary = coordinator.primaryOf(request_id, commitment).call()
            fulfil = coordinator.fulfill(request_id, commitment, b"\x01", instances)
            receipt = send(w3, fulfil, primary)
            if i == 0:  # the only one sure to be its primary's first credit
                row["fulfil"] = _gas(receipt)

        # Every tree node the draw reads changes after the request block: each read falls back
        # to a binary search of its older checkpoints.
        for node in nodes:
            send(w3, registry.stake(), node, 10**15)
        row["draw_call_changed"] = int(draw.estimate_gas({"from": requester}))

        w3.provider.make_request("evm_increaseTime", [params.request_timeout + 1])
        w3.provider.make_request("evm_mine", [])
        cancels = []
        for request_id, commitment in requests[REQUESTS // 2 :]:
            cancel = coordinator.cancelRequest(request_id, commitment)
            cancels.append(_gas(send(w3, cancel, requester)))
        row["cancel"] = int(statistics.median(cancels))
        return row


def render(rows: list[dict[str, int]]) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    machine = (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores shared with other work"
    )
    lines = [
        "# Gas of the stake-weighted primary draw",
        "",
        f"Produced by `python -m bench.bench_assignment` on anvil, {when}, {machine}; solc",
        "0.8.28, cancun, optimizer 200 runs. Gas does not depend on the machine. Each pool's",
        "nodes stake 1 to 5 ETH; the model is breast_cancer's spec (30 inputs) checked by the",
        "MockVerifier, so *fulfil* is the coordinator's own cost without a real proof. *fulfil*",
        "and *cancel* depend on which nodes the block hashes draw and vary between runs; the",
        "other columns do not.",
        "",
        "- *request*: median `requestInference` of an account requester. It draws nothing: it",
        "  stores the pool's slot count in the commitment (`poolHistoryLength`).",
        "- *fulfil*: the first request's `fulfill` by its primary (whose first fee credit is a",
        "  new storage word); it draws the primary (tree read at the request's block) to check",
        "  the sender. The draw's reads vary by a few thousand gas with the seed: the descent",
        "  skips positions past the slot count and re-reads words the total already read.",
        "- *cancel*: median of 3 `cancelRequest` calls after the deadline, made after every node",
        "  topped up (so the draw binary-searches each tree node's checkpoints); each slashes the",
        "  primary, whose new stake is written to the tree (up to log2 n + 1 tree nodes, by its",
        "  slot).",
        "- *draw call*: `eth_estimateGas` of the `drawNode` view (21,000 of it is the base cost);",
        "  *changed*: the same call after every node topped up, so each tree node the draw reads",
        "  holds a newer checkpoint and the value at the request block is binary-searched.",
        "- *join*: `addModel` of the last node to join (a new slot); *rejoin*: `addModel` of slot 1",
        "  after it left (weight 0 to its stake).",
        "- *top-up*: `stake()` of a pool member, slot 1 (under the most tree nodes, log2(n) + 1)",
        "  and the last slot; each touched tree node keeps its previous checkpoint (a new storage",
        "  word) and writes the new one.",
        "",
        "| pool | log2 n | request | fulfil | cancel | draw call | draw call, changed "
        "| join | rejoin slot 1 | top-up slot 1 | top-up last slot |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']} | {math.log2(r['size']):.1f} | {r['request']:,} | {r['fulfil']:,} "
            f"| {r['cancel']:,} | {r['draw_call']:,} | {r['draw_call_changed']:,} "
            f"| {r['join']:,} | {r['rejoin_first']:,} | {r['top_up_first']:,} "
            f"| {r['top_up_last']:,} |"
        )
    small, big = rows[0], rows[-1]
    lines += [
        "",
        f"From {small['size']} to {big['size']} nodes the request costs "
        f"{big['request'] - small['request']:,} gas more, the fulfil "
        f"{big['fulfil'] - small['fulfil']:,} and the draw call "
        f"{big['draw_call'] - small['draw_call']:,}: it follows log2 n, not n.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - for stdout")
    args = parser.parse_args(argv)
    text = render([measure(size) for size in SIZES])
    print(text, end="")
    if args.out != "-":
        out = Path(args.out)
        old = out.read_text() if out.exists() else ""
        kept = old[old.index(BEFORE) :] if BEFORE in old else ""
        out.write_text(text + kept)
    return 0


if __name__ == "__main__":
    sys.exit(main())
