"""Output on a real terminal (a pseudo-terminal of a given width, as a user's shell gives
it) against a pipe: colour and wrapping only on the terminal, for check, rotation and audit."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios

from cli_support import ROOT, run_process

AUDIT = str(ROOT / "fixtures" / "railway-app-audit")
BAD = str(ROOT / "fixtures" / "railway-app-bad")
ANSI = re.compile(r"\x1b\[[0-9;]*m")
RED = "\x1b[1;31m"


def on_a_terminal(*args: str, columns: int = 70) -> str:
    """`python -m etc_policy ARGS` with stdin, stdout and stderr on a pty `columns` wide."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items()
           if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE",
                        "GITHUB_ACTIONS")}
    process = subprocess.Popen([sys.executable, "-m", "etc_policy", *args], cwd=ROOT,
                               env={**env, "TERM": "xterm-256color"}, stdin=slave,
                               stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:      # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.wait(timeout=120)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def plain_lines(text: str) -> list[str]:
    return [ANSI.sub("", line).rstrip() for line in text.splitlines()]


def test_check_wraps_and_colours_on_a_terminal_only() -> None:
    tty = on_a_terminal("check", BAD, "--fail-on", "never", columns=70)
    assert RED in tty
    lines = plain_lines(tty)
    findings = [line for line in lines if re.match(r"  \d+:\d+ ", line)]
    continued = [line for line in lines if line.startswith(" " * 10)]
    assert findings and continued, tty
    assert all(len(line) <= 70 for line in findings + continued)
    pipe = run_process("check", BAD, "--fail-on", "never")
    assert "\x1b[" not in pipe.out
    assert max(len(line) for line in pipe.out.splitlines()) > 70   # one line per finding
    assert not any(line.startswith(" " * 10) for line in pipe.out.splitlines())


def test_rotation_and_audit_text_are_coloured_on_a_terminal_only() -> None:
    for args in (("rotation", "status", AUDIT, "--as-of", "2026-11-01"),
                 ("rotation", "report", AUDIT, "--as-of", "2026-11-01"),
                 ("audit", AUDIT, "--as-of", "2026-11-01", "--fail-on", "never")):
        tty = on_a_terminal(*args, columns=200)
        assert f"{RED}overdue" in tty, args           # the state, as check's errors
        assert "\x1b[33mdue soon" in tty, args
        pipe = run_process(*args)
        assert "\x1b[" not in pipe.out and "overdue" in pipe.out, args
        assert plain_lines(tty) == pipe.out.splitlines(), args   # the same characters
    audit = on_a_terminal("audit", AUDIT, "--as-of", "2026-11-01", "--fail-on", "never",
                          columns=200)
    assert f"{RED}error  " in audit and "\x1b[1;4m== production ==" in audit
