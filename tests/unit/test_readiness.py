"""What ``/ready`` says about a node's stake and its listener, without a chain."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest

from oracle_node.chain.account import AccountState
from oracle_node.chain.listener import Listener
from oracle_node.node.runner import OracleNode
from oracle_node.settings import load_settings

ADDRESS = "0x" + "a1" * 20
ETH = 10**18


def _account(stake: int = ETH, active: bool = True, models: list[int] | None = None,
             unlock_at: int = 0) -> AccountState:  # fmt: skip
    return AccountState(
        address=ADDRESS, balance_wei=ETH, stake_wei=stake, unlock_at=unlock_at,
        open_assignments=0, active=active, models=[1] if models is None else models,
        fee_credit_wei=0, slash_credit_wei=0, block_number=7, read_at=time.time(),
    )  # fmt: skip


def _node(account: AccountState | Exception, *, head_age_s: float | None = 2.0,
          lag: int | None = 2, watch_only: bool = False) -> OracleNode:  # fmt: skip
    node = OracleNode(load_settings(), watch_only=watch_only)
    node.models = SimpleNamespace(models={1: object()})  # type: ignore[assignment]
    node.listener = SimpleNamespace(  # type: ignore[assignment]
        safe_head=5, head=7, last_error=None, lag=lag, head_age_s=head_age_s
    )
    node.min_stake = ETH

    def read(max_age: float = 2.0) -> AccountState:
        if isinstance(account, Exception):
            raise account
        return account

    node.account = read  # type: ignore[method-assign]
    return node


def _problems(report: dict[str, Any]) -> str:
    return " | ".join(report["problems"])


def test_a_staked_active_node_is_ready_and_reports_its_listener():
    report = _node(_account()).readiness()
    assert report["ready"] is True and report["problems"] == []
    assert report["lag_blocks"] == 2 and report["head_age_s"] == 2.0
    assert report["warnings"] == []


def test_a_node_that_never_staked_is_not_ready():
    report = _node(_account(stake=0, active=False)).readiness()
    assert report["ready"] is False
    assert "not staked: oracle-node register --stake 1" in _problems(report)


def test_a_stake_below_the_minimum_is_not_ready():
    report = _node(_account(stake=ETH // 2, active=False)).readiness()
    assert report["ready"] is False
    assert "below the registry minimum" in _problems(report)
    assert "oracle-node register --stake 0.5" in _problems(report)


def test_an_unbonding_or_inactive_node_is_not_ready():
    report = _node(_account(active=False, unlock_at=2_000_000_000)).readiness()
    assert report["ready"] is False and "unbonding" in _problems(report)
    report = _node(_account(active=False)).readiness()
    assert report["ready"] is False and "not active" in _problems(report)


def test_a_node_declared_for_none_of_its_served_models_is_not_ready():
    report = _node(_account(models=[3])).readiness()
    assert report["ready"] is False
    assert "oracle-node register --model 1" in _problems(report)


def test_an_unreadable_account_is_a_problem_and_a_watcher_needs_no_stake():
    report = _node(ConnectionError("connection refused")).readiness()
    assert report["ready"] is False and "connection refused" in _problems(report)
    assert _node(_account(stake=0, active=False), watch_only=True).readiness()["ready"] is True


def test_a_head_that_has_not_moved_is_a_warning_not_a_problem():
    report = _node(_account(), head_age_s=600.0).readiness()
    assert report["ready"] is True and report["head_age_s"] == 600.0
    (warning,) = report["warnings"]
    assert "has not mined a block for 600 s" in warning and "--block-time 1" in warning


class _Chain:
    def __init__(self, number: int, timestamp: int) -> None:
        self.block = {"number": number, "timestamp": timestamp}

    def get_block(self, which: Any) -> dict[str, int]:
        return self.block


def test_the_listener_measures_the_heads_age_by_its_timestamp(monkeypatch):
    listener = Listener.__new__(Listener)
    listener.head = listener.head_timestamp = None
    assert listener.head_age_s is None
    now = time.time()
    listener._see_head(10, int(now) - 90)
    assert listener.head_age_s == pytest.approx(90, abs=2)
    # a chain whose time was moved ahead of ours ages from when its head last moved
    listener._see_head(11, int(now) + 3600)
    monkeypatch.setattr(time, "monotonic", lambda real=time.monotonic: real() + 30)
    assert listener.head_age_s == pytest.approx(30, abs=2)
