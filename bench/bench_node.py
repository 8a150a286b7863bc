"""Benchmark of the oracle node on a local anvil chain with the reference ``breast_cancer`` model.

    python -m bench.bench_node                 # rewrites bench/results/node.md
    python -m bench.bench_node --out -         # print only

Measures, on this machine:

1. one request at a time: request mined -> callback mined, split into the node's stages
   (detect, infer, witness, prove, submit), repeated ``--single`` times, each followed by a
   bare EZKL proof of the same input in a child process (same machine load);
2. a burst of ``--burst`` requests sent at once, with 1 and with 2 proving workers:
   wall time until the last callback is mined, and throughput.

The chain is anvil with automine (a block per transaction) and the node runs with 0
confirmations and a 50 ms poll, so the figures are the node's own overhead, not block time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from web3 import Web3

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "node.md"
MODEL_DIR = ROOT / "circuits" / "breast_cancer"
FEE = 10**15


def bare_prove(runs: int, cache: str, sample: int = 0) -> dict[str, float]:
    """Median witness and prove time of the bare Prover (child process: EZKL stays out)."""
    code = f"""
import json, statistics
from oracle_node.circuits.proving import Prover
from oracle_node.circuits.datasets import held_out
from oracle_node.encoding import float_to_int
p = Prover({str(MODEL_DIR)!r}, cache_dir={cache!r})
p.ensure_proving_key()
x = [float_to_int(v, p.manifest.input_scale) for v in held_out("breast_cancer")[0][{sample}]]
w, t = [], []
for _ in range({runs}):
    r = p.prove(x)
    w.append(r.witness_s)
    t.append(r.prove_s)
