"""Provider key formats and detect-secrets' detectors, as `PatternSpec`s for the scan engine.

Every regex compiles on Hyperscan and on RE2 alike (no lookaround, no backreference), never
matches a line break (`[^\\s…]` classes, `[ \\t]` for blanks) and is bounded by `max_len`.
The fast engine finds candidates; `validate` then drops what is not a leak:
placeholders (`sk-proj-your-key-here`, `postgres://u:<password>@h`), Railway references
(`${{ Postgres.PGPASSWORD }}`) and public example values from providers' docs
(AWS's `AKIAIOSFODNN7EXAMPLE`, jwt.io's sample token, Stripe's docs keys…).

Rules (see policies/secrets-hygiene.yaml):
- LOG002 provider key formats (shapes from FORMATS.md §4: gitleaks / trufflehog / detect-secrets).
  The token formats `check` also uses (Slack, GitHub, npm, PyPI, SendGrid, Stripe, Telegram,
  Discord, GitLab, Google) come from `secrets.detectors.TOKEN_FORMATS`, with their shape
  checks (GitHub's and npm's CRC32, PyPI's macaroon); the private-key regex here is the
  one-line form of `detectors.private_key` (a log line holds the body, or the armour alone);
- LOG003 detect-secrets' own detectors. Its regex plugins that Hyperscan can run are written
  here in that dialect (detect-secrets' originals use lookaround); a candidate is kept only
  if the detect-secrets plugin itself, run on the matched text, reports a secret and its
  false-positive heuristics (uuid, sequential string, templated value…) do not drop it. The
  library is imported on the first candidate only, so it costs nothing on a clean log (and
  without `requests`, which it needs only to verify secrets online: ~70 ms less). Its
  entropy plugins are not run: a log is full of quoted random ids and content hashes that
  they would all report (see the look-alike corpus in tests/scan/lookalikes/);
- JWTs are found here (`JWT_PATTERN_NAME`) but reported only by the live-token check
  (jwt_live.py: LOG004/LOG005) when they verify against the scanned environment's key.
"""

from __future__ import annotations

import base64
import json
import re
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from etc_policy.record import record
from etc_policy.scan.model import CASELESS, PatternSpec
from etc_policy.secrets.detectors import FORMATS, TOKEN_FORMATS, high_entropy, \
    in_provider_format, token_of

PROVIDER_RULE = "LOG002"
DETECT_SECRETS_RULE = "LOG003"
JWT_RULE = "LOG004"
JWT_PATTERN_NAME = "jwt"

Validator = Callable[[bytes], bool]

# Between a keyword and its value: `KEY=v`, `key: "v"`, `"key":"v"`, `key => 'v'`.
_ASSIGN = rb"[\"']?[ \t]{0,3}(?:=|:|:=|=>)[ \t]{0,3}[\"']?"
_UUID = rb"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

# Public example values, from the providers' own documentation: never a leak.
PUBLIC_EXAMPLES = frozenset({
    "AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE",                    # AWS docs
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_BQokikJOvBiI2HlWgH4olfQ2",  # Stripe docs
    "sk_test_26PHem9AhJZvU623DfE1x4sd", "rk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "ghp_16C7e42F292c6912E7710c838347Ae178B4a",                         # GitHub docs
    "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",            # Slack docs
    "6fe4476ee5a1832882e326b506d14126",    # yarn's public search key (gitleaks' stop words)
    # Google API keys published in public code (gitleaks' gcp-api-key allowlist).
    "AIzaSyabcdefghijklmnopqrstuvwxyz1234567", "AIzaSyAnLA7NfeLquW1tJFpx_eQCxoX-oo6YyIs",
    "AIzaSyCkEhVjf3pduRDt6d1yKOMitrUEke8agEM", "AIzaSyDMAScliyLx7F0NPDEJi1QmyCgHIAODrlU",
    "AIzaSyD3asb-2pEZVqMkmL6M9N6nHZRR_znhrh0", "AIzayDNSXIbFmlXbIE6mCzDLQAqITYefhixbX4A",
    "AIzaSyAdOS2zB6NCsk1pCdZ4-P6GBdi_UUPwX7c", "AIzaSyASWm6HmTMdYWpgMnjRBjxcQ9CKctWmLd4",
    "AIzaSyANUvH9H9BsUccjsu2pCmEkOPjjaXeDQgY", "AIzaSyA5_iVawFQ8ABuTZNUdcwERLJv_a_p4wtM",
    "AIzaSyA4UrcGxgwQFTfaI3no3t7Lt1sjmdnP5sQ", "AIzaSyDSb51JiIcB6OJpwwMicseKRhhrOq1cS7g",
    "AIzaSyBF2RrAIm4a0mO64EShQfqfd2AFnzAvvuU", "AIzaSyBcE-OOIbhjyR83gm4r2MFCu4MJmprNXsw",
    "AIzaSyB8qGxt4ec15vitgn44duC5ucxaOi4FmqE", "AIzaSyA8vmApnrHNFE0bApF4hoZ11srVL_n0nvY",
})
# jwt.io's debugger sample (HS256, "your-256-bit-secret"): claims sub/name, in every variant.
_JWT_IO_CLAIMS = {"sub": "1234567890", "name": "John Doe"}
# Passwords in URLs that are visibly not real: masks, templates, the docs' own words.
_FAKE_PASSWORD = re.compile(
    r"^(?:\*+|x+|<.*>|\[.*\]|\{.*\}|\$\{.*\}|\$[A-Za-z_]+|%s|%\(.*\)s|password|passwd|pass|pwd"
    r"|secret|changeme|redacted|hidden|filtered|masked|\.+)$", re.IGNORECASE)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")   # API_SECRET: a name, not a value


