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
import zlib
from collections import Counter
from collections.abc import Callable
from functools import cache, lru_cache

from etc_policy.record import record

Detector = Callable[[str], bool]

_OPENAI = re.compile(
    r"\bsk-(?:proj|svcacct|admin|service)-[A-Za-z0-9_-]{20,}"   # project / service / admin keys
    r"|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b"            # legacy 51-char keys
    r"|\bsk-[A-Za-z0-9_-]*T3BlbkFJ[A-Za-z0-9_-]{10,}")           # any key with the OpenAI mark
_AWS_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b")
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


# --- provider token formats --------------------------------------------------------------------
# One table for `check` (the detectors below, run on one value) and `scan` (scan/patterns.py
# runs them on log lines as LOG002): a format is its regex, in the dialect Hyperscan, RE2 and
# `re` read alike (no lookaround, no backreference, no class that takes a line break), and a
# `shape` check for what a regex cannot say (a checksum, a macaroon, enough randomness).
# Sources of every format: the LOG002 docs in policies/secrets-hygiene.yaml.

# After a token whose alphabet has `-`, `\b` would stop inside it (`glpat-…-more`): the token
# must end at a character outside its alphabet, or at the end of the line.
_END = r"(?:[^A-Za-z0-9_\r\n-]|$)"
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_.+/=-]+")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@record
class TokenFormat:
    name: str
    regex: str
    shape: Callable[[str], bool]
    description: str
    # Every match holds one of these: `check` compiles the regex only for a value that does
    # (1.5 ms for all the formats, on a hook's path). tests/secrets/test_detectors.py checks
    # them against the literals scan/keywords.py derives from the regex itself.
    literals: tuple[str, ...]
    max_len: int = 120   # the longest match `scan` must see whole


def token_of(text: str) -> str:
    """The token in a match: without the boundary character `_END` (or a lead-in) took."""
    return max(_TOKEN_CHARS.findall(text), key=len, default="")


def random_enough(body: str, *, bits: float = 3.0) -> bool:
    """A generated token body, not a word, a mask or a pattern (`XXXX…`, `1231231…`)."""
    return shannon_entropy(body) >= bits and not _is_repetition(body)


def base62_crc32_ok(token: str) -> bool:
    """GitHub's token format (github.blog, 2021-04-05), also npm's (github.blog changelog,
    2021-09-23): `prefix_` + 30 random base62 characters + their CRC32 in 6 base62 digits."""
    body = token.rsplit("_", 1)[-1]
    if len(body) != 36:
        return False
    value = 0
    for char in body[30:]:
        value = value * 62 + _BASE62.index(char)
    return zlib.crc32(body[:30].encode("ascii")) == value and random_enough(body[:30])


def _github(match: str) -> bool:
    token = token_of(match)
    if token.startswith("github_pat_"):
        # Fine-grained tokens: no published checksum, so the shape alone (22 + 59 characters).
        return random_enough(token[len("github_pat_"):], bits=4.0)
    return base62_crc32_ok(token)


def _pypi(match: str) -> bool:
    """A PyPI token is `pypi-` + a base64url macaroon (v2): it ends with the signature field,
    type 6, 32 bytes. A truncated or made-up body does not decode to that."""
    import base64   # only for a candidate: check's start-up does not pay for it

    body = token_of(match)[len("pypi-"):]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return False
    return len(data) > 64 and data[-34:-32] == b"\x06\x20"


def _slack(match: str) -> bool:
    token = token_of(match)
    if "hooks.slack.com/" in token:
        return random_enough(token.rsplit("/", 1)[-1])
    parts = token.split("-")
    # A short token (`xoxa-…`, `xoxb-<id>-…`) ends in its secret, never in an id (digits).
    if len(parts) <= 3 and parts[-1].isdigit():
        return False
    # gitleaks' entropy floor for Slack: legacy tokens end in as few as 10 hex digits.
    return random_enough(parts[-1], bits=2.0)


def _last_part_random(match: str) -> bool:
    return random_enough(re.split(r"[-_.:/]", token_of(match), maxsplit=1)[-1])


def _discord_bot(match: str) -> bool:
    # No keyword holds a Discord bot token (three base64url parts), so it must look generated.
    token = token_of(match)
    return random_enough(token, bits=4.0) and _DIGIT.search(token) is not None


def _google(match: str) -> bool:
    return random_enough(token_of(match)[len("AIza"):], bits=3.5)


# A private key is its armour line and its body (base64, or an encrypted PEM's headers): the
# armour line alone is text about keys (`expected a PEM file starting with -----BEGIN …`).
_PEM = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\s|\\[rn])*"
                  r"(?:[A-Za-z0-9+/]{40}|Proc-Type:|Comment:|Version:)")


def private_key(value: str) -> bool:
    return _PEM.search(value) is not None


