"""Keyed fingerprints of values for in-memory comparisons (reuse across environments, drift).

HMAC-SHA256 with a salt that is random per run unless given: two runs never produce the
same fingerprint for a value, so a fingerprint that escapes into a log reveals nothing
that can be checked offline against a guess.
"""

from __future__ import annotations

import os

from etc_policy.digest import Hmac


class KeyedHasher:
    __slots__ = ("_hmac",)

    def __init__(self, salt: bytes | None = None) -> None:
        self._hmac = Hmac(salt if salt is not None else os.urandom(32))

    def __repr__(self) -> str:
        return "KeyedHasher(salt=<hidden>)"

    def digest(self, value: str) -> bytes:
        return self._hmac.digest(value.encode("utf-8", "surrogatepass"))

    def fingerprint(self, value: str) -> str:
        return self.digest(value).hex()

    __call__ = fingerprint

    def same(self, left: str, right: str) -> bool:
        """Equality of two values through their fingerprints. A plain comparison: timing can
        reveal nothing, both sides being keyed by a salt no one outside this process knows."""
        return self.digest(left) == self.digest(right)
