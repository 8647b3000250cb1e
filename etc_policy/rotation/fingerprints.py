"""Slow keyed fingerprints for the rotation ledger: scrypt under the ledger's random salt.

The ledger is committed, so its fingerprints can be attacked offline: a fast hash of a
short or guessable secret would give it away. scrypt (n=2**14, r=8, p=1: about 30 ms and
16 MiB per value here) makes every guess expensive, and the per-ledger salt makes every
ledger a separate attack. One `Fingerprinter` per run caches its results, so a value is
hashed once however many rules and reports ask.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache

from etc_policy.record import record

SALT_BYTES = 16


@record
class KdfParams:
    """The scrypt parameters and salt a ledger's fingerprints were made with."""

    salt: bytes
    n: int = 2 ** 14
    r: int = 8
    p: int = 1
    dklen: int = 32

    def __repr__(self) -> str:
        return f"KdfParams(n={self.n}, r={self.r}, p={self.p}, salt=<{len(self.salt)} bytes>)"

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(salt=secrets.token_bytes(SALT_BYTES))

    def as_json(self) -> dict[str, object]:
        return {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p, "dklen": self.dklen,
                "salt": base64.b64encode(self.salt).decode("ascii")}


class Fingerprinter:
    """value -> `scrypt:<base64>`; results are cached for the life of the object (one run)."""

    __slots__ = ("_params", "_cache")

    def __init__(self, params: KdfParams) -> None:
        self._params = params
        self._cache: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Fingerprinter({self._params!r}, cached={len(self._cache)})"

    def __call__(self, value: str) -> str:
        cached = self._cache.get(value)
        if cached is None:
            cached = self._cache[value] = _scrypt(value, self._params)
        return cached


@lru_cache(maxsize=4096)
def _scrypt(value: str, params: KdfParams) -> str:
    """Memoised for the process (one CLI run): the two rotation rules, `status` and the
    audit's reuse section all fingerprint the same values with the same salt."""
    digest = hashlib.scrypt(value.encode("utf-8", "surrogatepass"), salt=params.salt, n=params.n,
                            r=params.r, p=params.p, dklen=params.dklen, maxmem=256 * 1024 * 1024)
    return "scrypt:" + base64.b64encode(digest).decode("ascii")


class Fingerprinters:
    """One Fingerprinter per ledger salt, for one run (a run may read and then write)."""

    __slots__ = ("_by_params",)

    def __init__(self) -> None:
        self._by_params: dict[KdfParams, Fingerprinter] = {}

    def __repr__(self) -> str:
        return f"Fingerprinters({len(self._by_params)})"

    def for_params(self, params: KdfParams) -> Fingerprinter:
        found = self._by_params.get(params)
        if found is None:
            found = self._by_params[params] = Fingerprinter(params)
        return found
