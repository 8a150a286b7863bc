"""What a circuit will cost before EZKL is asked to pay it: memory and time estimates, and
a heartbeat that shows a long EZKL call is still alive.

The estimates interpolate measured figures (EZKL 23.0.5, 2 CPU cores, EZKL's default two
inner columns; docs/circuits.md): 2^15 rows 0.4 GiB / 4 s, 2^16 0.6 GiB / 5 s, 2^18 2.5 GiB /
20 s, 2^20 9.6 GiB / 95 s, for setup and for one proof each. Memory and time grow with the
number of columns: measured at 2^15, one inner column instead of two took 0.65x the proving
time and 0.84x the peak memory, so time scales by ``(1 + inner_cols) / 3`` and memory by
``(2 + inner_cols) / 4``. Beyond 2^20 both double per row doubling.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

Log = Callable[[str], None]

# logrows -> (peak GiB, seconds) for one setup or one proof, two inner columns.
MEASURED: dict[int, tuple[float, float]] = {
    15: (0.4, 4.0),
    16: (0.6, 5.0),
    18: (2.5, 20.0),
    20: (9.6, 95.0),
}
DEFAULT_INNER_COLS = 2
HEADROOM = 0.9  # refuse builds expected to need more than this share of available memory


@dataclass(frozen=True)
class CostEstimate:
    """Expected peak memory (bytes) and seconds for setup and for one proof."""

    logrows: int
    peak_bytes: int
    setup_s: float
    prove_s: float

    def describe(self) -> str:
        return (
            f"estimate for 2^{self.logrows} rows: peak memory about "
            f"{self.peak_bytes / 2**30:.1f} GiB, setup about {self.setup_s:.0f} s, "
            f"one proof about {self.prove_s:.0f} s (2 cores)"
        )


def estimate_cost(logrows: int, inner_cols: int | None = None) -> CostEstimate:
    """Interpolate the measured figures (log-linear between points, x2 per row doubling)."""
    points = sorted(MEASURED)
    if logrows <= points[0]:
        gib, secs = MEASURED[points[0]]
    elif logrows >= points[-1]:
        gib, secs = MEASURED[points[-1]]
        factor = 2.0 ** (logrows - points[-1])
        gib, secs = gib * factor, secs * factor
    else:
        lo = max(k for k in points if k <= logrows)
        hi = min(k for k in points if k >= logrows)
        if lo == hi:
            gib, secs = MEASURED[lo]
        else:
            t = (logrows - lo) / (hi - lo)
            (g0, s0), (g1, s1) = MEASURED[lo], MEASURED[hi]
            gib = g0 * (g1 / g0) ** t
            secs = s0 * (s1 / s0) ** t
    cols = inner_cols or DEFAULT_INNER_COLS
    time_factor = (1 + cols) / (1 + DEFAULT_INNER_COLS)
    memory_factor = (2 + cols) / (2 + DEFAULT_INNER_COLS)
    return CostEstimate(
        logrows, int(gib * memory_factor * 2**30), secs * time_factor, secs * time_factor
    )


def available_memory_bytes() -> int | None:
    """``MemAvailable`` from /proc/meminfo (Linux), capped by a cgroup limit if one is set."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                have = int(line.split()[1]) * 1024
                break
        else:
            return None
    except (OSError, ValueError):
        return None
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        usage = int(Path("/sys/fs/cgroup/memory.current").read_text().strip())
        if limit != "max":
            have = min(have, int(limit) - usage)
    except (OSError, ValueError):
        pass
    return have


def memory_budget_bytes() -> int | None:
    """Memory a build may plan to use: ``$ORACLE_BUILD_MEMORY_LIMIT`` (bytes) if set, else
    :data:`HEADROOM` of the available memory; None if unknown."""
    env = os.environ.get("ORACLE_BUILD_MEMORY_LIMIT")
    if env:
        return int(env)
    have = available_memory_bytes()
    return int(have * HEADROOM) if have is not None else None


_BEAT = """
import sys, time
stage, every = sys.argv[1], float(sys.argv[2])
started = time.monotonic()
while True:
    time.sleep(every)
    print(f"  ... {stage}: {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)
"""


@contextmanager
def heartbeat(log: Log, stage: str, every_s: float = 5.0) -> Iterator[None]:
    """Print ``stage`` with its elapsed time to stderr every ``every_s`` seconds while the
    block runs, and log its total when it ends.

    The beat comes from a tiny child process, not a thread: EZKL's calls (``gen_srs``,
    ``setup``, ``prove``) hold the GIL for their whole run, so a thread stayed silent.
    """
    started = time.monotonic()
    beat = subprocess.Popen(
        [sys.executable, "-c", _BEAT, stage, str(every_s)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        beat.terminate()
        beat.wait()
    log(f"  {stage} took {time.monotonic() - started:.1f}s")
