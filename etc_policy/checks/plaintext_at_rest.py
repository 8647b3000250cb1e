"""plaintext_at_rest: an env file with plaintext secrets is neither committed nor committable.

Inside a git work tree, a variables file (a `.env` file, a Railway export) holding secret
values in plain text, which git tracks or which no `.gitignore` rule covers, publishes those
secrets with the repository and its history. Values decrypted from dotenvx or SOPS ciphertext
are not plaintext at rest (the file holds the ciphertext); Railway references, empty values
and placeholders hold nothing. Templates are SEC004's, key files SEC020's; a dotenv-vault
`.env.vault` holds its own ciphertext (`DOTENV_VAULT_<ENV>`) and is meant to be committed. Outside a git work
tree nothing is reported. One finding per file, at its first secret. Git is asked (vcs.py)
only about files that hold such values. A project whose files hold fake secrets on purpose
(fixtures, examples) says so with `fake_secrets: true` in its config.

Params:
  unignored: also report untracked files that no ignore rule covers (default true)

PASS: `.env.production` in `.gitignore`; or encrypted with dotenvx / SOPS
FAIL: `.env.production` committed with OPENAI_API_KEY=sk-proj-…
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Iterator

from etc_policy.checks._common import Frozen, is_template
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.checks.committed_private_key import sources_with_keys
from etc_policy.checks.placeholder import is_placeholder
from etc_policy.encryption import is_key_store_name
from etc_policy.model import Entry, Source
from etc_policy.sources.formats import holds_variables

KIND = "plaintext_at_rest"
SCOPE = "workspace"


class Params(Frozen):
    # Untracked files no ignore rule covers are one `git add .` from the history: reported
    # too (false: tracked files only).
    unignored: bool = True


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    keyed = sources_with_keys(ctx.workspace.sources)
    plain: dict[str, tuple[Source, list[Entry]]] = {}
    for source in ctx.workspace.sources:
        if (not holds_variables(source.kind) or source.path in keyed or is_template(source)
                or is_key_store_name(PurePosixPath(source.path).name)):
            continue
        secrets = [e for e in source.effective().values() if _plaintext_secret(e, ctx)]
        if secrets:
            plain[source.path] = (source, secrets)
    if not plain:
        return
    from etc_policy.vcs import GitState, git_states, work_tree_of   # only for such files

    if work_tree_of(ctx.workspace.root) is None:
        return
    paths = {path: Path(path) for path in plain}   # source paths are relative to the cwd
    states = git_states(paths.values())
    for path, (source, secrets) in plain.items():
        state = states.get(Path(paths[path]).resolve(), GitState.NO_REPOSITORY)
        if state is GitState.TRACKED or (state is GitState.UNIGNORED and params.unignored):
            first = secrets[0]
            yield Hit(message=f"{path} {_WHERE[state.value]} and holds {len(secrets)} plaintext "
                              f"secret values ({first.key} first): encrypt it (dotenvx, "
                              "SOPS), or untrack it and set the values in Railway",
                      entry=first, source=source)


_WHERE = {"tracked": "is tracked by git", "unignored": "is not ignored by .gitignore"}


def _plaintext_secret(entry: Entry, ctx: CheckContext) -> bool:
    value = entry.text
    if not value or entry.is_reference or entry.decrypted_from is not None \
            or entry.ciphertext is not None:
        return False
    return ctx.is_secret(entry) and not is_placeholder(value)
