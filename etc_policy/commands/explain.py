"""`etc-policy explain RULE`: a rule's manual (what, why, example, fix)."""

from __future__ import annotations

from collections.abc import Sequence

from etc_policy.commands.common import DataFormat, emit, load_project_of
from etc_policy.errors import ExitCode, UsageError


def run(rule_ref: str, *, packs: Sequence[str], config: str | None,
        output_format: DataFormat) -> int:
    from etc_policy.policy import flatten

    # The project of the current directory, resolved as check resolves it (projects.py).
    project = load_project_of(None, config_file=config, packs=packs)
    wanted = rule_ref.strip()
    # Disabled rules can still be explained: search every loaded rule after the enabled ones.
    candidates = [*project.rules, *(rule for pack in flatten(project.packs) for rule in pack.rules)]
    matches = [rule for rule in candidates if wanted.upper() == rule.id or wanted == rule.name]
    if not matches:
        raise UsageError(f"unknown rule '{wanted}' (see `etc-policy rules`)")
    rule = matches[0]
    if output_format is DataFormat.JSON:
        from etc_policy.reporters.json import dumps, rule_object

        emit(lambda stream: stream.write(dumps(rule_object(rule, docs=True))), output=None)
        return ExitCode.OK
    from etc_policy.reporters.text import make_console, render_explain

    emit(lambda stream: render_explain(rule, make_console(stream)), output=None)
    return ExitCode.OK
