"""Reading JWT time claims (`exp`, `iat`), shared by the check kinds, the rotation status and
the log scanner. Stdlib only, so the scanner can use it without importing the check machinery."""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(claim: object) -> datetime | None:
    """A NumericDate claim as an aware UTC datetime; None for anything else (bools, strings,
    values out of the platform's range)."""
    if isinstance(claim, bool) or not isinstance(claim, int | float):
        return None
    try:
        return datetime.fromtimestamp(claim, UTC)
    except (OverflowError, OSError, ValueError):
        return None
