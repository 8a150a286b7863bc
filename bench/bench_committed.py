"""Committed inputs against public ones: request gas, fulfil gas per inference, prove time and
rows, for breast_cancer and digits at N = 1, 16, 32 and the largest N that fits 2^17 rows.

    python -m bench.bench_committed                        # bench/results/committed.md
    python -m bench.bench_committed --sizes 1,max --out -  # some sizes, print only

For each model and N, both variants run in the same process on the same anvil: the public
circuit of N samples (``requestInference`` with the input, ``fulfillBatch`` checking N x
inputLen input instances) and the committed one (``requestCommitted`` with one Poseidon value,
``fulfillBatch`` checking N hashes). A circuit the repository ships is used as it is
(``breast_cancer``, ``breast_cancer_b23``, ``breast_cancer_c1``, ``breast_cancer_c88``,
``digits``, ``digits_b9``, ``digits_c37``); the others are built here in a temporary folder
(minutes each at 2^16 and 2^17 rows). The requester is an account (no callback) and every
request carries no delivery (what a private request puts on-chain). Fulfil gas is the second
round on the deployment (steady state: no first-time storage writes).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_batch_fulfil import FEE, GasBench, _samples

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "committed.md"
# model -> (its shipped batched public variant, its largest shipped committed circuit)
MODELS = {
    "breast_cancer": ("breast_cancer_b23", "breast_cancer_c88"),
    "digits": ("digits_b9", "digits_c37"),
}
GOALS = {"breast_cancer": 40_000, "digits": 60_000}
REQUEST_GOAL = 80_000
SIZES = "1,16,32,max"


def largest(name: str) -> int:
    from oracle_node.circuits.manifest import read_manifest

    return read_manifest(ROOT / "circuits" / MODELS[name][1]).batch_size


def circuit_for(name: str, size: int, committed: bool, work: Path) -> Path:
    """The circuit folder of ``name`` at N = ``size``, public or committed (built if not
    shipped, from the shipped batched variant's ONNX and calibration data)."""
    from oracle_node.circuits.build import BuildOptions, build_circuit
    from oracle_node.circuits.manifest import read_manifest

    variant = ROOT / "circuits" / MODELS[name][0]
    shipped = [f"{name}_c{size}"] if committed else [name if size == 1 else "", variant.name]
    for folder in (ROOT / "circuits" / s for s in shipped if s):
        manifest_path = folder / "manifest.json"
        if manifest_path.is_file():
            manifest = read_manifest(folder)
            if manifest.batch_size == size and manifest.committed == committed:
                return folder
    circuits = work / "circuits"
    circuits.mkdir(parents=True, exist_ok=True)
    if not (circuits / "srs").exists():
        (circuits / "srs").symlink_to(ROOT / "circuits" / "srs")
    label = f"{name}_{'c' if committed else 'p'}{size}"
    options = BuildOptions(
        onnx_path=variant / "model.onnx",
        calibration_path=variant / "calibration.json",
        name=label,
        circuits_dir=circuits,
        verifiers_dir=work / "contracts" / "verifiers",
        cache_dir=work / "keys",
        batch=size,
        inputs="hashed" if committed else "public",
        num_inner_cols=json.loads((variant / "settings.json").read_text())["run_args"][
            "num_inner_cols"
        ],
    )
    print(f"building {label} ...", flush=True)
    build_circuit(options, log=lambda line: None)
    return circuits / label


class CommittedBench(GasBench):
    def measure_variant(self, name: str, folder: Path, committed: bool) -> dict[str, Any]:
        from oracle_node.circuits.proving import Prover
        from oracle_node.protocol import registration_for
        from oracle_node.protocol.committed import commit
        from oracle_node.protocol.publish import publish_model

        registration = registration_for(folder, fee=FEE, artifacts_uri="file://bench")
        published = publish_model(self.contracts, self.owner, self.record, registration)
        model_id = published.model_id
        self.send(self.node, self.contracts.node_registry.functions.addModel(model_id))
        prover = Prover(folder, cache_dir=self.work / "keys")
        size = prover.batch_size
        samples = _samples(name, prover.manifest.input_scale, size)
        opened = [commit(s) for s in samples] if committed else []
        salts = [list(c.salt) for c in opened] if committed else None
        started = time.monotonic()
        if size == 1:
            result = prover.prove(samples[0], salts[0] if salts else None)
        else:
            result = prover.prove_batch(samples, salts).result
        prove_s = time.monotonic() - started
        coordinator = self.contracts.coordinator
        settings = json.loads((folder / "settings.json").read_text())
        row: dict[str, Any] = {
            "model": name,
            "N": size,
            "inputs": "committed" if committed else "public",
            "prove_s": prove_s,
            "rows": int(settings["num_rows"]),
            "logrows": prover.manifest.logrows,
            "instances": len(result.instances),
        }
        if committed:

            def request(i: int) -> Any:
                return coordinator.functions.requestCommitted(
                    model_id, opened[i].commitment, 100_000, b""
                )
        else:

            def request(i: int) -> Any:
                return coordinator.functions.requestInference(model_id, samples[i], 100_000)

        row.update(self.settle_rounds(size, result, request))
        return row


def run(sizes: list[str]) -> list[dict[str, Any]]:
    from oracle_node.devchain import Anvil
    from oracle_node.exceptions import CircuitError, ConfigError

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-committed-") as tmp, Anvil(accounts=4) as anvil:
        work = Path(tmp)
        bench = CommittedBench(anvil.url, work)
        for name in MODELS:
            for text in sizes:
                size = largest(name) if text == "max" else int(text)
                for committed in (False, True):
                    kind = "committed" if committed else "public"
                    try:
                        folder = circuit_for(name, size, committed, work)
                    except (CircuitError, ConfigError) as exc:  # e.g. a verifier over EIP-170
                        print(f"{name} N={size} {kind}: not built: {exc}", flush=True)
                        rows.append({"model": name, "N": size, "inputs": kind, "error": str(exc)})
                        continue
                    print(f"{name} N={size} {kind}: proving and fulfilling ...", flush=True)
                    rows.append(bench.measure_variant(name, folder, committed))
                    print(f"  {rows[-1]}", flush=True)
    return rows


def render(rows: list[dict[str, Any]], sizes: str, load: tuple[float, float]) -> str:
    lines = [
        "# Committed inputs: gas, proving time and rows against public inputs",
        "",
        f"Machine: {os.cpu_count()}-core CPU ({platform.processor() or platform.machine()}), no "
        f"GPU; anvil. 1-minute load average {load[0]:.1f} at the start and {load[1]:.1f} at the "
        "end (above 2, other work shared the cores, so prove times are upper bounds). Rerun: "
        f"`python -m bench.bench_committed --sizes {sizes}`.",
        "",
        "Steady state (second round on the deployment), no callback. Request gas: the largest "
        "of the round's requests (a committed request carries no delivery). Per inference: "
        "the fulfilment's gas over N.",
        "",
        "| model | N | inputs | rows (2^k) | public values | prove s | request gas | fulfil gas | per inference |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['model']} | {r['N']} | {r['inputs']} | not built: {r['error']} |")
            continue
        lines.append(
            f"| {r['model']} | {r['N']} | {r['inputs']} | {r['rows']:,} (2^{r['logrows']}) | "
            f"{r['instances']} | {r['prove_s']:.1f} | {r['steady_request_gas']:,} | "
            f"{r['steady_gas']:,} | {r['per_inference']:,.0f} |"
        )
    lines += ["", "## Goals", ""]
    for name, goal in GOALS.items():
        done = [
            r
            for r in rows
            if r["model"] == name and r["inputs"] == "committed" and "error" not in r
        ]
        if not done:
            continue
        best = max(done, key=lambda r: r["N"])
        met = "met" if best["per_inference"] <= goal else "MISSED"
        lines.append(
            f"- {name}, committed, N = {best['N']}: {best['per_inference']:,.0f} gas per "
            f"inference (goal <= {goal:,}: {met})."
        )
    committed = [r for r in rows if r["inputs"] == "committed" and "error" not in r]
    if committed:
        worst = max(r["steady_request_gas"] for r in committed)
        met = "met" if worst <= REQUEST_GOAL else "MISSED"
        lines.append(
            f"- A committed request: at most {worst:,} gas (goal <= {REQUEST_GOAL:,}: {met})."
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=SIZES, help="batch sizes; max = the largest shipped")
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - to print only")
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    rows = run(args.sizes.split(","))
    text = render(rows, args.sizes, (load_start, os.getloadavg()[0]))
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
