"""The suite-wide guard really stops real-network traffic and lets loopback through."""

from __future__ import annotations

import socket

import pytest


@pytest.mark.parametrize("address", [("api.telegram.org", 443), ("8.8.8.8", 53)])
def test_real_network_is_refused(address: tuple[str, int]) -> None:
    with socket.socket() as sock, pytest.raises(RuntimeError, match="test tried"):
        sock.connect(address)


def test_name_resolution_is_refused() -> None:
    with pytest.raises(RuntimeError, match="resolve"):
        socket.getaddrinfo("api.weixin.qq.com", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
