"""`scan`'s own acceptance of known findings: every inline dialect on log lines (found in the
same pass, scan/markers.py), and `--write-baseline` / `--baseline` (line-independent
fingerprints, read only), through JSON and SARIF (OASIS schema and Sarif.Multitool), on
stdin and a .gz file as well as a plain log."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/: the CLI helpers
from cli_support import assert_one_line_error, run_main, valid_report  # noqa: E402
from test_suppress import assert_github_accepts  # noqa: E402

KEYS = [f"sk_live_51FAKEcanary{i}w4Rq8Tz2Xv6Kp0Ln" for i in range(10)]
LOG = "\n".join([
    "2026-11-02T10:00:00Z boot ok",
    f"charge {KEYS[0]} # gitleaks:allow",
    f"charge {KEYS[1]}",
    "# etc-policy: ignore LOG002",
    f"charge {KEYS[3]}",
    f"charge {KEYS[4]} trufflehog:ignore",
    f"charge {KEYS[5]} # pragma: allowlist secret",
    "# pragma: allowlist nextline secret",
    f"charge {KEYS[7]}",
    f"charge {KEYS[8]} # etc-policy: ignore LOG003",        # another rule: still reported
    f"charge {KEYS[9]} # pragma: allowlist nextline secret",  # text before: not honoured
    f"charge {KEYS[2]}",
]) + "\n"
EXPECTED = {2: "gitleaks", 3: None, 5: "etc-policy", 6: "trufflehog", 7: "detect-secrets",
            9: "detect-secrets", 10: None, 11: None, 12: None}


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.log").write_text(LOG)
    with gzip.open(tmp_path / "app.log.gz", "wt") as stream:
        stream.write(LOG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _assert_no_key(text: str) -> None:
    assert "FAKEcanary" not in text


def _dialects(document: dict) -> dict[int, str | None]:
    return {f["line"]: f["suppressed_by"]["dialect"] if f["suppressed"] else None
            for f in document["findings"]}


@pytest.mark.parametrize("target", ["app.log", "app.log.gz", "-"])
def test_inline_dialects_on_log_lines(capsys: pytest.CaptureFixture[str], folder: Path,
                                      monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    if target == "-":
        import io

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(LOG.encode())))
    result = run_main(capsys, "scan", target, "-f", "json")
    _assert_no_key(result.all)
    document = valid_report(result.out)
    assert _dialects(document) == EXPECTED
    assert result.code == 1 and document["summary"]["failing"] == 4


def test_sarif_in_source_suppressions(capsys: pytest.CaptureFixture[str], folder: Path,
                                      tmp_path: Path) -> None:
    result = run_main(capsys, "scan", "app.log", "-f", "sarif")
    _assert_no_key(result.all)
    results = assert_github_accepts(result.out, tmp_path)["runs"][0]["results"]
    kinds = {r["locations"][0]["physicalLocation"]["region"]["startLine"]:
             [s["kind"] for s in r.get("suppressions", [])] for r in results}
    assert kinds == {line: (["inSource"] if who else []) for line, who in EXPECTED.items()}


def test_write_baseline_then_only_new_findings_fail(capsys: pytest.CaptureFixture[str],
                                                   folder: Path, tmp_path: Path) -> None:
    written = run_main(capsys, "scan", "app.log", "--write-baseline", "known.json", "-f", "json")
    assert written.code == 0                    # what it records is accepted in that run too
    assert all(f["suppressed"] for f in json.loads(written.out)["findings"])
    text = (folder / "known.json").read_text()
    _assert_no_key(text)
    baseline = json.loads(text)
    assert baseline["findings"] == [{"rule_id": "LOG002", "path": "app.log",
                                     "fingerprint": baseline["findings"][0]["fingerprint"],
                                     "count": 4}]          # the 4 not suppressed inline
    assert "line" not in text
    # lines move (a new first line), the known ones stay known, and the file is not rewritten
    (folder / "app.log").write_text("restart\n" + LOG)
    before = (folder / "known.json").read_bytes()
    again = run_main(capsys, "scan", "app.log", "--baseline", "known.json", "-f", "json")
    assert again.code == 0, again
    assert {f["suppressed_by"]["dialect"] for f in json.loads(again.out)["findings"]} == {
        "baseline", "gitleaks", "etc-policy", "trufflehog", "detect-secrets"}
    assert (folder / "known.json").read_bytes() == before
    # a fifth leak of the same kind is new
    (folder / "app.log").write_text(LOG + f"charge {KEYS[6]}\n")
    new = run_main(capsys, "scan", "app.log", "--baseline", "known.json", "-f", "sarif")
    assert new.code == 1
    results = assert_github_accepts(new.out, tmp_path)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in results if "suppressions" not in r] == [13]
    assert sum(1 for r in results if r.get("suppressions") == [{
        "kind": "external", "justification": "recorded in the baseline file",
        "properties": {"dialect": "baseline"}}]) == 4


def test_a_bad_baseline_is_a_one_line_error(capsys: pytest.CaptureFixture[str],
                                            folder: Path) -> None:
    (folder / "broken.json").write_text("{")
    assert_one_line_error(run_main(capsys, "scan", "app.log", "--baseline", "broken.json"),
                          naming="broken.json")
    assert_one_line_error(run_main(capsys, "scan", "app.log", "--baseline", "missing.json"),
                          naming="missing.json")
    assert_one_line_error(run_main(capsys, "scan", "app.log", "--write-baseline",
                                   "no-such-dir/known.json"), naming="no-such-dir")
