"""`etc-policy scan`: leaked secrets in logs and files (see `etc_policy.scan.model` for the contract)."""

from __future__ import annotations

from etc_policy.scan.model import CASELESS, DOTALL, Match, Needle, PatternSpec

__all__ = ["CASELESS", "DOTALL", "Match", "Needle", "PatternSpec", "scan_paths"]


def __getattr__(name: str) -> object:
    # The engine imports hyperscan: load it only when a scan actually runs.
    if name == "scan_paths":
        from etc_policy.scan.engine import scan_paths
        return scan_paths
    raise AttributeError(name)
