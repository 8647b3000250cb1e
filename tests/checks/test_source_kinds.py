"""required, forbidden, cloudinary, pointer_required, config_as_code_deprecation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kind_support import CLOUD_KEY, CLOUD_SECRET, CLOUD_URL, NOW, entry, messages, run_source, source

from etc_policy.checks import cloudinary, config_as_code_deprecation, forbidden, pointer_required, required
from etc_policy.model import SourceKind
from etc_policy.schema import Invalid


def test_required_keys_and_any_of() -> None:
    env = source(entry("NODE_ENV", "production"), entry("JWT_SECRET", ""), entry("OPENAI_API_KEY", None),
                 entry("RATE_LIMIT_MAX_REQUESTS", "100"))
    params = {"keys": ["NODE_ENV", "JWT_SECRET", "DATABASE_URL", "OPENAI_API_KEY"],
              "any_of": [["RATE_LIMIT_WINDOW_MS", "RATE_LIMIT_WINDOW"],
                         ["RATE_LIMIT_MAX", "RATE_LIMIT_MAX_REQUESTS"]]}
    hits = run_source(required, params, env)
    assert messages(hits) == ["JWT_SECRET is required but empty", "DATABASE_URL is required but missing",
                              "one of RATE_LIMIT_WINDOW_MS, RATE_LIMIT_WINDOW is required but none is set"]
    assert [h.key for h in hits] == ["JWT_SECRET", "DATABASE_URL", "RATE_LIMIT_WINDOW_MS"]
    assert len(run_source(required, params | {"allow_empty": True}, env)) == 2
    with pytest.raises(Invalid):
        required.Params()
    with pytest.raises(Invalid):
        required.Params(any_of=[[]])


def test_forbidden_variables_and_pointers() -> None:
    env = source(entry("DATABASE_PUBLIC_URL", "postgresql://u:FAKE@x.proxy.rlwy.net:1/r"), entry("EMPTY", ""))
    assert messages(run_source(forbidden, {"keys": ["DATABASE_PUBLIC_URL", "EMPTY"], "because": "egress"}, env)) == [
        "DATABASE_PUBLIC_URL must not be set: egress"]
    cfg = source(entry("/deploy/registryCredentials", {"username": "u", "password": "FAKE"}),
                 entry("/deploy/registryCredentials/username", "u"),
                 entry("/deploy/registryCredentials/password", "FAKE-registry-pass"),
                 entry("/environments/production/deploy/registryCredentials/password", "FAKE-2"),
                 path="railway.json", kind=SourceKind.RAILWAY_CONFIG, environment=None)
    hits = run_source(forbidden, {"key_pattern": r"(/environments/[^/]+)?/deploy/registryCredentials/password"}, cfg)
    assert [h.entry.key for h in hits] == ["/deploy/registryCredentials/password",
                                           "/environments/production/deploy/registryCredentials/password"]
    assert all("FAKE" not in h.message for h in hits)
    with pytest.raises(Invalid):
        forbidden.Params()


@pytest.mark.parametrize(("entries", "expected"), [
    ([], []),
    ([("CLOUDINARY_URL", CLOUD_URL)], []),
    ([("CLOUDINARY_CLOUD_NAME", "demo-cloud"), ("CLOUDINARY_API_KEY", CLOUD_KEY),
      ("CLOUDINARY_API_SECRET", CLOUD_SECRET)], []),
    ([("CLOUDINARY_CLOUD_NAME", "demo-cloud"), ("CLOUDINARY_API_KEY", CLOUD_KEY)],
     ["incomplete Cloudinary credentials: CLOUDINARY_API_SECRET missing (and no CLOUDINARY_URL)"]),
    ([("CLOUDINARY_CLOUD_NAME", "demo-cloud"), ("CLOUDINARY_URL", CLOUD_URL)], []),
    ([("CLOUDINARY_URL", "cloudinary://demo-cloud")], ["CLOUDINARY_URL has no API key"]),
    ([("CLOUDINARY_URL", "https://demo-cloud")],
     ["CLOUDINARY_URL is not of the form cloudinary://<api_key>:<api_secret>@<cloud_name>"]),
    ([("CLOUDINARY_CLOUD_NAME", "demo-cloud"), ("CLOUDINARY_API_KEY", "abc"),
      ("CLOUDINARY_API_SECRET", "short")],
     ["CLOUDINARY_API_KEY is not a well-formed API key", "CLOUDINARY_API_SECRET is not a well-formed API secret"]),
    ([("CLOUDINARY_URL", CLOUD_URL), ("CLOUDINARY_CLOUD_NAME", "other-cloud"), ("CLOUDINARY_API_KEY", CLOUD_KEY),
      ("CLOUDINARY_API_SECRET", CLOUD_SECRET[::-1])],
     ["CLOUDINARY_URL and the CLOUDINARY_* variables disagree on the cloud name, API secret"]),
    ([("CLOUDINARY_URL", "${{ shared.CLOUDINARY_URL }}"), ("CLOUDINARY_API_SECRET", None)], []),
])
def test_cloudinary(entries: list[tuple[str, str | None]], expected: list[str]) -> None:
    env = source(*(entry(k, v) for k, v in entries))
    hits = run_source(cloudinary, {}, env)
    assert messages(hits) == expected
    for hit in hits:
        assert CLOUD_SECRET not in hit.message and CLOUD_SECRET[::-1] not in hit.message


def test_cloudinary_required() -> None:
    assert messages(run_source(cloudinary, {"required": True}, source(entry("NODE_ENV", "production")))) == [
        "no Cloudinary credentials: set CLOUDINARY_URL or CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY, "
        "CLOUDINARY_API_SECRET"]


def _config(document: dict, *pointers: tuple[str, object]) -> object:
    return source(*(entry(p, v) for p, v in pointers), path="railway.json",
                  kind=SourceKind.RAILWAY_CONFIG, environment=None, document=document)


def test_pointer_required() -> None:
    params = {"pointers": ["/deploy/healthcheckPath", "/deploy/restartPolicyType"]}
    cfg = _config({"deploy": {"healthcheckPath": "/api/health", "restartPolicyType": None}},
                  ("/deploy/healthcheckPath", "/api/health"), ("/deploy/restartPolicyType", None))
    assert messages(run_source(pointer_required, params, cfg)) == ["/deploy/restartPolicyType is not set"]
    # from the document alone (loaders that emit leaves only), and through an environment override
    doc_only = _config({"deploy": {"healthcheckPath": "/api/health"},
                        "environments": {"production": {"deploy": {"restartPolicyType": "ALWAYS"}}}})
    assert len(run_source(pointer_required, params, doc_only)) == 1
    assert run_source(pointer_required, params | {"environment": "production"}, doc_only) == []
    with pytest.raises(Invalid):
        pointer_required.Params(pointers=["deploy/healthcheckPath"])


def test_config_as_code_deprecation_tense_follows_the_clock() -> None:
    cfg = _config({})
    before = run_source(config_as_code_deprecation, {}, cfg, now=NOW)
    assert messages(before) == [
        "Config as Code (railway.json) is deprecated and will stop working for existing services on "
        "2026-12-01; migrate to .railway/railway.ts with `railway config migrate`"]
    assert before[0].line == 1
    after = run_source(config_as_code_deprecation, {}, cfg, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert "stopped working for existing services on 2026-12-01" in after[0].message
    custom = run_source(config_as_code_deprecation, {"cutoff": "2026-01-01"}, cfg, now=NOW)
    assert "stopped working for existing services on 2026-01-01" in custom[0].message
    assert run_source(config_as_code_deprecation, {}, source(entry("A", "1"))) == []
