"""Suppressing comments in scanned logs: found by the scan itself, in the same pass.

A log is never read twice (stdin cannot be, a 1 GiB file should not be), so the markers of
suppress.py are patterns of the scan like the provider formats: each matches from where a
comment may start to what suppress.line_markers needs to judge it (the rule list of
`# etc-policy: ignore`, the rest of the line for detect-secrets' pragma, whose regex wants the
line's end). Their matches never become findings: `Markers.split` keeps them aside, per file
and line, and `Markers.suppression` applies them once the findings are made. A match that
starts in the line's first column is a comment alone on its line (the next line is covered
too, as in a `.env` file).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from etc_policy.findings import Suppression
from etc_policy.scan.model import CASELESS, Match, PatternSpec
from etc_policy.suppress import LineMarkers, RuleLike, line_markers

MARKER_RULE = "suppression-marker"
_COMMENT = rb"(?:#|//|/\*|'|--|<!--[# \t]*?)"
_MARKERS = (
    ("etc-policy", rb"[ \t]*#[ \t]*etc-policy:[ \t]*ignore\b[A-Za-z0-9_, \t-]*", CASELESS),
    ("gitleaks", rb"gitleaks:allow", 0),
    ("trufflehog", rb"trufflehog:ignore", 0),
    ("detect-secrets", rb"[ \t]*" + _COMMENT +
     rb"[ \t]*pragma: ?(?:allow|white)list[ -](?:nextline[ -])?secret[^\r\n]*", 0),
)
MAX_MARKER = 4096   # a pragma's match runs to the end of its line


def marker_patterns(*, first_id: int) -> tuple[PatternSpec, ...]:
    return tuple(PatternSpec(id=first_id + i, rule_id=MARKER_RULE, name=f"marker:{name}",
                             regex=regex, flags=flags, max_len=MAX_MARKER)
                 for i, (name, regex, flags) in enumerate(_MARKERS))


class Markers:
    """The markers met in a scan, per file."""

    def __init__(self) -> None:
        self._by_path: dict[str, LineMarkers] = {}

    def split(self, matches: Iterable[Match]) -> Iterator[Match]:
        """The matches that are not markers; the markers are kept."""
        for match in matches:
            if match.pattern is None or match.pattern.rule_id != MARKER_RULE:
                yield match
                continue
            text = match.text.decode("utf-8", "replace")
            markers = self._by_path.setdefault(match.path, LineMarkers())
            for target, marker in line_markers(text, match.line, alone=match.column == 1):
                markers.add(target, marker)

    def suppression(self, rule: RuleLike, *, path: str, line: int) -> Suppression | None:
        markers = self._by_path.get(path)
        return markers.suppression(rule, line) if markers else None
