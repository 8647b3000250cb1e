"""Baselines: accept today's findings so that only new ones fail.

A baseline file holds, per finding, its rule ID, its path and its fingerprint
(`findings.fingerprint`: rule + path + key, never a value, never a line number), so a
finding that moves to another line stays known, and a rotated value is not a "new"
finding. Identical fingerprints are counted, so a second occurrence of the same problem
in the same file is new. The file is versioned; a newer or malformed one is refused.

`check --baseline FILE` only reads the file: nothing here rewrites it behind the user's
back (pre-commit hooks must never modify files).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from etc_policy import __version__
from etc_policy.errors import SourceError
from etc_policy.findings import Finding, Report, Suppression, suppressed
from etc_policy.record import record, replace

ACCEPTED = Suppression(kind="baseline", dialect="baseline",
                       justification="recorded in the baseline file")

BASELINE_VERSION = 1


@record
class Baseline:
    counts: Counter[str]    # fingerprint -> how many findings it accepts

    @classmethod
    def of(cls, report: Report) -> "Baseline":
        return cls(Counter(f.fingerprint for f in report.active()))

    def apply(self, report: Report) -> Report:
        """Mark known findings as suppressed (kind "baseline"); new ones stay active."""
        remaining = Counter(self.counts)
        marked: list[Finding] = []
        for finding in report.findings:
            if not finding.suppressed and remaining[finding.fingerprint] > 0:
                remaining[finding.fingerprint] -= 1
                finding = suppressed(finding, ACCEPTED)
            marked.append(finding)
        return replace(report, findings=tuple(marked))


def document(report: Report) -> dict[str, object]:
    """The baseline file's content: sorted, stable, no values and no line numbers. Paths are
    relative to the repository root (paths.key_of), as the fingerprints are: the same
    baseline serves runs from any folder."""
    from etc_policy.paths import key_of

    entries = sorted({(f.rule_id, key_of(f.path), f.fingerprint) for f in report.active()})
    counts = Counter(f.fingerprint for f in report.active())
    return {
        "schema_version": BASELINE_VERSION,
        "tool": {"name": "etc-policy", "version": __version__},
        "findings": [{"rule_id": rule_id, "path": path, "fingerprint": fp, "count": counts[fp]}
                     for rule_id, path, fp in entries],
    }


def dumps(report: Report) -> str:
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> Baseline:
    """Read a baseline; anything unexpected is a one-line error naming the file (exit 2)."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError("baseline file not found", path=shown) from None
    except IsADirectoryError:
        raise SourceError("baseline is a directory, not a file", path=shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read baseline ({type(exc).__name__})", path=shown) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"baseline is not valid JSON ({exc.msg})", path=shown,
                          line=exc.lineno, column=exc.colno) from None
    return Baseline(_counts(data, shown))


def _counts(data: object, shown: str) -> Counter[str]:
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise SourceError("not an etc-policy baseline (no 'findings' list)", path=shown)
    version = data.get("schema_version")
    if not isinstance(version, int) or version > BASELINE_VERSION or version < 1:
        raise SourceError(f"unsupported baseline schema_version {version!r} "
                          f"(this etc-policy reads version {BASELINE_VERSION})", path=shown)
    counts: Counter[str] = Counter()
    for index, item in enumerate(data["findings"]):
        fp = item.get("fingerprint") if isinstance(item, dict) else None
        count = item.get("count", 1) if isinstance(item, dict) else None
        if not isinstance(fp, str) or not isinstance(count, int) or count < 1:
            raise SourceError(f"findings[{index}]: needs a 'fingerprint' string and a "
                              "positive 'count'", path=shown)
        counts[fp] = max(counts[fp], count)
    return counts
