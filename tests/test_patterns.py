"""Pack regexes run on RE2: a catastrophic-backtracking pattern stays linear, and a pattern
RE2 cannot take is a clear pack error naming file, line and field."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from etc_policy.errors import PolicyError
from etc_policy.patterns import PatternError, compile_pack_regex
from etc_policy.policy import load_pack

HOSTILE = r"^(a+)+$"
ATTACK = "a" * 200_000 + "!"


def test_hostile_pattern_is_linear_on_re2() -> None:
    # Python's re needs exponential time on this input (2**200000 paths); RE2 answers at once.
    # No timing assertion: the test would simply never finish on a backtracking engine.
    assert compile_pack_regex(HOSTILE).search(ATTACK) is None
    assert compile_pack_regex(HOSTILE).fullmatch("a" * 1000) is not None


def test_python_re_would_backtrack_on_it() -> None:
    # The same pattern on `re` with a short input already takes visible work: proves the
    # hazard is real (kept tiny so the suite stays fast).
    started = time.perf_counter()
    assert re.search(HOSTILE, "a" * 18 + "!") is None
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("pattern", [r"(a)\1", r"foo(?=bar)", r"(?<!x)y", "(unclosed"])
def test_unsupported_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(PatternError, match="invalid regular expression for RE2"):
        compile_pack_regex(pattern)


def test_ignore_case() -> None:
    assert compile_pack_regex("sk-[a-z]+", ignore_case=True).fullmatch("SK-ABC")
    assert not compile_pack_regex("sk-[a-z]+").fullmatch("SK-ABC")


def _pack(tmp_path: Path, pattern: str, *, where: str = "check") -> Path:
    check = f"{{kind: regex, pattern: '{pattern}'}}" if where == "check" else \
        "{kind: equals, value: a}"
    select = f"\n    select: {{key_pattern: '{pattern}'}}" if where == "select" else ""
    path = tmp_path / "team.yaml"
    path.write_text(
        "schema_version: 1\nname: team\ndescription: d\nrules:\n"
        f"  - id: TEAM001\n    name: x\n    severity: error{select}\n"
        f"    check: {check}\n"
        "    docs: {what: a, why: b, example: c, fix: d}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("where, line, field", [("check", 8, "check.pattern"),
                                                ("select", 8, "select.key_pattern")])
def test_pack_with_backreference_names_file_line_field(tmp_path: Path, where: str, line: int,
                                                       field: str) -> None:
    path = _pack(tmp_path, r"(a)\1", where=where)
    with pytest.raises(PolicyError) as raised:
        load_pack(str(path), base_dir=tmp_path)
    message = str(raised.value)
    assert message.startswith(f"team.yaml:{line}: rules[0].{field}: ")
    assert "RE2" in message
    assert "\n" not in message


def test_pack_with_hostile_pattern_runs_linear_through_the_cli(tmp_path: Path, capsys) -> None:
    from etc_policy.cli import main

    pack = _pack(tmp_path, HOSTILE, where="select")
    (tmp_path / ".env").write_text(f"{ATTACK[:50_000]}=1\n", encoding="utf-8")
    assert main(["check", str(tmp_path), "--pack", str(pack), "-f", "json"]) in (0, 1)
    assert "Traceback" not in capsys.readouterr().err
