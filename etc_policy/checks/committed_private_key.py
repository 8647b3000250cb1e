"""committed_private_key: no key that decrypts the encrypted env files sits where git takes it.

A dotenvx private key (`DOTENV_PRIVATE_KEY`, `DOTENV_PRIVATE_KEY_<ENV>`, in `.env.keys` or in
any other file), a dotenv-vault key (`DOTENV_KEY=dotenv://:key_…`), an age identity
(`AGE-SECRET-KEY-1…`) or a PGP private key block decrypts every encrypted value committed
beside it: encrypting the env file protects nothing once its key is in the repository.
Reported when the file is tracked by git, or untracked but not covered by `.gitignore` (the
next `git add .` takes it), or not inside a git work tree at all (nothing keeps it out of
one). An ignored file passes. Git is asked (vcs.py) only when some file holds such a key.

Params:
  outside_git: also report key files outside any git work tree (default true)

PASS: `.env.keys` listed in `.gitignore`, never added
FAIL: `.env.keys` committed, holding DOTENV_PRIVATE_KEY_PRODUCTION=<64 hex>
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.encryption import DOTENVX_PRIVATE_KEY
from etc_policy.model import Entry, Source

KIND = "committed_private_key"
SCOPE = "workspace"
READS_CIPHERTEXT = True   # a key file is judged whatever else is encrypted beside it

AGE_IDENTITY = "AGE-SECRET-KEY-1"
PGP_PRIVATE = "-----BEGIN PGP PRIVATE KEY BLOCK-----"
VAULT_KEY = "dotenv://:key_"


class Params(Frozen):
    # Outside any git work tree nothing keeps the key out of a future commit or a copy of
    # the folder: report it (false: judge only files inside a work tree).
    outside_git: bool = True


def key_kind(entry: Entry) -> str | None:
    """Which decryption key the entry holds, or None."""
    value = entry.text or ""
    if entry.key.startswith(DOTENVX_PRIVATE_KEY) and value.strip():
        return "a dotenvx private key"
    if VAULT_KEY in value:
        return "a dotenv-vault key (DOTENV_KEY)"
    if AGE_IDENTITY in value:
        return "an age identity"
    if PGP_PRIVATE in value:
        return "a PGP private key"
    return None


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    found = [(source, entry, kind) for source in ctx.workspace.sources
             for entry in source.effective().values() if (kind := key_kind(entry))]
    if not found:
        return
    from etc_policy.vcs import GitState, git_states   # only when some file holds a key

    # Source paths are relative to the cwd (paths.shown), so they open from here.
    paths = {source.path: Path(source.path) for source, _e, _k in found}
    states = git_states(paths.values())
    for source, entry, kind in found:
        state = states.get(Path(paths[source.path]).resolve(), GitState.NO_REPOSITORY)
        if state is GitState.IGNORED or (state is GitState.NO_REPOSITORY
                                         and not params.outside_git):
            continue
        yield Hit(message=f"{entry.key} holds {kind} and {source.path} {_WHERE[state.value]}: "
                          "it decrypts every value encrypted with it", entry=entry, source=source)


_WHERE = {   # by vcs.GitState value (vcs is imported only when a key is found)
    "tracked": "is tracked by git",
    "unignored": "is not ignored by .gitignore",
    "no-repository": "is in the checked tree (not in a git work tree)",
}


def sources_with_keys(sources: tuple[Source, ...]) -> set[str]:
    """Paths of the sources holding a decryption key (SEC021 leaves them to this rule)."""
    return {s.path for s in sources if any(key_kind(e) for e in s.effective().values())}
