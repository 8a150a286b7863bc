"""The operator API's listening socket: connections get TCP_NODELAY (no delayed-ACK wait on a
reused connection), and a port left in TIME_WAIT counts as free, as it is for the node."""

from __future__ import annotations

import asyncio
import socket

import pytest

from oracle_node.api.server import listen_socket, port_is_free


def _nodelay_of_accepted(server_sock: socket.socket) -> int:
    """TCP_NODELAY on the connection asyncio accepts on ``server_sock`` (what uvicorn runs on)."""
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Probe, sock=server_sock)
        port = server_sock.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(main())
    return seen[0]


def test_accepted_connections_get_tcp_nodelay():
    sock = listen_socket("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted(sock) != 0


def test_a_socket_made_without_the_tcp_protocol_would_not():
    """Why the protocol is given: asyncio looks at ``sock.proto`` before setting it."""
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    plain.bind(("127.0.0.1", 0))
    plain.listen(8)
    if plain.proto == socket.IPPROTO_TCP:
        pytest.skip("this platform reports the protocol of a default stream socket")
    assert _nodelay_of_accepted(plain) == 0


def test_a_port_in_time_wait_is_free():
    server = listen_socket("127.0.0.1", 0)
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end of the connection is in TIME_WAIT
    client.recv(1)
    client.close()
    server.close()
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError):  # what doctor used to do
            probe.bind(("127.0.0.1", port))
    finally:
        probe.close()
    assert port_is_free("127.0.0.1", port)
