"""`check`'s value detectors on the peers' samples (tests/data/peer-samples/): the detector
of a sample's provider finds it when the row expects it found, and no provider detector
fires on a sample that must not be found for its shape. Placeholders and providers' public
examples keep a secret's shape for `check` (its placeholder and known-value rules judge
them); only `scan` drops them, so they are left out of the negatives here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etc_policy.scan.patterns import plausible_secret
from etc_policy.secrets.detectors import DETECTORS, token_of

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "peer-samples"
# The scan pattern of each provider format → the detector a pack names for it.
DETECTOR_OF = {
    "slack-token": "slack-token", "github-token": "github-token", "npm-token": "npm-token",
    "pypi-token": "pypi-token", "sendgrid-api-key": "sendgrid", "stripe-secret-key": "stripe",
    "telegram-bot-token": "telegram-bot-token", "discord-bot-token": "discord",
    "discord-webhook": "discord", "gitlab-token": "gitlab-token",
    "google-api-key": "google-api-key", "private-key": "private-key",
}
PEERS = ("gitleaks", "detect-secrets", "kingfisher", "trufflehog", "issue-16")
ROWS = [json.loads(line) for peer in PEERS
        for line in (SAMPLES / f"{peer}.jsonl").read_text().splitlines()
        if json.loads(line).get("only", "check") == "check"]


@pytest.mark.parametrize("row", [r for r in ROWS if r["format"] in DETECTOR_OF],
                         ids=lambda r: r["sample"][:40])
def test_the_providers_detector_finds_its_samples(row: dict[str, str]) -> None:
    assert DETECTORS[DETECTOR_OF[row["format"]]](row["sample"])


def test_no_provider_detector_fires_on_the_negatives() -> None:
    negatives = [r["sample"] for r in ROWS if r["expect"] == "not-found"
                 and all(plausible_secret(token_of(word)) for word in r["sample"].split())]
    assert len(negatives) > 100
    fired = [(name, value[:60]) for value in negatives for name in sorted(set(DETECTOR_OF.values()))
             if DETECTORS[name](value)]
    assert fired == []
