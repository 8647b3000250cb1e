from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etc_policy.secrets.redact import hint


def test_examples() -> None:
    assert hint("sk-proj-" + "x" * 156) == "sk-p…, 164 chars"
    assert hint("short") == "5 chars"
    assert hint("") == "0 chars"
    assert hint("a") == "1 char"
    assert hint("0123456789ab") == "01…, 12 chars"
    assert hint("0123456789abcdefghijklmn") == "0123…, 24 chars"


def test_no_line_breaks_or_spaces_leak_into_the_prefix() -> None:
    assert hint("ab\ncdefghijklmnopqrstuvwxyz") == "ab…, 27 chars"
    assert hint(" leading space secret value") == "27 chars"


@given(st.text())
def test_hint_never_shows_more_than_four_chars_or_a_third(value: str) -> None:
    text = hint(value)
    shown = text.split("…, ")[0] if "…, " in text else ""
    size = "1 char" if len(value) == 1 else f"{len(value)} chars"
    assert text == (f"{shown}…, {size}" if shown else size)
    assert value.startswith(shown)
    assert len(shown) <= 4
    assert len(shown) * 6 <= max(len(value), 1)  # never more than a sixth of the value


def test_hints_read_well_inside_parentheses() -> None:
    """The text reporter puts a hint in parentheses: `(11 chars)`, `(sk-p…, 164 chars)`,
    never `(…(11 chars))`."""
    for value in ("development", "sk-proj-" + "x" * 156, "", "a"):
        wrapped = f"({hint(value)})"
        assert wrapped.count("(") == 1 and wrapped.count(")") == 1 and "(…" not in wrapped