TOKEN_FORMATS: tuple[TokenFormat, ...] = (
    TokenFormat("slack-token",
                r"\bxoxb-[0-9]{8,14}-(?:[0-9]{8,14}-)?[A-Za-z0-9]{18,34}"
                r"|\bxox[aoprse]-(?:[0-9]-)?[0-9]{5,13}-[0-9]{5,13}-[0-9]{5,13}-[A-Za-z0-9]{10,64}"
                r"|\bxox[ar]-(?:[0-9]-)?[A-Za-z0-9]{8,48}\b"
                r"|\bxapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,13}-[A-Za-z0-9]{32,80}"
                # Configuration and refresh tokens: base64 of `2-2-<team>-<user>-…-<hex>`, so the
                # length follows the ids' (143 to 166 seen in the peers' samples).
                r"|\bxoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{140,180}|\bxoxe-[0-9]-[A-Za-z0-9]{140,180}"
                r"|\bhooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,90}",
                _slack, "a Slack token or webhook", ("xox", "xapp-", "hooks.slack.com/"), 300),
    TokenFormat("github-token",
                r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b"
                r"|\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b",
                _github, "a GitHub token", ("gh", "github_pat_"), 100),
    TokenFormat("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b", base62_crc32_ok, "an npm access token",
                ("npm_",)),
    TokenFormat("pypi-token",
                # The macaroon's start: version 2, location pypi.org (or test.pypi.org).
                r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{70,}"
                r"|\bpypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{70,}",
                _pypi, "a PyPI upload token", ("pypi-",), 1200),
    TokenFormat("sendgrid-api-key", r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _END,
                _last_part_random, "a SendGrid API key", ("SG.",)),
    # Secret and restricted keys; pk_live_/pk_test_ are publishable by design.
    TokenFormat("stripe-secret-key", r"\b(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{20,247}\b",
                _last_part_random, "a Stripe secret or restricted key",
                ("k_live_", "k_test_", "k_prod_"), 270),
    TokenFormat("telegram-bot-token", r"\b[0-9]{5,16}:A[A-Za-z0-9_-]{34}" + _END,
                _last_part_random, "a Telegram bot token", (":A",)),
    TokenFormat("discord-bot-token",
                r"[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}",
                _discord_bot, "a Discord bot token", (".",)),
    TokenFormat("discord-webhook",
                # The URL as Discord gives it (no `/api/v10/`): with an optional version the fast
                # scan's keyword would be `webhooks/`, which every /api/…/webhooks/ route holds.
                r"\bhttps://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api/webhooks"
                r"/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}",
                lambda match: random_enough(token_of(match).rsplit("/", 1)[-1]),
                "a Discord webhook", ("/api/webhooks/",), 200),
    # GitLab's prefixed tokens (docs.gitlab.com "Token prefixes"), lengths as detect-secrets'.
    TokenFormat("gitlab-token",
                r"\b(?:glpat|gldt|glft|glsoat|glrt|glcbt|glffct)-[A-Za-z0-9_-]{20,50}"
                r"(?:\.[0-9a-z]{9})?" + _END
                + r"|\bglimt-[A-Za-z0-9_-]{25}" + _END + r"|\bglptt-[A-Za-z0-9_-]{40}" + _END
                + r"|\bglagent-[A-Za-z0-9_-]{50}"   # 50 to 1024: its first 50 are enough
                + r"|\bgloas-[A-Za-z0-9_-]{64}" + _END
                + r"|\bGR1348941[A-Za-z0-9_-]{20,50}" + _END,
                _last_part_random, "a GitLab token", ("gl", "GR1348941"), 200),
    TokenFormat("google-api-key", r"\bAIza[A-Za-z0-9_-]{35}" + _END, _google,
                "a Google API key", ("AIza",)),
)


@cache
def _compiled(regex: str) -> re.Pattern[str]:
    # On first use: `check` compiles only the formats its packs name.
    return re.compile(regex, re.MULTILINE)


def provider_token(fmt: TokenFormat, value: str) -> bool:
    if not any(literal in value for literal in fmt.literals):
        return False
    return any(fmt.shape(found.group()) for found in _compiled(fmt.regex).finditer(value))


def in_provider_format(value: str) -> bool:
    """Some shared format's regex matches, whatever its shape check says: such a value is
    that format's to judge (a ghp_ token with a wrong checksum is no generic secret either)."""
    return any(any(literal in value for literal in fmt.literals)
               and _compiled(fmt.regex).search(value) for fmt in TOKEN_FORMATS)


def _format_detector(fmt: TokenFormat) -> Detector:
    return lambda value: provider_token(fmt, value)


FORMATS: dict[str, TokenFormat] = {fmt.name: fmt for fmt in TOKEN_FORMATS}


DETECTORS: dict[str, Detector] = {
    "openai": openai,
    "aws-access-key": aws_access_key,
    "stripe": _format_detector(FORMATS["stripe-secret-key"]),
    "github-token": _format_detector(FORMATS["github-token"]),
    "slack-token": _format_detector(FORMATS["slack-token"]),
    "private-key": private_key,
    "npm-token": _format_detector(FORMATS["npm-token"]),
    "pypi-token": _format_detector(FORMATS["pypi-token"]),
    "sendgrid": _format_detector(FORMATS["sendgrid-api-key"]),
    "telegram-bot-token": _format_detector(FORMATS["telegram-bot-token"]),
    "discord": lambda value: (provider_token(FORMATS["discord-bot-token"], value)
                              or provider_token(FORMATS["discord-webhook"], value)),
    "gitlab-token": _format_detector(FORMATS["gitlab-token"]),
    "google-api-key": _format_detector(FORMATS["google-api-key"]),
    "url-credentials": url_credentials,
    "jwt": jwt,
    "high-entropy": high_entropy,
    "detect-secrets": detect_secrets_plugins,
}
DETECTOR_NAMES: tuple[str, ...] = tuple(DETECTORS)
