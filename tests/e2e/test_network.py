"""Ten operators, two models, one anvil: requests keep arriving while nodes die and return.

Each operator is its own ``oracle-node run`` process with its own key and stake. At the end,
from the chain's own logs: every request ended exactly once (fulfilled, or cancelled after its
deadline), exactly the primaries that missed their window were slashed, and the coordinator
holds exactly pending fees plus the credits it owes. The longer run is
``python -m bench.bench_network`` (200+ requests).
"""

from __future__ import annotations

import pytest

from tests.support.network import Simulation

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def simulation(tmp_path_factory):
    sim = Simulation(tmp_path_factory.mktemp("network"), operators=10, seed=11)
    try:
        sim.start()
        yield sim
    finally:
        sim.stop()


def test_ten_operators_under_churn_settle_every_request_once(simulation):
    sim = simulation
    report = sim.run(30, chaos_every=10.0, down_for=15.0, spacing=3.0)
    fallback_id = sim.force_fallback("breast_cancer")
    cancelled_id = sim.force_cancellation("digits")
    report = sim.audit(report.wall_s)
    print(f"\n{report.table()}\nkills: {report.kills}; slashes: {dict(report.slashes)}; "
          f"start-up {sim.startup_s:.0f} s, run {report.wall_s:.0f} s")  # fmt: skip

    kinds = {o.request_id: o.kind for o in report.outcomes}
    assert len(report.outcomes) >= 32
    assert kinds[fallback_id] == "fallback" and kinds[cancelled_id] == "cancelled"
    assert report.counts()["primary"] > 0
    assert report.slashes == report.expected_slashes  # exactly those who missed their window
    held, owed = sim.balances_hold()
    assert held == owed
