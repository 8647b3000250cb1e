"""config_as_code_deprecation: railway.json / railway.toml stops working on the cutoff date.

Railway deprecated Config as Code: existing `railway.json` / `railway.toml` files keep
working for services that already use them only until 2026-12-01 (hard cutoff); new
services cannot opt in. The successor is Infrastructure as Code in `.railway/railway.ts`,
and `railway config migrate` converts the file. One finding per config file, at its first
line; the message says "will stop" before the cutoff and "stopped" from the cutoff on,
by the run's clock (`CheckContext.now`, injectable for `--as-of` and tests).

Params:
  cutoff: the date (default 2026-12-01)

FAIL: any railway.json or railway.toml
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from typing import Iterator

from etc_policy.checks._common import Frozen, now
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.model import SourceKind

KIND = "config_as_code_deprecation"
SCOPE = "source"
DEFAULT_SOURCES = (SourceKind.RAILWAY_CONFIG,)
READS_UNPARSED = True  # judges that the file exists, not what it holds

SUCCESSOR = ".railway/railway.ts"
MIGRATE = "railway config migrate"


class Params(Frozen):
    cutoff: date = date(2026, 12, 1)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    if ctx.source is None or ctx.source.kind is not SourceKind.RAILWAY_CONFIG:
        return
    name = PurePosixPath(ctx.source.path).name
    today = now(ctx).date()
    if today < params.cutoff:
        state = f"will stop working for existing services on {params.cutoff.isoformat()}"
    else:
        state = f"stopped working for existing services on {params.cutoff.isoformat()}"
    yield Hit(message=f"Config as Code ({name}) is deprecated and {state}; migrate to "
                      f"{SUCCESSOR} with `{MIGRATE}`", line=1, column=1)
