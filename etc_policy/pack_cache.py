"""A cache of validated packs and configs, so `etc-policy check` skips YAML and pydantic.

Validating imports pydantic (~45 ms) and builds a validator for every model a rule uses
(~1 ms each) on every run of the pre-commit hook. After a pack has validated once, its
resolved `Pack` (rules, `extends` parents, overrides) is written as plain JSON; the next run
rebuilds the same light objects with `model_construct` (schema.py), which never imports
pydantic. A config file's validated `ProjectConfig` and line marks are kept the same way,
keyed by the file's text, and so are the schema diagnostics of an invalid railway.json or
railway.toml, whose validator (jsonschema) costs ~40 ms to import (`lookup_derived`).

What a cache entry depends on, all of it checked on every lookup:
- its key: the pack reference, the folder it is resolved from, the etc_policy version, the
  Python and pydantic versions and a hash of the etc_policy source files that define the
  models and check kinds (an edit to a kind's Params invalidates every entry);
- every pack file that was read (the pack and what it `extends`): path, resolved path and
  a SHA-256 of its bytes. Any difference is a miss and the pack is loaded and validated
  again. Only packs that loaded without error are stored: an error is never cached.

Packs and configs hold rules and paths, not secrets; an entry holds only what its files say. Writes are
atomic (temp file + rename); an unreadable, corrupt or foreign entry is ignored (a miss) and
overwritten; an unwritable cache folder only means no caching. The folder is
`$XDG_CACHE_HOME/etc-policy` (default `~/.cache/etc-policy`); `ETC_POLICY_NO_CACHE=1`
turns the cache off.

Values are encoded with tags so that they come back with their exact types (a tuple stays
a tuple, an enum its member, a model its class). Classes are looked up only in etc_policy
modules; anything the encoder does not know makes the pack uncacheable (loaded every time),
never wrong.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Any

from etc_policy.digest import sha256
from etc_policy.record import fields, is_record, record
from etc_policy.schema import Model

FORMAT = 1
MAX_ENTRIES = 256   # oldest entries beyond this are removed when one is written
PACKAGE = Path(__file__).resolve().parent
# The sources whose edits can change what a validated pack looks like: the pack models,
# every check kind's Params and the registry, the detector names, the shared types.
_SOURCE_FILES = ("policy.py", "config.py", "pack_cache.py", "patterns.py", "model.py",
                 "findings.py", "errors.py", "schema.py", "record.py")
_SOURCE_FOLDERS = (("checks", ".py"), ("secrets", ".py"), ("sources", ".py"), ("data", ".json"))


@record
class ReadFile:
    """A pack file as it was read: the path used, where it resolved to, its bytes' hash, and
    whether it was named as a shipped pack (its display path then depends on nothing else)."""

    path: str
    resolved: str
    sha256: str
    by_name: bool = False

    @classmethod
    def of(cls, file: Path, data: bytes, *, by_name: bool) -> ReadFile:
        return cls(str(file.absolute()), str(file.resolve()), sha256(data).hexdigest(),
                   by_name)

    def unchanged(self) -> bool:
        file = Path(self.path)
        try:
            data = file.read_bytes()
        except OSError:
            return False
        return str(file.resolve()) == self.resolved and \
            sha256(data).hexdigest() == self.sha256


class Uncacheable(Exception):
    """A value the encoder does not know: the pack is simply not cached."""


# --- where ------------------------------------------------------------------------------


def cache_root() -> Path | None:
    """etc-policy's cache folder (packs here, the CLI's option table in launch.py)."""
    if os.environ.get("ETC_POLICY_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    try:
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:  # no home folder to be found: no cache
        return None
    return root / "etc-policy"


def cache_dir() -> Path | None:
    root = cache_root()
    return None if root is None else root / "packs"


def _entry_path(ref: str, base_dir: Path | None) -> Path | None:
    """`base_dir` None: a shipped pack (by name), the same entry from every project."""
    folder = cache_dir()
    if folder is None:
        return None
    from etc_policy import __version__

    material = json.dumps([FORMAT, __version__, sys.version, _pydantic_version(), _source_hash(),
                           ref, None if base_dir is None else str(base_dir.resolve())])
    return folder / (sha256(material.encode("utf-8")).hexdigest()[:40] + ".json")


@functools.cache
def _pydantic_version() -> str:
    """Which pydantic validated the entry, without importing it (a cache hit never does):
    its version module's bytes, read where the import system would find it (once a run:
    every lookup's key needs it)."""
    from importlib.util import find_spec

    spec = find_spec("pydantic")
    if spec is None or not spec.submodule_search_locations:
        return "none"
    folder = Path(next(iter(spec.submodule_search_locations)))
    try:
        return sha256((folder / "version.py").read_bytes()).hexdigest()
    except OSError:
        return "unknown"


