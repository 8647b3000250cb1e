"""Policy packs: the pydantic schema, loading with YAML line numbers, extends and overrides.

A pack file is validated in two steps: the pack shape (`PackSpec`, extra fields forbidden)
and then each rule's `check` mapping against its kind's `Params` from `checks.REGISTRY`.
Every problem becomes one `PolicyError` naming the file, the line and the field, e.g.
`policies/x.yaml:14: rules[3].check.pattern: invalid regular expression (...)`.

`load_pack` returns a `Pack` with its `extends` already loaded (`parents`), so
`resolve_rules` only has to flatten, apply overrides and drop disabled rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from etc_policy.digest import sha256
from etc_policy.errors import ConfigError, PolicyError
from etc_policy.findings import Severity
from etc_policy.patterns import compile_pack_regex
from etc_policy.model import SourceKind
from etc_policy.record import field, record, replace
from etc_policy.schema import ConfigDict, Field, Invalid, Model, field_validator, user_message

if TYPE_CHECKING:
    from etc_policy.model import Entry
    from etc_policy.pack_cache import ReadFile
    from etc_policy.yamlpos import Path_

RULE_ID = r"^[A-Z]{2,5}[0-9]{3}$"
RULE_NAME = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# Kinds the engine skips: run by other commands (rotation_age by its own module, logs by
# `scan`, cross_service_reuse by `audit`, which sees every project of a repository).
RESERVED_KINDS = frozenset({"rotation_age", "no_secret_in_logs", "cross_service_reuse"})
MAX_PACK_BYTES = 2_000_000


class _Frozen(Model):
    # defer_build: a validator is built on first validation, never for packs read from the
    # cache (model_construct), which is what `check` does on every run but the first.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _compile(pattern: str) -> str:
    compile_pack_regex(pattern)   # RE2: linear time; PatternError (a ValueError) names why
    return pattern


class Select(_Frozen):
    """What a rule looks at. Naming selectors (keys, key_pattern, pointer) are OR-ed;
    `secrets: true` then keeps only entries the packs classify as secrets. No naming
    selector means every entry of the selected sources."""

    keys: tuple[str, ...] | None = None
    key_pattern: str | None = None
    pointer: str | None = None
    secrets: bool = False
    sources: tuple[SourceKind, ...] | None = None
    environments: tuple[str | None, ...] | None = None

    @field_validator("key_pattern")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        return None if value is None else _compile(value)

    @field_validator("pointer")
    @classmethod
    def _valid_pointer(cls, value: str | None) -> str | None:
        if value is not None and value != "" and not value.startswith("/"):
            raise ValueError("a JSON pointer starts with '/' (e.g. /deploy/healthcheckPath)")
        return value

    @property
    def names_entries(self) -> bool:
        return bool(self.keys) or self.key_pattern is not None or self.pointer is not None

    def pick(self, entries: Iterable[Entry]) -> Iterable[Entry]:
        """The entries these selectors name, in order (all of them when none names any):
        a key in `keys`, the `pointer`, a key `key_pattern` fullmatches. Names are a set
        lookup and the pattern is compiled once: a source can hold 100,000 keys."""
        if not self.names_entries:
            return entries
        names = frozenset((*(self.keys or ()), *(() if self.pointer is None else (self.pointer,))))
        if self.key_pattern is None:
            return (e for e in entries if e.key in names)
        fullmatch = compile_pack_regex(self.key_pattern).fullmatch
        return (e for e in entries if e.key in names or fullmatch(e.key) is not None)


class Docs(_Frozen):
    what: str = Field(min_length=1)
    why: str = Field(min_length=1)
    example: str = Field(min_length=1)
    fix: str = Field(min_length=1)


class ExpectedFinding(_Frozen):
    """What a failing example's finding must show (each given field is compared)."""

    line: int | None = Field(default=None, ge=1)
    key: str | None = None
    message: str | None = Field(default=None, min_length=1)   # a part of the message


