"""Batched proofs: fulfil gas per inference at N = 1, 4, 8, 16, and a node's burst with
batching off and on.

    python -m bench.bench_batch_fulfil                    # both parts: bench/results/batch_fulfil.md
    python -m bench.bench_batch_fulfil --part gas --out -  # one part, print only
    python -m bench.bench_batch_fulfil --part node --burst 64

**gas**: for each reference model and each N, the circuit of N samples (N = 1: the committed
circuit; the shipped batched variant where its N matches; otherwise built here, in a temporary
folder, from the variant's ONNX and calibration data, which takes a few minutes each), its
generated verifier deployed on anvil, N requests from an account (no callback), one real EZKL
proof of N held-out samples, and one ``fulfillBatch`` (``fulfill`` at N = 1). The first round on
a fresh deployment pays one-time storage writes; the figures are from the second round.

**node**: one staked node on anvil (automine, 0 confirmations), ``--burst`` requests sent at
once through the example ``ScreeningGate`` consumer, timed from each request's mined receipt
to its callback's event: once with the unbatched ``breast_cancer`` circuit (one proof and one
``fulfill`` per request), once with the batched variant (one proof and one ``fulfillBatch`` per
batch), with the same number of proving processes.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "batch_fulfil.md"
FEE = 10**15
SIZES = (1, 4, 8, 16)
# model -> (committed unbatched circuit, shipped batched variant), and the per-inference goal
MODELS = {"breast_cancer": "breast_cancer_b23", "digits": "digits_b9"}
GOALS = {"breast_cancer": 100_000, "digits": 160_000}


def circuit_for(name: str, size: int, work: Path, log: Any = print) -> Path:
    """The circuit folder of ``name`` at batch size ``size`` (built when none is shipped)."""
    import json

    from oracle_node.circuits.build import BuildOptions, build_circuit
    from oracle_node.circuits.manifest import read_manifest

    if size == 1:
        return ROOT / "circuits" / name
    variant = ROOT / "circuits" / MODELS[name]
    if read_manifest(variant).batch_size == size:
        return variant
    circuits = work / "circuits"
    circuits.mkdir(parents=True, exist_ok=True)
    if not (circuits / "srs").exists():
        (circuits / "srs").symlink_to(ROOT / "circuits" / "srs")
    options = BuildOptions(
        onnx_path=variant / "model.onnx",
        calibration_path=variant / "calibration.json",
        name=f"{name}_n{size}",
        circuits_dir=circuits,
        verifiers_dir=work / "contracts" / "verifiers",
        cache_dir=work / "keys",
        batch=size,
        # the shipped variant's layout (its columns set the verifier's size)
        num_inner_cols=json.loads((variant / "settings.json").read_text())["run_args"][
            "num_inner_cols"
        ],
    )
    log(f"building {options.name} (N={size}) ...")
    build_circuit(options, log=lambda line: log(f"  {line}"))
    return circuits / options.name


class GasBench:
    """The protocol on one anvil, deployed with web3 from the shipped artifacts."""

    def __init__(self, url: str, work: Path) -> None:
        from eth_account import Account
        from web3 import Web3

        from oracle_node.chain.contracts import OracleContracts
        from oracle_node.devchain import dev_key
        from oracle_node.protocol.publish import deploy_protocol

        self.w3 = Web3(Web3.HTTPProvider(url))
        self.work = work
        self.owner, self.node, self.requester = (Account.from_key(dev_key(i)) for i in range(3))
        self.record = deploy_protocol(self.w3, self.owner, network="anvil")
        c = self.record.contracts
        self.contracts = OracleContracts(
            self.w3, c["InferenceCoordinator"], c["ModelRegistry"], c["NodeRegistry"]
        )
        registry = self.contracts.node_registry
        self.send(
            self.node, registry.functions.stake(), value=int(registry.functions.minStake().call())
        )

    def send(self, signer: Any, call: Any, value: int = 0) -> Any:
        from oracle_node.chain.tx import send_transaction

        return send_transaction(self.w3, signer, call, self.contracts.decoder, value=value)

    def measure(self, name: str, folder: Path) -> dict[str, Any]:
        from oracle_node.circuits.proving import Prover
        from oracle_node.protocol import registration_for
        from oracle_node.protocol.publish import publish_model

        registration = registration_for(folder, fee=FEE, artifacts_uri="file://bench")
        published = publish_model(self.contracts, self.owner, self.record, registration)
        model_id = published.model_id
        self.send(self.node, self.contracts.node_registry.functions.addModel(model_id))
        prover = Prover(folder, cache_dir=self.work / "keys")
        size = prover.batch_size
        samples = _samples(name, prover.manifest.input_scale, size)
        started = time.monotonic()
        one = size == 1
        result = prover.prove(samples[0]) if one else prover.prove_batch(samples).result
        prove_s = time.monotonic() - started
        verifier = self.w3.eth.contract(
            address=published.verifier,
            abi=[_VERIFY_ABI],
        )
        verify = self.send(
            self.owner, verifier.functions.verifyProof(result.proof, result.instances)
        )
        coordinator = self.contracts.coordinator
        row: dict[str, Any] = {"model": name, "N": size, "prove_s": prove_s,
                               "verify_gas": int(verify["gasUsed"])}  # fmt: skip
        row.update(
            self.settle_rounds(
                size,
                result,
                lambda i: coordinator.functions.requestInference(model_id, samples[i], 100_000),
            )
        )
        row["instances"] = len(result.instances)
        return row

    def settle_rounds(self, size: int, result: Any, request: Any) -> dict[str, Any]:
        """Two rounds of ``size`` requests (``request(i)``: the call for sample i) settled by
        one proof (``fulfill`` at N = 1, else ``fulfillBatch``): the gas of each round's
        fulfilment (``first_gas``, ``steady_gas``), of its largest request, and per inference."""
        from oracle_node.chain.contracts import commitment_to_json, commitment_tuple

        coordinator = self.contracts.coordinator
        row: dict[str, Any] = {}
        for run in ("first", "steady"):
            ids, commitments, request_gas = [], [], []
            for i in range(size):
                receipt = self.send(self.requester, request(i), value=FEE)
                request_gas.append(int(receipt["gasUsed"]))
                event = coordinator.events.InferenceRequested().process_receipt(receipt)[0]
                ids.append(int(event["args"]["requestId"]))
                commitments.append(commitment_to_json(event["args"]["commitment"]))
            self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
            if size == 1:
                call = coordinator.functions.fulfill(
                    ids[0], commitment_tuple(commitments[0]), result.proof, result.instances
                )
            else:
                call = coordinator.functions.fulfillBatch(
                    ids, [commitment_tuple(c) for c in commitments], result.proof, result.instances
                )
            fulfil = self.send(self.node, call)
            row[f"{run}_gas"] = int(fulfil["gasUsed"])
            row[f"{run}_request_gas"] = max(request_gas)
        row["per_inference"] = row["steady_gas"] / size
        return row


_VERIFY_ABI = {
    "type": "function",
    "name": "verifyProof",
    "stateMutability": "nonpayable",
    "inputs": [{"name": "proof", "type": "bytes"}, {"name": "instances", "type": "uint256[]"}],
    "outputs": [{"name": "", "type": "bool"}],
}


def _samples(name: str, scale: int, count: int) -> list[list[int]]:
    from oracle_node.circuits.datasets import held_out
    from oracle_node.encoding import float_to_int

    features, _ = held_out(name)
    return [[float_to_int(v, scale) for v in features[i % len(features)]] for i in range(count)]


def gas_part(sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    from oracle_node.devchain import Anvil

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp, Anvil(accounts=4) as anvil:
        work = Path(tmp)
        bench = GasBench(anvil.url, work)
        for name in MODELS:
            for size in sizes:
                folder = circuit_for(name, size, work)
                print(f"{name} N={size}: proving and fulfilling ...", flush=True)
                rows.append(bench.measure(name, folder))
                print(f"  {rows[-1]}", flush=True)
    return rows


def node_part(count: int, provers: int, wait_s: float) -> list[dict[str, Any]]:
    from bench.bench_node import Bench, burst
    from oracle_node.devchain import Anvil

    results = []
    with tempfile.TemporaryDirectory(prefix="bench-batch-node-") as tmp:
        work = Path(tmp)
        for label, folder, policy in (
            ("off", ROOT / "circuits" / "breast_cancer", {}),
            ("on", ROOT / "circuits" / MODELS["breast_cancer"], {"batch_wait_s": wait_s}),
        ):
            with Anvil(accounts=count + 4) as anvil:
                print(f"burst of {count}, batching {label} ...", flush=True)
                bench = Bench(anvil.url, work / label, model_dir=folder)
                row = burst(bench, provers, count, **policy)
                row.update({"batching": label, "circuit": folder.name})
                results.append(row)
                print(f"  {row}", flush=True)
    return results


def render(
    gas: list[dict[str, Any]], node: list[dict[str, Any]], args: Any, load: tuple[float, float]
) -> str:
    lines = [
        "# Batched proofs: fulfil gas and node throughput",
        "",
        f"Machine: {os.cpu_count()}-core CPU ({platform.processor() or platform.machine()}), no "
        f"GPU; anvil. 1-minute load average {load[0]:.1f} at the start and {load[1]:.1f} at the "
        "end (above 2, other work shared the cores). Rerun: "
        f"`python -m bench.bench_batch_fulfil --burst {args.burst} --provers {args.provers}`.",
        "",
    ]
    if gas:
        lines += [
            "## Fulfil gas per inference",
            "",
            "Steady state (second round on the deployment); the requester is an account, so no "
            "callback runs. `verifyProof` is a transaction calling the generated verifier alone "
            "with the same proof (its 21,000 base and calldata included).",
            "",
            "| model | N | public values | prove s | verifyProof gas | fulfil gas (batch) | per inference | goal |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in gas:
            goal = GOALS[r["model"]]
            met = "met" if r["per_inference"] <= goal else "MISSED"
            lines.append(
                f"| {r['model']} | {r['N']} | {r['instances']} | {r['prove_s']:.1f} | "
                f"{r['verify_gas']:,} | {r['steady_gas']:,} | {r['per_inference']:,.0f} | "
                f"{'<= ' + format(goal, ',') + ' at N=16: ' + met if r['N'] == 16 else ''} |"
            )
        lines.append("")
    if node:
        off = next(r for r in node if r["batching"] == "off")
        on = next(r for r in node if r["batching"] == "on")
        ratio = on["throughput_rps"] / off["throughput_rps"]
        lines += [
            f"## A burst of {args.burst} requests, batching off and on",
            "",
            f"One node, {args.provers} proving process(es); `batch_wait_s` = {args.wait}. Latency: "
            "request receipt -> callback event.",
            "",
            "| batching | circuit | wall s | requests/s | p50 latency s | p95 latency s | max s |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for r in node:
            lines.append(
                f"| {r['batching']} | {r['circuit']} | {r['wall_s']:.1f} | "
                f"{r['throughput_rps']:.3f} | {r['latency_median_s']:.1f} | "
                f"{r['latency_p95_s']:.1f} | {r['latency_max_s']:.1f} |"
            )
        lines += [
            "",
            f"Throughput with batching: **{ratio:.1f}x** the unbatched node's (goal: at least 6x).",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("gas", "node", "both"), default="both")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="batch sizes for gas")
    parser.add_argument("--burst", type=int, default=64)
    parser.add_argument("--provers", type=int, default=1)
    parser.add_argument("--wait", type=float, default=2.0, help="batch_wait_s of the node")
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - to print only")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    sizes = tuple(int(x) for x in args.sizes.split(","))
    gas = gas_part(sizes) if args.part in ("gas", "both") else []
    node = node_part(args.burst, args.provers, args.wait) if args.part in ("node", "both") else []
    text = render(gas, node, args, (load_start, os.getloadavg()[0]))
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
