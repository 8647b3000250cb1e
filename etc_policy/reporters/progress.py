"""The scan's progress bar on stderr (rich): only when stderr is a terminal, never in a pipe.

`scan_progress()` is a context manager yielding the callback `scan_paths` takes,
`progress(path, done_bytes, total_bytes | None)`; stdin and .gz inputs have no known total
and show a spinner with the bytes read. Paths are shown, never content.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

ProgressCallback = Callable[[str, int, "int | None"], None]


def wanted(stream: IO[str] | None = None, *, quiet: bool = False) -> bool:
    stream = stream or sys.stderr
    try:
        return not quiet and stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def scan_progress(stream: IO[str] | None = None) -> Iterator[ProgressCallback]:
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, \
        TransferSpeedColumn

    console = Console(file=stream or sys.stderr)
    columns = (SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(),
               DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        tasks: dict[str, object] = {}

        def update(path: str, done: int, total: int | None) -> None:
            task = tasks.get(path)
            if task is None:
                task = tasks[path] = progress.add_task(path, total=total)
            progress.update(task, completed=done, total=total)  # type: ignore[arg-type]

        yield update
