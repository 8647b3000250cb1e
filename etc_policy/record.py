"""Records: the value classes of etc-policy, declared like dataclasses, made far faster.

`@record` reads a class body written for `@dataclass(frozen=True, slots=True)` (annotated
fields, defaults, `field(...)`) and builds the same thing: a slotted class with `__init__`,
`__repr__`, `__eq__`, `__hash__`, frozen `__setattr__`/`__delattr__`, pickling and
`__match_args__`, plus `replace()`, `fields()` and `is_record()` in place of the dataclasses
functions of those names.

Why not dataclasses: `etc-policy check` is a pre-commit hook. When its whole run took
~90 ms, creating the ~25 dataclasses on its path took 13 ms (each generated method is
compiled by its own `exec`, `inspect.signature` builds a docstring, `_add_slots` rebuilds
the class) and importing `dataclasses` (with `inspect`, `ast`, `dis`, `tokenize`) 4 ms
more. Here a class costs one small `exec` (its `__init__`); the other methods are shared
functions that read the class's field tuples. attrs and msgspec were measured as the
alternatives: importing them costs 8.7 and 2.1 ms on top of what the check already loads
(msgspec also imports `inspect`), against the 0.1 ms of this module.

Supported, as in dataclasses: `field(default=, default_factory=, init=, repr=, compare=,
hash=)`, `ClassVar` annotations (not fields), `@record(frozen=False)` for mutable records.
Not supported (not used here): inheritance between records, `__post_init__`, `kw_only`,
`order`. Annotations stay strings (`from __future__ import annotations`) and are never
evaluated.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, TypeVar

__all__ = ["FrozenInstanceError", "field", "fields", "is_record", "record", "replace"]

T = TypeVar("T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __reduce__(self) -> str:
        return "MISSING"  # unpickles as this module's MISSING: `is MISSING` keeps working


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (dataclasses' exception of the same name)."""


class Field:
    """One declared field (what `fields()` returns)."""

    __slots__ = ("name", "default", "default_factory", "init", "repr", "compare", "hash")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True,
                 repr: bool = True, compare: bool = True, hash: bool | None = None) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.hash = compare if hash is None else hash

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING,
          init: bool = True, repr: bool = True, compare: bool = True,
          hash: bool | None = None) -> Any:
    """A field with options, as `dataclasses.field`."""
    return Field(default, default_factory, init, repr, compare, hash)


def record(cls: type[T] | None = None, /, *, frozen: bool = True) -> Any:
    """Class decorator: `@record` (frozen) or `@record(frozen=False)`."""
    def wrap(target: type[T]) -> type[T]:
        return _build(target, frozen=frozen)

    return wrap if cls is None else wrap(cls)


def is_record(obj: Any) -> bool:
    """True for a record class or instance."""
    return hasattr(obj if isinstance(obj, type) else type(obj), "__record_fields__")


