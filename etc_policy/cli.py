"""The `etc-policy` command line: a typer app with thin commands and ONE error handler.

Exit codes: 0 nothing at or above the threshold, 1 findings at or above it, 2 usage,
config or input error, 3 internal error, 130 interrupted. `main()` is the only place that
turns exceptions into exit codes; it never prints a traceback or an exception's text
(which could carry a value), only `EtcPolicyError.one_line()` or the exception's type name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import typer

from etc_policy import __version__
from etc_policy.commands.common import DataFormat, OutputFormat
from etc_policy.errors import ExitCode
from etc_policy.findings import FailOn
from etc_policy.launch import fail, guarded, save_table
from etc_policy.schema import user_message

from typer import Abort

try:  # recent typer vendors click; older releases use click itself
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer._click.formatting import HelpFormatter
except ImportError:  # pragma: no cover - depends on the installed typer
    from click.exceptions import ClickException, NoArgsIsHelpError
    from click.formatting import HelpFormatter

PROG = "etc-policy"


class _Command(typer.core.TyperCommand):
    """typer's command, with argument rows named by their metavar alone (`PATH...`): typer
    appends the Python type to every argument row (`PATH <list[str]>`), metavar or not."""

    def format_options(self, ctx: typer.Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            row = param.get_help_record(ctx)
            if row is None:
                continue
            if param.param_type_name == "argument":
                name = param.metavar or param.name.upper()
                arguments.append((name + ("..." if param.nargs != 1 else ""), row[1]))
            else:
                options.append(row)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


app = typer.Typer(
    name=PROG,
    help="Declarative policy linter and secret auditor for apps deployed on Railway.",
    no_args_is_help=True,              # the bare command shows the command list (exit 2)
    add_completion=True,               # --install-completion / --show-completion (bash, zsh, fish)
    rich_markup_mode=None,             # plain help: no rich import, no colour codes in a pipe
    pretty_exceptions_enable=False,    # main() handles every exception itself
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Paths = Annotated[list[str] | None, typer.Argument(
    metavar="PATH",
    help="Files (as pre-commit passes them) or a project folder (discovered). Default: '.'.",
    show_default=False)]
Packs = Annotated[list[str] | None, typer.Option(
    "--pack", metavar="PACK",
    help="Policy pack: shipped name or YAML path (repeatable; replaces the config's).",
    show_default=False)]
Config = Annotated[str | None, typer.Option(
    "--config", metavar="FILE",
    help="Config file (default: .etc-policy.yaml or pyproject.toml in the project).",
    show_default=False)]
Environment = Annotated[str | None, typer.Option(
    "--environment", "-e", metavar="NAME",
    help="Environment of every source (overrides file names and the config).",
    show_default=False)]
Keys = Annotated[str | None, typer.Option(
    "--keys", metavar="FILE",
    help="A dotenvx .env.keys file (kept outside the repository) to decrypt encrypted "
         "values in memory; DOTENV_PRIVATE_KEY* in the environment work too.",
    show_default=False)]


def _choices(values: Iterable[str]) -> str:
    """`a, b or c` for help texts, from the enum itself (one list, not a copy)."""
    *head, last = [str(v) for v in values]
    return f"{', '.join(head)} or {last}" if head else last


Format = Annotated[DataFormat, typer.Option(
    "--format", "-f", metavar="FORMAT", help=f"Output format: {_choices(DataFormat)}.")]
ReportFormat = Annotated[OutputFormat, typer.Option(
    "--format", "-f", metavar="FORMAT",
    help=f"Output format: {_choices(OutputFormat)}; auto = github inside GitHub Actions, "
         "text elsewhere.")]
FailOnLevel = Annotated[FailOn | None, typer.Option(
    "--fail-on", metavar="LEVEL",
    help=f"Lowest severity that fails the run: {_choices(FailOn)} (default: the config's "
         "fail_on, else error).", show_default=False)]
RotationFailOn = Annotated[str, typer.Option(
    "--fail-on", metavar="STATE",
    help="Exit 1 when a listed secret is at least this urgent: overdue, due-soon (overdue "
         "or due soon) or never.")]
Output = Annotated[str | None, typer.Option(
    "--output", "-o", metavar="FILE",
    help="Write the report to FILE (atomically; only when the run succeeds).",
    show_default=False)]


def _version(value: bool) -> None:
    if value:
        print(f"{PROG} {version()}")
        raise typer.Exit(0)


def version() -> str:
    """The installed distribution's version (what pip and `pip show` report)."""
    from importlib.metadata import PackageNotFoundError, version as installed

    try:
        return installed(PROG)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return __version__


@app.callback()
def _root(version: Annotated[bool, typer.Option(
        "--version", help="Show the version and exit.", is_eager=True,
        callback=_version)] = False) -> None:
    """Declarative policy linter and secret auditor for apps deployed on Railway."""


