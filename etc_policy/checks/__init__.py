"""The explicit registry of check kinds: KIND -> module. Docs and validation read it.

One registry, built here by hand: `source_diagnostic` (engine-level) plus the KINDS dicts
of `checks.kinds` (value, source and workspace kinds) and `checks.dotenv_lint` (dotenv lint
kinds). Never discovered by subclassing or entry points.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from etc_policy.checks import rotation_age, source_diagnostic

# Modules that each export `KINDS: dict[str, module]`, merged in this order.
KIND_GROUPS = ("etc_policy.checks.kinds", "etc_policy.checks.dotenv_lint")


def _group(name: str) -> dict[str, ModuleType]:
    try:
        module = import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise  # a real import error inside the group must not be hidden
        return {}  # the group is not part of this build (yet)
    return dict(module.KINDS)


def _build() -> dict[str, ModuleType]:
    registry: dict[str, ModuleType] = {source_diagnostic.KIND: source_diagnostic,
                                       rotation_age.KIND: rotation_age}
    for group in KIND_GROUPS:
        for kind, module in _group(group).items():
            if kind in registry and registry[kind] is not module:
                raise RuntimeError(f"check kind '{kind}' is registered twice")
            registry[kind] = module
    return registry


REGISTRY: dict[str, ModuleType] = _build()
