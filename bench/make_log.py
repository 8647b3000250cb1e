"""Generate a realistic application log with planted secrets (deterministic for a seed).

    python bench/make_log.py /tmp/scan-bench --size 1G [--seed 7]

writes into the folder:
- `.env.production`: fake secrets (FAKE/test in every value) for a Railway-deployed app;
- `app.log`: `--size` bytes of plain-text and `railway logs --json` (NDJSON) lines, with every
  secret planted in every form an app logs it (raw, JSON-escaped, URL-encoded, base64 standalone
  and inside larger blobs at each alignment, Basic auth headers, URL passwords) plus look-alikes
  that must not match (UUIDs, commit SHAs, content hashes, a public sample JWT, pk_live_ keys,
  Cloudinary image URLs, placeholders);
- `planted.json`: where each secret was planted: line, variable, form.

Tests import `generate()` to build a few-MB log the same way.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, quote_plus

ENV = {
    "OPENAI_API_KEY": "sk-proj-FAKEtestQ7vLm2XpR9sT4wKz8bNc3YhJ5dGf6",
    "JWT_SECRET": "test-FAKE-jwt-secret-9f8e7d6c5b4a39281706",
    "STRIPE_SECRET_KEY": "sk_test_FAKE51HxYzQm7vRt2LpW9kBn4",
    "SESSION_SECRET": "FAKE/session+secret=with/slashes+and+plus",
    "DATABASE_URL": "postgresql://postgres:FAKEpgPass9x8y7z@db.railway.internal:5432/railway",
    "CLOUDINARY_URL": "cloudinary://874512390665123:FAKEcloudSecretQw7Rt2Ly@demo-cloud",
    "AWS_SECRET_ACCESS_KEY": "FAKEtestSecretAccessKey/7Hq2Lm9Vx4Tz8Rw1Kp",
    "WEBHOOK_SIGNING_KEY": 'whsec_FAKE"quoted"\\back\\test',
}
PLAIN_ENV = {"PORT": "3000", "NODE_ENV": "production", "DEBUG": "true",
             "PUBLIC_URL": "https://example-app.up.railway.app"}
# Secret parts of URLs, planted on their own (an app logs the password it connects with).
URL_PARTS = {"DATABASE_URL": "FAKEpgPass9x8y7z", "CLOUDINARY_URL": "FAKEcloudSecretQw7Rt2Ly"}

LOOK_ALIKES = (
    "request_id=3f2b9c4e-8d1a-4b7e-9c3f-2a1b0c9d8e7f",
    "deployed commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "asset sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    # jwt.io's public sample token (signed with 'your-256-bit-secret').
    "auth eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
    "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "stripe publishable pk_live_51HxYzQm7vRt2LpW9kBn4Xs8Jd",
    "image https://res.cloudinary.com/demo/image/upload/v1712345678/sample.jpg",
    "OPENAI_API_KEY=sk-proj-YOUR_KEY_HERE",
    "DATABASE_URL=postgresql://user:password@localhost:5432/app",
)

_PATHS = ("/api/v1/users", "/api/v1/orders", "/healthz", "/api/v1/auth/login", "/static/app.js",
          "/api/v1/webhooks/stripe", "/graphql", "/api/v1/uploads")
_LEVELS = ("info", "info", "info", "debug", "warn", "error")


def forms(value: str) -> Iterator[tuple[str, str]]:
    """(form, text) of a secret as apps log it; base64 blobs at offsets 0, 1 and 2 mod 3."""
    raw = value.encode()
    yield "raw", value
    yield "json", json.dumps(value)[1:-1]
    yield "json-slash", json.dumps(value)[1:-1].replace("/", "\\/")
    yield "url-quote", quote(value, safe="")
    yield "url-quote-plus", quote_plus(value)
    yield "base64", base64.b64encode(raw).decode()
    yield "base64-unpadded", base64.b64encode(raw).decode().rstrip("=")
    yield "base64url", base64.urlsafe_b64encode(raw).decode()
    for k, prefix in enumerate((b"", b"u:", b"cfg=")):
        blob = prefix + raw + b';region="us-west";retries=3'
        yield f"base64-blob@{k}", base64.b64encode(blob).decode()
        yield f"base64url-blob@{k}", base64.urlsafe_b64encode(b"{\"k\":" + blob).decode()


def planted_lines(rng: random.Random) -> list[tuple[str, str, str]]:
    """(variable, form, line) for every secret in every form."""
    out: list[tuple[str, str, str]] = []
    for variable, value in [*ENV.items(), *URL_PARTS.items()]:
        for form, text in forms(value):
            out.append((variable, form, _embed(rng, text, form)))
    return out


def _embed(rng: random.Random, text: str, form: str) -> str:
    ts = "2025-03-14T09:26:53.589Z"
    if form.startswith("json"):
        record = {"message": "config loaded", "timestamp": ts, "level": "debug",
                  "config": "SECRET_PLACEHOLDER"}
        return json.dumps(record, separators=(",", ":")).replace("SECRET_PLACEHOLDER", text)
    if form.startswith("url"):
        return f"{ts} INFO GET /callback?token={text}&state=abc 302 4ms"
    if form.startswith("base64"):
        return f"{ts} DEBUG outgoing headers Authorization: Basic {text} x-request-id={rng.randrange(10**9)}"
    return f"{ts} ERROR failed to connect using {text} (retrying in 5s)"


def _noise(rng: random.Random, n: int) -> str:
    ts = f"2025-03-14T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{n % 1000:03d}Z"
    if rng.random() < 0.5:
        record = {"message": f"{rng.choice(('GET', 'POST', 'PUT'))} {rng.choice(_PATHS)} "
                             f"{rng.choice((200, 200, 201, 304, 404, 500))} {rng.randrange(900)}ms",
                  "timestamp": ts, "level": rng.choice(_LEVELS), "deploymentId": str(uuid.UUID(
                      int=rng.getrandbits(128), version=4)), "replica": f"r{rng.randrange(4)}",
                  "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"}
        return json.dumps(record, separators=(",", ":"))
    if rng.random() < 0.1:
        return rng.choice(LOOK_ALIKES) + f" n={n}"
    digest = hashlib.sha1(n.to_bytes(8, "little")).hexdigest()
    return (f"{ts} {rng.choice(_LEVELS).upper():5} [web.{rng.randrange(8)}] "
            f"{rng.choice(_PATHS)} handled user={digest[:12]} cache={'hit' if n % 3 else 'miss'} "
            f"bytes={rng.randrange(100000)} trace={digest}")


def generate(out: BinaryIO, *, size: int, seed: int = 7, plant_every: int = 1 << 20
             ) -> list[dict[str, object]]:
    """Write about `size` bytes of log; every secret form is planted once per `plant_every`
    bytes (at least once). Returns the planted records (1-based line numbers)."""
    rng = random.Random(seed)
    planted: list[dict[str, object]] = []
    secrets = planted_lines(rng)
    written = line = 0
    next_plant = 0
    batch: list[bytes] = []
    while written < size or next_plant == 0:
        if written >= next_plant:
            for variable, form, text in secrets:
                data = (text + "\n").encode()
                batch.append(data)
                written += len(data)
                line += 1
                planted.append({"line": line, "variable": variable, "form": form})
            next_plant += plant_every
        data = (_noise(rng, line) + "\n").encode()
        batch.append(data)
        written += len(data)
        line += 1
        if len(batch) >= 4096:
            out.write(b"".join(batch))
            batch.clear()
    out.write(b"".join(batch))
    return planted


def write_env(path: Path) -> None:
    # Single quotes keep `"` and `\\` literal in dotenv.
    lines = [f"{key}='{value}'" if any(c in value for c in '"\\') else f"{key}={value}"
             for key, value in {**ENV, **PLAIN_ENV}.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units else int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--size", default="1G")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    write_env(args.folder / ".env.production")
    with open(args.folder / "app.log", "wb") as out:
        planted = generate(out, size=_size(args.size), seed=args.seed,
                           plant_every=max(1 << 20, _size(args.size) // 64))
    (args.folder / "planted.json").write_text(json.dumps(planted), encoding="utf-8")
    print(f"wrote {args.folder}/app.log, {len(planted)} planted secrets", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
