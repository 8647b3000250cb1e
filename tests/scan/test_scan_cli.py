"""`etc-policy scan` end to end: a generated log via a path, stdin, .gz and NDJSON; every
format; exit codes; and no secret or token in any output (canaries)."""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jose import jwt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/: the CLI helpers
from cli_support import ROOT, Result, assert_one_line_error, run_main, valid_report  # noqa: E402

JWT_SECRET = "FAKE-canary-jwt-Kq7Wm2Xz9Rv4Tn8Lp3HsQw7Er4Ty1Uo9P"
SESSION = "FAKE.canary/Session+Mw4Rq8Tz2Xv6Kp0Ln"
PG_PASSWORD = "FAKEcanaryPgMw4Rq8Tz2Xv6Kp0LnQw7"
STRIPE = "sk_live_51FAKEcanaryMw4Rq8Tz2Xv6Kp0Ln"
LIVE = jwt.encode({"sub": "42", "exp": 4102444800}, JWT_SECRET, algorithm="HS256")
EXPIRED = jwt.encode({"sub": "42", "exp": 1577836800}, JWT_SECRET, algorithm="HS256")
FOREIGN = jwt.encode({"sub": "42", "exp": 4102444800}, "FAKE-unrelated-Zt5Yx3Wv1Us9Rq7Po", "HS256")
CANARIES = (JWT_SECRET, SESSION, PG_PASSWORD, STRIPE, LIVE, EXPIRED, FOREIGN,
            base64.b64encode(f"u:{SESSION}".encode()).decode())
ENV = (f"NODE_ENV=production\nJWT_SECRET={JWT_SECRET}\nSESSION_SECRET={SESSION}\n"
       f"DATABASE_URL=postgresql://postgres:{PG_PASSWORD}@postgres.railway.internal:5432/railway\n")
LINES = [
    "server listening on :3000",
    f"GET /api/me authorization=\"Bearer {LIVE}\"",
    f"refresh failed for {EXPIRED}",
    f"third-party {FOREIGN}",
    "config " + json.dumps({"db": f"postgresql://postgres:{PG_PASSWORD}@postgres.railway.internal:5432/railway"}),
    "basic auth " + base64.b64encode(f"u:{SESSION}".encode()).decode(),
    f"charging with {STRIPE}",
    "request 3f2b8c1e-9a4d-4e6f-8b2a-1c3d5e7f9a0b done",
]
# rule, line, key, encoding
EXPECTED = [("LOG004", 2, "JWT_SECRET", "raw"), ("LOG005", 3, "JWT_SECRET", "raw"),
            ("LOG001", 5, "DATABASE_URL", "raw"), ("LOG001", 6, "SESSION_SECRET", "base64@2"),
            ("LOG002", 7, None, "raw")]


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".env.production").write_text(ENV)
    (tmp_path / "app.log").write_text("\n".join(LINES) + "\n")
    with gzip.open(tmp_path / "old.log.gz", "wt") as stream:
        stream.write("\n".join(LINES) + "\n")
    records = [{"timestamp": "2025-01-01T00:00:00Z", "message": line, "level": "info"}
               for line in LINES]
    (tmp_path / "railway.ndjson").write_text("".join(json.dumps(r) + "\n" for r in records))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rows(result: Result) -> list[tuple[str, int, str | None, str | None]]:
    document = valid_report(result.out)
    return [(f["rule_id"], f["line"], f["key"], f["encoding"]) for f in document["findings"]]


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text and canary[8:24] not in text


def run_process(*args: str, stdin: bytes | None = None, cwd: Path) -> Result:
    completed = subprocess.run([sys.executable, "-m", "etc_policy", *args], cwd=cwd,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, input=stdin,
                               capture_output=True, timeout=120)
    return Result(completed.returncode, completed.stdout.decode(), completed.stderr.decode())