class Example(_Frozen):
    """One input a rule must pass or fail: files by name (`.env.production`, `railway.json`…;
    the name decides the environment, as in a project), or `env:` for `.env.production`."""

    name: str = ""
    env: str | None = None
    files: dict[str, str] = {}
    findings: tuple[ExpectedFinding, ...] | None = None   # must_fail: exactly these (else ≥ 1)
    as_of: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")  # the day date rules see

    @field_validator("files")
    @classmethod
    def _plain_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            parts = name.replace("\\", "/").split("/")
            if not name or name.startswith("/") or ".." in parts or "" in parts:
                raise ValueError(f"'{name}': a relative file name inside the example "
                                 "(no '..', no absolute path)")
        return value

    def inputs(self) -> dict[str, str]:
        """File name -> text: `files`, plus `env` as `.env.production`."""
        named = dict(self.files)
        if self.env is not None:
            named.setdefault(".env.production", self.env)
        return named


class Examples(_Frozen):
    """A rule's own tests (`etc-policy test`): inputs that must give none of its findings,
    inputs that must give some (or exactly the `findings` listed)."""

    must_pass: tuple[Example, ...] = ()
    must_fail: tuple[Example, ...] = ()


class RuleSpec(_Frozen):
    id: str = Field(pattern=RULE_ID)
    name: str = Field(pattern=RULE_NAME)
    severity: Severity
    select: Select = Select.model_construct()  # = Select(), without building a validator
    check: dict[str, Any]
    docs: Docs
    tags: tuple[str, ...] = ()
    security_severity: float | None = Field(default=None, gt=0, le=10)
    examples: Examples | None = None

    @field_validator("examples")
    @classmethod
    def _examples_have_inputs(cls, value: Examples | None) -> Examples | None:
        for group in ("must_pass", "must_fail"):
            for example in getattr(value, group, ()):
                if not example.inputs():
                    raise ValueError(f"{group}: every example needs 'env' or 'files'")
        return value

    @field_validator("check")
    @classmethod
    def _has_kind(cls, value: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(value.get("kind"), str):
            raise ValueError("a check needs a 'kind' (see `etc-policy rules`)")
        return value


class SecretsSpec(_Frozen):
    keys: tuple[str, ...] = ()
    not_keys: tuple[str, ...] = ()
    detectors: tuple[str, ...] = ()

    @field_validator("keys", "not_keys")
    @classmethod
    def _valid_patterns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compile(p) for p in value)

    @field_validator("detectors")
    @classmethod
    def _known_detectors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from etc_policy.secrets.detectors import DETECTOR_NAMES

        for name in value:
            if name not in DETECTOR_NAMES:
                raise ValueError(f"unknown detector '{name}' (known: {', '.join(DETECTOR_NAMES)})")
        return value


class RuleOverride(_Frozen):
    severity: Severity | None = None
    enabled: bool | None = None


class PackSpec(_Frozen):
    schema_version: Literal[1]
    name: str = Field(pattern=RULE_NAME)
    # The pack's own release, shown in audit reports beside the file's digest ("1.2.0").
    version: str = Field(default="", pattern=r"^([0-9A-Za-z][0-9A-Za-z.+_-]{0,39})?$")
    description: str = ""
    extends: tuple[str, ...] = ()
    secrets: SecretsSpec = SecretsSpec.model_construct()  # = SecretsSpec(), unbuilt
    overrides: dict[str, RuleOverride] = {}
    ignore_paths: tuple[str, ...] = ()
    rules: tuple[RuleSpec, ...] = ()


@record
class Rule:
    """A resolved rule: what the engine runs. `params` is the kind's validated Params
    (None only for reserved, not yet implemented kinds)."""

    id: str
    name: str
    severity: Severity
    pack: str
    select: Select
    kind: str
    params: Model | None
    docs: Docs
    tags: tuple[str, ...] = ()
    security_severity: float | None = None
    examples: Examples | None = None

    @property
    def check(self) -> Model | None:
        return self.params


