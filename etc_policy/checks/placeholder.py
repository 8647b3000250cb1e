"""placeholder: the value must not be a placeholder left over from a template.

Recognised (case-insensitive): changeme / change-me / change_this…, replace-me, TODO, TBD,
FIXME, placeholder, dummy, your-key-here / your_api_key / your-…-here, xxx… (three or more
x as a word, or a run of six), *** masks, <anything in angle brackets>, values that start
with "example" or "sample", "insert … here", "put your …", "enter your …".
Real provider keys that merely contain "EXAMPLE" or "test" (AKIA…EXAMPLE, sk_test_…) are
not placeholders.

Params:
  extra: additional placeholder texts, compared case-insensitively with the whole value
  allow_reference, skip_templates: see ValueParams (skip_templates: placeholders are
         expected in `.env.example`)

PASS: JWT_SECRET=9f8c2b…(64 random hex)
FAIL: JWT_SECRET=your-jwt-secret-here      OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxx
"""

from __future__ import annotations

import re
from typing import Iterator

from etc_policy.checks._common import ValueParams, checked_value, hint
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.secrets.detectors import fold_case

KIND = "placeholder"
SCOPE = "entry"

_SEP = r"[-_ .]?"
# Word edges that treat `_` and digits as separators (`change_this_in_production`,
# `ChangeMe123!`), unlike `\b`. A placeholder word must not continue with a letter.
_B = r"(?<![a-z0-9])"
_E = r"(?![a-z])"
PLACEHOLDER = re.compile(
    "|".join((
        rf"{_B}change{_SEP}(me|it|this|that|in|before){_E}",
        rf"{_B}replace{_SEP}(me|this|with|in|before){_E}",
        rf"{_B}(todo|tbd|fixme|placeholder|dummy|generate|user{_SEP}provided){_E}",
        rf"{_B}(your|votre){_SEP}[a-z0-9]+",                  # your-key-here, your_api_key
        rf"{_B}random{_SEP}(string|value|secret|key|hex|chars?){_E}",
        rf"{_B}(insert|enter|put|add){_SEP}(your|here|key|token|secret){_E}",
        rf"[-_ ]here$",                                        # my_token_here
        r"(?:^|[^a-z0-9])x{3,}(?:$|[^a-z0-9])",              # xxx, sk-xxx-xxx
        r"x{6,}",                                              # sk-xxxxxxxxxxxx
        r"\*{3,}",                                             # ******** (masked copy)
        r"\.{3}|…",                                            # sk-..., AIza…
        r"<[^<>@\n]+>",                                        # <your-key>, postgres://u:<password>@h
                                                               # (not `Name <a@b.com>`: a real address)
        r"^\s*\[[^\[\]\n]+\]\s*$",                             # [YOUR KEY]
        r"\{\{\s*[a-z_ ]+\s*\}\}",                             # {{ API_KEY }} (not ${{ … }}: see below)
        rf"^\s*(an?[-_ ])?(example|sample){_E}",              # example-key, sample_secret
        r"123456789|abc.?def.?ghi",                            # 1234567890:ABCdefGHIjkl… (docs samples)
        r"^\s*(null|undefined|none|nil)\s*$",
    )),
)
# Matched on fold_case(text) rather than compiled with re.IGNORECASE: compiling this
# alternation with IGNORECASE took 2.3 ms of every run (0.7 ms without); the verdicts are the
# same (tests/checks/test_secret_value_kinds.py compares both ways).


class Params(ValueParams):
    extra: tuple[str, ...] = ()


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    value = checked_value(params, ctx)
    if value is None or not is_placeholder(value, extra=params.extra):
        return
    yield Hit(message=f"{ctx.entry.key} holds a placeholder, not a real value", entry=ctx.entry,
              hint=hint(value))


# Placeholders are short template text. A longer value is real data (a PEM key is ~3.3k
# characters), and running the alternation over a multi-megabyte value took seconds per call.
MAX_PLACEHOLDER_LENGTH = 8192


def is_placeholder(value: str, *, extra: tuple[str, ...] = ()) -> bool:
    text = value.strip()
    if not text or len(text) > MAX_PLACEHOLDER_LENGTH:
        return False
    if extra and text.casefold() in {item.casefold() for item in extra}:
        return True
    # A Railway reference `${{ X }}` contains `{{ X }}`; it is not a template placeholder.
    text = re.sub(r"\$\{\{[^}]*\}\}", "", text)
    return PLACEHOLDER.search(fold_case(text)) is not None
