"""What keeps a node from being ready, or should worry its operator, in words that say the fix.

Used by :meth:`oracle_node.node.runner.OracleNode.readiness` (``/ready``) and by
``oracle-node doctor``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from oracle_node.chain.account import AccountState

_WEI_PER_ETH = Decimal(10**18)


def _eth(wei: int) -> str:
    return format((Decimal(int(wei)) / _WEI_PER_ETH).normalize(), "f")


def stake_problems(account: AccountState, min_stake: int, served: Iterable[int]) -> list[str]:
    """Why the registry would not draw this node for the models it serves (empty: it would)."""
    served = sorted(served)
    if account.stake_wei == 0:
        return [f"not staked: oracle-node register --stake {_eth(min_stake)} (the registry's "
                "minimum) to be drawn for requests"]  # fmt: skip
    if account.stake_wei < min_stake:
        return [f"stake {_eth(account.stake_wei)} ETH is below the registry minimum "
                f"{_eth(min_stake)} ETH: oracle-node register --stake "
                f"{_eth(min_stake - account.stake_wei)}"]  # fmt: skip
    if not account.active:
        if account.unbonding:
            return ["unbonding: the node left the draw pools (oracle-node unstake); withdraw "
                    "after unlock and register again to serve"]  # fmt: skip
        return ["not active in the node registry: oracle-node register to join the draw pools"]
    if served and not set(served) & set(account.models):
        return [f"not active for any served model ({', '.join(map(str, served))}): "
                f"oracle-node register --model {served[0]}"]  # fmt: skip
    return []


def stale_head_warning(age_s: float) -> str:
    return (
        f"the chain has not mined a block for {int(age_s)} s: a bare anvil mines only on "
        "transactions; start it with --block-time 1"
    )


def stale_head_warnings(age_s: float, limit_s: float) -> list[str]:
    """A warning when the newest block is older than ``limit_s``: the listener waits for
    confirmations, so a request on a chain that stopped mining is never picked up."""
    return [stale_head_warning(age_s)] if age_s > limit_s else []
