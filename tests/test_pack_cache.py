"""The validated-pack cache: a hit gives exactly the objects validation gives, without
building a validator; any change to a pack file, an extended pack or the sources is a miss;
corrupt, tampered or unwritable caches are ignored; errors are never cached."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from enum import Enum
from pathlib import Path

import pytest
from pydantic import BaseModel

from etc_policy import pack_cache
from etc_policy.errors import PolicyError
from etc_policy.policy import Pack, load_pack, resolve_rules, shipped_pack_names
from etc_policy.record import fields, is_record

ROOT = Path(__file__).resolve().parent.parent
TEAM = """\
schema_version: 1
name: team
extends: [railway-production, ./base.yaml]
overrides:
  RWY003: {severity: note}
ignore_paths: ['legacy/**']
rules:
  - id: TEAM001
    name: sentry-dsn-required
    severity: error
    select: {environments: [production], sources: [dotenv], key_pattern: 'SENTRY_.*'}
    check: {kind: regex, pattern: '^https://', description: an https URL}
    docs: {what: w., why: w., example: e., fix: f.}
"""
BASE = """\
schema_version: 1
name: base
secrets: {keys: ['.*_TOKEN$'], detectors: [high-entropy]}
rules:
  - id: BASE001
    name: min-length
    severity: warning
    check: {kind: length, min: 12}
    docs: {what: w., why: w., example: e., fix: f.}
"""


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ETC_POLICY_NO_CACHE", raising=False)
    return tmp_path / "cache" / "etc-policy" / "packs"


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def assert_same(a: object, b: object, where: str = "pack") -> None:
    """Equal values of exactly the same types, all the way down (a list is not a tuple)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert a.model_fields_set == b.model_fields_set, where
        for name in type(a).model_fields:
            assert_same(getattr(a, name), getattr(b, name), f"{where}.{name}")
    elif is_record(a):
        for f in fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, (tuple, list)) and not isinstance(a, Enum):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    else:
        assert a == b, where


