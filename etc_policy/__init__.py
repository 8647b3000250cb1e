"""etc-policy: a declarative policy linter and secret auditor for Railway apps."""

__version__ = "0.1.0"
