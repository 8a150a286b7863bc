"""Batched circuits vs their one-sample circuits: rows per N, proving time, verifier gas.

    python -m bench.bench_batch              # on anvil, rewrites bench/results/batch.md
    python -m bench.bench_batch --out -      # print only

For each shipped batched variant (``circuits/<name>_b<N>``): the rows each batch size the
build's search tried takes (gen_settings at the calibrated scales, as ``circuits build --batch
auto`` does), the setup and proving time of the one-sample circuit and of the batched one in the
same process on the same CPU (the batched proof holds N held-out samples), and the gas of a
``verifyProof`` transaction to each generated verifier on a local chain.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_circuits import _cpu

ROOT = Path(__file__).resolve().parents[1]
CIRCUITS = ROOT / "circuits"
RESULTS = ROOT / "bench" / "results" / "batch.md"


def _samples(name: str, scale: int, count: int) -> list[list[int]]:
    from oracle_node.circuits.datasets import held_out
    from oracle_node.encoding import float_to_int

    features, _ = held_out(name)
    return [[float_to_int(v, scale) for v in row] for row in features[:count]]


def layouts(batched: str, single: str) -> dict[int, int]:
    """Rows per N that the auto search lays out for ``batched`` (N = 1 from calibration)."""
    from oracle_node.circuits.build import MAX_BATCH, MAX_INSTANCES, BatchPlanner
    from oracle_node.circuits.manifest import load_manifest

    manifest = load_manifest(CIRCUITS / batched)
    calibrated = json.loads((CIRCUITS / single / "settings.json").read_text())
    per_sample = manifest.input_len + manifest.output_len
    with tempfile.TemporaryDirectory() as tmp:
        planner = BatchPlanner(
            CIRCUITS / batched / "model.onnx", Path(tmp), calibrated, "batch_size", lambda _: None
        )
        chosen = planner.pick(manifest.logrows, min(MAX_BATCH, MAX_INSTANCES // per_sample))
    if chosen != manifest.batch_size:
        raise SystemExit(f"{batched}: the search now picks N={chosen}, the build picked another")
    return {n: rows for (n, _), rows in sorted(planner.layouts.items())}


def prove_times(name: str, cache: Path, runs: int) -> dict[str, Any]:
    """Setup and median prove time of the circuit ``name`` on a full batch of held-out samples."""
    from oracle_node.circuits.proving import Prover

    prover = Prover(CIRCUITS / name, cache_dir=cache)
    started = time.perf_counter()
    prover.ensure_proving_key()
    setup_s = time.perf_counter() - started
    samples = _samples(name.split("_b")[0], prover.manifest.input_scale, prover.batch_size)
    times = []
    proof = None
    for _ in range(runs):
        started = time.perf_counter()
        if prover.batch_size == 1:
            proof = prover.prove(samples[0])
        else:
            proof = prover.prove_batch(samples).result
        times.append(time.perf_counter() - started)
    assert proof is not None and prover.verify(proof)
    return {
        "setup_s": setup_s,
        "prove_s": statistics.median(times),
        "proof": proof,
        "batch": prover.batch_size,
    }


def verify_gas(network: str, proofs: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """``verifyProof`` transaction gas and runtime code bytes of each circuit's verifier."""
    from ape import accounts, networks

    from oracle_node.circuits.manifest import load_manifest
    from oracle_node.deploy import artifact_container

    out: dict[str, tuple[int, int]] = {}
    with networks.parse_network_choice(network):
        owner = accounts.test_accounts[0]
        for name, proof in proofs.items():
            contract = load_manifest(CIRCUITS / name).verifier_contract
            verifier = owner.deploy(artifact_container(contract))
            gas = verifier.verifyProof(proof.proof, proof.instances, sender=owner).gas_used
            code = len(bytes(networks.provider.web3.eth.get_code(verifier.address)))
            out[name] = (int(gas), code)
    return out


def bench(network: str, runs: int) -> str:
    from oracle_node.circuits.datasets import BATCHED_MODELS
    from oracle_node.circuits.manifest import load_manifest
    from oracle_node.circuits.proving import EZKL_VERSION

    load_before = os.getloadavg()[0]
    layout_rows = []
    timings: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as cache:
        for batched, single in sorted(BATCHED_MODELS.items()):
            logrows = load_manifest(CIRCUITS / batched).logrows
            tried = layouts(batched, single)
            for n, rows in tried.items():
                fits = "yes" if rows + 8 <= 2**logrows else "no"
                mark = " (picked)" if n == load_manifest(CIRCUITS / batched).batch_size else ""
                layout_rows.append(f"| {single} | {n}{mark} | {rows:,} | 2^{logrows} | {fits} |")
            for name in (single, batched):
                timings[name] = prove_times(name, Path(cache), runs)
    gas = verify_gas(network, {name: t["proof"] for name, t in timings.items()})
    rows = []
    for batched, single in sorted(BATCHED_MODELS.items()):
        for name in (single, batched):
            t, (g, code) = timings[name], gas[name]
            n = t["batch"]
            rows.append(
                f"| {name} | {n} | {len(t['proof'].instances):,} | {t['setup_s']:.1f} "
                f"| {t['prove_s']:.2f} | {t['prove_s'] / n:.2f} | {g:,} | {g // n:,} "
                f"| {code:,} |"
            )
    load = f"{load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end"
    return "\n".join(
        [
            "# Batched circuits benchmark",
            "",
            f"Machine: {_cpu()}, {os.cpu_count()} cores, no GPU; EZKL {EZKL_VERSION}. Generated "
            f"by `python -m bench.bench_batch` on {time.strftime('%Y-%m-%d', time.gmtime())} "
            f"against {network}; 1-minute load average {load} (other work on the machine "
            "slows proving; the ratio of the two circuits, measured in the same run, is what "
            "counts).",
            "",
            "## Rows per batch size (the auto search of `circuits build`)",
            "",
            "gen_settings at the scales calibration chose for one sample; a layout fits when its "
            "rows plus EZKL's 8 reserved rows fit 2^logrows (set by the lookup tables at N = 1).",
            "",
            "| model | N | rows | 2^logrows | fits |",
            "|---|---|---|---|---|",
            *layout_rows,
            "",
            "## Proving time and verifier gas",
            "",
            f"Prove: witness + proof of a full batch of held-out samples, median of {runs} runs "
            "(after the proving key is built: setup s). Gas: one `verifyProof` transaction "
            "(21,000 base and calldata included).",
            "",
            "| circuit | N | public values | setup s | prove s | prove s / sample "
            "| verifyProof gas | gas / sample | verifier code bytes |",
            "|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", default="ethereum:local:foundry")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - for stdout")
    args = parser.parse_args(argv)
    text = bench(args.network, args.runs)
    if args.out != "-":
        Path(args.out).write_text(text)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
