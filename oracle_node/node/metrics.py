"""Prometheus metrics of one node: jobs by state, stage latencies, proofs per second.

Each node owns its own :class:`~prometheus_client.CollectorRegistry`, so two nodes (or two
tests) in one process never clash.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from oracle_node.store import JobStore

STAGES = ("infer", "witness", "prove", "submit", "end_to_end")
_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120, float("inf"))


class _JobsCollector(Collector):
    def __init__(self, store: JobStore, metrics: NodeMetrics) -> None:
        self.store = store
        self.metrics = metrics

    def collect(self) -> Iterator[GaugeMetricFamily]:
        jobs = GaugeMetricFamily("oracle_jobs", "Jobs in the store by state", labels=["state"])
        for state, count in self.store.counts().items():
            jobs.add_metric([state], count)
        yield jobs
        rate = GaugeMetricFamily(
            "oracle_proofs_per_second", "Proofs finished per second over the last minute"
        )
        rate.add_metric([], self.metrics.proofs_per_second())
        yield rate


class NodeMetrics:
    """The node's metrics and a small window of proof times for the proofs/s gauge."""

    def __init__(self, store: JobStore, window_s: float = 60.0) -> None:
        self.registry = CollectorRegistry()
        self.stage_seconds = Histogram(
            "oracle_stage_seconds", "Seconds spent per pipeline stage", ["stage"],
            registry=self.registry, buckets=_BUCKETS,
        )  # fmt: skip
        self.proofs = Counter("oracle_proofs", "Proofs made", ["source"], registry=self.registry)
        self.rpc_errors = Counter(
            "oracle_rpc_errors", "RPC errors", ["service"], registry=self.registry
        )
        self.registry.register(_JobsCollector(store, self))
        self._window_s = window_s
        self._proof_times: deque[float] = deque()
        self._lock = threading.Lock()

    def observe(self, stage: str, seconds: float) -> None:
        self.stage_seconds.labels(stage).observe(seconds)

    def proof_done(self, source: str) -> None:
        self.proofs.labels(source).inc()
        with self._lock:
            self._proof_times.append(time.monotonic())

    def proofs_per_second(self) -> float:
        now = time.monotonic()
        with self._lock:
            while self._proof_times and now - self._proof_times[0] > self._window_s:
                self._proof_times.popleft()
            return len(self._proof_times) / self._window_s

    def render(self) -> bytes:
        return bytes(generate_latest(self.registry))
