"""The console script's entry point: `etc-policy check` without typer, everything else with it.

A pre-commit hook starts `etc-policy check FILES…` on every commit, and typer costs ~40 ms
of that (its import, building every command and pydantic adapters for the options). The
options stay declared once, in cli.py: whenever typer runs, it writes an *option table*
derived from its own click command (option strings, flags, repeatable options, choices,
defaults) to the cache folder. The fast path reads that table and handles only plain
command lines: `check` with known long/short options (separate or `--opt=value` values),
valid choices and positional paths. Anything else (help, `--`, an unknown option, a bad
choice, a missing value, no table yet, another command) goes to typer, so every message,
help text and error stays typer's own.

A table is keyed by cli.py's bytes, the interpreter and the install location, and lists the
other files it depends on (typer itself, the modules defining the choice enums) with their
hashes: any difference means "no table", typer runs and writes a new one.

`guarded()` is the one place exceptions become exit codes; `cli.main` adds only the clauses
that click's exceptions need.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from etc_policy.digest import sha256

PROG = "etc-policy"
FAST_COMMANDS = ("check", "scan")
TABLE_FORMAT = 2
MAX_TABLES = 16
PACKAGE = Path(__file__).resolve().parent
CLI_FILE = PACKAGE / "cli.py"
_COMMAND_MODULES = {"check": "etc_policy.commands.check", "scan": "etc_policy.commands.scan"}


def main(argv: Sequence[str] | None = None) -> int:
    """`etc-policy ARGS`: the fast path for a plain `check`, typer for everything else."""
    args = list(sys.argv[1:] if argv is None else argv)
    # A short run allocates many objects that live until exit (modules, classes, rules) and
    # makes few cycles: the cyclic collector's default pace (every 700 allocations) spent
    # ~2 ms of a ~50 ms check re-scanning them. Collect less often, as mypy does; reference
    # counting still frees everything acyclic at once, so memory stays bounded.
    gc.set_threshold(50_000, 20, 20)
    return guarded(lambda: _dispatch(args))


def _dispatch(args: list[str]) -> int:
    call = fast_call(args)
    if call is None:
        # typer imports pydantic: here first, inside the window.
        with asyncio_deferred():
            import pydantic.main  # noqa: F401
        from etc_policy.cli import main as typer_main

        return typer_main(args)
    command, kwargs = call
    from importlib import import_module

    return int(import_module(_COMMAND_MODULES[command]).from_cli(**kwargs))


@contextmanager
def asyncio_deferred() -> Iterator[None]:
    """Import pydantic without asyncio (~15-30 ms, more than any of our modules).

    On Python < 3.13, typing_extensions' `@deprecated` runs `import asyncio.coroutines` for
    every function it decorates (pydantic_core and pydantic.main decorate a dozen) only to
    ask `iscoroutinefunction`. None of them is a coroutine, so inside this window that
    question is answered by `inspect` (what asyncio itself asks first) and the stand-in is
    taken back out afterwards: the next `import asyncio` gets the real package. Nothing
    imported inside the window keeps a reference to the stand-in (only typing_extensions
    imports asyncio, inside that function)."""
    if "asyncio" in sys.modules or "asyncio.coroutines" in sys.modules:
        yield
        return
    import inspect
    from types import ModuleType

    package, coroutines = ModuleType("asyncio"), ModuleType("asyncio.coroutines")
    coroutines.iscoroutinefunction = inspect.iscoroutinefunction  # type: ignore[attr-defined]
    coroutines._is_coroutine = object()  # type: ignore[attr-defined]
    package.coroutines = coroutines  # type: ignore[attr-defined]
    sys.modules.update({"asyncio": package, "asyncio.coroutines": coroutines})
    try:
        yield
    finally:
        for name, stand_in in (("asyncio", package), ("asyncio.coroutines", coroutines)):
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


# --- one error handler ----------------------------------------------------------------------


def guarded(run: Callable[[], int]) -> int:
    """Run; every exception ends here, as one line on stderr and an exit code. Never a
    traceback and never an exception's text (which could carry a value)."""
    from etc_policy.errors import EtcPolicyError, ExitCode

    try:
        return run()
    except EtcPolicyError as exc:
        return fail(exc.one_line(), exc.exit_code)
    except KeyboardInterrupt:
        return fail("interrupted", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as exc:  # noqa: BLE001 - the one place that catches everything
        return fail(f"internal error: {type(exc).__name__}", ExitCode.INTERNAL)


def fail(message: str, code: int) -> int:
    # One line, whatever the message holds (click messages can span lines).
    line = " ".join(message.split())
    try:
        print(f"{PROG}: {line}", file=sys.stderr)
    except (OSError, ValueError):
        pass  # stderr is gone; the exit code still tells
    return int(code)


def _closed_pipe() -> int:
    """`etc-policy check | head`: stop quietly, and keep Python from complaining at exit."""
    from etc_policy.errors import ExitCode

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return ExitCode.FINDINGS


# --- the fast path --------------------------------------------------------------------------


def fast_call(args: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """(command, keyword arguments as typer would name them), or None: typer's job."""
    if not args or args[0] not in FAST_COMMANDS or os.name == "nt" or \
            os.environ.get("_ETC_POLICY_COMPLETE"):  # shell completion is click's
        return None
    table = load_table()
    spec = None if table is None else table["commands"].get(args[0])
    if spec is None:
        return None
    kwargs = parse(spec, args[1:])
    return None if kwargs is None else (args[0], kwargs)


def parse(spec: dict[str, Any], args: Sequence[str]) -> dict[str, Any] | None:
    """Keyword arguments for a plain command line, or None for anything typer must judge."""
    values: dict[str, Any] = dict(spec["defaults"])
    options: dict[str, dict[str, Any]] = spec["options"]
    positional: list[str] = []
    rest = list(args)
    rest.reverse()
    while rest:
        token = rest.pop()
        if not token.startswith("-"):
            positional.append(token)
            continue
        name, eq, attached = token.partition("=") if token.startswith("--") else (token, "", "")
        option = options.get(name)
        if option is None or len(token) < 2:
            return None                  # unknown, `-`, `--`, `-qf`, `-fjson`, `--help`
        if option["flag"] is not None:
            if eq:
                return None              # click: "does not take a value"
            values[option["name"]] = option["flag"]
            continue
        if eq:
            value = attached
        elif rest and not rest[-1].startswith("-"):
            value = rest.pop()
        else:
            return None                  # missing value (or one click alone may accept)
        if option["choices"] is not None and value not in option["choices"]:
            return None
        if option.get("integer"):
            # Plain digits only: click's int() also takes signs, spaces and underscores.
            if not (value.isascii() and value.isdigit() and len(value) <= 9):
                return None
            value = int(value)
        if option["multiple"]:
            values[option["name"]] = [*(values[option["name"]] or ()), value]
        else:
            values[option["name"]] = value
    if positional:
        if spec["argument"] is None:
            return None
        values[spec["argument"]] = positional
    return values


# --- the option table -----------------------------------------------------------------------


def _table_path() -> Path | None:
    from etc_policy.pack_cache import cache_root

    root = cache_root()
    if root is None:
        return None
    material = json.dumps([TABLE_FORMAT, sys.version, sys.prefix, str(PACKAGE),
                           sha256(CLI_FILE.read_bytes()).hexdigest()])
    return root / "cli" / (sha256(material.encode("utf-8")).hexdigest()[:40] + ".json")


def load_table() -> dict[str, Any] | None:
    """The table for this cli.py, if every file it was derived from is unchanged."""
    try:
        path = _table_path()
        if path is None:
            return None
        table = json.loads(path.read_bytes())
        if table["format"] != TABLE_FORMAT:
            return None
        for file, digest in table["files"]:
            if sha256(Path(file).read_bytes()).hexdigest() != digest:
                return None
        return table
    except Exception:  # noqa: BLE001 - a missing, stale or corrupt table means typer
        return None


def save_table(group: Any) -> None:
    """Write the table for typer's click group unless a valid one is there. Never fails:
    without a table, typer simply runs."""
    try:
        if load_table() is not None:
            return
        path = _table_path()
        if path is None:
            return
        commands: dict[str, Any] = {}
        files: set[str] = {_module_file("typer")}
        if "click" in sys.modules:  # older typer releases use click itself
            files.add(_module_file("click"))
        normalized = group.context_settings.get("token_normalize_func") is not None
        for name in () if normalized else FAST_COMMANDS:
            command = group.commands.get(name)
            spec = None if command is None else command_spec(command, files)
            if spec is not None:
                commands[name] = spec
        table = {"format": TABLE_FORMAT, "commands": commands,
                 "files": sorted([f, sha256(Path(f).read_bytes()).hexdigest()]
                                 for f in files)}
        from etc_policy import pack_cache

        path.parent.mkdir(parents=True, exist_ok=True)
        pack_cache.write_atomic(path, json.dumps(table, sort_keys=True))
        pack_cache.prune(path.parent, keep=MAX_TABLES)
    except Exception:  # noqa: BLE001 - the table only saves time
        return


class _Unsupported(Exception):
    """Something the fast path would not copy exactly: typer handles that command."""


def command_spec(command: Any, files: set[str]) -> dict[str, Any] | None:
    """The options of one click command, or None if it has anything the fast path does not
    copy exactly: callbacks, eager, required or prompted options, environment variables,
    counts, types other than strings, string lists and case-sensitive string-enum choices,
    more than one positional parameter."""
    if not command.allow_interspersed_args or command.ignore_unknown_options or \
            command.context_settings.get("token_normalize_func") is not None:
        return None
    spec: dict[str, Any] = {"options": {}, "defaults": {}, "argument": None}
    try:
        for param in command.params:
            _add_param(spec, param, files)
    except _Unsupported:
        return None
    return spec


def _add_param(spec: dict[str, Any], param: Any, files: set[str]) -> None:
    from enum import Enum

    if param.callback is not None or param.is_eager or param.envvar or \
            not param.expose_value or param.required:
        raise _Unsupported(param.name)
    annotation = param.type_descriptor.annotation
    default = param.default
    if isinstance(default, Enum):
        files.add(_module_file(type(default).__module__))
        default = default.value
    if not (default is None or type(default) in (str, bool, int)):
        raise _Unsupported(param.name)
    spec["defaults"][param.name] = default
    if param.param_type_name == "argument":
        if spec["argument"] is not None or param.nargs != -1 or annotation != list[str]:
            raise _Unsupported(param.name)
        spec["argument"] = param.name
        return
    if param.param_type_name != "option" or param.nargs != 1 or param.count or \
            getattr(param, "_flag_needs_value", False) or \
            getattr(param, "prompt", None) is not None:
        raise _Unsupported(param.name)
    if param.is_flag:
        if annotation is not bool or param.multiple:
            raise _Unsupported(param.name)
        for opts, value in ((param.opts, True), (param.secondary_opts, False)):
            for opt in opts:
                spec["options"][opt] = {"name": param.name, "flag": value,
                                        "multiple": False, "choices": None}
        return
    choices = _choices(param.type_descriptor, files)
    plain = annotation is str and not param.multiple
    repeated = annotation == list[str] and param.multiple
    integer = annotation is int and not param.multiple and choices is None and \
        getattr(param, "min", None) is None and getattr(param, "max", None) is None
    if param.secondary_opts or not (plain or repeated or integer or
                                    choices is not None and not param.multiple):
        raise _Unsupported(param.name)
    for opt in param.opts:
        spec["options"][opt] = {"name": param.name, "flag": None, "multiple": param.multiple,
                                "choices": choices, "integer": integer}


def _choices(descriptor: Any, files: set[str]) -> list[str] | None:
    """A choice option's accepted spellings, or None for a plain string."""
    from enum import Enum

    if not descriptor.is_choice:
        return None
    if not descriptor.case_sensitive or not isinstance(descriptor.annotation, type) or \
            not issubclass(descriptor.annotation, Enum):
        raise _Unsupported("choice")
    spellings = []
    for choice in descriptor.choices:
        if not isinstance(choice.value, str):
            raise _Unsupported("choice")
        files.add(_module_file(type(choice).__module__))
        spellings.append(choice.value)
    return spellings


def _module_file(name: str) -> str:
    return str(Path(sys.modules[name].__file__).resolve())
