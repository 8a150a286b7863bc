"""When a stand-in starts on a request whose primary missed its window."""

from __future__ import annotations

import statistics

from eth_utils.address import to_checksum_address

from oracle_node.chain.sealing import standin_start

NODES = [to_checksum_address(f"0x{i:040x}") for i in range(1, 11)]


def test_no_spread_starts_at_the_window_end() -> None:
    assert standin_start(7, NODES[0], 1_000, 1_070, 0) == 1_000


def test_the_delay_is_the_same_after_a_restart_and_differs_between_nodes() -> None:
    starts = [standin_start(7, node, 1_000, 1_070, 30) for node in NODES]
    assert starts == [standin_start(7, node, 1_000, 1_070, 30) for node in NODES]
    assert len(set(starts)) > 5  # ten nodes drawing from 30 seconds


def test_delays_cover_the_spread_evenly() -> None:
    delays = [
        standin_start(rid, node, 1_000, 1_100, 40) - 1_000 for rid in range(300) for node in NODES
    ]
    assert min(delays) == 0 and max(delays) == 39
    assert 18 < statistics.fmean(delays) < 21  # uniform on 0..39: mean 19.5
    first = [min(delays[i : i + 10]) for i in range(0, len(delays), 10)]
    assert statistics.fmean(first) < 6  # the first of ten stand-ins: about 40 / 11


def test_the_spread_leaves_half_the_time_to_the_deadline() -> None:
    delays = {standin_start(rid, NODES[1], 1_000, 1_020, 60) - 1_000 for rid in range(500)}
    assert max(delays) < 10 and min(delays) == 0
    assert standin_start(3, NODES[1], 1_000, 990, 60) == 1_000  # deadline already past
