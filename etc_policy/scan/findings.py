"""Scan matches → `findings.Finding`s of the log rules (LOG001…LOG005 in secrets-hygiene).

- a needle match is LOG001 (the variable whose value leaked, its environment, the encoding);
- a provider pattern match is LOG002, a detect-secrets one LOG003;
- a JWT match is LOG004 (verifies against a signing key of the scanned environments, not
  expired), LOG005 (verifies, expired) or nothing (verifies against no key).
One leak gives one finding: where matches overlap on the same line, the most specific wins
(live token > known value > provider format > detect-secrets), so a leaked DATABASE_URL is
LOG001 naming the variable, not also a LOG002 "database URL with a password".

Findings carry no value: the `hint` is `redact.hint` of the matched text and the fingerprint
is rule + path + variable (or pattern name) + encoding. Columns count bytes of the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from etc_policy.findings import Finding, Severity, fingerprint
from etc_policy.paths import key_of
from etc_policy.record import record
from etc_policy.scan.inputs import STDIN
from etc_policy.scan.jwt_live import JwtVerifier, Liveness, Verdict
from etc_policy.scan.lines import wide_bytes
from etc_policy.scan.model import Match
from etc_policy.scan.patterns import DETECT_SECRETS_RULE, JWT_PATTERN_NAME, PROVIDER_RULE, describe
from etc_policy.secrets.redact import hint

if TYPE_CHECKING:
    from etc_policy.policy import Rule

KNOWN_VALUE_RULE = "LOG001"
LIVE_JWT_RULE = "LOG004"
EXPIRED_JWT_RULE = "LOG005"
LOG_RULE_IDS = (KNOWN_VALUE_RULE, PROVIDER_RULE, DETECT_SECRETS_RULE, LIVE_JWT_RULE,
                EXPIRED_JWT_RULE)
LOG_KIND = "no_secret_in_logs"
# Lower wins when two matches overlap on one line.
_PRECEDENCE = {LIVE_JWT_RULE: 0, EXPIRED_JWT_RULE: 0, KNOWN_VALUE_RULE: 1, PROVIDER_RULE: 2,
               DETECT_SECRETS_RULE: 3}
PATTERN_ENCODING = "raw"   # a provider key or a JWT is found as written


@record
class _Candidate:
    rule_id: str
    match: Match
    verdict: Verdict | None = None


def findings_from_matches(matches: Iterable[Match], *, rules: Mapping[str, Rule],
                          verifier: JwtVerifier) -> Iterator[Finding]:
    """Findings of the enabled log rules (`rules` by id), in match order, overlaps resolved.

    Matches come per file in offset order, so a line's matches are consecutive: one line is
    held at a time, and memory stays flat however long the log is.
    """
    pending: list[_Candidate] = []
    for match in matches:
        candidate = _candidate(match, verifier)
        if candidate is None or candidate.rule_id not in rules:
            continue
        if pending and (pending[0].match.path, pending[0].match.line) != (match.path, match.line):
            yield from _resolve(pending, rules)
            pending = []
        pending.append(candidate)
    yield from _resolve(pending, rules)


DEFAULT_MAX_PER_SECRET = 1000


class PerSecretCap:
    """At most `limit` findings (0: no limit) per secret, file and encoding (per fingerprint:
    rule, path, variable or pattern, encoding); the others are counted, and `notices()` says
    how many were not listed. An app that logs a secret on every request would otherwise give
    millions of findings, held for sorting and the reports: memory would grow with the log."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._listed: dict[str, int] = {}
        self._omitted: dict[str, tuple[Finding, int]] = {}

    def filter(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        limit, listed, omitted = self.limit, self._listed, self._omitted
        for finding in findings:
            seen = listed.get(finding.fingerprint, 0)
            if not limit or seen < limit:
                listed[finding.fingerprint] = seen + 1
                yield finding
            else:
                first, count = omitted.get(finding.fingerprint, (finding, 0))
                omitted[finding.fingerprint] = (first, count + 1)

    def notices(self) -> tuple[str, ...]:
        """One notice for the run, however many secrets were capped: a line per secret
        repeated the same advice (in a log of a thousand secrets, a thousand times)."""
        if not self._omitted:
            return ()
        omitted = sum(count for _, count in self._omitted.values())
        files = len({first.path for first, _ in self._omitted.values()})
        groups = len(self._omitted)
        return (f"{_plural(omitted, 'more finding')} not listed "
                f"({_plural(groups, 'secret')} in {_plural(files, 'file')} reached the limit): at "
                f"most {self.limit} per secret, file and encoding (--max-per-secret N; 0 lists "
                "all)",)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _candidate(match: Match, verifier: JwtVerifier) -> _Candidate | None:
    if match.needle is not None:
        return _Candidate(KNOWN_VALUE_RULE, match)
    pattern = match.pattern
    if pattern is None:
        return None
    if pattern.name == JWT_PATTERN_NAME:
        verdict = verifier.verdict(match.text)
        if verdict is None:
            return None
        rule = LIVE_JWT_RULE if verdict.liveness is Liveness.LIVE else EXPIRED_JWT_RULE
        return _Candidate(rule, match, verdict)
    return _Candidate(pattern.rule_id, match)


def _resolve(pending: list[_Candidate], rules: Mapping[str, Rule]) -> Iterator[Finding]:
    ranked = sorted(pending, key=lambda c: (_PRECEDENCE.get(c.rule_id, 9),
                                            -(c.match.end - c.match.offset), c.match.offset))
    kept: list[_Candidate] = []
    for candidate in ranked:
        if not any(_overlap(candidate.match, other.match) for other in kept):
            kept.append(candidate)
    for candidate in sorted(kept, key=lambda c: c.match.offset):
        yield to_finding(candidate.match, rules[candidate.rule_id], verdict=candidate.verdict)


def _overlap(a: Match, b: Match) -> bool:
    return a.offset < b.end and b.offset < a.end


def to_finding(match: Match, rule: Rule, *, verdict: Verdict | None = None) -> Finding:
    needle = match.needle
    key: str | None = None
    environment: str | None = None
    if needle is not None:
        key, environment, encoding = needle.variable, needle.environment, needle.encoding
        label = needle.encoding
    else:
        encoding = PATTERN_ENCODING
        label = match.pattern.name if match.pattern is not None else ""
    if verdict is not None:
        key, environment = verdict.variable, verdict.environment
    return Finding(
        rule_id=rule.id, rule_name=rule.name, severity=Severity(rule.severity),
        message=_message(match, verdict), path=match.path, line=match.line,
        column=match.column, end_line=match.line,
        end_column=match.column + max(len(match.text) - wide_bytes(match.text), 1),
        key=key, environment=environment, pack=rule.pack,
        hint=hint(match.text.decode("utf-8", "replace")),
        fingerprint=fingerprint(rule_id=rule.id, path=key_of(match.path), key=key,
                                extra=f"{label}\x1f{encoding}"),
        encoding=encoding)


def _message(match: Match, verdict: Verdict | None) -> str:
    needle = match.needle
    if verdict is not None:
        where = _env(verdict.environment)
        if verdict.liveness is Liveness.LIVE:
            until = f", valid until {verdict.expires:%Y-%m-%d}" if verdict.expires else \
                ", with no expiry"
            return (f"a JWT signed with {verdict.variable}{where} ({verdict.algorithm}) leaked"
                    f"{until}: a usable session token")
        return (f"a JWT signed with {verdict.variable}{where} ({verdict.algorithm}) leaked; "
                f"it expired on {verdict.expires:%Y-%m-%d}")
    if needle is not None:
        also = f" (also the value of {', '.join(needle.also)})" if needle.also else ""
        return (f"the value of {needle.variable}{_env(needle.environment)} appears in "
                f"{_scanned(match.path)} ({needle.encoding}){also}")
    name = match.pattern.name if match.pattern is not None else "a secret"
    return f"{describe(name)} appears in {_scanned(match.path)}"


def _scanned(path: str) -> str:
    """What was scanned, by name: `scan` reads logs, but also `.env` files and folders."""
    return "stdin" if path == STDIN else PurePosixPath(path).name


def _env(environment: str | None) -> str:
    return f" ({environment})" if environment else ""
