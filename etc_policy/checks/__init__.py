"""The explicit registry of check kinds: KIND -> module. Docs and validation read it.

One registry, built here by hand: `source_diagnostic` (engine-level), `rotation_age`, and the
KINDS dicts of `checks.kinds` (value, source and workspace kinds) and `checks.dotenv_lint`
(dotenv lint kinds). Never discovered by subclassing or entry points; a missing module is an
ImportError, never a registry that silently lost its rules.
"""

from __future__ import annotations

from types import ModuleType

from etc_policy.checks import dotenv_lint, kinds, rotation_age, source_diagnostic


def _build() -> dict[str, ModuleType]:
    registry: dict[str, ModuleType] = {source_diagnostic.KIND: source_diagnostic,
                                       rotation_age.KIND: rotation_age}
    for group in (kinds.KINDS, dotenv_lint.KINDS):
        for kind, module in group.items():
            if kind in registry and registry[kind] is not module:
                raise RuntimeError(f"check kind '{kind}' is registered twice")
            registry[kind] = module
    return registry


REGISTRY: dict[str, ModuleType] = _build()
