"""Fail loudly if any code opens a network connection: etc-policy promises to stay offline.

Every connect/DNS entry point of `socket` is replaced. An attempt raises NetworkBlocked (so
the code under test cannot go on as if it had worked) and is appended to a log file that the
test session checks at the end of each test, so even an attempt whose exception is swallowed
by a broad handler (the CLI maps unknown exceptions to exit 3) fails the suite.
Unix-domain sockets (local IPC) are allowed.
"""

from __future__ import annotations

import socket

_installed = False


class NetworkBlocked(RuntimeError):
    pass


def install(*, log_path: str | None) -> None:
    global _installed
    if _installed:
        return
    _installed = True

    def record(what: str, target: object) -> None:
        if log_path:
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(f"{what} {target!r}\n")
        raise NetworkBlocked(f"network access attempted: {what} {target!r}")

    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: object) -> None:
        if self.family == getattr(socket, "AF_UNIX", None):
            return original_connect(self, address)
        record("connect", address)

    def connect_ex(self: socket.socket, address: object) -> int:
        if self.family == getattr(socket, "AF_UNIX", None):
            return original_connect_ex(self, address)
        record("connect_ex", address)
        return 1

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        record("getaddrinfo", host)
        return []

    def create_connection(address: object, *args: object, **kwargs: object) -> socket.socket:
        record("create_connection", address)
        raise AssertionError("unreachable")

    socket.socket.connect = connect              # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex        # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo             # type: ignore[assignment]
    socket.create_connection = create_connection  # type: ignore[assignment]
