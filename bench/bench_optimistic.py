"""Gas and timing of Optimistic requests beside the Proven path, with real proofs.

    python -m bench.bench_optimistic            # on anvil, rewrites bench/results/optimistic.md
    python -m bench.bench_optimistic --out -    # print only
    python -m bench.bench_optimistic --no-timing   # gas only (the timing part takes minutes)

Deploys everything from the shipped artifacts, registers each reference model with a challenge
window and a bond, stakes one node (so it is every request's primary), and measures on the same
deployment, account requester (no callback), steady state (after one warm-up of each step):

* Proven: ``requestInference`` and ``fulfill`` with a real EZKL proof of held-out sample 0;
* Optimistic: ``requestOptimistic``, ``postOutput`` of the circuit's output, ``finalize`` of one
  posting and of 16 postings in one transaction, and a ``challenge`` of a wrong posting with a
  real proof (plus the challenger's ``sealFulfillment``).

The goal of the issue that introduced the mode: posting plus its share of a finalise of 16 at
most 60,000 gas per inference for breast_cancer (the consumer's callback not included).

Timing: three real ``oracle-node run`` processes on anvil with one-second blocks (a liar that
posts a wrong output for even request ids, an honest node, and a watcher; the network of
``tests/e2e/test_optimistic_e2e.py``), one Optimistic breast_cancer request every few seconds.
For each request: the blocks and seconds from the request's block to its posting's; for each
lie: the seconds from the posting's block to the challenge's (noticing it, one real proof, the
seal and a block for it, the challenge itself).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.bench_gas import first_held_out, requested
from oracle_node.chain.contracts import posting_of, posting_tuple

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "optimistic.md"
MODELS = ("breast_cancer", "digits")
FEE = 10**15
WINDOW = 600
BOND = 10**17
BATCH = 16
POSTING_GOAL = 60_000


def _posting(coordinator: Any, receipt: Any, rid: int, commitment: Any) -> tuple[Any, ...]:
    [log] = list(receipt.events.filter(coordinator.OutputPosted))
    return posting_tuple(posting_of(rid, commitment, log.poster, log.finalAt))


class _Steps:
    """One model's request, fulfil and posting transactions on one deployment."""

    def __init__(
        self, coordinator: Any, model_id: int, inputs: list[int], proof: Any, node: Any,
        requester: Any,
    ) -> None:  # fmt: skip
        self.coordinator, self.model_id, self.inputs = coordinator, model_id, inputs
        self.proof, self.node, self.requester = proof, node, requester

    def proven(self) -> tuple[int, int]:
        """Gas of ``requestInference`` and of its ``fulfill``."""
        c = self.coordinator
        receipt = c.requestInference(
            self.model_id, self.inputs, 100_000, sender=self.requester, value=FEE
        )
        rid, commitment = requested(c, receipt)
        done = c.fulfill(rid, commitment, self.proof.proof, self.proof.instances, sender=self.node)
        return receipt.gas_used, done.gas_used

    def optimistic(self, out: list[int]) -> tuple[Any, int, int, tuple[Any, ...], Any]:
        """``requestOptimistic`` then ``postOutput(out)``: (id, request gas, post gas, posting,
        commitment)."""
        c = self.coordinator
        receipt = c.requestOptimistic(
            self.model_id, self.inputs, 100_000, sender=self.requester, value=FEE
        )
        rid, commitment = requested(c, receipt)
        posted = c.postOutput(rid, commitment, out, sender=self.node)
        posting = _posting(c, posted, rid, commitment)
        return rid, receipt.gas_used, posted.gas_used, posting, commitment


