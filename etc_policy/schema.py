"""Models declared like pydantic's, built without importing pydantic until one is validated.

Every `check` validated its packs' parameters only when a pack changed (the pack cache
rebuilds the rest), yet importing pydantic and defining ~60 model classes cost ~60 ms of
each run: more than everything else `check` does. Here a model is a light class (fields with
defaults, methods, properties) declared with the same spelling as pydantic's:

    class Params(Model):
        min: int | None = Field(default=None, ge=0)

        @field_validator("min")
        @classmethod
        def _positive(cls, value): ...

Validation (`Params(**data)`, `Params.model_validate(data)`) builds, once per class, a pydantic
twin from the declaration (the same fields, annotations, constraints, validators, config and
class name, so pydantic's messages and error locations are unchanged), validates with it, and
turns the result back into light instances. `model_construct` (the pack cache's rebuild)
never touches pydantic. A failed validation raises `Invalid`, which carries pydantic's
`errors()`; callers need no pydantic import to catch it.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

_UNSET: Any = object()


# pydantic labels the message of a ValueError raised in a validator with its error type; it
# reads as noise to a user ("Value error, 'x' is not one of …"), wherever it surfaces.
_PYDANTIC_LABELS = ("Value error, ", "Assertion failed, ")


def user_message(message: str) -> str:
    """A pydantic message (an error's `msg`, or click/typer's text around one) without
    pydantic's "Value error, " label."""
    for label in _PYDANTIC_LABELS:
        message = message.replace(label, "")
    return message


class Invalid(ValueError):
    """A validation failure: pydantic's ValidationError behind `errors(...)`. Its own text
    gives each field and message but no input: pydantic's text quotes the input values."""

    def __init__(self, error: Any) -> None:
        self._error = error
        problems = "; ".join(f"{'.'.join(str(part) for part in e['loc']) or '(model)'}: "
                             f"{user_message(e['msg'])}"
                             for e in error.errors(include_url=False, include_input=False))
        super().__init__(f"invalid {error.title}: {problems}")

    def errors(self, **options: Any) -> list[dict[str, Any]]:
        return self._error.errors(**options)


class FieldInfo:
    """`Field(...)`'s arguments, kept until a twin is built; `.default` as pydantic's."""

    __slots__ = ("default", "default_factory", "kwargs")

    def __init__(self, default: Any = _UNSET, *, default_factory: Callable[[], Any] | None = None,
                 **kwargs: Any) -> None:
        self.default = default
        self.default_factory = default_factory
        self.kwargs = kwargs

    def pydantic(self) -> Any:
        from pydantic import Field as PydanticField

        kwargs = dict(self.kwargs)
        if self.default_factory is not None:
            kwargs["default_factory"] = self.default_factory
        elif self.default is not _UNSET:
            kwargs["default"] = self.default
        return PydanticField(**kwargs)


def Field(default: Any = _UNSET, **kwargs: Any) -> Any:  # noqa: N802 - pydantic's spelling
    return FieldInfo(default, **kwargs)


def ConfigDict(**kwargs: Any) -> dict[str, Any]:  # noqa: N802 - pydantic's spelling
    return dict(kwargs)


class _Validator:
    """A method marked by `field_validator`/`model_validator`, applied by the twin."""

    __slots__ = ("function", "kind", "fields", "mode")

    def __init__(self, function: Any, kind: str, fields: tuple[str, ...], mode: str) -> None:
        self.function, self.kind, self.fields, self.mode = function, kind, fields, mode

    def pydantic(self) -> Any:
        import pydantic

        if self.kind == "field":
            return pydantic.field_validator(*self.fields, mode=self.mode)(self.function)
        return pydantic.model_validator(mode=self.mode)(self.function)


def field_validator(*fields: str, mode: str = "after") -> Callable[[Any], _Validator]:
    return lambda function: _Validator(function, "field", fields, mode)


def model_validator(*, mode: str) -> Callable[[Any], _Validator]:
    return lambda function: _Validator(function, "model", (), mode)