def team(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    folder.mkdir(exist_ok=True)
    (folder / "base.yaml").write_text(BASE, encoding="utf-8")
    (folder / "team.yaml").write_text(TEAM, encoding="utf-8")
    return folder / "team.yaml"


@pytest.mark.parametrize("ref", [*shipped_pack_names(), "team"])
def test_a_hit_is_exactly_what_validation_gives(ref: str, tmp_path: Path, cache_home: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if ref == "team":
        ref = str(team(tmp_path))
    monkeypatch.setenv("ETC_POLICY_NO_CACHE", "1")
    validated = load_pack(ref, base_dir=tmp_path)
    assert entries(cache_home) == []
    monkeypatch.delenv("ETC_POLICY_NO_CACHE")
    stored = load_pack(ref, base_dir=tmp_path)          # miss: validated, then stored
    assert len(entries(cache_home)) == 1
    cached = load_pack(ref, base_dir=tmp_path)          # hit
    assert cached is not stored
    assert_same(validated, stored)
    assert_same(validated, cached)
    assert resolve_rules((cached,)) == resolve_rules((validated,))


def test_every_check_kind_used_by_the_shipped_packs_round_trips(tmp_path: Path) -> None:
    packs = [load_pack(name, base_dir=tmp_path) for name in shipped_pack_names()]
    kinds = {rule.kind for pack in packs for rule in pack.rules}
    assert len(kinds) > 20, "the shipped packs exercise most kinds"
    for pack in packs:
        assert_same(pack, pack_cache.decode(json.loads(json.dumps(pack_cache.encode(pack)))))


def test_a_hit_builds_no_validator_and_reads_no_yaml(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pydantic import BaseModel\n"
        "from pydantic._internal._mock_val_ser import MockValSer\n"
        "from etc_policy.policy import load_pack, resolve_rules, shipped_pack_names\n"
        "packs = [load_pack(n, base_dir=Path('.')) for n in shipped_pack_names()]\n"
        "rules = resolve_rules(packs)\n"
        "def subclasses(cls):\n"
        "    for sub in cls.__subclasses__():\n"
        "        yield sub\n"
        "        yield from subclasses(sub)\n"
        "built = [c.__qualname__ for c in subclasses(BaseModel) if c.__module__.startswith("
        "'etc_policy') and not isinstance(c.__dict__.get('__pydantic_validator__'), MockValSer)]\n"
        "print(len(rules), built, 'yaml' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    run = [sys.executable, "-c", probe]
    first = subprocess.run(run, env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    second = subprocess.run(run, env=env, cwd=tmp_path, capture_output=True, text=True, check=True)
    count, _, _ = first.stdout.partition(" ")
    assert int(count) > 30
    assert first.stdout != second.stdout, "the first run validates (builds) and reads YAML"
    assert second.stdout.split(" ", 1)[1].strip() == "[] False"


def test_editing_a_pack_or_what_it_extends_is_a_miss(tmp_path: Path, cache_home: Path) -> None:
    pack = team(tmp_path)
    first = load_pack(str(pack), base_dir=tmp_path)
    assert _rule(first.parents[1], "BASE001").params.min == 12
    (pack.parent / "base.yaml").write_text(BASE.replace("min: 12", "min: 20"), encoding="utf-8")
    second = load_pack(str(pack), base_dir=tmp_path)
    assert _rule(second.parents[1], "BASE001").params.min == 20
    pack.write_text(TEAM.replace("severity: note", "severity: warning"), encoding="utf-8")
    third = load_pack(str(pack), base_dir=tmp_path)
    assert third.overrides["RWY003"].severity == "warning"
    assert len(entries(cache_home)) == 1, "one entry per reference, rewritten"


def test_a_deleted_extended_pack_is_an_error_again(tmp_path: Path) -> None:
    pack = team(tmp_path)
    load_pack(str(pack), base_dir=tmp_path)
    (pack.parent / "base.yaml").unlink()
    with pytest.raises(PolicyError, match="base.yaml: pack file not found"):
        load_pack(str(pack), base_dir=tmp_path)


def test_errors_are_never_cached(tmp_path: Path, cache_home: Path) -> None:
    pack = team(tmp_path)
    pack.write_text(TEAM.replace("kind: regex", "kind: no_such_kind"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PolicyError, match="unknown check kind 'no_such_kind'"):
            load_pack(str(pack), base_dir=tmp_path)
    assert entries(cache_home) == []


def test_a_source_edit_is_a_miss(tmp_path: Path, cache_home: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    load_pack("dotenv", base_dir=tmp_path)
    monkeypatch.setattr(pack_cache, "_source_digest", "another build of etc_policy")
    load_pack("dotenv", base_dir=tmp_path)
    assert len(entries(cache_home)) == 2


def test_the_source_hash_covers_every_check_kind() -> None:
    covered = set(pack_cache.source_files())
    assert {"policy.py", "record.py", "checks/__init__.py", "checks/regex.py",
            "secrets/detectors.py", "data/railway.schema.json"} <= covered
    kinds = {f"checks/{p.name}" for p in (pack_cache.PACKAGE / "checks").glob("*.py")}
    assert kinds <= covered


def test_the_source_hash_changes_with_an_edit(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Keyed by path, modification time and size (what Python checks before trusting a .pyc)."""
    (tmp_path / "checks").mkdir()
    source = tmp_path / "checks" / "regex.py"
    source.write_text("A = 1\n")
    (tmp_path / "policy.py").write_text("B = 2\n")
    monkeypatch.setattr(pack_cache, "PACKAGE", tmp_path)
    monkeypatch.setattr(pack_cache, "_SOURCE_FILES", ("policy.py", "gone.py"))
    monkeypatch.setattr(pack_cache, "_SOURCE_FOLDERS", (("checks", ".py"), ("missing", ".py")))

    def digest() -> str:
        monkeypatch.setattr(pack_cache, "_source_digest", None)
        return pack_cache._source_hash()

    first = digest()
    assert digest() == first
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 1))
    touched = digest()
    assert touched != first
    source.write_text("A = 10\n")
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns))
    assert digest() not in (first, touched)
    (tmp_path / "checks" / "new_kind.py").write_text("")
    assert len({first, touched, digest()}) == 3


@pytest.mark.parametrize("damage", ["truncate", "garbage", "payload-edit", "empty"])
def test_a_corrupt_entry_is_ignored_and_rewritten(damage: str, tmp_path: Path,
                                                  cache_home: Path) -> None:
    good = load_pack("railway-production", base_dir=tmp_path)
    entry, = entries(cache_home)
    text = entry.read_text(encoding="utf-8")
    entry.write_text({"truncate": text[: len(text) // 2], "garbage": "\x00\xff{[",
                      "payload-edit": text.replace("RWY001", "RWY999"), "empty": ""}[damage],
                     encoding="utf-8")
    again = load_pack("railway-production", base_dir=tmp_path)
    assert_same(good, again)
    assert entry.read_text(encoding="utf-8") == text, "rebuilt and rewritten"


def test_a_tampered_entry_cannot_name_a_foreign_class(tmp_path: Path, cache_home: Path) -> None:
    load_pack("dotenv", base_dir=tmp_path)
    entry, = entries(cache_home)
    document = json.loads(entry.read_text(encoding="utf-8"))
    payload = document["payload"].replace('"etc_policy.policy:Pack"', '"subprocess:Popen"', 1)
    assert payload != document["payload"]
    import hashlib

    entry.write_text(json.dumps({"format": 1, "payload": payload, "sha256": hashlib.sha256(
        payload.encode()).hexdigest()}), encoding="utf-8")
    assert pack_cache.lookup("dotenv", base_dir=tmp_path) is None
    assert isinstance(load_pack("dotenv", base_dir=tmp_path), Pack)


def test_an_unwritable_cache_only_means_no_cache(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert load_pack("dotenv", base_dir=tmp_path).name == "dotenv"


def test_a_value_the_encoder_does_not_know_is_not_cached() -> None:
    with pytest.raises(pack_cache.Uncacheable):
        pack_cache.encode({"when": object()})
    with pytest.raises(pack_cache.Uncacheable):
        pack_cache.encode(float("nan"))


def _rule(pack: Pack, rule_id: str):
    return next(rule for rule in pack.rules if rule.id == rule_id)


def test_a_shipped_pack_has_one_entry_for_every_project(tmp_path: Path, cache_home: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = load_pack("dotenv", base_dir=tmp_path / "a")
    second = load_pack("dotenv", base_dir=tmp_path / "b")
    assert len(entries(cache_home)) == 1
    assert_same(first, second)


def test_a_shipped_pack_extending_a_path_is_keyed_by_folder(tmp_path: Path, cache_home: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "base.yaml").write_text(BASE, encoding="utf-8")
    (shipped / "top.yaml").write_text(BASE.replace("name: base", "name: top").replace(
        "BASE001", "TOP001").replace("min-length", "top-length") + "extends: [./base.yaml]\n",
        encoding="utf-8")
    import etc_policy.policy

    monkeypatch.setattr(etc_policy.policy, "shipped_dir", lambda: shipped)
    pack = load_pack("top", base_dir=tmp_path)
    assert pack.parents[0].path == "shipped/base.yaml"   # relative to the folder
    assert entries(cache_home) == []                     # so not stored under the name


def test_the_cache_folder_is_pruned(tmp_path: Path, cache_home: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_cache, "MAX_ENTRIES", 2)
    pack = team(tmp_path)
    for name in ("a", "b", "c", "d"):
        (tmp_path / name).mkdir()
        load_pack(str(pack), base_dir=tmp_path / name)
    assert len(entries(cache_home)) == 2
