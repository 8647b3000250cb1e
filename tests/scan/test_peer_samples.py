"""The peers' own test samples (tests/data/peer-samples/): `scan` finds each realistic one with
the expected pattern, and flags nothing on a sample the row says must not be found (the
peers' negatives, and their positives that lack the real shape: each such row says why)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from etc_policy.scan import scan_paths
from etc_policy.scan.patterns import JWT_PATTERN_NAME, scan_patterns

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "peer-samples"
PEERS = ("gitleaks", "detect-secrets", "kingfisher", "trufflehog", "issue-16")
PATTERNS = scan_patterns()


def rows(peer: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (SAMPLES / f"{peer}.jsonl").read_text().splitlines()]


def test_samples_name_real_patterns_and_cover_every_shared_format() -> None:
    names = {p.name for p in PATTERNS}
    every = [row for peer in PEERS for row in rows(peer)]
    assert {row["format"] for row in every} - {"none"} <= names
    from etc_policy.secrets.detectors import TOKEN_FORMATS

    found = {row["format"] for row in every if row["expect"] == "found"}
    assert {fmt.name for fmt in TOKEN_FORMATS} <= found
    assert sum(row["expect"] == "not-found" for row in every) > 100


@pytest.mark.parametrize("engine", ["hyperscan", "re2"])
@pytest.mark.parametrize("peer", PEERS)
def test_scan_on_the_peers_samples(tmp_path: Path, peer: str, engine: str) -> None:
    # One log holding every sample, each on its own lines (some span several), a blank line
    # between two: each finding maps back to its sample by line number.
    samples = rows(peer)
    text, spans, line = "", [], 1
    for row in samples:
        height = row["sample"].count("\n") + 1
        spans.append(range(line, line + height))
        text += row["sample"] + "\n\n"
        line += height + 1
    log = tmp_path / "peer.log"
    log.write_text(text, encoding="utf-8")
    found: dict[int, set[str]] = {}
    for match in scan_paths([str(log)], needles=(), patterns=PATTERNS, engine=engine):
        if match.pattern is not None and match.pattern.name != JWT_PATTERN_NAME:
            found.setdefault(match.line, set()).add(match.pattern.name)
    wrong = []
    for row, span in zip(samples, spans, strict=True):
        names = set().union(*(found.get(n, set()) for n in span))
        expected = {row["format"]} if row["expect"] == "found" else set()
        if names != expected:
            wrong.append((row["origin"], row["sample"][:90], sorted(names), sorted(expected)))
    assert wrong == []
