"""etc_policy.record behaves as dataclass(frozen=True, slots=True) for what the package uses."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar

import pytest

from etc_policy.record import FrozenInstanceError, field, fields, is_record, record, replace


@record
class Point:
    """A point."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default_factory=tuple, repr=False)
    cache: object = field(default=None, init=False, compare=False, repr=False)
    KIND: ClassVar[str] = "point"

    def norm(self) -> int:
        return abs(self.x) + abs(self.y)


@dataclasses.dataclass(frozen=True, slots=True)
class Twin:
    """The dataclass Point mirrors."""

    x: int
    y: int = 0
    tags: tuple[str, ...] = dataclasses.field(default_factory=tuple, repr=False)
    cache: object = dataclasses.field(default=None, init=False, compare=False, repr=False)
    KIND: ClassVar[str] = "point"


@record(frozen=False)
class Counter:
    total: int = 0


def test_behaves_like_the_frozen_slotted_dataclass() -> None:
    a, twin = Point(1, 2, ("t",)), Twin(1, 2, ("t",))
    assert repr(a).replace("Point", "Twin") == repr(twin)
    assert a == Point(1, 2, ("t",)) and a != Point(1, 3) and a != (1, 2)
    assert hash(a) == hash(Point(1, 2, ("t",)))
    assert Point.__slots__ == ("x", "y", "tags", "cache") and not hasattr(a, "__dict__")
    assert Point.__match_args__ == Twin.__match_args__ == ("x", "y", "tags")
    assert Point.__doc__ == "A point." and Point.KIND == "point" and a.norm() == 3
    assert Point(1).tags == () and Point(1).cache is None
    assert [f.name for f in fields(Point)] == [f.name for f in dataclasses.fields(Twin)]
    match a:
        case Point(1, y):
            assert y == 2


def test_compare_false_fields_are_left_out_of_eq_and_hash() -> None:
    a, b = Point(1), Point(1)
    object.__setattr__(b, "cache", "filled")
    assert a == b and hash(a) == hash(b)


def test_frozen() -> None:
    a = Point(1)
    with pytest.raises(FrozenInstanceError, match="cannot assign to field 'x'"):
        a.x = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del a.y
    with pytest.raises(AttributeError):
        a.other = 1  # type: ignore[attr-defined]


def test_replace_and_its_refusals() -> None:
    a = Point(1, 2, ("t",))
    assert replace(a, y=5) == Point(1, 5, ("t",))
    assert replace(a) == a and replace(a) is not a
    with pytest.raises(ValueError, match="init=False"):
        replace(a, cache=1)
    with pytest.raises(TypeError):
        replace(a, nope=1)


def test_pickle_and_copy_keep_unset_and_frozen_fields() -> None:
    a = Point(1, 2)
    for copied in (pickle.loads(pickle.dumps(a)), copy.copy(a), copy.deepcopy(a)):
        assert copied == a and copied.cache is None
    mutable = Counter(3)
    assert pickle.loads(pickle.dumps(mutable)) == mutable


def test_mutable_records_assign_and_are_unhashable() -> None:
    counter = Counter()
    counter.total += 2
    assert counter == Counter(2)
    with pytest.raises(TypeError):
        hash(counter)


def test_is_record() -> None:
    assert is_record(Point) and is_record(Point(1)) and not is_record(Twin) and not is_record(1)
    with pytest.raises(TypeError):
        fields(Twin)


def test_declaration_errors() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b'"):
        @record
        class Bad:
            a: int = 0
            b: int

    with pytest.raises(ValueError, match="mutable default"):
        @record
        class Mutable:
            a: list = []  # noqa: RUF012

    with pytest.raises(TypeError, match="__post_init__"):
        @record
        class Post:
            a: int

            def __post_init__(self) -> None: ...

    with pytest.raises(ValueError, match="both default and default_factory"):
        field(default=1, default_factory=int)

