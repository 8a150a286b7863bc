"""Prometheus metrics of one node: jobs, stage latencies, proofs/s, money, listener lag, and
Optimistic settlement (postings, finalisations, challenges made and suffered, stake at risk).

Each node owns its own :class:`~prometheus_client.CollectorRegistry`, so two nodes (or two
tests) in one process never clash. The process collector (CPU, memory, open files) is added to
it. Money and lag are read at scrape time from sources the running node hands to
:meth:`NodeMetrics.watch`; without them (an API over a bare job store) those series are absent.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from oracle_node.chain.account import AccountState
from oracle_node.store import JobState, JobStore
from oracle_node.watchlog import WatchState

STAGES = ("infer", "witness", "prove", "submit", "end_to_end")
_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120, float("inf"))


class _JobsCollector(Collector):
    def __init__(self, store: JobStore, metrics: NodeMetrics) -> None:
        self.store = store
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("oracle_jobs", "Jobs in the store by state", labels=["state"])
        for state, count in self.store.counts().items():
            jobs.add_metric([state], count)
        yield jobs
        rate = GaugeMetricFamily(
            "oracle_proofs_per_second", "Proofs finished per second over the last minute"
        )
        rate.add_metric([], self.metrics.proofs_per_second())
        yield rate
        settled = self.store.settled_since()
        fees = CounterMetricFamily("oracle_fees_earned_wei", "Fees of the requests fulfilled")
        fees.add_metric([], sum(j.fee_wei for j in settled if j.state is JobState.FULFILLED))
        yield fees
        gas = CounterMetricFamily("oracle_gas_spent_wei", "Wei paid for fulfilment gas")
        gas.add_metric([], sum(j.gas_wei for j in settled))
        yield gas
        gas_used = CounterMetricFamily("oracle_gas_used", "Gas of fulfilment transactions")
        gas_used.add_metric([], sum(j.gas_used for j in settled))
        yield gas_used
        yield from self._optimistic()
        yield from self._chain()

    def _optimistic(self) -> Iterator[Metric]:
        ours = self.store.optimistic_counts()
        made = self.store.watch_counts()[WatchState.CHALLENGED.value]
        for name, doc, value in (
            ("oracle_postings", "Optimistic postings of this node mined", ours["posted"]),
            ("oracle_finalisations", "Postings of this node finalised", ours["finalised"]),
            ("oracle_challenges_suffered", "Postings of this node proven wrong", ours["lost"]),
            ("oracle_challenges_made", "Wrong postings this node proved and challenged", made),
        ):
            counter = CounterMetricFamily(name, doc)
            counter.add_metric([], value)
            yield counter
        if self.metrics.bond_source is not None:
            bonds = self.metrics.bond_source()
            at_risk = GaugeMetricFamily(
                "oracle_stake_at_risk_wei", "Bonds of this node's postings still open to challenge"
            )
            at_risk.add_metric([], stake_at_risk(self.store, bonds))
            yield at_risk

    def _chain(self) -> Iterator[Metric]:
        if self.metrics.lag_source is not None and (lag := self.metrics.lag_source()) is not None:
            gauge = GaugeMetricFamily(
                "oracle_listener_lag_blocks", "Blocks between the head and the listener's cursor"
            )
            gauge.add_metric([], lag)
            yield gauge
        if self.metrics.account_source is None:
            return
        try:
            account = self.metrics.account_source()
        except Exception:  # the RPC is down: the scrape still answers, without these series
            self.metrics.rpc_errors.labels("metrics").inc()
            return
        for name, doc, value in (
            ("oracle_balance_wei", "The node account's balance", account.balance_wei),
            ("oracle_stake_wei", "The node's stake in the registry", account.stake_wei),
            ("oracle_unbonding", "1 while the stake unbonds", int(account.unbonding)),
        ):
            gauge = GaugeMetricFamily(name, doc)
            gauge.add_metric([], value)
            yield gauge
        credits = GaugeMetricFamily(
            "oracle_withdrawable_wei", "Credits the node can withdraw", labels=["kind"]
        )
        credits.add_metric(["fees"], account.fee_credit_wei)
        credits.add_metric(["slash_credit"], account.slash_credit_wei)
        yield credits


def stake_at_risk(store: JobStore, bonds: dict[int, int]) -> int:
    """The bonds of our postings still open to challenge: what a wrong one would cost."""
    return sum(bonds.get(job.model_id, 0) for job in store.in_state(JobState.POSTED))


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
        ProcessCollector(registry=self.registry)
        self.account_source: Callable[[], AccountState] | None = None
        self.lag_source: Callable[[], int | None] | None = None
        self.bond_source: Callable[[], dict[int, int]] | None = None
        self._window_s = window_s
        self._proof_times: deque[float] = deque()
        self._lock = threading.Lock()

    def watch(
        self,
        account: Callable[[], AccountState],
        lag: Callable[[], int | None],
        bonds: Callable[[], dict[int, int]] | None = None,
    ) -> None:
        """Read the account, the listener's lag and the served models' bonds from these at each
        scrape."""
        self.account_source = account
        self.lag_source = lag
        self.bond_source = bonds

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
