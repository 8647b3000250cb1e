"""etc_policy.schema: light models validated through a pydantic twin behave like the pydantic
models they replace (same values, same errors), and never import pydantic unless validating."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from typing import Any, Literal

import pydantic
import pytest

from etc_policy import schema
from etc_policy.schema import ConfigDict, Field, Invalid, Model, field_validator, model_validator

CANARY = "FAKE-canary-schema-Qw7Er4Ty1Uo9"


# The same declarations twice: as pydantic models, and as light models.
class PInner(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")
    name: str = pydantic.Field(pattern=r"^[a-z]+$")
    weight: float = pydantic.Field(default=1.0, gt=0, le=10)


class POuter(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(frozen=True, extra="forbid")
    inner: PInner = PInner.model_construct(name="x")
    items: tuple[PInner, ...] = ()
    by_key: dict[str, PInner] = pydantic.Field(default_factory=dict)
    mode: Literal["a", "b"] = "a"
    low: int | None = pydantic.Field(default=None, ge=0)
    high: int | None = None

    @pydantic.field_validator("items", mode="before")
    @classmethod
    def _names_as_items(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value

    @pydantic.model_validator(mode="after")
    def _bounds(self) -> POuter:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is greater than high")
        return self


class Inner(Model):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    name: str = Field(pattern=r"^[a-z]+$")
    weight: float = Field(default=1.0, gt=0, le=10)


class Outer(Model):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
    inner: Inner = Inner.model_construct(name="x")
    items: tuple[Inner, ...] = ()
    by_key: dict[str, Inner] = Field(default_factory=dict)
    mode: Literal["a", "b"] = "a"
    low: int | None = Field(default=None, ge=0)
    high: int | None = None

    @field_validator("items", mode="before")
    @classmethod
    def _names_as_items(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _bounds(self) -> Outer:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError("low is greater than high")
        return self

    @property
    def span(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low


class Extended(Outer):
    extra_flag: bool = False


INPUTS: list[Any] = [
    {},
    {"inner": {"name": "abc", "weight": 2.5}},
    {"items": ["a", {"name": "b", "weight": 3}], "by_key": {"k": {"name": "c"}}},
    {"mode": "b", "low": 1, "high": 5},
    {"low": 5, "high": 1},                          # the model validator
    {"inner": {"name": "ABC"}},                     # pattern
    {"inner": {"name": "abc", "weight": 0}},        # gt
    {"items": [{"name": "a", "nope": 1}]},          # extra, nested
    {"mode": "c"},                                  # literal
    {"low": -1},                                    # ge
    {"low": "x"},                                   # type
    {"unknown": CANARY},                            # extra at the top
    {"by_key": {"k": {"name": CANARY}}},            # pattern, a value that must not leak
    [],                                             # not a mapping
]


def _errors(run: Any) -> list[tuple[Any, ...]] | Any:
    try:
        result = run()
    except (pydantic.ValidationError, Invalid) as exc:
        # (the pydantic models' names carry a P: the messages name the class)
        return [(e["type"], e["loc"], e["msg"].replace("POuter", "Outer").replace("PInner", "Inner"))
                for e in exc.errors(include_url=False, include_input=False)]
    return result


@pytest.mark.parametrize("data", INPUTS, ids=[json.dumps(d)[:40] for d in INPUTS])
def test_light_models_validate_like_pydantic(data: Any) -> None:
    expected = _errors(lambda: POuter.model_validate(data))
    got = _errors(lambda: Outer.model_validate(data))
    if isinstance(expected, list):
        assert got == expected
    else:
        assert isinstance(got, Outer)
        assert _plain(got) == expected.model_dump()
        assert got.model_fields_set == expected.model_fields_set


def _plain(value: Any) -> Any:
    if isinstance(value, Model):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def test_validated_values_are_light_all_the_way_down() -> None:
    outer = Outer(items=["a"], by_key={"k": {"name": "b"}}, low=1, high=4)
    assert type(outer) is Outer and type(outer.items[0]) is Inner
    assert type(outer.by_key["k"]) is Inner and type(outer.inner) is Inner
    assert outer.span == 3                          # properties and methods are the class's
    assert Extended(extra_flag=True, low=2).extra_flag is True
    assert type(Extended.model_validate({"items": ["z"]}).items[0]) is Inner
    with pytest.raises(Invalid, match="low is greater than high"):
        Extended(low=3, high=1)                     # inherited validators apply


def test_construct_copy_equality_hash_frozen_pickle() -> None:
    built = Outer.model_construct()
    assert built.by_key == {} and built.mode == "a" and built.model_fields_set == set()
    assert Outer.model_construct().by_key is not built.by_key      # default_factory per instance
    one = Outer(low=1)
    assert one == Outer(low=1) and one != Outer(low=2)
    assert hash(Inner(name="a")) == hash(Inner(name="a"))   # (a dict field: unhashable, as pydantic)
    copy = one.model_copy(update={"high": 9})
    assert (copy.low, copy.high, one.high) == (1, 9, None)
    with pytest.raises(AttributeError):
        one.low = 3  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(one))
    assert again == one and again.model_fields_set == one.model_fields_set
    assert Outer.model_fields["low"].default is None


def test_an_invalid_value_never_appears_in_the_error_text() -> None:
    with pytest.raises(Invalid) as caught:
        Outer.model_validate({"by_key": {"k": {"name": CANARY}}, "unknown": CANARY})
    assert CANARY not in str(caught.value)
    assert CANARY not in repr(caught.value)
    assert "by_key.k.name" in str(caught.value)


def test_declaring_and_constructing_never_import_pydantic() -> None:
    """A fresh interpreter: declaring models, model_construct and model_copy leave pydantic
    unimported; validating imports it (without asyncio)."""
    script = """
import sys
from etc_policy.schema import Model, Field, field_validator
class M(Model):
    a: int = Field(default=1, ge=0)
    @field_validator("a")
    @classmethod
    def _a(cls, v):
        return v
m = M.model_construct(a=3).model_copy(update={"a": 4})
assert m.a == 4
assert not [n for n in sys.modules if n.startswith("pydantic")], "pydantic imported"
assert M.model_validate({"a": 2}).a == 2
assert "pydantic" in sys.modules and "asyncio" not in sys.modules
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_every_shipped_model_has_a_twin_with_its_fields() -> None:
    """The packs', the config's and every check kind's models build twins whose fields are
    the declared ones (a declaration the twin would drop is caught here)."""
    from etc_policy import config, policy
    from etc_policy.checks import REGISTRY

    models = [policy.Select, policy.Docs, policy.RuleSpec, policy.SecretsSpec,
              policy.RuleOverride, policy.PackSpec, config.SourceEntry, config.EnvironmentConfig,
              config.RuleSetting, config.RotationConfig, config.ProjectConfig,
              *(module.Params for module in REGISTRY.values())]
    for model in models:
        assert set(schema.twin(model).model_fields) == set(model.model_fields), model