def measure(network: str, models: tuple[str, ...] = MODELS) -> list[dict[str, Any]]:
    from ape import accounts, chain, networks

    from oracle_node.circuits.proving import Prover
    from oracle_node.deploy import deploy_model, deploy_protocol

    rows: list[dict[str, Any]] = []
    with networks.parse_network_choice(network), tempfile.TemporaryDirectory() as cache:
        owner, node, requester, watcher = accounts.test_accounts[:4]
        protocol = deploy_protocol(owner)
        coordinator = protocol.coordinator
        protocol.node_registry.stake(sender=node, value=protocol.node_registry.minStake())
        for name in models:
            _, model_id = deploy_model(
                owner, protocol, ROOT / "circuits" / name, fee=FEE, verifier_root=ROOT,
                challenge_window=WINDOW, bond=BOND,
            )  # fmt: skip
            protocol.node_registry.addModel(model_id, sender=node)
            prover = Prover(ROOT / "circuits" / name, cache_dir=cache)
            proof = prover.prove(first_held_out(name, prover.manifest.input_scale))
            inputs, output = proof.inputs, proof.outputs
            row: dict[str, Any] = {"model": name}

            steps = _Steps(coordinator, model_id, inputs, proof, node, requester)
            proven, optimistic = steps.proven, steps.optimistic
            proven()  # warm-up: first-time storage writes
            row["proven_request"], row["proven_fulfil"] = proven()
            rid, _, _, posting, _ = optimistic(output)  # warm-up
            chain.pending_timestamp = posting[4]
            coordinator.finalize([rid], [posting], [output], sender=node)
            rid, row["opt_request"], row["post"], posting, _ = optimistic(output)
            chain.pending_timestamp = posting[4]
            row["finalize_1"] = coordinator.finalize(
                [rid], [posting], [output], sender=node
            ).gas_used
            batch = [optimistic(output) for _ in range(BATCH)]
            chain.pending_timestamp = max(b[3][4] for b in batch)
            receipt = coordinator.finalize(
                [b[0] for b in batch], [b[3] for b in batch], [output] * BATCH, sender=node
            )
            row["finalize_16"] = receipt.gas_used
            row["post_16_mean"] = sum(b[2] for b in batch) // BATCH
            # A wrong posting, proven wrong by a watcher.
            lie = [v + 1 for v in output]
            rid, _, _, posting, commitment = optimistic(lie)
            seal = coordinator.challengeSeal(rid, watcher, proof.proof, proof.instances)
            row["seal"] = coordinator.sealFulfillment(rid, seal, sender=watcher).gas_used
            row["challenge"] = coordinator.challenge(
                rid, commitment, posting, lie, proof.proof, proof.instances, sender=watcher
            ).gas_used
            protocol.node_registry.stake(sender=node, value=BOND)  # back to the minimum stake
            rows.append(row)
    return rows


def measure_timing(requests: int, spacing_s: float) -> dict[str, Any]:
    """Post and challenge latencies on a live three-node network (see the module docstring)."""
    import statistics
    import time

    from tests.e2e.conftest import sample
    from tests.support.optimistic_net import CALLBACK_GAS, Terms, optimistic_network

    with (
        tempfile.TemporaryDirectory() as root,
        optimistic_network(Path(root), Terms(window=600, samples=requests)) as net,
    ):
        w3, coordinator = net.w3, net.protocol.coordinator
        sender = w3.eth.accounts[0]
        ids: dict[int, int] = {}  # request id -> its block
        for i in range(requests):
            tx = net.consumer.functions.requestOptimistic(
                net.model_id, sample(i), CALLBACK_GAS
            ).transact({"from": sender, "value": FEE})
            receipt = w3.eth.wait_for_transaction_receipt(tx, timeout=60)
            [event] = coordinator.events.InferenceRequested().process_receipt(receipt)
            ids[int(event["args"]["requestId"])] = int(receipt["blockNumber"])
            time.sleep(spacing_s)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            posted = net.logs("OutputPosted")
            truths = {rid: net.truths[i] for i, rid in enumerate(ids)}
            wrong = {
                r for r in ids if r in posted and list(posted[r][0]["args"]["output"]) != truths[r]
            }
            if set(ids) <= set(posted) and wrong <= set(net.logs("PostingChallenged")):
                break
            time.sleep(1)
        else:
            raise SystemExit(f"not every request posted and lie challenged in time\n{net.tails()}")
        challenged = net.logs("PostingChallenged")

        def stamp(block: int) -> int:
            return int(w3.eth.get_block(block)["timestamp"])

        post_blocks, post_s, challenge_s = [], [], []
        for rid, block in ids.items():
            log = posted[rid][0]
            post_blocks.append(int(log["blockNumber"]) - block)
            post_s.append(stamp(int(log["blockNumber"])) - stamp(block))
            if rid in challenged:
                challenge_s.append(
                    stamp(int(challenged[rid][0]["blockNumber"])) - stamp(int(log["blockNumber"]))
                )

    def summary(values: list[int]) -> str:
        if not values:
            return "n/a"
        return f"median {statistics.median(values):g}, max {max(values)} (n={len(values)})"

    return {
        "requests": requests,
        "spacing_s": spacing_s,
        "post_blocks": summary(post_blocks),
        "post_blocks_max": max(post_blocks),
        "post_s": summary(post_s),
        "challenge_s": summary(challenge_s),
        "lies": len(challenge_s),
    }


