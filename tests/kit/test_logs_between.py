"""Reading logs with explicit bounds from one head: an empty range when nothing was mined since
the last pass, and a block mined between reading the head and reading the logs waits for the
next pass (the demo once crashed on ``stop_block '34' cannot be less than start_block '35'``)."""

from __future__ import annotations

from oracle_node.testing.harness import OracleHarness, logs_between


def test_logs_between_reads_exactly_the_blocks_asked_for(accounts, chain, project):
    harness = OracleHarness(accounts[-1], [accounts[-2]])
    event = harness.protocol.node_registry.NodeStaked
    head = chain.blocks.head.number
    # Nothing mined since the last pass: the range after the head is empty, not an error.
    assert logs_between(event, head + 1, head) == []
    start = head + 1
    read_head = chain.blocks.head.number
    harness.protocol.node_registry.stake(sender=accounts[3], value=10**18)  # mined meanwhile
    assert logs_between(event, start, read_head) == []
    later = chain.blocks.head.number
    [log] = logs_between(event, read_head + 1, later)
    assert log.node == accounts[3].address
