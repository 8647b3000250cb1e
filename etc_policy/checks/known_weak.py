"""known_weak: the value must not be a well-known weak or sample secret.

The list holds values copied from tutorials and docs into real deployments: the jwt.io
sample HS256 key `your-256-bit-secret`, express-session's `keyboard cat`, `secret`,
`password`, `supersecret`, `mysecret`, `jwt_secret`, Java keystores' `changeit`, `123456`,
`qwerty`, `letmein`… Comparison ignores case and the separators `-`, `_`, `.` and spaces
(`super_secret` = `Super-Secret` = `supersecret`).

Params:
  extra: more weak values (same normalisation)
  allow_reference, skip_templates: see ValueParams

PASS: JWT_SECRET=<64 random characters>
FAIL: JWT_SECRET=your-256-bit-secret       SESSION_SECRET=keyboard cat
"""

from __future__ import annotations

import re
from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value
from etc_policy.checks.base import CheckContext, Hit

KIND = "known_weak"
SCOPE = "entry"

KNOWN_WEAK: frozenset[str] = frozenset((
    # jwt.io, express-session, passport and framework tutorials
    "your-256-bit-secret", "your-384-bit-secret", "your-512-bit-secret", "keyboard cat",
    "secret", "secretkey", "secret-key", "secret123", "mysecret", "my-secret", "my-secret-key",
    "mysecretkey", "supersecret", "super-secret-key", "supersecretkey", "supersecretjwt",
    "topsecret", "shhhhh", "shhhhhared-secret", "s3cr3t", "thisisasecret", "this-is-a-secret",
    "jwt_secret", "jwtsecret", "jwt-secret-key", "jwtsecretkey", "jwt_secret_key",
    "my_jwt_secret", "your_jwt_secret", "your-secret-key", "your_secret_key", "session-secret",
    "sessionsecret", "cookie-secret", "default", "defaultsecret", "development", "dev-secret",
    "test", "testing", "test-secret", "abc123", "abcdef", "qwerty", "letmein", "admin",
    "admin123", "root", "toor", "changeit", "changeme", "password", "password1", "password123",
    "passw0rd", "p@ssw0rd", "pass", "pass123", "postgres", "123456", "1234567", "12345678",
    "123456789", "1234567890", "0000", "000000", "1111", "111111", "iloveyou", "welcome",
    "securepassword", "strongpassword", "hunter2", "foobar", "foo", "bar", "asdf", "asdfgh", "key", "apikey", "api-key", "token",
))


def _normalise(value: str) -> str:
    return re.sub(r"[-_. ]+", "", value.strip().casefold())


_NORMALISED = frozenset(_normalise(v) for v in KNOWN_WEAK)


class Params(ValueParams):
    extra: tuple[str, ...] = ()


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None or not is_known_weak(value, extra=params.extra):
        return
    # No hint: the first characters of a known weak value would reveal all of it.
    yield Hit(message=f"{ctx.entry.key} is a well-known weak or sample secret", entry=ctx.entry)


def is_known_weak(value: str, *, extra: tuple[str, ...] = ()) -> bool:
    normalised = _normalise(value)
    if not normalised:
        return False
    return normalised in _NORMALISED or normalised in {_normalise(v) for v in extra}
