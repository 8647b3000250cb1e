"""GitHub's `primaryLocationLineHash`, computed exactly as codeql-action's `fingerprints.ts`.

GitHub code scanning matches alerts across analyses with this value. `upload-sarif` fills it
in when it is missing, and warns ("inconsistent fingerprint") when a log carries a value that
differs from its own, so ours must be bit-for-bit the same (tests/data/sarif/GITHUB.md §3.3).

The algorithm: a rolling hash, base 37 modulo 2^64, over a window of 100 characters. Spaces
and tabs are skipped, CR and CRLF count as LF. The hash of a line covers the first 100 kept
characters starting at that line (crossing into the next lines), then an end-of-file marker
(65535) and zero padding. Characters are UTF-16 code units, since the original reads the file
as a JavaScript string. The value is `<unsigned hash in lower-case hex>:<n>` where n counts
earlier lines of the same file with the same hash, from 1.

The hash does cover the line's text, secret included; it is a weak, non-invertible digest of
100 characters and GitHub computes the same value itself whenever we leave it out.
"""

from __future__ import annotations

from pathlib import Path

_MASK = (1 << 64) - 1
_BASE = 37
_BLOCK = 100
_FIRST_MOD = pow(_BASE, _BLOCK, 1 << 64)
_TAB, _SPACE, _LF, _CR = 9, 32, 10, 13
_EOF = 65535


def line_hashes(text: str) -> dict[int, str]:
    """Map each 1-based line number of `text` to its primaryLocationLineHash.

    Like the original, a text ending in a newline has one more (empty) line at the end.
    """
    hashes: dict[int, str] = {}
    counts: dict[str, int] = {}
    window = [0] * _BLOCK
    line_at = [-1] * _BLOCK       # line number starting at each window slot, or -1
    raw = 0
    index = 0
    line_number = 0
    line_start = True
    prev_cr = False

    def output() -> None:
        value = format(raw, "x")
        counts[value] = counts.get(value, 0) + 1
        hashes[line_at[index]] = f"{value}:{counts[value]}"
        line_at[index] = -1

    def update(current: int) -> None:
        nonlocal raw, index
        begin = window[index]
        window[index] = current
        raw = (_BASE * raw + current - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK

    def process(current: int) -> None:
        nonlocal prev_cr, line_start, line_number
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            return
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_at[index] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_at[index] = line_number
        if current == _LF:
            line_start = True
        update(current)

    for unit in _utf16_units(text):
        process(unit)
    process(_EOF)
    for _ in range(_BLOCK):
        if line_at[index] != -1:
            output()
        update(0)
    return hashes


def file_line_hashes(path: Path) -> dict[int, str] | None:
    """Hashes for a file as `upload-sarif` would compute them; None when it cannot be read.

    Node decodes the file as UTF-8 with U+FFFD for invalid bytes and keeps a BOM.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return line_hashes(data.decode("utf-8", errors="replace"))


def _utf16_units(text: str) -> list[int]:
    # JavaScript's charCodeAt works on UTF-16 code units: a character outside the BMP is two.
    encoded = text.encode("utf-16-le", errors="surrogatepass")
    return [int.from_bytes(encoded[i:i + 2], "little") for i in range(0, len(encoded), 2)]
