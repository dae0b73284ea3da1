"""The suite's network guard itself works (otherwise the promise it checks means nothing)."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NetworkAttempt


@pytest.mark.parametrize("family", [socket.AF_INET, socket.AF_INET6])
def test_creating_an_inet_socket_fails(family: int) -> None:
    with pytest.raises(NetworkAttempt):
        socket.socket(family, socket.SOCK_STREAM)


def test_connecting_fails() -> None:
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("127.0.0.1", 9))


def test_local_socketpairs_still_work() -> None:
    # asyncio (and so Textual) uses AF_UNIX socket pairs internally; those are not network.
    a, b = socket.socketpair()
    a.sendall(b"x")
    assert b.recv(1) == b"x"
    a.close()
    b.close()
