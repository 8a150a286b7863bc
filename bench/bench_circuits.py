"""Benchmark of the reference circuits: key setup, proving, memory, sizes, vs plain inference.

    python -m bench.bench_circuits            # rewrites bench/results/circuits.md
    python -m bench.bench_circuits --runs 5 --out -   # print only
    python -m bench.bench_circuits --compare-inner-cols 0   # committed circuits only

Setup and proving each run in a fresh child process so that its peak RSS is its own. Inputs
are held-out sample 0 of each model; onnxruntime times the same input on the same CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_gas import first_held_out

ROOT = Path(__file__).resolve().parents[1]
CIRCUITS = ROOT / "circuits"
RESULTS = ROOT / "bench" / "results" / "circuits.md"
MODELS = ("breast_cancer", "digits")


def _peak_rss_mb() -> float:
    """This process's peak RSS since it started (``VmHWM``).

    Not ``ru_maxrss``: Linux carries that over from the parent across fork and exec, so a child
    of a large benchmark process reported the parent's size (1.1 GB for every model).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(step: str, model_dir: str, cache: str, runs: int) -> None:
    """Run one measured step in this (fresh) process and print JSON."""
    from oracle_node.circuits.proving import Prover

    prover = Prover(model_dir, cache_dir=cache)
    name = prover.manifest.name
    if step == "setup":
        started = time.perf_counter()
        pk = prover.ensure_proving_key()
        out = {"setup_s": time.perf_counter() - started, "pk_bytes": pk.stat().st_size}
    else:
        inputs = first_held_out(name, prover.manifest.input_scale)
        times = []
        cpu = []
        result = None
        for _ in range(runs):
            cpu_before = _cpu_s()
            result = prover.prove(inputs)
            cpu.append(_cpu_s() - cpu_before)
            times.append(result.witness_s + result.prove_s)
        assert result is not None and prover.verify(result)
        out = {
            "prove_s": statistics.median(times),
            "prove_min_s": min(times),
            "prove_cpu_s": statistics.median(cpu),
            "proof_bytes": len(result.proof),
            "instances": len(result.instances),
        }
    out["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(out))


def _run_child(step: str, model_dir: Path, cache: Path, runs: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.bench_circuits", "--child", step, str(model_dir)]
    command.append(str(cache))
    done = subprocess.run(
        [*command, "--runs", str(runs)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _infer_s(name: str, scale: int, runs: int = 2000) -> float:
    import numpy as np
    import onnxruntime as ort

    from oracle_node.circuits.datasets import held_out

    session = ort.InferenceSession(
        str(CIRCUITS / name / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    features, _ = held_out(name)
    x = np.asarray([features[0]], dtype=np.float32)
    session.run(None, {"input": x})
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        session.run(None, {"input": x})
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _variant(name: str, inner_cols: int, work: Path) -> Path:
    """Build the committed model again with ``num_inner_cols = inner_cols`` into ``work``."""
    from oracle_node.circuits.build import BuildOptions, build_circuit

    circuits = work / "circuits"
    (circuits / "srs").mkdir(parents=True)
    for srs in (CIRCUITS / "srs").glob("*.srs"):
        (circuits / "srs" / srs.name).symlink_to(srs)
    options = BuildOptions(
        onnx_path=CIRCUITS / name / "model.onnx",
        calibration_path=CIRCUITS / name / "calibration.json",
        name=name,
        circuits_dir=circuits,
        verifiers_dir=work / "verifiers",
        cache_dir=work / "unused-cache",
        num_inner_cols=inner_cols,
    )
    build_circuit(options, log=lambda _: None)
    return circuits / name


def bench(runs: int, compare_inner_cols: int | None) -> str:
    from oracle_node.circuits.manifest import load_manifest
    from oracle_node.circuits.proving import EZKL_VERSION

    rows = []
    fastest: list[float] = []
    peaks: list[float] = []
    load_before = os.getloadavg()[0]
    cases: list[tuple[str, int | None]] = [(name, None) for name in MODELS]
    if compare_inner_cols is not None:
        cases += [(name, compare_inner_cols) for name in MODELS]
    for name, inner_cols in cases:
        with tempfile.TemporaryDirectory() as tmp:
            model_dir = CIRCUITS / name
            label = name
            if inner_cols is not None:
                model_dir = _variant(name, inner_cols, Path(tmp))
                label = f"{name}, rebuilt with num_inner_cols={inner_cols} (not committed)"
            manifest = load_manifest(model_dir)
            setup = _run_child("setup", model_dir, Path(tmp) / "cache", 1)
            prove = _run_child("prove", model_dir, Path(tmp) / "cache", runs)
        infer = _infer_s(name, manifest.input_scale)
        if inner_cols is None:
            fastest.append(prove["prove_min_s"])
            peaks.append(max(setup["peak_rss_mb"], prove["peak_rss_mb"]))
        rows.append(
            f"| {label} | {manifest.input_len} -> {manifest.output_len} | 2^{manifest.logrows} "
            f"| {setup['setup_s']:.2f} | {prove['prove_s']:.2f} ({prove['prove_min_s']:.2f}) "
            f"| {prove['prove_cpu_s']:.2f} "
            f"| {max(setup['peak_rss_mb'], prove['peak_rss_mb']):.0f} "
            f"(setup {setup['peak_rss_mb']:.0f}, prove {prove['peak_rss_mb']:.0f}) "
            f"| {setup['pk_bytes'] / 2**20:.0f} | {prove['proof_bytes']:,} "
            f"| {infer * 1e6:.0f} | {prove['prove_s'] / infer:,.0f} |"
        )
    cores = os.cpu_count()
    load = f"{load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end"
    return "\n".join(
        [
            "# Circuit benchmark",
            "",
            f"Machine: {_cpu()}, {cores} cores, no GPU; EZKL {EZKL_VERSION}, Python "
            f"{platform.python_version()}. Generated by `python -m bench.bench_circuits` "
            f"on {time.strftime('%Y-%m-%d', time.gmtime())}; 1-minute load average {load} "
            "(other work on the machine slows proving: compare runs at a low load).",
            "",
            "Setup builds the proving key from the compiled circuit and the committed dev SRS "
            "(once per node; cached). Prove is witness + proof for held-out sample 0, median of "
            f"{runs} runs in one process (fastest in brackets); prove CPU s is the user + system "
            "time of one proof (both cores; less sensitive than wall time to other load). "
            "Peak RSS is the whole Python process of that step. Inference is onnxruntime on the CPU, same input, median of "
            "2,000 runs.",
            "",
            "| model | inputs -> outputs | rows | setup s | prove s | prove CPU s | peak RSS MB "
            "| proving key MiB | proof bytes | onnxruntime µs | prove / infer |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            "Goal: prove a reference model on 2 CPU cores in under 5 s at under 1 GB peak. "
            f"This run, committed circuits: fastest proof {min(fastest):.2f} s, highest peak {max(peaks):.0f} MB: "
            + ("met." if min(fastest) < 5 and max(peaks) < 1000 else "not met."),
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--compare-inner-cols",
        type=int,
        default=2,
        help="also rebuild each model with this num_inner_cols (EZKL's default: 2) and "
        "measure it (0: skip)",
    )
    parser.add_argument("--out", default=str(RESULTS), help="markdown file, or - for stdout")
    parser.add_argument(
        "--child", nargs=3, metavar=("STEP", "MODEL_DIR", "CACHE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        step, model_dir, cache = args.child
        child(step, model_dir, cache, runs=args.runs)
        return
    table = bench(args.runs, args.compare_inner_cols or None)
    if args.out == "-":
        print(table)
    else:
        Path(args.out).write_text(table)
        print(table)


if __name__ == "__main__":
    main()
