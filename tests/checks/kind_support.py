"""Build entries, sources and contexts to call check kinds directly (no engine, no packs)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Callable

from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import Entry, Source, SourceKind, Workspace

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

# Obviously fake but realistic-shaped secrets.
OPENAI_PROJ = ("sk-proj-FAKEeFP5NhBWJ_JGCJhHfL34z-3OqBowzNQrmT9T6KMzXdoGZw9KJDzn-Ui_Csp6CoGZt10vhY"
               "T3BlbkFJTESTrqJ37RdND6OrpTUazXDmIyoBiDFRiIYTj5eRjRG50V0d324QefmsU06BHd7JSaX7cfXBw1")
OPENAI_LEGACY = "sk-FAKEG6lN0H0xCJ4v6UHJT3BlbkFJFIPdcvOBKasfxJjkTEST"
JWT_STRONG = "f62b26962e0c47ca8d3b51f4783cf277e1bd79a3428a78a54b7622a94eafcf63"
JWT_STRONG_STAGING = "a4306859675ecdece7ad985e7be796dd997fb30e75487f111a40040595698168"
CLOUD_KEY = "123456789012345"
CLOUD_SECRET = "FAKECy0vhxG-HWFAaYAJUtEdFTa"   # 27 URL-safe characters
CLOUD_URL = f"cloudinary://{CLOUD_KEY}:{CLOUD_SECRET}@demo-cloud"


def entry(key: str, value: object, *, line: int = 1, **extra: object) -> Entry:
    return Entry(key=key, value=value, line=line, **extra)


def source(*entries: Entry, path: str = ".env.production", kind: SourceKind = SourceKind.DOTENV,
           environment: str | None = "production", document: object = None) -> Source:
    numbered = tuple(
        e if e.line != 1 or i == 0 else Entry(**{**_fields(e), "line": i + 1})
        for i, e in enumerate(entries)
    )
    return Source(path=path, kind=kind, environment=environment, entries=numbered, document=document)


def _fields(e: Entry) -> dict[str, object]:
    return {name: getattr(e, name) for name in Entry.__slots__}


def workspace(*sources: Source) -> Workspace:
    return Workspace(root=Path("."), sources=sources)


def everything_secret(_: Entry) -> bool:
    return True


def run_entry(module: ModuleType, params: dict, value_entry: Entry, *, src: Source | None = None,
              is_secret: Callable[[Entry], bool] = everything_secret, now: datetime = NOW) -> list[Hit]:
    src = src or source(value_entry)
    ctx = CheckContext(workspace=workspace(src), source=src, entry=value_entry,
                       entries=(value_entry,), is_secret=is_secret, now=now)
    return list(module.check(module.Params(**params), ctx))


def run_source(module: ModuleType, params: dict, src: Source, *, now: datetime = NOW,
               is_secret: Callable[[Entry], bool] = everything_secret) -> list[Hit]:
    ctx = CheckContext(workspace=workspace(src), source=src, entry=None, entries=src.entries,
                       is_secret=is_secret, now=now)
    return list(module.check(module.Params(**params), ctx))


def run_workspace(module: ModuleType, params: dict, *sources: Source,
                  is_secret: Callable[[Entry], bool] = everything_secret) -> list[Hit]:
    ctx = CheckContext(workspace=workspace(*sources), source=None, entry=None,
                       entries=tuple(e for s in sources for e in s.entries), is_secret=is_secret, now=NOW)
    return list(module.check(module.Params(**params), ctx))


def messages(hits: list[Hit]) -> list[str]:
    return [h.message for h in hits]
