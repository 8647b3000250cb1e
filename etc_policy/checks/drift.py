"""drift: what `.env.<environment>` says must be what Railway has for that environment.

For each environment that has both a dotenv file and a Railway variables export
(`railway variables --json` or `--kv`), every key of the dotenv file must be in the export
with the same value. Findings, at the dotenv line:
  - "KEY is in .env.production but not in the Railway export …";
  - "KEY differs between .env.production and the Railway export …".
Values are compared through HMAC-SHA256 with a random key made for this run, and never
shown or stored. A dotenv value that is a `${{ … }}` reference is compared by presence only
(the export holds the rendered value); so is a multi-line value against a lossy `--kv`
export. With several exports for one environment (one per service) a key passes when any
of them has it with the same value.

Sealed variables: Railway leaves them out of every variables export, so their absence
proves nothing. When a `railway environment config --json` export of the same environment
marks the key `isSealed`, it is skipped (documented choice: no note-level finding, since
there is nothing the user could fix); without that export it is reported as missing.

Params:
  compare_values: also report differing values (default true); false = presence only
  ignore_keys: keys never compared (e.g. values that legitimately differ locally)

FAIL: .env.production JWT_SECRET=…  and railway-variables.production.json without JWT_SECRET
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.encryption import is_encryption_metadata
from etc_policy.model import Entry, Source, SourceKind
from etc_policy.secrets.keyed import KeyedHasher

KIND = "drift"
SCOPE = "workspace"

EXPORTS = (SourceKind.RAILWAY_VARIABLES, SourceKind.RAILWAY_VARIABLES_KV)


class Params(Frozen):
    compare_values: bool = True
    ignore_keys: tuple[str, ...] = ()


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    hasher = KeyedHasher()  # random key per run: digests cannot be compared across runs
    for environment, sources in sorted(ctx.workspace.environments().items(), key=_env_order):
        if environment is None:
            continue
        exports = [s for s in sources if s.kind in EXPORTS]
        if not exports:
            continue
        sealed = _sealed_keys(sources)
        for dotenv in (s for s in sources if s.kind is SourceKind.DOTENV):
            yield from _compare(dotenv, exports, sealed=sealed, hasher=hasher, params=params)


def _compare(dotenv: Source, exports: list[Source], *, sealed: set[str], hasher: KeyedHasher,
             params: Params) -> Iterator[Hit]:
    names = " / ".join(e.path for e in exports)
    for key, entry in dotenv.effective().items():
        if key in params.ignore_keys or is_encryption_metadata(key):
            continue   # DOTENV_PUBLIC_KEY*, sops_*: the encryption tool's, not the app's
        matches = [e.get(key) for e in exports if e.get(key) is not None]
        if not matches:
            if key not in sealed:
                yield Hit(message=f"{key} is in {dotenv.path} but not in the Railway export {names}",
                          entry=entry, source=dotenv)
            continue
        if params.compare_values and not _any_equal(entry, matches, exports, hasher):
            yield Hit(message=f"{key} differs between {dotenv.path} and the Railway export {names}",
                      entry=entry, source=dotenv)


def _any_equal(entry: Entry, matches: list[Entry | None], exports: list[Source],
               hasher: KeyedHasher) -> bool:
    mine = entry.text
    if mine is None or entry.is_reference or entry.ciphertext is not None:
        return True  # rendered by Railway, or encrypted without a key: only presence compares
    if "\n" in mine and any(e.kind is SourceKind.RAILWAY_VARIABLES_KV for e in exports):
        return True  # `--kv` cannot carry multi-line values faithfully
    digest = hasher.digest(mine)
    return any(m is not None and m.text is not None and digest == hasher.digest(m.text)
               for m in matches)


def _sealed_keys(sources: tuple[Source, ...]) -> set[str]:
    return {
        entry.key
        for source in sources if source.kind is SourceKind.RAILWAY_ENVIRONMENT
        for entry in source.entries if entry.sealed
    }


def _env_order(item: tuple[str | None, tuple[Source, ...]]) -> str:
    return item[0] or ""