# --- validators ------------------------------------------------------------------------------

def is_placeholder(value: str) -> bool:
    # Imported on the first verdict: etc_policy.checks loads every check kind and pydantic,
    # which a `scan --jobs N` worker (it unpickles these validators) does not otherwise need.
    from etc_policy.checks.placeholder import is_placeholder as check

    return check(value)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def plausible_secret(secret: str) -> bool:
    """Not a placeholder, not a Railway reference, not a documented public example."""
    if not secret or "${{" in secret or secret in PUBLIC_EXAMPLES:
        return False
    return not is_placeholder(secret) and not _ENV_NAME.match(secret)


def _whole(data: bytes) -> bool:
    return plausible_secret(_text(data))


def _after_assignment(data: bytes) -> bool:
    """`RAILWAY_TOKEN=<value>`: judge the value, not the keyword."""
    text = _text(data)
    value = re.split(r"[:=>][ \t\"']*", text, maxsplit=1)[-1].strip("\"' \t")
    return plausible_secret(value)


def _aws_access_key(data: bytes) -> bool:
    text = _text(data)
    # AWS's documentation convention: example keys end in EXAMPLE.
    return not text.endswith("EXAMPLE") and plausible_secret(text)


def _aws_secret(data: bytes) -> bool:
    value = _text(data)[-40:]
    return "EXAMPLE" not in value and plausible_secret(value)


_URL_PARTS = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://([^\s:/@]*):([^\s/@]+)@(.*)$")


def url_password_is_real(data: bytes) -> bool:
    """`postgresql://user:pass@host`: the password must not be a reference, mask or template."""
    found = _URL_PARTS.match(_text(data))
    if found is None:
        return False
    user, password, host = found.groups()
    if "${{" in password or _FAKE_PASSWORD.match(password) or "${{" in host:
        return False
    if user.lower() in {"user", "username", "usr"} and password.lower() in {"pass", "password"}:
        return False
    return plausible_secret(password) and not is_placeholder(host)


def _cloudinary(data: bytes) -> bool:
    found = _URL_PARTS.match(_text(data))
    return found is not None and url_password_is_real(data) and found.group(1).isdigit()


def _private_key(data: bytes) -> bool:
    return True  # the regex holds the whole shape; a public key never says PRIVATE


@record
class FormatValidator:
    """LOG002's verdict on a token format shared with `check` (secrets/detectors.py): its
    shape (checksum, macaroon, randomness), then not a placeholder or public example. A class,
    not a closure: `scan --jobs N` pickles patterns to its workers."""

    name: str

    def __call__(self, data: bytes) -> bool:
        text = _text(data)
        return FORMATS[self.name].shape(text) and plausible_secret(token_of(text))


def is_public_sample_jwt(token: str) -> bool:
    claims = unverified_claims(token)
    return claims is not None and all(claims.get(k) == v for k, v in _JWT_IO_CLAIMS.items())


