"""sops_metadata: a SOPS-encrypted env file carries the metadata that makes it verifiable.

sops writes `sops_mac` (an encrypted MAC over every value: without it sops cannot tell a
tampered or hand-edited file from a good one), `sops_version` and `sops_lastmodified` (an
RFC 3339 time) beside the `ENC[…]` values. A file with SOPS values (or `sops_*` keys) that
lacks one of them, or whose `sops_lastmodified` is not a time, was edited by hand or
truncated. The `sops_*` keys themselves are metadata: no other rule lints them.

Params:
  required: the metadata keys that must be present (default sops_mac, sops_version,
            sops_lastmodified)

PASS: a file written by `sops encrypt --input-type dotenv --output-type dotenv`
FAIL: the same file without its `sops_mac` line
"""

from __future__ import annotations

from typing import Iterator

from etc_policy.checks._common import Frozen
from etc_policy.checks.base import CheckContext, Hit
from etc_policy.schema import Field
from etc_policy.encryption import SOPS, is_sops_metadata, sops_last_modified

KIND = "sops_metadata"
SCOPE = "source"
READS_CIPHERTEXT = True   # sops_mac is itself ciphertext

CONSEQUENCES = {
    "sops_mac": "its values cannot be verified (a tampered or hand-edited file is not detected)",
    "sops_version": "the sops version that wrote it is unknown",
    "sops_lastmodified": "when it was last encrypted is unknown",
}


class Params(Frozen):
    required: tuple[str, ...] = Field(default=tuple(CONSEQUENCES), min_length=1)


def check(params: Params, ctx: CheckContext) -> Iterator[Hit]:
    source = ctx.source
    if source is None:
        return
    entries = source.effective()
    is_sops = any(is_sops_metadata(k) or e.ciphertext == SOPS or e.decrypted_from == SOPS
                  for k, e in entries.items())
    if not is_sops:
        return
    for key in params.required:
        if not (entries.get(key) and entries[key].text):
            consequence = CONSEQUENCES.get(key, "sops wrote it and it is gone")
            yield Hit(message=f"SOPS file without {key}: {consequence}", key=key)
    modified = entries.get("sops_lastmodified")
    if modified is not None and modified.text and sops_last_modified(modified.text) is None:
        yield Hit(message="sops_lastmodified is not an RFC 3339 time", entry=modified)

