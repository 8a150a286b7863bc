"""One lifecycle for the node's long-running parts: ``setup``, ``run_forever``, ``cleanup``.

A :class:`Service` runs in its own thread; :meth:`Service.stop` sets an event that its loop
checks between steps, and :meth:`Service.sleep` waits on that event, so stopping is prompt.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod


class Service(ABC):
    """Base of the listener, the pipeline stages and the API server."""

    name = "service"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.log = logging.getLogger(f"oracle_node.{self.name}")

    def setup(self) -> None:  # noqa: B027  (optional hook)
        """Prepare resources (called in the caller's thread, so errors surface at start)."""

    @abstractmethod
    def run_forever(self) -> None:
        """The loop; return when :attr:`stopping` becomes true."""

    def cleanup(self) -> None:  # noqa: B027  (optional hook)
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
