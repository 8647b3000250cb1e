"""Project config: both file forms, defaults, and a clear error for every kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from etc_policy.config import ProjectConfig, find_config, load_config
from etc_policy.errors import ConfigError
from etc_policy.findings import FailOn, Severity
from etc_policy.model import SourceKind

FULL_YAML = """\
packs: [railway-production, ./custom.yaml]
environments:
  production:
    sources: [.env.production, {path: exports/vars.json, kind: railway-variables}]
rules:
  RWY004: {severity: warning}
  DOT012: {enabled: false}
ignore_paths: ['fixtures/**']
fail_on: warning
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_full_yaml_config(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, ".etc-policy.yaml", FULL_YAML))
    config = loaded.config
    assert config.packs == ("railway-production", "./custom.yaml")
    sources = config.environments["production"].sources
    assert [(s.path, s.kind) for s in sources] == [
        (".env.production", None), ("exports/vars.json", SourceKind.RAILWAY_VARIABLES)]
    assert config.rules["RWY004"].severity is Severity.WARNING
    assert config.rules["RWY004"].enabled is None
    assert config.rules["DOT012"].enabled is False
    assert config.ignore_paths == ("fixtures/**",)
    assert config.fail_on is FailOn.WARNING
    assert loaded.base_dir == tmp_path


