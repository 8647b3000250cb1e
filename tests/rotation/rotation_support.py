"""Helpers for the rotation tests: a project folder with a .env file, and records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from etc_policy.discovery import discover, load_workspace
from etc_policy.policy import load_pack, shipped_pack_names
from etc_policy.rotation.fingerprints import Fingerprinters
from etc_policy.rotation.ledger import Ledger
from etc_policy.rotation.record import record_rotations
from etc_policy.rotation.status import Current, current_secrets
from etc_policy.secrets.classify import SecretClassifier

CANARY = "sk-proj-FAKEcanaryROTATIONvalue0123456789abcdefXYZ"
# A fast KDF for unit tests: the shape of the ledger is the same, only the cost differs.
FAST = {"n": 2 ** 4}


def classifier() -> SecretClassifier:
    return SecretClassifier.from_packs([load_pack(n, base_dir=Path.cwd()) for n in shipped_pack_names()])


def project(folder: Path, files: dict[str, str]) -> dict[tuple[str, str], Current]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)
    workspace = load_workspace(discover(folder), root=folder)
    return current_secrets(workspace, classifier())


def fast_ledger() -> Ledger:
    from etc_policy.record import replace

    empty = Ledger.empty()
    return replace(empty, kdf=replace(empty.kdf, **FAST))


def record(ledger: Ledger, current: dict, ident: tuple[str, str], *, on: date,
           imported: bool = True) -> Ledger:
    updated, changes = record_rotations(
        ledger, current, fingerprinters=Fingerprinters(), select=lambda i: i == ident, as_of=on,
        rotated_on=on if imported else None, by="test")
    assert changes and changes[0].event != "unchanged"
    return updated
