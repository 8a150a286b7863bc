"""Inference on the CPU provider vs the CUDA provider, through the node's own model runtime.

    python -m bench.bench_gpu                      # rewrites bench/results/gpu.md
    python -m bench.bench_gpu --runs 20000 --out -  # print only
    python -m bench.bench_gpu --device-id 1         # another CUDA device

Each committed reference circuit's ``model.onnx`` is loaded with
:class:`oracle_node.inference.ModelRuntime`, once with ``inference.device=cpu`` and, when
onnxruntime offers the CUDA provider (the ``gpu`` extra on a CUDA machine), once with
``inference.device=cuda``. The input is the first sample of the circuit's calibration data,
so nothing beyond the base install and one onnxruntime extra is needed (no scikit-learn).
Each timed call is the node's path: a list of floats in, a list of floats out.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from oracle_node.inference import (
    CUDA,
    ModelRuntime,
    available_providers,
    installed_runtimes,
    onnxruntime_module,
)
from oracle_node.settings import InferenceSettings

ROOT = Path(__file__).resolve().parents[1]
CIRCUITS = ROOT / "circuits"
RESULTS = ROOT / "bench" / "results" / "gpu.md"
WARMUP = 200


@dataclass
class Row:
    model: str
    inputs: int
    outputs: int
    requested: str
    provider: str
    runs: int
    p50_us: float
    p95_us: float
    mean_us: float


def reference_models() -> list[Path]:
    """Circuit folders committed under ``circuits/`` (those with a manifest)."""
    return sorted(p.parent for p in CIRCUITS.glob("*/manifest.json"))


def first_sample(model_dir: Path) -> list[float]:
    data = json.loads((model_dir / "calibration.json").read_text())["input_data"][0]
    return [float(v) for v in data]


def measure(model_dir: Path, settings: InferenceSettings, runs: int) -> Row:
    runtime = ModelRuntime(model_dir / "model.onnx", None, settings=settings)
    values = first_sample(model_dir)[: runtime.input_len]
    outputs = len(runtime.run(values))
    for _ in range(WARMUP):
        runtime.run(values)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        runtime.run(values)
        times.append(time.perf_counter() - started)
    times.sort()
    return Row(
        model=model_dir.name,
        inputs=runtime.input_len,
        outputs=outputs,
        requested=settings.device,
        provider=runtime.provider,
        runs=runs,
        p50_us=statistics.median(times) * 1e6,
        p95_us=times[int(0.95 * (len(times) - 1))] * 1e6,
        mean_us=statistics.fmean(times) * 1e6,
    )


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def gpu_names() -> list[str]:
    """GPU names from ``nvidia-smi`` (empty without an NVIDIA driver)."""
    if shutil.which("nvidia-smi") is None:
        return []
    done = subprocess.run(
        ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


HOW_TO_RUN = """On a machine with an NVIDIA GPU, in a fresh virtual environment (onnxruntime-gpu must not
sit beside `onnxruntime`):

```bash
python3.11 -m venv .venv-gpu && . .venv-gpu/bin/activate
pip install -c constraints.txt -e '.[gpu]'   # CUDA 12 and cuDNN 9: onnxruntime-gpu 1.20.2
python -m bench.bench_gpu                    # add --device-id N for another GPU
```

The `gpu` extra's onnxruntime-gpu 1.20 is built against CUDA 12. On a machine that has CUDA 13
libraries only, install the base package and then an onnxruntime-gpu built for CUDA 13 (1.31.1
is), with the CUDA 13 and cuDNN 9 libraries on the loader's path (the `nvidia-*` wheels that
PyTorch's CUDA 13 build brings are enough):
`pip install -c constraints.txt -e . && pip install onnxruntime-gpu==1.31.1`.

