"""The explicit registry of check kinds: KIND -> module. Docs and validation read it.

One registry, built here by hand from the kind modules (and the KINDS dicts of the modules
that group several kinds), never discovered by subclassing or entry points.
"""

from __future__ import annotations

from types import ModuleType

from etc_policy.checks import source_diagnostic


def _by_kind(*modules: ModuleType) -> dict[str, ModuleType]:
    return {module.KIND: module for module in modules}


REGISTRY: dict[str, ModuleType] = {
    **_by_kind(source_diagnostic),
}
