"""Needles: the byte strings a leaked secret value can take in a log.

An app logs a secret raw, inside JSON (escaped, sometimes with `\\/`), in a URL (percent-encoded)
or base64-encoded (a Basic auth header, a serialized config, a blob). For every value the
classifier calls a secret, `needles_for` returns each of those forms as a `Needle` naming the
variable and the encoding.

Base64 at any alignment: a value at byte offset k inside a larger blob is encoded together with
its neighbours. The 4-character groups that hold only its own bits are the same whatever the
neighbours: encode `b"\\0" * (k % 3) + value`, drop the characters that carry prefix bits
(none, 2 or 3 for k % 3 = 0, 1, 2) and, unless the value ends a 3-byte group, the last one
(it carries bits of the next byte). That middle part is the `base64@k` needle.

Dedup: several variables (or encodings) can give the same bytes (JSON-escaping `abc` is `abc`).
Each byte string is one needle; it keeps the first variable and encoding in this order: raw
before JSON before URL forms before base64, then sources and entries in workspace order. The
other variables are listed in `Needle.also`, so a finding reports one variable and encoding and
can still mention the others.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from urllib.parse import quote, quote_plus, unquote

from etc_policy.model import Entry, Workspace
from etc_policy.sources.formats import holds_variables
from etc_policy.record import record
from etc_policy.scan.model import Needle

MIN_LENGTH = 8   # shorter values are not worth a needle: they would match everywhere

# Rank = the order in which encodings claim a shared byte string (see module docstring).
ENCODINGS = ("raw", "url-password", "pem-line", "json", "json-utf8", "json-slash", "url-quote",
             "url-quote-slash", "url-quote-plus", "base64", "base64-unpadded", "base64url",
             "base64url-unpadded", "base64@0", "base64@1", "base64@2", "base64url@0",
             "base64url@1", "base64url@2")
_RANK = {name: rank for rank, name in enumerate(ENCODINGS)}

_NON_SECRET = re.compile(
    r"^(?:true|false|yes|no|on|off|null|none|nil|undefined|enabled|disabled"
    r"|development|production|staging|test|debug|info|warn|error"
    r"|-?[0-9]+(?:\.[0-9]+)?)$", re.IGNORECASE)
_URL_USERINFO = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:([^\s/@]+)@[^\s/@]")
_FAKE_PASSWORD = re.compile(r"^(?:\*+|x+|<.*>|\[.*\]|\$\{.*\}|\$[A-Z_]+|%s|password|pass)$",
                            re.IGNORECASE)
_PEM_HEADER = re.compile(r"^-----(?:BEGIN|END) [A-Z0-9 ]+-----$")


@record
class _Candidate:
    variable: str
    environment: str | None
    source: str
    encoding: str
    value: bytes


def needles_for(workspace: Workspace, classifier: Callable[[Entry], bool]) -> list[Needle]:
    """Every form of every secret value of the workspace's variable sources, deduplicated."""
    candidates: list[_Candidate] = []
    for source in workspace.sources:
        if not holds_variables(source.kind):
            continue
        for entry in source.effective().values():
            value = entry.text
            if value is None or not classifier(entry):
                continue
            for encoding, data in secret_forms(value):
                candidates.append(_Candidate(entry.key, source.environment, source.path,
                                             encoding, data))
    return _dedupe(candidates)


def _dedupe(candidates: list[_Candidate]) -> list[Needle]:
    # sorted() is stable: within one encoding rank, workspace order decides.
    ranked = sorted(candidates, key=lambda c: encoding_rank(c.encoding))
    first: dict[bytes, _Candidate] = {}
    others: dict[bytes, dict[str, None]] = {}
    for candidate in ranked:
        kept = first.setdefault(candidate.value, candidate)
        if candidate.variable != kept.variable:
            others.setdefault(candidate.value, {})[candidate.variable] = None
    return [Needle(id=index, variable=c.variable, environment=c.environment, encoding=c.encoding,
                   value=data, also=tuple(others.get(data, ())), source=c.source)
            for index, (data, c) in enumerate(first.items())]


def encoding_rank(encoding: str) -> int:
    """Own forms first; a URL password's forms (`url-password/json`) after all of them."""
    base, _, sub = encoding.partition("/")
    return _RANK[sub] + len(ENCODINGS) if sub else _RANK[base]


def is_needle_value(value: str) -> bool:
    """Long enough, literal (no Railway reference) and not a placeholder or plain word/number."""
    from etc_policy.checks.placeholder import is_placeholder

    text = value.strip()
    return (len(text) >= MIN_LENGTH and "${{" not in value and not _NON_SECRET.match(text)
            and not is_placeholder(text) and len(set(text)) > 2)


def secret_forms(value: str) -> Iterator[tuple[str, bytes]]:
    """(encoding, bytes) for each form of one secret value; may repeat bytes (deduped later)."""
    yield from _url_passwords(value)
    if not is_needle_value(value):
        return
    raw = value.encode()
    yield "raw", raw
    yield from _pem_lines(value)
    yield from _text_forms(value)
    yield from base64_forms(raw)


def _text_forms(value: str) -> Iterator[tuple[str, bytes]]:
    escaped = json.dumps(value)[1:-1]
    yield "json", escaped.encode()
    yield "json-utf8", json.dumps(value, ensure_ascii=False)[1:-1].encode()
    yield "json-slash", escaped.replace("/", "\\/").encode()
    yield "url-quote", quote(value, safe="").encode()
    yield "url-quote-slash", quote(value).encode()          # quote()'s default keeps '/'
    yield "url-quote-plus", quote_plus(value).encode()


def base64_forms(raw: bytes) -> Iterator[tuple[str, bytes]]:
    standard = base64.b64encode(raw)
    yield "base64", standard
    yield "base64-unpadded", standard.rstrip(b"=")
    urlsafe = base64.urlsafe_b64encode(raw)
    yield "base64url", urlsafe
    yield "base64url-unpadded", urlsafe.rstrip(b"=")
    for k in range(3):
        middle = aligned_base64(raw, k)
        if len(middle) >= MIN_LENGTH:
            yield f"base64@{k}", middle
            yield f"base64url@{k}", middle.translate(_URLSAFE)


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def aligned_base64(raw: bytes, k: int) -> bytes:
    """The characters of base64(prefix + raw + suffix) that depend on `raw` only, for any
    prefix of length ≡ k (mod 3) and any suffix."""
    encoded = base64.b64encode(b"\0" * k + raw).rstrip(b"=")
    head = (0, 2, 3)[k]
    tail = 0 if (k + len(raw)) % 3 == 0 else 1
    return encoded[head:len(encoded) - tail]


def _url_passwords(value: str) -> Iterator[tuple[str, bytes]]:
    """The password of each `scheme://user:password@host` in the value, as written and decoded."""
    for match in _URL_USERINFO.finditer(value):
        password = match.group(1)
        if "${{" in password or _FAKE_PASSWORD.match(password):
            continue
        for form in dict.fromkeys((password, unquote(password))):
            if is_needle_value(form):
                yield "url-password", form.encode()
                for encoding, data in (*_text_forms(form), *base64_forms(form.encode())):
                    yield f"url-password/{encoding}", data


def _pem_lines(value: str) -> Iterator[tuple[str, bytes]]:
    """Each body line of a PEM block: apps often log a key one line at a time."""
    if "-----BEGIN" not in value:
        return
    for line in value.replace("\\n", "\n").splitlines():
        line = line.strip()
        if len(line) >= 16 and not _PEM_HEADER.match(line):
            yield "pem-line", line.encode()
