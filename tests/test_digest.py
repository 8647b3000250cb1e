"""etc_policy.digest gives hashlib's and hmac's bytes without loading OpenSSL."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy.digest import Hmac, sha256


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_sha256_is_hashlibs(data: bytes) -> None:
    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()


@settings(max_examples=300, deadline=None)
@given(key=st.binary(max_size=200), messages=st.lists(st.binary(max_size=200), max_size=4))
def test_hmac_is_the_standard_librarys(key: bytes, messages: list[bytes]) -> None:
    """Keys shorter than, equal to and longer than the 64-byte block; one key, many messages
    (the pre-hashed pads are copied, never consumed)."""
    keyed = Hmac(key)
    for message in messages:
        assert keyed.digest(message) == hmac.new(key, message, hashlib.sha256).digest()


def test_block_sized_keys() -> None:
    for size in (63, 64, 65, 128):
        key = bytes(range(size))
        assert Hmac(key).digest(b"m") == hmac.new(key, b"m", hashlib.sha256).digest()

