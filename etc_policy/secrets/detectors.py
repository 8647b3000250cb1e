"""Value detectors: does this value look like a secret of a known shape?

Each detector is a small function `str -> bool`, registered by the name packs use in
`secrets.detectors`. They are run on one variable's value, never on a whole file, and never
touch the network. Provider patterns follow gitleaks / trufflehog / detect-secrets (see
docs/RAILWAY-FORMATS.md §4); `detect-secrets` runs that library's own plugins, imported
only when a pack names it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

Detector = Callable[[str], bool]

_OPENAI = re.compile(
    r"\bsk-(?:proj|svcacct|admin|service)-[A-Za-z0-9_-]{20,}"   # project / service / admin keys
    r"|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b"            # legacy 51-char keys
    r"|\bsk-[A-Za-z0-9_-]*T3BlbkFJ[A-Za-z0-9_-]{10,}")           # any key with the OpenAI mark
_AWS_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b")
# Secret and restricted keys only: pk_live_/pk_test_ are publishable by design.
_STRIPE = re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}\b")
_GITHUB = re.compile(r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}")
_SLACK = re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"
                    r"|https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9/_-]{20,}")
_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# scheme://user:password@host — the user may be empty (redis://:pass@host).
_URL_CREDENTIALS = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://([^\s:/@]*):([^\s/@]+)@[^\s/@]")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_BASE64ISH = re.compile(r"^[A-Za-z0-9+/_-]+={0,2}$")
_DIGIT = re.compile(r"[0-9]")
_PLACEHOLDER = re.compile(
    r"^<.*>$|^\[.*\]$|^\{.*\}$|^(.)\1+$|your[-_ ]?|change[-_ ]?me|placeholder|replace[-_ ]?me"
    r"|^x{3,}|^\*+$|todo|^(?:dummy|sample|example|none|null|undefined)$", re.IGNORECASE)
# Passwords in URLs that are visibly not real (templates and masks); matched on fold_case().
_FAKE_URL_PASSWORD = re.compile(r"^(?:\*+|x+|<.*>|\[.*\]|\$\{.*\}|\$[a-z_]+|%s|password|pass)$")

# Characters that re.IGNORECASE matches to an ASCII letter besides A-Z: İ ı ſ (the Kelvin
# sign K already lowers to "k"). Only İ lowers to two characters; it is translated first.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def fold_case(text: str) -> str:
    """`text` case-folded so that a pattern whose letters are all lowercase ASCII (and that has
    no backreference) matches it exactly as the pattern under re.IGNORECASE would match
    `text`. Why: IGNORECASE makes `re` compile every letter as a case set, 2-3 times slower,
    and these patterns are compiled on every run."""
    return text.translate(_FOLD).lower()


def openai(value: str) -> bool:
    return _OPENAI.search(value) is not None


def aws_access_key(value: str) -> bool:
    return _AWS_ACCESS_KEY.search(value) is not None


def stripe(value: str) -> bool:
    return _STRIPE.search(value) is not None


def github_token(value: str) -> bool:
    return _GITHUB.search(value) is not None


def slack_token(value: str) -> bool:
    return _SLACK.search(value) is not None


def private_key(value: str) -> bool:
    return _PRIVATE_KEY.search(value) is not None


def url_credentials(value: str) -> bool:
    """A password embedded in a URL (postgresql://u:p@h, cloudinary://key:secret@cloud)."""
    for match in _URL_CREDENTIALS.finditer(value):
        password = match.group(2)
        if "${{" not in password and not _FAKE_URL_PASSWORD.match(fold_case(password)):
            return True
    return False


def jwt(value: str) -> bool:
    return _JWT.search(value) is not None


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def high_entropy(value: str) -> bool:
    """A random-looking token: hex (≥32 chars) or base64/base62 (≥20 chars, mixed classes).

    Thresholds are relative to the best entropy a string of that length can reach, so a
    20-char random token passes while words, paths and identifiers do not. UUIDs (ids, not
    secrets) and placeholders are ignored.
    """
    # Cheapest tests first, in C where possible: this runs on every value of a source.
    token = value.strip()
    if len(token) < 20 or len(token.split(None, 1)) > 1:      # short, or holds whitespace
        return False
    if _UUID.match(token) or _PLACEHOLDER.search(token):
        return False
    if _HEX.match(token):
        return len(token) >= 32 and shannon_entropy(token) >= 3.0 and not _is_repetition(token)
    if not _BASE64ISH.match(token) or _is_repetition(token):
        return False
    # Words joined by `_`/`-` (`sk-proj-YOUR_KEY_HERE`, `text-embedding-3-small`) are names,
    # not tokens: a random token keeps a long run between its rare separators.
    if max(len(part) for part in re.split(r"[_-]", token)) < 16:
        return False
    # Character classes of an ASCII token (_BASE64ISH): lower, upper, digit.
    classes = (token.upper() != token) + (token.lower() != token) + bool(_DIGIT.search(token))
    if classes < 2:
        return False
    entropy = shannon_entropy(token)
    ceiling = math.log2(min(len(token), 64))
    return entropy >= 0.82 * ceiling and entropy >= 3.5


def _is_repetition(token: str) -> bool:
    """`0123456789abcdef0123456789abcdef`: a short unit repeated is a pattern, not a secret."""
    for size in range(1, len(token) // 2 + 1):
        if len(token) % size == 0 and token[:size] * (len(token) // size) == token:
            return True
    return False


def detect_secrets_plugins(value: str) -> bool:
    """Run detect-secrets' plugins on the value, as a quoted string (the shape its entropy
    plugins look for). The library is imported on first use only: it is slow to load."""
    return any(plugin.analyze_line(filename="value", line=_quoted(part), line_number=1)
               for plugin in _detect_secrets_plugins()
               for part in (value.splitlines() or [value]))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=1)
def _detect_secrets_plugins() -> tuple[object, ...]:
    from detect_secrets.core.scan import get_plugins
    from detect_secrets.settings import default_settings

    with default_settings():
        plugins = tuple(get_plugins())
    # A public IP address is not a secret.
    return tuple(p for p in plugins if type(p).__name__ != "IPPublicDetector")


DETECTORS: dict[str, Detector] = {
    "openai": openai,
    "aws-access-key": aws_access_key,
    "stripe": stripe,
    "github-token": github_token,
    "slack-token": slack_token,
    "private-key": private_key,
    "url-credentials": url_credentials,
    "jwt": jwt,
    "high-entropy": high_entropy,
    "detect-secrets": detect_secrets_plugins,
}
DETECTOR_NAMES: tuple[str, ...] = tuple(DETECTORS)
