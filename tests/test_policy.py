from __future__ import annotations

import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from etc_policy.errors import ConfigError, PolicyError
from etc_policy.findings import Severity
from etc_policy.model import SourceKind
from etc_policy.schema import ConfigDict, Model, field_validator
from etc_policy.policy import (
    RuleOverride,
    flatten,
    ignore_paths_of,
    load_pack,
    resolve_rules,
    shipped_pack_names,
)


class PatternParams(Model):
    model_config = ConfigDict(frozen=True, extra="forbid")
    pattern: str
    must_match: bool = True

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        import re

        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression ({exc.msg})") from None
        return value


FAKE = {"fake_regex": SimpleNamespace(KIND="fake_regex", SCOPE="entry", Params=PatternParams,
                                      check=lambda params, ctx: iter(()))}

RULE = """\
  - id: {id}
    name: {name}
    severity: error
    select: {{keys: [OPENAI_API_KEY]}}
    check:
      kind: fake_regex
      pattern: '{pattern}'
    docs: {{what: w, why: y, example: e, fix: f}}
"""


def write_pack(folder: Path, name: str, *, rules: str = "", extra: str = "") -> Path:
    path = folder / f"{name}.yaml"
    body = f"schema_version: 1\nname: {name}\ndescription: test pack\n{extra}rules:\n{rules or '  []'}\n"
    path.write_text(body if rules else body.replace("rules:\n  []", "rules: []"))
    return path


def rule(id_: str = "TST001", name: str = "a-rule", pattern: str = "^sk-") -> str:
    return RULE.format(id=id_, name=name, pattern=pattern)


def load(tmp_path: Path, ref: str):
    return load_pack(ref, base_dir=tmp_path, registry=FAKE)


def test_loads_rules_with_validated_params(tmp_path: Path) -> None:
    write_pack(tmp_path, "mine", rules=rule())
    pack = load(tmp_path, "mine.yaml")
    assert pack.name == "mine" and pack.path == "mine.yaml"
    (only,) = pack.rules
    assert (only.id, only.name, only.severity, only.kind, only.pack) == (
        "TST001", "a-rule", Severity.ERROR, "fake_regex", "mine")
    assert only.params == PatternParams(pattern="^sk-")
    assert only.select.keys == ("OPENAI_API_KEY",)
    assert only.docs.fix == "f"


def test_bad_regex_in_params_names_file_line_and_field(tmp_path: Path) -> None:
    write_pack(tmp_path, "bad", rules=rule() + rule("TST002", "b-rule", pattern="sk-(unclosed"))
    with pytest.raises(PolicyError) as caught:
        load(tmp_path, "bad.yaml")
    message = caught.value.one_line()
    assert message.startswith("bad.yaml:19: rules[1].check.pattern: invalid regular expression")
    assert "\n" not in message


def test_unknown_field_is_named_with_its_line(tmp_path: Path) -> None:
    write_pack(tmp_path, "extra", rules=rule().replace("severity: error", "severity: error\n    colour: red"))
    with pytest.raises(PolicyError, match=r"^extra\.yaml:8: rules\[0\]\.colour: Extra inputs"):
        load(tmp_path, "extra.yaml")


def test_bad_severity_and_missing_docs_field(tmp_path: Path) -> None:
    write_pack(tmp_path, "sev", rules=rule().replace("severity: error", "severity: fatal"))
    with pytest.raises(PolicyError, match=r"^sev\.yaml:7: rules\[0\]\.severity: Input should be"):
        load(tmp_path, "sev.yaml")
    write_pack(tmp_path, "docs", rules=rule().replace("fix: f", "fix: ''"))
    with pytest.raises(PolicyError, match=r"^docs\.yaml:\d+: rules\[0\]\.docs\.fix: String should have"):
        load(tmp_path, "docs.yaml")


def test_unknown_check_kind(tmp_path: Path) -> None:
    write_pack(tmp_path, "kind", rules=rule().replace("kind: fake_regex", "kind: telepathy"))
    with pytest.raises(PolicyError, match=r"^kind\.yaml:10: rules\[0\]\.check\.kind: unknown check kind 'telepathy'"):
        load(tmp_path, "kind.yaml")


