"""The project config: `.etc-policy.yaml` or `[tool.etc-policy]` in pyproject.toml.

```yaml
packs: [railway-production, secrets-hygiene, dotenv]   # names or paths; default: every shipped pack
environments:                                          # environment -> its sources
  production: {sources: [.env.production, {path: exports/vars.json, kind: railway-variables}]}
rules: {RWY004: {severity: warning}, DOT012: {enabled: false}}
ignore_paths: ['fixtures/**']
fail_on: error
fake_secrets: false        # true: the secrets in these files are fake on purpose (no SEC021)
```

Every problem becomes a `ConfigError` naming the file, the line (YAML marks; for TOML the
line of the field when it can be found) and the field. YAML is read by yamlpos, the loader
packs use: aliases (harmless "billion laughs"), merge keys and duplicate keys are refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from etc_policy.errors import ConfigError
from etc_policy.findings import FailOn, Severity
from etc_policy.model import SourceKind
from etc_policy.paths import shown
from etc_policy.record import field, record
from etc_policy.schema import ConfigDict, Field, Invalid, Model, field_validator, user_message

YAML_NAMES = (".etc-policy.yaml", ".etc-policy.yml")
PYPROJECT = "pyproject.toml"
RuleId = Annotated[str, Field(pattern=r"^[A-Z]{2,5}[0-9]{3}$")]
MAX_CONFIG_BYTES = 1_000_000  # a config is a few lines; anything bigger is a mistake

Loc = tuple[str | int, ...]


class _Frozen(Model):
    # defer_build: a run without a config file never builds these validators (check startup)
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class SourceEntry(_Frozen):
    path: str = Field(min_length=1)
    kind: SourceKind | None = None


class EnvironmentConfig(_Frozen):
    sources: tuple[SourceEntry, ...] = ()
    logs: tuple[str, ...] = ()               # log files `audit` scans (paths or globs)

    @field_validator("sources", mode="before")
    @classmethod
    def _paths_as_entries(cls, value: Any) -> Any:
        # A bare string is shorthand for {path: ...}.
        if isinstance(value, list):
            return [{"path": item} if isinstance(item, str) else item for item in value]
        return value


class RuleSetting(_Frozen):
    severity: Severity | None = None
    enabled: bool | None = None


class RotationConfig(_Frozen):
    ledger: str = Field(default=".etc-policy-ledger.json", min_length=1)  # relative to the config


class ImportsConfig(_Frozen):
    """The peers' ignore files to honour (etc_policy/ignores.py); paths relative to the config.
    Unset: a `.gitleaksignore` / `.secrets.baseline` at the project root is imported, with a
    notice, unless `auto_detect` is false."""

    gitleaks_ignore: str | None = Field(default=None, min_length=1)
    detect_secrets_baseline: str | None = Field(default=None, min_length=1)
    auto_detect: bool = True


class ProjectConfig(_Frozen):
    packs: tuple[str, ...] | None = None     # None: every shipped pack
    environments: dict[str, EnvironmentConfig] = Field(default_factory=dict)
    rules: dict[RuleId, RuleSetting] = Field(default_factory=dict)
    ignore_paths: tuple[str, ...] = ()
    fail_on: FailOn = FailOn.ERROR
    # The project's env files hold fake secrets on purpose (fixtures, examples): the
    # plaintext-at-rest rule (kind plaintext_at_rest, SEC021) does not run for it.
    fake_secrets: bool = False
    fail_on_empty: bool = False              # a folder with nothing to read fails the run
    rotation: RotationConfig = RotationConfig.model_construct()  # = RotationConfig(), unbuilt
    imports: ImportsConfig = ImportsConfig.model_construct()     # = ImportsConfig(), unbuilt


@record
class LoadedConfig:
    """A validated config and where it came from (for messages that name a line)."""

    config: ProjectConfig
    path: Path | None = None                 # None: no config file, defaults
    lines: dict[Loc, int] = field(default_factory=dict)

    @property
    def base_dir(self) -> Path | None:
        return self.path.parent if self.path else None

    def error(self, message: str, *, loc: Loc) -> ConfigError:
        """A ConfigError at the line of `loc` (or its nearest known parent)."""
        line = None
        for depth in range(len(loc), -1, -1):
            line = self.lines.get(loc[:depth])
            if line is not None:
                break
        where = ".".join(str(part) for part in loc)
        return ConfigError(f"{where}: {message}", path=shown(self.path) if self.path else None,
                           line=line)

    def check_rule_ids(self, known: set[str]) -> None:
        """Unknown rule IDs in `rules:` are mistakes (a typo would silently do nothing)."""
        for rule_id in self.config.rules:
            if rule_id not in known:
                raise self.error("unknown rule ID (see `etc-policy rules`)", loc=("rules", rule_id))


def find_config(root: Path) -> Path | None:
    """The config file of a project folder: .etc-policy.yaml first, then pyproject.toml."""
    for name in YAML_NAMES:
        if (root / name).is_file():
            return root / name
    pyproject = root / PYPROJECT
    if pyproject.is_file() and _mentions_table(pyproject):
        return pyproject
    return None


def _mentions_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml has our table. Project resolution asks this of every
    pyproject.toml above a file (a monorepo's root one on each hook run): bytes only, no
    decoding; a file that cannot be read has no table here, and load_config reports it."""
    try:
        with pyproject.open("rb") as handle:
            return b"tool.etc-policy" in handle.read(MAX_CONFIG_BYTES + 1)
    except OSError:
        return False


