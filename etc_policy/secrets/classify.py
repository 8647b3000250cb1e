"""Which entries are secrets, and why.

The union of every loaded pack's `secrets` section decides:
1. a key matching one of `keys` (fullmatch) and none of `not_keys` is a secret *by key*,
   whatever its value, even empty: `JWT_SECRET=` is an unset secret, not a non-secret;
2. otherwise the value is a secret if a detector recognises it. Railway references
   (`${{ … }}`), empty values and obvious non-secrets (`true`, `3000`) never are: the
   reference is rendered by Railway, the others carry nothing to protect.
Ciphertext (dotenvx `encrypted:…`, SOPS `ENC[…]`) and encryption metadata
(`DOTENV_PUBLIC_KEY*`, `sops_*`) are never secrets: after decryption the plaintext is classified.
`not_keys` only withdraws the key match (`NEXT_PUBLIC_*`); a live key pasted into a public
variable is still caught by the detectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from etc_policy.encryption import is_encryption_metadata
from etc_policy.model import Entry
from etc_policy.patterns import PackRegex, compile_pack_regex
from etc_policy.record import record
from etc_policy.secrets.detectors import DETECTORS, fold_case

if TYPE_CHECKING:
    from etc_policy.policy import Pack

_NON_SECRET = re.compile(
    r"^(?:true|false|yes|no|on|off|null|none|nil|undefined|enabled|disabled"
    r"|development|production|staging|test|debug|info|warn|error"
    r"|-?[0-9]+(?:\.[0-9]+)?)$")  # matched on fold_case()
_REFERENCE = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)


@record
class SecretReason:
    """Why an entry is a secret: `by` is "key" or "detector"; `rule` the pattern or name."""

    by: str
    rule: str
    pack: str | None = None
    empty: bool = False

    def __str__(self) -> str:
        if self.by == "key":
            text = f"key matches '{_short_pattern(self.rule)}'"
            if self.pack:
                text += f" from pack {self.pack}"
            return text + (" (empty value)" if self.empty else "")
        return f"detector {self.rule}"


_PATTERN_SHOWN = 32  # a key pattern is a long alternation; its start says enough


def _short_pattern(pattern: str) -> str:
    """`(?i).*(SECRET|TOKEN|PASSWORD|…`: the pattern cut after an alternative, for people
    (the pack file holds it whole)."""
    if len(pattern) <= _PATTERN_SHOWN:
        return pattern
    cut = pattern[:_PATTERN_SHOWN]
    return cut[:cut.rindex("|") + 1] + "…" if "|" in cut else cut + "…"


@record
class _KeyRule:
    pattern: str   # compiled when asked which rule matched (the alternation answers "any?")
    pack: str


class SecretClassifier:
    def __init__(self, *, keys: Sequence[tuple[str, str]] = (),
                 not_keys: Sequence[str] = (), detectors: Sequence[str] = ()) -> None:
        # Pack-supplied key patterns run on RE2 (linear time), like every pack regex.
        self._keys = tuple(_KeyRule(p, pack) for p, pack in keys)
        self._not_keys = tuple(not_keys)
        # One RE2 alternation per list answers "does any fullmatch?" in one call (a source
        # with thousands of keys asked each pattern in turn); the list says which.
        self._any_key = _alternation([p for p, _pack in keys])
        self._any_not_key = _alternation(list(not_keys))
        self._detectors: tuple[tuple[str, Callable[[str], bool]], ...] = tuple(
            (name, DETECTORS[name]) for name in dict.fromkeys(detectors))

    @classmethod
    def from_packs(cls, packs: Sequence[Pack]) -> SecretClassifier:
        from etc_policy.policy import flatten

        keys: dict[str, str] = {}
        not_keys: dict[str, None] = {}
        detectors: dict[str, None] = {}
        for pack in flatten(packs):
            for pattern in pack.secrets.keys:
                keys.setdefault(pattern, pack.name)
            not_keys.update(dict.fromkeys(pack.secrets.not_keys))
            detectors.update(dict.fromkeys(pack.secrets.detectors))
        return cls(keys=tuple(keys.items()), not_keys=tuple(not_keys), detectors=tuple(detectors))

    def __repr__(self) -> str:
        return (f"SecretClassifier(keys={len(self._keys)}, not_keys={len(self._not_keys)}, "
                f"detectors={[name for name, _ in self._detectors]})")

    def classify(self, entry: Entry) -> SecretReason | None:
        if entry.ciphertext is not None or is_encryption_metadata(entry.key):
            # Ciphertext protects itself (and changes at every encryption: no needle, no
            # fingerprint); a dotenvx public key and sops_* metadata are written by the tools.
            return None
        by_key = self.reason_for_key(entry.key)
        if by_key is not None:
            empty = entry.value is None or entry.value == ""
            return SecretReason(by_key.by, by_key.rule, by_key.pack, empty=empty)
        return self.reason_for_value(entry.text)

    def __call__(self, entry: Entry) -> bool:
        return self.classify(entry) is not None

    def reason_for_key(self, key: str) -> SecretReason | None:
        if self._any_not_key is not None and self._any_not_key.fullmatch(key):
            return None
        if self._any_key is None or not self._any_key.fullmatch(key):
            return None
        for rule in self._keys:
            if compile_pack_regex(rule.pattern).fullmatch(key):
                return SecretReason("key", rule.pattern, rule.pack)
        return None

    def reason_for_value(self, value: str | None) -> SecretReason | None:
        if value and "${{" in value:
            # Railway renders references at deploy time: only the literal rest can leak.
            value = _REFERENCE.sub("", value)
        if not value or _NON_SECRET.match(fold_case(value.strip())):
            return None
        for name, detect in self._detectors:
            if detect(value):
                return SecretReason("detector", name)
        return None


def _alternation(patterns: Sequence[str]) -> PackRegex | None:
    """One RE2 regex that fullmatches what any of `patterns` fullmatches, or None (none)."""
    if not patterns:
        return None
    return compile_pack_regex("|".join(f"(?:{pattern})" for pattern in patterns))