def unverified_claims(token: str) -> dict | None:
    """The payload of `header.payload.signature`, decoded without any library or check."""
    parts = token.split(".")
    if len(parts) < 2:
        return None
    try:
        payload = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        claims = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def _jwt(data: bytes) -> bool:
    token = _text(data)
    return unverified_claims(token) is not None and not is_public_sample_jwt(token)


# --- the provider patterns (LOG002) ------------------------------------------------------------

# (name, regex, flags, validate, max_len)
_PROVIDERS: tuple[tuple[str, bytes, int, Validator, int], ...] = (
    ("openai-api-key",
     rb"\bsk-(?:proj|svcacct|admin|service)-[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{10,}"
     rb"|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b"
     rb"|\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}", 0, _whole, 400),
    # trufflehog's railwayapp detector takes any UUID up to 40 characters after "railway";
    # in logs that is every request id near a *.railway.app host, so the token's own name
    # (or Railway's project-token header) must be the keyword.
    ("railway-api-token",
     rb"\b(?:railway_?(?:api_?|project_?|account_?|team_?)?token|project-access-token)"
     + _ASSIGN + _UUID, CASELESS, _after_assignment, 120),
    ("aws-access-key-id", rb"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b", 0, _aws_access_key, 20),
    ("aws-secret-access-key",
     rb"\baws_?secret_?(?:access_?)?key" + _ASSIGN + rb"[A-Za-z0-9/+]{40}", CASELESS,
     _aws_secret, 120),
    # Credentials only: res.cloudinary.com image URLs have no scheme `cloudinary://`.
    ("cloudinary-url", rb"\bcloudinary://[0-9]{6,20}:[A-Za-z0-9_-]{10,}@[A-Za-z0-9_-]+",
     CASELESS, _cloudinary, 200),
    ("database-url-password",
     rb"\b(?:postgres(?:ql)?|mysql|mariadb|rediss?|mongodb(?:\+srv)?|amqps?)"
     rb"://[^\s:/@\"'<>]*:[^\s/@\"']+@[^\s/@:\"'<>]+", CASELESS, url_password_is_real, 600),
    # The armour line with its body: base64 on the same line (a JSON log's `\n`), an encrypted
    # PEM's headers, or the armour line alone on its line (the body follows on the next ones).
    # `expected a PEM file starting with -----BEGIN PRIVATE KEY-----` is none of these.
    ("private-key",
     rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\\r|\\n|[ \t\"'])*"
     rb"(?:[A-Za-z0-9+/]{40}|Proc-Type:|Comment:|Version:)"
     rb"|^[ \t\"'`]*(?:[A-Za-z_][A-Za-z0-9_.]*[ \t]*[=:][ \t]*[\"'`]?)?"
     rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[ \t\"'`,\r]*$",
     0, _private_key, 200),
)

# --- keys of encrypted env files (issue 14; a block of its own beside the providers above) -----
# A dotenvx private key decrypts every `encrypted:` value of its env file, an age identity
# every SOPS file encrypted to it: in a log they are provider-format leaks (LOG002) too.
_AT_REST_KEYS: tuple[tuple[str, bytes, int, Validator, int], ...] = (
    ("dotenvx-private-key",
     rb"\bDOTENV_PRIVATE_KEY(?:_[A-Z0-9_]+)?" + _ASSIGN + rb"[0-9a-fA-F]{64}\b", 0,
     _after_assignment, 200),
    # age's bech32 identity: HRP AGE-SECRET-KEY-, separator 1, 58 data characters (upper case).
    ("age-secret-key", rb"\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b", 0, _whole,
     80),
)

JWT_REGEX = rb"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"


# --- detect-secrets' regex plugins (LOG003), in the Hyperscan/RE2 dialect ----------------------

# (plugin class name, regex, flags, max_len). Plugins LOG002 covers (AWS, Stripe, GitHub,
# Slack, OpenAI, JWT, private keys, basic auth, Discord, GitLab, PyPI, SendGrid, Telegram) are
# left out, and a candidate holding a LOG002 format is dropped, so one leak gives one finding.
_DETECT_SECRETS: tuple[tuple[str, bytes, int, int], ...] = (
    # API keys are AKCp + 69 base62 characters (gitleaks `artifactory-api-key`), standing
    # alone as detect-secrets' own regex requires: inside a base64 blob `…/AKC…` is noise.
    ("ArtifactoryDetector", rb"(?:^|[ \t=:\"])AKCp[A-Za-z0-9]{69}(?:[ \t\r\"]|$)", 0, 80),
    ("AzureStorageKeyDetector", rb"AccountKey=[a-zA-Z0-9+/=]{88}", 0, 120),
    ("MailchimpDetector", rb"\b[0-9a-z]{32}-us[0-9]{1,2}\b", 0, 40),
    # Other registries' tokens and legacy UUID tokens; an `npm_` token is LOG002's.
    ("NpmDetector", rb"//[^\s]+/:_authToken=[ \t]*[^\s]+", 0, 400),
    ("SquareOAuthDetector", rb"sq0csp-[0-9A-Za-z_-]{43}", 0, 60),
    ("TwilioKeyDetector", rb"\b(?:AC|SK)[a-z0-9]{32}\b", 0, 40),
    # A secret-looking keyword assigned a value; the plugin decides (quotes, filters).
    ("KeywordDetector",
     rb"(?:api_?key|apikey|api_?token|auth_?token|access_?token|refresh_?token|secret"
     rb"|passw(?:or)?d|private[_-]?key|credentials?|creds)[A-Za-z0-9_.-]{0,20}" + _ASSIGN
     + rb"[^\s\"',;&]{6,}[\"']?",
     CASELESS, 320),
)


@lru_cache(maxsize=1)
def _ds_plugins() -> dict[str, object]:
    # Lazily: detect-secrets is only imported once a candidate needs its verdict.
    with _requests_deferred():
        from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
        from detect_secrets.filters import heuristic  # noqa: F401 - imported here, stand-in and all

        return {cls.__name__: cls() for cls in get_mapping_from_secret_type_to_class().values()}


class _LazyRequests(types.ModuleType):
    """Stands for `requests` while detect-secrets imports: its modules import requests only
    to verify secrets online (never asked here), which costs ~70 ms and a few MiB (urllib3,
    charset_normalizer, ssl, http.client). The real module is imported on first use."""

    # Evaluated at import time in two plugins' annotations (`-> requests.Response`).
    Response = type("Response", (), {})

    def __getattr__(self, name: str) -> object:
        import importlib

        return getattr(importlib.import_module("requests"), name)


@contextmanager
def _requests_deferred() -> Iterator[None]:
    if "requests" in sys.modules:
        yield
        return
    stand_in = _LazyRequests("requests")
    sys.modules["requests"] = stand_in
    try:
        yield
    finally:
        # Out again: whoever imports requests next gets the real one.
        if sys.modules.get("requests") is stand_in:
            del sys.modules["requests"]


def _ds_filtered(secret: str, line: str, plugin: object) -> bool:
    """detect-secrets' heuristic filters (the ones that need no file or settings). A UUID is
    an id, except after npm's `_authToken=`, where it is the legacy token's own shape."""
    from detect_secrets.filters import heuristic

    uuid_is_id = type(plugin).__name__ != "NpmDetector"
    return (heuristic.is_sequential_string(secret)
            or (uuid_is_id and heuristic.is_potential_uuid(secret))
            or heuristic.is_likely_id_string(secret, line, plugin)
            or heuristic.is_templated_secret(secret)
            or heuristic.is_prefixed_with_dollar_sign(secret)
            or heuristic.is_indirect_reference(line))


@record
class DetectSecretsValidator:
    """Keep a candidate only if the detect-secrets plugin reports it and its filters do not
    drop it. A class, not a closure: `scan --jobs N` pickles patterns to its workers."""

    plugin_name: str

    def __call__(self, data: bytes) -> bool:
        line = _text(data)
        # One leak, one finding: a provider's format is LOG002's to judge (and the keyword
        # plugin, the broadest, leaves to the other plugins what their regexes hold).
        keyword = self.plugin_name == "KeywordDetector"
        if in_provider_format(line) or (
                keyword and (_other_plugin_format(line) or not _secret_keyword(line))):
            return False
        plugin = _ds_plugins()[self.plugin_name]
        found = plugin.analyze_line(filename="scan.log", line=line, line_number=1)  # type: ignore[attr-defined]
        if found or not keyword:
            return any(not _ds_filtered(s.secret_value or "", line, plugin)
                       and plausible_secret(s.secret_value or "") for s in found)
        # In a file it does not know (a log), detect-secrets wants the value quoted; env files,
        # YAML and logfmt lines leave it bare (`client_secret=6da8…`). A bare value counts when
        # it is a random-looking token (gitleaks' generic-api-key does the same with entropy).
        value = _ASSIGNMENT.split(line, maxsplit=1)[-1].strip("\"' \t")
        return (high_entropy(value) and plausible_secret(value)
                and not _ds_filtered(value, line, plugin))


_ASSIGNMENT = re.compile(r"[\"']?[ \t]{0,3}(?:=>|:=|=|:)[ \t]{0,3}")
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# The last word of a key that names a thing about the secret, not the secret (gitleaks'
# generic-api-key allowlist: `credentialsId`, `secret_length`, `LLM_SECRET_NAME`, `token_url`).
_ABOUT_THE_SECRET = frozenset({
    "id", "ids", "name", "names", "size", "length", "len", "url", "uri", "endpoint", "file",
    "path", "type", "version", "count", "hash", "format", "field", "header", "prefix", "arn",
    "ref", "env", "var", "variable", "manager", "provider", "store", "policy", "rotation"})


@lru_cache(maxsize=1)
def _other_plugins_regex() -> re.Pattern[bytes]:
    return re.compile(b"|".join(b"(?:%s)" % regex for name, regex, _flags, _len in _DETECT_SECRETS
                                if name != "KeywordDetector"), re.MULTILINE)


def _other_plugin_format(line: str) -> bool:
    return _other_plugins_regex().search(line.encode("utf-8", "replace")) is not None


def _secret_keyword(line: str) -> bool:
    """The keyword names the secret itself, not its id, name, size or location."""
    words = _WORDS.findall(_ASSIGNMENT.split(line, maxsplit=1)[0])
    return bool(words) and words[-1].lower() not in _ABOUT_THE_SECRET


# --- the catalogue ---------------------------------------------------------------------------

def scan_patterns(*, detect_secrets: bool = True, jwt: bool = True) -> tuple[PatternSpec, ...]:
    """Every pattern `scan` runs, with ids unique within the tuple."""
    specs: list[PatternSpec] = []
    for name, regex, flags, validate, max_len in (*_PROVIDERS, *_AT_REST_KEYS):
        specs.append(PatternSpec(id=len(specs), rule_id=PROVIDER_RULE, name=name, regex=regex,
                                 flags=flags, validate=validate, max_len=max_len))
    for fmt in TOKEN_FORMATS:
        specs.append(PatternSpec(id=len(specs), rule_id=PROVIDER_RULE, name=fmt.name,
                                 regex=fmt.regex.encode("ascii"),
                                 validate=FormatValidator(fmt.name), max_len=fmt.max_len))
    if jwt:
        specs.append(PatternSpec(id=len(specs), rule_id=JWT_RULE, name=JWT_PATTERN_NAME,
                                 regex=JWT_REGEX, validate=_jwt, max_len=8192))
    if detect_secrets:
        for plugin, regex, flags, max_len in _DETECT_SECRETS:
            specs.append(PatternSpec(id=len(specs), rule_id=DETECT_SECRETS_RULE,
                                     name=f"detect-secrets:{plugin}", regex=regex, flags=flags,
                                     validate=DetectSecretsValidator(plugin), max_len=max_len))
    return tuple(specs)


# Readable names for messages (`an OpenAI API key`).
DESCRIPTIONS = {
    "openai-api-key": "an OpenAI API key",
    "railway-api-token": "a Railway API token",
    "aws-access-key-id": "an AWS access key id",
    "aws-secret-access-key": "an AWS secret access key",
    "cloudinary-url": "a Cloudinary URL with its API secret",
    "database-url-password": "a database URL with a password",
    "private-key": "a private key",
    **{fmt.name: fmt.description for fmt in TOKEN_FORMATS},
    "dotenvx-private-key": "a dotenvx private key (it decrypts the encrypted env file)",
    "age-secret-key": "an age identity (it decrypts SOPS/age files encrypted to it)",
}


def describe(name: str) -> str:
    if name.startswith("detect-secrets:"):
        return f"a secret (detect-secrets {name.split(':', 1)[1]})"
    return DESCRIPTIONS.get(name, name)