@record
class Pack:
    name: str
    path: str                      # as displayed in messages
    description: str
    secrets: SecretsSpec
    rules: tuple[Rule, ...]
    overrides: Mapping[str, RuleOverride] = field(default_factory=dict)
    ignore_paths: tuple[str, ...] = ()
    parents: tuple[Pack, ...] = ()  # the loaded `extends`, in order
    version: str = ""              # the pack's `version:` ("" when it declares none)
    sha256: str = ""               # first 16 hex digits of the file's bytes (audit provenance)


# --- finding packs ---------------------------------------------------------------------

def shipped_dir() -> Path:
    # The package's folder (installed, or policies/ in an editable install); not
    # importlib.resources, whose import alone costs ~6 ms of every `check`.
    import etc_policy.policies

    return Path(next(iter(etc_policy.policies.__path__)))


def shipped_pack_names() -> list[str]:
    return sorted(p.stem for p in shipped_dir().glob("*.yaml"))


def _locate(ref: str, *, base_dir: Path, root: Path) -> tuple[Path, str]:
    """A shipped name (`railway-production`) or a path; returns (file, display path)."""
    if _is_shipped_name(ref):
        file = shipped_dir() / f"{ref}.yaml"
        if not file.is_file():
            known = ", ".join(shipped_pack_names()) or "none"
            raise PolicyError(f"unknown pack '{ref}' (shipped packs: {known})")
        return file, f"policies/{ref}.yaml"
    from etc_policy.paths import relative, shown

    file = Path(ref) if Path(ref).is_absolute() else base_dir / ref
    # Pack errors name the file relative to the folder its first reference was made from
    # (the config's folder, or the cwd for --pack / validate); one outside it, by the path
    # rule (relative to the cwd).
    name = relative(file, root)
    return file, shown(file) if name.startswith("../") else name


# --- loading -----------------------------------------------------------------------------

def load_pack(ref: str, *, base_dir: Path, registry: Mapping[str, Any] | None = None) -> Pack:
    """Load a pack and its `extends` (by name or path, cycles refused) into a `Pack`.

    With the default registry, a pack whose files (and etc_policy's sources) are unchanged
    since it last validated comes from `pack_cache` (the same objects, built without
    validators); anything else is read, validated and then stored there.
    """
    if registry is not None:
        return _load(ref, base_dir=base_dir, root=base_dir, registry=registry, stack=())
    from etc_policy import pack_cache

    # A shipped pack by name that extends only shipped packs by name does not depend on the
    # project folder (checked before storing): one entry serves every project.
    key_dir = None if _is_shipped_name(ref) else base_dir
    cached = pack_cache.lookup(ref, base_dir=key_dir)
    if isinstance(cached, Pack):
        return cached
    read: list[ReadFile] = []
    pack = _load(ref, base_dir=base_dir, root=base_dir, registry=_registry(None), stack=(),
                 read=read)
    if key_dir is not None or all(f.by_name for f in read):
        pack_cache.store(ref, base_dir=key_dir, files=read, pack=pack)
    return pack


def _is_shipped_name(ref: str) -> bool:
    return "/" not in ref and "\\" not in ref and not ref.endswith((".yaml", ".yml"))


