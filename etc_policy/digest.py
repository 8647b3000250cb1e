"""SHA-256 and HMAC-SHA-256 without loading OpenSSL.

`import hashlib` (and `import hmac`, which imports it) loads OpenSSL's libcrypto to offer
algorithms etc-policy never uses: ~2.5 ms of a pre-commit `check` that takes ~45 ms beyond
the interpreter's own start-up. CPython ships its own SHA-256 (`_sha256` in 3.11, `_sha2`
from 3.12), which `hashlib` itself falls back to; its digests are the same bytes. Where
neither exists (another Python implementation), `hashlib` serves.

Only the key-derivation functions (scrypt, in rotation/fingerprints.py) need OpenSSL, and
they import hashlib themselves.
"""

from __future__ import annotations

try:
    from _sha256 import sha256  # CPython 3.11
except ImportError:  # pragma: no cover - depends on the interpreter
    try:
        from _sha2 import sha256  # CPython 3.12+
    except ImportError:
        from hashlib import sha256

__all__ = ["Hmac", "sha256"]

_BLOCK = 64  # SHA-256's block size in bytes
_INNER = bytes(x ^ 0x36 for x in range(256))
_OUTER = bytes(x ^ 0x5C for x in range(256))


class Hmac:
    """HMAC-SHA-256 (RFC 2104) under one key: `Hmac(key).digest(message)` is
    `hmac.new(key, message, hashlib.sha256).digest()`. The padded key is hashed once, so
    each message costs two SHA-256 updates (reuse and drift digest every secret value)."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > _BLOCK:
            key = sha256(key).digest()
        key = key.ljust(_BLOCK, b"\0")
        self._inner = sha256(key.translate(_INNER))
        self._outer = sha256(key.translate(_OUTER))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()
