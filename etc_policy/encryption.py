"""Encrypted values at rest: which values are ciphertext, which keys are encryption metadata.

Two formats are recognised, whatever the source (dotenv files, Railway exports, railway.ts
literals):
- dotenvx: `KEY=encrypted:B…` (ECIES over secp256k1, base64), beside a `DOTENV_PUBLIC_KEY`
  or `DOTENV_PUBLIC_KEY_<ENV>` header (a public key: not a secret) and, elsewhere, the
  private keys in `.env.keys` (`DOTENV_PRIVATE_KEY_<ENV>`);
- SOPS: `KEY=ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]` plus `sops_*` metadata keys
  (`sops_mac`, `sops_version`, `sops_lastmodified`, `sops_age__list_0__map_recipient`…).

These are plain string tests (no crypto, no imports), cheap enough for every entry of every
run: decryption itself lives in `sources/decrypt.py` and is imported only when a value is
ciphertext. A value rule never judges ciphertext (the engine skips it; a notice says so).
"""

from __future__ import annotations

from datetime import date

DOTENVX = "dotenvx"
SOPS = "sops"
DOTENVX_PREFIX = "encrypted:"
SOPS_PREFIX = "ENC["
DOTENVX_PUBLIC_KEY = "DOTENV_PUBLIC_KEY"
DOTENVX_PRIVATE_KEY = "DOTENV_PRIVATE_KEY"
SOPS_METADATA_PREFIX = "sops_"
# dotenv files that hold keys, not an environment's variables (dotenvx's key file, the
# older dotenv-vault file): never an environment named "keys" or "vault".
KEY_STORE_NAMES = frozenset({".env.keys", ".env.vault"})


def encryption_of(value: object) -> str | None:
    """"dotenvx" or "sops" when `value` is ciphertext of that format, else None."""
    if not isinstance(value, str):
        return None
    if value.startswith(DOTENVX_PREFIX):
        return DOTENVX
    if value.startswith(SOPS_PREFIX) and value.endswith("]"):
        return SOPS
    return None


def is_encrypted(value: object) -> bool:
    """True when the value is dotenvx or SOPS ciphertext (for every source's literals)."""
    return encryption_of(value) is not None


def is_sops_metadata(key: str) -> bool:
    return key.startswith(SOPS_METADATA_PREFIX)


def is_encryption_metadata(key: str) -> bool:
    """`DOTENV_PUBLIC_KEY*` (a public key) and `sops_*`: written by the tools, not the app's
    variables. They are never secrets and are not linted as env keys."""
    return key.startswith(DOTENVX_PUBLIC_KEY) or is_sops_metadata(key)


def is_key_store_name(name: str) -> bool:
    return name.lower() in KEY_STORE_NAMES


def sops_last_modified(text: str | None) -> date | None:
    """The day of `sops_lastmodified` (`2026-12-04T21:04:34Z`, RFC 3339), or None."""
    from datetime import datetime

    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.date() if moment.tzinfo is not None else None


def private_key_name(public_key_name: str) -> str:
    """`DOTENV_PUBLIC_KEY_PRODUCTION` -> `DOTENV_PRIVATE_KEY_PRODUCTION` (dotenvx's pairing)."""
    return DOTENVX_PRIVATE_KEY + public_key_name.removeprefix(DOTENVX_PUBLIC_KEY)
