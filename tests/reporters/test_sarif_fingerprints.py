"""primaryLocationLineHash must equal codeql-action's, or GitHub warns and alerts churn."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.reporters.fingerprints import file_line_hashes, line_hashes

# The vectors of github/codeql-action src/fingerprints.test.ts ("hash" test).
_SAME_AS_LF = ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
               "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
               "c129715d7a2bc9a3:1"]
UPSTREAM = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d",
     ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1",
      "b86d3392aea1be30:1", "e6ceba753e1a442:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", _SAME_AS_LF),
    (" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", _SAME_AS_LF),
    (" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", _SAME_AS_LF),
    (" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", _SAME_AS_LF),
    ("Lorem ipsum dolor sit amet.\n" * 10,
     [*(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)), "a7f2ff1481e87703:1",
      "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]),
]


@pytest.mark.parametrize(("text", "expected"), UPSTREAM)
def test_upstream_vectors(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == {n: h for n, h in enumerate(expected, start=1)}


def _naive(text: str) -> dict[int, str]:
    """The definition, computed directly: the hash of line n is the base-37 polynomial of the
    100 kept code units from its first one (then EOF and zeros), modulo 2^64."""
    units = text.encode("utf-16-le", errors="surrogatepass")
    kept: list[int] = []
    starts: list[int] = []
    at_line_start, prev_cr = True, False
    for i in range(0, len(units), 2):
        unit = int.from_bytes(units[i:i + 2], "little")
        if unit in (9, 32) or (prev_cr and unit == 10):
            prev_cr = False
            continue
        prev_cr = unit == 13
        unit = 10 if unit == 13 else unit
        if at_line_start:
            starts.append(len(kept))
        at_line_start = unit == 10
        kept.append(unit)
    if at_line_start:
        starts.append(len(kept))
    kept += [65535] + [0] * 100
    counts: dict[str, int] = {}
    result = {}
    for number, start in enumerate(starts, start=1):
        value = sum(c * 37 ** (99 - i) for i, c in enumerate(kept[start:start + 100])) % 2**64
        key = format(value, "x")
        counts[key] = counts.get(key, 0) + 1
        result[number] = f"{key}:{counts[key]}"
    return result


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \t\r\n=#\"'é€😀")), max_size=400))
def test_rolling_hash_matches_the_definition(text: str) -> None:
    assert line_hashes(text) == _naive(text)


def test_long_lines_hash_only_their_first_100_kept_characters() -> None:
    # Two lines that differ after 100 non-blank characters hash the same (window length).
    same_prefix = "K=" + "x" * 120
    hashes = line_hashes(f"{same_prefix}A\n{same_prefix}B\n")
    assert hashes[1].split(":")[0] == hashes[2].split(":")[0]
    assert (hashes[1].split(":")[1], hashes[2].split(":")[1]) == ("1", "2")


def test_astral_characters_count_as_two_utf16_units() -> None:
    # JavaScript strings are UTF-16: "😀" is two code units, each one hashed.
    assert line_hashes("😀") == _naive("😀")
    assert line_hashes("😀") != line_hashes("\U0001F601")


def test_file_is_read_like_node(tmp_path: Path) -> None:
    # Node's utf8 stream keeps a BOM and turns invalid bytes into U+FFFD.
    path = tmp_path / "x.env"
    path.write_bytes(b"\xef\xbb\xbfA=1\nB=\xff\n")
    assert file_line_hashes(path) == line_hashes("\ufeffA=1\nB=\ufffd\n")
    assert file_line_hashes(tmp_path / "missing.env") is None
