"""template_sync (DOT030/DOT031): keys only, each missing key once, Railway's own keys left out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import run_main, valid_report


@pytest.fixture(autouse=True)
def _own_cwd(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)   # restored after each test: others read paths from the root


def _findings(capsys: pytest.CaptureFixture[str], root: Path) -> list[tuple[str, int, str, str]]:
    document = valid_report(run_main(capsys, "check", ".", "--pack", "dotenv", "-f", "json",
                                     "--fail-on", "never").out)
    return [(f["path"], f["line"], f["rule_id"], f["key"]) for f in document["findings"]
            if f["rule_id"] in ("DOT030", "DOT031")]


def test_both_directions_keys_only(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / ".env.production").write_text(
        "API_URL=https://api.example.com\nDATABASE_URL=postgres://FAKEsecretVALUE@db/app\n")
    (tmp_path / "railway-variables.production.json").write_text(json.dumps(
        {"DATABASE_URL": "postgres://other@db/app", "SENTRY_DSN": "https://k@o0.ingest/1",
         "RAILWAY_ENVIRONMENT": "production", "RAILWAY_PROJECT_ID": "p-1"}, indent=2))
    (tmp_path / ".env.example").write_text("API_URL=http://localhost:3000\nREDIS_URL=\n")
    assert _findings(capsys, tmp_path) == [
        (".env.example", 2, "DOT031", "REDIS_URL"),
        (".env.production", 2, "DOT030", "DATABASE_URL"),       # once, at the .env file
        ("railway-variables.production.json", 3, "DOT030", "SENTRY_DSN"),
    ]


def test_nothing_without_a_template_or_production(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    (tmp_path / ".env.production").write_text("A=1\n")
    assert _findings(capsys, tmp_path) == []
    (tmp_path / ".env.production").unlink()
    (tmp_path / ".env.sample").write_text("A=1\n")
    (tmp_path / ".env.staging").write_text("B=1\n")
    assert _findings(capsys, tmp_path) == []


def test_values_never_reach_a_message(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / ".env.production").write_text("TOKEN=FAKEsecretVALUE1234567890\n")
    (tmp_path / ".env.example").write_text("OTHER=FAKEexampleVALUE\n")
    result = run_main(capsys, "check", ".", "--pack", "dotenv", "-f", "json")
    assert "FAKEsecretVALUE" not in result.all and "FAKEexampleVALUE" not in result.all
    assert {f["rule_id"] for f in json.loads(result.out)["findings"]} >= {"DOT030", "DOT031"}
