"""Redacted evidence: enough to recognise a value, never enough to use it."""

from __future__ import annotations

MIN_PREFIX_LENGTH = 12   # below this, no character of the value is shown
SHORT_LENGTH = 24        # below this, at most 2 characters are shown


def hint(value: str) -> str:
    """`sk-p…, 164 chars`: at most 4 leading characters and the length; `11 chars` when no
    character is shown. It reads as is in a listing (inspect), a JSON field and in the
    parentheses the text reporter puts around it (`(sk-p…, 164 chars)`, `(11 chars)`).

    Short values show fewer characters (2 under 24 chars, none under 12), and only
    printable, non-space characters are ever shown, so a hint never carries a line break.
    """
    length = len(value)
    shown = 0 if length < MIN_PREFIX_LENGTH else 2 if length < SHORT_LENGTH else 4
    prefix = ""
    for char in value[:shown]:
        if not char.isprintable() or char.isspace():
            break
        prefix += char
    size = f"{length} char" if length == 1 else f"{length} chars"
    return f"{prefix}…, {size}" if prefix else size
