"""Live tokens: a JWT found in a log that verifies against a JWT signing secret of the scanned
environment(s) is a usable session token (LOG004); an expired one is still a leak of a
token the key signed, at lower severity (LOG005). A JWT that verifies against no key is
not reported here: it may be a third party's, or a public sample.

Verification uses python-jose (`jws.verify`, HS256/384/512 only: an HMAC key from an env
file cannot verify an RS/ES token), imported on the first JWT only. Verdicts are cached
per token, since a token is often logged on every request. Neither the token nor the key
is ever part of a verdict's text: `JwtKey.secret` is repr=False and messages name the
variable only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum

from etc_policy.model import Entry, Workspace
from etc_policy.patterns import compile_pack_regex
from etc_policy.sources.formats import holds_variables
from etc_policy.record import field, record
from etc_policy.scan.patterns import is_public_sample_jwt, unverified_claims
from etc_policy.secrets.jwt_claims import timestamp

HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")
# Always looked at, with the key patterns of the packs' jwt_secret rules (RWY004's).
DEFAULT_KEY_PATTERN = (r"(?i)(?:(?:[A-Z0-9]+_)*JWT(?:_[A-Z0-9]+)*_(?:SECRET|KEY)(?:_KEY)?"
                       r"|(?:ACCESS|REFRESH)_TOKEN_SECRET(?:_KEY)?)")
MAX_TOKEN_LENGTH = 8192


class Liveness(StrEnum):
    LIVE = "live"        # signature verifies, not expired
    EXPIRED = "expired"  # signature verifies, `exp` in the past


@record
class JwtKey:
    variable: str
    environment: str | None
    secret: str = field(repr=False)


@record
class Verdict:
    liveness: Liveness
    variable: str
    environment: str | None
    algorithm: str
    expires: datetime | None


def key_selector(patterns: Sequence[str]) -> Callable[[str], bool]:
    compiled = [compile_pack_regex(p) for p in dict.fromkeys((DEFAULT_KEY_PATTERN, *patterns))]
    return lambda key: any(p.fullmatch(key) for p in compiled)


def signing_keys(workspace: Workspace, *, is_key: Callable[[str], bool]) -> tuple[JwtKey, ...]:
    """Every literal value of a JWT signing variable (references are rendered by Railway and
    cannot be known here; empty values sign nothing)."""
    keys: dict[tuple[str, str | None, str], JwtKey] = {}
    for source in workspace.sources:
        if not holds_variables(source.kind):
            continue
        for entry in source.entries:
            if _usable(entry) and is_key(entry.key):
                value = entry.text or ""
                keys.setdefault((entry.key, source.environment, value),
                                JwtKey(entry.key, source.environment, value))
    return tuple(keys.values())


def _usable(entry: Entry) -> bool:
    return bool(entry.text) and not entry.is_reference and entry.ciphertext is None


class JwtVerifier:
    """Verdicts for tokens against a fixed set of keys, cached per token."""

    def __init__(self, keys: Iterable[JwtKey], *, now: datetime | None = None) -> None:
        self._keys = tuple(keys)
        self._now = now
        self._cache: dict[bytes, Verdict | None] = {}

    def __repr__(self) -> str:
        return f"JwtVerifier(keys={[k.variable for k in self._keys]})"

    @property
    def has_keys(self) -> bool:
        return bool(self._keys)

    def verdict(self, token: bytes) -> Verdict | None:
        if token not in self._cache:
            self._cache[token] = self._verify(token.decode("ascii", "replace"))
        return self._cache[token]

    def _verify(self, token: str) -> Verdict | None:
        if not self._keys or len(token) > MAX_TOKEN_LENGTH or is_public_sample_jwt(token):
            return None
        algorithm = _hmac_algorithm(token)
        if algorithm is None:
            return None
        from jose import jws  # lazily: jose is slow to import and only needed for JWTs
        from jose.exceptions import JOSEError

        for key in self._keys:
            try:
                jws.verify(token, key.secret, algorithms=[algorithm])
            except (JOSEError, ValueError, TypeError):
                continue
            return self._judge(token, key, algorithm)
        return None

    def _judge(self, token: str, key: JwtKey, algorithm: str) -> Verdict:
        claims = unverified_claims(token) or {}
        expires = timestamp(claims.get("exp"))
        now = self._now or datetime.now(UTC)
        live = Liveness.EXPIRED if expires is not None and expires <= now else Liveness.LIVE
        return Verdict(live, key.variable, key.environment, algorithm, expires)


def _hmac_algorithm(token: str) -> str | None:
    header = unverified_claims("." + token.split(".", 1)[0])   # the header is the first part
    algorithm = header.get("alg") if header else None
    return algorithm if algorithm in HMAC_ALGORITHMS else None
