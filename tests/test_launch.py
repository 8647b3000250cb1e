"""launch.py: the typer-free `check` path gives exactly typer's results, and its option
table (derived from typer's command) is rebuilt whenever what it was derived from changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from cli_support import BAD, GOOD, MINI_PACK, ROOT, Result

from etc_policy import cli, launch

MINI = str(MINI_PACK)
AUDIT = ROOT / "fixtures" / "railway-app-audit"
AUDIT_LOG = AUDIT / "logs" / "production-2026-10-30.log"
AUDIT_ENV = AUDIT / ".env.production"

# Command lines the fast path handles itself (it must give typer's exact results).
FAST = [
    ["check", str(GOOD)],
    ["check", str(BAD)],
    ["check", "--quiet", str(GOOD)],
    ["check", "-q", str(BAD)],
    ["check", "--format", "json", str(BAD)],
    ["check", "-f", "sarif", str(BAD)],
    ["check", "--format=markdown", str(BAD)],
    ["check", "--format=github", str(BAD)],
    ["check", "--format", "text", "--format", "json", str(BAD)],   # the last one wins
    ["check", "--fail-on", "never", str(BAD)],
    ["check", "--fail-on=warning", str(GOOD)],
    ["check", "--pack", MINI, str(BAD)],
    ["check", str(BAD), f"--pack={MINI}", "--pack", MINI],
    ["check", "-e", "staging", str(BAD)],
    ["check", "--environment=production", str(BAD)],
    ["check", "--skip-rotation", str(BAD)],
    ["check", "--as-of", "2030-01-01", str(BAD)],
    ["check", "--as-of", "not-a-date", str(BAD)],
    ["check", "--config", "no-such.yaml", str(GOOD)],
    ["check", "--config="],
    ["check", "--sarif-category", "team/x", "-f", "sarif", str(BAD)],
    ["check", "--baseline", "no-such-baseline.json", str(BAD)],
    ["check", str(BAD), "-q", str(GOOD)],                             # options between paths
    ["check", "no-such-path"],
    ["check", ""],
    ["check", "--output=no-such-folder/report.txt", str(BAD)],
    ["check"],
    ["scan", str(AUDIT_LOG), "--env-file", str(AUDIT_ENV)],
    ["scan", str(AUDIT_LOG), "--env-file", str(AUDIT_ENV), "-j", "2", "--format", "json"],
    ["scan", str(AUDIT_LOG), f"--env-file={AUDIT_ENV}", "--jobs=1", "--no-detect-secrets"],
    ["scan", str(AUDIT_LOG), "--env-file", str(AUDIT_ENV), "--detect-secrets", "-q",
     "--fail-on", "never", "--ignore", "*.gz", "-f", "sarif", "--sarif-category", "x/y"],
    ["scan", str(AUDIT_LOG), "--jobs", "0"],                      # run()'s own message
    ["scan", str(AUDIT_LOG), "--jobs", "007"],
    ["scan", str(AUDIT_LOG), "--env-file", str(AUDIT_ENV), "--max-per-secret", "1"],
    ["scan", str(AUDIT_LOG), "--env-file", str(AUDIT_ENV), "--baseline", "no-such-baseline.json"],
    ["scan", str(AUDIT_LOG), "--baseline=no-such-baseline.json", "-f", "json"],
    ["scan", str(AUDIT_LOG), "--write-baseline", "no-such-folder/b.json"],
    ["scan", "no-such.log"],
    ["scan"],
]
# Everything else goes to typer: help, errors, unusual spellings, other commands.
TYPER = [
    ["check", "--help"],
    ["check", "-h"],
    ["check", "--nope", str(GOOD)],
    ["check", "-x", str(GOOD)],
    ["check", "--format", "xml", str(BAD)],
    ["check", "--format", "JSON", str(BAD)],
    ["check", "--format=", str(BAD)],
    ["check", "--fail-on", "fatal", str(BAD)],
    ["check", "--format"],
    ["check", "--pack"],
    ["check", "-e"],
    ["check", "-o"],
    ["check", "--pack", "--quiet", str(GOOD)],
    ["check", "--config", "-q", str(GOOD)],
    ["check", "--", str(BAD)],
    ["check", "-qf", "json", str(BAD)],
    ["check", "-fjson", str(BAD)],
    ["check", "-f=json", str(BAD)],
    ["check", "--quiet=yes", str(BAD)],
    ["check", "-"],
    ["check", "--version"],
    ["--version"],
    ["--help"],
    [],
    ["nope"],
    ["rules", "--pack", MINI],
    ["Check", str(GOOD)],
    ["scan", "-"],                                                # stdin: typer's
    ["scan", str(AUDIT_LOG), "--jobs", "x"],
    ["scan", str(AUDIT_LOG), "--jobs", "-1"],
    ["scan", str(AUDIT_LOG), "--jobs", "+2"],
    ["scan", str(AUDIT_LOG), "--jobs", "1_0"],
    ["scan", str(AUDIT_LOG), "--jobs", "99999999999"],
    ["scan", str(AUDIT_LOG), "--jobs"],
    ["scan", "--no-detect-secrets=1", str(AUDIT_LOG)],
    ["scan", "--help"],
]


@pytest.fixture(autouse=True)
def _table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOOD)           # `check` with no path checks the cwd
    launch.save_table(typer.main.get_command(cli.app))


def run(capsys: pytest.CaptureFixture[str], main, args: list[str]) -> Result:  # noqa: ANN001
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


@pytest.mark.parametrize("args", FAST + TYPER, ids=lambda args: " ".join(args) or "(none)")
def test_launch_gives_typers_results(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    fast = launch.fast_call(args) is not None
    assert fast == (args in FAST)
    assert run(capsys, launch.main, args) == run(capsys, cli.main, args)


def test_the_fast_path_passes_typers_arguments(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from etc_policy.commands import check, scan

    seen: list[dict] = []
    for module in (check, scan):
        monkeypatch.setattr(module, "run", lambda paths, **kwargs: seen.append(
            {"paths": list(paths), **kwargs}) or 0)
    for args in FAST:
        seen.clear()
        assert run(capsys, launch.main, args).code == 0
        assert run(capsys, cli.main, args).code == 0
        assert len(seen) == 2
        assert seen[0] == seen[1]


def test_every_check_option_is_in_the_table() -> None:
    command = typer.main.get_command(cli.app).commands["check"]
    spec = launch.load_table()["commands"]["check"]
    declared = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)
                if param.param_type_name == "option"}
    assert set(spec["options"]) == declared
    assert spec["argument"] == "paths"
    assert spec["options"]["-f"]["choices"] == ["auto", "text", "json", "sarif", "github",
                                                "markdown"]


def test_the_table_is_rebuilt_when_cli_py_changes(tmp_path: Path, cache_home: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "cli.py"
    copy.write_bytes(launch.CLI_FILE.read_bytes() + b"\n# edited once\n")
    monkeypatch.setattr(launch, "CLI_FILE", copy)
    assert launch.load_table() is None
    assert launch.fast_call(["check", str(GOOD)]) is None        # typer's job until it runs
    assert run(capsys, launch.main, ["check", str(GOOD)]).code == 0
    first = launch.load_table()
    assert first is not None and launch.fast_call(["check", str(GOOD)]) is not None
    copy.write_bytes(copy.read_bytes() + b"# edited twice\n")
    assert launch.load_table() is None
    assert run(capsys, launch.main, ["check", "--help"]).code == 0  # any typer run rebuilds
    assert launch.load_table() == first
    tables = list((cache_home / "etc-policy" / "cli").glob("*.json"))
    assert len(tables) >= 3                      # the real cli.py's and both edits'


def test_a_changed_dependency_makes_the_table_stale(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # The table lists typer and the enum modules it copied choices from, with their hashes.
    path = launch._table_path()
    table = json.loads(path.read_bytes())
    files = {Path(f).name for f, _ in table["files"]}
    assert {"__init__.py", "common.py", "findings.py"} <= files
    dependency = tmp_path / "dependency.py"
    dependency.write_text("VERSION = 1\n")
    table["files"].append([str(dependency), launch.sha256(b"VERSION = 1\n").hexdigest()])
    path.write_text(json.dumps(table))
    assert launch.load_table() is not None
    dependency.write_text("VERSION = 2\n")
    assert launch.load_table() is None
    launch.save_table(typer.main.get_command(cli.app))
    assert launch.load_table() is not None


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"format": 99}', b"\xff"])
def test_a_corrupt_table_is_no_table(content: bytes) -> None:
    launch._table_path().write_bytes(content)
    assert launch.fast_call(["check", str(GOOD)]) is None
    launch.save_table(typer.main.get_command(cli.app))
    assert launch.fast_call(["check", str(GOOD)]) is not None


def test_no_cache_means_typer(monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ETC_POLICY_NO_CACHE", "1")
    assert launch.fast_call(["check", str(GOOD)]) is None
    assert run(capsys, launch.main, ["check", str(GOOD)]) == Result(0, "no findings in 1 file\n",
                                                                     "")


def test_options_the_fast_path_cannot_copy_leave_the_command_to_typer() -> None:
    app = typer.Typer()

    @app.command()
    def counted(jobs: int = typer.Option(1, min=1)) -> None:
        """An int range: not copied."""

    @app.command()
    def scaled(factor: float = 1.0) -> None:
        """A float: not copied."""

    @app.command()
    def numbered(jobs: int = 1) -> None:
        """A plain int: copied, plain digits only."""

    @app.command()
    def loud(name: str = typer.Option("x", envvar="NAME")) -> None:
        """An environment variable: not copied."""

    @app.command()
    def plain(paths: list[str] | None = typer.Argument(None), quiet: bool = False,
              pack: list[str] | None = typer.Option(None)) -> None:
        """Copied."""

    group = typer.main.get_command(app)
    assert launch.command_spec(group.commands["counted"], set()) is None
    assert launch.command_spec(group.commands["loud"], set()) is None
    assert launch.command_spec(group.commands["scaled"], set()) is None
    numbered = launch.command_spec(group.commands["numbered"], set())
    assert launch.parse(numbered, ["--jobs", "12"]) == {"jobs": 12}
    for typers in (["--jobs", "-3"], ["--jobs", "+3"], ["--jobs", " 3"], ["--jobs", "3_0"],
                   ["--jobs", "٣"], ["--jobs", "1234567890"]):
        assert launch.parse(numbered, typers) is None, typers
    spec = launch.command_spec(group.commands["plain"], set())
    assert spec is not None
    assert spec["options"]["--no-quiet"]["flag"] is False
    assert launch.parse(spec, ["a", "--no-quiet", "--quiet", "--pack", "p", "b"]) == \
        {"paths": ["a", "b"], "quiet": True, "pack": ["p"]}


def test_a_real_check_process_never_imports_typer() -> None:
    command = [sys.executable, "-X", "importtime", "-m", "etc_policy", "check", "-q", str(GOOD)]
    for _ in range(2):  # the first run may have to write the table (through typer)
        completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                                   stdin=subprocess.DEVNULL, env=dict(os.environ), timeout=60)
    assert completed.returncode == 0, completed.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in completed.stderr.splitlines()]
    assert "etc_policy.launch" in imported
    assert not [name for name in imported if name.split(".")[0] in ("typer", "click")]


def test_a_real_check_process_never_imports_asyncio_nor_pydantic_once_packs_are_cached(
        ) -> None:
    """The first run may validate the packs (pydantic, imported without asyncio); the next
    rebuilds them from the pack cache and never imports pydantic at all."""
    # BAD has a config file; railway-app-bad an invalid railway.json (schema diagnostics).
    for project in (BAD, ROOT / "fixtures" / "railway-app-bad"):
        command = [sys.executable, "-X", "importtime", "-m", "etc_policy", "check", "-q",
                   str(project)]
        for run in range(2):
            completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                                       stdin=subprocess.DEVNULL, env=dict(os.environ),
                                       timeout=60)
            assert completed.returncode == 1, completed.stderr
            imported = [line.rsplit("|", 1)[-1].strip()
                        for line in completed.stderr.splitlines()]
            assert "asyncio" not in imported
        assert "pydantic" not in imported and "pydantic_core" not in imported
        assert "jsonschema" not in imported     # railway.json's diagnostics come from the cache


def test_pydantic_imported_without_asyncio_still_works_and_asyncio_is_real_afterwards() -> None:
    script = """
import sys, warnings
from etc_policy.launch import asyncio_deferred
with asyncio_deferred():
    import pydantic.main
assert "asyncio" not in sys.modules and "asyncio.coroutines" not in sys.modules
from pydantic import BaseModel
class M(BaseModel):
    x: int = 1
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert M().dict() == {"x": 1}            # a method typing_extensions wrapped in the window
assert any("deprecated" in str(w.message) for w in caught)
import asyncio, asyncio.coroutines
async def f():
    return 7
assert asyncio.run(f()) == 7 and asyncio.iscoroutinefunction(f)
assert hasattr(asyncio, "get_event_loop") and asyncio.coroutines.__file__
with asyncio_deferred():                     # asyncio already there: nothing replaced
    assert sys.modules["asyncio"] is asyncio
print("ok")
"""
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               cwd=ROOT, stdin=subprocess.DEVNULL, timeout=60)
    assert (completed.returncode, completed.stdout) == (0, "ok\n"), completed.stderr