_source_digest: str | None = None


def _source_hash() -> str:
    """Our sources as of now: each file's path, modification time and size. That is the test
    Python applies before running these modules' bytecode, so an edit it would notice changes
    the key; reading and hashing the 290 KB of sources instead cost 2.5 ms of every run."""
    global _source_digest
    if _source_digest is None:
        stamps = []
        for name in source_files():
            try:
                status = os.stat(PACKAGE / name)
                stamps.append([name, status.st_mtime_ns, status.st_size])
            except OSError:
                stamps.append([name, None, None])  # gone: a different build all the same
        _source_digest = sha256(json.dumps(stamps).encode("utf-8")).hexdigest()
    return _source_digest


def source_files() -> list[str]:
    """The sources whose edits can change a validated pack, relative to the package, sorted.
    Listed with scandir: pathlib's glob compiles a regex per pattern (~1 ms for these)."""
    names = list(_SOURCE_FILES)
    for folder, suffix in _SOURCE_FOLDERS:
        try:
            with os.scandir(PACKAGE / folder) as found:
                names += [f"{folder}/{entry.name}" for entry in found
                          if entry.name.endswith(suffix) and entry.is_file()]
        except OSError:
            names.append(f"{folder}/")
    return sorted(names)


# --- lookup and store -------------------------------------------------------------------


def lookup(ref: str, *, base_dir: Path | None) -> Any | None:
    """The cached Pack for `ref` resolved from `base_dir` (None: a shipped pack by name), or
    None (miss, stale, corrupt)."""
    try:
        entry = _read_entry(_entry_path(ref, base_dir))
        if entry is None:
            return None
        files = [ReadFile(*item) for item in entry["files"]]
        if not files or not all(f.unchanged() for f in files):
            return None
        return decode(entry["pack"])
    except Exception:  # noqa: BLE001 - any problem with an entry is a miss, never an error
        return None


def store(ref: str, *, base_dir: Path | None, files: Iterable[ReadFile], pack: Any) -> None:
    """Write the entry atomically; silently do nothing if it cannot be encoded or written."""
    try:
        entry = {"files": [[f.path, f.resolved, f.sha256, f.by_name] for f in files], "pack": encode(pack)}
    except Uncacheable:
        return
    _write_entry(_entry_path(ref, base_dir), entry)


def lookup_derived(kind: str, text: str) -> Any | None:
    """What our code derived from a file's text before (`kind` says what: a validated config,
    railway.json schema diagnostics), or None. Keyed by the text itself (and, like every
    entry, our sources' hash), so a hit is exactly what deriving it again would give."""
    try:
        entry = _read_entry(_entry_path(_derived_ref(kind, text), None))
        return None if entry is None else decode(entry["value"])
    except Exception:  # noqa: BLE001 - a miss, never an error
        return None


def store_derived(kind: str, text: str, value: Any) -> None:
    try:
        entry = {"value": encode(value)}
    except Uncacheable:
        return
    _write_entry(_entry_path(_derived_ref(kind, text), None), entry)


def _derived_ref(kind: str, text: str) -> str:
    return kind + "\0" + sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read_entry(path: Path | None) -> Any | None:
    if path is None:
        return None
    document = json.loads(path.read_bytes())
    payload = document["payload"]
    if sha256(payload.encode("utf-8")).hexdigest() != document["sha256"]:
        return None
    return json.loads(payload)


def _write_entry(path: Path | None, entry: Any) -> None:
    if path is None:
        return
    try:
        payload = json.dumps(entry, separators=(",", ":"), allow_nan=False)
    except ValueError:
        return
    document = json.dumps({"format": FORMAT, "sha256": sha256(
        payload.encode("utf-8")).hexdigest(), "payload": payload})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, document)
        prune(path.parent, keep=MAX_ENTRIES)
    except OSError:
        return


