"""equals, one_of, not_one_of, regex, length, boolean, integer: pass, fail, skip, params."""

from __future__ import annotations

import pytest
from kind_support import OPENAI_LEGACY, OPENAI_PROJ, entry, messages, run_entry, source

from etc_policy.checks import boolean, equals, integer, length, not_one_of, one_of, regex
from etc_policy.model import SourceKind
from etc_policy.schema import Invalid

OPENAI_PATTERN = (r"^(sk-(proj|svcacct|admin)-([A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ"
                  r"([A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})$")


def test_equals() -> None:
    assert run_entry(equals, {"value": "production"}, entry("NODE_ENV", "production")) == []
    hits = run_entry(equals, {"value": "production"}, entry("NODE_ENV", "development"))
    assert messages(hits) == ["NODE_ENV must be 'production'"]
    assert hits[0].entry.key == "NODE_ENV"
    assert run_entry(equals, {"value": "production", "case_sensitive": False},
                     entry("NODE_ENV", "Production")) == []
    assert len(run_entry(equals, {"value": "production"}, entry("NODE_ENV", "Production"))) == 1


def test_value_kinds_skip_sealed_and_references() -> None:
    sealed = entry("NODE_ENV", None, sealed=True)
    assert run_entry(equals, {"value": "production"}, sealed) == []
    ref = entry("NODE_ENV", "${{ shared.NODE_ENV }}")
    assert run_entry(equals, {"value": "production"}, ref) == []
    assert len(run_entry(equals, {"value": "production", "allow_reference": False}, ref)) == 1


def test_skip_templates() -> None:
    template = source(entry("NODE_ENV", "development"), path="api/.env.example", environment=None)
    params = {"value": "production", "skip_templates": True}
    assert run_entry(equals, params, template.entries[0], src=template) == []
    assert len(run_entry(equals, {"value": "production"}, template.entries[0], src=template)) == 1


def test_config_values_are_compared_as_text() -> None:
    cfg = source(entry("/deploy/sleepApplication", False), path="railway.json",
                 kind=SourceKind.RAILWAY_CONFIG, environment=None)
    assert run_entry(equals, {"value": "false"}, cfg.entries[0], src=cfg) == []
    # objects and arrays are not values a text comparison can judge
    obj = entry("/deploy/registryCredentials", {"username": "u"})
    assert run_entry(equals, {"value": "x"}, obj) == []


def test_one_of_and_not_one_of() -> None:
    params = {"values": ["ON_FAILURE", "ALWAYS"]}
    assert run_entry(one_of, params, entry("/deploy/restartPolicyType", "ALWAYS")) == []
    assert messages(run_entry(one_of, params, entry("/deploy/restartPolicyType", "NEVER"))) == [
        "/deploy/restartPolicyType must be one of: ON_FAILURE, ALWAYS"]
    with pytest.raises(Invalid):
        one_of.Params(values=[])
    assert messages(run_entry(not_one_of, {"values": ["0"]}, entry("NODE_TLS_REJECT_UNAUTHORIZED", "0"))) == [
        "NODE_TLS_REJECT_UNAUTHORIZED must not be '0'"]
    assert run_entry(not_one_of, {"values": ["0"]}, entry("NODE_TLS_REJECT_UNAUTHORIZED", "1")) == []
    assert len(run_entry(not_one_of, {"values": ["debug", "trace"], "case_sensitive": False},
                         entry("LOG_LEVEL", "DEBUG"))) == 1


@pytest.mark.parametrize("value", [OPENAI_PROJ, OPENAI_LEGACY,
                                   OPENAI_PROJ.replace("sk-proj-", "sk-svcacct-")])
def test_regex_accepts_openai_shapes(value: str) -> None:
    assert run_entry(regex, {"pattern": OPENAI_PATTERN}, entry("OPENAI_API_KEY", value)) == []


@pytest.mark.parametrize("value", ["sk-your-key-here", "sk-proj-abc", OPENAI_PROJ[:-1], "pk-" + OPENAI_PROJ[3:]])
def test_regex_rejects_and_never_shows_the_value(value: str) -> None:
    hits = run_entry(regex, {"pattern": OPENAI_PATTERN, "description": "an OpenAI API key"},
                     entry("OPENAI_API_KEY", value))
    assert messages(hits) == ["OPENAI_API_KEY does not match an OpenAI API key"]
    assert value not in hits[0].message and value not in (hits[0].hint or "")


def test_regex_must_not_match_and_ignore_case() -> None:
    params = {"pattern": r"(^|[,\s])\*($|[,\s])", "must_match": False, "description": "a wildcard origin"}
    assert messages(run_entry(regex, params, entry("CORS_ORIGIN", "https://a.example.com, *"))) == [
        "CORS_ORIGIN matches a wildcard origin"]
    assert run_entry(regex, params, entry("CORS_ORIGIN", "https://a.example.com")) == []
    assert len(run_entry(regex, {"pattern": "^abc$", "ignore_case": True}, entry("K", "ABC"))) == 0


def test_regex_bad_pattern_is_a_validation_error() -> None:
    with pytest.raises(Invalid, match="invalid regular expression"):
        regex.Params(pattern="(unclosed")


def test_length() -> None:
    assert messages(run_entry(length, {"min": 32}, entry("SESSION_SECRET", "abc123"))) == [
        "SESSION_SECRET is 6 characters long; at least 32 required"]
    assert messages(run_entry(length, {"max": 3}, entry("K", "abcd"))) == ["K is 4 characters long; at most 3 allowed"]
    assert run_entry(length, {"min": 1, "max": 4}, entry("K", "abcd")) == []
    with pytest.raises(Invalid):
        length.Params()
    with pytest.raises(Invalid):
        length.Params(min=5, max=2)


@pytest.mark.parametrize(("value", "expected"), [
    ("false", []), ("FALSE", []), ("0", []), ("off", []),
    ("true", ["USE_MOCK_OPENAI must be false"]), ("yes", ["USE_MOCK_OPENAI must be false"]),
    ("maybe", ["USE_MOCK_OPENAI is not a boolean (true/1/yes/on/false/0/no/off)"]),
])
def test_boolean_required_false(value: str, expected: list[str]) -> None:
    assert messages(run_entry(boolean, {"required": False}, entry("USE_MOCK_OPENAI", value))) == expected


def test_boolean_strict_and_any() -> None:
    assert messages(run_entry(boolean, {"strict": True}, entry("FLAG", "True"))) == [
        "FLAG is not a boolean (true/false)"]
    assert run_entry(boolean, {}, entry("FLAG", "on")) == []
    assert run_entry(boolean, {}, entry("/deploy/sleepApplication", True)) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("10", []), (10, []), (10.0, []), ("+5", []),
    ("0", ["K is below the minimum 1"]), (0, ["K is below the minimum 1"]),
    ("101", ["K is above the maximum 100"]), ("ten", ["K is not an integer"]),
    ("1.5", ["K is not an integer"]), (1.5, ["K is not an integer"]), (True, ["K is not an integer"]),
])
def test_integer(value: object, expected: list[str]) -> None:
    assert messages(run_entry(integer, {"min": 1, "max": 100}, entry("K", value))) == expected
