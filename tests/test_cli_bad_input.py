"""Bad input never gives a traceback or a hang: one clear line naming the place (exit 2),
or a finding when the file is readable but broken (the other files still get checked)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import MINI_PACK, assert_one_line_error, run_main

PACK = ("--pack", str(MINI_PACK))
Make = Callable[[Path], None]


def write(name: str, content: bytes | str) -> Make:
    def make(folder: Path) -> None:
        data = content.encode() if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return make


def symlink_loop(folder: Path) -> None:
    os.symlink("loop.env", folder / "loop.env")


# (case, setup, args, exit code, expected text in the one stderr line or in the findings)
ERRORS = [
    ("missing file", lambda f: None, ("check", *PACK, ".env.production"), 2,
     ".env.production: no such file or directory"),
    ("symlink loop", symlink_loop, ("check", *PACK, "loop.env"), 2,
     "loop.env: broken symlink or symlink loop"),
    ("config is a directory", lambda f: (f / "conf").mkdir(),
     ("check", *PACK, "--config", "conf", "."), 2, "conf: is a directory, not a config file"),
    ("binary file", write(".env", b"A=1\x00\x02\x03\n"), ("check", *PACK, ".env"), 2,
     ".env:1: binary file"),
    ("pack is not YAML", write("pack.yaml", "rules: [\n"), ("check", "--pack", "pack.yaml", "."),
     2, "pack.yaml:2: invalid YAML"),
    ("pack with a bad field", write("pack.yaml", "schema_version: 1\nname: x\nrulez: []\n"),
     ("check", "--pack", "pack.yaml", "."), 2, "pack.yaml:3"),
    ("unknown shipped pack", lambda f: None, ("check", "--pack", "no-such-pack", "."), 2,
     "unknown pack 'no-such-pack'"),
    ("unknown rule ID in config", write(".etc-policy.yaml",
                                        f"packs: [{MINI_PACK}]\nrules:\n  TST999: {{enabled: false}}\n"),
     ("check", "."), 2, ".etc-policy.yaml:3: rules.TST999: unknown rule ID"),
    ("config not YAML", write(".etc-policy.yaml", "packs: [\n"), ("check", "."), 2,
     ".etc-policy.yaml:2: invalid YAML"),
    ("config YAML bomb", write(".etc-policy.yaml", "a: &a [1, 2]\nb: [*a, *a]\n"),
     ("check", "."), 2, ".etc-policy.yaml:2: YAML aliases"),
    ("unrecognised railway export", write("railway-variables.production.json", '{"A": 1}'),
     ("check", *PACK, "railway-variables.production.json"), 2,
     "railway-variables.production.json: not a recognised input"),
    ("pyproject not TOML", write("pyproject.toml", "[tool.etc-policy]\npacks = [\n"),
     ("check", "--config", "pyproject.toml", "."), 2, "pyproject.toml: invalid TOML"),
]

FINDINGS = [
    ("empty .env", write(".env.production", ""), ("check", *PACK, "-f", "json", "."), 0, ""),
    ("empty railway.json", write("railway.json", ""), ("check", *PACK, "railway.json"), 1,
     "1:1     error   TST004 dotenv-syntax  invalid JSON: empty file"),
    ("non-UTF-8 .env", write(".env", b"A=caf\xe9\nB=2\n"), ("check", *PACK, ".env"), 1,
     "1:6     error   TST004 dotenv-syntax  invalid UTF-8"),
    ("invalid JSON railway config", write("railway.json", '{"deploy": {"x": 1,}}\n'),
     ("check", *PACK, "railway.json"), 1, "1:19    error   TST004 dotenv-syntax  invalid JSON"),
    ("invalid TOML railway config", write("railway.toml", "[deploy\nx = 1\n"),
     ("check", *PACK, "railway.toml"), 1, "1:8     error   TST004 dotenv-syntax  invalid TOML"),
    ("a 10 MB line", write(".env.production", "OPENAI_API_KEY=" + "a" * 10_000_000 + "\n"),
     ("check", *PACK, ".env.production"), 1, "(aaaa…, 10000000 chars)"),
]


@pytest.mark.parametrize(("setup", "args", "code", "expected"),
                         [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_errors_are_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch, setup: Make, args: tuple[str, ...],
                             code: int, expected: str) -> None:
    setup(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run_main(capsys, *args)
    assert_one_line_error(result, code=code, naming=expected)
    assert result.out == ""


@pytest.mark.parametrize(("setup", "args", "code", "expected"),
                         [case[1:] for case in FINDINGS], ids=[case[0] for case in FINDINGS])
def test_broken_but_readable_files_are_findings(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                setup: Make, args: tuple[str, ...], code: int,
                                                expected: str) -> None:
    setup(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run_main(capsys, *args)
    assert result.code == code, result
    assert "Traceback" not in result.all
    assert result.err == ""
    assert expected in result.out


BROKEN = [
    ("railway.json", '{"deploy": {"healthcheckPath": "/api/health",}\n', {"RWY016", "RWY017"}),
    ("railway.toml", "[deploy\nhealthcheckPath = '/api/health'\n", {"RWY016", "RWY017"}),
    ("railway-variables.production.json", '{"NODE_ENV": "production",\n', {"RWY021"}),
]


@pytest.mark.parametrize(("name", "text", "expected"), BROKEN, ids=[case[0] for case in BROKEN])
def test_a_file_that_did_not_parse_has_no_dependent_findings(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        name: str, text: str, expected: set[str]) -> None:
    """Every shipped pack on a file that did not parse: its syntax finding (and RWY016, which
    judges that a railway config exists), never "health check not set", "restart policy not
    set" or "required key missing" about the nothing that was read."""
    (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    result = run_main(capsys, "check", "-f", "json", ".")
    assert result.code == 1, result
    assert {f["rule_id"] for f in json.loads(result.out)["findings"]} == expected
