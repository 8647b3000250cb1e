"""`etc-policy baseline`: write today's active findings to a baseline file, so that
`check --baseline FILE` fails only on new ones. The file holds fingerprints, never values
and never line numbers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from etc_policy.commands.check import evaluate_projects
from etc_policy.commands.common import check_output_path, write_atomic
from etc_policy.errors import ExitCode


def run(paths: Sequence[str], *, packs: Sequence[str], config: str | None,
        environment: str | None, output: str, keys: str | None = None) -> int:
    from etc_policy import baseline

    target = check_output_path(output)
    assert target is not None
    report = evaluate_projects(paths, packs=packs, config=config, environment=environment,
                               keys=keys).report
    write_atomic(Path(target), baseline.dumps(report))
    print(f"etc-policy: baseline of {len(report.active())} finding(s) written to {output}")
    return ExitCode.OK
