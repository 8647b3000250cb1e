"""Run the pinned Sarif.Multitool (npm @microsoft/sarif-multitool 5.7.0) on SARIF files.

Install it with `npm ci` in this folder. The binary is called directly: the npm launcher
runs it through a shell, which splits `Sarif;Ghas` and silently skips the GitHub rules
(GitHub code scanning notes, tests/data/README.md). Its exit code is 0 even when it finds errors, so the verdict
is read from the SARIF report it writes.

Usable as a script: `python tests/sarif/multitool.py FILE.sarif...` prints the problems per
file and exits 1 when there is any.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CONFIG = REPO / "tests" / "data" / "sarif" / "multitool-offline.config.xml"
BINARY = HERE / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
RULE_KINDS = "Sarif;Ghas"
LEVELS = "Error;Warning"


class MultitoolMissing(RuntimeError):
    pass


def binary() -> Path:
    if not BINARY.is_file():
        raise MultitoolMissing(
            f"Sarif.Multitool not found at {BINARY}: run `npm ci` in {HERE} "
            "(it pins @microsoft/sarif-multitool 5.7.0)")
    return BINARY


def validate(files: list[Path], *, workdir: Path, timeout: float = 300) -> dict[Path, list[str]]:
    """Validate all files in one Multitool run; map each file to its 'level RULEID' problems."""
    report = workdir / "multitool-report.sarif"
    command = [str(binary()), "validate", *map(str, files), "--config", str(CONFIG),
               "--rule-kind", RULE_KINDS, "--level", LEVELS, "-o", str(report),
               "--log", "ForceOverwrite"]
    # Invariant globalization: the binary then needs no ICU on the machine.
    env = {**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1",
           "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    completed = subprocess.run(command, capture_output=True, text=True, env=env,
                               timeout=timeout, check=False, cwd=workdir)
    if not report.is_file():
        raise RuntimeError(f"Sarif.Multitool wrote no report (exit {completed.returncode}):\n"
                           f"{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    problems: dict[Path, list[str]] = {Path(f).resolve(): [] for f in files}
    for run in json.loads(report.read_text(encoding="utf-8"))["runs"]:
        for result in run.get("results", []):
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            path = Path(unquote(urlparse(uri).path)).resolve()
            problems.setdefault(path, []).append(f"{result.get('level', 'warning')} {result['ruleId']}")
        for invocation in run.get("invocations", []):
            for note in invocation.get("toolExecutionNotifications", []):
                if note.get("level") == "error":
                    problems.setdefault(Path("<multitool>"), []).append(
                        f"error {note.get('descriptor', {}).get('id', '?')}")
    return {path: sorted(found) for path, found in problems.items()}


def main(argv: list[str]) -> int:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        problems = validate([Path(a) for a in argv], workdir=Path(tmp))
    for path, found in problems.items():
        print(f"{path}: {', '.join(found) if found else 'clean'}")
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
