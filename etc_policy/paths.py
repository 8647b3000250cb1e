"""The path rule: how every command and every format names a file.

- Text, JSON, Markdown, GitHub annotations, audit and rotation reports: relative to the
  current directory, POSIX, `../x` for a file outside it (as ruff and gitleaks print them).
- SARIF artifact URIs, baseline keys and finding fingerprints: relative to the repository
  root (the nearest folder above the current directory holding `.git`, else the current
  directory), so the same file has the same name however it was reached: a baseline written
  with `etc-policy baseline apps/api` from `apps/` matches a per-file run from the root.

Only `os.path` string work and stat calls: this runs for every file of a pre-commit hook.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache
from pathlib import Path


def shown(path: str | os.PathLike[str]) -> str:
    """The name text and JSON reports give a file: relative to the current directory."""
    return _relative(_real(path), os.getcwd())


def from_repo_root(path: str | os.PathLike[str]) -> str:
    """The name SARIF and baselines give a file: relative to the repository root (`../x`
    when the file lies outside it; SARIF then falls back to an absolute URI)."""
    return _relative(_real(path), str(repo_root()))


def key_of(path: str) -> str:
    """The identity a finding's fingerprint and a baseline entry use for a path as shown
    (relative to the current directory): relative to the repository root. `-` (stdin) and
    `.` (a finding of no file) stay as they are."""
    return path if path in ("-", ".") else from_repo_root(path)


def relative(path: str | os.PathLike[str], folder: str | os.PathLike[str]) -> str:
    """`path` relative to `folder` (config-relative `ignore_paths` match against this)."""
    return _relative(_real(path), _real_folder(os.path.abspath(folder)))


def repo_root() -> Path:
    """The git top-level above the current directory (found by its `.git`, a folder or a
    worktree's file, without running git), else the current directory."""
    return Path(_repo_root_of(os.getcwd()))


def directory_uri(folder: Path) -> str:
    """`file:///…/` for SARIF's `originalUriBaseIds` (GitHub requires the trailing slash)."""
    uri = folder.absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


@cache
def _repo_root_of(cwd: str) -> str:
    here = cwd
    while True:
        if os.path.lexists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return cwd
        here = parent


def _real(path: str | os.PathLike[str]) -> str:
    """The absolute path with its folders' symlinks resolved (os.getcwd() is resolved too, so
    both sides compare), keeping the file's own name: a `.env` that links elsewhere is still
    named `.env`."""
    absolute = os.path.abspath(path)
    folder, name = os.path.split(absolute)
    return os.path.join(_real_folder(folder), name) if name else _real_folder(folder)


@lru_cache(maxsize=4096)
def _real_folder(folder: str) -> str:
    # A scan names thousands of findings in a few folders: one realpath per folder.
    return os.path.realpath(folder)


def _relative(path: str, start: str) -> str:
    try:
        relative = os.path.relpath(path, start)
    except ValueError:           # another drive (Windows): no relative form exists
        return Path(path).as_posix()
    return Path(relative).as_posix()
