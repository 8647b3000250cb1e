from __future__ import annotations

import json
import re
import secrets
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.secrets.detectors import DETECTORS, TOKEN_FORMATS, TokenFormat, high_entropy, \
    shannon_entropy

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
    # GitHub's CRC32 in the last six characters (computed for these fakes).
    ("github-token", "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"),
    ("github-token", "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"),
    ("github-token", "github_pat_11FAKETEST0Mw4Rq8Tz2Xv_6Kp0LnQw7Er4Ty1Uo9PzZa3Sd5Fg7Hj9Kl1Mw4Rq8Tz2Xv6FAKEtest1Uo9"),
    ("slack-token", "xoxb-263594206564-2343594206574-FAKEtestMw4Rq8Tz2Xv6Kp0L"),
    ("slack-token", "xapp-1-A052FGTS2DL-5171572773297-" + "FAKEtest0Mw4Rq8Tz2Xv6Kp0Ln" * 2 + "Qw7E"),
    ("slack-token", "xoxe.xoxp-1-" + "Mi0yFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er" * 5 + "Ty1U"),
    ("slack-token", "https://hooks.slack.com/services/T0FAKE001/B0FAKE002/bJtrpFi1fO1JMCcwLx8uZyAg"),
    ("slack-token", "http://hooks.slack.com/workflows/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"),
    ("private-key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo9\n-----END RSA PRIVATE KEY-----"),
    ("private-key", "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAKEtestMw4Rq8Tz2Xv6Kp0\\n-----END PRIVATE KEY-----"),
    ("private-key", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,FAKE\n"),
    ("npm-token", "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"),
    ("pypi-token", "pypi-AgENdGVzdC5weXBpLm9yZwIkN2YxOWZhOWEtY2FjYS00MGZhLTj2MGEtODFjMnE2MjdmMzY0AAIqWzMsImJlM2FiOWI5"
                   "LTRmYUTnNEg4ZS04Mjk0LWFlY2Y2NWYzNGYzNyJdAAAGIMb5Hb8nVvhcAizcVVzA-bKKnwN7Pe0RmgPRCvrPwyJf"),
    ("sendgrid", "SG.FAKEtestMw4Rq8Tz2Xv6Kp.LnQw7Er4Ty1Uo9PzZa3Sd5Fg7Hj9Kl1Mw4Rq8Tz2Xv6"),
    ("telegram-bot-token", "7213808860:AAFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty"),
    ("discord", "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.FAKEtestMw4Rq8Tz2Xv6Kp0LnQw"),
    ("discord", "https://discord.com/api/webhooks/1184329874356723712/"
                "FAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo9PzZa3Sd5Fg7Hj9Kl1Mw4Rq8Tz2Xv6Kp0L"),
    ("gitlab-token", "glpat-FAKEtestMw4Rq8Tz2Xv6Kp0"),
    ("gitlab-token", "glptt-0d66598d696a02da33fb65e2a041f607c68ea50d"),
    ("google-api-key", "AIzaSyFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty"),
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
    ("private-key", "expected a PEM file starting with -----BEGIN PRIVATE KEY-----"),
    ("private-key", "-----BEGIN PRIVATE KEY-----"),
    ("private-key", "-----BEGIN PRIVATE KEY-----\nFAKE\n-----END PRIVATE KEY-----"),
    ("github-token", "ghp_FAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo"),    # the CRC32 does not match
    ("github-token", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ("slack-token", "xoxb-xoxb-my-bot-token"),
    ("slack-token", "xoxe.xoxp-1-RANDOMSTRINGHERE"),
    ("slack-token", "xoxp-572370529330-573807301142-572331691188-####################"),
    ("slack-token", "xoxb-your-bot-token-here"),
    ("npm-token", "npm_TCllNwh2WLQlMWVhybM1iQrsTj6rMQ0BOh6d"),        # the checksum does not match
    ("pypi-token", "pypi-AgEIcHlwaS5vcmc" + "0123456789abcdef" * 6),      # not a macaroon
    ("sendgrid", "SG.ngeVfQFYQlKU0ufo8x5d1A..TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr"),
    ("stripe", "task_test_FAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er"),
    ("telegram-bot-token", "bot110201543:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw"),
    ("discord", "PZ1yGvKTjE0rY0cV8i47CjAa.uRHQPq.Xb1Mk2nEhe-4iUcrGOuegj57zMC"),
    ("gitlab-token", "glpat-XXXXXXXXXXX-XXXXXXXX"),
    ("gitlab-token", "glsoat-PREfix_helloworld380_testin_pretty_long_token_long_"),
    ("google-api-key", "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
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


@pytest.mark.parametrize("fmt", TOKEN_FORMATS, ids=lambda f: f.name)
def test_format_literals_are_in_every_match(fmt: TokenFormat) -> None:
    """`check` skips a format's regex unless the value holds one of its literals: each literal
    the scan derives from the regex (held by every match) must contain one of them."""
    from etc_policy.scan.keywords import regex_keywords

    found = regex_keywords(fmt.regex.encode())
    if found is None:    # no derivable literal (Discord bot tokens): the dots are in the regex
        assert fmt.literals == (".",) and fmt.regex.count(r"\.") == 2
        return
    keywords, caseless = found
    assert not caseless
    assert all(any(literal.encode() in keyword for literal in fmt.literals) for keyword in keywords)
