"""The offline guard itself: it must catch an attempt in-process and in a subprocess, or the
suite's 'no network' promise would be untested."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from network_guard import NetworkBlocked


def test_in_process_connect_is_blocked_and_logged(network_log: Path) -> None:
    before = network_log.read_text()
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
    assert network_log.read_text() != before
    # the attempt above is expected here: take it back out of the log for the autouse check
    network_log.write_text(before)


def test_subprocess_is_guarded_too(network_log: Path) -> None:
    before = network_log.read_text()
    code = ("import socket\n"
            "try:\n socket.getaddrinfo('example.invalid', 443)\n"
            "except Exception as e: print(type(e).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == "NetworkBlocked"
    assert "example.invalid" in network_log.read_text()
    network_log.write_text(before)


def test_unix_sockets_stay_allowed() -> None:
    left, right = socket.socketpair()
    left.sendall(b"x")
    assert right.recv(1) == b"x"
    left.close()
    right.close()