@app.command(cls=_Command)
def check(paths: Paths = None, pack: Packs = None, config: Config = None, keys: Keys = None,
          environment: Environment = None, output_format: ReportFormat = OutputFormat.AUTO,
          output: Output = None, fail_on: FailOnLevel = None,
          quiet: Annotated[bool, typer.Option(
              "--quiet", "-q", help="Print nothing when the run passes (for hooks).")] = False,
          baseline: Annotated[str | None, typer.Option(
              "--baseline", metavar="FILE",
              help="Accept the findings recorded in FILE (see `baseline`); only new ones fail.",
              show_default=False)] = None,
          sarif_category: Annotated[str, typer.Option(
              "--sarif-category", metavar="NAME",
              help="SARIF automationDetails category (one per analysis).")] = "etc-policy",
          as_of: Annotated[str | None, typer.Option(
              "--as-of", metavar="DATE", help="Evaluate date rules (rotation, JWT exp, "
              "deprecations) on this day (YYYY-MM-DD).", show_default=False)] = None,
          update_ledger: Annotated[bool, typer.Option(
              "--update-ledger", help="Record new and changed secrets in the rotation "
              "ledger.")] = False,
          skip_rotation: Annotated[bool, typer.Option(
              "--skip-rotation", help="Leave out rotation-age rules (the pre-commit hooks: "
              "an old key must not block an unrelated commit).")] = False,
          fail_on_empty: Annotated[bool, typer.Option(
              "--fail-on-empty", help="Fail (exit 1) when a folder given holds nothing "
              "etc-policy reads (CI checking the wrong path); config: fail_on_empty.")] = False,
          ) -> int:
    """Evaluate the policy packs against the sources."""
    from etc_policy.commands import check as command

    # launch.py's fast path calls from_cli too, with the same names (its option table).
    return command.from_cli(paths=paths, pack=pack, config=config, keys=keys, environment=environment,
                            output_format=output_format, output=output, fail_on=fail_on,
                            quiet=quiet, baseline=baseline, sarif_category=sarif_category,
                            as_of=as_of, update_ledger=update_ledger, skip_rotation=skip_rotation,
                            fail_on_empty=fail_on_empty)


@app.command(cls=_Command)
def baseline(paths: Paths = None, pack: Packs = None, config: Config = None, keys: Keys = None,
             environment: Environment = None,
             output: Annotated[str, typer.Option(
                 "--output", "-o", metavar="FILE",
                 help="Baseline file to write.")] = ".etc-policy-baseline.json") -> int:
    """Write today's findings to a baseline file so `check --baseline` fails only on new ones."""
    from etc_policy.commands import baseline as command

    return command.run(paths or ["."], packs=pack or (), config=config, keys=keys, environment=environment,
                       output=output)


@app.command(cls=_Command)
def validate(packs: Annotated[list[str], typer.Argument(
        metavar="PACK", help="Pack YAML files (or shipped names) to validate.")]) -> int:
    """Validate policy packs: file, line and field of the first problem (exit 2)."""
    from etc_policy.commands import validate as command

    return command.run(packs)


@app.command(cls=_Command)
def inspect(paths: Paths = None, pack: Packs = None, config: Config = None, keys: Keys = None,
            environment: Environment = None, output_format: Format = DataFormat.TEXT,
            output: Output = None,
            reveal: Annotated[bool, typer.Option(
                "--reveal", help="Print raw values (secrets included); warns on stderr.")] = False,
            ) -> int:
    """Show what each source contributes: keys, lines, which are secrets and why."""
    from etc_policy.commands import inspect as command

    return command.run(paths or ["."], packs=pack or (), config=config, keys=keys, environment=environment,
                       output_format=output_format, output=output, reveal=reveal)


@app.command(cls=_Command)
def rules(pack: Packs = None, config: Config = None,
          output_format: Format = DataFormat.TEXT) -> int:
    """List the rule catalogue: id, severity, pack, name."""
    from etc_policy.commands import rules as command

    return command.run(packs=pack or (), config=config, output_format=output_format)


@app.command(cls=_Command)
def explain(rule: Annotated[str, typer.Argument(metavar="RULE", help="Rule ID (RWY001) or name.")],
            pack: Packs = None, config: Config = None,
            output_format: Format = DataFormat.TEXT) -> int:
    """Show a rule's documentation: what it checks, why, an example and the fix."""
    from etc_policy.commands import explain as command

    return command.run(rule, packs=pack or (), config=config, output_format=output_format)


