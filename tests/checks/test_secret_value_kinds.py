"""placeholder, known_weak, entropy, jwt_secret, jwt_token, template_secret."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jose import jwt
from kind_support import JWT_STRONG, OPENAI_PROJ, entry, messages, run_entry, source

from etc_policy.checks import entropy, jwt_secret, jwt_token, known_weak, placeholder, template_secret
from etc_policy.checks.placeholder import is_placeholder

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpora" / "env-real"
SECRET_KEY = re.compile(r"(?i).*(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|PRIVATE_KEY|ACCESS_KEY|CREDENTIALS?)")


@pytest.mark.parametrize("value", [
    "changeme", "CHANGE_ME", "ChangeMe123!", "change_this_in_production", "replace-me",
    "replace_with_openssl_rand_hex_32", "TODO", "your-key-here", "your_openai_api_key",
    "sk-your-key-here", "whsec_YOUR_SECRET_HERE", "xxx", "sk-xxxxxxxxxxxxxxxx", "xxxx xxxx xxxx",
    "<your-api-key>", "postgresql://postgres:<password>@db:5432/app", "********", "sk-...", "AIza…",
    "example-secret", "sample_token", "[YOUR KEY]", "{{ API_KEY }}", "user_provided", "null",
    "1234567890:ABCdefGHIjklmnOPQrstuvWXYZ", "generate_with_openssl_rand_hex_24",
])
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)
    hits = run_entry(placeholder, {}, entry("API_KEY", value))
    assert messages(hits) == ["API_KEY holds a placeholder, not a real value"]


@pytest.mark.parametrize("value", [
    OPENAI_PROJ, JWT_STRONG, "AKIAIOSFODNN7EXAMPLE", "sk_test_51FAKEq8Xv2LmN0pR7tYz",
    "DevOS <onboarding@resend.dev>", "${{ Postgres.DATABASE_URL }}", "production", "",
    "Xyz_xxXabcd", "exampleless-Q9v2",
])
def test_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


# Letters, the characters IGNORECASE folds onto ASCII letters (İ ı ſ K), other cased letters,
# and every symbol the pattern names.
_PLACEHOLDER_ALPHABET = ("abcdehilmnoprstuxyzABCDEHIKLMNOPRSTUXYZ0123456789\u0130\u0131\u017f"
                         "\u212a\u00df\u03a3\u00e9 -_.*<>[]{}@…$\n\t\u00a0")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["change", "me", "replace", "this", "your", "key", "here",
                                 "example", "sample", "xxx", "todo", "insert", "random",
                                 "string", "null", "{{", "}}", "***", "..."]), max_size=4)
       .map("".join) | st.text(alphabet=_PLACEHOLDER_ALPHABET, max_size=24),
       st.sampled_from([str.upper, str.lower, str.title, lambda s: s]),
       st.text(alphabet=_PLACEHOLDER_ALPHABET, max_size=3))
def test_placeholder_fold_equals_ignorecase(text: str, case, noise: str) -> None:
    """The text is folded instead of compiling the pattern with IGNORECASE: same verdicts."""
    value = noise + case(text) + noise
    with_ignorecase = re.compile(placeholder.PLACEHOLDER.pattern, re.IGNORECASE)
    stripped = re.sub(r"\$\{\{[^}]*\}\}", "", value.strip())
    expected = bool(stripped.strip()) and with_ignorecase.search(stripped) is not None
    assert is_placeholder(value) == expected


def test_placeholder_folds_what_ignorecase_folds() -> None:
    for value in ("CHANGE\u0130T", "\u017fample-key", "\u212aEY HERE", "TODO", "ChangeMe"):
        assert is_placeholder(value), value


def test_placeholder_extra_and_templates() -> None:
    assert len(run_entry(placeholder, {"extra": ["PUT-IT-IN"]}, entry("K", "put-it-in"))) == 1
    template = source(entry("K", "changeme"), path=".env.example", environment=None)
    assert run_entry(placeholder, {"skip_templates": True}, template.entries[0], src=template) == []


def test_placeholder_catches_most_secret_values_of_real_templates() -> None:
    # Real `.env.example` files: secret-named values are almost all placeholders there.
    values = [v for f in sorted(CORPUS.glob("*.expected.json"))
              for k, v in json.loads(f.read_text()).items()
              if v and SECRET_KEY.fullmatch(k)]
    caught = sum(1 for v in values if is_placeholder(v) or known_weak.is_known_weak(v))
    assert len(values) > 100
    assert caught / len(values) > 0.9


@pytest.mark.parametrize("value", ["your-256-bit-secret", "keyboard cat", "Keyboard-Cat", "secret",
                                   "password", "super_secret", "mysecret", "jwt_secret", "changeit",
                                   "shhhhhared-secret", "123456"])
def test_known_weak(value: str) -> None:
    hits = run_entry(known_weak, {}, entry("JWT_SECRET", value))
    assert messages(hits) == ["JWT_SECRET is a well-known weak or sample secret"]
    assert hits[0].hint is None


def test_known_weak_passes_strong_and_extra() -> None:
    assert run_entry(known_weak, {}, entry("JWT_SECRET", JWT_STRONG)) == []
    assert len(run_entry(known_weak, {"extra": ["Our Company 2024"]}, entry("K", "our-company-2024"))) == 1


def test_entropy() -> None:
    assert run_entry(entropy, {}, entry("SESSION_SECRET", JWT_STRONG)) == []
    assert messages(run_entry(entropy, {}, entry("SESSION_SECRET", "a" * 40))) == [
        "SESSION_SECRET has low entropy (0.00 bits/char; floor 3)"]
    assert messages(run_entry(entropy, {"min_length": 32}, entry("S", "Qx7#pL2v"))) == [
        "S is too short to be a strong secret (8 characters; at least 32)"]
    # placeholders are the placeholder kind's business
    assert run_entry(entropy, {}, entry("S", "changeme")) == []
    assert len(run_entry(entropy, {"skip_placeholders": False}, entry("S", "changeme"))) == 1


@pytest.mark.parametrize(("value", "expected"), [
    (JWT_STRONG, None),
    ("your-256-bit-secret", "JWT_SECRET is not a strong HS256 key: a well-known sample or weak secret; "
                            "19 bytes, at least 32 needed"),
    ("abababababababababababababababababab", "JWT_SECRET is not a strong HS256 key: "
                                             "low entropy (1.00 bits/char; floor 3)"),
    ("your-jwt-secret-here-please-change-it", "JWT_SECRET is not a strong HS256 key: a placeholder"),
    ("Q9v!x2Lp", "JWT_SECRET is not a strong HS256 key: 8 bytes, at least 32 needed"),
])
def test_jwt_secret(value: str, expected: str | None) -> None:
    hits = run_entry(jwt_secret, {}, entry("JWT_SECRET", value))
    assert messages(hits) == ([] if expected is None else [expected])


def test_jwt_secret_counts_bytes() -> None:
    # 16 two-byte characters = 32 bytes
    assert run_entry(jwt_secret, {"min_bits": 1.0}, entry("K", "ĀāĂăĄąĆćĈĉĊċČčĎď")) == []


def _token(**claims: object) -> str:
    return jwt.encode(claims, "FAKE-test-signing-key-for-fixtures-0001", algorithm="HS256")


def test_jwt_token_expired_and_old() -> None:
    expired = _token(sub="svc", exp=int(datetime(2020, 1, 1, tzinfo=UTC).timestamp()))
    hits = run_entry(jwt_token, {}, entry("API_TOKEN", expired))
    assert messages(hits) == ["API_TOKEN holds a JWT that expired on 2020-01-01"]
    assert expired not in hits[0].message
    old = _token(sub="svc", iat=int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()),
                 exp=int(datetime(2035, 1, 1, tzinfo=UTC).timestamp()))
    assert run_entry(jwt_token, {}, entry("API_TOKEN", old)) == []
    assert messages(run_entry(jwt_token, {"max_age_days": 90}, entry("API_TOKEN", old))) == [
        "API_TOKEN holds a JWT issued 516 days ago (on 2025-01-01; at most 90 days)"]


def test_jwt_token_ignores_non_jwts_and_garbage() -> None:
    assert run_entry(jwt_token, {}, entry("K", JWT_STRONG)) == []
    assert run_entry(jwt_token, {}, entry("K", "eyJhbGciOi.eyJzdWIi.sig")) == []   # undecodable
    assert run_entry(jwt_token, {}, entry("K", _token(sub="no-dates"))) == []


def test_jwt_token_uses_the_injected_clock() -> None:
    token = _token(exp=int(datetime(2026, 7, 1, tzinfo=UTC).timestamp()))
    assert run_entry(jwt_token, {}, entry("K", token)) == []          # NOW = 2026-06-01
    later = datetime(2026, 8, 1, tzinfo=UTC)
    assert len(run_entry(jwt_token, {}, entry("K", token), now=later)) == 1


def test_template_secret() -> None:
    tpl = source(entry("OPENAI_API_KEY", OPENAI_PROJ), entry("JWT_SECRET", "your-jwt-secret"),
                 entry("DEBUG", "false"), entry("DATABASE_URL", "${{ Postgres.DATABASE_URL }}"),
                 path="server/.env.example", environment=None)
    hits = [h for e in tpl.entries for h in run_entry(template_secret, {}, e, src=tpl)]
    assert messages(hits) == ["OPENAI_API_KEY in a committed template holds a real-looking secret"]
    assert hits[0].hint == "sk-p…, 164 chars"


def test_template_secret_only_in_templates_and_only_secrets() -> None:
    prod = source(entry("OPENAI_API_KEY", OPENAI_PROJ))
    assert run_entry(template_secret, {}, prod.entries[0], src=prod) == []
    tpl = source(entry("BUILD_ID", OPENAI_PROJ), path=".env.sample", environment=None)
    assert run_entry(template_secret, {}, tpl.entries[0], src=tpl, is_secret=lambda e: False) == []
