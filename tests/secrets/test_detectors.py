from __future__ import annotations

import json
import re
import secrets
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.secrets.detectors import DETECTORS, high_entropy, shannon_entropy

# Fake, realistic-shaped values (FAKE/EXAMPLE/test wherever the format allows).
PROJ = "sk-proj-" + "FAKEtestKey0123456789abcdefghij_-" * 2 + "T3BlbkFJ" + "FAKEtestKey0123456789abcdefghij" * 2
POSITIVE = [
    ("openai", PROJ),
    ("openai", "sk-svcacct-FAKE" + "a1B2c3D4e5" * 6),
    ("openai", "sk-admin-FAKE" + "Zz09" * 14 + "T3BlbkFJ" + "Zz09" * 14),
    ("openai", "sk-FAKEabcdefghij0123T3BlbkFJFAKEabcdefghij0123"),
    ("aws-access-key", "AKIAIOSFODNN7EXAMPLE"),
    ("stripe", "sk_live_FAKE51HxEXAMPLEabcdefghij"),
    ("stripe", "rk_live_FAKE51HxEXAMPLEabcdefghij"),
    ("stripe", "sk_test_FAKE51HxEXAMPLEabcdefghij"),
    ("github-token", "ghp_FAKEtest0123456789abcdefghijklmnopqr"),
    ("github-token", "github_pat_11FAKE0000_test0123456789abcdefghijklmnop"),
    ("slack-token", "xoxb-0000000000-FAKEtest-token"),
    ("slack-token", "https://hooks.slack.com/services/T00000000/B00000000/FAKEtestXXXXXXXXXXXXXXXX"),
    ("private-key", "-----BEGIN RSA PRIVATE KEY-----\nFAKE\n-----END RSA PRIVATE KEY-----"),
    ("private-key", "-----BEGIN PRIVATE KEY-----\\nFAKE\\n-----END PRIVATE KEY-----"),
    ("url-credentials", "postgresql://postgres:FAKEpassTest@postgres.railway.internal:5432/railway"),
    ("url-credentials", "cloudinary://123456789012345:FAKE_secret_test@demo-cloud"),
    ("url-credentials", "redis://:FAKEredisPass@redis.railway.internal:6379"),
    ("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJGQUtFIn0.FAKEsignatureTEST0123"),
    ("high-entropy", "Xy3kP9qLm2ZtR8vWn4BcD7fGh1JkL0sQ"),
    ("high-entropy", "f34be427ebb29de8d88c107a71546019"),
    ("high-entropy", "hWqzKpLmNbVcXyTrEsDfGhJkLpOiUyTr"),  # Railway Postgres passwords: letters only
    ("detect-secrets", "sk_live_FAKEabcdefghijklmnop1234"),
]
NEGATIVE = [
    ("openai", "sk-your-key-here"),
    ("openai", "sk-ant-FAKE-anthropic"),
    ("stripe", "pk_live_FAKE51HxEXAMPLEabcdefghij"),
    ("stripe", "pk_test_FAKE51HxEXAMPLEabcdefghij"),
    ("aws-access-key", "AKIA-not-a-key"),
    ("private-key", "-----BEGIN PUBLIC KEY-----"),
    ("url-credentials", "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/railway"),
    ("url-credentials", "postgresql://user:****@localhost/db"),
    ("url-credentials", "postgresql://user:<password>@localhost/db"),
    ("url-credentials", "https://api.example.com/v1"),
    ("url-credentials", "postgresql://localhost:5432/db"),
    ("jwt", "eyJhbGciOiJIUzI1NiJ9"),
    ("high-entropy", "123e4567-e89b-12d3-a456-426614174000"),
    ("high-entropy", "sk-proj-your-openai-api-key-here"),
    ("high-entropy", "text-embedding-3-small"),
    ("high-entropy", "CLINIC_CRM_WEBHOOK_73R469Mf"),
    ("high-entropy", "0123456789abcdef0123456789abcdef"),
    ("high-entropy", "/var/lib/postgresql/data/pgdata"),
    ("high-entropy", "https://myapp.up.railway.app"),
    ("high-entropy", "changeme-changeme-changeme"),
    ("high-entropy", "short3X9"),
    ("detect-secrets", "hello world"),
    ("detect-secrets", "true"),
]


@pytest.mark.parametrize(("name", "value"), POSITIVE)
def test_detector_finds(name: str, value: str) -> None:
    assert DETECTORS[name](value)


@pytest.mark.parametrize(("name", "value"), NEGATIVE)
def test_detector_ignores(name: str, value: str) -> None:
    assert not DETECTORS[name](value)


def test_entropy_bits() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)


def test_high_entropy_catches_most_random_tokens() -> None:
    rng = secrets.SystemRandom()
    alnum = string.ascii_letters + string.digits
    tokens = ["".join(rng.choice(alnum) for _ in range(32)) for _ in range(300)]
    assert sum(map(high_entropy, tokens)) >= 295
    assert all(high_entropy(secrets.token_hex(32)) for _ in range(100))


def test_high_entropy_false_positive_rate_on_real_example_files() -> None:
    """Committed .env.example values (placeholders, URLs, names) are rarely random tokens."""
    corpus = Path(__file__).resolve().parents[1] / "data" / "corpora" / "env-real"
    values = []
    for file in sorted(corpus.glob("*.expected.json")):
        data = json.loads(file.read_text())
        data = data.get("parsed", data) if isinstance(data, dict) else {}
        values += [v for v in data.values() if isinstance(v, str)]
    assert len(values) > 1000
    flagged = sum(map(high_entropy, values))
    assert flagged / len(values) < 0.01


# Letters, the characters re.IGNORECASE folds onto ASCII letters (İ ı ſ K), other cased
# letters (final sigma, ß), and the symbols these patterns name.
_FOLD_ALPHABET = ("abdefhilnoprstuxyzABDEFHILNOPRSTUXYZ019_\u0130\u0131\u017f\u212a\u00df\u03a3"
                  "\u03c2\u00e9 -.*<>[]{}$%\n")
_WORDS = ["password", "pass", "true", "False", "NULL", "production", "Staging", "info", "xxx",
          "${", "}", "$SECRET", "%s", "<", ">", "***", "-1.5", "off", "ON", "undefined"]


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_WORDS), max_size=3).map("".join),
                 st.text(alphabet=_FOLD_ALPHABET, max_size=12)),
       st.sampled_from([str.upper, str.lower, str.title, lambda s: s]))
def test_folded_patterns_match_as_ignorecase_would(text: str, case) -> None:
    """Patterns compiled without IGNORECASE and matched on fold_case(text) give the verdicts
    the same pattern compiled with IGNORECASE gives on the text itself."""
    from etc_policy.secrets import classify, detectors

    value = case(text)
    for folded in (detectors._FAKE_URL_PASSWORD, classify._NON_SECRET):
        ignorecase = re.compile(folded.pattern, re.IGNORECASE)
        assert (folded.match(detectors.fold_case(value)) is None) == (
            ignorecase.match(value) is None), (folded.pattern, value)
