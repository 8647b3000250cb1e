"""`etc-policy rules`: the catalogue of the loaded packs (after config overrides)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from etc_policy.commands.common import DataFormat, emit, load_project
from etc_policy.errors import ExitCode


def run(*, packs: Sequence[str], config: str | None, output_format: DataFormat) -> int:
    project = load_project(root=Path("."), config_file=config, packs=packs)
    rules = sorted(project.rules, key=lambda rule: rule.id)
    if output_format is DataFormat.JSON:
        from etc_policy.reporters.json import dumps, rules_document

        emit(lambda stream: stream.write(dumps(rules_document(rules))), output=None)
        return ExitCode.OK
    from etc_policy.reporters.text import make_console, render_rules

    emit(lambda stream: render_rules(rules, make_console(stream)), output=None)
    return ExitCode.OK