def _registry(registry: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if registry is not None:
        return registry
    from etc_policy.checks import REGISTRY

    return REGISTRY


def _load(ref: str, *, base_dir: Path, root: Path, registry: Mapping[str, Any],
          stack: tuple[Path, ...], read: list[ReadFile] | None = None) -> Pack:
    # `base_dir` resolves relative refs (a parent is relative to the pack that extends it);
    # `root` is what display paths are relative to. `read` collects the files read (cache).
    from etc_policy.yamlpos import load_yaml_with_lines

    file, shown = _locate(ref, base_dir=base_dir, root=root)
    identity = file.resolve()
    if identity in stack:
        raise PolicyError(f"'extends' cycle: pack '{ref}' extends itself", path=shown)
    raw = _read(file, shown=shown)
    if read is not None:
        from etc_policy.pack_cache import ReadFile

        read.append(ReadFile.of(file, raw, by_name=_is_shipped_name(ref)))
    data, lines = load_yaml_with_lines(raw.decode("utf-8"), display_path=shown)
    spec = _validate_spec(data, lines, shown=shown)
    parents = tuple(
        _load_parent(parent, i, lines, base_dir=file.parent, root=root, registry=registry,
                     stack=(*stack, identity), shown=shown, read=read)
        for i, parent in enumerate(spec.extends))
    rules = tuple(_build_rule(rule, i, spec.name, lines, registry=registry, shown=shown)
                  for i, rule in enumerate(spec.rules))
    _check_unique(rules, lines, shown=shown)
    _check_overrides(spec, rules, parents, lines, shown=shown)
    return Pack(name=spec.name, path=shown, description=spec.description, secrets=spec.secrets,
                rules=rules, overrides=dict(spec.overrides), ignore_paths=spec.ignore_paths,
                parents=parents, version=spec.version, sha256=sha256(raw).hexdigest()[:16])


def _load_parent(ref: str, index: int, lines: dict[Path_, int], *, base_dir: Path, root: Path,
                 registry: Mapping[str, Any], stack: tuple[Path, ...], shown: str,
                 read: list[ReadFile] | None) -> Pack:
    try:
        return _load(ref, base_dir=base_dir, root=root, registry=registry, stack=stack,
                     read=read)
    except PolicyError as exc:
        if exc.path is not None:
            raise
        raise PolicyError(f"extends[{index}]: {exc.message}", path=shown,
                          line=lines.get(("extends", index))) from None


def _read(file: Path, *, shown: str) -> bytes:
    """The pack's bytes, checked to be UTF-8 (the cache hashes exactly what was read)."""
    try:
        if file.stat().st_size > MAX_PACK_BYTES:
            raise PolicyError("pack file is too large", path=shown)
        raw = file.read_bytes()
        raw.decode("utf-8")
        return raw
    except FileNotFoundError:
        raise PolicyError("pack file not found", path=shown) from None
    except IsADirectoryError:
        raise PolicyError("pack path is a directory", path=shown) from None
    except UnicodeDecodeError:
        raise PolicyError("pack file is not valid UTF-8", path=shown) from None
    except OSError as exc:
        raise PolicyError(f"cannot read pack file ({exc.strerror or type(exc).__name__})",
                          path=shown) from None


def _validate_spec(data: Any, lines: dict[Path_, int], *, shown: str) -> PackSpec:
    if not isinstance(data, dict):
        raise PolicyError("a pack must be a YAML mapping (schema_version, name, rules…)",
                          path=shown, line=1)
    try:
        return PackSpec.model_validate(data)
    except Invalid as exc:
        raise _policy_error(exc, (), lines, shown=shown) from None


def _build_rule(spec: RuleSpec, index: int, pack: str, lines: dict[Path_, int], *,
                registry: Mapping[str, Any], shown: str) -> Rule:
    here: Path_ = ("rules", index, "check")
    kind = spec.check["kind"]
    params: Model | None = None
    if kind in registry:
        raw = {k: v for k, v in spec.check.items() if k != "kind"}
        try:
            params = registry[kind].Params.model_validate(raw)
        except Invalid as exc:
            raise _policy_error(exc, here, lines, shown=shown) from None
    elif kind not in RESERVED_KINDS:
        from etc_policy.yamlpos import dotted, line_of

        known = ", ".join(sorted(registry))
        raise PolicyError(f"{dotted((*here, 'kind'))}: unknown check kind '{kind}' (known: {known})",
                          path=shown, line=line_of(lines, (*here, "kind")))
    return Rule(id=spec.id, name=spec.name, severity=spec.severity, pack=pack, select=spec.select,
                kind=kind, params=params, docs=spec.docs, tags=spec.tags,
                security_severity=spec.security_severity, examples=spec.examples)


def _check_unique(rules: tuple[Rule, ...], lines: dict[Path_, int], *, shown: str) -> None:
    from etc_policy.yamlpos import line_of

    seen_ids: set[str] = set()
    seen_names: set[str] = set()
    for i, rule in enumerate(rules):
        for value, seen, what in ((rule.id, seen_ids, "id"), (rule.name, seen_names, "name")):
            if value in seen:
                raise PolicyError(f"rules[{i}].{what}: duplicate rule {what} '{value}'", path=shown,
                                  line=line_of(lines, ("rules", i, what)))
            seen.add(value)


def _check_overrides(spec: PackSpec, rules: tuple[Rule, ...], parents: tuple[Pack, ...],
                     lines: dict[Path_, int], *, shown: str) -> None:
    from etc_policy.yamlpos import line_of

    known = {rule.id for pack in (*flatten(parents),) for rule in pack.rules}
    known.update(rule.id for rule in rules)
    for rule_id in spec.overrides:
        if rule_id not in known:
            raise PolicyError(f"overrides.{rule_id}: unknown rule id '{rule_id}'", path=shown,
                              line=line_of(lines, ("overrides", rule_id)))


def _policy_error(exc: Invalid, prefix: Path_, lines: dict[Path_, int], *,
                  shown: str) -> PolicyError:
    """One line for the first problem (pydantic's messages carry no input values)."""
    from etc_policy.yamlpos import dotted, line_of

    problems = exc.errors(include_url=False, include_input=False, include_context=False)
    first = problems[0]
    where = (*prefix, *first["loc"])
    message = user_message(first["msg"])
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return PolicyError(f"{dotted(where)}: {message}{more}", path=shown,
                       line=line_of(lines, where))


# --- resolving -----------------------------------------------------------------------------

def flatten(packs: Sequence[Pack]) -> tuple[Pack, ...]:
    """Every pack with its ancestors first, each once (a pack reached twice is the same pack)."""
    seen: set[str] = set()
    out: list[Pack] = []

    def visit(pack: Pack) -> None:
        for parent in pack.parents:
            visit(parent)
        if pack.path not in seen:
            seen.add(pack.path)
            out.append(pack)

    for pack in packs:
        visit(pack)
    return tuple(out)


def ignore_paths_of(packs: Sequence[Pack]) -> tuple[str, ...]:
    """The union of every loaded pack's `ignore_paths`, in load order."""
    return tuple(dict.fromkeys(p for pack in flatten(packs) for p in pack.ignore_paths))


def resolve_rules(packs: Sequence[Pack],
                  overrides: Mapping[str, RuleOverride] | None = None) -> tuple[Rule, ...]:
    """Flatten packs, apply pack overrides then the config's, drop disabled rules.

    Duplicate rule ids across packs → PolicyError; an unknown id in `overrides` → ConfigError.
    """
    ordered = flatten(packs)
    by_id: dict[str, Rule] = {}
    origin: dict[str, str] = {}
    for pack in ordered:
        for rule in pack.rules:
            if rule.id in by_id:
                raise PolicyError(f"rule id '{rule.id}' is defined in two packs "
                                  f"({origin[rule.id]} and {pack.path})", path=pack.path)
            by_id[rule.id] = rule
            origin[rule.id] = pack.path
    enabled = dict.fromkeys(by_id, True)
    for pack in ordered:
        _apply(pack.overrides, by_id, enabled)
    for rule_id in (overrides or {}):
        if rule_id not in by_id:
            raise ConfigError(f"overrides: unknown rule id '{rule_id}'")
    _apply(overrides or {}, by_id, enabled)
    return tuple(rule for rule_id, rule in by_id.items() if enabled[rule_id])


def _apply(overrides: Mapping[str, RuleOverride], by_id: dict[str, Rule],
           enabled: dict[str, bool]) -> None:
    for rule_id, override in overrides.items():
        if rule_id not in by_id:
            continue
        if override.severity is not None:
            by_id[rule_id] = replace(by_id[rule_id], severity=override.severity)
        if override.enabled is not None:
            enabled[rule_id] = override.enabled
