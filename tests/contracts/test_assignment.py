"""Stake-weighted primary draws, frozen at the request's block.

Each model's pool weights sit in a Fenwick tree over permanent slots whose nodes keep per-block
checkpoints (``contracts/utils/StakeTree.sol``). ``seed % total`` falls in exactly one slot's
stake interval, with the weights as of the end of the block asked about. The tests check the
intervals exactly, the weights after every kind of change and in every past block, and the
distribution over many draws. The registry's coordinator is an account here, so a test can
slash directly.
"""

from __future__ import annotations

import ape
import pytest
from eth_utils import keccak

from .conftest import PARAMS, mock_spec

ETHER = 10**18
ZERO = "0x" + "00" * 20
SLASH = PARAMS.slash_amount
SHARE_BPS = PARAMS.harmed_share_bps


def seeds(n: int, salt: int = 0) -> list[int]:
    """Seeds spread over uint256, as block-hash seeds are."""
    return [int.from_bytes(keccak((salt * 10**6 + i).to_bytes(32, "big")), "big") for i in range(n)]


@pytest.fixture
def registry(project, owner, treasury, model_registry):
    registry = owner.deploy(
        project.NodeRegistry, *PARAMS.node_registry_args(owner, treasury, model_registry)
    )
    registry.setCoordinator(owner, sender=owner)
    return registry


@pytest.fixture
def model(model_registry, mock_verifier, owner) -> int:
    model_registry.registerModel(mock_spec(mock_verifier.address), sender=owner)
    return int(model_registry.modelCount())


def join(registry, model, node, stake):
    registry.stake(sender=node, value=stake)
    registry.addModel(model, sender=node)


def slot_weights(registry, model, at, count=None) -> list[int]:
    """The weight of each of the first `count` slots (default: all) as of block `at`, from the
    pool's prefix sums. `count` must not exceed the slot count of that block."""
    count = registry.poolSlotCount(model) if count is None else count
    sums = [registry.poolStakeAt(model, i, at) for i in range(count + 1)]
    return [sums[i] - sums[i - 1] for i in range(1, count + 1)]


def live_stakes(registry, model) -> list[int]:
    """What each slot's weight should be now: its node's stake while it is in the pool."""
    out = []
    for slot in range(1, registry.poolSlotCount(model) + 1):
        node = registry.nodeAtSlot(model, slot)
        assert registry.slotOf(model, node) == slot
        out.append(registry.getNode(node).stake if registry.isEligible(node, model) else 0)
    return out


def assert_draws_follow_intervals(registry, model, at, count=None):
    """Both ends of each slot's stake interval draw its node, seeds wrap around the total, and
    a slot of zero weight has no interval."""
    count = registry.poolSlotCount(model) if count is None else count
    weights = slot_weights(registry, model, at, count)
    total = sum(weights)
    assert registry.poolStakeAt(model, count, at) == total > 0
    start = 0
    for slot, weight in enumerate(weights, start=1):
        if weight == 0:
            continue
        node = registry.nodeAtSlot(model, slot)
        last = start + weight - 1
        for seed in (start, last, last + total, start + 7 * total):
            assert registry.drawNode(model, seed, count, at) == node, (slot, seed)
        start += weight


def test_draws_fall_in_stake_intervals_in_slot_order(
    chain, registry, model, node_a, node_b, operator, stranger
):
    for node, stake in ((node_a, ETHER), (node_b, 2 * ETHER), (operator, 3 * ETHER), (stranger, 4 * ETHER)):  # fmt: skip
        join(registry, model, node, stake)
    assert [registry.nodeAtSlot(model, s) for s in range(1, 5)] == [
        n.address for n in (node_a, node_b, operator, stranger)
    ]
    at = chain.blocks.head.number
    assert slot_weights(registry, model, at) == [ETHER, 2 * ETHER, 3 * ETHER, 4 * ETHER]
    assert_draws_follow_intervals(registry, model, at)


