"""`etc-policy check`: evaluate the packs against the sources; exit 1 on findings at or above
the threshold. `--baseline FILE` accepts the findings recorded there (read only).

Each project the paths reach (commands.common.load_projects) is evaluated on its own, with
its own config, packs and rules, so drift and reuse compare environments of one app only;
the reports are then merged into one."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from etc_policy.commands.common import OutputFormat, Project, check_output_path, emit, \
    load_projects, load_workspace_of, render_findings
from etc_policy.errors import ExitCode
from etc_policy.findings import FailOn, Finding, Report
from etc_policy.record import record

if TYPE_CHECKING:
    from etc_policy.model import Workspace
    from etc_policy.policy import Rule


def from_cli(*, paths: Sequence[str] | None, pack: Sequence[str] | None, config: str | None,
             keys: str | None = None,
             environment: str | None, output_format: str, output: str | None,
             fail_on: str | None, quiet: bool, baseline: str | None, sarif_category: str,
             as_of: str | None, update_ledger: bool, skip_rotation: bool,
             fail_on_empty: bool = False) -> int:
    """The command line's options by typer's parameter names (cli.check), as typer passes
    them or as launch.py's fast path does (choices as their string values)."""
    return run(paths or ["."], packs=pack or (), config=config, keys=keys, environment=environment,
               output_format=OutputFormat(output_format), output=output,
               fail_on=None if fail_on is None else FailOn(fail_on), quiet=quiet,
               baseline=baseline, sarif_category=sarif_category, as_of=as_of,
               update_ledger=update_ledger, skip_rotation=skip_rotation,
               fail_on_empty=fail_on_empty)


def run(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
        keys: str | None = None, environment: str | None, output_format: OutputFormat, output: str | None,
        fail_on: FailOn | None, quiet: bool, baseline: str | None = None,
        sarif_category: str = "etc-policy", as_of: str | None = None,
        update_ledger: bool = False, skip_rotation: bool = False,
        fail_on_empty: bool = False) -> int:
    from etc_policy.paths import repo_root

    target = check_output_path(output)
    checked = evaluate_projects(paths, packs=packs, config=config, keys=keys,
                                environment=environment,
                                baseline=baseline, as_of=as_of, update_ledger=update_ledger,
                                skip_rotation=skip_rotation)
    threshold = checked.threshold(fail_on)
    failed = checked.failed(fail_on) or (bool(checked.empty) and checked.fail_on_empty(
        fail_on_empty))
    if not (quiet and not failed and target is None):
        fmt = output_format.resolved()
        emit(lambda stream: render_findings(checked.report, stream, fmt, threshold,
                                            rules=checked.rules, root=repo_root(),
                                            category=sarif_category),
             output=target)
    return ExitCode.FINDINGS if failed else ExitCode.OK


@record
class Checked:
    """The projects of one run, each with its report, and the merged report."""
    reports: tuple[tuple[Project, Report], ...]
    report: Report                      # every project's findings, files and notices
    empty: tuple[str, ...] = ()         # folders given that hold nothing etc-policy reads

    @property
    def rules(self) -> tuple["Rule", ...]:
        """Every project's rules, the first project's version of a rule ID kept (SARIF)."""
        seen: dict[str, Rule] = {}
        for project, _ in self.reports:
            for rule in project.rules:
                seen.setdefault(rule.id, rule)
        return tuple(seen.values())

    def threshold(self, fail_on: FailOn | None) -> FailOn:
        """`--fail-on`, else the projects' `fail_on` (the lowest, when they differ: the
        summary counts with it; failed() still judges each project by its own)."""
        if fail_on is not None:
            return fail_on
        order = [FailOn.NOTE, FailOn.WARNING, FailOn.ERROR, FailOn.NEVER]
        own = [project.config.config.fail_on for project, _ in self.reports]
        return min(own, key=order.index) if own else FailOn.ERROR

    def failed(self, fail_on: FailOn | None) -> bool:
        return any(report.failing(fail_on or project.config.config.fail_on)
                   for project, report in self.reports)

    def fail_on_empty(self, flag: bool) -> bool:
        return flag or any(project.config.config.fail_on_empty for project, _ in self.reports)


def evaluate_projects(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
                      keys: str | None = None, environment: str | None, baseline: str | None = None,
                      as_of: str | None = None, update_ledger: bool = False,
                      skip_rotation: bool = False) -> Checked:
    """Config + packs + sources of each project → its report (with the baseline applied, if
    one is given), and all of them merged. `as_of` is the day date rules see; rotation rules
    (rotation_age) are left out with `skip_rotation` (the pre-commit hooks) and
    `update_ledger` records what they saw."""
    accepted = None
    if baseline is not None:  # read first: a bad baseline fails before any work
        from etc_policy.baseline import load

        accepted = load(Path(baseline))
    runs = load_projects(paths, config_file=config, packs=packs, keys=keys)
    reports = []
    for run in runs.projects:
        report = _evaluate(run.project, load_workspace_of(run, environment=environment),
                           as_of=as_of, update_ledger=update_ledger,
                           skip_rotation=skip_rotation)
        reports.append((run.project, accepted.apply(report) if accepted else report))
    empty = tuple(f"{folder}: nothing etc-policy reads here (no .env files, railway.json or "
                  "railway.toml, Railway exports or configured sources)" for folder in runs.empty)
    merged = merge_reports([report for _, report in reports],
                           notices=(*runs.notices, *empty, *_thresholds_differ(reports)))
    return Checked(tuple(reports), merged, runs.empty)


def _thresholds_differ(reports: Sequence[tuple[Project, Report]]) -> tuple[str, ...]:
    """Say so when projects set different `fail_on`: the exit code judges each project by its
    own, the summary counts at the lowest (unless --fail-on sets one for all)."""
    from etc_policy.paths import shown

    own = {shown(project.root): project.config.config.fail_on.value for project, _ in reports}
    if len(set(own.values())) < 2:
        return ()
    listed = ", ".join(f"{root}: {value}" for root, value in own.items())
    return (f"projects set different fail_on ({listed}): each project's findings fail at its "
            "own threshold; the summary counts at the lowest",)


def merge_reports(reports: Sequence[Report], *, notices: Sequence[str] = ()) -> Report:
    """One report of several projects' (findings sorted, files and notices once each)."""
    return Report(
        findings=tuple(sorted((f for r in reports for f in r.findings), key=Finding.sort_key)),
        files=tuple(dict.fromkeys(p for r in reports for p in r.files)),
        notices=tuple(dict.fromkeys((*notices, *(n for r in reports for n in r.notices)))))


def _evaluate(project: Project, workspace: "Workspace", *, as_of: str | None,
              update_ledger: bool, skip_rotation: bool) -> Report:
    from etc_policy.engine import evaluate
    from etc_policy.secrets.classify import SecretClassifier

    classifier = SecretClassifier.from_packs(project.packs)
    day = now = None
    if as_of or update_ledger:      # the rotation modules only when a day matters
        from etc_policy.commands.rotation import today
        from etc_policy.rotation.status import as_of_datetime

        day = today(as_of)
        now = as_of_datetime(day) if as_of else None
    rules = tuple(r for r in project.rules if not (skip_rotation and r.kind == "rotation_age"))
    # ignore_paths were applied when the workspace was loaded (relative to the config).
    report = evaluate(workspace, rules, classifier, now=now,
                      imported=project.imported_ignores())
    if update_ledger:
        from etc_policy.rotation.project import update_from_run

        update_from_run(root=project.root, config=project.config, workspace=workspace,
                        is_secret=classifier, as_of=day, by="check --update-ledger")
    return report
