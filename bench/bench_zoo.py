"""Cost curves of every model, old and new, plus tree ensembles built at 2^18-2^20 rows.

    python -m bench.bench_zoo                      # rewrites bench/results/zoo.md, zoo.json and
                                                   # docs/img/cost-curves.png
    python -m bench.bench_zoo --large 18 19 20     # which large circuits to build (default 18 19)
    python -m bench.bench_zoo --large              # committed circuits only
    python -m bench.bench_zoo --chart-only         # redraw the chart from bench/results/zoo.json
    python -m bench.bench_zoo --only-large --large 20   # add (or replace) large rows only

Per committed circuit: rows used, logrows, setup and prove time and peak RSS (each in a fresh
child process, as in ``bench.bench_circuits``), proving-key size, gas of a ``verifyProof``
transaction and of ``fulfill`` on anvil (``bench.bench_gas``), and the agreement of the
circuit's quantized outputs with onnxruntime's float outputs on held-out samples.

The large circuits are ``credit_gbt``-shaped ensembles with more trees, trained here, built in
a scratch folder against a dev SRS generated once and cached in ``circuits/.cache/srs/``
(git-ignored, never committed); they measure setup and proving only (verifier gas depends on
the number of public instances, not on rows: see the committed rows).
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

from bench.bench_circuits import _cpu, _run_child

ROOT = Path(__file__).resolve().parents[1]
CIRCUITS = ROOT / "circuits"
RESULTS = ROOT / "bench" / "results" / "zoo.md"
DATA = ROOT / "bench" / "results" / "zoo.json"
CHART = ROOT / "docs" / "img" / "cost-curves.png"
SRS_CACHE = CIRCUITS / ".cache" / "srs"
# Trees of depth 3 per large circuit: about 450 rows per tree at scale 12.
LARGE_TREES = {18: 400, 19: 800, 20: 1600}
# |circuit - float| accepted for a score, in output units (documented in docs/circuits.md).
SCORE_TOLERANCE = 0.05
GOALS = {"prove_s": 30.0, "peak_mb": 4096.0, "fulfil_gas": 700_000, "agreement": 0.97}


def agreement(name: str, model_dir: Path, samples: int) -> dict[str, float]:
    """Share of held-out samples where circuit and float model pick the same label, and
    where every output is within :data:`SCORE_TOLERANCE` of the float output."""
    import numpy as np
    import onnxruntime as ort

    from oracle_node.circuits.datasets import held_out, predicted_label
    from oracle_node.circuits.proving import Prover
    from oracle_node.encoding import float_to_int

    prover = Prover(model_dir)
    manifest = prover.manifest
    session = ort.InferenceSession(
        str(model_dir / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    features, labels = held_out(name)
    rows = list(zip(features, labels, strict=True))[:samples]
    same_label = within = float_right = circuit_right = 0
    worst = 0.0
    for row, label in rows:
        x = np.asarray(row, dtype=np.float32).reshape(manifest.input_shape)
        expected = session.run(None, {"input": x})[0].reshape(-1)
        outputs = prover.witness_outputs([float_to_int(v, manifest.input_scale) for v in row])
        got = np.asarray(outputs) / 2.0**manifest.output_scale
        error = float(np.abs(got - expected).max())
        worst = max(worst, error)
        within += error <= SCORE_TOLERANCE
        same_label += predicted_label(outputs) == predicted_label(list(expected))
        float_right += predicted_label(list(expected)) == label
        circuit_right += predicted_label(outputs) == label
    n = len(rows)
    return {
        "samples": n,
        "label_agreement": same_label / n,
        "within_tolerance": within / n,
        "max_abs_error": worst,
        "float_accuracy": float_right / n,
        "circuit_accuracy": circuit_right / n,
    }


def _gas(models: tuple[str, ...], network: str) -> dict[str, dict[str, int]]:
    from bench.bench_gas import measure

    gas: dict[str, dict[str, int]] = {}
    for row in measure(network, models):
        if row["requester"] == "account" and row["run"] == "steady":
            gas[row["model"]] = {"verify_gas": row["verify"], "fulfil_gas": row["fulfil"]}
    return gas


def _costs(model_dir: Path, cache: Path, runs: int) -> dict[str, Any]:
    from oracle_node.circuits.manifest import load_manifest

    manifest = load_manifest(model_dir)
    settings = json.loads((model_dir / "settings.json").read_text())
    setup = _run_child("setup", model_dir, cache, 1)
    prove = _run_child("prove", model_dir, cache, runs)
    return {
        "inputs": manifest.input_len,
        "outputs": manifest.output_len,
        "rows": int(settings["num_rows"]),
        "logrows": manifest.logrows,
        "inner_cols": int(settings["run_args"].get("num_inner_cols", 2)),
        "setup_s": setup["setup_s"],
        "prove_s": prove["prove_s"],
        "peak_mb": max(setup["peak_rss_mb"], prove["peak_rss_mb"]),
        "pk_mib": setup["pk_bytes"] / 2**20,
    }


def large_circuit(logrows: int, work: Path, log: Any) -> Path:
    """Train a ``credit_gbt``-shaped ensemble sized for ``logrows`` and build it in ``work``."""
    import onnx
    from sklearn.ensemble import GradientBoostingClassifier

    from oracle_node.circuits.build import BuildOptions, build_circuit
    from oracle_node.circuits.datasets import load_split
    from oracle_node.circuits.trees import gradient_boosting_to_onnx

    split = load_split("credit_gbt")
    trees = LARGE_TREES[logrows]
    model = GradientBoostingClassifier(
        n_estimators=trees, max_depth=3, learning_rate=0.05, random_state=7
    ).fit(split.train_x, split.train_y)
    onnx_path = work / f"gbt{trees}.onnx"
    onnx.save(gradient_boosting_to_onnx(model, f"gbt{trees}"), onnx_path)
    calibration = work / "calibration.json"
    calibration.write_text(json.dumps({"input_data": [split.train_x[:16].reshape(-1).tolist()]}))
    circuits = work / "circuits"
    circuits.mkdir()
    SRS_CACHE.mkdir(parents=True, exist_ok=True)
    (circuits / "srs").symlink_to(SRS_CACHE.resolve())
    options = BuildOptions(
        onnx_path=onnx_path,
        calibration_path=calibration,
        name="credit_gbt",
        circuits_dir=circuits,
        verifiers_dir=work / "verifiers",
        cache_dir=work / "build-cache",
        scales=[12],
        max_logrows=20,
        num_inner_cols=1,
    )
    build_circuit(options, log=log)
    return circuits / "credit_gbt"


def run(args: argparse.Namespace) -> dict[str, Any]:
    from oracle_node.circuits.datasets import ALL_MODELS

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    load_before = os.getloadavg()[0]
    models: list[dict[str, Any]] = []
    partial = DATA.with_suffix(".partial.json")  # progress survives a crash of a long run
    previous: dict[str, Any] = {}
    if args.only_large:
        previous = json.loads(DATA.read_text())
        replaced = {f"credit_gbt, {LARGE_TREES[k]} trees" for k in args.large}
        models = [m for m in previous["models"] if m["model"] not in replaced]
    gas = {} if args.only_large else _gas(ALL_MODELS, args.network)
    for name in () if args.only_large else ALL_MODELS:
        log(f"== {name}")
        with tempfile.TemporaryDirectory() as tmp:
            entry = {"model": name, "committed": True}
            entry |= _costs(CIRCUITS / name, Path(tmp) / "cache", args.runs)
        entry |= gas[name]
        entry |= agreement(name, CIRCUITS / name, args.agreement_samples)
        log(json.dumps(entry))
        models.append(entry)
        partial.write_text(json.dumps(models, indent=1))
    for logrows in args.large:
        log(f"== large tree ensemble for 2^{logrows} rows")
        with tempfile.TemporaryDirectory(dir=CIRCUITS / ".cache") as tmp:
            started = time.monotonic()
            model_dir = large_circuit(logrows, Path(tmp), log)
            entry = {"model": f"credit_gbt, {LARGE_TREES[logrows]} trees", "committed": False}
            entry["build_s"] = time.monotonic() - started
            entry |= _costs(model_dir, Path(tmp) / "cache", 1)
        log(json.dumps(entry))
        models.append(entry)
        partial.write_text(json.dumps(models, indent=1))
    partial.unlink(missing_ok=True)
    models.sort(key=lambda m: (not m["committed"], m["rows"] if not m["committed"] else 0))
    if previous:
        previous["models"] = models
        previous["large_rows_added"] = time.strftime("%Y-%m-%d", time.gmtime())
        return previous
    return {
        "machine": f"{_cpu()}, {os.cpu_count()} cores, no GPU",
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "load": f"{load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end",
        "network": args.network,
        "prove_runs": args.runs,
        "models": models,
    }


def _goal(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(data: dict[str, Any]) -> str:
    from oracle_node.circuits.proving import EZKL_VERSION

    lines = [
        "# Cost curves: every model, old and new",
        "",
        f"Machine: {data['machine']}; EZKL {EZKL_VERSION}, Python {data['python']}. Generated "
        f"by `python -m bench.bench_zoo` on {data['date']}; 1-minute load average "
        f"{data['load']} (the machine was shared: other work slows proving).",
        "",
        "Setup builds the proving key (once per node, cached); prove is witness + proof of "
        f"held-out sample 0, median of {data['prove_runs']} runs; peak RSS is the larger of the "
        "setup and prove child processes. Gas: a `verifyProof` transaction and a `fulfill` "
        f"transaction (account requester, steady state) on `{data['network']}`. Agreement: "
        "share of the first held-out samples where the circuit's quantized output (EZKL "
        "witness, what a proof attests) picks the same label as onnxruntime's float output, "
        f"and where every output is within {SCORE_TOLERANCE} of it.",
        "",
        "| model | in -> out | rows used | logrows | setup s | prove s | peak RSS MB "
        "| proving key MiB | verifyProof gas | fulfil gas | same label | within tol. "
        "| max abs error | float acc. | circuit acc. |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|",
    ]
    for m in data["models"]:
        gas_cells = (
            f"{m['verify_gas']:,} | {m['fulfil_gas']:,}" if "verify_gas" in m else "n/a | n/a"
        )
        agree = (
            f"{m['label_agreement']:.4f} (n={m['samples']}) | {m['within_tolerance']:.4f} "
            f"| {m['max_abs_error']:.4f} | {m['float_accuracy']:.4f} | {m['circuit_accuracy']:.4f}"
            if "samples" in m
            else "n/a | n/a | n/a | n/a | n/a"
        )
        lines.append(
            f"| {m['model']}{'' if m['committed'] else ' (not committed)'} "
            f"| {m['inputs']} -> {m['outputs']} | {m['rows']:,} | {m['logrows']} "
            f"| {m['setup_s']:.1f} | {m['prove_s']:.1f} | {m['peak_mb']:.0f} "
            f"| {m['pk_mib']:.0f} | {gas_cells} | {agree} |"
        )
    zoo = [m for m in data["models"] if m["model"] in ("credit_gbt", "digits_cnn", "anomaly_ae")]
    lines += [
        "",
        "Goals for each zoo model (2 cores): prove < 30 s, peak memory < 4 GB, fulfil gas < "
        "700k, same label as the float model on >= 97 % of held-out samples.",
        "",
        "| model | prove < 30 s | peak < 4 GB | fulfil < 700k | agreement >= 97 % |",
        "|---|---|---|---|---|",
    ]
    for m in zoo:
        lines.append(
            f"| {m['model']} | {_goal(m['prove_s'] < GOALS['prove_s'])} "
            f"| {_goal(m['peak_mb'] < GOALS['peak_mb'])} "
            f"| {_goal(m['fulfil_gas'] < GOALS['fulfil_gas'])} "
            f"| {_goal(m['label_agreement'] >= GOALS['agreement'])} |"
        )
    lines += ["", f"Chart: `{CHART.relative_to(ROOT)}` (prove time and gas against rows).", ""]
    return "\n".join(lines)


def chart(data: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = data["models"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for m in models:
        marker = "o" if m["committed"] else "s"
        left.scatter(m["rows"], m["prove_s"], marker=marker)
        left.annotate(m["model"].split(",")[0] if m["committed"] else f"gbt 2^{m['logrows']}",
                      (m["rows"], m["prove_s"]), fontsize=7, xytext=(3, 3),
                      textcoords="offset points")  # fmt: skip
        if "fulfil_gas" in m:
            right.scatter(m["rows"], m["fulfil_gas"] / 1000, marker="o", color="tab:blue")
            right.scatter(m["rows"], m["verify_gas"] / 1000, marker="x", color="tab:orange")
            right.annotate(m["model"], (m["rows"], m["fulfil_gas"] / 1000), fontsize=7,
                           xytext=(3, 3), textcoords="offset points")  # fmt: skip
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.set_xlabel("rows used (log2)")
        axis.grid(alpha=0.3)
    left.set_ylabel("prove s (2 cores, median)")
    left.set_title("Proving time against rows (squares: not committed)")
    right.set_ylabel("gas (thousands)")
    right.set_title("fulfil (o) and verifyProof (x) gas against rows")
    right.axhline(700, color="grey", linestyle="--", linewidth=0.8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="proofs per committed model")
    parser.add_argument("--large", type=int, nargs="*", default=[18, 19], choices=LARGE_TREES)
    parser.add_argument(
        "--agreement-samples", type=int, default=200, help="first N held-out samples per model"
    )
    parser.add_argument("--network", default="ethereum:local:foundry")
    parser.add_argument("--chart-only", action="store_true")
    parser.add_argument("--only-large", action="store_true", help="keep the committed rows")
    args = parser.parse_args(argv)
    if args.chart_only:
        data = json.loads(DATA.read_text())
    else:
        data = run(args)
        DATA.write_text(json.dumps(data, indent=1) + "\n")
        RESULTS.write_text(render(data))
    chart(data, CHART)
    print(RESULTS.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
