"""Keyed fingerprints of values for in-memory comparisons (reuse across environments, drift).

HMAC-SHA256 with a salt that is random per run unless given: two runs never produce the
same fingerprint for a value, so a fingerprint that escapes into a log reveals nothing
that can be checked offline against a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import os


class KeyedHasher:
    __slots__ = ("_salt",)

    def __init__(self, salt: bytes | None = None) -> None:
        self._salt = salt if salt is not None else os.urandom(32)

    def __repr__(self) -> str:
        return "KeyedHasher(salt=<hidden>)"

    def fingerprint(self, value: str) -> str:
        return hmac.new(self._salt, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    __call__ = fingerprint

    def same(self, left: str, right: str) -> bool:
        """Constant-time equality of two values through their fingerprints."""
        return hmac.compare_digest(self.fingerprint(left), self.fingerprint(right))
