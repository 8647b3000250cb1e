"""Regular expressions that come from packs run on RE2 (google-re2): linear time, always.

A pack is user input that CI runs unattended: a pattern such as `(a+)+$` would make
Python's backtracking `re` take exponential time on a crafted value and hang the job.
RE2 guarantees time linear in the input. It does not support backreferences or
lookaround; a pack that uses them is rejected with a clear message instead of being run
on a slower, unsafe engine.

Our own built-in patterns (detectors, the dotenv grammar) are reviewed code and keep using
`re` where they need its features.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol


class PackRegex(Protocol):
    pattern: Any

    def search(self, text: str) -> Any: ...
    def fullmatch(self, text: str) -> Any: ...


class PatternError(ValueError):
    """A pack pattern RE2 cannot take (its message says why; no input text in it)."""


@lru_cache(maxsize=1024)
def compile_pack_regex(pattern: str, *, ignore_case: bool = False) -> PackRegex:
    import re2

    options = re2.Options()
    options.log_errors = False          # RE2 would print the error to stderr itself
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)
        raise PatternError(
            f"invalid regular expression for RE2, the linear-time engine packs run on: {reason} "
            "(backreferences and lookaround are not supported)") from None
