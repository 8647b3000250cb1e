"""The dotenv lint kinds called directly on parsed text (no engine, no packs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etc_policy.checks.base import CheckContext
from etc_policy.checks.dotenv_lint import KINDS
from etc_policy.model import Source, SourceKind, Workspace
from etc_policy.schema import Invalid
from etc_policy.sources.dotenv import parse_dotenv

SECRET = "FAKEsecretEXAMPLE123"


def run(kind: str, text: str, **params: object) -> list[tuple[int, int | None, str]]:
    entries, diagnostics = parse_dotenv(text)
    source = Source(path=".env", kind=SourceKind.DOTENV, environment=None, entries=entries,
                    diagnostics=diagnostics, text=text)
    effective = tuple(source.effective().values())
    ctx = CheckContext(workspace=Workspace(root=Path("."), sources=(source,)), source=source,
                       entry=None, entries=effective, is_secret=lambda e: True)
    module = KINDS[kind]
    hits = list(module.check(module.Params(**params), ctx))
    for hit in hits:
        assert SECRET not in hit.message
    return [(h.line or (h.entry.line if h.entry else 0), h.column or (h.entry.column if h.entry else None),
             h.message) for h in hits]


CASES = [
    ("dotenv_ending_blank_line", "A=1", [(1, 4, "file does not end with a newline")]),
    ("dotenv_ending_blank_line", "A=1\r\n", []),
    ("dotenv_ending_blank_line", "", []),
    ("dotenv_extra_blank_line", "A=1\n\n\nB=2\n", [(3, None, "extra blank line (more than 1 in a row)")]),
    ("dotenv_extra_blank_line", "A=1\n\nB=2\n", []),
    ("dotenv_extra_blank_line", 'K="a\n\n\nb"\n', []),
    ("dotenv_incorrect_delimiter", "A.B=1\nA_B=2\n", [(1, 2, "key A.B uses '.' as a delimiter; use '_'")]),
    ("dotenv_key_without_value", "DEBUG\nA=\n", [(1, 1, "key DEBUG has no '=' and no value; Node dotenv ignores it")]),
    ("dotenv_leading_character", "_A=1\n-B=2\n", [(2, 1, "key -B starts with '-'; start keys with a letter or '_'")]),
    ("dotenv_lowercase_key", "Port=1\nPORT=2\n", [(1, 1, "key Port has lowercase letters; use PORT")]),
    ("dotenv_quote_character", "A=\"x\"\nB=\"a b\"\nC='#'\nD=\"\"\n", [(1, 1, 'value of A is quoted with " but needs no quotes')]),
    ("dotenv_space_character", "A =1\nB=1\nC:  2\n", [(1, 2, "whitespace around '=' after key A"), (3, 2, "key C uses ':' as the delimiter; use '='")]),
    ("dotenv_stray_quote", f'A="{SECRET}\nB="x"\n', [(1, 3, 'value of A starts with a " quote that is not closed at the end of the value; Node keeps the quote character')]),
    ("dotenv_substitution_key", f"A=${{HOME}}/{SECRET}\nB='${{HOME}}'\nC=${{{{ Pg.URL }}}}\n", [(1, 1, "value of A refers to $HOME, which Node dotenv does not expand (the app gets the text literally)")]),
    ("dotenv_trailing_whitespace", "A=1 \nB=\"x  \ny\"\n", [(1, 4, "trailing whitespace")]),
    ("dotenv_unordered_key", "B=1\nA=2\n\nC=1\n# x\nA=1\n", [(2, 1, "key A should come before B")]),
    ("dotenv_unparseable_line", "DEBUG\nnot valid here\n__proto__=1\n", [(2, 1, "line is not KEY=VALUE, a comment or blank; Node dotenv ignores it"), (3, 1, "key __proto__ is ignored by Node dotenv (it names the object prototype)")]),
    ("dotenv_value_without_quotes", f"A=x {SECRET}\nB='x y'\n", [(1, 3, "value of A contains whitespace but is not quoted")]),
    ("dotenv_hash_in_value", f"A={SECRET}#x\nB=y #c\nC='z'#q\n", [(1, 23, "value of A is cut at '#' (Node reads the rest as a comment); quote the value or put a space before the comment")]),
]


@pytest.mark.parametrize(("kind", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_kind(kind: str, text: str, expected: list) -> None:
    assert run(kind, text) == expected


def test_params() -> None:
    assert run("dotenv_key_without_value", "A=\n", allow_empty=False) == [(1, 1, "key A has an empty value")]
    assert run("dotenv_unparseable_line", "DEBUG\n", include_bare_keys=True)[0][0] == 1
    assert run("dotenv_lowercase_key", "npm_x=1\n", allow=["npm_x"]) == []
    assert run("dotenv_quote_character", "A='a b'\n", mode="any")[0][0] == 1
    assert run("dotenv_unordered_key", "a=1\nB=2\n", ignore_case=True) == []
    assert run("dotenv_unordered_key", "a=1\nB=2\n") != []
    assert run("dotenv_extra_blank_line", "A=1\n\n\nB=2\n", max_consecutive=2) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_kind_contract(kind: str) -> None:
    module = KINDS[kind]
    assert module.KIND == kind and module.SCOPE == "source" and kind.startswith("dotenv_")
    assert module.__doc__ and "PASS" in module.__doc__ and "FAIL" in module.__doc__
    with pytest.raises(Invalid):
        module.Params(unknown_field=1)
    assert [s.value for s in module.DEFAULT_SOURCES] == ["dotenv"]


# dotenv-linter's own cases (dotenv-linter/dotenv-linter: dotenv-cli/tests/checks/
# extra_blank_line.rs and the unit tests of src/checks/extra_blank_line.rs,
# incorrect_delimiter.rs, leading_character.rs): the lines it reports for each file.
DOTENV_LINTER = [
    # ExtraBlankLine: correct_files
    ("dotenv_extra_blank_line", "A=B\nF=BAR\n\nFOO=BAR\n", []),
    ("dotenv_extra_blank_line", "A=B\r\nF=BAR\r\n\r\nFOO=BAR\r\n", []),
    ("dotenv_extra_blank_line", "\n# comment\n\nABC=DEF\n", []),   # one leading blank line: fine
    ("dotenv_extra_blank_line", "A=B\nC=D\n", []),                  # no_blank_lines
    ("dotenv_extra_blank_line", "A=B\n\nC=D\n", []),                # single_blank_line
    ("dotenv_extra_blank_line", "\n\nABC=DEF\nD=BAR\nFOO=BAR\n", [2]),   # two at the beginning
    ("dotenv_extra_blank_line", "ABC=DEF\nD=BAR\n\n\nFOO=BAR\n", [4]),   # two in the middle
    ("dotenv_extra_blank_line", "ABC=DEF\nD=BAR\nFOO=BAR\n\n", [5]),     # two at the end
    ("dotenv_extra_blank_line", "A=B\n\n\n\nC=D\n", [3, 4]),              # three_blank_lines
    # IncorrectDelimiter: leading characters are not delimiters
    ("dotenv_incorrect_delimiter", "FOO_BAR=FOOBAR\nF100=BAR\nexport FOO=BAR\nF=BAR\n", []),
    ("dotenv_incorrect_delimiter", "*FOO=BAR\n", []),
    ("dotenv_incorrect_delimiter", "-BAR=BAZ\n", []),
    ("dotenv_incorrect_delimiter", "FOO-BAR=FOOBAR\n", [1]),
    ("dotenv_incorrect_delimiter", "FOO_BAR =FOOBAR\n", []),             # trailing_space_run
    # LeadingCharacter
    ("dotenv_leading_character", "FOO=BAR\n_FOO=BAR\n", []),
    ("dotenv_leading_character", ".FOO=BAR\n1FOO=BAR\n FOO=BAR\n  FOO=BAR\n\tFOO=BAR\n-BAR=BAZ\n",
     [1, 2, 3, 4, 5, 6]),
]


@pytest.mark.parametrize(("kind", "text", "expected"), DOTENV_LINTER,
                         ids=[f"{c[0]}-{c[1]!r}" for c in DOTENV_LINTER])
def test_dotenv_linter_parity(kind: str, text: str, expected: list[int]) -> None:
    assert [line for line, _, _ in run(kind, text)] == expected


def test_a_leading_dash_is_one_finding_not_two() -> None:
    """`-BAR=BAZ`: dotenv-linter reports LeadingCharacter only."""
    text = "-BAR=BAZ\n"
    found = {kind: run(kind, text) for kind in KINDS}
    assert {kind for kind, hits in found.items() if hits} == {"dotenv_leading_character"}
    # incorrect_leading_chars_and_invalid_delimiter: a delimiter after the leading ones counts
    assert run("dotenv_incorrect_delimiter", "1F-OOBAR=BAZ\n") == [
        (1, 3, "key 1F-OOBAR uses '-' as a delimiter; use '_'")]


def test_the_line_after_the_last_newline_is_counted() -> None:
    assert run("dotenv_extra_blank_line", "A=1\n\n") == [
        (3, None, "extra blank line at the end of the file")]
    assert run("dotenv_extra_blank_line", "A=1\n") == []
    assert run("dotenv_extra_blank_line", "A=1\n\n", max_consecutive=2) == []
