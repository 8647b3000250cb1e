"""Every kind of checks.kinds: documented, strict params, and no value ever in a message."""

from __future__ import annotations

import pytest
from kind_support import entry, run_entry, source

from etc_policy.checks.kinds import KINDS
from etc_policy.schema import Invalid

# Minimal valid params for kinds that need some.
PARAMS: dict[str, dict] = {
    "equals": {"value": "expected"}, "one_of": {"values": ["a", "b"]}, "not_one_of": {"values": ["a"]},
    "regex": {"pattern": "^never$"}, "length": {"min": 200}, "integer": {"min": 1},
    "boolean": {"required": False}, "url": {"https_only": True, "credentials": "forbidden"},
    "reference": {"mode": "required"}, "required": {"keys": ["X"]}, "forbidden": {"keys": ["X"]},
    "template_sync": {"direction": "missing_in_template"},
    "pointer_required": {"pointers": ["/deploy/healthcheckPath"]},
}
SENTINELS = ["FAKEs3cr3tVALUE-x9Q2", "http://user:FAKEs3cr3tVALUE@localhost", "FAKE", "changeme-FAKE",
             "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE1Nzc4MzY4MDB9.FAKEsig", "cloudinary://1:FAKEs3cr3t@c"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_kind_contract(kind: str) -> None:
    module = KINDS[kind]
    assert module.KIND == kind
    assert module.SCOPE in ("entry", "source", "workspace")
    assert module.__doc__ and kind in module.__doc__.split(":")[0]
    params = module.Params(**PARAMS.get(kind, {}))
    with pytest.raises(Invalid):       # extra="forbid"
        module.Params(**PARAMS.get(kind, {}), no_such_param=1)
    with pytest.raises(AttributeError):       # frozen
        setattr(params, next(iter(module.Params.model_fields)), None)


@pytest.mark.parametrize("kind", sorted(k for k, m in KINDS.items() if m.SCOPE == "entry"))
@pytest.mark.parametrize("value", SENTINELS)
def test_entry_kinds_never_put_the_value_in_a_message(kind: str, value: str) -> None:
    module = KINDS[kind]
    target = entry("SOME_SECRET", value, sealed=False)
    src = source(target, path=".env.example", environment=None)
    for hit in run_entry(module, PARAMS.get(kind, {}), target, src=src):
        assert value not in hit.message
        assert hit.hint is None or value not in hit.hint