def test_log_file(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    result = run_main(capsys, "scan", "app.log", "--env-file", ".env.production", "-f", "json")
    assert result.code == 1, result.err
    assert rows(result) == EXPECTED
    assert_no_canary(result.all)
    finding = json.loads(result.out)["findings"][0]
    assert finding["path"] == "app.log" and finding["environment"] == "production"
    assert finding["hint"].startswith("eyJh") and len(finding["hint"].split("…")[0]) <= 4


def test_gzip_file(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    result = run_main(capsys, "scan", "old.log.gz", "--env-file", ".env.production", "-f", "json")
    assert rows(result) == EXPECTED
    assert {f["path"] for f in json.loads(result.out)["findings"]} == {"old.log.gz"}


def test_ndjson_railway_logs(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """`railway logs --json`: one record a line, the log line inside `message`."""
    result = run_main(capsys, "scan", "railway.ndjson", "--env-file", ".env.production",
                      "-f", "json")
    got = rows(result)
    assert [(r, line, key) for r, line, key, _ in got] == [(r, line, key) for r, line, key, _ in EXPECTED]
    assert_no_canary(result.all)


def test_stdin(project: Path) -> None:
    data = (project / "railway.ndjson").read_bytes()
    result = run_process("scan", "-", "--env-file", ".env.production", "-f", "json",
                         stdin=data, cwd=project)
    assert result.code == 1, result.err
    assert [r[:3] for r in rows(result)] == [r[:3] for r in EXPECTED]
    assert {f["path"] for f in json.loads(result.out)["findings"]} == {"-"}
    assert all(f["message"].split(" appears in ")[1].startswith("stdin")
               for f in json.loads(result.out)["findings"] if " appears in " in f["message"])
    assert result.err == ""          # a pipe: no progress bar
    assert_no_canary(result.all)


def test_messages_name_what_was_scanned(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """`scan` reads .env files too: a production secret copied into another file "appears in
    .env.staging", not "in the log"."""
    (project / "config").mkdir()
    (project / "config" / ".env.staging").write_text(f"DATABASE_PASSWORD_COPY={PG_PASSWORD}\n")
    result = run_main(capsys, "scan", "config", "--env-file", ".env.production", "-f", "json")
    messages = {f["message"] for f in json.loads(result.out)["findings"]}
    assert messages and all(" appears in .env.staging" in m for m in messages), messages
    assert not any("the log" in m for m in messages)


def test_folder_scans_every_log_once(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    result = run_main(capsys, "scan", ".", "--env-file", ".env.production", "-f", "json",
                      "--ignore", "*.ndjson", "--ignore", ".env*")
    paths = sorted({f["path"] for f in json.loads(result.out)["findings"]})
    assert paths == ["app.log", "old.log.gz"]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "markdown"])
def test_every_format_without_a_secret(capsys: pytest.CaptureFixture[str], project: Path,
                                       fmt: str) -> None:
    result = run_main(capsys, "scan", "app.log", "railway.ndjson", "old.log.gz",
                      "--env-file", ".env.production", "-f", fmt)
    assert result.code == 1, result.err
    assert_no_canary(result.all)
    assert "LOG004" in result.out
    if fmt == "sarif":
        run = json.loads(result.out)["runs"][0]
        rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
        assert rules == ["LOG001", "LOG002", "LOG003", "LOG004", "LOG005"]
        live = rules.index("LOG004")
        assert run["tool"]["driver"]["rules"][live]["properties"]["security-severity"] == "9.5"
        assert run["automationDetails"]["id"] == "etc-policy/scan/"


def test_output_file_and_sarif_validity(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text())
    result = run_main(capsys, "scan", "app.log", "--env-file", ".env.production", "-f", "sarif",
                      "-o", "out.sarif")
    assert result.code == 1 and result.out == ""
    text = (project / "out.sarif").read_text()
    assert_no_canary(text)
    jsonschema.Draft4Validator(schema).validate(json.loads(text))


def test_exit_codes_and_thresholds(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    clean = project / "clean.log"
    clean.write_text(LINES[0] + "\n" + LINES[3] + "\n" + LINES[7] + "\n")
    assert run_main(capsys, "scan", "clean.log", "--env-file", ".env.production").code == 0
    assert run_main(capsys, "scan", "app.log", "--env-file", ".env.production",
                    "--fail-on", "never").code == 0
    expired_only = project / "expired.log"
    expired_only.write_text(LINES[2] + "\n")
    assert run_main(capsys, "scan", "expired.log", "--env-file", ".env.production").code == 0
    assert run_main(capsys, "scan", "expired.log", "--env-file", ".env.production",
                    "--fail-on", "warning").code == 1
    quiet = run_main(capsys, "scan", "clean.log", "--env-file", ".env.production", "-q")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")


def test_without_env_sources_only_patterns(capsys: pytest.CaptureFixture[str],
                                           project: Path) -> None:
    result = run_main(capsys, "scan", "app.log", "-f", "json")
    document = json.loads(result.out)
    assert [f["rule_id"] for f in document["findings"]] == ["LOG002", "LOG002"]  # db URL, Stripe
    assert document["notices"] and "no env sources" in document["notices"][0]
    assert_no_canary(result.all)


def test_config_environments_and_logs(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    (project / ".etc-policy.yaml").write_text(
        "environments:\n  production:\n    sources: [.env.production]\n    logs: ['*.log']\n")
    result = run_main(capsys, "scan", "-f", "json")
    assert rows(result) == EXPECTED


def test_disabled_rule_and_railway_vars(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    (project / "vars.json").write_text(json.dumps({"JWT_SECRET": JWT_SECRET,
                                                   "RAILWAY_ENVIRONMENT_NAME": "production"}))
    (project / ".etc-policy.yaml").write_text("rules: {LOG005: {enabled: false}}\n")
    result = run_main(capsys, "scan", "app.log", "--railway-vars", "vars.json", "-f", "json")
    assert [r[:2] for r in rows(result)] == [("LOG004", 2), ("LOG002", 5), ("LOG002", 7)]


def test_jobs(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    result = run_main(capsys, "scan", "app.log", "old.log.gz", "--env-file", ".env.production",
                      "-f", "json", "--jobs", "2")
    assert len(rows(result)) == 2 * len(EXPECTED)


def test_bad_inputs_are_one_line_errors(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    assert_one_line_error(run_main(capsys, "scan", "missing.log"), naming="missing.log")
    assert_one_line_error(run_main(capsys, "scan", "app.log", "--env-file", "nope.env"),
                          naming="nope.env")
    assert_one_line_error(run_main(capsys, "scan"), naming="nothing to scan")
    assert_one_line_error(run_main(capsys, "scan", "app.log", "--jobs", "0"), naming="--jobs")
    # A typo'd job count is refused before any process starts (a Pool starts them all).
    assert_one_line_error(run_main(capsys, "scan", "app.log", "--jobs", "99999999999"),
                          naming="--jobs")
    assert_one_line_error(run_main(capsys, "scan", "app.log", "--jobs", "257"), naming="--jobs")


def test_a_secret_logged_on_every_request_is_listed_up_to_the_cap(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    """2,500 occurrences of one password: 1,000 findings (the default cap per secret, file
    and encoding) and a notice counting the rest, in every format; `--max-per-secret 0` lists
    them all. The run fails either way."""
    spam = project / "spam.log"
    spam.write_text("".join(f"request {n} db password {PG_PASSWORD}\n" for n in range(2500)))
    result = run_main(capsys, "scan", "spam.log", "--env-file", ".env.production", "-f", "json")
    document = valid_report(result.out)
    assert result.code == 1
    assert len(document["findings"]) == 1000
    assert document["findings"][-1]["line"] == 1000
    assert document["notices"] == [
        "1500 more findings not listed (1 secret in 1 file reached the limit): at most 1000 per "
        "secret, file and encoding (--max-per-secret N; 0 lists all)"]
    text = run_main(capsys, "scan", "spam.log", "--env-file", ".env.production", "-f", "text")
    assert "notice: 1500 more findings not listed" in text.out
    sarif = json.loads(run_main(capsys, "scan", "spam.log", "--env-file", ".env.production",
                                "-f", "sarif").out)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("1500 more findings" in n["message"]["text"] for n in notes)
    every = run_main(capsys, "scan", "spam.log", "--env-file", ".env.production", "-f", "json",
                     "--max-per-secret", "0")
    assert len(json.loads(every.out)["findings"]) == 2500
    assert json.loads(every.out)["notices"] == []
    few = run_main(capsys, "scan", "spam.log", "app.log", "--env-file", ".env.production",
                   "-f", "json", "--max-per-secret", "1")
    listed = json.loads(few.out)["findings"]
    assert [(f["path"], f["line"]) for f in listed if f["key"] == "DATABASE_URL"] == [
        ("app.log", 5), ("spam.log", 1)]            # one per secret, file and encoding
    # two secrets over the cap in two files: one notice that sums them
    (project / "more.log").write_text(f"a {PG_PASSWORD}\nb {SESSION}\nc {SESSION}\nd {SESSION}\n")
    two = json.loads(run_main(capsys, "scan", "spam.log", "more.log", "--env-file",
                              ".env.production", "-f", "json", "--max-per-secret", "2").out)
    assert two["notices"] == [
        "2499 more findings not listed (2 secrets in 2 files reached the limit): at most 2 per "
        "secret, file and encoding (--max-per-secret N; 0 lists all)"]  # spam.log 2498, more.log 1
    assert_one_line_error(run_main(capsys, "scan", "spam.log", "--max-per-secret", "-1"),
                          naming="--max-per-secret")
    for output in (result.out, text.out, every.out):
        assert PG_PASSWORD not in output


def test_every_input_counts_as_a_file_an_empty_one_too(capsys: pytest.CaptureFixture[str],
                                                        project: Path) -> None:
    (project / "empty.log").write_bytes(b"")
    result = run_main(capsys, "scan", "empty.log", "app.log", "--env-file", ".env.production",
                      "-f", "json")
    assert json.loads(result.out)["summary"]["files"] == 2
    quiet = run_main(capsys, "scan", "empty.log", "-f", "text")
    assert quiet.code == 0 and "no findings in 1 file" in quiet.out


def test_sarif_of_a_big_or_compressed_log_skips_line_hashes(
        capsys: pytest.CaptureFixture[str], project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Line hashes read and hash every line of the file (0.4 s per MB, the whole file in
    memory: a 1 GiB log took 457 s and 12 GiB). Over the limit, and for .gz files whose lines
    are not the file's bytes, they are left out with a notice; small files keep them."""
    from etc_policy.reporters import fingerprints, sarif

    monkeypatch.setattr(sarif, "LINE_HASH_MAX_BYTES", 200)
    hashed: list[str] = []
    real = fingerprints.file_line_hashes
    monkeypatch.setattr(sarif, "file_line_hashes", lambda path: hashed.append(path.name) or
                        real(path))
    small = project / "small.log"
    small.write_text(LINES[4] + "\n")
    assert (project / "app.log").stat().st_size > 200 and small.stat().st_size <= 200
    out = json.loads(run_main(capsys, "scan", "app.log", "small.log", "old.log.gz",
                              "--env-file", ".env.production", "-f", "sarif").out)
    run = out["runs"][0]
    by_file: dict[str, list[dict]] = {}
    for result in run["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        by_file.setdefault(uri, []).append(result)
    assert hashed == ["small.log"]
    assert all("primaryLocationLineHash" in r["partialFingerprints"] for r in by_file["small.log"])
    for uri in ("app.log", "old.log.gz"):
        assert by_file[uri] and not any("primaryLocationLineHash" in r["partialFingerprints"]
                                        for r in by_file[uri])
    notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
    assert any("primaryLocationLineHash left out for 2 file(s)" in n and "app.log" in n
               and "old.log.gz" in n for n in notes)
