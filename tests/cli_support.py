"""Helpers for the CLI tests: run the real entry point in-process or as a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from etc_policy.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "cli_data"
MINI_PACK = DATA / "packs" / "mini.yaml"
BAD = DATA / "project-bad"
GOOD = DATA / "project-good"
# The fake OpenAI key in project-bad/.env.production: it must never appear in any output
# except `inspect --reveal`. CANARY_CORE is a part no hint could ever show.
CANARY = "sk-CANARYFAKEtestEXAMPLE0123456789abcdef"
CANARY_CORE = "CANARYFAKE"
SCHEMAS = ROOT / "docs" / "schemas"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def all(self) -> str:
        return self.out + self.err


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """The console script's main(), in-process (fast), with the real error handler."""
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                timeout: float = 60) -> Result:
    """`python -m etc_policy ARGS` as a separate process, stdin closed, output in a pipe."""
    completed = subprocess.run([sys.executable, "-m", "etc_policy", *args], cwd=cwd or ROOT,
                               env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                               capture_output=True, text=True, timeout=timeout)
    return Result(completed.returncode, completed.stdout, completed.stderr)


@lru_cache(maxsize=None)
def _validator(name: str):  # noqa: ANN202
    import jsonschema

    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def valid_report(text: str) -> dict:
    document = json.loads(text)
    _validator("report.schema.json").validate(document)
    return document


def valid_inspect(text: str) -> dict:
    document = json.loads(text)
    _validator("inspect.schema.json").validate(document)
    return document


def assert_one_line_error(result: Result, *, code: int = 2, naming: str = "") -> None:
    assert result.code == code, result
    assert "Traceback" not in result.all
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("etc-policy: ")
    assert naming in lines[0]
