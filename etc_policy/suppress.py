"""Inline suppressions: our own comment and the four peers' dialects, read the way each peer does.

| dialect | comment | suppresses | where |
|---|---|---|---|
| etc-policy | `# etc-policy: ignore RULE[,RULE]` (IDs or names, `all`) | the named rules | its line; alone on a line, also the next line |
| gitleaks | `gitleaks:allow` anywhere on the line (case-sensitive) | secret rules | its line |
| trufflehog | `trufflehog:ignore` anywhere on the line (case-sensitive) | secret rules | its line |
| detect-secrets | `# pragma: allowlist secret` (also `whitelist`, `allowlist-secret`, and in `//`, `/* */`, `'`, `--`, `<!-- -->` comments) | secret rules | its line |
| detect-secrets | `# pragma: allowlist nextline secret` alone on a line | secret rules | the next line |
| dotenv-linter | `# dotenv-linter:off Check1,Check2` … `# dotenv-linter:on Check1` | the DOT rules of those checks | from the `off` line until the `on` line |

Sources of the peers' semantics: gitleaks `detect/detect.go` (`gitleaksAllowSignature`,
`strings.Contains(finding.Line, …)`), trufflehog `pkg/engine/engine.go` (`ignoreTag`, looked
for on the line of the result), detect-secrets `detect_secrets/filters/allowlist.py`
(`get_allowlist_regexes`: a comment start, then the pragma; nothing but blanks may
precede a nextline pragma), dotenv-linter `src/common/comment.rs` and `src/checks.rs` (a comment is
`# dotenv-linter:on|off` followed by check names split on spaces and commas; unknown names
are dropped, and `off` with no names disables nothing).

"Secret rules" are the rules tagged `secrets` (or `secret`): what the three secret scanners'
comments are about. A suppression records who suppressed it (`Suppression`); its
justification is written by etc-policy ("gitleaks:allow on line 4"), never copied from the
line, which may hold the very value being accepted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from etc_policy.findings import Suppression
from etc_policy.record import record

SECRET_TAGS = frozenset({"secrets", "secret"})
ETC_POLICY = "etc-policy"
GITLEAKS = "gitleaks"
TRUFFLEHOG = "trufflehog"
DETECT_SECRETS = "detect-secrets"
DOTENV_LINTER = "dotenv-linter"
GITLEAKS_SIGNATURE = "gitleaks:allow"
TRUFFLEHOG_TAG = "trufflehog:ignore"
# dotenv-linter's check names (src/common/lint_kind.rs) → the shipped dotenv pack's rules.
# SchemaViolation has no counterpart (we have no .env schema); our DOT002-DOT004, DOT017 and
# DOT018 have none in dotenv-linter, so its comments cannot reach them.
DOTENV_LINTER_CHECKS: Mapping[str, str] = {
    "DuplicatedKey": "DOT001",
    "KeyWithoutValue": "DOT005",
    "EndingBlankLine": "DOT006",
    "ExtraBlankLine": "DOT007",
    "IncorrectDelimiter": "DOT008",
    "LeadingCharacter": "DOT009",
    "LowercaseKey": "DOT010",
    "QuoteCharacter": "DOT011",
    "SpaceCharacter": "DOT012",
    "SubstitutionKey": "DOT013",
    "TrailingWhitespace": "DOT014",
    "UnorderedKey": "DOT015",
    "ValueWithoutQuotes": "DOT016",
}
_OURS = re.compile(r"#\s*etc-policy:\s*ignore\b\s*(?P<ids>[A-Za-z0-9_,\s-]*)", re.IGNORECASE)
_DOTENV_LINTER = re.compile(r"^\s*#\s*dotenv-linter:(?P<flag>\S*)(?P<checks>.*)$")
# detect-secrets' comment styles (start, end), as in its allowlist.py.
_COMMENT_STYLES = (("#", ""), ("//", ""), (r"/\*", r" *\*/"), ("'", ""), ("--", ""),
                   (r"<!--[# \t]*?", " *?-->"))


class RuleLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...


@record
class Marker:
    """One suppressing comment: who wrote it (dialect), on which line, and what it covers:
    rule IDs/names (`etc-policy`, `ALL` for every rule), DOT rule IDs (`dotenv-linter`), or
    None for the secret rules (the secret scanners' comments)."""

    dialect: str
    line: int
    rules: frozenset[str] | None = None
    spelling: str = ""        # the comment as the justification names it (default: dialect's)

    def covers(self, rule: RuleLike) -> bool:
        if self.rules is None:
            return is_secret_rule(rule)
        return bool(self.rules & {"ALL", rule.id.upper(), rule.name.upper()})

    def suppression(self) -> Suppression:
        what = {ETC_POLICY: "etc-policy: ignore", GITLEAKS: GITLEAKS_SIGNATURE,
                TRUFFLEHOG: TRUFFLEHOG_TAG, DETECT_SECRETS: "pragma: allowlist secret",
                DOTENV_LINTER: "dotenv-linter:off"}[self.dialect]
        return Suppression(kind="inline", dialect=self.dialect,
                           justification=f"{self.spelling or what} on line {self.line}")


def is_secret_rule(rule: RuleLike) -> bool:
    return bool(SECRET_TAGS & set(rule.tags))


class LineMarkers:
    """The markers that apply to each line of one file."""

    def __init__(self) -> None:
        self._by_line: dict[int, list[Marker]] = {}

    def add(self, target: int, marker: Marker) -> None:
        self._by_line.setdefault(target, []).append(marker)

    def __bool__(self) -> bool:
        return bool(self._by_line)

    def suppression(self, rule: RuleLike, line: int) -> Suppression | None:
        """The first marker on `line` that covers `rule`, as the finding's suppression."""
        for marker in self._by_line.get(line, ()):
            if marker.covers(rule):
                return marker.suppression()
        return None


def markers_of_text(text: str) -> LineMarkers:
    """Every marker of a `.env` file (or any text read whole), dotenv-linter's ranges included."""
    markers = LineMarkers()
    disabled: dict[str, int] = {}      # DOT rule -> line of the `off` comment that disabled it
    for number, line in enumerate(text.splitlines(), start=1):
        if "dotenv-linter:" in line:
            _dotenv_linter(line, number, disabled)
        for rule_id, since in disabled.items():
            markers.add(number, Marker(DOTENV_LINTER, since, frozenset({rule_id})))
        for target, marker in line_markers(line, number):
            markers.add(target, marker)
    return markers


def line_markers(text: str, number: int, *,
                 alone: bool | None = None) -> Iterable[tuple[int, Marker]]:
    """(line it applies to, marker) for the comments in one line. `alone`: the comment is
    all the line holds (leading blanks aside); None works it out from `text`, which is then
    the whole line (scan passes a matched piece of a line, and says)."""
    if alone is None:
        alone = text.lstrip().startswith(("#", "//", "/*", "'", "--", "<!--"))
    if "etc-policy" in text.lower():
        match = _OURS.search(text)
        ids = frozenset(w.upper() for w in re.findall(r"[A-Za-z0-9_-]+", match.group("ids"))) \
            if match else frozenset()
        if ids:
            ours = Marker(ETC_POLICY, number, ids)
            yield number, ours
            if alone and text.lstrip().startswith("#"):
                yield number + 1, ours
    if GITLEAKS_SIGNATURE in text:
        yield number, Marker(GITLEAKS, number)
    if TRUFFLEHOG_TAG in text:
        yield number, Marker(TRUFFLEHOG, number)
    if "pragma:" in text:
        if any(regex.search(text) for regex in _pragmas(nextline=False)):
            yield number, Marker(DETECT_SECRETS, number)
        if alone and any(regex.search(text) for regex in _pragmas(nextline=True)):
            yield number + 1, Marker(DETECT_SECRETS, number,
                                     spelling="pragma: allowlist nextline secret")


def _dotenv_linter(line: str, number: int, disabled: dict[str, int]) -> None:
    """dotenv-linter's comment.rs: `# dotenv-linter:off|on` then check names."""
    match = _DOTENV_LINTER.match(line)
    if match is None or match.group("flag") not in ("on", "off"):
        return
    names = [n for part in match.group("checks").split() for n in part.split(",") if n]
    rule_ids = [DOTENV_LINTER_CHECKS[n] for n in names if n in DOTENV_LINTER_CHECKS]
    for rule_id in rule_ids:
        if match.group("flag") == "off":
            disabled.setdefault(rule_id, number)
        else:
            disabled.pop(rule_id, None)


@functools.cache
def _pragmas(*, nextline: bool) -> tuple[re.Pattern[str], ...]:
    """detect-secrets' allowlist regexes (filters/allowlist.py), compiled when a line
    mentions a pragma: the hook's plain run never pays for them."""
    return tuple(re.compile(r"{}[ \t]*{} *pragma: ?{}{}[ -]secret.*?{}[ \t]*$".format(
        "^" if nextline else "", start, "allowlist" if nextline else "(allow|white)list",
        "[ -]nextline" if nextline else "", end)) for start, end in _COMMENT_STYLES)
