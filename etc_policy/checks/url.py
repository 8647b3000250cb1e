"""url: the value must be a well-formed URL that meets the rule's requirements.

Checks, in order (one finding per value, for the first problem found):
  - it parses as scheme://host…; `schemes` restricts the scheme (case-insensitive);
  - `https_only`: the scheme must be https (or wss); http to `*.railway.internal` passes,
    because Railway's private network is an encrypted (WireGuard) mesh;
  - `forbid_localhost`: not localhost, *.localhost, 127.0.0.0/8, ::1, 0.0.0.0;
  - `forbid_private`: not a private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
    (169.254/16, fe80::/10) or shared-address (100.64/10) IP, nor a `*.local` / `*.internal`
    host other than Railway's private network `*.railway.internal`;
  - `credentials`: `forbidden` (no user:password@), `required`, or `any` (default);
  - `host_pattern`: the host must fully match this regex (lowercased host);
  - `forbid_host_pattern`: the host must not fully match this regex.
With `multiple: true` the value is a comma/space-separated list (CORS_ORIGIN) and each
item is checked; `allow_wildcard: true` lets a lone `*` item pass (another rule may own it).
Messages name the key and the problem, never the URL (it may hold a password).

Params: schemes, https_only, forbid_localhost, forbid_private, credentials, host_pattern,
  forbid_host_pattern, multiple, allow_wildcard, allow_reference, skip_templates

PASS: FRONTEND_URL=https://app.example.com        (https_only, forbid_localhost)
FAIL: FRONTEND_URL=http://localhost:3000
"""

from __future__ import annotations

import ipaddress
import re
from functools import cached_property
from typing import Iterator, Literal
from urllib.parse import SplitResult, urlsplit

from etc_policy.checks._common import ValueParams, checked_value, compile_pattern
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import field_validator

KIND = "url"
SCOPE = "entry"

_SECURE = frozenset({"https", "wss"})


class Params(ValueParams):
    schemes: tuple[str, ...] | None = None
    https_only: bool = False
    forbid_localhost: bool = False
    forbid_private: bool = False
    credentials: Literal["forbidden", "required", "any"] = "any"
    host_pattern: str | None = None
    forbid_host_pattern: str | None = None
    multiple: bool = False
    allow_wildcard: bool = False

    @field_validator("host_pattern", "forbid_host_pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            compile_pattern(pattern)
        return pattern

    @cached_property
    def host_re(self) -> re.Pattern[str] | None:
        return compile_pattern(self.host_pattern) if self.host_pattern else None

    @cached_property
    def forbid_host_re(self) -> re.Pattern[str] | None:
        return compile_pattern(self.forbid_host_pattern) if self.forbid_host_pattern else None


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None:
        return
    items = [i for i in re.split(r"[,\s]+", value) if i] if params.multiple else [value.strip()]
    if not items:
        items = [""]
    for item in items:
        if params.allow_wildcard and item == "*":
            continue
        problem = url_problem(item, params)
        if problem is not None:
            yield Hit(message=f"{ctx.entry.key} {problem}", entry=ctx.entry)
            return


def url_problem(text: str, params: Params) -> str | None:
    """What is wrong with one URL, as the end of a sentence starting with the key; or None."""
    parts = _split(text)
    if parts is None:
        return "is not a URL (scheme://host…)"
    scheme = parts.scheme.lower()
    if params.schemes is not None and scheme not in {s.lower() for s in params.schemes}:
        return f"must use the scheme {' or '.join(params.schemes)}, not {scheme}"
    host = (parts.hostname or "").rstrip(".").lower()
    if params.https_only and scheme not in _SECURE and not host.endswith(".railway.internal"):
        return f"must use https, not {scheme}"
    if params.forbid_localhost and is_localhost(host):
        return "points to localhost"
    if params.forbid_private and is_private(host):
        return "points to a private or link-local address"
    has_credentials = parts.username is not None or parts.password is not None
    if params.credentials == "forbidden" and has_credentials:
        return "embeds credentials (user:password@)"
    if params.credentials == "required" and not has_credentials:
        return "has no credentials (user:password@)"
    if params.host_re is not None and not params.host_re.fullmatch(host):
        return "has a host outside the allowed ones"
    if params.forbid_host_re is not None and params.forbid_host_re.fullmatch(host):
        return "has a forbidden host"
    return None


def _split(text: str) -> SplitResult | None:
    if "://" not in text or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def is_localhost(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    ip = _ip(host)
    return ip is not None and (ip.is_loopback or ip.is_unspecified)


def is_private(host: str) -> bool:
    ip = _ip(host)
    if ip is not None:
        shared = ip.version == 4 and ip in ipaddress.ip_network("100.64.0.0/10")
        return ip.is_private or ip.is_link_local or shared
    if host.endswith(".railway.internal"):
        return False  # Railway's private network: the right place for service-to-service URLs
    return host.endswith((".local", ".internal", ".lan", ".home.arpa"))
