"""Stake-weighted draws: a node's chance of becoming primary is proportional to its stake.

The registry keeps each pool's stakes in a Fenwick tree (``contracts/utils/StakeTree.sol``):
``seed % poolStake`` falls in exactly one node's stake interval. The tests check the intervals
exactly, the tree after every kind of change, and the distribution over many draws.
"""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak

from .conftest import PARAMS

ETHER = 10**18


@pytest.fixture
def node_registry(project, owner, treasury, model_registry):
    """A registry whose coordinator is an account, so a test can slash directly."""
    registry = owner.deploy(
        project.NodeRegistry, *PARAMS.node_registry_args(owner, treasury, model_registry)
    )
    registry.setCoordinator(owner, sender=owner)
    return registry


def intervals(node_registry, model_id) -> list[tuple[str, int, int]]:
    """(node, first, last) stake interval of each pool member, in pool order."""
    out, start = [], 0
    for node in node_registry.getModelNodes(model_id):
        stake = node_registry.getNode(node).stake
        out.append((node, start, start + stake - 1))
        start += stake
    return out


def assert_tree_matches_stakes(node_registry, model_id):
    spans = intervals(node_registry, model_id)
    total = spans[-1][2] + 1 if spans else 0
    assert node_registry.poolStake(model_id) == total
    for node, first, last in spans:
        # both ends of each interval draw that node, and nothing else does
        assert node_registry.drawNode(model_id, first) == node
        assert node_registry.drawNode(model_id, last) == node
        assert node_registry.drawNode(model_id, last + total) == node  # seeds wrap around


def stake_pool(node_registry, model_id, nodes_and_stakes):
    for node, stake in nodes_and_stakes:
        node_registry.addModel(model_id, sender=node)
        node_registry.stake(sender=node, value=stake)


def test_draws_fall_in_stake_intervals(node_registry, model_id, node_a, node_b, operator, stranger):
    stake_pool(node_registry, model_id,
               [(node_a, ETHER), (node_b, 2 * ETHER), (operator, 3 * ETHER), (stranger, 4 * ETHER)])  # fmt: skip
    assert_tree_matches_stakes(node_registry, model_id)


def test_the_tree_follows_top_ups_slashes_removals_and_unstakes(
    node_registry, owner, model_id, node_a, node_b, operator, stranger
):
    stake_pool(node_registry, model_id,
               [(node_a, ETHER), (node_b, 2 * ETHER), (operator, 3 * ETHER), (stranger, 4 * ETHER)])  # fmt: skip
    node_registry.stake(sender=node_b, value=ETHER // 2)  # top-up of a pool member
    assert_tree_matches_stakes(node_registry, model_id)
    node_registry.slash(operator, stranger, sender=owner)  # stays active
    assert node_registry.getNode(operator).stake == 3 * ETHER - PARAMS.slash_amount
    assert_tree_matches_stakes(node_registry, model_id)
    node_registry.removeModel(model_id, sender=node_a)  # first slot: the last one moves in
    assert_tree_matches_stakes(node_registry, model_id)
    node_registry.requestUnstake(sender=stranger)  # now the last slot leaves
    assert_tree_matches_stakes(node_registry, model_id)
    while node_b.address in node_registry.getModelNodes(model_id):  # slashed below the minimum
        node_registry.slash(node_b, stranger, sender=owner)
    assert node_b.address not in node_registry.getModelNodes(model_id)
    assert_tree_matches_stakes(node_registry, model_id)
    node_registry.requestUnstake(sender=operator)  # the pool is empty
    assert node_registry.poolStake(model_id) == 0
    with ape.reverts(node_registry.NoActiveNodes, modelId=model_id):
        node_registry.drawNode(model_id, 1)


def test_draws_over_many_seeds_follow_stake(
    node_registry, model_id, node_a, node_b, operator, stranger
):
    stakes = {node_a: ETHER, node_b: 2 * ETHER, operator: 3 * ETHER, stranger: 4 * ETHER}
    stake_pool(node_registry, model_id, list(stakes.items()))
    draws = 400
    counts = {node.address: 0 for node in stakes}
    for i in range(draws):
        seed = int.from_bytes(keccak(i.to_bytes(32, "big")), "big")
        counts[node_registry.drawNode(model_id, seed)] += 1
    total = sum(stakes.values())
    expected = {node.address: draws * stake / total for node, stake in stakes.items()}
    chi2 = sum((counts[a] - expected[a]) ** 2 / expected[a] for a in counts)
    # 3 degrees of freedom: 16.27 is the 0.1% critical value; a uniform draw scores about 120
    assert chi2 < 16.27, (counts, expected)