def prune(folder: Path, *, keep: int) -> None:
    """Keep the folder small: projects come and go (and tests make temporary ones)."""
    entries = list(folder.glob("*.json"))
    if len(entries) <= keep:
        return
    by_age = sorted(entries, key=lambda entry: entry.stat().st_mtime)
    for entry in by_age[: len(entries) - keep]:
        entry.unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    import tempfile  # here: it costs ~3.5 ms (shutil, random) and only writes need it

    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# --- encoding ---------------------------------------------------------------------------
# Every container is a one-key object naming its type: {"t": [...]} tuple, {"l": [...]}
# list, {"d": [[k, v], ...]} dict, {"s": [...]} frozenset, {"date": "2026-12-01"},
# {"e": [class, value]} enum, {"m": [class, {field: value}, [fields set]]} model (schema.py),
# {"c": [class, {field: value}]} record (record.py). Scalars (str, int, float, bool, None) are plain.


def encode(value: Any) -> Any:
    if value is None or type(value) in (str, bool, int):
        return value
    if type(value) is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise Uncacheable("float")  # JSON has no exact form for these
        return value
    if isinstance(value, Enum):
        return {"e": [_class_name(type(value)), value.value]}
    if isinstance(value, tuple) and type(value) is tuple:
        return {"t": [encode(v) for v in value]}
    if type(value) is list:
        return {"l": [encode(v) for v in value]}
    if type(value) is dict:
        return {"d": [[encode(k), encode(v)] for k, v in value.items()]}
    if type(value) is frozenset:
        return {"s": [encode(v) for v in value]}
    if type(value) is date:
        return {"date": value.isoformat()}
    if isinstance(value, Model):
        return _encode_model(value)
    if is_record(value) and not isinstance(value, type):
        return {"c": [_class_name(type(value)), {f.name: encode(getattr(value, f.name))
                                                 for f in fields(value) if f.init}]}
    raise Uncacheable(type(value).__name__)


def _encode_model(model: Any) -> Any:
    cls = type(model)
    fields = {name: encode(getattr(model, name)) for name in cls.model_fields}
    return {"m": [_class_name(cls), fields, sorted(model.model_fields_set)]}


def _class_name(cls: type) -> str:
    if not cls.__module__.startswith("etc_policy.") or "<" in cls.__qualname__:
        raise Uncacheable(cls.__qualname__)
    return f"{cls.__module__}:{cls.__qualname__}"


def decode(value: Any) -> Any:
    if not isinstance(value, dict):
        if isinstance(value, list):
            raise ValueError("untagged list")
        return value
    (tag, body), = value.items()
    return _DECODERS[tag](body)


def _decode_model(body: list[Any]) -> Any:
    name, fields, fields_set = body
    cls = _resolve(name)
    if not issubclass(cls, Model) or set(fields) != set(cls.model_fields):
        raise ValueError(f"not the model's fields: {name}")
    values = {k: decode(v) for k, v in fields.items()}
    return cls.model_construct(_fields_set=set(fields_set), **values)


def _decode_record(body: list[Any]) -> Any:
    name, fields = body
    cls = _resolve(name)
    if not is_record(cls):
        raise ValueError(f"not a record: {name}")
    return cls(**{k: decode(v) for k, v in fields.items()})


def _decode_enum(body: list[Any]) -> Any:
    name, raw = body
    cls = _resolve(name)
    if not (isinstance(cls, type) and issubclass(cls, Enum)):
        raise ValueError(f"not an enum: {name}")
    return cls(raw)


@functools.lru_cache(maxsize=1024)  # a pack names the same few classes hundreds of times
def _resolve(name: str) -> type:
    module, _, qualname = name.partition(":")
    if not module.startswith("etc_policy."):
        raise ValueError(f"foreign class: {name}")
    target: Any = import_module(module)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not isinstance(target, type):
        raise ValueError(f"not a class: {name}")
    return target


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "t": lambda body: tuple(decode(v) for v in body),
    "l": lambda body: [decode(v) for v in body],
    "d": lambda body: {decode(k): decode(v) for k, v in body},
    "s": lambda body: frozenset(decode(v) for v in body),
    "date": date.fromisoformat,
    "e": _decode_enum,
    "m": _decode_model,
    "c": _decode_record,
}