print(json.dumps({{"witness_s": statistics.median(w), "prove_s": statistics.median(t)}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


class Bench:
    """A chain with the protocol, one staked node (always the primary), a consumer."""

    def __init__(self, anvil_url: str, workdir: Path, model_dir: Path = MODEL_DIR) -> None:
        from oracle_node.circuits.manifest import load_manifest
        from oracle_node.protocol import ProtocolParams
        from tests.support.protocol import deploy, deploy_protocol

        self.w3 = Web3(Web3.HTTPProvider(anvil_url))
        self.url = anvil_url
        self.workdir = workdir
        self.model_dir = model_dir
        owner = self.w3.eth.accounts[0]
        params = ProtocolParams(exclusive_window=3600, request_timeout=7200)
        self.protocol = deploy_protocol(self.w3, owner, params, FEE)
        manifest = load_manifest(model_dir)
        verifier = (
            self.protocol.verifier
            if manifest.verifier_contract == self.protocol.manifest.verifier_contract
            else deploy(self.w3, owner, manifest.verifier_contract)
        )
        self.model_id = self.protocol.register_model(manifest=manifest, verifier=verifier)
        self.node_account = self.w3.eth.accounts[1]
        self.protocol.stake(self.node_account, [self.model_id])
        self.gate = deploy(
            self.w3, owner, "ScreeningGate", self.protocol.coordinator.address,
            self.model_id, 0, 300_000,
        )  # fmt: skip
        self.next_applicant = 2
        from oracle_node.circuits.datasets import held_out
        from oracle_node.encoding import float_to_int

        self.samples = [[float_to_int(v, 13) for v in row] for row in held_out("breast_cancer")[0]]

    def node(self, provers: int, name: str, **policy: Any) -> Any:
        """A node serving the bench's model; ``policy``: its batching settings, if any."""
        from oracle_node.devchain import dev_key
        from oracle_node.node.runner import OracleNode
        from oracle_node.settings import load_settings

        settings = load_settings(
            chain={
                "rpc_url": self.url,
                "coordinator": self.protocol.coordinator.address,
                "model_registry": self.protocol.model_registry.address,
                "node_registry": self.protocol.node_registry.address,
                "confirmations": 0,
                "poll_interval": 0.05,
                "start_block": self.w3.eth.block_number + 1,
            },
            keys={"dev_private_key": dev_key(1), "allow_dev_key": True},
            models=[{"id": self.model_id, "dir": self.model_dir, **policy}],
            workers={"provers": provers},
            api={"enabled": False},
            data_dir=self.workdir / name,
        )
        node = OracleNode(settings)
        node.start()
        return node

    def request(self, index: int) -> tuple[int, float]:
        applicant = self.w3.eth.accounts[self.next_applicant]
        self.next_applicant += 1
        features = self.samples[index % len(self.samples)]
        tx = self.gate.functions.screen(features).transact({"from": applicant, "value": FEE})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx, poll_latency=0.01)
        mined = time.perf_counter()
        event = self.protocol.coordinator.events.InferenceRequested().process_receipt(
            receipt, errors=__import__("web3.logs", fromlist=["DISCARD"]).DISCARD
        )[0]
        return int(event["args"]["requestId"]), mined

    def wait_callbacks(self, request_ids: set[int], timeout: float = 1800) -> dict[int, float]:
        """Poll the chain for ``InferenceFulfilled``; returns the time each was first seen."""
        seen: dict[int, float] = {}
        event = self.protocol.coordinator.events.InferenceFulfilled()
        start_block = 0
        deadline = time.monotonic() + timeout
        while len(seen) < len(request_ids) and time.monotonic() < deadline:
            head = self.w3.eth.block_number
            if head < start_block:
                time.sleep(0.01)
                continue
            for log in event.get_logs(from_block=start_block, to_block=head):
                rid = int(log["args"]["requestId"])
                if rid in request_ids and rid not in seen:
                    seen[rid] = time.perf_counter()
            start_block = head + 1
            time.sleep(0.01)
        if len(seen) < len(request_ids):
            raise RuntimeError(f"only {len(seen)} of {len(request_ids)} requests were fulfilled")
        return seen


def single(bench: Bench, runs: int, cache: str) -> list[dict[str, float]]:
    """One request at a time, each followed by a bare proof of the same input (same load)."""
    from oracle_node.store import JobState

    node = bench.node(1, "single")
    rows = []
    try:
        for i in range(runs):
            request_id, mined = bench.request(i)
            done = bench.wait_callbacks({request_id})[request_id]
            while (job := node.store.get(request_id)).state is not JobState.FULFILLED:
                time.sleep(0.01)  # the receipt is read just after the event is visible
            t = job.timings
            bare = bare_prove(1, cache, sample=i)
            rows.append(
                {
                    "end_to_end_s": done - mined,
                    "infer_s": t["infer_s"],
                    "witness_s": t["witness_s"],
                    "prove_s": t["prove_s"],
                    "submit_s": t.get("submit_s", float("nan")),
                    "bare_witness_s": bare["witness_s"],
                    "bare_prove_s": bare["prove_s"],
                    "overhead_s": (done - mined) - t["witness_s"] - t["prove_s"],
                    "queue_and_detect_s": (done - mined)
                    - t["infer_s"]
                    - t["witness_s"]
                    - t["prove_s"]
                    - t.get("submit_s", 0.0),
                }  # fmt: skip
            )
    finally:
        node.stop()
    return rows


def burst(bench: Bench, provers: int, count: int, **policy: Any) -> dict[str, float]:
    """``count`` requests sent at once; wall time to the last callback, and latencies."""
    node = bench.node(provers, f"burst{provers}-{bench.model_dir.name}", **policy)
    try:
        started = time.perf_counter()
        sent = dict(bench.request(i) for i in range(count))
        seen = bench.wait_callbacks(set(sent))
        wall = max(seen.values()) - started
        latencies = [seen[rid] - sent[rid] for rid in sent]
    finally:
        node.stop()
    return {
        "provers": provers,
        "wall_s": wall,
        "throughput_rps": count / wall,
        "latency_median_s": statistics.median(latencies),
        "latency_p95_s": statistics.quantiles(latencies, n=20)[-1] if count > 1 else latencies[0],
        "latency_max_s": max(latencies),
    }


def render(
    load: tuple[float, float],
    rows: list[dict[str, float]],
    bursts: list[dict[str, float]],
    count: int,
) -> str:
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    ratios = [r["end_to_end_s"] / r["bare_prove_s"] for r in rows]
    lines = [
        "# Node benchmark",
        "",
        f"Machine: {os.cpu_count()}-core CPU ({platform.processor() or platform.machine()}), "
        "no GPU (onnxruntime CPU provider; no GPU figures were measured). "
        "Model: `breast_cancer` (30 inputs, 1 output, 2^15 rows). Chain: anvil, automine, "
        "node with 0 confirmations and a 50 ms poll. "
        f"1-minute load average {load[0]:.1f} at the start and {load[1]:.1f} at the end: "
        "above 2, other work shared the 2 cores and every proof took longer.",
        "",
        "Rerun: `python -m bench.bench_node` (3-4 minutes on an idle 2-core machine).",
        "",
        f"## One request at a time (medians of {len(rows)} requests)",
        "",
        "Each request is followed by a bare EZKL proof of the same input in a fresh process, so",
        "both see the same machine load.",
        "",
        "| stage | seconds |",
        "|---|---|",
        f"| node: detect (listener) + queues + gas estimate | {med['queue_and_detect_s']:.3f} |",
        f"| node: infer (onnxruntime) | {med['infer_s']:.4f} |",
        f"| node: witness | {med['witness_s']:.3f} |",
        f"| node: prove | {med['prove_s']:.3f} |",
        f"| node: submit (send -> receipt) | {med['submit_s']:.3f} |",
        f"| **request mined -> callback mined** | **{med['end_to_end_s']:.3f}** |",
        f"| node overhead (end to end - witness - prove) | {med['overhead_s']:.3f} |",
        f"| bare EZKL witness, same input | {med['bare_witness_s']:.3f} |",
        f"| bare EZKL prove, same input | {med['bare_prove_s']:.3f} |",
        "",
        f"End to end / bare prove time: median **{statistics.median(ratios):.2f}x** "
        f"(per request: {', '.join(f'{r:.2f}' for r in ratios)}; goal: under 1.25x).",
        "",
        f"## Burst of {count} requests",
        "",
        "All requests sent at once (one per block); wall time until the last callback is mined.",
        "",
        "| proving workers | wall s | requests/s | median latency s | max latency s |",
        "|---|---|---|---|---|",
    ]
    for b in bursts:
        lines.append(
            f"| {b['provers']} | {b['wall_s']:.1f} | {b['throughput_rps']:.3f} | "
            f"{b['latency_median_s']:.1f} | {b['latency_max_s']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=5, help="single requests to time")
    parser.add_argument("--burst", type=int, default=20, help="requests per burst")
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - for stdout")
    args = parser.parse_args(argv)
    from oracle_node.devchain import Anvil

    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = str(work / "bare-keys")
        with Anvil(accounts=args.single + 2 * args.burst + 4) as anvil:
            bench = Bench(anvil.url, work)
            print("single requests...", flush=True)
            rows = single(bench, args.single, cache)
            bursts = []
            for provers in (1, 2):
                print(f"burst with {provers} worker(s)...", flush=True)
                bursts.append(burst(bench, provers, args.burst))
    text = render((load_start, os.getloadavg()[0]), rows, bursts, args.burst)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text)
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