def test_reserved_kind_is_accepted_without_params(tmp_path: Path) -> None:
    text = rule().replace("kind: fake_regex\n      pattern: '^sk-'", "kind: rotation_age\n      max_days: 90")
    write_pack(tmp_path, "later", rules=text)
    (only,) = load(tmp_path, "later.yaml").rules
    assert only.kind == "rotation_age" and only.params is None


def test_rule_id_and_name_shapes(tmp_path: Path) -> None:
    write_pack(tmp_path, "ids", rules=rule(id_="tst1"))
    with pytest.raises(PolicyError, match=r"rules\[0\]\.id: String should match pattern"):
        load(tmp_path, "ids.yaml")
    write_pack(tmp_path, "dup", rules=rule() + rule(name="other"))
    with pytest.raises(PolicyError, match=r"^dup\.yaml:\d+: rules\[1\]\.id: duplicate rule id 'TST001'"):
        load(tmp_path, "dup.yaml")


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("schema_version: 1\nname: [unclosed\nrules: []\n")
    with pytest.raises(PolicyError, match=r"^broken\.yaml:\d+: invalid YAML"):
        load(tmp_path, "broken.yaml")


def test_duplicate_yaml_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "twice.yaml").write_text("schema_version: 1\nname: a\nname: b\nrules: []\n")
    with pytest.raises(PolicyError, match=r"^twice\.yaml:3: name: key defined twice"):
        load(tmp_path, "twice.yaml")


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["schema_version: 1", "name: bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    started = time.perf_counter()
    with pytest.raises(PolicyError, match=r"^bomb\.yaml:4: YAML aliases"):
        load(tmp_path, "bomb.yaml")
    assert time.perf_counter() - started < 1.0


def test_python_tags_are_refused(tmp_path: Path) -> None:
    (tmp_path / "tag.yaml").write_text("schema_version: 1\nname: !!python/object:os.system ls\n")
    with pytest.raises(PolicyError, match=r"^tag\.yaml:2: invalid YAML value"):
        load(tmp_path, "tag.yaml")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- 1\n- 2\n")
    with pytest.raises(PolicyError, match=r"^list\.yaml:1: a pack must be a YAML mapping"):
        load(tmp_path, "list.yaml")


def test_missing_and_unknown_packs(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"^nope\.yaml: pack file not found$"):
        load(tmp_path, "nope.yaml")
    with pytest.raises(PolicyError, match=r"^unknown pack 'no-such-pack' \(shipped packs: "):
        load(tmp_path, "no-such-pack")


def test_select_validation(tmp_path: Path) -> None:
    write_pack(tmp_path, "sel", rules=rule().replace("select: {keys: [OPENAI_API_KEY]}",
                                                     "select: {key_pattern: '(?P<'}"))
    with pytest.raises(PolicyError, match=r"^sel\.yaml:8: rules\[0\]\.select\.key_pattern: invalid regular"):
        load(tmp_path, "sel.yaml")
    write_pack(tmp_path, "src", rules=rule().replace("select: {keys: [OPENAI_API_KEY]}",
                                                     "select: {sources: [dotenv, yaml-file]}"))
    with pytest.raises(PolicyError, match=r"^src\.yaml:8: rules\[0\]\.select\.sources\[1\]: Input should be"):
        load(tmp_path, "src.yaml")


def test_select_sources_parse_to_kinds(tmp_path: Path) -> None:
    write_pack(tmp_path, "kinds", rules=rule().replace(
        "select: {keys: [OPENAI_API_KEY]}", "select: {sources: [railway-config], pointer: /deploy/x, environments: [production, null]}"))
    (only,) = load(tmp_path, "kinds.yaml").rules
    assert only.select.sources == (SourceKind.RAILWAY_CONFIG,)
    assert only.select.environments == ("production", None)


def test_secrets_section_validation(tmp_path: Path) -> None:
    write_pack(tmp_path, "det", extra="secrets:\n  detectors: [openai, crystal-ball]\n")
    with pytest.raises(PolicyError, match=r"^det\.yaml:5: secrets\.detectors: Value error|^det\.yaml:5: secrets\.detectors: unknown detector 'crystal-ball'"):
        load(tmp_path, "det.yaml")
    write_pack(tmp_path, "keys", extra="secrets:\n  keys: ['(?i).*SECRET', '[']\n")
    with pytest.raises(PolicyError, match=r"^keys\.yaml:5: secrets\.keys: invalid regular expression"):
        load(tmp_path, "keys.yaml")


def test_extends_overrides_and_ignore_paths(tmp_path: Path) -> None:
    write_pack(tmp_path, "base", rules=rule() + rule("TST002", "b-rule"),
               extra="ignore_paths: ['fixtures/**']\nsecrets:\n  keys: ['.*SECRET']\n")
    write_pack(tmp_path, "child", rules=rule("TST003", "c-rule"),
               extra="extends: [base.yaml]\noverrides:\n  TST001: {severity: warning}\n  TST002: {enabled: false}\n")
    child = load(tmp_path, "child.yaml")
    assert [p.name for p in flatten([child])] == ["base", "child"]
    rules = resolve_rules([child], {})
    assert [(r.id, r.severity) for r in rules] == [("TST001", Severity.WARNING), ("TST003", Severity.ERROR)]
    assert ignore_paths_of([child]) == ("fixtures/**",)
    config = {"TST003": RuleOverride(severity=Severity.NOTE), "TST002": RuleOverride(enabled=True)}
    again = resolve_rules([child], config)
    assert [(r.id, r.severity) for r in again] == [
        ("TST001", Severity.WARNING), ("TST002", Severity.ERROR), ("TST003", Severity.NOTE)]


def test_override_of_unknown_rule_in_pack(tmp_path: Path) -> None:
    write_pack(tmp_path, "base", rules=rule())
    write_pack(tmp_path, "child", extra="extends: [base.yaml]\noverrides:\n  TST999: {enabled: false}\n")
    with pytest.raises(PolicyError, match=r"^child\.yaml:6: overrides\.TST999: unknown rule id"):
        load(tmp_path, "child.yaml")


def test_unknown_rule_in_config_overrides_is_a_config_error(tmp_path: Path) -> None:
    write_pack(tmp_path, "base", rules=rule())
    with pytest.raises(ConfigError, match="unknown rule id 'XYZ001'"):
        resolve_rules([load(tmp_path, "base.yaml")], {"XYZ001": RuleOverride(enabled=False)})


def test_extends_cycle_is_detected(tmp_path: Path) -> None:
    write_pack(tmp_path, "one", extra="extends: [two.yaml]\n")
    write_pack(tmp_path, "two", extra="extends: [one.yaml]\n")
    with pytest.raises(PolicyError, match=r"'extends' cycle"):
        load(tmp_path, "one.yaml")


def test_extends_missing_parent_points_at_the_extends_line(tmp_path: Path) -> None:
    write_pack(tmp_path, "orphan", extra="extends:\n  - gone.yaml\n")
    with pytest.raises(PolicyError, match=r"^gone\.yaml: pack file not found"):
        load(tmp_path, "orphan.yaml")
    write_pack(tmp_path, "orphan2", extra="extends:\n  - no-such-shipped-pack\n")
    with pytest.raises(PolicyError, match=r"^orphan2\.yaml:5: extends\[0\]: unknown pack"):
        load(tmp_path, "orphan2.yaml")


def test_diamond_extends_is_not_a_duplicate(tmp_path: Path) -> None:
    write_pack(tmp_path, "root", rules=rule())
    write_pack(tmp_path, "left", extra="extends: [root.yaml]\n")
    write_pack(tmp_path, "right", extra="extends: [root.yaml]\n")
    packs = [load(tmp_path, "left.yaml"), load(tmp_path, "right.yaml")]
    assert [r.id for r in resolve_rules(packs, {})] == ["TST001"]


def test_duplicate_rule_id_across_packs(tmp_path: Path) -> None:
    write_pack(tmp_path, "one", rules=rule())
    write_pack(tmp_path, "two", rules=rule(name="other"))
    with pytest.raises(PolicyError, match=r"rule id 'TST001' is defined in two packs \(one\.yaml and two\.yaml\)"):
        resolve_rules([load(tmp_path, "one.yaml"), load(tmp_path, "two.yaml")], {})


def test_shipped_packs_load_with_the_real_registry() -> None:
    names = shipped_pack_names()
    for name in names:
        pack = load_pack(name, base_dir=Path.cwd())
        assert pack.name == name and pack.path == f"policies/{name}.yaml"
    assert resolve_rules([load_pack(n, base_dir=Path.cwd()) for n in names], {}) is not None
