"""parse_dotenv positions and diagnostics; load_dotenv errors, encoding, BOM and speed."""

from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etc_policy.errors import SourceError
from etc_policy.sources import dotenv
from etc_policy.sources.dotenv import load_dotenv, parse_dotenv

SECRET = "FAKEsecretEXAMPLE123"


def positions(text: str) -> list[tuple]:
    entries, _ = parse_dotenv(text)
    return [(e.key, e.line, e.column, e.value_line, e.value_column, e.end_line, e.end_column, e.quote)
            for e in entries]


def test_positions() -> None:
    text = 'A=1\r\n  export B = "x y" # c\nC=\n"quoted"\nD=\'m\nl\'\nE=\n'
    assert positions(text) == [
        ("A", 1, 1, 1, 3, 1, 4, None),
        ("B", 2, 10, 2, 15, 2, 19, '"'),
        ("C", 3, 1, 4, 2, 4, 9, '"'),
        ("D", 5, 1, 5, 4, 6, 3, "'"),
        ("E", 7, 1, 7, 3, 7, 3, None),
    ]


def test_diagnostics_name_keys_never_values() -> None:
    text = f'A={SECRET}\nA="{SECRET}\nmore"\nnot valid {SECRET}\n__proto__={SECRET}\n'
    _, diagnostics = parse_dotenv(text)
    assert [(d.code, d.line, d.column, d.key) for d in diagnostics] == [
        ("dotenv.duplicate-key", 2, 1, "A"),
        ("dotenv.multiline-quote", 2, 1, "A"),
        ("dotenv.unparseable-line", 4, 1, None),
        ("dotenv.unparseable-line", 5, 1, "__proto__"),
    ]
    assert "first at line 1" in diagnostics[0].message
    assert all(SECRET not in d.message for d in diagnostics)


def test_entry_repr_hides_value() -> None:
    entries, _ = parse_dotenv(f"TOKEN={SECRET}\n")
    assert entries[0].value == SECRET and SECRET not in repr(entries[0])


def load(path: Path):
    return load_dotenv(path, display_path=path.name, environment="production")


def test_load_reads_text_and_environment(tmp_path: Path) -> None:
    path = tmp_path / ".env.production"
    path.write_bytes(b"\xef\xbb\xbfA=1\n")
    source = load(path)
    assert source.text == "A=1\n" and source.environment == "production"
    assert [(e.key, e.line, e.column) for e in source.entries] == [("A", 1, 1)]


def test_invalid_utf8_is_a_diagnostic_at_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=ok\r\nB=caf\xe9\nC=\xff\n")
    source = load(path)
    assert source.get("B").value == "caf\ufffd"
    assert [(d.code, d.line, d.column) for d in source.diagnostics] == [("dotenv.encoding", 2, 6)]


@pytest.mark.parametrize(("setup", "message"), [
    (lambda p: None, ".env: file not found"),
    (lambda p: p.mkdir(), ".env: is a directory, not a file"),
    (lambda p: p.write_bytes(b"A=1\nB=\x00\x01"), ".env:2: binary file (NUL byte), not a .env file"),
])
def test_unreadable_files_raise_one_line_errors(tmp_path: Path, setup, message: str) -> None:
    path = tmp_path / ".env"
    setup(path)
    with pytest.raises(SourceError) as raised:
        load(path)
    assert str(raised.value) == message


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite runs as root, which reads any file, so the OS refusal is simulated.
    path = tmp_path / ".env"
    path.write_text("A=1\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(SourceError, match="permission denied"):
        load(path)


@pytest.mark.parametrize("text", [
    "KEY=" + "a" * 10_000_000 + "\n",
    'KEY="' + "a" * 10_000_000,
    "KEY='" + "a" * 10_000_000 + "'\n",
    "x y " * 2_500_000,
    "\n" * 1_000_000 + "A=1",
])
def test_huge_lines_parse_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    parse_dotenv(text)
    assert time.perf_counter() - started < 2.0


ASCII_TOKENS = ["#", "'", '"', "`", "=", ":", "\\", "\\n", "\n", "\r", "\r\n", " ", "\t", "\x0b",
                "\x0c", "A", "b", "KEY", "x1", "_", ".", "-", "export ", "export", "${X}", "$"]
# JavaScript's non-ASCII spaces (the ASCII grammar sees them as VT), other non-ASCII text, and
# the line terminators that only the full grammar handles.
UNICODE_TOKENS = ["\xa0", "\u1680", "\u2000", "\u200a", "\u202f", "\u205f", "\u3000", "\ufeff",
                  "\x85", "\u200b", "é", "ü", "\U0001f600", "\u2028", "\u2029"]


def _parse_with_the_full_grammar(text: str):
    full = dotenv._grammar(False)
    with mock.patch.object(dotenv, "_for_matching", lambda normal: (full, normal)):
        return parse_dotenv(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ASCII_TOKENS), max_size=60).map("".join))
def test_ascii_grammar_parses_ascii_text_as_the_full_grammar(text: str) -> None:
    """ASCII texts get the regexes without Unicode spaces (cheaper to compile): entries,
    positions and diagnostics must be exactly what the full JavaScript-whitespace ones give."""
    assert text.isascii()
    assert parse_dotenv(text) == _parse_with_the_full_grammar(text)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ASCII_TOKENS + UNICODE_TOKENS), max_size=60).map("".join))
def test_unicode_spaces_as_vt_parse_as_the_full_grammar(text: str) -> None:
    """Non-ASCII texts are matched with the ASCII grammar after their Unicode spaces become VT
    (values still come from the text itself): the same entries, values, positions and
    diagnostics as the full grammar on the text as it is."""
    assert parse_dotenv(text) == _parse_with_the_full_grammar(text)


def test_which_texts_get_which_grammar() -> None:
    full, ascii_only = dotenv._grammar(False), dotenv._grammar(True)
    assert dotenv._for_matching("A=1") == (ascii_only, "A=1")
    assert dotenv._for_matching("A=\xa0é\u3000") == (ascii_only, "A=\x0bé\x0b")
    assert dotenv._for_matching("A=1\u2028B=2") == (full, "A=1\u2028B=2")


def test_non_ascii_text_keeps_its_values_and_javascript_spaces() -> None:
    # JavaScript's \\s: NBSP and U+3000 are spaces around the value, U+2028 before `=` too.
    entries, _ = parse_dotenv("A=\u00a0x\u3000\nB\u2028=1")
    assert [(e.key, e.value, e.value_column) for e in entries] == [("A", "x", 4), ("B", "1", 4)]
    entries, _ = parse_dotenv("C='\u00a0in quotes\u3000'\nD=a\u00a0b")
    assert [(e.key, e.value) for e in entries] == [("C", "\u00a0in quotes\u3000"), ("D", "a\u00a0b")]
