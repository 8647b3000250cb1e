"""`etc-policy rotation status | record | report`: the rotation ledger and its reminders.

Every subcommand reads the project like `check` (config, packs, sources); the ledger is
`rotation.ledger` of the config or `.etc-policy-ledger.json` in the project root; the
policy (max age, warning window) comes from the packs' rotation_age rule (SEC013).
`--as-of DATE` replaces today everywhere, so reports are reproducible.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO

from etc_policy.commands.common import Project, check_output_path, emit, load_workspace_of, \
    one_project
from etc_policy.errors import ExitCode, UsageError
from etc_policy.paths import shown
from etc_policy.record import record as record_type  # `record` here is the command below


class StatusFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class ReportFormat(StrEnum):
    TABLE = "table"
    MARKDOWN = "markdown"
    JSON = "json"
    ICS = "ics"


class RotationFailOn(StrEnum):
    """`--fail-on` of status and report: the least urgent state that fails the run (exit 1)."""
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    NEVER = "never"

    def fails(self, rows: Sequence) -> bool:
        from etc_policy.rotation.status import State

        failing = {RotationFailOn.OVERDUE: {State.OVERDUE},
                   RotationFailOn.DUE_SOON: {State.OVERDUE, State.DUE_SOON}}.get(self, set())
        return any(row.state in failing for row in rows)

    def exit_code(self, rows: Sequence) -> int:
        return ExitCode.FINDINGS if self.fails(rows) else ExitCode.OK


@record_type
class RotationRun:
    """What every rotation subcommand reads: the project, its current secrets, the ledger."""

    project: Project
    ledger_path: Path
    ledger: "object"            # rotation.ledger.Ledger | None
    current: dict               # SecretId -> status.Current
    policy: "object"            # status.RotationPolicy
    as_of: date

    def statuses(self, *, warn_days: int | None = None) -> list:
        """Every secret's status; `warn_days` replaces the policy's reminder window."""
        from etc_policy.record import replace
        from etc_policy.rotation.fingerprints import Fingerprinter
        from etc_policy.rotation.status import statuses

        fingerprint = Fingerprinter(self.ledger.kdf) if self.ledger is not None else None
        policy = self.policy if warn_days is None else replace(self.policy, warn_days=warn_days)
        return statuses(ledger=self.ledger, current=self.current, fingerprint=fingerprint,
                        policy=policy, as_of=self.as_of)


def parse_day(text: str | None, *, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: expected a date YYYY-MM-DD") from None


def today(as_of: str | None) -> date:
    return parse_day(as_of, option="--as-of") or datetime.now(UTC).date()


def open_run(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
             keys: str | None = None,
             environment: str | None, as_of: str | None) -> RotationRun:
    from etc_policy.rotation.ledger import load
    from etc_policy.rotation.project import ledger_path, policy_of
    from etc_policy.rotation.status import current_secrets
    from etc_policy.secrets.classify import SecretClassifier

    day = today(as_of)
    found = one_project(paths, config_file=config, packs=packs, command="rotation",
                        keys=keys)
    project = found.project
    workspace = load_workspace_of(found, environment=environment)
    path = ledger_path(root=project.root, config=project.config)
    ledger = load(path)
    current = current_secrets(workspace, SecretClassifier.from_packs(project.packs))
    return RotationRun(project=project, ledger_path=path, ledger=ledger, current=current,
                       policy=policy_of(project.rules), as_of=day)


def status(paths: Sequence[str], *, packs: Sequence[str], config: str | None, keys: str | None = None,
           environments: Sequence[str], as_of: str | None, output_format: StatusFormat,
           output: str | None, fail_on: RotationFailOn = RotationFailOn.NEVER) -> int:
    from etc_policy.reporters import rotation as render

    target = check_output_path(output)
    run = open_run(paths, packs=packs, config=config, keys=keys, environment=None, as_of=as_of)
    rows = [s for s in run.statuses() if not environments or s.environment in environments]
    if output_format is StatusFormat.JSON:
        text = render.dumps(render.rotation_document(rows, as_of=run.as_of, policy=run.policy,
                                                     ledger=shown(run.ledger_path)))
        emit(lambda stream: stream.write(text), output=target)
    else:
        from etc_policy.reporters.text import make_console, print_lines

        lines = render.table_lines(rows, as_of=run.as_of, policy=run.policy)
        emit(lambda stream: print_lines(lines, make_console(stream)), output=target)
    return fail_on.exit_code(rows)


def report(paths: Sequence[str], *, packs: Sequence[str], config: str | None, keys: str | None = None,
           environments: Sequence[str], as_of: str | None, within: int,
           output_format: ReportFormat, output: str | None,
           fail_on: RotationFailOn = RotationFailOn.NEVER) -> int:
    """Secrets overdue or due within `within` days, soonest first. `within` is the report's
    reminder window: a listed secret not yet overdue is "due soon", never "ok" (which read
    as "not due" in a report of what is due)."""
    from etc_policy.rotation.status import State

    if within < 0:
        raise UsageError("--within: a number of days, 0 or more")
    target = check_output_path(output)
    run = open_run(paths, packs=packs, config=config, keys=keys, environment=None, as_of=as_of)
    rows = sorted((s for s in run.statuses(warn_days=within)
                   if s.state in (State.OVERDUE, State.DUE_SOON)
                   and (not environments or s.environment in environments)),
                  key=lambda s: (s.due, s.environment, s.key))
    emit(lambda stream: _write_report(stream, rows, run=run, within=within, fmt=output_format),
         output=target)
    return fail_on.exit_code(rows)


def _write_report(stream: IO[str], rows: list, *, run: RotationRun, within: int,
                  fmt: ReportFormat) -> None:
    from etc_policy.reporters import rotation as render

    if fmt is ReportFormat.ICS:
        from etc_policy.reporters.ics import render_ics

        stream.write(render_ics(rows, as_of=run.as_of, alarm_days=max(1, run.policy.warn_days // 2)))
    elif fmt is ReportFormat.JSON:
        stream.write(render.dumps(render.rotation_document(
            rows, as_of=run.as_of, policy=run.policy, ledger=shown(run.ledger_path), within=within)))
    elif fmt is ReportFormat.MARKDOWN:
        stream.write(render.render_markdown(rows, as_of=run.as_of, policy=run.policy,
                                            title=f"Secrets due for rotation within {within} days"))
    else:
        from etc_policy.reporters.text import make_console, print_lines

        print_lines(render.table_lines(rows, as_of=run.as_of, policy=run.policy),
                    make_console(stream))


def record(paths: Sequence[str], *, packs: Sequence[str], config: str | None, keys_file: str | None = None,
           environments: Sequence[str], keys: Sequence[str], rotated_on: str | None,
           as_of: str | None, note: str | None) -> int:
    """Record rotations (or an initial import) of the selected secrets in the ledger."""
    from etc_policy.rotation.fingerprints import Fingerprinters
    from etc_policy.rotation.ledger import update
    from etc_policy.rotation.record import record_rotations

    day_rotated = parse_day(rotated_on, option="--rotated-on")
    run = open_run(paths, packs=packs, config=config, keys=keys_file, environment=None, as_of=as_of)
    if day_rotated is not None and day_rotated > run.as_of:
        raise UsageError("--rotated-on: a date in the future (after --as-of / today)")
    _require_known(run, environments=environments, keys=keys)

    def selected(ident: tuple[str, str]) -> bool:
        return (not environments or ident[0] in environments) and (not keys or ident[1] in keys)

    changes: list = []
    fingerprinters = Fingerprinters()

    def change(ledger):  # noqa: ANN001, ANN202 - runs under the ledger lock
        updated, found = record_rotations(ledger, run.current, fingerprinters=fingerprinters,
                                          select=selected, as_of=run.as_of,
                                          rotated_on=day_rotated, by="rotation record", note=note)
        changes[:] = found
        return updated

    update(run.ledger_path, change)
    for item in changes:
        what = "unchanged (value as recorded; rotate first, or pass --rotated-on)" \
            if item.event == "unchanged" else f"{item.event} {item.date.isoformat()}"
        print(f"{item.environment}/{item.key}: {what}", file=sys.stdout)
    print(f"ledger: {shown(run.ledger_path)}", file=sys.stderr)
    return ExitCode.OK


def _require_known(run: RotationRun, *, environments: Sequence[str], keys: Sequence[str]) -> None:
    """A typo in --key or -e must not silently record nothing."""
    envs = {env for env, _ in run.current}
    for name in environments:
        if name not in envs:
            raise UsageError(f"--environment {name}: no secret of that environment in the sources "
                             f"(known: {', '.join(sorted(envs)) or 'none'})")
    for key in keys:
        if not any(k == key and (not environments or e in environments) for e, k in run.current):
            raise UsageError(f"--key {key}: not a secret with a value in the selected sources")