def load_config(path: Path | None) -> LoadedConfig:
    """Load and validate a config file; `None` gives the defaults."""
    if path is None:
        return LoadedConfig(ProjectConfig.model_construct())  # the defaults, nothing to validate
    text = _read_text(path)
    from etc_policy import pack_cache

    # A config validated before (same text) comes from the cache: no YAML, no pydantic.
    cached = pack_cache.lookup_derived("config" + path.suffix, text)
    if cached is not None:
        config, lines = cached
        return LoadedConfig(config, path, lines)
    if path.suffix == ".toml":
        data, lines = _parse_toml(text, path)
    else:
        data, lines = _parse_yaml(text, path)
    loaded = _validate(data, path=path, lines=lines)
    pack_cache.store_derived("config" + path.suffix, text, (loaded.config, loaded.lines))
    return loaded


def _read_text(path: Path) -> str:
    where = shown(path)
    if not path.exists():
        raise ConfigError("config file not found", path=where)
    if path.is_dir():
        raise ConfigError("is a directory, not a config file", path=where)
    try:
        # Read at most one byte more than the limit; also works for a pipe (`--config <(...)`).
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read config file ({exc.strerror or type(exc).__name__})",
                          path=where) from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config file larger than {MAX_CONFIG_BYTES} bytes", path=where)
    if b"\x00" in raw:
        raise ConfigError("binary file (NUL bytes), not a config file", path=where)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("invalid UTF-8", path=where, line=line) from None


# --- YAML -------------------------------------------------------------------------------


def _parse_yaml(text: str, path: Path) -> tuple[Any, dict[Loc, int]]:
    """The one YAML loader packs use (yamlpos): line marks; aliases, merge keys and duplicate
    keys refused with file and line (`fail_on` twice must not let the last one win)."""
    from etc_policy.errors import PolicyError
    from etc_policy.yamlpos import load_yaml_with_lines

    try:
        data, lines = load_yaml_with_lines(text, display_path=shown(path), subject="the config")
    except PolicyError as exc:
        raise ConfigError(exc.message, path=exc.path, line=exc.line,
                          column=exc.column) from None
    return ({} if data is None else data), lines


# --- TOML -------------------------------------------------------------------------------


def _parse_toml(text: str, path: Path) -> tuple[Any, dict[Loc, int]]:
    import tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's messages describe the syntax ("Expected '=' …") and end with the position.
        raise ConfigError(f"invalid TOML: {exc}", path=shown(path)) from None
    from etc_policy.sources.tomlpos import key_lines  # the one TOML position scanner

    if path.name == PYPROJECT:
        data = document.get("tool", {}).get("etc-policy", {})
        return data, key_lines(text, under=("tool", "etc-policy"))
    return document, key_lines(text)


# --- validation -------------------------------------------------------------------------


def _validate(data: Any, *, path: Path, lines: dict[Loc, int]) -> LoadedConfig:
    if not isinstance(data, dict):
        raise ConfigError("the config must be a mapping of fields", path=shown(path),
                          line=lines.get(()))
    try:
        config = ProjectConfig.model_validate(data)
    except Invalid as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        loc = tuple(part for part in first["loc"] if part != "[key]")
        # Pydantic's `msg` describes the expectation, never the offending input.
        message = user_message(first["msg"])
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        elif "[key]" in first["loc"] and loc[:1] == ("rules",):
            message = "not a rule ID (like RWY001)"
        raise LoadedConfig(ProjectConfig(), path, lines).error(message, loc=loc) from None
    return LoadedConfig(config, path, lines)
