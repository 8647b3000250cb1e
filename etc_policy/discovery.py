"""Paths, files and folders → a Workspace: which loader reads each file, in which environment.

`discover(root)` finds the inputs of a project folder (a few levels deep, skipping
dependency and VCS folders, never following symlinked folders nor any link out of the tree). `load_workspace(specs)`
picks the loader for each file by name and then by content, and names the environment.

Environment from file names (`environment_from_filename`):
  `.env` → None (unknown); `.env.production` and `.env.production.local` → "production";
  `.env.local` → None (local overrides of an unknown environment);
  templates `.env.example` / `.sample` / `.template` / `.dist` / `.defaults` and
  `.env.production.example` → None: they document variables, they configure no environment
  (not even under `--environment`; only the config can give them one);
  `.env.keys` / `.env.vault` (key stores of every environment) → None, even under `--environment`;
  `railway-variables.production.json`, `railway-environment-staging.json` → the suffix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from etc_policy.encryption import is_key_store_name
from etc_policy.errors import SourceError
from etc_policy.model import Source, SourceKind, Workspace
from etc_policy.record import record
from etc_policy.sources.formats import FORMATS, holds_variables

MAX_DEPTH = 3            # root = 0: `apps/api/config/.env.production` is still found
SKIP_DIRS = frozenset({
    "node_modules", ".git", ".hg", ".svn", ".venv", "venv", "env", ".tox", ".nox",
    "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist", "build", ".next",
    ".nuxt", ".turbo", ".cache", "coverage", "site-packages", ".idea", ".vscode",
})
TEMPLATE_WORDS = frozenset({"example", "sample", "template", "tpl", "dist", "defaults"})
_EXPORT_NAME = re.compile(r"^railway-(?:variables|environment)[-._A-Za-z0-9]*\.(?:json|kv|txt)$",
                          re.IGNORECASE)


@record
class SourceSpec:
    path: Path
    kind: SourceKind | None = None       # None: decided by name, then content
    environment: str | None = None       # None: decided by the file name (or the override)


@record
class Discovery:
    """What a folder holds: its inputs, the folders with a config (projects of their own,
    whose configured sources discovery may not know by name), and the links not followed."""

    specs: tuple[SourceSpec, ...]
    config_dirs: tuple[Path, ...] = ()
    skipped: tuple[str, ...] = ()        # notices: "<path>: symlink … not followed"


# --- discovery -------------------------------------------------------------------------------

def discover(root: Path) -> list[SourceSpec]:
    """The config inputs in a folder (or the file itself), sorted by path."""
    return list(explore(root).specs)


def explore(root: Path) -> Discovery:
    """`discover`, with the config folders and the skipped links."""
    if root.is_file():
        return Discovery((SourceSpec(root),))
    walk = _Walk(top=os.path.realpath(root))
    walk.folder(root, depth=0)
    return Discovery(tuple(sorted(walk.found, key=lambda spec: spec.path.as_posix())),
                     tuple(dict.fromkeys(walk.config_dirs)), tuple(walk.skipped))


class _Walk:
    """One walk of a folder tree. Symlinked folders are never entered (no loop, no escape);
    a link that points out of the tree or nowhere (a loop, a broken link) is skipped with a
    notice, so nothing is read from outside the folder the user named."""

    def __init__(self, *, top: str) -> None:
        self.top = top
        self.found: list[SourceSpec] = []
        self.config_dirs: list[Path] = []
        self.skipped: list[str] = []

    def folder(self, folder: Path, *, depth: int) -> None:
        from etc_policy.config import PYPROJECT, YAML_NAMES

        try:
            children = sorted(os.scandir(folder), key=lambda child: child.name)
        except OSError:
            return  # unreadable folders are skipped in discovery; explicit files raise later
        for child in children:
            if child.is_symlink() and not self._link_ok(child):
                continue
            if child.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH and child.name not in SKIP_DIRS:
                    self.folder(Path(child.path), depth=depth + 1)
            elif child.is_dir():
                continue   # a link to a folder inside the tree: walked where it really is
            elif child.is_file():
                if child.name in YAML_NAMES or child.name == PYPROJECT:
                    self.config_dirs.append(folder)
                kind = (kind_from_filename(child.name) or iac_kind(Path(child.path))
                        or _export_kind(child.name, Path(child.path)))
                if kind is not None:
                    self.found.append(SourceSpec(Path(child.path), kind))

    def _link_ok(self, child: os.DirEntry[str]) -> bool:
        from etc_policy.paths import shown

        target = os.path.realpath(child.path)
        if not os.path.exists(target):
            why = "is a symlink loop or a broken link"
        elif target != self.top and not target.startswith(self.top.rstrip(os.sep) + os.sep):
            why = "links outside the folder being checked"
        else:
            return True
        self.skipped.append(f"{shown(child.path)}: skipped, {why} (not followed)")
        return False


def _export_kind(name: str, path: Path) -> SourceKind | None:
    """`railway-variables*.json` / `railway-environment*.json`: the kind its content shows,
    else the kind its name promises, so a broken export is loaded and its problems reported
    (a syntax finding) instead of being skipped in silence."""
    if _EXPORT_NAME.match(name) is None:
        return None
    sniffed = sniff_kind(path)
    if sniffed is not None:
        return sniffed
    if name.lower().startswith("railway-environment"):
        return SourceKind.RAILWAY_ENVIRONMENT
    return SourceKind.RAILWAY_VARIABLES


def kind_from_filename(name: str) -> SourceKind | None:
    """The kind a file name alone decides (Railway exports are confirmed by content)."""
    lower = name.lower()
    if lower == ".env" or (lower.startswith(".env.") and lower != ".env."):
        return SourceKind.DOTENV
    if lower.endswith(".env") and not lower.startswith("."):
        return SourceKind.DOTENV            # production.env, config.env
    if lower in {"railway.json", "railway.toml"}:
        return SourceKind.RAILWAY_CONFIG
    if _EXPORT_NAME.match(lower) and lower.endswith((".kv", ".txt")):
        return SourceKind.RAILWAY_VARIABLES_KV   # `railway variables --kv > railway-variables.kv`
    return None


# The files the Railway CLI evaluates as Infrastructure as Code (IAC.md): the JavaScript family
# is read; railway.py (PyPI railway-sdk) and railway.go are found so that a notice says they
# are not read yet, instead of a migrated project passing in silence.
IAC_NAMES = frozenset({"railway.ts", "railway.mts", "railway.cts", "railway.js", "railway.mjs",
                       "railway.cjs", "railway.py", "railway.go"})


def iac_kind(path: Path) -> SourceKind | None:
    """`.railway/railway.ts` (and its siblings): the folder name is part of the format."""
    if path.name.lower() in IAC_NAMES and path.parent.name == ".railway":
        return SourceKind.RAILWAY_IAC
    return None


def environment_from_filename(name: str) -> str | None:
    if is_key_store_name(name):
        return None   # dotenvx's `.env.keys`, dotenv-vault's `.env.vault`: keys of every environment
    parts = _name_parts(name)
    if any(part in TEMPLATE_WORDS for part in parts):
        return None
    parts = [p for p in parts if p != "local"]
    return parts[0] if parts else None


def is_template_name(name: str) -> bool:
    """`.env.example`, `.env.production.sample`, `railway-variables.template.json`…: files
    that document variables and configure no environment."""
    return any(part in TEMPLATE_WORDS for part in _name_parts(name))


def _name_parts(name: str) -> list[str]:
    """The words of a source's name that can name an environment or a template."""
    lower = name.lower()
    if lower.startswith(".env"):
        return [p for p in lower.split(".")[2:] if p]
    if lower.startswith(("railway-variables", "railway-environment")):
        stem = re.sub(r"\.(json|kv|txt)$", "", lower)
        return [p for p in re.split(r"[-._]", stem)[2:] if p]
    if lower.endswith(".env"):
        return lower.removesuffix(".env").split(".")[:1]
    return []


