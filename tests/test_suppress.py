"""Inline suppressions in the five dialects (etc_policy/suppress.py): each peer's comment read
as the peer reads it (cases from their own sources and tests), then end to end through
`check` into JSON (schema-valid) and SARIF (OASIS schema and Sarif.Multitool)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from cli_support import ROOT, run_main, valid_report

from etc_policy.suppress import DOTENV_LINTER_CHECKS, line_markers, markers_of_text


class _Rule:
    def __init__(self, rule_id: str, name: str = "a-rule", tags: tuple[str, ...] = ()) -> None:
        self.id, self.name, self.tags = rule_id, name, tags


SECRET = _Rule("SEC001", "secret-placeholder", ("security", "secrets"))
STYLE = _Rule("DOT010", "lowercase-key", ("dotenv", "style"))
ORDER = _Rule("DOT015", "unordered-key", ("dotenv", "style"))


def _dialects(text: str, number: int = 1) -> list[tuple[int, str]]:
    return [(target, marker.dialect) for target, marker in line_markers(text, number)]


@pytest.mark.parametrize(("line", "expected"), [
    ("TOKEN=x # gitleaks:allow", [(1, "gitleaks")]),
    ("TOKEN=x gitleaks:allow-list later", [(1, "gitleaks")]),      # anywhere (strings.Contains)
    ("TOKEN=x # GITLEAKS:ALLOW", []),                              # case-sensitive
    ("TOKEN=x // trufflehog:ignore", [(1, "trufflehog")]),
    ("TOKEN=x # TruffleHog:Ignore", []),
    ("TOKEN=x # pragma: allowlist secret", [(1, "detect-secrets")]),
    ("TOKEN=x #pragma:whitelist secret", [(1, "detect-secrets")]),  # the deprecated spelling
    ("TOKEN=x /* pragma: allowlist secret */", [(1, "detect-secrets")]),
    ("TOKEN=x # pragma: allowlist-secret", [(1, "detect-secrets")]),
    ("TOKEN=x # pragma: allow secret", []),
    ("# pragma: allowlist nextline secret", [(2, "detect-secrets")]),
    ("  # pragma: allowlist nextline secret", [(2, "detect-secrets")]),
    # detect-secrets: no text may precede a nextline pragma (it would hide the next line)
    ("TOKEN=x # pragma: allowlist nextline secret", []),
    ("# pragma: whitelist nextline secret", []),                    # nextline: allowlist only
    ("A=1 # etc-policy: ignore SEC001", [(1, "etc-policy")]),
    ("# etc-policy: ignore SEC001", [(1, "etc-policy"), (2, "etc-policy")]),
    ("A=1 # etc-policy: ignore", []),
])
def test_each_dialect_as_its_tool_reads_it(line: str, expected: list[tuple[int, str]]) -> None:
    assert _dialects(line) == expected


def test_secret_scanner_comments_cover_secret_rules_only() -> None:
    markers = markers_of_text("token=changeme # gitleaks:allow\n")
    assert markers.suppression(SECRET, 1) is not None
    assert markers.suppression(STYLE, 1) is None      # a style problem is not gitleaks' business
    by = markers.suppression(SECRET, 1)
    assert (by.kind, by.dialect, by.justification) == ("inline", "gitleaks",
                                                        "gitleaks:allow on line 1")


# dotenv-linter: src/common/comment.rs's parse cases and src/checks.rs's on/off tests.
@pytest.mark.parametrize(("comment", "disabled"), [
    ("# dotenv-linter:off LowercaseKey", {"DOT010"}),
    ("#dotenv-linter:off LowercaseKey", {"DOT010"}),
    ("  # dotenv-linter:off LowercaseKey", {"DOT010"}),
    ("# dotenv-linter:off LowercaseKey,UnorderedKey", {"DOT010", "DOT015"}),
    ("# dotenv-linter:off LowercaseKey ,UnorderedKey", {"DOT010", "DOT015"}),
    ("# dotenv-linter:off  ,  LowercaseKey,UnorderedKey,  ", {"DOT010", "DOT015"}),
    ("# dotenv-linter:off FooBarLint, LowercaseKey", {"DOT010"}),   # unknown names dropped
    ("# dotenv-linter:off", set()),                 # no names: dotenv-linter disables nothing
    ("# dotenv-linter:disable LowercaseKey", set()),  # not a flag dotenv-linter knows
    ("# dotenv-linter: LowercaseKey", set()),
    ("# dotenv-linter LowercaseKey", set()),
])
def test_dotenv_linter_comments(comment: str, disabled: set[str]) -> None:
    markers = markers_of_text(f"{comment}\nlower_key=1\n")
    rules = {rule_id: _Rule(rule_id) for rule_id in DOTENV_LINTER_CHECKS.values()}
    assert {r for r, rule in rules.items() if markers.suppression(rule, 2)} == disabled


def test_dotenv_linter_off_until_on() -> None:
    text = ("A=1\n"
            "# dotenv-linter:off LowercaseKey, UnorderedKey\n"
            "b=2\n"
            "# dotenv-linter:on LowercaseKey\n"
            "c=3\n")
    markers = markers_of_text(text)
    assert markers.suppression(STYLE, 1) is None
    assert markers.suppression(STYLE, 3).justification == "dotenv-linter:off on line 2"
    assert markers.suppression(STYLE, 5) is None                      # turned back on
    assert markers.suppression(ORDER, 5) is not None                  # still off
    assert markers.suppression(SECRET, 3) is None                     # not a dotenv-linter check


def test_every_dotenv_linter_check_maps_to_a_shipped_dot_rule() -> None:
    from etc_policy.policy import load_pack

    rules = {rule.id: rule for rule in load_pack("dotenv", base_dir=ROOT).rules}
    names = {"DuplicatedKey": "duplicated-key", "KeyWithoutValue": "key-without-value",
             "EndingBlankLine": "ending-blank-line", "ExtraBlankLine": "extra-blank-line",
             "IncorrectDelimiter": "incorrect-delimiter", "LeadingCharacter": "leading-character",
             "LowercaseKey": "lowercase-key", "QuoteCharacter": "quote-character",
             "SpaceCharacter": "space-character", "SubstitutionKey": "substitution-key",
             "TrailingWhitespace": "trailing-whitespace", "UnorderedKey": "unordered-key",
             "ValueWithoutQuotes": "value-without-quotes"}
    assert {check: rules[rule_id].name for check, rule_id in DOTENV_LINTER_CHECKS.items()} == names


# --- end to end -----------------------------------------------------------------------------

ENV = """\
NODE_ENV=production
JWT_SECRET=changeme # gitleaks:allow
SESSION_SECRET=changeme # trufflehog:ignore
API_TOKEN=changeme # pragma: allowlist secret
# pragma: allowlist nextline secret
STRIPE_SECRET_KEY=changeme
WEBHOOK_SECRET=changeme
# etc-policy: ignore SEC001
CSRF_SECRET=changeme
# dotenv-linter:off LowercaseKey
lower_key=1
# dotenv-linter:on LowercaseKey
other_key=2
"""


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".env.production").write_text(ENV)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rows(document: dict) -> dict[tuple[int, str], str | None]:
    return {(f["line"], f["rule_id"]): (f["suppressed_by"]["dialect"] if f["suppressed"] else None)
            for f in document["findings"] if f["rule_id"] in ("SEC001", "DOT010")}


def test_check_json_names_who_suppressed(capsys: pytest.CaptureFixture[str],
                                         project: Path) -> None:
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "--pack", "dotenv",
                      "-f", "json", "--fail-on", "never")
    document = valid_report(result.out)
    assert _rows(document) == {
        (2, "SEC001"): "gitleaks", (3, "SEC001"): "trufflehog", (4, "SEC001"): "detect-secrets",
        (6, "SEC001"): "detect-secrets", (7, "SEC001"): None, (9, "SEC001"): "etc-policy",
        (11, "DOT010"): "dotenv-linter", (13, "DOT010"): None}
    by = next(f for f in document["findings"] if f["line"] == 6 and f["rule_id"] == "SEC001")
    assert by["suppression"] == "inline"
    assert by["suppressed_by"] == {"kind": "inline", "dialect": "detect-secrets",
                                   "justification": "pragma: allowlist nextline secret on line 5"}
    # SEC002 (known weak) is a secret rule too; the etc-policy comment named SEC001 only.
    sec002 = {f["line"]: f["suppressed"] for f in document["findings"] if f["rule_id"] == "SEC002"}
    assert sec002 == {2: True, 3: True, 4: True, 6: True, 7: False, 9: False}


def _sarif_validator():  # noqa: ANN202
    from jsonschema.validators import validator_for

    schema = json.loads((ROOT / "tests/data/sarif/sarif-schema-2.1.0.json").read_text())
    cls = validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _multitool():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("sarif_multitool",
                                                  ROOT / "tests" / "sarif" / "multitool.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_github_accepts(sarif_text: str, tmp_path: Path) -> dict:
    """The log is valid against the OASIS schema and clean under Sarif.Multitool's GitHub rules."""
    document = json.loads(sarif_text)
    assert list(_sarif_validator().iter_errors(document)) == []
    multitool = _multitool()
    path = tmp_path / "suppressed.sarif"
    path.write_text(sarif_text, encoding="utf-8")
    assert multitool.validate([path], workdir=tmp_path)[path.resolve()] == []
    return document


def test_check_sarif_in_source_suppressions(capsys: pytest.CaptureFixture[str], project: Path,
                                            tmp_path: Path) -> None:
    result = run_main(capsys, "check", ".", "--pack", "secrets-hygiene", "--pack", "dotenv",
                      "-f", "sarif", "--fail-on", "never")
    document = assert_github_accepts(result.out, tmp_path)
    by_line = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]):
               r.get("suppressions") for r in document["runs"][0]["results"]}
    assert by_line[("SEC001", 2)] == [{"kind": "inSource",
                                       "justification": "gitleaks:allow on line 2",
                                       "properties": {"dialect": "gitleaks"}}]
    assert by_line[("DOT010", 11)][0]["properties"] == {"dialect": "dotenv-linter"}
    assert by_line[("SEC001", 7)] is None
    assert {s[0]["kind"] for s in by_line.values() if s} == {"inSource"}
