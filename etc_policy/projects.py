"""Which project a file belongs to, and which config that project reads.

A project is a folder with its own config (`.etc-policy.yaml`/`.yml`, `[tool.etc-policy]` in
pyproject.toml) or its own Railway config (`railway.json`, `railway.toml`, a `.railway/`
folder). A file belongs to the nearest such folder at or above it, as ruff and ESLint find
the nearest config per file; that project reads its own config, else the nearest one above
it (a service folder holding only railway.json inherits the monorepo's config).

The search walks up to the repository root (paths.repo_root) when the file is inside it, else
only up to the folder the command was given (`limit`): it never climbs into the user's home,
where the Railway CLI keeps its own `~/.railway/`. When no folder qualifies, the project is
`fallback` (the folder given; the current directory for files) with no config.

Stat calls only, memoised per folder: this runs on every pre-commit hook.
"""

from __future__ import annotations

import os
from pathlib import Path

from etc_policy.config import find_config
from etc_policy.record import record

RAILWAY_FILES = ("railway.json", "railway.toml")
RAILWAY_FOLDER = ".railway"


@record
class ProjectDir:
    root: Path                   # the project's folder
    config: Path | None          # the config it reads (None: the defaults)


class Resolver:
    """project_of(path) for many files of one run, each folder looked at once."""

    def __init__(self) -> None:
        from etc_policy.paths import repo_root

        self._repo = os.path.realpath(repo_root())
        self._configs: dict[str, Path | None] = {}
        self._railway: dict[str, bool] = {}

    def project_of(self, path: Path, *, fallback: Path) -> ProjectDir:
        """The project of a file or folder (`path`); `fallback` when none qualifies."""
        start = os.path.realpath(path if path.is_dir() else path.parent)
        top = self._repo if _inside(start, self._repo) else os.path.realpath(fallback)
        root: str | None = None
        for folder in _upwards(start, top):
            config = self._config_in(folder)
            if root is None and (config is not None or self._railway_in(folder)):
                root = folder
            if config is not None:
                return ProjectDir(Path(root), config)   # the nearest config at or above root
        return ProjectDir(Path(root) if root else fallback, None)

    def _config_in(self, folder: str) -> Path | None:
        if folder not in self._configs:
            self._configs[folder] = find_config(Path(folder))
        return self._configs[folder]

    def _railway_in(self, folder: str) -> bool:
        if folder not in self._railway:
            self._railway[folder] = any(
                os.path.isfile(os.path.join(folder, name)) for name in RAILWAY_FILES) or \
                os.path.isdir(os.path.join(folder, RAILWAY_FOLDER))
        return self._railway[folder]


def _upwards(start: str, top: str) -> list[str]:
    """`start` and its parents up to `top` (just `start` when it is not below `top`)."""
    if not _inside(start, top):
        return [start]
    out = [start]
    while out[-1] != top:
        parent = os.path.dirname(out[-1])
        if parent == out[-1]:
            break
        out.append(parent)
    return out


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