# --- ignore globs ----------------------------------------------------------------------------

def path_ignored(path: str, globs: Sequence[str]) -> bool:
    """Gitignore-like: `fixtures/**`, `**/*.example`; a glob without `/` matches at any depth;
    a glob naming a folder covers what is inside it."""
    return any(_glob_regex(glob).fullmatch(path) for glob in globs)


@lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    anchored = "/" in glob.rstrip("/")
    glob = glob.strip("/").removeprefix("./")
    out = ""
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif glob.startswith("**", i):
            out += ".*"
            i += 2
        elif glob[i] == "*":
            out += "[^/]*"
            i += 1
        elif glob[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(glob[i])
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"{prefix}{out}(?:/.*)?")


# --- loading ---------------------------------------------------------------------------------

def load_workspace(specs: Sequence[SourceSpec], *, root: Path, environment: str | None = None,
                   ignore_paths: Sequence[str] = (), keys_file: Path | None = None) -> Workspace:
    """Load every spec once (railway.ts gives one source per service). Sources are named by
    the path rule (paths.shown: relative to the current directory); `ignore_paths` match paths
    relative to `root`, the folder of the config that set them. A source holding ciphertext is
    decrypted in memory with the keys the user gave (`keys_file`, the process environment;
    sources/decrypt.py), imported only then."""
    from etc_policy.paths import relative, shown

    sources: list[Source] = []
    seen: set[str] = set()
    keys = None
    for spec in specs:
        name = shown(spec.path)
        if name in seen or path_ignored(relative(spec.path, root), ignore_paths):
            continue
        seen.add(name)
        for source in load_source(spec, display=name,
                                  environment=_environment(spec, override=environment)):
            if _has_ciphertext(source):
                from etc_policy.sources.decrypt import KeyRing, decrypt_source

                keys = keys or KeyRing.gather(keys_file=keys_file)
                source = decrypt_source(source, spec.path, keys)
            sources.append(source)
    return Workspace(root=root, sources=tuple(sources))


