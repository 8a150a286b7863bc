"""The node's own account on chain: balance, stake, unbonding, credits; and withdrawing them.

Read by the operator API (``/v1/node``), the metrics and the ``status`` command alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web3 import Web3

from oracle_node.chain.contracts import OracleContracts


@dataclass(frozen=True)
class AccountState:
    """One reading of the node's account, at ``block_number``."""

    address: str
    balance_wei: int
    stake_wei: int
    unlock_at: int
    """Unix time the stake can be withdrawn; 0 while the node is not unbonding."""
    open_assignments: int
    active: bool
    models: list[int]
    fee_credit_wei: int
    """Fees earned and not yet withdrawn from the coordinator."""
    slash_credit_wei: int
    """The registry's credit from slashes this node suffered harm from."""
    block_number: int
    read_at: float

    @property
    def unbonding(self) -> bool:
        return self.unlock_at != 0

    @property
    def withdrawable_wei(self) -> int:
        return self.fee_credit_wei + self.slash_credit_wei


@dataclass(frozen=True)
class Withdrawal:
    """One mined withdrawal transaction."""

    what: str
    amount_wei: int
    tx_hash: str
    gas_used: int


def read_account(contracts: OracleContracts, address: str) -> AccountState:
    """The account as the chain sees it now (six view calls)."""
    w3 = contracts.w3
    address = Web3.to_checksum_address(address)
    registry, coordinator = contracts.node_registry.functions, contracts.coordinator.functions
    block = int(w3.eth.block_number)
    node = registry.getNode(address).call(block_identifier=block)
    return AccountState(
        address=address,
        balance_wei=int(w3.eth.get_balance(address, block)),
        stake_wei=int(node[0]),
        unlock_at=int(node[1]),
        open_assignments=int(node[2]),
        active=bool(registry.isActive(address).call(block_identifier=block)),
        models=[int(m) for m in registry.getNodeModels(address).call(block_identifier=block)],
        fee_credit_wei=int(coordinator.credits(address).call(block_identifier=block)),
        slash_credit_wei=int(registry.credits(address).call(block_identifier=block)),
        block_number=block,
        read_at=time.time(),
    )


SendCall = Callable[[Any, str], Any]
"""Sends a contract call from the node's key and returns its receipt (raises on a revert)."""


def withdraw_credits(
    contracts: OracleContracts, address: str, to: str, send: SendCall
) -> list[Withdrawal]:
    """Withdraw the coordinator's fee credit and the registry's slash credit to ``to``.

    The stake is left alone: it unbonds through ``oracle-node unstake`` / ``withdraw``.
    """
    to = Web3.to_checksum_address(to)
    state = read_account(contracts, address)
    coordinator, registry = contracts.coordinator.functions, contracts.node_registry.functions
    done = []
    for what, amount, call in (
        ("fees", state.fee_credit_wei, coordinator.withdraw(to)),
        ("slash credit", state.slash_credit_wei, registry.withdrawCredit(to)),
    ):
        if amount:
            receipt = send(call, f"withdraw {what}")
            tx_hash = "0x" + bytes(receipt["transactionHash"]).hex().removeprefix("0x")
            done.append(Withdrawal(what, amount, tx_hash, int(receipt["gasUsed"])))
    return done
