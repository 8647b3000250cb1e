"""`etc-policy rules`: the catalogue of the loaded packs (after config overrides)."""

from __future__ import annotations

from collections.abc import Sequence

from etc_policy.commands.common import DataFormat, emit, load_project_of
from etc_policy.errors import ExitCode


def run(*, packs: Sequence[str], config: str | None, output_format: DataFormat) -> int:
    # The project of the current directory, resolved as check resolves it (projects.py).
    project = load_project_of(None, config_file=config, packs=packs)
    rules = sorted(project.rules, key=lambda rule: rule.id)
    if output_format is DataFormat.JSON:
        from etc_policy.reporters.json import dumps, rules_document

        emit(lambda stream: stream.write(dumps(rules_document(rules))), output=None)
        return ExitCode.OK
    from etc_policy.reporters.text import make_console, render_rules

    emit(lambda stream: render_rules(rules, make_console(stream)), output=None)
    return ExitCode.OK
