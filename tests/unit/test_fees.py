"""Replacement fees: +12.5% at least, the market's when higher, never above the cap."""

from __future__ import annotations

from eth_account import Account

from oracle_node.chain.fees import GWEI, FeePolicy, Fees, fees_of, resign, signed


def test_a_replacement_raises_both_fees_by_an_eighth_at_least():
    policy = FeePolicy(max_fee=100 * GWEI)
    new = policy.bumped(Fees(8 * GWEI, 8 * 10**8), Fees(3 * GWEI, 10**8))
    assert new == Fees(9 * GWEI, 9 * 10**8)


def test_a_replacement_follows_the_market_when_it_rose_more():
    policy = FeePolicy(max_fee=100 * GWEI)
    assert policy.bumped(Fees(8 * GWEI, GWEI), Fees(40 * GWEI, 2 * GWEI)) == Fees(
        40 * GWEI, 2 * GWEI
    )


def test_the_cap_bounds_a_replacement_and_none_comes_when_no_room_is_left():
    policy = FeePolicy(max_fee=10 * GWEI)
    assert policy.bumped(Fees(8 * GWEI, GWEI), Fees(GWEI, GWEI)) == Fees(9 * GWEI, 1_125_000_000)
    # capped at +11%: still a replacement nodes accept (+10%)
    assert policy.bumped(Fees(9 * GWEI, GWEI), Fees(GWEI, GWEI)) == Fees(10 * GWEI, 1_125_000_000)
    assert policy.bumped(Fees(9_500_000_000, GWEI), Fees(GWEI, GWEI)) is None  # +5% only
    assert policy.bumped(Fees(10 * GWEI, GWEI), Fees(GWEI, GWEI)) is None


def test_resigning_keeps_the_transaction_and_changes_only_its_fees():
    account = Account.create()
    tx = {"to": account.address, "value": 5, "gas": 30_000, "nonce": 7, "chainId": 1,
          "data": "0x1234", "maxFeePerGas": 10, "maxPriorityFeePerGas": 1}  # fmt: skip
    first_hash, raw = signed(account, tx)
    second_hash, replaced = resign(account, raw, Fees(20, 2))
    assert second_hash != first_hash and fees_of(replaced) == Fees(20, 2)
    assert signed(account, {**tx, "maxFeePerGas": 20, "maxPriorityFeePerGas": 2})[1] == replaced
