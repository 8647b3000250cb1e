"""The dotenv lint check kinds (a superset of dotenv-linter): KIND -> module.

Merged into `checks.REGISTRY` (checks/__init__.py). Each module is one kind and documents
itself; all read `Source.text`, `Source.entries` and `Source.diagnostics` of dotenv sources.
Parser diagnostics without a dedicated kind (duplicate key, multi-line quote, encoding) are
reported through `source_diagnostic` rules in policies/dotenv.yaml.
"""

from __future__ import annotations

from types import ModuleType

from etc_policy.checks import (
    dotenv_ending_blank_line,
    dotenv_extra_blank_line,
    dotenv_hash_in_value,
    dotenv_incorrect_delimiter,
    dotenv_key_without_value,
    dotenv_leading_character,
    dotenv_lowercase_key,
    dotenv_quote_character,
    dotenv_space_character,
    dotenv_stray_quote,
    dotenv_substitution_key,
    dotenv_trailing_whitespace,
    dotenv_unordered_key,
    dotenv_unparseable_line,
    dotenv_value_without_quotes,
)

_MODULES: tuple[ModuleType, ...] = (
    dotenv_ending_blank_line, dotenv_extra_blank_line, dotenv_hash_in_value,
    dotenv_incorrect_delimiter, dotenv_key_without_value, dotenv_leading_character,
    dotenv_lowercase_key, dotenv_quote_character, dotenv_space_character, dotenv_stray_quote,
    dotenv_substitution_key, dotenv_trailing_whitespace, dotenv_unordered_key,
    dotenv_unparseable_line, dotenv_value_without_quotes,
)

KINDS: dict[str, ModuleType] = {module.KIND: module for module in _MODULES}
