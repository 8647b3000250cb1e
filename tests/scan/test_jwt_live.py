"""Live tokens: verified against the environment's JWT secret (python-jose), or not at all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from jose import jwt

from etc_policy.discovery import SourceSpec, load_workspace
from etc_policy.scan.jwt_live import JwtKey, JwtVerifier, Liveness, key_selector, signing_keys

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SECRET = "FAKE-test-jwt-Kq7Wm2Xz9Rv4Tn8Lp3HsQw7Er4Ty1Uo9P"
OTHER = "FAKE-other-Zt5Yx3Wv1Us9Rq7Po5Nm3Lk1Jh9Gf7Ed5"
FUTURE, PAST = 4102444800, 1577836800   # 2100-01-01, 2020-01-01
JWT_IO_SAMPLE = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
                 "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


def token(claims: dict, key: str = SECRET, algorithm: str = "HS256") -> bytes:
    return jwt.encode(claims, key, algorithm=algorithm).encode()


def verifier(*secrets: str) -> JwtVerifier:
    return JwtVerifier([JwtKey("JWT_SECRET", "production", s) for s in secrets or (SECRET,)],
                       now=NOW)


@pytest.mark.parametrize("algorithm", ["HS256", "HS384", "HS512"])
def test_a_token_signed_with_the_environment_secret_is_live(algorithm: str) -> None:
    verdict = verifier().verdict(token({"sub": "42", "exp": FUTURE}, algorithm=algorithm))
    assert verdict is not None
    assert (verdict.liveness, verdict.variable, verdict.environment, verdict.algorithm) == \
        (Liveness.LIVE, "JWT_SECRET", "production", algorithm)
    assert verdict.expires == datetime(2100, 1, 1, tzinfo=UTC)


def test_a_token_signed_with_another_secret_is_nothing() -> None:
    assert verifier().verdict(token({"sub": "42", "exp": FUTURE}, key=OTHER)) is None


def test_an_expired_token_is_expired() -> None:
    verdict = verifier().verdict(token({"sub": "42", "exp": PAST}))
    assert verdict is not None and verdict.liveness is Liveness.EXPIRED


def test_a_token_without_exp_is_live_forever() -> None:
    verdict = verifier().verdict(token({"sub": "42"}))
    assert verdict is not None and verdict.liveness is Liveness.LIVE and verdict.expires is None


def test_any_of_several_keys_verifies() -> None:
    verdict = verifier(OTHER, SECRET).verdict(token({"sub": "1"}))
    assert verdict is not None


def test_the_public_sample_token_is_never_reported() -> None:
    # Even where JWT_SECRET is jwt.io's own sample key, its sample token is not a leak.
    assert verifier("your-256-bit-secret").verdict(JWT_IO_SAMPLE.encode()) is None


def test_a_tampered_token_is_nothing() -> None:
    header, payload, signature = token({"sub": "42"}).split(b".")
    forged = jwt.encode({"sub": "1"}, OTHER).encode().split(b".")[1]
    assert verifier().verdict(b".".join((header, forged, signature))) is None
    assert verifier().verdict(b".".join((header, payload, b""))) is None


def test_non_hmac_and_none_algorithms_are_nothing() -> None:
    unsigned = b"eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiI0MiJ9."
    assert verifier().verdict(unsigned) is None


def test_no_secret_in_repr() -> None:
    key = JwtKey("JWT_SECRET", "production", SECRET)
    assert SECRET not in repr(key) and SECRET not in repr(verifier())
    verdict = verifier().verdict(token({"sub": "42"}))
    assert SECRET not in repr(verdict)


def test_signing_keys_come_from_jwt_secret_variables(tmp_path: Path) -> None:
    env = tmp_path / ".env.production"
    env.write_text(f"JWT_SECRET={SECRET}\nSUPABASE_JWT_SECRET={OTHER}\nJWT_EXPIRES_IN=3600\n"
                   "JWT_REFRESH_SECRET=${{shared.JWT_REFRESH_SECRET}}\nSESSION_SECRET=abc\n"
                   "JWT_ACCESS_SECRET=\n")
    workspace = load_workspace([SourceSpec(env)], root=tmp_path)
    keys = signing_keys(workspace, is_key=key_selector(()))
    assert [(k.variable, k.environment) for k in keys] == \
        [("JWT_SECRET", "production"), ("SUPABASE_JWT_SECRET", "production")]


def test_pack_key_patterns_add_to_the_default() -> None:
    is_key = key_selector(("APP_SIGNING_KEY",))
    assert is_key("APP_SIGNING_KEY") and is_key("JWT_SECRET") and is_key("JWT_SIGNING_KEY")
    assert not is_key("JWT_EXPIRES_IN") and not is_key("SESSION_SECRET")
