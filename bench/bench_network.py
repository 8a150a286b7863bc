"""A network of oracle operators under churn, at bench size (200+ requests).

    python -m bench.bench_network                        # 10 operators, 200 requests
    python -m bench.bench_network --requests 300 --operators 12 --out -

The same simulation as ``tests/e2e/test_network.py`` (``tests/support/network.py``): every
operator a separate ``oracle-node run`` process with its own key and stake, two models on one
anvil (a block a second), requests from several accounts while a seeded chaos loop kills and
restarts nodes, a keeper cancelling expired requests. It checks the same invariants and writes
how requests ended (by the primary, by a fallback after the window, cancelled after the
deadline) with their latencies, to ``bench/results/network.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "network.md"


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from tests.support.network import Simulation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--operators", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--spacing", type=float, default=12.0, help="mean seconds between requests")
    parser.add_argument("--out", default=str(RESULTS), help="results file, or - to print only")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="oracle-network-") as tmp:
        sim = Simulation(Path(tmp), operators=args.operators, seed=args.seed)
        try:
            print(f"starting {args.operators} operators ...", flush=True)
            sim.start()
            print(f"sending {args.requests} requests under churn ...", flush=True)
            report = sim.run(args.requests, chaos_every=10.0, down_for=20.0, spacing=args.spacing,
                             settle_timeout=1800)  # fmt: skip
            sim.force_fallback("breast_cancer")
            sim.force_cancellation("digits")
            report = sim.audit(report.wall_s)
            held, owed = sim.balances_hold()
            window, timeout = sim.params.exclusive_window, sim.params.request_timeout
        finally:
            sim.stop()
    ok_slash = report.slashes == report.expected_slashes
    lines = [
        "# Network simulation: operators under churn",
        "",
        f"Produced by `python -m bench.bench_network --requests {args.requests} --operators "
        f"{args.operators} --seed {args.seed}` on {platform.machine()} with {os.cpu_count()} cores "
        "(no GPU). Each operator is an `oracle-node run` process; two models (breast_cancer, "
        f"digits) on one anvil with a block a second; exclusive window {window} s, deadline "
        f"{timeout} s; a request every {args.spacing} s on average.",
        "",
        f"- requests: {len(report.outcomes)} (the last two forced: a primary killed at once, and "
        "a model with every node down past the deadline)",
        f"- node kills: {report.kills}; wall time {report.wall_s:.0f} s",
        "- every request ended exactly once: yes (checked per request on the chain's logs)",
        f"- slashed exactly the primaries that missed their window: {'yes' if ok_slash else 'NO'} "
        f"({sum(report.slashes.values())} slashes)",
        "- settled more than 256 blocks after the request with its draw not pinned (the chain "
        "no longer knows the request block's hash, so no primary and no slash, by design): "
        f"{sum(o.past_horizon for o in report.outcomes)}",
        f"- coordinator balance = pending fees + credits: {'yes' if held == owed else 'NO'} "
        f"({held} wei)",
        "",
        "Latency is from the request's block to the block that settled it (block timestamps).",
        "",
        report.table(),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)
    return 0 if ok_slash and held == owed else 1


if __name__ == "__main__":
    sys.exit(main())
