"""The operator API as a :class:`~oracle_node.service.Service` that the ``run`` command adds.

The node's assembly (:mod:`oracle_node.node.runner`) knows nothing of the web layer: the
command line builds this service around a running node and hands it to the node to start and
stop with the others. The socket is bound in :meth:`ApiService.setup`, in the caller's thread,
so a busy port is an error at start, not a log line from a thread nobody watches.
"""

from __future__ import annotations

import errno
import socket

import uvicorn

from oracle_node.api.app import create_app
from oracle_node.api.deps import NodeView
from oracle_node.exceptions import PortInUseError
from oracle_node.service import Service
from oracle_node.settings import ApiSettings


def listen_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (reusing a port in TIME_WAIT, as uvicorn does).

    It is made with ``IPPROTO_TCP`` explicitly: asyncio sets ``TCP_NODELAY`` on the connections
    it accepts only for sockets whose ``proto`` says TCP, and without it every response on a
    reused connection waits for the client's delayed ACK (measured: 44 ms per round trip against
    1.6 ms).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(host, port) from None
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def port_is_free(host: str, port: int) -> bool:
    """Whether :func:`listen_socket` could bind ``host:port`` now (a port in TIME_WAIT is free:
    the node's socket reuses it)."""
    try:
        listen_socket(host, port).close()
    except (PortInUseError, OSError):
        return False
    return True


class ApiService(Service):
    """uvicorn serving :func:`~oracle_node.api.app.create_app` on a socket bound at set-up."""

    name = "api"

    def __init__(self, node: NodeView, settings: ApiSettings) -> None:
        super().__init__()
        self.node = node
        self.settings = settings
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None

    @property
    def port(self) -> int:
        """The bound port (the configured one, or the one the OS chose for port 0)."""
        if self._socket is None:
            return self.settings.port
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    def setup(self) -> None:
        self._socket = listen_socket(self.settings.host, self.settings.port)
        config = uvicorn.Config(
            create_app(self.node), log_level="warning", lifespan="off", access_log=False
        )
        self._server = uvicorn.Server(config)

    def run_forever(self) -> None:
        assert self._server is not None and self._socket is not None
        self._server.run(sockets=[self._socket])

    def stop(self) -> None:
        super().stop()
        if self._server is not None:
            self._server.should_exit = True

    def cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
