from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etc_policy.secrets.redact import hint


def test_examples() -> None:
    assert hint("sk-proj-" + "x" * 156) == "sk-p…(164 chars)"
    assert hint("short") == "…(5 chars)"
    assert hint("") == "…(0 chars)"
    assert hint("a") == "…(1 char)"
    assert hint("0123456789ab") == "01…(12 chars)"
    assert hint("0123456789abcdefghijklmn") == "0123…(24 chars)"


def test_no_line_breaks_or_spaces_leak_into_the_prefix() -> None:
    assert hint("ab\ncdefghijklmnopqrstuvwxyz") == "ab…(27 chars)"
    assert hint(" leading space secret value") == "…(27 chars)"


@given(st.text())
def test_hint_never_shows_more_than_four_chars_or_a_third(value: str) -> None:
    shown = hint(value).split("…(")[0]
    assert value.startswith(shown)
    assert len(shown) <= 4
    assert len(shown) * 6 <= max(len(value), 1)  # never more than a sixth of the value
