"""Reading an input file safely: one place that turns every way a read can go wrong into a
one-line SourceError naming the file, before any bytes are parsed.

A FIFO, socket or device passed where a file is expected would block or never end, so only
regular files are read. A file larger than MAX_INPUT_BYTES is refused rather than filling
memory. UTF-16 text (common from Windows editors and PowerShell redirection) is named as such
instead of "binary", because the fix is to save it as UTF-8.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from etc_policy.errors import SourceError

MAX_INPUT_BYTES = 256 * 1024 * 1024
_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
_UTF16_BOMS = ((b"\xff\xfe", "FF FE"), (b"\xfe\xff", "FE FF"))


def read_input_bytes(path: Path, *, display_path: str) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        problem = "broken symlink or symlink loop" if path.is_symlink() else "file not found"
        raise SourceError(problem, path=display_path) from None
    except OSError as error:
        raise SourceError(_os_problem(error), path=display_path) from None
    if stat.S_ISDIR(info.st_mode):
        raise SourceError("is a directory, not a file", path=display_path)
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise SourceError(f"is {kind}, not a regular file", path=display_path)
    if info.st_size > MAX_INPUT_BYTES:
        raise SourceError(f"file too large ({info.st_size // (1024 * 1024)} MiB; "
                          f"the limit is {MAX_INPUT_BYTES // (1024 * 1024)} MiB)",
                          path=display_path)
    try:
        return path.read_bytes()
    except OSError as error:
        raise SourceError(_os_problem(error), path=display_path) from None


def utf16_problem(data: bytes) -> str | None:
    """A message for UTF-16 text (by its byte-order mark), else None."""
    for bom, name in _UTF16_BOMS:
        if data.startswith(bom):
            return f"UTF-16 text (byte-order mark {name}); save the file as UTF-8"
    return None


def _os_problem(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if error.errno is not None and error.errno == getattr(os, "ELOOP", -1):
        return "symlink loop"
    return f"cannot read file ({error.strerror or type(error).__name__})"
