"""The chain's clock: the latest block's timestamp, as the listener last saw it.

The coordinator judges windows and deadlines by ``block.timestamp``, not by anyone's wall
clock, and the two drift apart (a chain that stalls, a test chain whose time was moved, a
machine whose clock is off). The node therefore decides "is the window open?" and "is the
deadline past?" by the newest block timestamp it has seen. Until it has seen one, it falls
back to the wall clock.
"""

from __future__ import annotations

import threading
import time


class BlockClock:
    """A callable returning the newest block timestamp observed (Unix seconds)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._timestamp: int | None = None

    def observe(self, timestamp: int) -> None:
        """Record a block's timestamp; the clock never moves backwards (re-orgs included)."""
        with self._lock:
            if self._timestamp is None or timestamp > self._timestamp:
                self._timestamp = int(timestamp)

    @property
    def seen(self) -> bool:
        return self._timestamp is not None

    def __call__(self) -> float:
        with self._lock:
            return float(self._timestamp) if self._timestamp is not None else time.time()
