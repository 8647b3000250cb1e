from __future__ import annotations

import base64
import json
from pathlib import Path
from types import ModuleType
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.model import Entry, Source, SourceKind, Workspace
from etc_policy.scan.needles import aligned_base64, is_needle_value, needles_for, secret_forms
from etc_policy.secrets.classify import SecretClassifier
from tests.scan.conftest import workspace_of


@settings(max_examples=300, deadline=None)
@given(value=st.binary(min_size=8, max_size=60), prefix=st.binary(max_size=10),
       suffix=st.binary(max_size=10))
def test_aligned_base64_is_inside_the_encoding_of_any_blob(value: bytes, prefix: bytes,
                                                           suffix: bytes) -> None:
    needle = aligned_base64(value, len(prefix) % 3)
    blob = prefix + value + suffix
    assert needle in base64.b64encode(blob)
    assert needle.translate(bytes.maketrans(b"+/", b"-_")) in base64.urlsafe_b64encode(blob)
    # Only the characters that depend on the value alone: at most 3 + 1 lost per side.
    assert len(needle) >= len(value) * 4 // 3 - 5


def test_aligned_base64_worked_example() -> None:
    # "secretvalue1" at offset 1: "x" + value encodes as eHNlY3JldHZhbHVlMQ==; the first two
    # characters carry bits of "x", the last kept one ends the value's last full group.
    assert aligned_base64(b"secretvalue1", 1) == base64.b64encode(b"xsecretvalue1")[2:-3]
    assert aligned_base64(b"secretvalue1", 0) == base64.b64encode(b"secretvalue1")


def test_secret_forms_cover_every_encoding() -> None:
    value = "FAKE/sess+secret=with \"quotes\""
    forms = dict(secret_forms(value))
    assert forms["raw"] == value.encode()
    assert forms["json"] == json.dumps(value)[1:-1].encode()
    assert forms["json-slash"] == json.dumps(value)[1:-1].replace("/", "\\/").encode()
    assert forms["url-quote"] == quote(value, safe="").encode()
    assert forms["url-quote-slash"] == quote(value).encode()
    assert forms["url-quote-plus"] == quote_plus(value).encode()
    assert forms["base64"] == base64.b64encode(value.encode())
    assert forms["base64-unpadded"] == base64.b64encode(value.encode()).rstrip(b"=")
    assert forms["base64url"] == base64.urlsafe_b64encode(value.encode())
    assert {f"base64@{k}" for k in range(3)} <= forms.keys()
    assert {f"base64url@{k}" for k in range(3)} <= forms.keys()


@pytest.mark.parametrize("value", ["true", "3000", "production", "short", "${{ Postgres.PGPASSWORD }}",
                                   "sk-proj-YOUR_KEY_HERE", "changeme-please", "xxxxxxxxxxxx",
                                   "aaaaaaaaaaaa", "12345678.5"])
def test_plain_values_are_never_needles(value: str) -> None:
    assert not is_needle_value(value)
    assert list(secret_forms(value)) == []


def test_url_passwords_are_needles_of_their_own() -> None:
    forms = list(secret_forms("postgresql://postgres:FAKE%2Fpg%40Pass9x@db.internal:5432/railway"))
    passwords = [data for encoding, data in forms if encoding == "url-password"]
    assert passwords == [b"FAKE%2Fpg%40Pass9x", b"FAKE/pg@Pass9x"]
    template = list(secret_forms("postgresql://user:password@localhost:5432/app"))
    assert [e for e, _ in template if e == "url-password"] == []


def test_pem_body_lines_are_needles() -> None:
    pem = ("-----BEGIN PRIVATE KEY-----\nMIIEvFAKEtestQIBADANBgkqhkiG9w0BAQEFAASC\n"
           "BKcwggSjAgEAAoIBAQFAKEtestC7bM3bX9q2\n-----END PRIVATE KEY-----\n")
    lines = [data for encoding, data in secret_forms(pem) if encoding == "pem-line"]
    assert lines == [b"MIIEvFAKEtestQIBADANBgkqhkiG9w0BAQEFAASC", b"BKcwggSjAgEAAoIBAQFAKEtestC7bM3bX9q2"]


def test_needles_for_the_bench_env(tmp_path: Path, make_log: ModuleType,
                                   classifier: SecretClassifier) -> None:
    make_log.write_env(tmp_path / ".env.production")
    needles = needles_for(workspace_of(tmp_path), classifier)
    variables = {n.variable for n in needles}
    assert variables == set(make_log.ENV)            # PORT, NODE_ENV, DEBUG, PUBLIC_URL are not
    assert len({n.value for n in needles}) == len(needles)
    assert [n.id for n in needles] == list(range(len(needles)))
    assert {n.environment for n in needles} == {"production"}
    by_value = {n.value: n for n in needles}
    for variable, value in make_log.ENV.items():
        assert by_value[value.encode()].encoding == "raw"
        assert by_value[value.encode()].variable == variable
    for variable, password in make_log.URL_PARTS.items():
        assert by_value[password.encode()].encoding == "url-password"
        assert by_value[password.encode()].variable == variable
    # Values whose JSON or URL form is the raw form keep "raw" (the first encoding wins).
    assert by_value[make_log.ENV["JWT_SECRET"].encode()].encoding == "raw"


def test_shared_values_are_one_needle_naming_the_others() -> None:
    value = "FAKEshared-SECRET-q8Lm2Vx9Tz4"
    source = Source(path=".env", kind=SourceKind.DOTENV, environment=None, entries=(
        Entry("API_TOKEN", value, 1), Entry("LEGACY_TOKEN", value, 2)))
    needles = needles_for(Workspace(root=Path("."), sources=(source,)), lambda entry: True)
    raw = [n for n in needles if n.value == value.encode()]
    assert len(raw) == 1
    assert (raw[0].variable, raw[0].encoding, raw[0].also) == ("API_TOKEN", "raw", ("LEGACY_TOKEN",))


def test_needle_repr_hides_the_value() -> None:
    value = "FAKEhidden-SECRET-q8Lm2Vx9Tz4"
    source = Source(path=".env", kind=SourceKind.DOTENV, environment=None,
                    entries=(Entry("API_TOKEN", value, 1),))
    for needle in needles_for(Workspace(root=Path("."), sources=(source,)), lambda entry: True):
        assert "FAKEhidden" not in repr(needle)
        assert repr(needle.value)[2:-1] not in repr(needle)
