"""drift and reuse: across sources and environments, values compared through a keyed HMAC."""

from __future__ import annotations

from kind_support import JWT_STRONG, JWT_STRONG_STAGING, entry, messages, run_workspace, source

from etc_policy.checks import drift, reuse
from etc_policy.model import SourceKind


def _export(*entries, environment: str = "production", kind: SourceKind = SourceKind.RAILWAY_VARIABLES):
    return source(*entries, path=f"railway-variables.{environment}.json", kind=kind, environment=environment)


def test_drift_missing_and_different() -> None:
    dotenv = source(entry("NODE_ENV", "production"), entry("JWT_SECRET", JWT_STRONG),
                    entry("OPENAI_API_KEY", "FAKE-local"), entry("DATABASE_URL", "${{ Postgres.DATABASE_URL }}"))
    export = _export(entry("NODE_ENV", "production"), entry("OPENAI_API_KEY", "FAKE-railway"),
                     entry("DATABASE_URL", "postgresql://u:FAKE@postgres.railway.internal:5432/railway"))
    hits = run_workspace(drift, {}, dotenv, export)
    assert messages(hits) == [
        "JWT_SECRET is in .env.production but not in the Railway export railway-variables.production.json",
        "OPENAI_API_KEY differs between .env.production and the Railway export railway-variables.production.json",
    ]
    assert all(h.source is dotenv for h in hits)
    assert [h.entry.line for h in hits] == [2, 3]
    assert messages(run_workspace(drift, {"compare_values": False}, dotenv, export)) == messages(hits)[:1]
    assert run_workspace(drift, {"ignore_keys": ["JWT_SECRET", "OPENAI_API_KEY"]}, dotenv, export) == []


def test_drift_skips_sealed_keys_known_from_the_environment_config() -> None:
    dotenv = source(entry("JWT_SECRET", JWT_STRONG))
    export = _export(entry("NODE_ENV", "production"))
    config = source(entry("JWT_SECRET", None, sealed=True, service="svc"), path="railway-environment.production.json",
                    kind=SourceKind.RAILWAY_ENVIRONMENT)
    assert run_workspace(drift, {}, dotenv, export, config) == []


def test_drift_needs_an_export_of_the_same_environment() -> None:
    dotenv = source(entry("JWT_SECRET", JWT_STRONG))
    staging = _export(entry("NODE_ENV", "staging"), environment="staging")
    template = source(entry("JWT_SECRET", "x"), path=".env.example", environment=None)
    assert run_workspace(drift, {}, dotenv, staging, template) == []


def test_drift_kv_export_multiline_compares_presence_only() -> None:
    dotenv = source(entry("PRIVATE_KEY", "-----BEGIN FAKE KEY-----\nAAAA\n-----END FAKE KEY-----"))
    kv = _export(entry("PRIVATE_KEY", "-----BEGIN FAKE KEY-----"), kind=SourceKind.RAILWAY_VARIABLES_KV)
    assert run_workspace(drift, {}, dotenv, kv) == []


def test_reuse_across_environments() -> None:
    prod = source(entry("JWT_SECRET", JWT_STRONG), entry("NODE_ENV", "production"))
    staging = source(entry("JWT_SECRET", JWT_STRONG_STAGING), entry("SESSION_SECRET", JWT_STRONG),
                     path=".env.staging", environment="staging")
    prod_export = _export(entry("JWT_SECRET", JWT_STRONG))
    hits = run_workspace(reuse, {}, prod, staging, prod_export)
    # One problem, one hit: at the first place, every other place as a related location.
    assert messages(hits) == [
        "JWT_SECRET has the same value in 2 environments (production: .env.production:1, "
        "railway-variables.production.json:1; staging: .env.staging:2 as SESSION_SECRET)"]
    assert [h.source.path for h in hits] == [".env.production"]
    assert [(s.path, e.key, e.line) for s, e in hits[0].related] == [
        ("railway-variables.production.json", "JWT_SECRET", 1), (".env.staging", "SESSION_SECRET", 2)]
    assert all(JWT_STRONG not in h.message for h in hits)


def test_reuse_within_one_environment_only_is_not_reuse() -> None:
    prod = source(entry("JWT_SECRET", JWT_STRONG))
    prod_export = _export(entry("JWT_SECRET", JWT_STRONG))
    assert run_workspace(reuse, {}, prod, prod_export) == []


def test_reuse_skips_non_secrets_placeholders_weak_short_references_and_templates() -> None:
    prod = source(entry("JWT_SECRET", "changeme-now"), entry("PUBLIC_ID", JWT_STRONG),
                  entry("A_SECRET", "password"), entry("PIN", "1234"), entry("DB", "${{ Postgres.DATABASE_URL }}"))
    staging = source(*prod.entries, path=".env.staging", environment="staging")
    template = source(entry("JWT_SECRET", JWT_STRONG), path=".env.example", environment=None)
    hits = run_workspace(reuse, {}, prod, staging, template, is_secret=lambda e: e.key != "PUBLIC_ID")
    assert hits == []