def test_pyproject_table_is_the_same_config(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", """\
[project]
name = "x"

[tool.etc-policy]
packs = ["dotenv"]
fail_on = "note"
ignore_paths = ["fixtures/**"]

[tool.etc-policy.rules.DOT012]
enabled = false
""")
    found = find_config(tmp_path)
    assert found == tmp_path / "pyproject.toml"
    config = load_config(found).config
    assert config.packs == ("dotenv",)
    assert config.fail_on is FailOn.NOTE
    assert config.rules["DOT012"].enabled is False


def test_defaults_without_a_file(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    assert find_config(tmp_path) is None  # a pyproject without our table is not a config
    assert load_config(None).config == ProjectConfig()
    assert ProjectConfig().fail_on is FailOn.ERROR


def test_yaml_file_wins_over_pyproject(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.etc-policy]\nfail_on = 'note'\n")
    write(tmp_path, ".etc-policy.yaml", "fail_on: warning\n")
    assert find_config(tmp_path) == tmp_path / ".etc-policy.yaml"


def test_empty_yaml_is_the_defaults(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, ".etc-policy.yaml", "")).config == ProjectConfig()


def test_config_is_frozen(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "fail_on: note\n")).config
    with pytest.raises(Exception):
        config.fail_on = FailOn.ERROR  # type: ignore[misc]


@pytest.mark.parametrize(("text", "expected"), [
    ("packs: [a]\ncolour: blue\n", "c.yaml:2: colour: unknown field"),
    ("rules:\n  RWY004: {severity: fatal}\n",
     "c.yaml:2: rules.RWY004.severity: Input should be 'error', 'warning' or 'note'"),
    ("rules:\n  RWY004: {severty: error}\n", "c.yaml:2: rules.RWY004.severty: unknown field"),
    ("rules:\n  rwy-4: {enabled: false}\n", "c.yaml:2: rules.rwy-4: not a rule ID (like RWY001)"),
    ("fail_on: always\n", "c.yaml:1: fail_on: Input should be"),
    ("environments:\n  production:\n    sources:\n      - {path: x.json, kind: csv}\n",
     "c.yaml:4: environments.production.sources.0.kind: Input should be"),
    ("environments:\n  production:\n    sources: [{kind: dotenv}]\n",
     "c.yaml:3: environments.production.sources.0.path: Field required"),
    # The config is read by the loader packs use (yamlpos): file and line, as for packs.
    ("packs: [a\n", "c.yaml:2: invalid YAML: expected ',' or ']'"),
    ("packs: a: b\n", "c.yaml:1: invalid YAML: mapping values are not allowed here"),
    ("- a\n- b\n", "c.yaml:1: the config must be a mapping of fields"),
    ("a: &x [1]\nb: *x\n", "c.yaml:2: YAML aliases (*name) are not allowed in the config"),
    ("fail_on: never\nfail_on: error\n", "c.yaml:2: fail_on: key defined twice"),
    ("rules:\n  RWY004: {enabled: false}\n  RWY004: {severity: note}\n",
     "c.yaml:3: rules.RWY004: key defined twice"),
    ("a: &x {b: 1}\nc: {<<: *x}\n", "c.yaml:2: YAML aliases (*name) are not allowed"),
])
def test_yaml_errors_name_file_line_and_field(tmp_path: Path, text: str, expected: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "c.yaml", text)
    monkeypatch.chdir(tmp_path)    # the file is named relative to the cwd (etc_policy/paths.py)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = caught.value.one_line()
    assert message.startswith(expected.split(":")[0] + ":")
    assert expected in message


def test_yaml_bomb_is_rejected_at_once(tmp_path: Path) -> None:
    # "billion laughs": without the alias ban this would expand to 10^9 list items.
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(ConfigError, match="aliases"):
        load_config(path)


@pytest.mark.parametrize(("text", "expected"), [
    ("[tool.etc-policy]\nfail_on = 'bad'\n", "pyproject.toml:2: fail_on: Input should be"),
    ("[tool.etc-policy]\n\npacks = ['x']\nbogus = 1\n", "pyproject.toml:4: bogus: unknown field"),
    ("[tool.etc-policy]\nfail_on = \n", "pyproject.toml: invalid TOML: Invalid value (at line 2"),
    ("[tool.etc-policy.rules.XX]\nenabled = false\n",
     "pyproject.toml:1: rules.XX: not a rule ID (like RWY001)"),
])
def test_toml_errors(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, "pyproject.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in caught.value.one_line().replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(("content", "expected"), [
    (b"fail_on: \xff\xfe\n", "c.yaml:1: invalid UTF-8"),
    (b"fail_on: note\n\x00\x01", "c.yaml: binary file"),
])
def test_unreadable_content(tmp_path: Path, content: bytes, expected: str) -> None:
    path = write(tmp_path, "c.yaml", content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in caught.value.one_line().replace(str(tmp_path) + "/", "")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_unknown_rule_id_names_its_line(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app").mkdir()
    loaded = load_config(write(tmp_path, "app/c.yaml", "fail_on: note\nrules:\n  ABC123: {}\n"))
    loaded.check_rule_ids({"ABC123", "XYZ001"})  # known: nothing to say
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")   # named from the cwd, `../` outside it
    with pytest.raises(ConfigError) as caught:
        loaded.check_rule_ids({"XYZ001"})
    assert caught.value.one_line() == ("../app/c.yaml:3: rules.ABC123: unknown rule ID "
                                       "(see `etc-policy rules`)")


def test_a_validated_config_comes_back_from_the_cache_identical(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """The second load of the same text is the cache's (no YAML, no validation): the same
    config and line marks; an edit is validated again (an invalid one fails, never stale)."""
    from etc_policy import config as config_module

    path = write(tmp_path, ".etc-policy.yaml", FULL_YAML)
    first = load_config(path)
    monkeypatch.setattr(config_module, "_validate", lambda *a, **k: pytest.fail("validated"))
    monkeypatch.setattr(config_module, "_parse_yaml", lambda *a, **k: pytest.fail("parsed"))
    second = load_config(path)
    assert second.config == first.config and second.lines == first.lines
    assert second.path == path
    assert type(second.config.environments["production"].sources[0]).__name__ == "SourceEntry"
    monkeypatch.undo()
    write(tmp_path, ".etc-policy.yaml", FULL_YAML.replace("fail_on: warning", "fail_on: loud"))
    with pytest.raises(ConfigError, match="fail_on"):
        load_config(path)
