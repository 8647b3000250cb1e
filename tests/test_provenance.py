"""What an audit report was made from: git commit and tree state of a real work tree (made
with the real git), pack versions and digests, the ledger's last entry, the real clock."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cli_support import run_main
from etc_policy.provenance import NOT_A_WORK_TREE, git_state, last_entry, pack_infos
from etc_policy.rotation.ledger import load

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "railway-app-audit"
GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed on this machine")


def _git(folder: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "HOME": str(folder), "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    shutil.copytree(FIXTURE, folder / "app")
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "fixture")
    return folder


@needs_git
def test_clean_then_dirty_work_tree(repo: Path) -> None:
    head = _git(repo, "rev-parse", "HEAD")
    assert git_state(repo / "app") == git_state(repo / "app").__class__(commit=head, dirty=False)
    (repo / "app" / ".env.staging").write_text("CHANGED=1\n")
    assert git_state(repo / "app").dirty is True and git_state(repo / "app").commit == head
    # dirty means the audited folder: a change elsewhere in the repository does not count
    _git(repo, "checkout", "-q", "--", "app")
    (repo / "elsewhere.txt").write_text("x\n")
    assert git_state(repo / "app").dirty is False


@needs_git
def test_untracked_file_in_the_audited_folder_is_dirty(repo: Path) -> None:
    (repo / "app" / ".env.preview").write_text("A=1\n")
    assert git_state(repo / "app").dirty is True


def test_not_a_work_tree(tmp_path: Path) -> None:
    state = git_state(tmp_path)
    assert (state.commit, state.dirty, state.note) == (None, None, NOT_A_WORK_TREE)


@needs_git
def test_a_repository_without_a_commit(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    state = git_state(tmp_path)
    assert (state.commit, state.note) == (None, "no commit yet")


def test_packs_with_versions_and_digests() -> None:
    from etc_policy.commands.common import load_project

    project = load_project(root=FIXTURE, config_file=None, packs=())
    infos = pack_infos(project.packs)
    assert [(p.name, p.version) for p in infos] == [
        ("railway-production", "1.0.0"), ("secrets-hygiene", "1.0.0"), ("dotenv", "1.0.0")]
    from etc_policy.digest import sha256
    from etc_policy.policy import shipped_dir

    expected = sha256((shipped_dir() / "dotenv.yaml").read_bytes()).hexdigest()[:16]
    assert infos[-1].sha256 == expected


def test_a_pack_without_a_version_and_a_bad_version(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "team.etc-policy-pack.yaml"
    pack.write_text("schema_version: 1\nname: team\nrules: []\n")
    from etc_policy.policy import load_pack

    assert load_pack(str(pack), base_dir=tmp_path).version == ""
    pack.write_text("schema_version: 1\nname: team\nversion: 'has spaces'\nrules: []\n")
    result = run_main(capsys, "validate", str(pack))
    assert result.code == 2 and "version" in result.err and "line 3" in result.err.replace(":3", " line 3")


def test_ledger_last_entry() -> None:
    entry = last_entry(load(FIXTURE / ".etc-policy-ledger.json"))
    assert entry is not None
    assert (entry.date, entry.environment, entry.key, entry.event) == (
        date(2026, 10, 20), "production", "DATABASE_URL", "imported")
    assert last_entry(None) is None


@needs_git
def test_the_audit_header_in_every_format(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = _git(repo, "rev-parse", "HEAD")
    before = datetime.now(UTC).replace(microsecond=0)
    document = json.loads(run_main(capsys, "audit", str(repo / "app"), "--as-of", "2026-11-01",
                                   "-f", "json").out)
    prov = document["provenance"]
    generated = datetime.strptime(prov["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= generated <= datetime.now(UTC)        # the real clock, not --as-of
    assert document["as_of"] == "2026-11-01"
    assert prov["git"] == {"commit": head, "dirty": False, "note": None}
    assert [p["name"] for p in prov["packs"]] == ["railway-production", "secrets-hygiene", "dotenv"]
    assert prov["ledger"]["secrets"] == 6
    assert prov["ledger"]["last_entry"] == {"date": "2026-10-20", "environment": "production",
                                            "key": "DATABASE_URL", "event": "imported"}
    for fmt in ("text", "markdown", "html"):
        out = run_main(capsys, "audit", str(repo / "app"), "--as-of", "2026-11-01", "-f", fmt).out
        out = out.replace("\\", "").replace("<wbr>", "")  # Markdown escapes, HTML breaks
        assert f"{head} (clean)" in out, fmt
        assert "etc-policy 0.1.0" in out and "secrets-hygiene 1.0.0" in out, fmt
        assert "2026-10-20 imported production/DATABASE_URL" in out, fmt
    (repo / "app" / ".env.production").write_text("NODE_ENV=production\n")
    out = run_main(capsys, "audit", str(repo / "app"), "--as-of", "2026-11-01", "-f", "text").out
    assert f"{head} (uncommitted changes in the audited folder)" in out


def test_the_audit_outside_a_work_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURE, tmp_path / "app")
    document = json.loads(run_main(capsys, "audit", str(tmp_path / "app"), "--as-of",
                                   "2026-11-01", "-f", "json").out)
    assert document["provenance"]["git"] == {"commit": None, "dirty": None,
                                             "note": NOT_A_WORK_TREE}
    sarif = json.loads(run_main(capsys, "audit", str(tmp_path / "app"), "--as-of", "2026-11-01",
                                "-f", "sarif").out)
    assert "versionControlProvenance" not in sarif["runs"][0]