def _has_ciphertext(source: Source) -> bool:
    return holds_variables(source.kind) and any(e.ciphertext is not None for e in source.entries)


def _environment(spec: SourceSpec, *, override: str | None) -> str | None:
    """`--environment` (`override`), else the config's, else the file name's. A template keeps
    no environment under `--environment`: `check --environment production .` means the
    production sources, not `.env.example` checked as if it were one (its empty values and
    placeholders would all be findings). The config can still name a template's environment."""
    if is_template_name(spec.path.name) or is_key_store_name(spec.path.name):
        return spec.environment
    return override or spec.environment or environment_from_filename(spec.path.name)


def load_source(spec: SourceSpec, *, display: str, environment: str | None) -> tuple[Source, ...]:
    if not spec.path.exists():
        raise SourceError("file not found", path=display)
    if spec.path.is_dir():
        raise SourceError("is a directory, not a file", path=display)
    kind = (spec.kind or kind_from_filename(spec.path.name) or iac_kind(spec.path)
            or sniff_kind(spec.path))
    if kind is None:
        raise SourceError("not a recognised input (expected a .env file, railway.json/.toml, "
                          ".railway/railway.ts or a Railway variables/environment export)",
                          path=display)
    environment = environment or FORMATS[kind].default_environment
    loaded = _loader(kind)(spec.path, display_path=display, environment=environment)
    return loaded if isinstance(loaded, tuple) else (loaded,)


def sniff_kind(path: Path) -> SourceKind | None:
    """Decide a Railway export's kind from its content (the loaders' own sniffing)."""
    from etc_policy.sources.railway_vars import sniff_railway_export

    try:
        return sniff_railway_export(path)
    except SourceError:
        return None


def _loader(kind: SourceKind) -> Callable[..., Source]:
    if kind is SourceKind.DOTENV:
        from etc_policy.sources.dotenv import load_dotenv

        return load_dotenv
    if kind is SourceKind.RAILWAY_CONFIG:
        from etc_policy.sources.railway_config import load_railway_config

        return load_railway_config
    if kind is SourceKind.RAILWAY_IAC:
        from etc_policy.sources.railway_ts import load_railway_iac

        return load_railway_iac
    if kind is SourceKind.RAILWAY_IAC_GRAPH:     # opt-in: only a config names one
        from etc_policy.sources.railway_graph import load_railway_graph

        return load_railway_graph
    from etc_policy.sources import railway_vars

    return {
        SourceKind.RAILWAY_VARIABLES: railway_vars.load_railway_variables_json,
        SourceKind.RAILWAY_VARIABLES_KV: railway_vars.load_railway_variables_kv,
        SourceKind.RAILWAY_ENVIRONMENT: railway_vars.load_railway_environment_config,
    }[kind]
