"""What a new user meets first: --version, the bare command, help texts, error wording and
shell completion (typer's), for every command."""

from __future__ import annotations

import re
from pathlib import Path
from importlib.metadata import version

import pytest
import typer
from cli_support import assert_one_line_error, run_main, run_process

from etc_policy import __version__, cli

# A Python type in a help row: typer's `PATH <list[str]>`, `--format <str>`, `<int>`.
PYTHON_TYPE = re.compile(r"<(?:list\[|str|int|bool|float|path|datetime)[^>]*>|list\[")


def _commands(group: typer.core.TyperGroup, prefix: tuple[str, ...] = ()):  # noqa: ANN202
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, typer.core.TyperGroup):
            yield from _commands(command, (*prefix, name))


COMMANDS = list(_commands(typer.main.get_command(cli.app)))


def test_every_command_is_covered() -> None:
    assert {"check", "scan", "inspect", "audit", "validate", "explain", "rotation",
            ("rotation", "report")} <= {c[0] if len(c) == 1 else c for c in COMMANDS}


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "--version")
    assert (result.code, result.out, result.err) == (0, f"etc-policy {version('etc-policy')}\n", "")
    assert version("etc-policy") == __version__  # pyproject reads it from etc_policy/__init__.py


@pytest.mark.parametrize("args", [(), ("rotation",)], ids=["etc-policy", "etc-policy rotation"])
def test_a_bare_command_shows_its_commands(capsys: pytest.CaptureFixture[str],
                                           args: tuple[str, ...]) -> None:
    result = run_main(capsys, *args)
    assert result.code == 2  # typer's convention: no command is a usage error
    assert result.out.startswith(f"Usage: etc-policy {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND")
    assert "Commands:" in result.out and "Missing command" not in result.all
    commands = [c[-1] for c in COMMANDS if c[:-1] == args]
    assert commands and all(f"\n  {name} " in result.out for name in commands)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_shows_metavars_never_python_types(capsys: pytest.CaptureFixture[str],
                                                command: tuple[str, ...]) -> None:
    result = run_main(capsys, *command, "--help")
    assert result.code == 0, result
    assert not PYTHON_TYPE.search(result.out), result.out
    if "[PATH]..." in result.out.splitlines()[0]:
        assert "\n  PATH...  " in result.out


def test_format_and_fail_on_name_their_choices(capsys: pytest.CaptureFixture[str]) -> None:
    text = " ".join(run_main(capsys, "check", "--help").out.split())
    assert "-f, --format FORMAT Output format: auto, text, json, sarif, github or markdown;" in text
    assert "--fail-on LEVEL Lowest severity that fails the run: error, warning, note or never" in text
    text = " ".join(run_main(capsys, "rotation", "report", "--help").out.split())
    assert "-f, --format FORMAT Output format: table, markdown, json or ics." in text
    assert "--fail-on STATE Exit 1 when a listed secret is at least this urgent: overdue, " \
           "due-soon (overdue or due soon) or never." in text


@pytest.mark.parametrize(("args", "naming"), [
    (("check", "--fail-on", "sometimes"), "Invalid value for '--fail-on': 'sometimes' is not one of"),
    (("scan", "--fail-on", "x"), "Invalid value for '--fail-on': 'x' is not one of"),
    (("check", "--format", "xml"), "Invalid value for '--format' / '-f': 'xml' is not one of"),
    (("inspect", "-f", "yaml"), "Invalid value for '--format' / '-f': 'yaml' is not one of"),
    (("scan", "--jobs", "many"), "Invalid value for '--jobs' / '-j'"),
    (("rotation", "status", "--fail-on", "late"), "--fail-on: one of overdue, due-soon, never"),
])
def test_usage_errors_carry_no_pydantic_label(capsys: pytest.CaptureFixture[str],
                                              args: tuple[str, ...], naming: str) -> None:
    result = run_main(capsys, *args)
    assert_one_line_error(result, naming=naming)
    assert "Value error" not in result.err


def test_shell_completion_is_typers() -> None:
    script = run_process("--show-completion", "bash")
    assert script.code == 0 and "_ETC_POLICY_COMPLETE=complete_bash" in script.out
    words = run_process(env={"_ETC_POLICY_COMPLETE": "complete_bash",
                             "COMP_WORDS": "etc-policy check --fail-on ", "COMP_CWORD": "3"})
    assert (words.code, words.out.split()) == (0, ["error", "warning", "note", "never"])
    words = run_process(env={"_ETC_POLICY_COMPLETE": "complete_bash",
                             "COMP_WORDS": "etc-policy rot", "COMP_CWORD": "1"})
    assert words.out.split() == ["rotation"]


PACK_HEAD = "schema_version: 1\nname: team\ndescription: d\nrules:\n  - id: TEAM001\n    name: x\n" \
            "    severity: error\n    docs: {what: a, why: b, example: c, fix: d}\n"


@pytest.mark.parametrize(("pack", "naming"), [
    ("    check: {kind: length}\n", "team.yaml:9: rules[0].check: length needs min or max"),
    ("    check: {kind: integer, min: 5, max: 1}\n", "min is greater than max"),
    ("    select: {pointer: deploy}\n    check: {kind: equals, value: x}\n",
     "rules[0].select.pointer: a JSON pointer starts with '/'"),
])
def test_pack_validator_messages_carry_no_pydantic_label(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, pack: str,
        naming: str) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(PACK_HEAD + pack)
    result = run_main(capsys, "validate", str(path))
    assert_one_line_error(result, naming=naming)
    assert "Value error" not in result.err
