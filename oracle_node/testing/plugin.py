"""Pytest fixtures of the testing kit (registered through the ``pytest11`` entry point).

They use the last two of Ape's test accounts (deployer and node), so a project's own tests can
keep ``accounts[0]`` and friends for their roles.

pytest loads this module for every installation of ``oracle-node``, the base one included, so
it imports nothing but pytest: Ape (the ``kit`` extra) is imported when a fixture is used.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oracle_node.extras import needs_extra


@pytest.fixture(scope="session")
def oracle(request: pytest.FixtureRequest) -> Any:
    """The protocol deployed on the test chain with one staked node (an ``OracleHarness``)."""
    with needs_extra("the `oracle` fixture", "kit"):
        from oracle_node.testing.harness import OracleHarness

    test_accounts = list(request.getfixturevalue("accounts"))
    return OracleHarness(test_accounts[-1], [test_accounts[-2]])


@pytest.fixture(scope="session")
def oracle_model(oracle: Any) -> Callable[..., Any]:
    """``oracle_model(circuit_dir, fee=..., challenge_window=..., bond=...)`` registers a circuit
    folder once per session (per set of terms); a window and a bond allow Optimistic requests."""
    registered: dict[tuple[Path, int, int, int], Any] = {}

    def register(
        model_dir: Path | str, *, fee: int = 10**15, challenge_window: int = 0, bond: int = 0
    ) -> Any:
        key = (Path(model_dir).resolve(), fee, challenge_window, bond)
        if key not in registered:
            registered[key] = oracle.register_model(
                key[0], fee=fee, challenge_window=challenge_window, bond=bond
            )
        return registered[key]

    return register