@app.command("test", cls=_Command)
def test_packs(packs: Annotated[list[str] | None, typer.Argument(
                   metavar="PACK", help="Packs whose rules' examples run (shipped names or YAML "
                   "paths). Default: the project's packs.", show_default=False)] = None,
               config: Config = None, output_format: Format = DataFormat.TEXT,
               output: Output = None) -> int:
    """Run the examples the packs' rules carry: must-pass and must-fail inputs (exit 1 on a
    failing one)."""
    from etc_policy.commands import test as command

    return command.run(packs or (), config=config, output_format=output_format, output=output)


@app.command(cls=_Command)
def scan(paths: Annotated[list[str] | None, typer.Argument(
             metavar="PATH|-",
             help="Log files, folders, .gz files, or - for stdin (`railway logs --json | "
                  "etc-policy scan -`). Default: the config's environments.<name>.logs.",
             show_default=False)] = None,
         env_file: Annotated[list[str] | None, typer.Option(
             "--env-file", metavar="FILE",
             help="A .env file whose secret values are looked for (repeatable).",
             show_default=False)] = None,
         railway_vars: Annotated[list[str] | None, typer.Option(
             "--railway-vars", metavar="FILE",
             help="A Railway variables export whose secret values are looked for (repeatable).",
             show_default=False)] = None,
         pack: Packs = None, config: Config = None, keys: Keys = None, environment: Environment = None,
         output_format: ReportFormat = OutputFormat.AUTO, output: Output = None,
         fail_on: FailOnLevel = None,
         jobs: Annotated[int, typer.Option(
             "--jobs", "-j", metavar="N", help="Scan files in N processes.")] = 1,
         ignore: Annotated[list[str] | None, typer.Option(
             "--ignore", metavar="GLOB", help="Skip files matching GLOB in folders (repeatable).",
             show_default=False)] = None,
         detect_secrets: Annotated[bool, typer.Option(
             "--detect-secrets/--no-detect-secrets",
             help="Also run detect-secrets' detectors (LOG003).")] = True,
         quiet: Annotated[bool, typer.Option(
             "--quiet", "-q", help="Print nothing when the run passes; no progress bar.")] = False,
         sarif_category: Annotated[str, typer.Option(
             "--sarif-category", metavar="NAME",
             help="SARIF automationDetails category (one per analysis).")] = "etc-policy/scan",
         max_per_secret: Annotated[int, typer.Option(
             "--max-per-secret", metavar="N",
             help="List at most N findings per secret, file and encoding; a notice counts "
                  "the rest (0: list all).")] = 1000,
         baseline: Annotated[str | None, typer.Option(
             "--baseline", metavar="FILE",
             help="Accept the findings recorded in FILE (see --write-baseline); only new ones "
                  "fail. Read only.", show_default=False)] = None,
         write_baseline: Annotated[str | None, typer.Option(
             "--write-baseline", metavar="FILE",
             help="Record today's findings in FILE (fingerprints only: no values, no line "
                  "numbers).", show_default=False)] = None,
         ) -> int:
    """Look for leaked secrets in logs and files: known values, provider keys, live JWTs."""
    from etc_policy.commands import scan as command

    return command.from_cli(paths=paths, env_file=env_file, railway_vars=railway_vars,
                            pack=pack, config=config, keys=keys, environment=environment,
                            output_format=output_format.value, output=output,
                            fail_on=None if fail_on is None else fail_on.value, jobs=jobs,
                            ignore=ignore, detect_secrets=detect_secrets, quiet=quiet,
                            sarif_category=sarif_category, max_per_secret=max_per_secret,
                            baseline=baseline, write_baseline=write_baseline)


# --- rotation: the ledger and its reminders ------------------------------------------------

rotation_app = typer.Typer(help="Secret rotation: ledger, status, reminders (table, Markdown, "
                                "JSON, iCalendar).", no_args_is_help=True,
                           rich_markup_mode=None, add_completion=False)
app.add_typer(rotation_app, name="rotation")
AsOf = Annotated[str | None, typer.Option(
    "--as-of", metavar="DATE", help="Evaluate on this day (YYYY-MM-DD) instead of today.",
    show_default=False)]
Environments = Annotated[list[str] | None, typer.Option(
    "--environment", "-e", metavar="NAME", help="Only this environment (repeatable).",
    show_default=False)]


@rotation_app.command("status", cls=_Command)
def rotation_status(paths: Paths = None, pack: Packs = None, config: Config = None, keys: Keys = None,
                    environment: Environments = None, as_of: AsOf = None,
                    output_format: Annotated[str, typer.Option(
                        "--format", "-f", metavar="FORMAT",
                        help="Output format: table or json.")] = "table",
                    output: Output = None, fail_on: RotationFailOn = "never") -> int:
    """Every secret: environment, key, age, due date, state."""
    from etc_policy.commands import rotation as command

    return command.status(paths or ["."], packs=pack or (), config=config, keys=keys,
                          environments=environment or (), as_of=as_of,
                          output_format=command.StatusFormat(_choice(output_format, command.StatusFormat)),
                          output=output,
                          fail_on=command.RotationFailOn(_choice(fail_on, command.RotationFailOn,
                                                                 option="--fail-on")))


