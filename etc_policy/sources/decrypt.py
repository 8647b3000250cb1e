"""In-memory decryption of encrypted env values, when the user provides the key.

Only imported when a loaded source holds ciphertext (`encryption.encryption_of`): a plain run
never loads a crypto library nor starts `sops`.

- dotenvx (`encrypted:…`): ECIES over secp256k1 as dotenvx writes it (eciesjs' defaults:
  uncompressed ephemeral key, HKDF-SHA256, AES-256-GCM with a 16-byte nonce), decrypted with
  `eciespy`, the Python port of that same library by its author. The private keys come from
  the process environment (`DOTENV_PRIVATE_KEY_<ENV>`, `DOTENV_PRIVATE_KEY`) and from
  `--keys FILE` (a `.env.keys` kept outside the repository). The right key for a file is the
  one whose public key is the file's `DOTENV_PUBLIC_KEY*` header; without a header, the key
  named after it is tried.
- SOPS (`ENC[AES256_GCM,…]`): the `sops` binary on PATH decrypts the file to JSON on a pipe
  (its own key lookup: SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, PGP, cloud KMS); no sops, a notice.

Decrypted values replace the ciphertext in `Entry.value` (with `decrypted_from` set), so every
rule, the scan's needles and the rotation fingerprints see the real values. Nothing here
writes a value, a key or a ciphertext fragment anywhere: notices name files, keys' variable
names and counts only, and sops' stderr (which may quote the file) is never shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from etc_policy.encryption import DOTENVX, DOTENVX_PRIVATE_KEY, DOTENVX_PUBLIC_KEY, SOPS, \
    private_key_name
from etc_policy.errors import SourceError
from etc_policy.model import Entry, Source, SourceKind
from etc_policy.record import record, replace

SOPS_TIMEOUT_S = 60   # a KMS prompt or a hung agent must not hang CI forever


@record
class KeyRing:
    """The dotenvx private keys the user gave: variable name -> hex key (never shown)."""

    dotenvx: Mapping[str, str]

    def __repr__(self) -> str:
        return f"KeyRing(dotenvx={sorted(self.dotenvx)})"

    @classmethod
    def gather(cls, *, keys_file: Path | None = None,
               environ: Mapping[str, str] | None = None) -> KeyRing:
        """`--keys FILE` first, then the process environment (which wins, as in dotenvx)."""
        found: dict[str, str] = {}
        if keys_file is not None:
            found.update(_keys_from_file(keys_file))
        env = os.environ if environ is None else environ
        found.update({k: v.strip() for k, v in env.items()
                      if k.startswith(DOTENVX_PRIVATE_KEY) and v.strip()})
        return cls(dotenvx=found)


def _keys_from_file(path: Path) -> dict[str, str]:
    from etc_policy.sources.dotenv import load_dotenv

    source = load_dotenv(path, display_path=str(path), environment=None)
    keys = {e.key: e.text.strip() for e in source.effective().values()
            if e.key.startswith(DOTENVX_PRIVATE_KEY) and e.text and e.text.strip()}
    if not keys:
        raise SourceError("--keys: no DOTENV_PRIVATE_KEY* variable in this file", path=str(path))
    return keys


def decrypt_source(source: Source, path: Path, keys: KeyRing) -> Source:
    """The source with every value we could decrypt replaced by its plaintext."""
    formats = {e.ciphertext for e in source.entries if e.ciphertext is not None}
    plain: dict[str, str] = {}
    notices: list[str] = []
    if DOTENVX in formats:
        plain.update(_dotenvx(source, keys, notices))
    if SOPS in formats:
        plain.update(_sops(source, path, notices))
    if not plain and not notices:
        return source
    entries = tuple(_decrypted(e, plain) for e in source.entries)
    return replace(source, entries=entries, notices=(*source.notices, *notices))


def _decrypted(entry: Entry, plain: Mapping[str, str]) -> Entry:
    fmt = entry.ciphertext
    if fmt is None or entry.key not in plain:
        return entry
    return replace(entry, value=plain[entry.key], decrypted_from=fmt)


# --- dotenvx ---------------------------------------------------------------------------------

def _dotenvx(source: Source, keys: KeyRing, notices: list[str]) -> dict[str, str]:
    headers = {e.key: (e.text or "").strip() for e in source.entries
               if e.key.startswith(DOTENVX_PUBLIC_KEY)}
    named, secret = _private_key_for(headers, keys, environment=source.environment)
    if secret is None:
        return {}   # the engine's notice says how many values stayed unchecked and how to help
    from ecies import decrypt

    plain: dict[str, str] = {}
    failed = 0
    for entry in source.effective().values():
        if entry.ciphertext != DOTENVX:
            continue
        try:
            data = _b64(str(entry.value).removeprefix("encrypted:"))
            plain[entry.key] = decrypt(secret, data).decode("utf-8")
        except Exception:  # noqa: BLE001 - a wrong key or a damaged value: counted, never shown
            failed += 1
    if failed:
        notices.append(f"{source.path}: {failed} dotenvx values could not be decrypted with "
                       f"{named} (a wrong key, or damaged values), so no rule checked them")
    return plain


def _private_key_for(headers: Mapping[str, str], keys: KeyRing, *,
                     environment: str | None) -> tuple[str, str | None]:
    """(the key's variable name, the key): the one whose public key is in the file's header;
    else the key named after the header; without a header (a Railway export of encrypted
    values), DOTENV_PRIVATE_KEY_<ENVIRONMENT>, then DOTENV_PRIVATE_KEY."""
    wanted = {public: name for name, public in headers.items()}
    for name, secret in keys.dotenvx.items():
        if _public_key(secret) in wanted:
            return name, secret
    names = [private_key_name(h) for h in headers] or [
        *([f"{DOTENVX_PRIVATE_KEY}_{environment.upper()}"] if environment else []),
        DOTENVX_PRIVATE_KEY]
    for name in names:
        if name in keys.dotenvx:
            return name, keys.dotenvx[name]
    return names[0], None


def _public_key(secret: str) -> str | None:
    from coincurve import PrivateKey

    try:
        return PrivateKey.from_hex(secret).public_key.format(compressed=True).hex()
    except Exception:  # noqa: BLE001 - not a secp256k1 key: it matches no header
        return None


def _b64(text: str) -> bytes:
    import base64

    return base64.b64decode(text, validate=True)


# --- SOPS ------------------------------------------------------------------------------------

def _sops(source: Source, path: Path, notices: list[str]) -> dict[str, str]:
    import shutil

    if source.kind is not SourceKind.DOTENV:
        notices.append(f"{source.path}: SOPS values outside a dotenv file are not decrypted")
        return {}
    binary = shutil.which("sops")
    if binary is None:
        notices.append(f"{source.path}: sops is not on PATH, so its SOPS values were not "
                       "decrypted and no rule checked them (install sops, with its key, to check them)")
        return {}
    import json
    import subprocess

    command = [binary, "decrypt", "--input-type", "dotenv", "--output-type", "json", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=SOPS_TIMEOUT_S, check=False,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        notices.append(f"{source.path}: sops could not be run ({type(exc).__name__})")
        return {}
    if done.returncode != 0:
        notices.append(f"{source.path}: sops could not decrypt it (exit {done.returncode}: "
                       "is its key available, e.g. SOPS_AGE_KEY_FILE?), so no rule checked "
                       "its SOPS values")
        return {}
    try:
        document = json.loads(done.stdout)
    except ValueError:
        notices.append(f"{source.path}: sops gave output that is not JSON")
        return {}
    return {k: v for k, v in document.items() if isinstance(v, str)} \
        if isinstance(document, dict) else {}
