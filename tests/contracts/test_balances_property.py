"""Property: whatever sequence of protocol operations runs, the coordinator's ETH balance equals
the fees of its pending requests plus the credits it owes, and the node registry's equals the
stakes it holds plus the slash credits it owes."""

from __future__ import annotations

from typing import Any

import ape
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .conftest import FEE, PARAMS
from .helpers import instances_for, parse_request

pytestmark = pytest.mark.property

OPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "request",
                "fulfil",
                "fallback",
                "cancel",
                "withdraw",
                "stake",
                "unstake",
                "withdraw_stake",
                "withdraw_credit",
                "wait",
            ]
        ),
        st.integers(min_value=0, max_value=2**16),
    ),
    min_size=4,
    max_size=14,
)


class Ledger:
    """What the contracts owe, tracked from the events and the test's own actions."""

    def __init__(self, accounts: list[Any]) -> None:
        self.accounts = accounts
        self.pending: dict[int, Any] = {}

    def coordinator_owes(self, coordinator: Any) -> int:
        credits = sum(coordinator.credits(a) for a in self.accounts)
        return credits + sum(req.field("fee") for req in self.pending.values())

    def registry_owes(self, registry: Any) -> int:
        stakes = sum(registry.getNode(a).stake for a in self.accounts)
        return stakes + sum(registry.credits(a) for a in self.accounts)


@pytest.fixture
def ledger(staked, operator, consumer, requester, treasury):
    """One ledger per test run: Hypothesis reuses it across examples, as the chain state also
    carries over from one example to the next (the test's isolation reverts it at the end)."""
    return Ledger([*staked, operator, consumer, requester, treasury])


# No shrinking: each example is a dozen transactions on py-evm, and a failure prints its ops.
@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(ops=OPS)
def test_balances_equal_what_is_owed(
    ops, ledger, chain, coordinator, node_registry, model_id, staked, consumer, requester, operator
):
    nodes = [*staked, operator]
    for op, n in ops:
        _apply(
            op, n, ledger, chain, coordinator, node_registry, model_id, nodes, consumer, requester
        )
        assert coordinator.balance == ledger.coordinator_owes(coordinator)
        assert node_registry.balance == ledger.registry_owes(node_registry)


def _apply(op, n, ledger, chain, coordinator, registry, model_id, nodes, consumer, requester):
    node = nodes[n % len(nodes)]
    pending = sorted(ledger.pending)
    req = ledger.pending[pending[n % len(pending)]] if pending else None
    try:
        if op == "request":
            receipt = consumer.request(model_id, [n, -n, 1], 100_000, sender=requester, value=FEE)
            got = parse_request(receipt, coordinator)
            ledger.pending[got.request_id] = got
        elif op in ("fulfil", "fallback") and req is not None:
            fulfiller = (
                node if op == "fallback" else next(x for x in nodes if x.address == req.primary)
            )
            if op == "fallback":
                _move_time(chain, req.field("windowEnd"))
            coordinator.fulfill(
                req.request_id,
                req.commitment,
                b"\x01",
                instances_for(req.input, [n, 1]),
                sender=fulfiller,
            )
            del ledger.pending[req.request_id]
        elif op == "cancel" and req is not None:
            _move_time(chain, req.field("deadline") + 1)
            coordinator.cancelRequest(req.request_id, req.commitment, sender=requester)
            del ledger.pending[req.request_id]
        elif op == "withdraw":
            coordinator.withdraw(node, sender=node)
        elif op == "stake":
            registry.stake(sender=node, value=PARAMS.min_stake // 4 + n)
        elif op == "unstake":
            registry.requestUnstake(sender=node)
        elif op == "withdraw_stake":
            registry.withdrawStake(node, sender=node)
        elif op == "withdraw_credit":
            registry.withdrawCredit(node, sender=node)
        elif op == "wait":
            _move_time(chain, chain.pending_timestamp + 1 + n * 8)
    except ape.exceptions.ContractLogicError:
        pass  # a refused operation must leave the books balanced too


def _move_time(chain, target):
    """Move the next block's time forward to ``target``; never sideways or back (py-evm refuses
    a block whose time is not after its parent's)."""
    if target > chain.pending_timestamp:
        chain.pending_timestamp = target