The script prints the provider each session really runs on (onnxruntime-gpu falls back to the CPU
quietly when the CUDA libraries cannot load) and rewrites this file."""


def render(
    rows: list[Row], settings: InferenceSettings, args: argparse.Namespace, load_start: float
) -> str:
    import onnxruntime

    cuda_rows = [r for r in rows if r.provider == CUDA]
    gpus = gpu_names()
    machine = (
        f"{cpu_name()}, {os.cpu_count()} cores; GPU: {', '.join(gpus) if gpus else 'none'}; "
        f"onnxruntime {onnxruntime.__version__} ({', '.join(installed_runtimes()) or '?'}), "
        f"providers offered: {', '.join(available_providers())}; Python {platform.python_version()}"
    )
    lines = ["# GPU inference benchmark", ""]
    if not cuda_rows:
        lines += [
            "**This run had no CUDA provider**: every figure below is from the CPU provider. "
            "Run it on a GPU machine (below) for the CUDA rows.",
            "",
        ]
    lines += [
        f"Machine: {machine}. Generated by `python -m bench.bench_gpu` on "
        f"{datetime.date.today().isoformat()}; 1-minute load average {load_start:.1f} at "
        f"start, {os.getloadavg()[0]:.1f} at the end (other work on the machine widens p95 "
        "and the mean: compare runs at a low load).",
        "",
        "Each call is the node's inference path (`oracle_node.inference.ModelRuntime.run`: a "
        "list of floats in, the first output tensor as floats out; one intra-op thread, as the "
        f"node runs it) on the first calibration sample; {WARMUP} warm-up calls, then "
        f"{args.runs:,} timed calls per row. `device` is the `inference.device` setting asked "
        "for, `provider` the one onnxruntime really used.",
        "",
        "| model | inputs -> outputs | device | provider | runs | p50 µs | p95 µs | mean µs |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.model} | {r.inputs} -> {r.outputs} | {r.requested} | {r.provider} | "
            f"{r.runs:,} | {r.p50_us:.1f} | {r.p95_us:.1f} | {r.mean_us:.1f} |"
        )
    lines.append("")
    if cuda_rows:
        cpu_p50 = {r.model: r.p50_us for r in rows if r.provider != CUDA}
        ratios = [r.p50_us / cpu_p50[r.model] for r in cuda_rows if r.model in cpu_p50]
        spread = f"{min(ratios):.1f}x to {max(ratios):.1f}x" if ratios else "not compared"
        lines.append(
            f"CUDA rows ran on device {settings.device_id}. Here a CUDA call's p50 was {spread} "
            "the CPU call's for the same model. For models this small a GPU call is bound by "
            "the host-device copies and the kernel launches, not by arithmetic: compare p50 "
            "with the CPU rows before moving a node to a GPU."
        )
    else:
        lines.append(
            "What this says: the reference models are tiny MLPs; on the CPU one inference "
            "takes microseconds, against seconds for its EZKL proof (bench/results/circuits.md). "
            "Inference is not the node's bottleneck on a CPU; a GPU would speed up only this "
            "small part, and EZKL proving stays on the CPU in this build."
        )
    lines += ["", "## Run it on a GPU machine", "", HOW_TO_RUN, ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="timed calls per row")
    parser.add_argument("--device-id", type=int, default=0, help="CUDA device index")
    parser.add_argument("--out", default=str(RESULTS), help="results file, or - to print only")
    args = parser.parse_args(argv)

    load_start = os.getloadavg()[0]
    onnxruntime = onnxruntime_module()
    offered = available_providers()
    print(f"onnxruntime {onnxruntime.__version__}: providers offered {offered}", file=sys.stderr)
    devices = [InferenceSettings(device="cpu")]
    if CUDA in offered:
        devices.append(InferenceSettings(device="cuda", device_id=args.device_id))
    else:
        print("CUDA provider not offered: CPU rows only", file=sys.stderr)
    rows = []
    for model_dir in reference_models():
        for settings in devices:
            row = measure(model_dir, settings, args.runs)
            print(
                f"{row.model}: asked {row.requested}, active provider {row.provider}: "
                f"p50 {row.p50_us:.1f} µs, p95 {row.p95_us:.1f} µs",
                file=sys.stderr,
            )
            rows.append(row)
    text = render(rows, devices[-1], args, load_start)
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
