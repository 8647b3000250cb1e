"""What a pre-commit `check` must not import (docs/ARCHITECTURE.md, "Start-up budget"): each
of these cost milliseconds of every hook run before it was taken off the path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# module → what replaced it on the check's path
NEVER_ON_THE_CHECK_PATH = {
    "dataclasses": "etc_policy.record",
    "inspect": "etc_policy.record (dataclasses imported it)",
    "hashlib": "etc_policy.digest",
    "hmac": "etc_policy.digest",
    "_hashlib": "etc_policy.digest (OpenSSL)",
    "secrets": "os.urandom",
    "pydantic": "the pack cache (schema.Model.model_construct)",
    "typer": "launch.py's fast path",
    "jsonschema": "schema_valid + the cached diagnostics",
    "rich": "reporters/text.py's plain output when not on a terminal",
    # no crypto and no git on a plain file: only ciphertext or a key/secret at rest needs them
    "ecies": "sources/decrypt.py, imported only for a source holding ciphertext",
    "coincurve": "sources/decrypt.py, imported only for a source holding ciphertext",
    "etc_policy.sources.decrypt": "discovery.load_workspace, only for a source holding ciphertext",
    "etc_policy.vcs": "the at-rest checks, only when a file holds a key or plaintext secrets",
    "subprocess": "vcs.py / decrypt.py (git, sops), only when something needs them",
    "tree_sitter": "sources/railway_ts.py, loaded only when a .railway/railway.ts exists",
    "etc_policy.sources.railway_ts": "discovery._loader, only for a .railway/railway.ts",
}


def test_a_warm_check_imports_none_of_the_slow_modules(tmp_path: Path) -> None:
    """Two runs of the real command on the bad fixture (the first fills the caches); the
    second reports which of the listed modules it loaded."""
    code = ("import json, sys; from etc_policy.launch import main\n"
            "try:\n    main(['check', '--quiet', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            f"print(json.dumps(sorted(m for m in {sorted(NEVER_ON_THE_CHECK_PATH)!r}"
            " if m in sys.modules)))")
    project = str(FIXTURES / "railway-app-bad")
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code, project], capture_output=True,
                              text=True, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == [], {name: NEVER_ON_THE_CHECK_PATH[name] for name in loaded}
