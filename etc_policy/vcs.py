"""Whether git keeps a file: tracked, untracked but not ignored, or ignored.

Asked only by the at-rest checks (SEC020, SEC021), and only for the files that hold a private
key or plaintext secrets: a plain `check` on a clean project starts no process. Finding the
work tree is a walk up to a `.git` entry (no process); the answer for every asked file is one
`git ls-files -t -c -o --exclude-standard` call (about 3 ms here), which applies every
`.gitignore`, `.git/info/exclude` and `core.excludesFile` exactly as git does: a gitignore
library would miss the last two and the index (a tracked file stays tracked when ignored).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

GIT_TIMEOUT_S = 30


class GitState(StrEnum):
    TRACKED = "tracked"        # in the index: committed (or staged)
    UNIGNORED = "unignored"    # untracked, and no ignore rule covers it: the next `git add .` takes it
    IGNORED = "ignored"
    NO_REPOSITORY = "no-repository"   # not inside a git work tree (or git could not answer)


def work_tree_of(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` holding `.git` (a folder, or a worktree's file)."""
    here = folder.resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def git_states(files: Iterable[Path]) -> dict[Path, GitState]:
    """resolved path -> its state, for every file given (one git call per work tree)."""
    import subprocess

    by_tree: dict[Path | None, list[Path]] = {}
    for file in files:
        resolved = file.resolve()
        by_tree.setdefault(work_tree_of(resolved.parent), []).append(resolved)
    states: dict[Path, GitState] = {}
    for tree, members in by_tree.items():
        if tree is None:
            states.update(dict.fromkeys(members, GitState.NO_REPOSITORY))
            continue
        relative = [m.relative_to(tree).as_posix() for m in members]
        try:
            done = subprocess.run(
                ["git", "-C", str(tree), "ls-files", "-z", "-t", "-c", "-o",
                 "--exclude-standard", "--", *relative],
                capture_output=True, timeout=GIT_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            states.update(dict.fromkeys(members, GitState.NO_REPOSITORY))
            continue
        if done.returncode != 0:
            states.update(dict.fromkeys(members, GitState.NO_REPOSITORY))
            continue
        listed: dict[str, GitState] = {}
        for item in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
            if len(item) > 2:
                # `-t` tags: "? " untracked (not ignored, or it would not be listed); any
                # other tag (H, S, M, C, R, K) is a file in the index.
                tag, name = item[0], item[2:]
                listed.setdefault(name, GitState.UNIGNORED if tag == "?" else GitState.TRACKED)
        for member, name in zip(members, relative):
            states[member] = listed.get(name, GitState.IGNORED)
    return states