def test_draws_over_many_seeds_follow_stake(registry, model, node_a, node_b, operator, chain):
    stakes = {node_a.address: ETHER, node_b.address: 2 * ETHER, operator.address: 5 * ETHER}
    for node in (node_a, node_b, operator):
        join(registry, model, node, stakes[node.address])
    count, at = registry.poolSlotCount(model), chain.blocks.head.number
    draws = 400
    counts = dict.fromkeys(stakes, 0)
    for seed in seeds(draws):
        counts[registry.drawNode(model, seed, count, at)] += 1
    total = sum(stakes.values())
    expected = {node: draws * stake / total for node, stake in stakes.items()}
    chi2 = sum((counts[n] - expected[n]) ** 2 / expected[n] for n in counts)
    # 2 degrees of freedom: 13.82 is the 0.1% critical value. A uniform draw (about 133 each
    # against 50, 100 and 250 expected) scores about 140.
    assert chi2 < 13.82, (counts, expected)


def test_changes_after_the_request_block_do_not_move_its_draw(
    chain, registry, owner, model, node_a, node_b, operator, stranger
):
    join(registry, model, node_a, ETHER)
    join(registry, model, node_b, 2 * ETHER)
    join(registry, model, operator, 3 * ETHER)
    count, at = registry.poolSlotCount(model), chain.blocks.head.number
    sample = seeds(48)
    before = [registry.drawNode(model, s, count, at) for s in sample]
    assert set(before) == {node_a.address, node_b.address, operator.address}
    weights_before = slot_weights(registry, model, at)

    registry.stake(sender=node_a, value=10 * ETHER)  # top-up
    registry.slash(operator, stranger, SLASH, SHARE_BPS, sender=owner)  # stays in the pool
    join(registry, model, stranger, 50 * ETHER)  # joins: a new slot, past the snapshot
    registry.requestUnstake(sender=node_b)  # leaves
    assert registry.poolSlotCount(model) == count + 1

    assert [registry.drawNode(model, s, count, at) for s in sample] == before
    assert slot_weights(registry, model, at, count) == weights_before
    # Seen from now, the same seeds draw by the new weights, never the leaver.
    now = chain.blocks.head.number
    after = {registry.drawNode(model, s, count + 1, now) for s in sample}
    assert node_b.address not in after and stranger.address in after
    assert_draws_follow_intervals(registry, model, now)


def test_top_ups_and_slashes_weigh_from_their_block_on(
    chain, registry, owner, model, node_a, node_b, stranger
):
    join(registry, model, node_a, ETHER)
    join(registry, model, node_b, ETHER)
    receipt = registry.stake(sender=node_b, value=ETHER)
    top_up = receipt.block_number
    assert slot_weights(registry, model, top_up - 1) == [ETHER, ETHER]
    assert slot_weights(registry, model, top_up) == [ETHER, 2 * ETHER]
    receipt = registry.slash(node_b, stranger, SLASH, SHARE_BPS, sender=owner)
    slashed = receipt.block_number
    assert slot_weights(registry, model, slashed - 1) == [ETHER, 2 * ETHER]
    assert slot_weights(registry, model, slashed) == [ETHER, 2 * ETHER - SLASH]
    assert slot_weights(registry, model, slashed) == live_stakes(registry, model)
    assert_draws_follow_intervals(registry, model, slashed)