def fields(obj: Any) -> tuple[Field, ...]:
    """The fields of a record class or instance, in declaration order."""
    try:
        return (obj if isinstance(obj, type) else type(obj)).__record_fields__
    except AttributeError:
        raise TypeError("fields() needs a record class or instance") from None


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of `obj` with some init fields changed, as `dataclasses.replace`."""
    for item in fields(obj):
        if not item.init:
            if item.name in changes:
                raise ValueError(f"field {item.name} is declared with init=False, "
                                 "it cannot be specified with replace()")
        elif item.name not in changes:
            changes[item.name] = getattr(obj, item.name)
    return type(obj)(**changes)


def _is_class_var(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _build(cls: type[T], *, frozen: bool) -> type[T]:
    if "__post_init__" in cls.__dict__ or any(is_record(base) for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__qualname__}: @record supports neither __post_init__ nor "
                        "inheriting from a record")
    namespace = dict(cls.__dict__)
    declared: list[Field] = []
    for name, annotation in namespace.get("__annotations__", {}).items():
        if _is_class_var(annotation):
            continue
        value = namespace.pop(name, MISSING)
        item = value if isinstance(value, Field) else Field(default=value)
        item.name = name
        if isinstance(item.default, (list, dict, set)):
            raise ValueError(f"mutable default {type(item.default).__name__} for field {name} "
                             "is not allowed: use default_factory")
        declared.append(item)
    required_after_default = False
    for item in declared:
        has_default = item.default is not MISSING or item.default_factory is not MISSING
        if item.init and not has_default and required_after_default:
            raise TypeError(f"non-default argument {item.name!r} follows default argument")
        required_after_default = required_after_default or (item.init and has_default)

    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = tuple(item.name for item in declared)
    namespace["__record_fields__"] = tuple(declared)
    namespace["__record_repr__"] = tuple(item.name for item in declared if item.repr)
    namespace["__record_key__"] = _getter([item.name for item in declared if item.compare])
    namespace["__match_args__"] = tuple(item.name for item in declared if item.init)
    generated = {"__init__": _init(declared, frozen=frozen), "__repr__": _repr, "__eq__": _eq,
                 "__getstate__": _getstate, "__setstate__": _setstate}
    if frozen:
        namespace["__record_hash_key__"] = _getter([item.name for item in declared if item.hash])
        generated.update(__hash__=_hash, __setattr__=_frozen_setattr,
                         __delattr__=_frozen_delattr)
    else:
        generated["__hash__"] = None  # mutable and comparable: unhashable, as dataclasses do
    for name, method in generated.items():
        if name not in namespace or name in ("__hash__", "__setattr__", "__delattr__"):
            namespace[name] = method  # else a method the class wrote itself wins
    built = type(cls)(cls.__name__, cls.__bases__, namespace)
    built.__qualname__ = cls.__qualname__
    built.__init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return built


def _getter(names: list[str]) -> Callable[[Any], Any]:
    """The compared (or hashed) values of a record, as one C-level call."""
    if not names:
        return staticmethod(lambda _: ())  # a plain function would bind to the instance
    return attrgetter(*names)  # one name: the value itself, which compares and hashes the same


def _init(declared: list[Field], *, frozen: bool) -> Callable[..., None]:
    """The only generated method: `__init__` with the fields as parameters, as fast to call
    as a hand-written one (a generic `*args` version would slow every `Entry` and `Finding`).
    Its source is a few lines, so the `exec` costs ~0.04 ms."""
    scope: dict[str, Any] = {"_MISSING": MISSING, "_set": object.__setattr__}
    params, body = [], []
    for item in declared:
        name = item.name
        if item.default_factory is not MISSING:
            scope[f"_factory_{name}"] = item.default_factory
            if item.init:
                params.append(f"{name}=_MISSING")
                value = f"_factory_{name}() if {name} is _MISSING else {name}"
            else:
                value = f"_factory_{name}()"
        elif item.default is not MISSING:
            scope[f"_default_{name}"] = item.default
            if item.init:
                params.append(f"{name}=_default_{name}")
                value = name
            else:
                value = f"_default_{name}"
        elif item.init:
            params.append(name)
            value = name
        else:
            continue  # init=False without a default: left unset, as dataclasses leave it
        body.append(f"    _set(self, {name!r}, {value})" if frozen else
                    f"    self.{name} = {value}")
    source = "\n".join([f"def __init__(self, {', '.join(params)}):" if params else
                        "def __init__(self):", *(body or ["    pass"])])
    exec(source, scope)  # noqa: S102 - generated from our own field names only
    return scope["__init__"]


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_repr__)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    key = self.__record_key__
    return key(self) == key(other)


def _hash(self: Any) -> int:
    return hash(self.__record_hash_key__(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


# Slotted and maybe frozen: pickle (multiprocessing, copy) must not go through __setattr__.
def _getstate(self: Any) -> list[Any]:
    return [getattr(self, name, MISSING) for name in self.__slots__]


def _setstate(self: Any, state: list[Any]) -> None:
    for name, value in zip(self.__slots__, state):
        if value is not MISSING:
            object.__setattr__(self, name, value)
