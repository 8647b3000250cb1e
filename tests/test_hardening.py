"""Hostile and broken inputs, each through the real CLI in its own process: a one-line
message naming the place and exit 2, or findings (exit 0/1) — never a traceback, and bounded
in time (the subprocess timeout) and memory (the child's peak RSS)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_RSS_MIB = 1024


def _run(args: list[str], *, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "etc_policy", *args], cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "ETC_POLICY_NO_CACHE": "1"})


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _write(name: str, data: str | bytes) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return make


def _fifo(name: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(folder / name)
    return make


BILLION_LAUGHS = "\n".join(
    ["schema_version: 1", "name: bomb", "description: d", 'a: &a ["lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
       f"*{chr(97 + i)}]" for i in range(9)] + ["rules: []", ""])

# (case, setup, args, expected exit code, text that must be in stderr (code 2) or stdout)
CASES = [
    ("FIFO passed as a .env file", _fifo(".env.production"),
     ["check", ".env.production"], 2, ".env.production: is a FIFO (named pipe), not a regular file"),
    ("FIFO in a scanned folder is skipped", _fifo("logs/app.log"),
     ["scan", "logs", "-f", "json"], 0, '"findings": []'),
    ("UTF-16 .env", _write(".env.production", "A=1\nB=2\n".encode("utf-16")),
     ["check", ".env.production"], 2, ".env.production: UTF-16 text (byte-order mark FF FE)"),
    ("UTF-16 railway.json", _write("railway.json", '{"deploy": {}}'.encode("utf-16")),
     ["check", "railway.json"], 2, "railway.json: UTF-16 text"),
    ("NUL bytes in railway.json", _write("railway.json", b'{"deploy":\x00{}}'),
     ["check", "railway.json"], 2, "railway.json:1: binary file"),
    ("a 50 MB single line", _write(".env.production", "JWT_SECRET=" + "ab" * 25_000_000 + "\n"),
     ["check", ".", "-f", "json"], 1, '"rule_id"'),
    ("100,000 keys", _write(".env.production", "".join(f"KEY_{i}=value{i}\n"
                                                       for i in range(100_000))),
     ["check", ".", "-f", "json", "--pack", "dotenv", "--fail-on", "note"], 1, '"DOT015"'),
    ("deeply nested railway.json", _write("railway.json", '{"deploy":' + "[" * 100_000
                                          + "]" * 100_000 + "}"),
     ["check", ".", "-f", "json"], 1, "nesting deeper than 512 levels"),
    ("deeply nested variables export", _write("railway-variables.production.json",
                                              '{"A":' + "[" * 100_000 + "]" * 100_000 + "}"),
     ["check", ".", "-f", "json"], 1, "nesting deeper than 512 levels"),
    ("billion laughs in a pack", _write("bomb.yaml", BILLION_LAUGHS),
     ["validate", "bomb.yaml"], 2, "bomb.yaml:5: YAML aliases"),
    ("billion laughs in the config", _write(".etc-policy.yaml", BILLION_LAUGHS.replace(
        "schema_version: 1\nname: bomb\ndescription: d\n", "")),
     ["check", "."], 2, ".etc-policy.yaml:2: YAML aliases"),
    ("deeply nested pack YAML", _write("deep.yaml", "a: " + "[" * 50_000 + "]" * 50_000 + "\n"),
     ["validate", "deep.yaml"], 2, "deep.yaml"),
    ("binary log scanned", _write("logs/app.log", b"\x00\x01binary\x00" * 1000),
     ["scan", "logs", "-f", "json"], 0, '"findings": []'),
]


@pytest.mark.parametrize("case, setup, args, code, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path: Path, case: str, setup: Callable[[Path], None], args: list[str],
                   code: int, expected: str) -> None:
    setup(tmp_path)
    done = _run(args, cwd=tmp_path)
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == code, (case, done.returncode, done.stderr[-500:])
    if code == 2:
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert expected in lines[0], lines[0]
    else:
        assert expected in done.stdout, done.stdout[-500:]
    assert _peak_rss_mib() < MAX_RSS_MIB


def test_ctrl_c_leaves_no_half_written_output(tmp_path: Path) -> None:
    """SIGINT while the run is blocked (its config is a FIFO nobody writes): exit 130, and the
    existing --output file is untouched, no temp file is left behind."""
    (tmp_path / ".env.production").write_text("NODE_ENV=production\n")
    os.mkfifo(tmp_path / "config.yaml")
    report = tmp_path / "report.json"
    report.write_text("previous report\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "etc_policy", "check", ".", "--config", "config.yaml",
         "-f", "json", "-o", str(report)], cwd=tmp_path, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # give it time to reach the blocking open() of the FIFO, then interrupt
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.5)
        if _blocked_on_fifo(process.pid):
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.strip() == "etc-policy: interrupted"
    assert report.read_text() == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".env.production", "config.yaml",
                                                          "report.json"]


def _blocked_on_fifo(pid: int) -> bool:
    try:
        return "fifo" in Path(f"/proc/{pid}/wchan").read_text() or \
            Path(f"/proc/{pid}/stat").read_text().split()[2] == "S"
    except OSError:
        return False


def test_unreadable_file_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The suite runs as root, which reads any file: the OS refusal is simulated."""
    from etc_policy.cli import main

    (tmp_path / ".env.production").write_text("NODE_ENV=production\n")

    original = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == ".env.production":
            raise PermissionError(13, "Permission denied", str(self))
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code = main(["check", str(tmp_path / ".env.production")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().endswith(".env.production: permission denied")
    assert len(err.strip().splitlines()) == 1
