"""One lifecycle for the node's long-running parts: ``setup``, ``run_forever``, ``cleanup``.

A :class:`Service` runs in its own thread; :meth:`Service.stop` sets an event that its loop
checks between steps, and :meth:`Service.sleep` waits on that event, so stopping is prompt.

Most services are a loop of :meth:`Service.step` calls, and they all treat errors the same
way, here once: an exception from a step (an RPC outage, a node error) is counted and kept
in :attr:`Service.last_error` for the health report, the loop backs off exponentially, and
it never stops the service.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

Backoff = Callable[[int], float]


def exponential_backoff(failures: int, base: float = 0.5, cap: float = 30.0) -> float:
    """Seconds to wait after ``failures`` errors in a row: 0.5, 1, 2, ... up to ``cap``."""
    return float(min(cap, base * 2 ** max(0, failures - 1)))


class Service:
    """Base of the listener, the pipeline stages and the API server."""

    name = "service"
    idle_seconds = 1.0

    def __init__(self, backoff: Backoff = exponential_backoff) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.backoff = backoff
        self.failures = 0
        self.last_error: str | None = None
        self.log = logging.getLogger(f"oracle_node.{self.name}")

    def setup(self) -> None:
        """Prepare resources (called in the caller's thread, so errors surface at start)."""

    def step(self) -> bool:
        """One unit of work; True when there may be more to do at once (no idle wait)."""
        raise NotImplementedError(f"{type(self).__name__} defines neither step nor run_forever")

    def idle(self) -> None:
        """Wait between steps that found nothing to do."""
        self.sleep(self.idle_seconds)

    def on_error(self, exc: Exception) -> None:
        """Called after a step failed, before the back-off wait (e.g. to count it)."""

    def run_forever(self) -> None:
        """The loop; returns when :attr:`stopping` becomes true."""
        while not self.stopping:
            try:
                busy = self.step()
            except Exception as exc:  # any step error: back off, keep going
                self.failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                delay = self.backoff(self.failures)
                self.log.warning("%s error (%d in a row), retrying in %.1fs: %s",
                                 self.name, self.failures, delay, self.last_error)  # fmt: skip
                self.on_error(exc)
                self.sleep(delay)
                continue
            self.failures = 0
            self.last_error = None
            if not busy:
                self.idle()

    def cleanup(self) -> None:
        """Release resources after the loop ended."""

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def sleep(self, seconds: float) -> bool:
        """Wait up to ``seconds``; True when woken by :meth:`stop`."""
        return self._stop.wait(seconds)

    def start(self) -> None:
        self.setup()
        self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        try:
            self.run_forever()
        except BaseException as exc:  # surfaced through `error` and `alive`
            self.error = exc
            self.log.exception("%s stopped on an error", self.name)
        finally:
            self.cleanup()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
