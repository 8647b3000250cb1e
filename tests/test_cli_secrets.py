"""The first promise: no secret value in any output, unless `inspect --reveal` asks for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import BAD, CANARY, CANARY_CORE, MINI_PACK, run_main, valid_inspect

OUTPUTS = [
    ("check", str(BAD)),
    ("check", str(BAD), "-f", "json"),
    ("check", str(BAD), "-f", "sarif"),
    ("check", str(BAD), "-f", "github"),
    ("check", str(BAD), "-f", "markdown"),
    ("check", str(BAD), "--fail-on", "note", "-q"),
    ("inspect", str(BAD)),
    ("inspect", str(BAD), "-f", "json"),
    ("rules", "--pack", str(MINI_PACK)),
    ("explain", "TST001", "--pack", str(MINI_PACK)),
]


@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_canary_never_appears(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    result = run_main(capsys, *args)
    assert CANARY_CORE not in result.all
    assert "Traceback" not in result.all


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_canary_not_in_output_files_of_both_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    output_format: str) -> None:
    target = tmp_path / "out"
    for command in ("check", "inspect"):
        run_main(capsys, command, str(BAD), "-f", output_format, "-o", str(target))
        assert target.stat().st_size > 0
        assert CANARY_CORE not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("output_format", ["sarif", "github", "markdown"])
def test_canary_not_in_report_files(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    output_format: str) -> None:
    target = tmp_path / "out"
    assert run_main(capsys, "check", str(BAD), "-f", output_format, "-o", str(target)).code == 1
    assert target.stat().st_size > 0
    assert CANARY_CORE not in target.read_text(encoding="utf-8")


BROKEN = {
    # the canary sits where a parser complains: the diagnostics must name places, not text
    ".env.production": f"{CANARY}\nOPENAI_API_KEY=\"{CANARY}\nexport {CANARY}\n",
    "railway.json": f'{{"deploy": {{"startCommand": "{CANARY}" "x"}}}}\n',
    "railway.toml": f'[deploy]\nstartCommand = "{CANARY}\n',
}


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("command", ["check", "inspect"])
def test_canary_in_broken_files_stays_hidden(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             name: str, command: str) -> None:
    (tmp_path / name).write_text(BROKEN[name], encoding="utf-8")
    formats = ("text", "json", "sarif", "github", "markdown") if command == "check" else \
        ("text", "json")
    for output_format in formats:
        result = run_main(capsys, command, "--pack", str(MINI_PACK), "-f", output_format,
                          str(tmp_path))
        assert result.code in (0, 1), result
        assert CANARY_CORE not in result.all


def test_reveal_shows_values_and_warns(capsys: pytest.CaptureFixture[str]) -> None:
    text = run_main(capsys, "inspect", str(BAD), "--reveal")
    assert text.code == 0
    assert CANARY in text.out
    assert text.err == ("etc-policy: warning: --reveal: raw secret values are printed; "
                        "do not share or store this output\n")
    as_json = run_main(capsys, "inspect", str(BAD), "--reveal", "-f", "json")
    document = valid_inspect(as_json.out)
    assert document["revealed"] is True
    values = {e["key"]: e["value"] for e in document["sources"][0]["entries"]}
    assert values["OPENAI_API_KEY"] == CANARY
    assert "warning: --reveal" in as_json.err
