"""`etc-policy scan [PATH|-]…`: leaked secrets in logs and files.

What is looked for:
- the values of the secrets of the env sources (`--env-file`, `--railway-vars`, else the
  config's `environments:` sources), in every encoding (scan/needles.py) → LOG001;
- provider key formats (LOG002) and detect-secrets' detectors (LOG003, `--no-detect-secrets`
  to skip them), scan/patterns.py;
- JWTs that verify against a JWT signing secret of those sources → LOG004 / LOG005.
What is read: the PATHs (files, folders, .gz, `-` for stdin), else the config's
`environments.<name>.logs`. The rules are the packs' `no_secret_in_logs` rules (shipped in
secrets-hygiene; that pack's are used when the selected packs define none), so severities,
`enabled: false` and the reporters work as for `check`. Exit codes are `check`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from etc_policy.commands.common import OutputFormat, Project, check_output_path, \
    configured_logs, emit, load_project_of, render_findings, write_atomic
from etc_policy.errors import ExitCode, UsageError
from etc_policy.findings import FailOn, Finding, Report
from etc_policy.scan.findings import DEFAULT_MAX_PER_SECRET, LOG_KIND, LOG_RULE_IDS

if TYPE_CHECKING:
    from etc_policy.ignores import ImportedIgnores
    from etc_policy.model import Workspace
    from etc_policy.scan.markers import Markers
    from etc_policy.scan.model import Match
    from etc_policy.policy import Rule
    from etc_policy.secrets.classify import SecretClassifier

LOG_PACK = "secrets-hygiene"
MAX_JOBS = 256           # processes; more is a typo, not a machine
NO_ENV_NOTICE = ("no env sources (--env-file, --railway-vars or the config's environments): "
                 "only provider formats and detect-secrets' detectors were looked for")
Progress = Callable[[str, int, "int | None"], None]


def from_cli(*, paths: Sequence[str] | None, env_file: Sequence[str] | None,
             railway_vars: Sequence[str] | None, pack: Sequence[str] | None,
             config: str | None, keys: str | None = None, environment: str | None, output_format: str,
             output: str | None, fail_on: str | None, jobs: int,
             ignore: Sequence[str] | None, detect_secrets: bool, quiet: bool,
             sarif_category: str, max_per_secret: int = DEFAULT_MAX_PER_SECRET,
             baseline: str | None = None, write_baseline: str | None = None) -> int:
    """The command line's options by typer's parameter names (cli.scan), as typer passes
    them or as launch.py's fast path does (choices as their string values)."""
    return run(paths or [], env_files=env_file or (), railway_vars=railway_vars or (),
               packs=pack or (), config=config, keys=keys, environment=environment,
               output_format=OutputFormat(output_format), output=output,
               fail_on=None if fail_on is None else FailOn(fail_on), jobs=jobs,
               ignore=ignore or (), quiet=quiet, detect_secrets=detect_secrets,
               sarif_category=sarif_category, max_per_secret=max_per_secret,
               baseline=baseline, write_baseline=write_baseline)


