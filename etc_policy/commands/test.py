"""`etc-policy test [PACK]...`: run the examples the packs' rules carry (conftest's `verify`,
semgrep's `--test`).

Each example of a rule (`examples: {must_pass: [...], must_fail: [...]}` in the pack, see
policy.Example) is written to a fresh temporary folder and read like a project (discovery,
file names decide the environments), then evaluated with that rule alone, the packs' secret
classification and the example's `as_of` day. A `must_pass` example must give no active
finding of the rule; a `must_fail` one at least one, or exactly its `findings` (line, key,
part of the message, in line order). Without PACK: the project's packs. Exit 1 when an
example fails, 2 for a broken pack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from etc_policy.commands.common import DataFormat, check_output_path, emit, load_project
from etc_policy.errors import ExitCode
from etc_policy.record import record
from etc_policy.scan.findings import LOG_KIND

LOG_SUFFIXES = frozenset({".log", ".ndjson", ".gz"})

if TYPE_CHECKING:
    from etc_policy.findings import Finding
    from etc_policy.policy import Example, Pack, Rule
    from etc_policy.secrets.classify import SecretClassifier


@record
class ExampleResult:
    rule_id: str
    pack: str
    example: str              # "must_fail[0]" (or "must_fail[0] (name)")
    ok: bool
    problem: str | None = None


def run(packs: Sequence[str], *, config: str | None, output_format: DataFormat,
        output: str | None) -> int:
    from etc_policy.policy import flatten

    target = check_output_path(output)
    project = load_project(root=Path("."), config_file=config, packs=packs)
    # Named packs: their own rules; else every pack the project loads (extends included).
    tested = project.packs if packs else flatten(project.packs)
    results = run_examples(tested, project.packs)
    if output_format is DataFormat.JSON:
        from etc_policy.reporters.examples import document
        from etc_policy.reporters.json import dumps

        emit(lambda stream: stream.write(dumps(document(results))), output=target)
    else:
        from etc_policy.reporters.examples import render_text

        emit(lambda stream: render_text(results, stream), output=target)
    return ExitCode.FINDINGS if any(not r.ok for r in results) else ExitCode.OK


def run_examples(tested: Sequence[Pack], loaded: Sequence[Pack]) -> list[ExampleResult]:
    """Every example of every rule of `tested` (the packs whose rules are tested), classified
    by the secrets of `loaded` (those packs and what they extend)."""
    from etc_policy.policy import flatten
    from etc_policy.secrets.classify import SecretClassifier

    classifier = SecretClassifier.from_packs(tuple(loaded))
    # Log rules resolve overlaps between themselves (scan/findings.py): run them together.
    log_rules = {r.id: r for pack in flatten(loaded) for r in pack.rules if r.kind == LOG_KIND}
    results = []
    for pack in tested:
        for rule in pack.rules:
            if rule.examples is None:
                continue
            for group in ("must_pass", "must_fail"):
                for index, example in enumerate(getattr(rule.examples, group)):
                    label = f"{group}[{index}]" + (f" ({example.name})" if example.name else "")
                    problem = check_example(rule, example, must_fail=group == "must_fail",
                                            classifier=classifier, log_rules=log_rules)
                    results.append(ExampleResult(rule.id, pack.name, label, problem is None,
                                                 problem))
    return results


def check_example(rule: Rule, example: Example, *, must_fail: bool,
                  classifier: SecretClassifier,
                  log_rules: Mapping[str, Rule] | None = None) -> str | None:
    """None when the example holds, else what went wrong (keys and lines, never values)."""
    found = example_findings(rule, example, classifier=classifier, log_rules=log_rules)
    shown = "; ".join(f"line {f.line}" + (f" {f.key}" if f.key else "") for f in found)
    if not must_fail:
        return None if not found else f"expected no finding, got {len(found)}: {shown}"
    if not found:
        return f"expected a finding of {rule.id}, got none"
    expected = example.findings
    if expected is None:
        return None
    if len(expected) != len(found) or not all(
            _matches(want, got) for want, got in zip(expected, found)):
        wanted = "; ".join(_describe(want) for want in expected)
        return f"expected {len(expected)} finding(s) ({wanted}), got {len(found)}: {shown}"
    return None


def example_findings(rule: Rule, example: Example, *, classifier: SecretClassifier,
                     log_rules: Mapping[str, Rule] | None = None) -> list[Finding]:
    """The active findings of `rule` on the example. A log rule (`no_secret_in_logs`) runs
    as `etc-policy scan` does: the example's `.log`/`.ndjson`/`.gz` files are scanned for the
    secrets of its `.env` files, with the other `log_rules`."""
    import tempfile

    from etc_policy.discovery import discover, load_workspace
    from etc_policy.engine import evaluate

    now = None
    if example.as_of is not None:
        from etc_policy.commands.rotation import today
        from etc_policy.rotation.status import as_of_datetime

        now = as_of_datetime(today(example.as_of))
    with tempfile.TemporaryDirectory(prefix="etc-policy-example-") as folder:
        root = Path(folder)
        for name, text in example.inputs().items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        workspace = load_workspace(discover(root), root=root)
        if rule.kind == LOG_KIND:
            from etc_policy.commands.scan import scan_report

            logs = sorted(str(p) for p in root.rglob("*") if p.suffix in LOG_SUFFIXES)
            report = scan_report(logs, workspace=workspace, classifier=classifier, now=now,
                                 rules={**(log_rules or {}), rule.id: rule})
        else:
            report = evaluate(workspace, (rule,), classifier, now=now)
    return sorted((f for f in report.active() if f.rule_id == rule.id),
                  key=lambda f: (f.line, f.path, f.key or ""))


def _matches(want: object, got: Finding) -> bool:
    line, key, message = (getattr(want, name) for name in ("line", "key", "message"))
    return (line is None or line == got.line) and (key is None or key == got.key) and \
        (message is None or message in got.message)


def _describe(want: object) -> str:
    parts = [f"line {want.line}" if want.line else "",  # type: ignore[attr-defined]
             want.key or "", f"'{want.message}'" if want.message else ""]  # type: ignore[attr-defined]
    return " ".join(p for p in parts if p) or "any"
