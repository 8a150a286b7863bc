"""A JSON-RPC provider over several endpoints of one chain, moving on when one fails.

Each request goes to the current endpoint; a connection error, a timeout or an HTTP error
status sends it to the next one (which becomes current, with a warning in the log), each
endpoint tried at most once per request. JSON-RPC error replies are answers, not failures.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

import requests
from web3 import HTTPProvider
from web3.providers.base import JSONBaseProvider
from web3.types import RPCEndpoint, RPCResponse

log = logging.getLogger("oracle_node.rpc")


def http_provider(url: str, timeout: float) -> HTTPProvider:
    # No retries inside web3: the services back off themselves and report the error meanwhile.
    return HTTPProvider(
        url, request_kwargs={"timeout": timeout}, exception_retry_configuration=None
    )


class FailoverProvider(JSONBaseProvider):
    """Sends each request to the current endpoint of ``urls``, the next one on failure."""

    def __init__(self, urls: Sequence[str], timeout: float = 10.0) -> None:
        super().__init__()
        if not urls:
            raise ValueError("FailoverProvider needs at least one URL")
        self.urls = list(urls)
        self._providers = [http_provider(url, timeout) for url in self.urls]
        self._current = 0
        self._lock = threading.Lock()

    @property
    def current_url(self) -> str:
        return self.urls[self._current]

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        start = self._current
        error: requests.RequestException | None = None
        for step in range(len(self._providers)):
            index = (start + step) % len(self._providers)
            try:
                response = self._providers[index].make_request(method, params)
            except requests.RequestException as exc:
                error = exc
                nxt = (index + 1) % len(self._providers)
                if nxt != start:
                    log.warning("RPC %s failed (%s): switching to %s",
                                self.urls[index], type(exc).__name__, self.urls[nxt])  # fmt: skip
                continue
            with self._lock:
                self._current = index
            return response
        assert error is not None
        raise error

    def is_connected(self, show_traceback: bool = False) -> bool:
        return any(p.is_connected(show_traceback) for p in self._providers)

    def __repr__(self) -> str:
        return f"FailoverProvider({self.urls!r}, current={self.current_url!r})"
