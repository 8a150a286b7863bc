"""Several RPC endpoints: requests move on from one that fails, against a real anvil.

The failing endpoints are a port nothing listens on, and a small TCP proxy to the same anvil
that the test shuts down: both refuse connections at once, so nothing here waits on a timeout.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator

import pytest

from oracle_node.chain.contracts import connect
from oracle_node.chain.rpc import FailoverProvider
from oracle_node.cli.common import settings_from
from oracle_node.devchain import Anvil, free_port
from oracle_node.exceptions import RpcUnreachableError
from oracle_node.settings import ChainSettings


class Proxy:
    """Forwards TCP connections to ``target``; :meth:`stop` closes it and every connection."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.sockets: list[socket.socket] = [self.server]
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target, timeout=5)
            with self._lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        with self._lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


@pytest.fixture(scope="module")
def anvil() -> Iterator[Anvil]:
    with Anvil() as node:
        yield node


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def test_a_dead_first_endpoint_is_skipped_with_a_warning(anvil, caplog):
    dead = dead_url()
    with caplog.at_level(logging.WARNING, "oracle_node.rpc"):
        w3 = connect([dead, anvil.url], 31337)
        assert w3.eth.block_number >= 0
    provider = w3.provider
    assert isinstance(provider, FailoverProvider) and provider.current_url == anvil.url
    assert any(dead in r.getMessage() and anvil.url in r.getMessage() for r in caplog.records)


def test_requests_continue_on_the_next_endpoint_when_the_current_one_stops(anvil, caplog):
    proxy = Proxy((anvil.host, anvil.port))
    w3 = connect([proxy.url, anvil.url], 31337)
    provider = w3.provider
    assert isinstance(provider, FailoverProvider) and provider.current_url == proxy.url
    before = w3.eth.block_number
    proxy.stop()
    with caplog.at_level(logging.WARNING, "oracle_node.rpc"):
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        assert w3.eth.block_number == before + 1
    assert provider.current_url == anvil.url
    assert any("switching to" in r.getMessage() for r in caplog.records)


def test_connect_fails_in_one_line_when_no_endpoint_answers():
    first, second = dead_url(), dead_url()
    with pytest.raises(RpcUnreachableError, match=f"{first}, {second}"):
        connect([first, second], None)


def test_rpc_url_alone_is_the_one_endpoint_and_rpc_urls_take_over():
    assert ChainSettings(rpc_url="http://a:1").endpoints == ["http://a:1"]
    several = ChainSettings(rpc_urls=["http://a:1", "https://b"])
    assert several.endpoints == ["http://a:1", "https://b"]
    with pytest.raises(ValueError, match="ws://c"):
        ChainSettings(rpc_urls=["http://a:1", "ws://c"])


def test_the_rpc_option_names_the_one_endpoint_over_configured_ones(monkeypatch):
    monkeypatch.setenv("ORACLE_CHAIN__RPC_URLS", '["http://a:1", "http://b:2"]')
    assert settings_from(None, prompt=False).chain.endpoints == ["http://a:1", "http://b:2"]
    assert settings_from(None, rpc="http://x:1", prompt=False).chain.endpoints == ["http://x:1"]