def table(rows: list[dict[str, Any]]) -> list[str]:
    """The gas table, a line each (also in bench/results/gas.md)."""
    lines = [
        "| model | Proven: request | Proven: fulfil | Proven: total | Optimistic: request "
        "| post | finalise 1 | finalise 16 | post + finalise-16 share | per inference vs Proven "
        "| challenge (+ seal) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        share = r["post_16_mean"] + r["finalize_16"] // BATCH
        proven = r["proven_request"] + r["proven_fulfil"]
        optimistic = r["opt_request"] + share
        lines.append(
            f"| {r['model']} | {r['proven_request']:,} | {r['proven_fulfil']:,} | {proven:,} "
            f"| {r['opt_request']:,} | {r['post']:,} | {r['finalize_1']:,} | {r['finalize_16']:,} "
            f"| {share:,} | {optimistic:,} vs {proven:,} ({proven / optimistic:.1f}x) "
            f"| {r['challenge']:,} (+ {r['seal']:,}) |"
        )
    return lines


def render(rows: list[dict[str, Any]], network: str, timing: dict[str, Any] | None = None) -> str:
    lines = [
        "# Optimistic requests: gas beside the Proven path",
        "",
        f"Produced by `python -m bench.bench_optimistic` on `{network}` (solc 0.8.28, cancun,",
        "optimizer 200 runs), real EZKL proofs of held-out sample 0; one node (every request's",
        "primary), an account requester (no callback), steady state. Gas does not depend on the",
        "machine.",
        "",
        *table(rows),
    ]
    lines += ["", "Goal: post + its share of a finalise of 16 <= 60,000 gas for breast_cancer."]
    for r in rows:
        if r["model"] == "breast_cancer":
            share = r["post_16_mean"] + r["finalize_16"] // BATCH
            verdict = "met" if share <= POSTING_GOAL else "MISSED"
            lines.append(f"breast_cancer: {share:,} gas, {verdict}.")
    lines += [
        "",
        "- *post*: one `postOutput` (the draw, the commitment check, one storage write, the event);",
        "  *post + finalise-16 share*: the mean `postOutput` of the 16 plus a sixteenth of their",
        "  `finalize`.",
        "- *challenge*: a wrong posting proven wrong by a third account: the proof's verification,",
        "  the liar's slash (bond to the challenger) and the fee; the challenger seals it first.",
        "- A consumer's callback adds its own gas to `finalize` (or `challenge`), as to `fulfill`.",
    ]
    if timing is not None:
        verdict = "met" if timing["post_blocks_max"] <= 2 else "MISSED"
        lines += [
            "",
            "## Timing on anvil (one-second blocks, three node processes)",
            "",
            f"{timing['requests']} Optimistic breast_cancer requests, one every "
            f"{timing['spacing_s']:g} s; the nodes trail the head by 1 confirmation; the liar "
            f"lied on {timing['lies']} of them. {_machine()}",
            "",
            "| measure | value |",
            "|---|---|",
            f"| request block to posting block, blocks | {timing['post_blocks']} |",
            f"| request to posting, seconds (block timestamps) | {timing['post_s']} |",
            f"| wrong posting to its challenge, seconds | {timing['challenge_s']} |",
            "",
            f"Goal: posting within 2 blocks of the request: {verdict} (worst "
            f"{timing['post_blocks_max']} blocks). A challenge takes one real proof on the "
            "watcher's prover, its seal and a block after it.",
        ]
    return "\n".join(lines) + "\n"


def _machine() -> str:
    import os
    import platform

    load = os.getloadavg()[0]
    return (
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, no GPU; "
        f"1-minute load {load:.1f} at the end."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--network", default="ethereum:local:foundry")
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - for stdout")
    parser.add_argument("--no-timing", dest="timing", action="store_false")
    parser.add_argument("--requests", type=int, default=12, help="timing: requests sent")
    parser.add_argument("--spacing", type=float, default=4.0, help="timing: seconds between")
    args = parser.parse_args(argv)
    rows = measure(args.network)
    timing = measure_timing(args.requests, args.spacing) if args.timing else None
    text = render(rows, args.network, timing)
    if args.out != "-":
        Path(args.out).write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