def run(paths: Sequence[str], *, env_files: Sequence[str] = (), railway_vars: Sequence[str] = (),
        packs: Sequence[str] = (), config: str | None = None, keys: str | None = None, environment: str | None = None,
        output_format: OutputFormat = OutputFormat.AUTO, output: str | None = None,
        fail_on: FailOn | None = None, jobs: int = 1, ignore: Sequence[str] = (),
        quiet: bool = False, detect_secrets: bool = True,
        sarif_category: str = "etc-policy/scan",
        max_per_secret: int = DEFAULT_MAX_PER_SECRET, baseline: str | None = None,
        write_baseline: str | None = None) -> int:
    """`baseline`: accept the findings recorded there (read only); `write_baseline`: record
    today's findings there (after inline and imported suppressions) and accept them."""
    from etc_policy.paths import repo_root
    from etc_policy.reporters import progress as bar
    from etc_policy.secrets.classify import SecretClassifier

    target = check_output_path(output)
    baseline_target = check_output_path(write_baseline)
    accepted = None
    if baseline is not None:  # read first: a bad baseline fails before any work
        from etc_policy.baseline import load

        accepted = load(Path(baseline))
    if not 1 <= jobs <= MAX_JOBS:
        raise UsageError(f"--jobs must be between 1 and {MAX_JOBS}")
    if max_per_secret < 0:
        raise UsageError("--max-per-secret must be 0 (no limit) or more")
    # The project of the first --env-file / --railway-vars (the cwd's without one).
    first = next(iter((*env_files, *railway_vars)), None)
    project = load_project_of(Path(first) if first else None, config_file=config, packs=packs,
                              keys=keys)
    inputs = list(paths) or configured_logs(project)
    if not inputs:
        raise UsageError("nothing to scan: give files, folders or - (stdin), or set "
                         "environments.<name>.logs in the config")
    workspace = env_workspace(project, env_files=env_files, railway_vars=railway_vars,
                              environment=environment)
    rules = log_rules(project)
    classifier = SecretClassifier.from_packs(project.packs)
    scan = dict(workspace=workspace, rules=rules, classifier=classifier,
                key_patterns=jwt_key_patterns(project), jobs=jobs,
                ignore=(*project.ignore_paths, *ignore), detect_secrets=detect_secrets,
                max_per_secret=max_per_secret, imported=project.imported_ignores())
    if bar.wanted(quiet=quiet):
        with bar.scan_progress() as progress:
            report = scan_report(inputs, progress=progress, **scan)  # type: ignore[arg-type]
    else:
        report = scan_report(inputs, **scan)  # type: ignore[arg-type]
    if baseline_target is not None:
        from etc_policy import baseline as baselines

        write_atomic(Path(baseline_target), baselines.dumps(report))
        accepted = baselines.Baseline.of(report)   # what was just recorded is known now
    if accepted is not None:
        report = accepted.apply(report)
    threshold = fail_on or project.config.config.fail_on
    failed = bool(report.failing(threshold))
    if not (quiet and not failed and target is None):
        fmt = output_format.resolved()
        emit(lambda stream: render_findings(report, stream, fmt, threshold,
                                            rules=tuple(rules.values()), root=repo_root(),
                                            category=sarif_category), output=target)
    return ExitCode.FINDINGS if failed else ExitCode.OK


def scan_report(inputs: Sequence[str], *, workspace: Workspace, rules: Mapping[str, Rule],
                classifier: SecretClassifier, key_patterns: Sequence[str] = (), jobs: int = 1,
                ignore: Sequence[str] = (), progress: Progress | None = None,
                detect_secrets: bool = True, now: datetime | None = None,
                max_per_secret: int = 0, imported: ImportedIgnores | None = None) -> Report:
    """Scan the inputs for the workspace's secrets and the patterns; findings of `rules` only,
    suppressed by the comments on their lines (scan/markers.py) and the `imported` files."""
    from etc_policy.paths import shown
    from etc_policy.scan import scan_paths
    from etc_policy.scan.findings import PerSecretCap, findings_from_matches
    from etc_policy.scan.inputs import STDIN
    from etc_policy.scan.jwt_live import JwtVerifier, key_selector, signing_keys
    from etc_policy.scan.markers import Markers, marker_patterns
    from etc_policy.scan.needles import needles_for
    from etc_policy.scan.patterns import scan_patterns

    needles = needles_for(workspace, classifier) if "LOG001" in rules else []
    keys = signing_keys(workspace, is_key=key_selector(key_patterns))
    verifier = JwtVerifier(keys, now=now)
    patterns = scan_patterns(detect_secrets=detect_secrets and "LOG003" in rules,
                             jwt=verifier.has_keys and bool({"LOG004", "LOG005"} & set(rules)))
    if "LOG002" not in rules:
        patterns = tuple(p for p in patterns if p.rule_id != "LOG002")
    patterns += marker_patterns(first_id=len(patterns))
    markers = Markers()
    digests = _Digests(imported)
    files: dict[str, None] = {}

    def seen(path: str, done: int, total: int | None) -> None:
        files.setdefault(path)
        if progress is not None:
            progress(path, done, total)

    # The path rule (paths.shown): inputs named relative to the cwd, stdin as `-`.
    named = [given if given == STDIN else shown(given) for given in inputs]
    matches = scan_paths(named, needles=needles, patterns=patterns, jobs=jobs,
                         ignore=tuple(ignore), progress=seen)
    cap = PerSecretCap(max_per_secret)
    made = findings_from_matches(digests.record(markers.split(matches)), rules=rules,
                                 verifier=verifier)
    found = [_accepted(finding, rules[finding.rule_id], markers, imported, digests)
             for finding in cap.filter(made)]
    for finding in found:
        files.setdefault(finding.path)
    from etc_policy.engine import encryption_notices

    # Encrypted values no key opened are no needles: say so, as for a run without env files.
    notices = ((*encryption_notices(workspace.sources),) if workspace.sources
               else (NO_ENV_NOTICE,)) + cap.notices()
    if imported is not None:
        notices += (*imported.notices, *imported.unmapped_notices())
    return Report(findings=tuple(sorted(found, key=Finding.sort_key)), files=tuple(files),
                  notices=notices)


