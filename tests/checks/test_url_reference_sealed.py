"""url, reference, sealed, cloudinary_url."""

from __future__ import annotations

import pytest
from kind_support import CLOUD_URL, entry, messages, run_entry, source

from etc_policy.checks import cloudinary_url, reference, sealed, url
from etc_policy.model import SourceKind
from etc_policy.schema import Invalid

PUBLIC = {"https_only": True, "forbid_localhost": True, "forbid_private": True, "multiple": True,
          "allow_wildcard": True}
RAILWAY_PG = {"schemes": ["postgresql", "postgres"], "credentials": "required",
              "host_pattern": r"([a-z0-9-]+\.)*railway\.internal|([a-z0-9-]+\.)*proxy\.rlwy\.net"}


@pytest.mark.parametrize(("value", "expected"), [
    ("https://app.example.com", None),
    ("https://app.example.com, https://admin.example.com", None),
    ("*", None),
    ("https://${{ frontend.RAILWAY_PUBLIC_DOMAIN }}", None),
    ("http://app.example.com", "FRONTEND_URL must use https, not http"),
    ("https://localhost:3000", "FRONTEND_URL points to localhost"),
    ("https://127.0.0.1", "FRONTEND_URL points to localhost"),
    ("https://[::1]:8080", "FRONTEND_URL points to localhost"),
    ("https://192.168.1.20", "FRONTEND_URL points to a private or link-local address"),
    ("https://169.254.169.254/latest", "FRONTEND_URL points to a private or link-local address"),
    ("https://printer.local", "FRONTEND_URL points to a private or link-local address"),
    ("https://a.example.com,http://b.example.com", "FRONTEND_URL must use https, not http"),
    ("app.example.com", "FRONTEND_URL is not a URL (scheme://host…)"),
    ("https://host:99999999", "FRONTEND_URL is not a URL (scheme://host…)"),
    ("", "FRONTEND_URL is not a URL (scheme://host…)"),
])
def test_public_urls(value: str, expected: str | None) -> None:
    hits = run_entry(url, PUBLIC, entry("FRONTEND_URL", value))
    assert messages(hits) == ([] if expected is None else [expected])


@pytest.mark.parametrize(("value", "expected"), [
    ("postgresql://postgres:FAKEpw@postgres.railway.internal:5432/railway", None),
    ("postgresql://postgres:FAKEpw@shuttle.proxy.rlwy.net:15140/railway", None),
    ("postgres://postgres:FAKEpw@POSTGRES.RAILWAY.INTERNAL:5432/railway", None),
    ("${{ Postgres.DATABASE_URL }}", None),
    ("postgresql://postgres:FAKEpw@db.example.com:5432/app", "DATABASE_URL has a host outside the allowed ones"),
    ("postgresql://postgres:FAKEpw@proxy.rlwy.net.evil.com:5432/x", "DATABASE_URL has a host outside the allowed ones"),
    ("mysql://root:FAKEpw@mysql.railway.internal:3306/railway", "DATABASE_URL must use the scheme postgresql or postgres, not mysql"),
    ("postgresql://postgres.railway.internal:5432/railway", "DATABASE_URL has no credentials (user:password@)"),
])
def test_railway_postgres(value: str, expected: str | None) -> None:
    hits = run_entry(url, RAILWAY_PG, entry("DATABASE_URL", value))
    assert messages(hits) == ([] if expected is None else [expected])
    if hits:
        assert "FAKEpw" not in hits[0].message


def test_url_credentials_forbidden_and_forbid_host() -> None:
    params = {"credentials": "forbidden", "forbid_host_pattern": r"([a-z0-9-]+\.)*proxy\.rlwy\.net"}
    assert messages(run_entry(url, params, entry("U", "https://u:FAKEpw@a.example.com"))) == [
        "U embeds credentials (user:password@)"]
    assert messages(run_entry(url, {"forbid_host_pattern": params["forbid_host_pattern"]},
                              entry("U", "postgresql://u:p@roundhouse.proxy.rlwy.net:1/r"))) == [
        "U has a forbidden host"]
    assert run_entry(url, {}, entry("U", "redis://default:FAKEpw@redis.railway.internal:6379")) == []
    with pytest.raises(Invalid):
        url.Params(host_pattern="(")


def test_railway_internal_is_not_private() -> None:
    assert run_entry(url, PUBLIC | {"https_only": False},
                     entry("API_URL", "http://api.railway.internal:8080")) == []


@pytest.mark.parametrize(("value", "params", "expected"), [
    ("${{ Postgres.DATABASE_URL }}", {"mode": "required", "namespace": "Postgres"}, None),
    ("${{postgres.DATABASE_URL}}", {"mode": "required", "namespace": "Postgres"}, None),
    ("postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/x",
     {"mode": "required"}, None),
    ("postgresql://postgres:FAKEpw@postgres.railway.internal:5432/railway",
     {"mode": "required", "namespace": "Postgres"},
     "DATABASE_URL must be a Railway reference such as ${{ Postgres.DATABASE_URL }}, not a literal"),
    ("${{ Redis.REDIS_URL }}", {"mode": "required", "namespace": "Postgres"},
     "DATABASE_URL must reference the Postgres service"),
    ("${{ shared.DATABASE_URL }}", {"mode": "forbidden"},
     "DATABASE_URL must be a literal value, not a Railway reference"),
    ("postgresql://x", {"mode": "forbidden"}, None),
])
def test_reference(value: str, params: dict, expected: str | None) -> None:
    hits = run_entry(reference, params, entry("DATABASE_URL", value))
    assert messages(hits) == ([] if expected is None else [expected])


def test_sealed() -> None:
    cfg = source(entry("JWT_SECRET", "FAKE-unsealed-value", sealed=False, service="svc-123"),
                 entry("OPENAI_API_KEY", None, sealed=True, service="svc-123"),
                 entry("DATABASE_URL", "${{ Postgres.DATABASE_URL }}", sealed=False, service="svc-123"),
                 entry("SHARED_TOKEN", "FAKE-shared", sealed=False),
                 entry("UNKNOWN", "FAKE", sealed=None),
                 path="railway-environment.production.json", kind=SourceKind.RAILWAY_ENVIRONMENT)
    hits = [h for e in cfg.entries for h in run_entry(sealed, {}, e, src=cfg)]
    assert messages(hits) == ["JWT_SECRET is a secret but not sealed in Railway (service svc-123)",
                              "SHARED_TOKEN is a secret but not sealed in Railway (shared variable)"]
    assert len(run_entry(sealed, {"allow_reference": False}, cfg.entries[2], src=cfg)) == 1


@pytest.mark.parametrize(("value", "expected"), [
    (CLOUD_URL, None),
    ("https://api.cloudinary.com/v1_1/demo",
     "CLOUDINARY_URL is not of the form cloudinary://<api_key>:<api_secret>@<cloud_name>"),
    ("cloudinary://123456789012345@demo-cloud", "CLOUDINARY_URL has no API secret"),
    (CLOUD_URL.replace("123456789012345", "12345"), "CLOUDINARY_URL has a malformed API key"),
    (CLOUD_URL.replace("FAKE", "FAKE!"), "CLOUDINARY_URL has a malformed API secret"),
])
def test_cloudinary_url(value: str, expected: str | None) -> None:
    hits = run_entry(cloudinary_url, {}, entry("CLOUDINARY_URL", value))
    assert messages(hits) == ([] if expected is None else [expected])
