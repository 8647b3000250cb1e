"""The CLI as a real process: the console script, plain output in a pipe, SIGINT → 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import BAD, CANARY_CORE, GOOD, ROOT, run_process

PLAIN_ENV = {"TERM": "xterm-256color", "FORCE_COLOR": "", "CI": "true"}


def test_python_m_in_a_pipe_is_plain_text() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    completed = subprocess.run([sys.executable, "-m", "etc_policy", "check", str(BAD)],
                               env={**env, "TERM": "xterm-256color"}, capture_output=True,
                               text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert completed.returncode == 1
    assert "\x1b[" not in completed.stdout + completed.stderr
    assert "TST001 openai-key-format" in completed.stdout
    assert CANARY_CORE not in completed.stdout


def test_console_script_runs_main() -> None:
    script = Path(sys.executable).parent / "etc-policy"
    if not script.exists():  # pip installs it beside the interpreter
        pytest.fail(f"console script not installed at {script}; run pip install -e .")
    completed = subprocess.run([str(script), "check", str(GOOD)], capture_output=True,
                               text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert (completed.returncode, completed.stdout) == (0, "no findings in 1 file\n")


def test_usage_error_from_a_process_has_no_traceback() -> None:
    result = run_process("check", "--config", str(ROOT / "no-such.yaml"), str(GOOD))
    assert result.code == 2
    # Named by the path rule: relative to the process's cwd (ROOT).
    assert result.err == "etc-policy: no-such.yaml: config file not found\n"


def _blocked_in_fifo_open(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/wchan").read_text() in ("wait_for_partner", "fifo_open")
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_sigint_while_blocked_on_a_fifo_exits_130(tmp_path: Path) -> None:
    # `--config <(…)` is a pipe; opening a FIFO with no writer blocks until interrupted.
    fifo = tmp_path / "config.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen([sys.executable, "-m", "etc_policy", "check", "--config",
                                str(fifo), str(GOOD)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not _blocked_in_fifo_open(process.pid):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the CLI never reached the FIFO"
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130
    assert "Traceback" not in out + err
    assert out == ""