class Model:
    """A frozen model: fields from the class annotations, defaults from the class body."""

    model_config: ClassVar[dict[str, Any]] = {}
    model_fields: ClassVar[dict[str, FieldInfo]] = {}
    _own_fields: ClassVar[tuple[str, ...]] = ()
    _own_validators: ClassVar[dict[str, _Validator]] = {}
    _twin: ClassVar[Any] = None

    __slots__ = ("__dict__", "model_fields_set")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(getattr(cls, "model_fields", {}))
        own_fields = []
        for name in cls.__dict__.get("__annotations__", {}):
            if name.startswith("_") or name == "model_config":
                continue
            value = cls.__dict__.get(name, _UNSET)
            fields[name] = value if isinstance(value, FieldInfo) else FieldInfo(value)
            own_fields.append(name)
            if name in cls.__dict__:
                delattr(cls, name)       # instances carry the value; no class default
        own_validators = {}
        for name, value in list(cls.__dict__.items()):
            if isinstance(value, _Validator):
                own_validators[name] = value
                delattr(cls, name)
        cls.model_fields = fields
        cls._own_fields = tuple(own_fields)
        cls._own_validators = own_validators
        cls._twin = None

    def __init__(self, **data: Any) -> None:
        validated = type(self).model_validate(data)
        object.__setattr__(self, "__dict__", validated.__dict__)
        object.__setattr__(self, "model_fields_set", validated.model_fields_set)

    # --- building without validation (the pack cache) ------------------------------------

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Any:
        self = object.__new__(cls)
        state = {}
        for name, info in cls.model_fields.items():
            if name in values:
                state[name] = values[name]
            elif info.default_factory is not None:
                state[name] = info.default_factory()
            elif info.default is not _UNSET:
                state[name] = info.default
        object.__setattr__(self, "__dict__", state)
        object.__setattr__(self, "model_fields_set",
                           set(values) if _fields_set is None else set(_fields_set))
        return self

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Any:
        copy = object.__new__(type(self))
        object.__setattr__(copy, "__dict__", {**self.__dict__, **(update or {})})
        object.__setattr__(copy, "model_fields_set",
                           self.model_fields_set | set(update or ()))
        return copy

    # --- validation -------------------------------------------------------------------------

    @classmethod
    def model_validate(cls, data: Any) -> Any:
        _import_pydantic()
        from pydantic import ValidationError

        try:
            return _light(twin(cls).model_validate(data))
        except ValidationError as exc:
            raise Invalid(exc) from None

    # --- a frozen value -------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name} cannot be deleted")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__  # type: ignore[union-attr]

    def __hash__(self) -> int:
        return hash((type(self), tuple(self.__dict__.values())))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({fields})"

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), dict(self.__dict__), set(self.model_fields_set)))


def _rebuild(cls: type[Model], state: dict[str, Any], fields_set: set[str]) -> Model:
    return cls.model_construct(_fields_set=fields_set, **state)


# --- the pydantic twin ----------------------------------------------------------------------

def _import_pydantic() -> None:
    if "pydantic.main" not in sys.modules:
        from etc_policy.launch import asyncio_deferred

        with asyncio_deferred():           # without asyncio: see launch.py
            import pydantic.main  # noqa: F401

def twin(cls: type[Model]) -> Any:
    """The pydantic model validating `cls`: built on first use, then kept on the class."""
    built = cls.__dict__.get("_twin")
    if built is not None:
        return built
    _import_pydantic()
    from pydantic import BaseModel
    from pydantic import ConfigDict as PydanticConfig

    bases = tuple(twin(base) for base in cls.__bases__
                  if isinstance(base, type) and issubclass(base, Model) and base is not Model)
    # The class's own annotations (strings: `from __future__ import annotations`), evaluated
    # in its module: our own source, every name defined by now.
    namespace_of_module = vars(sys.modules[cls.__module__])
    hints = {name: eval(annotation, namespace_of_module) if isinstance(annotation, str)  # noqa: S307
             else annotation
             for name, annotation in cls.__dict__.get("__annotations__", {}).items()}
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                 "__annotations__": {}}
    if "model_config" in cls.__dict__ or not bases:
        namespace["model_config"] = PydanticConfig(**cls.model_config)
    for name in cls.__dict__.get("_own_fields", ()):
        namespace["__annotations__"][name] = _substitute(hints[name])
        info = cls.model_fields[name]
        if info.default is not _UNSET or info.default_factory is not None or info.kwargs:
            namespace[name] = info.pydantic()
    for name, value in cls.__dict__.items():
        # Methods and properties: validators may call them on the twin instance.
        if not name.startswith("__") and isinstance(
                value, (types.FunctionType, property, classmethod, staticmethod)):
            namespace[name] = value
    for name, validator in cls.__dict__.get("_own_validators", {}).items():
        namespace[name] = validator.pydantic()
    built = type(cls.__name__, bases or (BaseModel,), namespace)
    built.__light__ = cls
    cls._twin = built
    return built


def _substitute(annotation: Any) -> Any:
    """The annotation with every light model replaced by its twin and every `Field(...)`
    in `Annotated[...]` by pydantic's."""
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return twin(annotation)
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        inner, *metadata = args
        return typing.Annotated[(_substitute(inner), *(
            m.pydantic() if isinstance(m, FieldInfo) else m for m in metadata))]  # type: ignore[misc]
    if origin is typing.Literal:
        return annotation
    new = tuple(_substitute(arg) if arg is not Ellipsis else arg for arg in args)
    if new == args:
        return annotation
    if origin is types.UnionType or origin is typing.Union:
        return typing.Union[new]  # type: ignore[return-value]
    return origin[new if len(new) > 1 else new[0]]


def _light(value: Any) -> Any:
    """A validated twin instance (and what it holds) as light instances."""
    cls = getattr(type(value), "__light__", None)
    if cls is not None:
        state = {name: _light(getattr(value, name)) for name in cls.model_fields}
        return cls.model_construct(_fields_set=set(value.model_fields_set), **state)
    if type(value) is tuple:
        return tuple(_light(item) for item in value)
    if type(value) is list:
        return [_light(item) for item in value]
    if type(value) is dict:
        return {key: _light(item) for key, item in value.items()}
    return value

