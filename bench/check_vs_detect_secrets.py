#!/usr/bin/env python3
"""Whole-process time of `etc-policy check <project>` against `detect-secrets-hook` on the same
files: what a developer waits for in a pre-commit hook.

Both tools run N times each, interleaved (A B A B …) so that machine noise hits both alike;
the script prints the median and spread of each and the ratio etc-policy / detect-secrets
(the product's target: ≤ 0.4). It calls the real interpreter's scripts (beside
sys.executable), never a pyenv shim, whose bash start-up would inflate both sides.

    python bench/check_vs_detect_secrets.py [fixtures/railway-app-bad] [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def project_files(project: Path) -> list[str]:
    """The files etc-policy discovers in the project: detect-secrets scans the same set."""
    sys.path.insert(0, str(ROOT))
    from etc_policy.discovery import discover

    return [str(spec.path) for spec in discover(project)]


def timed(command: list[str], *, cwd: Path, cpu: list[float] | None = None) -> float:
    """Wall time of one run; its CPU time (user + system) is appended to `cpu`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    # Both exit 1 when they find something, so the exit code alone cannot tell a finding from
    # a crash (Python exits 1 on an uncaught exception too, e.g. a stale editable install).
    crashed = b"Traceback (most recent call last)" in completed.stderr
    if completed.returncode not in (0, 1) or crashed:
        raise SystemExit(f"{command[0]} failed ({completed.returncode}): "
                         f"{completed.stderr.decode(errors='replace')[-600:]}")
    return elapsed


def check_ours_works(command: list[str], *, cwd: Path, files: int) -> None:
    """One run with a JSON report: etc-policy must really check the project's files, or its
    timings would measure a failure (a broken install once gave a 0.17 "ratio")."""
    loud = [part for part in command if part != "--quiet"]  # --quiet prints nothing on a pass
    completed = subprocess.run([*loud, "--format", "json"], cwd=cwd, stdin=subprocess.DEVNULL,
                               capture_output=True)
    try:
        scanned = json.loads(completed.stdout)["summary"]["files"]
    except (ValueError, KeyError, TypeError):
        raise SystemExit(f"{command[0]} gave no JSON report ({completed.returncode}): "
                         f"{completed.stderr.decode(errors='replace')[-600:]}") from None
    if scanned != files:
        raise SystemExit(f"{command[0]} checked {scanned} files, expected {files}")


def describe(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    return (f"{name:<26} median {statistics.median(ordered) * 1000:7.1f} ms   "
            f"min {ordered[0] * 1000:7.1f}   max {ordered[-1] * 1000:7.1f}   n={len(ordered)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", default=str(ROOT / "fixtures" / "railway-app-bad"))
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    project = Path(args.project).resolve()
    files = project_files(project)
    if not files:
        raise SystemExit(f"no input files found in {project}")
    ours = [str(BIN / "etc-policy"), "check", "--quiet", "."]
    theirs = [str(BIN / "detect-secrets-hook"), *(os.path.relpath(f, project) for f in files)]
    for command in (ours, theirs):
        if not Path(command[0]).exists():
            raise SystemExit(f"{command[0]} not found: pip install -e '.[test]'")
    # A regular `pip install` writes .pyc files for both tools; an editable install of ours
    # under PYTHONDONTWRITEBYTECODE=1 would not, and every run would recompile our sources.
    # Compile them once so both tools start from bytecode, as installed tools do.
    import compileall

    compileall.compile_dir(str(ROOT / "etc_policy"), quiet=1)
    check_ours_works(ours, cwd=project, files=len(files))
    for command in (ours, theirs):
        timed(command, cwd=project)  # warm the OS file cache
    # The interpreter's own start-up (site and every .pth of this environment), which both
    # tools pay alike: the same Python running nothing.
    bare = [sys.executable, "-c", "pass"]
    samples: dict[str, list[float]] = {"etc-policy check": [], "detect-secrets-hook": [],
                                       "python -c pass": []}
    # CPU time is steadier than wall time on a machine shared with other work.
    cpu: dict[str, list[float]] = {name: [] for name in samples}
    for _ in range(args.runs):
        for name, command in (("etc-policy check", ours), ("detect-secrets-hook", theirs),
                              ("python -c pass", bare)):
            samples[name].append(timed(command, cwd=project, cpu=cpu[name]))
    print(f"project: {project} ({len(files)} files); python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs")
    for name, values in samples.items():
        print(describe(name, values))
    for name, values in cpu.items():
        print(describe(f"{name} (cpu)", values))
    ratio = statistics.median(samples["etc-policy check"]) / statistics.median(
        samples["detect-secrets-hook"])
    cpu_ratio = statistics.median(cpu["etc-policy check"]) / statistics.median(
        cpu["detect-secrets-hook"])
    verdict = "meets" if ratio <= 0.4 else "MISSES"
    print(f"ratio etc-policy / detect-secrets-hook: {ratio:.2f} ({verdict} the 0.4 target); "
          f"cpu time ratio {cpu_ratio:.2f}")
    # What each tool adds to the bare interpreter: independent of how slow this
    # environment's site-packages make every Python start.
    base = statistics.median(cpu["python -c pass"])
    own = (statistics.median(cpu["etc-policy check"]) - base) / (
        statistics.median(cpu["detect-secrets-hook"]) - base)
    print(f"beyond the bare interpreter's start-up ({base * 1000:.1f} ms cpu): "
          f"cpu ratio {own:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