@rotation_app.command("report", cls=_Command)
def rotation_report(paths: Paths = None, pack: Packs = None, config: Config = None, keys: Keys = None,
                    environment: Environments = None, as_of: AsOf = None,
                    within: Annotated[int, typer.Option(
                        "--within", metavar="DAYS", help="Secrets due within DAYS (overdue ones "
                        "included).")] = 30,
                    output_format: Annotated[str, typer.Option(
                        "--format", "-f", metavar="FORMAT",
                        help="Output format: table, markdown, json or ics.")] = "table",
                    output: Output = None, fail_on: RotationFailOn = "never") -> int:
    """Secrets due for rotation soon, as a table, Markdown, JSON or an iCalendar file."""
    from etc_policy.commands import rotation as command

    return command.report(paths or ["."], packs=pack or (), config=config, keys=keys,
                          environments=environment or (), as_of=as_of, within=within,
                          output_format=command.ReportFormat(_choice(output_format, command.ReportFormat)),
                          output=output,
                          fail_on=command.RotationFailOn(_choice(fail_on, command.RotationFailOn,
                                                                 option="--fail-on")))


@rotation_app.command("record", cls=_Command)
def rotation_record(paths: Paths = None, pack: Packs = None, config: Config = None, keys_file: Keys = None,
                    environment: Environments = None,
                    key: Annotated[list[str] | None, typer.Option(
                        "--key", "-k", metavar="KEY", help="Only this key (repeatable).",
                        show_default=False)] = None,
                    rotated_on: Annotated[str | None, typer.Option(
                        "--rotated-on", metavar="DATE", help="The day it was rotated (initial "
                        "import of a known date; default: today).", show_default=False)] = None,
                    as_of: AsOf = None,
                    note: Annotated[str | None, typer.Option(
                        "--note", metavar="TEXT", help="A note for the audit trail.",
                        show_default=False)] = None) -> int:
    """Record that secrets were rotated (their current values) in the rotation ledger."""
    from etc_policy.commands import rotation as command

    return command.record(paths or ["."], packs=pack or (), config=config, keys_file=keys_file,
                          environments=environment or (), keys=key or (), rotated_on=rotated_on,
                          as_of=as_of, note=note)


def _choice(value: str, enum: type, *, option: str = "--format") -> str:
    """Choices of options typed `str` (so that cli.py need not import the command's module)
    checked with a one-line usage error (exit 2)."""
    from etc_policy.errors import UsageError

    allowed = [member.value for member in enum]
    if value not in allowed:
        raise UsageError(f"{option}: one of {', '.join(allowed)}")
    return value


@app.command(cls=_Command)
def audit(paths: Paths = None, pack: Packs = None, config: Config = None, keys: Keys = None,
          output_format: Annotated[str, typer.Option(
              "--format", "-f", metavar="FORMAT",
              help="Output format: text, markdown, json, sarif or html.")] = "text",
          output: Output = None, fail_on: FailOnLevel = None, as_of: AsOf = None,
          update_ledger: Annotated[bool, typer.Option(
              "--update-ledger", help="Record new and changed secrets in the rotation "
              "ledger.")] = False) -> int:
    """Audit every environment: check, rotation, log scan, cross-environment reuse, drift."""
    from etc_policy.commands import audit as command

    return command.run(paths or ["."], packs=pack or (), config=config, keys=keys,
                       output_format=command.AuditFormat(_choice(output_format, command.AuditFormat)),
                       output=output, fail_on=fail_on, as_of=as_of, update_ledger=update_ledger)


def main(argv: list[str] | None = None) -> int:
    """The CLI through typer (launch.main sends everything but a plain `check` here). Every
    exception ends in launch.guarded, as one line and an exit code."""
    return guarded(lambda: _run(argv))


def _run(argv: list[str] | None) -> int:
    try:
        command = typer.main.get_command(app)
        save_table(command)  # the fast path's copy of the options (launch.py)
        result = command.main(args=argv, prog_name=PROG, standalone_mode=False)
    except NoArgsIsHelpError as exc:       # `etc-policy`, `etc-policy rotation`: the help
        print(exc.format_message())
        return ExitCode.USAGE
    except ClickException as exc:          # bad option, missing argument, bad choice…
        message = user_message(exc.format_message())
        return fail(f"{message} (see {PROG} --help)", ExitCode.USAGE)
    except Abort:
        return fail("interrupted", ExitCode.INTERRUPTED)
    if result == ExitCode.INTERRUPTED:  # typer turns Ctrl-C inside a command into 130
        return fail("interrupted", ExitCode.INTERRUPTED)
    return int(result) if isinstance(result, int) else ExitCode.OK
