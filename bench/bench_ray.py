"""Overhead per proof of the Ray proving backend against the local process pool.

    python -m bench.bench_ray                 # rewrites bench/results/ray.md
    python -m bench.bench_ray --runs 4 --out -

One run on this machine: a one-node Ray cluster (``ray start --head`` on 127.0.0.2, in its own
process group, stopped at the end) and the local pool, each with one prover and its proving key
built beforehand. Proofs of the reference ``breast_cancer`` model alternate between the two
backends (local, ray, local, ray, ...), so both see the same machine load. Per proof: the time
from ``submit`` to the result in the caller, and the EZKL witness + prove time inside the
worker; the rest is the backend's own cost (dispatch, transfer, bookkeeping).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "ray.md"
MODEL_DIR = ROOT / "circuits" / "breast_cancer"


def _machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} cores ({cpu}, {platform.machine()}), {mem_kb / 2**20:.0f} GiB, "
        f"no GPU, Python {platform.python_version()}"
    )


def _prove(pool: Any, inputs: list[int]) -> dict[str, float]:
    started = time.perf_counter()
    outcome = pool.submit(MODEL_DIR, None, inputs).result(timeout=600)
    wall = time.perf_counter() - started
    work = outcome.witness_s + outcome.prove_s
    return {"wall_s": wall, "work_s": work, "overhead_s": wall - work}


def run(runs: int, workdir: Path) -> dict[str, Any]:
    from oracle_node.circuits.datasets import held_out
    from oracle_node.encoding import float_to_int
    from oracle_node.node.provers import ProverPool
    from oracle_node.node.ray_backend import PROVER_RESOURCE, RayProverPool, model_resource
    from tests.e2e.ray_cluster import RayNode

    samples = [[float_to_int(v, 13) for v in row] for row in held_out("breast_cancer")[0]]
    keys = workdir / "keys"
    head = RayNode("bench", "127.0.0.2", {PROVER_RESOURCE: 1, model_resource("breast_cancer"): 1},
                   workdir)  # fmt: skip
    local = ProverPool(1, keys)
    ray_pool: RayProverPool | None = None
    load_start = os.getloadavg()
    times: dict[str, list[dict[str, float]]] = {"local": [], "ray": []}
    try:
        head.start(temp_dir=workdir / "t")
        ray_pool = RayProverPool(head.address, 1, node_ip_address=head.ip, key_cache_dir=keys)
        local.warm(MODEL_DIR, None)
        ray_pool.warm(MODEL_DIR, None)
        _prove(local, samples[0])  # first proof of each: page cache, imports
        _prove(ray_pool, samples[0])
        for i in range(runs):
            inputs = samples[(i + 1) % len(samples)]
            times["local"].append(_prove(local, inputs))
            times["ray"].append(_prove(ray_pool, inputs))
    finally:
        local.close()
        if ray_pool is not None:
            ray_pool.close()
        head.kill()
    return {"times": times, "load": (load_start, os.getloadavg()), "runs": runs}


def _median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def report(result: dict[str, Any]) -> str:
    times = result["times"]
    local_wall, ray_wall = _median(times["local"], "wall_s"), _median(times["ray"], "wall_s")
    ratios = [
        r["wall_s"] / lo["wall_s"] for lo, r in zip(times["local"], times["ray"], strict=True)
    ]
    (l1, _, _), (e1, _, _) = result["load"]
    lines = [
        "# Ray backend benchmark",
        "",
        f"Machine: {_machine()}. 1-minute load average {l1:.1f} at the start and {e1:.1f} at "
        "the end (above the core count, other work shared the cores and every proof took "
        "longer).",
        "",
        "Rerun: `python -m bench.bench_ray` (a few minutes). Model `breast_cancer` (2^15 rows); "
        "one prover per backend, proving key built beforehand; a one-node Ray cluster on "
        "127.0.0.2 started by the benchmark; proofs alternate between the backends "
        f"({result['runs']} each, after one warm-up proof each).",
        "",
        "| backend | submit -> result s (median) | witness + prove s (median) | backend's own s (median) |",
        "|---|---|---|---|",
    ]
    for name in ("local", "ray"):
        rows = times[name]
        lines.append(
            f"| {name} | {_median(rows, 'wall_s'):.3f} | {_median(rows, 'work_s'):.3f} | "
            f"{_median(rows, 'overhead_s'):.3f} |"
        )
    overhead = ray_wall / local_wall - 1
    lines += [
        "",
        f"Ray / local, submit -> result: median of the paired ratios "
        f"**{statistics.median(ratios):.3f}x**, ratio of the medians {ray_wall / local_wall:.3f}x "
        f"(overhead {overhead:+.1%}; goal: under 10 %). Per pair: "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + ".",
        "",
        "The backend's own time is submit -> result minus the witness and prove time measured "
        "inside the worker: for the local pool a process hop and pickling, for Ray an actor "
        "call through the raylet and the result's return to the caller.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--out", default=str(RESULTS), help="'-' to print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        text = report(run(args.runs, Path(tmp)))
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
