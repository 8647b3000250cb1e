from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from etc_policy.discovery import SourceSpec, load_workspace
from etc_policy.model import Workspace
from etc_policy.scan.engine import scan_range, split_points
from etc_policy.scan.inputs import Input
from etc_policy.scan.model import Match
from etc_policy.policy import load_pack, shipped_pack_names
from etc_policy.secrets.classify import SecretClassifier

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="session")
def make_log() -> ModuleType:
    """bench/make_log.py, the generator of the benchmark log, used here on a few MB."""
    spec = importlib.util.spec_from_file_location("make_log", BENCH / "make_log.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_log"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def classifier() -> SecretClassifier:
    packs = [load_pack(name, base_dir=Path.cwd()) for name in shipped_pack_names()]
    return SecretClassifier.from_packs(packs)


def workspace_of(folder: Path) -> Workspace:
    return load_workspace([SourceSpec(folder / ".env.production")], root=folder)


def key(match: Match) -> tuple[object, ...]:
    """What two engines must agree on for a match."""
    return (match.path, match.line, match.column, match.offset, match.end,
            match.needle.id if match.needle else None, match.pattern.id if match.pattern else None,
            match.text)


def scan_in_parts(item: Input, parts: int, **scan: object) -> list[tuple[object, ...]]:
    """`item` scanned as `parts` ranges (what --jobs does to a big file), the ranges' matches
    joined with their line numbers made whole-file again: must equal one whole scan."""
    bounds = split_points(item, parts=parts)
    assert len(bounds) == parts + 1
    joined: list[tuple[object, ...]] = []
    shift = 0
    for start, stop in zip(bounds, bounds[1:], strict=False):
        found, newlines = scan_range(item, start, stop, **scan)
        joined.extend(key(m)[:1] + (m.line + shift,) + key(m)[2:] for m in found)
        shift += newlines
    return joined
