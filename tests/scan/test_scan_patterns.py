"""Provider patterns: each format found (both engines), look-alikes and placeholders not."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from etc_policy.scan import scan_paths
from etc_policy.scan.model import CASELESS
from etc_policy.scan.patterns import JWT_PATTERN_NAME, DetectSecretsValidator, plausible_secret, \
    scan_patterns, url_password_is_real

PATTERNS = scan_patterns()
LOOKALIKES = Path(__file__).parent / "lookalikes"

# One realistic-shaped fake per provider format (FAKE/test inside where the format allows).
POSITIVE = {
    "openai-api-key": [
        "sk-proj-FAKEtest" + "Mw4Rq8Tz2X" * 6 + "T3BlbkFJ" + "Kp0LnQw7Er" * 6,
        "sk-FAKEtestMw4Rq8Tz2Xv6T3BlbkFJKp0LnQw7Er4Ty1Uo9Pz1",
        "sk-admin-FAKEtest" + "Mw4Rq8Tz2X" * 5,
    ],
    "railway-api-token": ['RAILWAY_TOKEN=7c9e6679-7425-40de-944b-e07fc1f90ae7',
                          '"railwayApiToken": "0f8fad5b-d9cb-469f-a165-70867728950e"',
                          'Project-Access-Token: 16fd2706-8baf-433b-82eb-8c7fada847da'],
    "aws-access-key-id": ["AKIA4FAKETESTMW4RQ8T", "ASIA4FAKETESTKP0LNQW"],
    "aws-secret-access-key": ["aws_secret_access_key = FAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo9P/z+a"],
    "stripe-secret-key": ["sk_live_51FAKEtestMw4Rq8Tz2Xv6Kp0Ln", "rk_live_51FAKEtestMw4Rq8Tz2Xv6Kp0Ln",
                          "sk_test_51FAKEtestMw4Rq8Tz2Xv6Kp0Ln"],
    # The CRC32 in the last six characters computed as GitHub does (secrets/detectors.py).
    "github-token": ["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", "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",
                     "ghs_FAKEtestQw7Er4Ty1Uo9PzZa3Sd5Fg2r6PF6", "ghu_FAKEtestTy1Uo9PzZa3Sd5Fg7Hj9Kl2K5JVd",
                     "github_pat_11FAKETEST0Mw4Rq8Tz2Xv_6Kp0LnQw7Er4Ty1Uo9PzZa3Sd5Fg7Hj9Kl1Mw4Rq8Tz2Xv6FAKEtest1Uo9"],
    "slack-token": ["xoxb-263594206564-2343594206574-FAKEtestMw4Rq8Tz2Xv6Kp0L",
                    "xoxp-416843729158-132049654-5609968301-e708ba56e1517a99f6b5fb07349476ef",
                    "xapp-1-A052FGTS2DL-5171572773297-" + "FAKEtest0Mw4Rq8Tz2Xv6Kp0Ln" * 2 + "Qw7Er4Ty1Uo9",
                    "xoxe-1-" + "My0xFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er" * 4 + "Ty1Uo9PzZa",
                    "https://hooks.slack.com/workflows/T016M3G1GHZ/A04J3BAF7AA/442660231806210747/FAKEtestMw4Rq8Tz2Xv6Kp0L",
                    "http://hooks.slack.com/services/TFAKE0001/BFAKE0002/Mw4Rq8Tz2Xv6Kp0LnQw7Er4T"],
    "npm-token": ["NPM_TOKEN=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", "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"],
    "pypi-token": ["pypi-AgENdGVzdC5weXBpLm9yZwIkN2YxOWZhOWEtY2FjYS00MGZhLTj2MGEtODFjMnE2MjdmMzY0AAIqWzMsImJlM2FiOWI5"
                   "LTRmYUTnNEg4ZS04Mjk0LWFlY2Y2NWYzNGYzNyJdAAAGIMb5Hb8nVvhcAizcVVzA-bKKnwN7Pe0RmgPRCvrPwyJf"],
    "sendgrid-api-key": ["SG.FAKEtestMw4Rq8Tz2Xv6Kp.LnQw7Er4Ty1Uo9PzZa3Sd5Fg7Hj9Kl1Mw4Rq8Tz2Xv6"],
    "telegram-bot-token": ["7213808860:AAFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty"],
    "discord-bot-token": ["MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.FAKEtestMw4Rq8Tz2Xv6Kp0LnQw"],
    "discord-webhook": ["https://discord.com/api/webhooks/1184329874356723712/"
                        "FAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo9PzZa3Sd5Fg7Hj9Kl1Mw4Rq8Tz2Xv6Kp0L"],
    "gitlab-token": ["glpat-FAKEtestMw4Rq8Tz2Xv6Kp0", "gldt-FAKEtestMw4Rq8Tz2Xv6K", "GR1348941FAKEtestMw4Rq8Tz2Xv6"],
    "google-api-key": ["AIzaSyFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty"],
    "cloudinary-url": ["cloudinary://987654321098765:FAKEcloudMw4Rq8Tz2Xv6Kp0LnQw@acme-prod"],
    "database-url-password": ["postgresql://postgres:FAKEpgMw4Rq8Tz2Xv6Kp0LnQw7Er@roundhouse.proxy.rlwy.net:5432/railway",
                              "postgres://app:FAKE%2Fpg%40Mw4Rq8Tz@db.internal/app",
                              "redis://default:FAKEredisMw4Rq8Tz2Xv6@redis.railway.internal:6379"],
    # With the body on the same line (a JSON log, an encrypted PEM's header); the armour line
    # alone on its line is in tests/data/peer-samples/issue-16.jsonl.
    "private-key": [r'"key":"-----BEGIN PRIVATE KEY-----\nMIIEvFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo9PzZa3',
                    "-----BEGIN RSA PRIVATE KEY----- Proc-Type: 4,ENCRYPTED",
                    r"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"],
    "detect-secrets:KeywordDetector": ['{"smtpPassword":"Mw4Rq8Tz2Xv6Kp0LnFAKE"}', "api_key = 'Mw4Rq8Tz2Xv6Kp0LnFAKE'"],
    "detect-secrets:ArtifactoryDetector": ["X-JFrog-Art-Api: AKCp" + "FAKEtestMw4Rq8Tz2Xv6Kp0Ln" * 2 + "Qw7Er4Ty1Uo9PzZa3Sd"],
}


def _matches(tmp_path: Path, text: str, *, engine: str) -> list[tuple[int, str]]:
    log = tmp_path / "sample.log"
    log.write_text(text, encoding="utf-8")
    return [(m.line, m.pattern.name) for m in
            scan_paths([str(log)], needles=(), patterns=PATTERNS, engine=engine)
            if m.pattern is not None]


def test_every_pattern_compiles_on_hyperscan_and_re2() -> None:
    import hyperscan
    import re2

    flags = [hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if p.flags & CASELESS else 0)
             for p in PATTERNS]
    hyperscan.Database().compile(expressions=[p.regex for p in PATTERNS],
                                 ids=[p.id for p in PATTERNS], flags=flags)
    for pattern in PATTERNS:
        options = re2.Options()
        options.case_sensitive = not pattern.flags & CASELESS
        re2.compile(pattern.regex, options)
    assert len({p.id for p in PATTERNS}) == len(PATTERNS)


def test_patterns_pickle_for_parallel_workers() -> None:
    assert [p.name for p in pickle.loads(pickle.dumps(PATTERNS))] == [p.name for p in PATTERNS]


@pytest.mark.parametrize("engine", ["hyperscan", "re2"])
@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_each_format_is_found(tmp_path: Path, name: str, engine: str) -> None:
    samples = POSITIVE[name]
    text = "".join(f"2025-01-01T00:00:00Z [INFO] value {sample} end\n" for sample in samples)
    found = _matches(tmp_path, text, engine=engine)
    assert [(line, name) for line in range(1, len(samples) + 1)] == \
        [(line, n) for line, n in found if n == name]


@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_a_line_break_splits_a_match(tmp_path: Path, name: str) -> None:
    sample = POSITIVE[name][-1]
    # Cut in the middle: neither side is a match on its own, so a hit would span lines.
    cut = len(sample) // 2
    found = _matches(tmp_path, sample[:cut] + "\n" + sample[cut:] + "\n", engine="hyperscan")
    assert name not in [n for _, n in found]


@pytest.mark.parametrize("engine", ["hyperscan", "re2"])
def test_lookalike_corpus_matches_no_pattern(tmp_path: Path, engine: str) -> None:
    """UUIDs, SHAs, hashes, sample JWTs, image URLs, pk_live_, placeholders, references."""
    found = [(line, n) for line, n in _matches(
        tmp_path, (LOOKALIKES / "lookalikes.log").read_text(), engine=engine)
        if n != JWT_PATTERN_NAME]   # third-party JWTs are candidates; jwt_live decides
    assert found == []


@pytest.mark.parametrize("value", [
    "your-key-here", "changeme", "xxxxxxxxxxxxxxxxxxxx", "${{shared.SECRET}}", "<api_secret>",
    "AKIAIOSFODNN7EXAMPLE", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "API_SECRET", "********"])
def test_placeholders_references_and_public_examples_are_not_plausible(value: str) -> None:
    assert not plausible_secret(value)


@pytest.mark.parametrize(("url", "real"), [
    (b"postgresql://postgres:FAKEpgMw4Rq8Tz2X@h/db", True),
    (b"postgresql://postgres:password@h/db", False),
    (b"postgres://user:pass@localhost/db", False),
    (b"postgresql://postgres:secret@monorail.proxy.rlwy.net:55555/railway", False),
    (b"postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@h/db", False),
    (b"postgresql://u:${DB_PASSWORD}@h/db", False),
    (b"postgresql://u:****@h/db", False),
])
def test_database_url_password_filter(url: bytes, real: bool) -> None:
    assert url_password_is_real(url) is real


def test_detect_secrets_validator_uses_the_plugin_and_its_filters() -> None:
    keyword = DetectSecretsValidator("KeywordDetector")
    assert keyword(b'password":"Mw4Rq8Tz2Xv6Kp0LnFAKE"')
    assert not keyword(b'password":"********"')
    assert not keyword(b'secret":"3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b"')   # a uuid
    assert not keyword(b'password":"${SMTP_PASSWORD}"')


DEFERRED_REQUESTS = r"""
import sys
from etc_policy.scan.patterns import DetectSecretsValidator
assert "requests" not in sys.modules
verdicts = (DetectSecretsValidator("KeywordDetector")(b'api_key = "FAKEtestMw4Rq8Tz2Xv6Kp0"'),
            DetectSecretsValidator("KeywordDetector")(b'api_key = "${API_KEY}"'),
            DetectSecretsValidator("SlackDetector")(b"xoxb-not-a-real-token"))
assert verdicts == (True, False, False), verdicts
# detect-secrets is imported, requests (urllib3, charset_normalizer) is not ...
assert "detect_secrets.plugins.base" in sys.modules
assert not {"requests", "urllib3", "charset_normalizer"} & set(sys.modules), sorted(sys.modules)
# ... until something uses it: then detect-secrets' modules reach the real one.
import detect_secrets.plugins.base as base
assert base.requests.exceptions.RequestException.__module__ == "requests.exceptions"
import requests
assert requests.get is base.requests.get
"""


def test_detect_secrets_is_imported_without_requests() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", DEFERRED_REQUESTS], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
