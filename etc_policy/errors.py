"""One base error; the CLI's single handler maps each class to an exit code.

Messages are shown to the user as one line. They must name the place (file, line,
field) and must never contain a secret value: raise them with keys and positions,
never with the text of a value or of a source line.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class EtcPolicyError(Exception):
    """Base class of every error the CLI reports as a one-line message."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        super().__init__(self.one_line())

    def one_line(self) -> str:
        place = ""
        if self.path is not None:
            place = self.path
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            place += ": "
        return f"{place}{self.message}"


class UsageError(EtcPolicyError):
    """Bad command-line arguments."""


class SourceError(EtcPolicyError):
    """An input file cannot be read or parsed at all (missing, a directory, binary…)."""


class ConfigError(EtcPolicyError):
    """The project config file (.etc-policy.yaml / pyproject.toml) is invalid."""


class PolicyError(EtcPolicyError):
    """A policy pack is invalid: YAML syntax, schema, unknown rule or check kind."""
