from __future__ import annotations

from etc_policy.secrets.keyed import KeyedHasher


def test_same_salt_same_fingerprint_different_salt_differs() -> None:
    one = KeyedHasher(b"salt-one")
    assert one("FAKE-secret") == KeyedHasher(b"salt-one").fingerprint("FAKE-secret")
    assert one("FAKE-secret") != KeyedHasher(b"salt-two")("FAKE-secret")
    assert one("FAKE-secret") != one("FAKE-secret2")
    assert len(one("x")) == 64


def test_random_salt_per_instance_and_hidden_repr() -> None:
    assert KeyedHasher()("FAKE") != KeyedHasher()("FAKE")
    hasher = KeyedHasher(b"topsecretsalt")
    assert "topsecret" not in repr(hasher)
    assert hasher.same("a", "a") and not hasher.same("a", "b")