class _Digests:
    """The SHA-1 of each match's text, by place, when a detect-secrets baseline is imported
    (its hashed secrets name known values); kept as digests, never as the text."""

    def __init__(self, imported: ImportedIgnores | None) -> None:
        self._imported = imported if imported is not None and imported.wants_digests else None
        self._by_place: dict[tuple[str, int, int], tuple[str, ...]] = {}

    def record(self, matches: Iterable[Match]) -> Iterator[Match]:
        imported = self._imported
        if imported is None:
            yield from matches
            return
        for match in matches:
            text = match.text.decode("utf-8", "replace")
            self._by_place[(match.path, match.line, match.column)] = imported.digests(
                value=text, line=text)
            yield match

    def of(self, finding: Finding) -> tuple[str, ...]:
        return self._by_place.get((finding.path, finding.line, finding.column), ())


def _accepted(finding: Finding, rule: Rule, markers: Markers,
              imported: ImportedIgnores | None, digests: _Digests) -> Finding:
    """The finding, suppressed if a comment on its line or an imported file accepts it."""
    from etc_policy.findings import suppressed

    by = markers.suppression(rule, path=finding.path, line=finding.line)
    if by is None and imported:
        by = imported.suppression(rule, path=finding.path, line=finding.line,
                                  digests=digests.of(finding))
    return finding if by is None else suppressed(finding, by)


# --- what the scan uses -------------------------------------------------------------------------

def log_rules(project: Project) -> dict[str, Rule]:
    """The enabled log rules by id. Packs that define none (e.g. `--pack railway-production`)
    get the shipped ones: a scan without its rules could only report nothing."""
    from etc_policy.policy import flatten, load_pack, resolve_rules

    defined = any(rule.kind == LOG_KIND for pack in flatten(project.packs) for rule in pack.rules)
    rules = project.rules if defined else resolve_rules(
        (load_pack(LOG_PACK, base_dir=Path(".")),), {})
    return {rule.id: rule for rule in rules if rule.kind == LOG_KIND and rule.id in LOG_RULE_IDS}


def jwt_key_patterns(project: Project) -> tuple[str, ...]:
    """The key patterns of the packs' jwt_secret rules (railway-production's RWY004)."""
    return tuple(rule.select.key_pattern for rule in project.rules
                 if rule.kind == "jwt_secret" and rule.select.key_pattern)


def env_workspace(project: Project, *, env_files: Sequence[str], railway_vars: Sequence[str],
                  environment: str | None) -> Workspace:
    """The sources whose secrets are looked for: the flags' files, else the config's."""
    from etc_policy.discovery import SourceSpec, load_workspace
    from etc_policy.model import SourceKind

    specs = [SourceSpec(Path(f), kind=SourceKind.DOTENV) for f in env_files]
    specs += [SourceSpec(Path(f)) for f in railway_vars]   # JSON, --kv or environment config
    if not specs:
        base = project.config.base_dir or project.root
        specs = [SourceSpec(base / source.path, kind=source.kind, environment=name)
                 for name, env in project.config.config.environments.items()
                 for source in env.sources]
    return load_workspace(specs, root=project.config.base_dir or project.root,
                          environment=environment, ignore_paths=project.ignore_paths,
                          keys_file=project.keys_file)


# --- output -------------------------------------------------------------------------------------

