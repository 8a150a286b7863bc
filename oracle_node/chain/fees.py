"""EIP-1559 fees for the node's transactions, and the higher ones of a replacement.

A transaction stuck in the mempool (fees too low for a busy chain) is replaced by the same
transaction, same nonce, with both fees raised by 12.5% (nodes refuse a replacement
raised by less than 10%), never above the operator's cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_account.typed_transactions.typed_transaction import TypedTransaction
from hexbytes import HexBytes
from web3 import Web3

GWEI = 10**9
BUMP_NUM, BUMP_DEN = 9, 8  # +12.5%
MIN_REPLACEMENT_NUM, MIN_REPLACEMENT_DEN = 11, 10  # what nodes accept: +10%


@dataclass(frozen=True)
class Fees:
    """``maxFeePerGas`` and ``maxPriorityFeePerGas``, in wei."""

    max_fee: int
    priority_fee: int

    def fields(self) -> dict[str, int]:
        return {"maxFeePerGas": self.max_fee, "maxPriorityFeePerGas": self.priority_fee}


@dataclass(frozen=True)
class FeePolicy:
    """Where the fees come from: the chain (base fee, ``eth_maxPriorityFeePerGas``) or a fixed
    tip, never above ``max_fee`` (wei)."""

    max_fee: int = 500 * GWEI
    priority_fee: int | None = None

    @classmethod
    def from_gwei(cls, max_fee_gwei: float, priority_fee_gwei: float | None) -> FeePolicy:
        tip = None if priority_fee_gwei is None else int(priority_fee_gwei * GWEI)
        return cls(int(max_fee_gwei * GWEI), tip)

    def market(self, w3: Web3) -> Fees:
        """Fees for a new transaction: twice the latest base fee plus the tip, capped."""
        base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0) or 0)
        tip = self.priority_fee if self.priority_fee is not None else int(w3.eth.max_priority_fee)
        return self._capped(2 * base + tip, tip)

    def bumped(self, old: Fees, market: Fees) -> Fees | None:
        """Fees for a replacement of a transaction sent with ``old``: +12.5% at least (the
        market's when higher), capped; None when the cap leaves no room for a replacement that
        nodes accept."""
        tip = max(_ceil(old.priority_fee * BUMP_NUM, BUMP_DEN), market.priority_fee)
        new = self._capped(max(_ceil(old.max_fee * BUMP_NUM, BUMP_DEN), market.max_fee), tip)
        enough = _ceil(old.max_fee * MIN_REPLACEMENT_NUM, MIN_REPLACEMENT_DEN)
        enough_tip = _ceil(old.priority_fee * MIN_REPLACEMENT_NUM, MIN_REPLACEMENT_DEN)
        if new.max_fee < enough or new.priority_fee < enough_tip:
            return None
        return new

    def _capped(self, max_fee: int, tip: int) -> Fees:
        max_fee = min(max_fee, self.max_fee)
        return Fees(max_fee, min(tip, max_fee))


def _ceil(num: int, den: int) -> int:
    return -(-num // den)


def decode(raw: bytes) -> dict[str, Any]:
    """The fields of a signed EIP-1559 transaction, without its signature."""
    tx = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
    for name in ("v", "r", "s"):
        tx.pop(name, None)
    return dict(tx)


def fees_of(raw: bytes) -> Fees | None:
    """The fees of a signed transaction; None for one that is not EIP-1559 (type 2)."""
    if not raw or raw[0] != 2:
        return None
    tx = decode(raw)
    return Fees(int(tx["maxFeePerGas"]), int(tx["maxPriorityFeePerGas"]))


def signed(account: LocalAccount, tx: dict[str, Any]) -> tuple[str, bytes]:
    """Sign ``tx``: (hash as 0x-hex, raw bytes)."""
    sig = account.sign_transaction(tx)
    return "0x" + bytes(sig.hash).hex().removeprefix("0x"), bytes(sig.raw_transaction)


def resign(account: LocalAccount, raw: bytes, fees: Fees) -> tuple[str, bytes]:
    """The same transaction as ``raw`` (same nonce, call and gas) with other fees."""
    tx = decode(raw)
    tx.update(fees.fields())
    return signed(account, tx)
