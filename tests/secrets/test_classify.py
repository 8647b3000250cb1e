from __future__ import annotations

from etc_policy.model import Entry
from etc_policy.policy import Pack, SecretsSpec
from etc_policy.secrets.classify import SecretClassifier

KEYS = "(?i).*(SECRET|TOKEN|PASSWORD|API_KEY)"


def pack(name: str, **secrets: object) -> Pack:
    return Pack(name=name, path=f"{name}.yaml", description="", secrets=SecretsSpec(**secrets), rules=())


def classifier() -> SecretClassifier:
    base = pack("base", keys=(KEYS,), not_keys=("(?i)NEXT_PUBLIC_.*",),
                detectors=("openai", "url-credentials", "stripe"))
    child = Pack(name="child", path="child.yaml", description="", rules=(), parents=(base,),
                 secrets=SecretsSpec(detectors=("high-entropy",)))
    return SecretClassifier.from_packs([child])


def entry(key: str, value: object) -> Entry:
    return Entry(key=key, value=value, line=1)


def test_secret_by_key_names_pattern_and_pack_even_when_empty() -> None:
    reason = classifier().classify(entry("JWT_SECRET", ""))
    assert reason is not None and reason.by == "key" and reason.empty
    assert str(reason) == "key matches '(?i).*(SECRET|TOKEN|PASSWORD|…' from pack base (empty value)"
    assert str(classifier().classify(entry("JWT_SECRET", "x"))) == \
        "key matches '(?i).*(SECRET|TOKEN|PASSWORD|…' from pack base"
    assert reason.rule == KEYS  # the whole pattern stays on the reason


def test_a_key_pattern_is_shown_short() -> None:
    """The "why" names the pattern by its start, cut after an alternative: a whole
    alternation of 120 characters buried the listing."""
    from etc_policy.secrets.classify import SecretReason

    assert str(SecretReason("key", "CLOUDINARY_URL", "p")) == "key matches 'CLOUDINARY_URL' from pack p"
    long = "(?i)(DATABASE|DATABASE_PUBLIC|POSTGRES|PG|REDIS)_(URL|URI)"
    assert str(SecretReason("key", long)) == "key matches '(?i)(DATABASE|DATABASE_PUBLIC|…'"
    assert str(SecretReason("key", "A" * 40)) == f"key matches '{'A' * 32}…'"


def test_secret_by_detector() -> None:
    reason = classifier().classify(entry("LLM_KEY", "sk-proj-FAKEtest0123456789abcdefghijklmnop"))
    assert reason is not None and str(reason) == "detector openai"
    assert str(classifier().classify(entry("DB", "postgresql://u:FAKEpw@db.example.com/x"))) == \
        "detector url-credentials"
    assert str(classifier().classify(entry("X", "Xy3kP9qLm2ZtR8vWn4BcD7fGh1JkL0sQ"))) == "detector high-entropy"


def test_not_keys_withdraw_the_key_match_only() -> None:
    assert classifier().classify(entry("NEXT_PUBLIC_API_KEY", "pk_live_FAKEpublic")) is None
    leaked = classifier().classify(entry("NEXT_PUBLIC_API_KEY", "sk_live_FAKE51HxEXAMPLEabcdefghij"))
    assert leaked is not None and leaked.rule == "stripe"


def test_references_empty_and_obvious_values_are_not_secret_by_value() -> None:
    c = classifier()
    for value in ("${{ Postgres.DATABASE_URL }}", "", "true", "3000", "production", None, 42):
        assert c.classify(entry("SOME_VALUE", value)) is None
    assert not c(entry("PORT", "3000"))
    # A literal password next to a reference is still a literal password.
    mixed = "postgresql://u:FAKEpw@${{RAILWAY_PRIVATE_DOMAIN}}:5432/railway"
    assert c(entry("DB", mixed))
    assert not c(entry("DB", "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{H}}:5432/railway"))


def test_reference_value_with_a_secret_key_is_secret_by_key() -> None:
    assert classifier()(entry("OPENAI_API_KEY", "${{ shared.OPENAI_API_KEY }}"))


def test_union_and_repr_without_values() -> None:
    c = classifier()
    assert repr(c) == "SecretClassifier(keys=1, not_keys=1, detectors=['openai', 'url-credentials', 'stripe', 'high-entropy'])"
    assert SecretClassifier.from_packs([]).classify(entry("JWT_SECRET", "x")) is None
