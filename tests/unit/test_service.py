"""The shared service loop: steps, idle waits, errors counted and backed off, prompt stop."""

from __future__ import annotations

import threading

from oracle_node.service import Service, exponential_backoff


class Flaky(Service):
    """Fails its first ``failures`` steps, then works; stops itself after ``steps`` steps."""

    name = "flaky"
    idle_seconds = 0.0

    def __init__(self, failures: int, steps: int) -> None:
        self.delays: list[float] = []
        super().__init__(backoff=self.record_delay)
        self.to_fail = failures
        self.steps = steps
        self.errors_seen: list[str] = []
        self.states: list[tuple[int, str | None]] = []
        self.done = threading.Event()

    def record_delay(self, failures: int) -> float:
        self.delays.append(exponential_backoff(failures))
        return 0.0

    def step(self) -> bool:
        self.states.append((self.failures, self.last_error))
        self.steps -= 1
        if self.steps <= 0:
            self.stop()
            self.done.set()
        if self.to_fail > 0:
            self.to_fail -= 1
            raise ConnectionError("rpc down")
        return False

    def on_error(self, exc: Exception) -> None:
        self.errors_seen.append(str(exc))


def test_step_errors_back_off_and_clear_after_a_good_step():
    service = Flaky(failures=3, steps=5)
    service.start()
    assert service.done.wait(10)
    service.join(5)
    assert service.error is None and not service.alive
    assert service.delays == [0.5, 1.0, 2.0]
    assert service.errors_seen == ["rpc down"] * 3
    assert service.states[3] == (3, "ConnectionError: rpc down")
    assert service.states[4] == (0, None)


def test_exponential_backoff_is_capped():
    assert [exponential_backoff(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert exponential_backoff(50) == 30.0


def test_stop_wakes_a_sleeping_service_at_once():
    class Sleeper(Service):
        idle_seconds = 60.0

        def step(self) -> bool:
            return False

    service = Sleeper()
    service.start()
    service.stop()
    service.join(2)
    assert not service.alive
