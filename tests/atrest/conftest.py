"""Session fixtures for the at-rest tests: encrypted files made once by the real tools."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from encrypted_tools import GOOD_ENV, dotenvx_encrypt, sops_encrypt


@pytest.fixture(scope="session")
def age_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(identity file, recipient): a fresh age X25519 identity for this session."""
    pyrage = pytest.importorskip("pyrage", reason="pyrage (test extra) makes the age key")
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path_factory.mktemp("age") / "keys.txt"
    path.write_text(f"{identity}\n")
    return path, str(identity.to_public())




@pytest.fixture(scope="session")
def dotenvx_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(folder holding an encrypted .env.production, its private key), made once."""
    folder = tmp_path_factory.mktemp("dotenvx")
    (folder / ".env.production").write_text(GOOD_ENV)
    return folder, dotenvx_encrypt(folder)


@pytest.fixture(scope="session")
def sops_project(tmp_path_factory: pytest.TempPathFactory, age_key: tuple[Path, str]) -> Path:
    folder = tmp_path_factory.mktemp("sops")
    plain = tmp_path_factory.mktemp("sops-plain") / ".env.production"
    plain.write_text(GOOD_ENV)
    sops_encrypt(plain, folder / ".env.production", age_key[1])
    return folder


@pytest.fixture()
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith(("DOTENV_PRIVATE_KEY", "SOPS_")):
            monkeypatch.delenv(name)
