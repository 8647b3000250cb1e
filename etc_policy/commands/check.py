"""`etc-policy check`: evaluate the packs against the sources; exit 1 on findings at or above
the threshold."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from etc_policy.commands.common import OutputFormat, check_output_path, emit, load_project, \
    load_sources, project_root
from etc_policy.errors import ExitCode
from etc_policy.findings import FailOn, Report


def run(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
        environment: str | None, output_format: OutputFormat, output: str | None,
        fail_on: FailOn | None, quiet: bool) -> int:
    from etc_policy.engine import evaluate
    from etc_policy.secrets.classify import SecretClassifier

    target = check_output_path(output)
    project = load_project(root=project_root(paths), config_file=config, packs=packs)
    workspace = load_sources(paths, project=project, environment=environment)
    classifier = SecretClassifier.from_packs(project.packs)
    report = evaluate(workspace, project.rules, classifier, ignore_paths=project.ignore_paths)
    threshold = fail_on or project.config.config.fail_on
    failed = bool(report.failing(threshold))
    if not (quiet and not failed and target is None):
        emit(lambda stream: _render(report, stream, output_format, threshold), output=target)
    return ExitCode.FINDINGS if failed else ExitCode.OK


def _render(report: Report, stream: IO[str], output_format: OutputFormat,
            threshold: FailOn) -> None:
    if output_format is OutputFormat.JSON:
        from etc_policy.reporters.json import dumps, report_document

        stream.write(dumps(report_document(report, fail_on=threshold)))
        return
    from etc_policy.reporters.text import make_console, render_report

    render_report(report, make_console(stream), fail_on=threshold)
