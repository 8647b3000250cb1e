"""`etc-policy check`: evaluate the packs against the sources; exit 1 on findings at or above
the threshold. `--baseline FILE` accepts the findings recorded there (read only)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from etc_policy.commands.common import OutputFormat, Project, check_output_path, emit, \
    load_project, load_sources, project_root, render_findings
from etc_policy.errors import ExitCode
from etc_policy.findings import FailOn, Report


def from_cli(*, paths: Sequence[str] | None, pack: Sequence[str] | None, config: str | None,
             keys: str | None = None,
             environment: str | None, output_format: str, output: str | None,
             fail_on: str | None, quiet: bool, baseline: str | None, sarif_category: str,
             as_of: str | None, update_ledger: bool, skip_rotation: bool) -> int:
    """The command line's options by typer's parameter names (cli.check), as typer passes
    them or as launch.py's fast path does (choices as their string values)."""
    return run(paths or ["."], packs=pack or (), config=config, keys=keys, environment=environment,
               output_format=OutputFormat(output_format), output=output,
               fail_on=None if fail_on is None else FailOn(fail_on), quiet=quiet,
               baseline=baseline, sarif_category=sarif_category, as_of=as_of,
               update_ledger=update_ledger, skip_rotation=skip_rotation)


def run(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
        keys: str | None = None, environment: str | None, output_format: OutputFormat, output: str | None,
        fail_on: FailOn | None, quiet: bool, baseline: str | None = None,
        sarif_category: str = "etc-policy", as_of: str | None = None,
        update_ledger: bool = False, skip_rotation: bool = False) -> int:
    target = check_output_path(output)
    project, report = evaluate_project(paths, packs=packs, config=config, keys=keys,
                                       environment=environment, baseline=baseline, as_of=as_of,
                                       update_ledger=update_ledger, skip_rotation=skip_rotation)
    threshold = fail_on or project.config.config.fail_on
    failed = bool(report.failing(threshold))
    if not (quiet and not failed and target is None):
        fmt = output_format.resolved()
        emit(lambda stream: render_findings(report, stream, fmt, threshold, rules=project.rules,
                                            root=project.root, category=sarif_category),
             output=target)
    return ExitCode.FINDINGS if failed else ExitCode.OK


def evaluate_project(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
                     keys: str | None = None,
                     environment: str | None, baseline: str | None = None,
                     as_of: str | None = None, update_ledger: bool = False,
                     skip_rotation: bool = False) -> tuple[Project, Report]:
    """Config + packs + sources → the report (with the baseline applied, if one is given).
    `as_of` is the day date rules see; rotation rules (rotation_age) are left out with
    `skip_rotation` (the pre-commit hooks) and `update_ledger` records what they saw."""
    from etc_policy.engine import evaluate
    from etc_policy.secrets.classify import SecretClassifier

    accepted = None
    if baseline is not None:  # read first: a bad baseline fails before any work
        from etc_policy.baseline import load

        accepted = load(Path(baseline))
    project = load_project(root=project_root(paths), config_file=config, packs=packs,
                           keys=keys)
    workspace = load_sources(paths, project=project, environment=environment)
    classifier = SecretClassifier.from_packs(project.packs)
    day = now = None
    if as_of or update_ledger:      # the rotation modules only when a day matters
        from etc_policy.commands.rotation import today
        from etc_policy.rotation.status import as_of_datetime

        day = today(as_of)
        now = as_of_datetime(day) if as_of else None
    rules = tuple(r for r in project.rules if not (skip_rotation and r.kind == "rotation_age"))
    report = evaluate(workspace, rules, classifier, ignore_paths=project.ignore_paths, now=now,
                      imported=project.imported_ignores())
    if update_ledger:
        from etc_policy.rotation.project import update_from_run

        update_from_run(root=project.root, config=project.config, workspace=workspace,
                        is_secret=classifier, as_of=day, by="check --update-ledger")
    return project, (accepted.apply(report) if accepted is not None else report)