def test_every_past_block_keeps_its_weights(
    chain, registry, owner, model, node_a, node_b, operator, stranger
):
    """Many changes, one block each: every tree node gathers older checkpoints, and a draw at
    any past block reads that block's weights (the binary search over the older ones)."""
    history: list[tuple[int, list[int]]] = []

    def record(receipt):
        history.append((receipt.block_number, live_stakes(registry, model)))

    for node, stake in ((node_a, ETHER), (node_b, 2 * ETHER), (operator, 3 * ETHER)):
        registry.stake(sender=node, value=stake)
        record(registry.addModel(model, sender=node))
    for _ in range(4):
        record(registry.stake(sender=node_a, value=ETHER // 4))
        record(registry.slash(operator, stranger, SLASH // 4, SHARE_BPS, sender=owner))
    record(registry.removeModel(model, sender=node_b))
    record(registry.addModel(model, sender=node_b))  # back in its own slot
    registry.stake(sender=stranger, value=ETHER)
    record(registry.addModel(model, sender=stranger))
    record(registry.requestUnstake(sender=node_a))
    assert registry.poolSlotCount(model) == 4
    for block, stakes in history:
        assert slot_weights(registry, model, block, len(stakes)) == stakes, block
        assert_draws_follow_intervals(registry, model, block, len(stakes))


def test_a_node_out_of_the_pool_is_never_drawn(chain, registry, owner, model, node_a, node_b, operator, stranger):  # fmt: skip
    for node in (node_a, node_b, operator):
        join(registry, model, node, 2 * ETHER)
    registry.removeModel(model, sender=node_b)  # the middle slot leaves
    while registry.isEligible(operator, model):  # slashed below the minimum
        registry.slash(operator, stranger, SLASH, SHARE_BPS, sender=owner)
    count, at = registry.poolSlotCount(model), chain.blocks.head.number
    assert slot_weights(registry, model, at) == [2 * ETHER, 0, 0]
    assert {registry.drawNode(model, s, count, at) for s in seeds(32)} == {node_a.address}


def test_an_empty_pool_draws_nobody(chain, registry, model, node_a, node_b):
    assert registry.drawNode(model, 12345, 0, chain.blocks.head.number) == ZERO
    join(registry, model, node_a, ETHER)
    join(registry, model, node_b, ETHER)
    registry.requestUnstake(sender=node_a)
    registry.removeModel(model, sender=node_b)
    count, at = registry.poolSlotCount(model), chain.blocks.head.number
    assert count == 2 and registry.poolStakeAt(model, count, at) == 0
    assert {registry.drawNode(model, s, count, at) for s in seeds(8)} == {ZERO}
    with ape.reverts(registry.NoActiveNodes, modelId=model):
        registry.requestTerms(model)


def test_several_changes_in_one_block_weigh_as_the_block_ends(
    chain, project, registry, model, node_a, requester
):
    """A join and a top-up in one transaction: the block's checkpoint holds the final weight,
    and the block before still reads the pool without the newcomer."""
    join(registry, model, node_a, ETHER)
    node = requester.deploy(project.SameBlockStaker, registry)
    receipt = node.joinAndTopUp(model, ETHER, sender=requester, value=3 * ETHER)
    block = receipt.block_number
    assert registry.slotOf(model, node) == 2
    assert slot_weights(registry, model, block) == [ETHER, 3 * ETHER]
    assert slot_weights(registry, model, block - 1, count=1) == [ETHER]
    assert_draws_follow_intervals(registry, model, block)
    # A later change to the same tree nodes: the block is now read from the older checkpoints,
    # two of them from that block, and the later one holds its value.
    registry.stake(sender=node_a, value=ETHER)
    assert slot_weights(registry, model, block) == [ETHER, 3 * ETHER]
    assert_draws_follow_intervals(registry, model, block)


def test_a_stake_change_uses_no_more_gas_than_estimated_in_the_block_before():
    """Anvil runs estimates in the latest block's context, a transaction lands in the next
    one; a change writes the same words in either, so the estimate holds (the node adds a 25%
    margin to it, not more). Own anvil: the default py-evm estimates in the pending block."""
    from web3 import Web3

    from oracle_node.devchain import Anvil
    from tests.support.protocol import deploy_protocol, send

    with Anvil(accounts=4) as anvil:
        w3 = Web3(Web3.HTTPProvider(anvil.url))
        owner, _, node_a, node_b = w3.eth.accounts
        deployment = deploy_protocol(w3, owner, PARAMS, 10**15, verifier_name="MockVerifier")
        model = deployment.register_model()
        registry = deployment.node_registry.functions
        for node in (node_a, node_b):
            deployment.stake(node, [model])
        send(w3, registry.removeModel(model), node_a)  # writes both tree nodes in this block
        estimate = registry.addModel(model).estimate_gas({"from": node_a})
        tx = registry.addModel(model).transact({"from": node_a, "gas": estimate})
        receipt = w3.eth.wait_for_transaction_receipt(tx)
        assert receipt["status"] == 1
        assert receipt["gasUsed"] <= estimate
