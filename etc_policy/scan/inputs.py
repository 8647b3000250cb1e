"""What `etc-policy scan` reads: files, folders, .gz files and stdin, as streams of big chunks.

Folders are walked without following symlinked folders (no loops); files whose first 8 KiB hold
a NUL byte are binaries and skipped there (a file named explicitly is always scanned). Ignore
globs are the config's `ignore_paths` syntax, matched against the display path. A `.gz` file is
decompressed on the fly and scanned as the text it holds. `railway logs --json` output (NDJSON)
is scanned as raw bytes: one record is one line, so a match's line is its record's line, and a
value JSON-escaped inside a record is found by the `json` needles.
"""

from __future__ import annotations

import gzip
import os
import sys
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from etc_policy.discovery import path_ignored
from etc_policy.errors import SourceError
from etc_policy.record import record

STDIN = "-"
SNIFF_SIZE = 8192
CHUNK_SIZE = 4 << 20    # big reads: per-call overhead vanishes, memory stays flat


@record
class Input:
    display: str
    path: Path | None          # None: stdin
    gzipped: bool = False
    size: int | None = None    # bytes on disk (compressed size for .gz); None for stdin

    @property
    def splittable(self) -> bool:
        """A plain regular file can be scanned as several byte ranges in parallel."""
        return self.path is not None and not self.gzipped and self.size is not None


def iter_inputs(paths: Sequence[str], *, ignore: Sequence[str] = ()) -> Iterator[Input]:
    """The inputs named by `paths`, folders expanded (sorted, so runs are reproducible)."""
    for given in paths:
        if given == STDIN:
            yield Input(display=STDIN, path=None)
            continue
        path = Path(given)
        display = _display(given)
        if path.is_dir():
            yield from _walk(path, display=display, ignore=ignore)
        elif path.is_file():
            if not path_ignored(display, ignore):
                yield _input(path, display)
        elif path.exists():
            raise SourceError("not a regular file or folder", path=display)
        else:
            raise SourceError("file not found", path=display)


def _display(given: str) -> str:
    text = Path(given).as_posix()
    return text.removeprefix("./") if text != "./" else "."


def _input(path: Path, display: str) -> Input:
    return Input(display=display, path=path, gzipped=path.name.endswith(".gz"),
                 size=path.stat().st_size)


def _walk(folder: Path, *, display: str, ignore: Sequence[str]) -> Iterator[Input]:
    # os.walk does not follow symlinked folders by default: no loops, no escaping the tree.
    for root, dirs, files in os.walk(folder):
        rel_root = Path(root).relative_to(folder)
        shown_root = (Path(display) / rel_root).as_posix() if display != "." else rel_root.as_posix()
        shown_root = shown_root.removeprefix("./")
        dirs[:] = sorted(d for d in dirs if not path_ignored(_join(shown_root, d), ignore))
        for name in sorted(files):
            shown = _join(shown_root, name)
            path = Path(root) / name
            if path_ignored(shown, ignore) or not path.is_file():
                continue
            item = _input(path, shown)
            if not _is_binary(item):
                yield item


def _join(root: str, name: str) -> str:
    return name if root in ("", ".") else f"{root}/{name}"


def _is_binary(item: Input) -> bool:
    try:
        with open_input(item) as stream:
            head = stream.read(SNIFF_SIZE)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
        return True
    return b"\0" in head


def open_input(item: Input) -> BinaryIO:
    """A binary stream of the input's (decompressed) bytes."""
    if item.path is None:
        return sys.stdin.buffer
    try:
        if item.gzipped:
            return gzip.open(item.path, "rb")  # type: ignore[return-value]
        return open(item.path, "rb", buffering=0)  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or 'I/O error'}", path=item.display) from None


def read_chunks(item: Input, *, chunk_size: int = CHUNK_SIZE, start: int = 0,
                stop: int | None = None) -> Iterator[bytes]:
    """The input's bytes in chunks of `chunk_size` (the last may be shorter), from `start`
    (plain files only) up to `stop` (exclusive; None = to the end)."""
    stream = open_input(item)
    try:
        if start:
            stream.seek(start)
        position = start
        while stop is None or position < stop:
            want = chunk_size if stop is None else min(chunk_size, stop - position)
            try:
                chunk = stream.read(want)
            except (EOFError, zlib.error, gzip.BadGzipFile):
                raise SourceError("truncated or corrupt gzip data", path=item.display) from None
            except OSError as exc:
                raise SourceError(f"cannot read: {exc.strerror or 'I/O error'}",
                                  path=item.display) from None
            if not chunk:
                return
            position += len(chunk)
            yield chunk
    finally:
        if item.path is not None:
            stream.close()
