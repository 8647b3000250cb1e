"""The peers' ignore files, imported: `.gitleaksignore` and detect-secrets' `.secrets.baseline`.

- `.gitleaksignore`: one gitleaks fingerprint a line, `file:rule:line` or
  `commit:file:rule:line` (gitleaks `detect.go`, `AddFinding`: `File:RuleID:StartLine`, with
  the commit first for git scans); `#` comments and blank lines are skipped. An entry accepts
  our secret findings (rules tagged `secrets`) on that file and line, whatever gitleaks' rule
  was (its rule IDs are not ours).
- `.secrets.baseline`: detect-secrets' JSON baseline, `results: {filename: [{hashed_secret,
  line_number, type…}]}`, `hashed_secret` being the SHA-1 hex digest of the secret
  (`PotentialSecret.hash_secret`). A secret finding on that file is known, on any line
  (detect-secrets' baselines ignore line moves too), when its value, or a secret that
  detect-secrets' own plugins (those the baseline lists in `plugins_used`) find in its line,
  hashes to a listed digest: detect-secrets often hashes part of a value (the 24 characters
  its Stripe pattern takes). The plugins run with `analyze_string` only, never `verify`
  (which would go online). Values are hashed here, in memory; neither a value nor a digest
  is ever printed.

Paths in both files are relative to the project root (where gitleaks and detect-secrets are
run), wherever the file itself lives. What could not be mapped (an entry that matched no finding of the run) is reported as one
notice per file, naming the entries by file and line only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from etc_policy.errors import SourceError
from etc_policy.findings import Suppression
from etc_policy.suppress import RuleLike, is_secret_rule

GITLEAKS_IGNORE = ".gitleaksignore"
SECRETS_BASELINE = ".secrets.baseline"
_COMMIT = re.compile(r"^[0-9a-fA-F]{7,64}$")
MAX_LISTED = 5     # unmapped entries named in a notice; the rest are counted


class ImportedIgnores:
    """The entries of the imported files, and which of them this run used."""

    def __init__(self) -> None:
        self._places: dict[tuple[str, int], str] = {}       # (resolved file, line) -> shown
        self._hashes: dict[tuple[str, str], str] = {}       # (resolved file, sha1) -> shown
        self._used: set[str] = set()
        self._sources: list[tuple[str, list[str]]] = []     # (ignore file, its entries shown)
        self._plugins_used: list[object] = []               # the baseline's plugin configs
        self._plugin_objects: tuple[Any, ...] | None = None
        self.notices: list[str] = []

    def __bool__(self) -> bool:
        return bool(self._places or self._hashes)

    # --- reading ------------------------------------------------------------------------

    def add_gitleaks_ignore(self, path: Path, *, shown: str, root: Path) -> None:
        entries: list[str] = []
        for number, raw in enumerate(_read(path, shown=shown).splitlines(), start=1):
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            parsed = _gitleaks_entry(text)
            if parsed is None:
                raise SourceError("not a gitleaks fingerprint (file:rule:line or "
                                  "commit:file:rule:line)", path=shown, line=number)
            file, line = parsed
            label = f"{shown}:{number} ({file}:{line})"
            self._places[(_resolved(root, file), line)] = label
            entries.append(label)
        self._sources.append((shown, entries))

    def add_secrets_baseline(self, path: Path, *, shown: str, root: Path) -> None:
        try:
            data = json.loads(_read(path, shown=shown))
        except json.JSONDecodeError as exc:
            raise SourceError(f"not valid JSON ({exc.msg})", path=shown, line=exc.lineno,
                              column=exc.colno) from None
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, dict):
            raise SourceError("not a detect-secrets baseline (no 'results' object)", path=shown)
        plugins = data.get("plugins_used")
        if isinstance(plugins, list):
            self._plugins_used += [p for p in plugins if isinstance(p, dict) and
                                   p not in self._plugins_used]
        entries: list[str] = []
        for file, secrets in results.items():
            if not isinstance(secrets, list):
                raise SourceError(f"results.{file}: a list of secrets expected", path=shown)
            for index, secret in enumerate(secrets):
                digest = secret.get("hashed_secret") if isinstance(secret, dict) else None
                if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{40}", digest):
                    raise SourceError(f"results.{file}[{index}]: needs a 'hashed_secret' "
                                      "(40 hex digits)", path=shown)
                line = secret.get("line_number")
                label = f"{shown} ({file}" + (f":{line})" if isinstance(line, int) else ")")
                self._hashes[(_resolved(root, file), digest)] = label
                entries.append(label)
        self._sources.append((shown, entries))

    # --- applying -----------------------------------------------------------------------

    @property
    def wants_digests(self) -> bool:
        """Whether findings need `digests` (a detect-secrets baseline is loaded)."""
        return bool(self._hashes)

    def digests(self, *, value: str | None, line: str) -> tuple[str, ...]:
        """The SHA-1s detect-secrets could have recorded for this finding: of its value, and
        of every secret the baseline's plugins find in its line."""
        found = [] if value is None else [value]
        found += [secret for plugin in self._plugins() for secret in plugin.analyze_string(line)]
        return tuple(dict.fromkeys(sha1_hex(secret) for secret in found if secret))

    def _plugins(self) -> tuple[Any, ...]:
        if self._plugin_objects is None:
            from detect_secrets.settings import get_plugins, transient_settings

            config = {"plugins_used": self._plugins_used} if self._plugins_used else {}
            try:
                with transient_settings(config):
                    self._plugin_objects = tuple(get_plugins())
            except Exception:  # noqa: BLE001 - a plugin this detect-secrets lacks: the defaults
                from detect_secrets.settings import default_settings

                with default_settings():
                    self._plugin_objects = tuple(get_plugins())
        return self._plugin_objects

    def suppression(self, rule: RuleLike, *, path: str, line: int,
                    digests: Iterable[str] = ()) -> Suppression | None:
        """Why this finding is known to an imported file, or None. `digests` are the
        `sha1_hex` of the secret values the finding is about (see `wants_digests`)."""
        if not is_secret_rule(rule) or not self:
            return None
        resolved = str(Path(path).resolve())
        label = self._places.get((resolved, line))
        if label is not None:
            self._used.add(label)
            return Suppression(kind="imported", dialect="gitleaksignore",
                               justification=f"fingerprint in {label.split(' ')[0]}")
        if self._hashes:
            for digest in digests:
                label = self._hashes.get((resolved, digest))
                if label is not None:
                    self._used.add(label)
                    return Suppression(kind="imported", dialect="secrets-baseline",
                                       justification=f"hashed secret in {label.split(' ')[0]}")
        return None

    def unmapped_notices(self) -> list[str]:
        """One line per imported file whose entries matched no finding of this run."""
        notices = []
        for shown, entries in self._sources:
            unused = [e for e in entries if e not in self._used]
            if not unused:
                continue
            named = ", ".join(e.removeprefix(shown).strip(" :") for e in unused[:MAX_LISTED])
            more = f" and {len(unused) - MAX_LISTED} more" if len(unused) > MAX_LISTED else ""
            notices.append(f"{shown}: {len(unused)} of {len(entries)} imported entries match no "
                           f"secret finding of this run, not applied: {named}{more}")
        return notices


def sha1_hex(value: str) -> str:
    """detect-secrets' `hash_secret`: SHA-1 of the UTF-8 bytes (hashlib only here: it loads
    OpenSSL, which the plain `check` never needs)."""
    import hashlib

    return hashlib.sha1(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def _gitleaks_entry(text: str) -> tuple[str, int] | None:
    """(file, line) of a gitleaks fingerprint; the rule and commit are not ours to match."""
    head, _, line = text.rpartition(":")
    head, _, rule = head.rpartition(":")
    if not head or not rule or not line.isdigit():
        return None
    commit, sep, rest = head.partition(":")
    if sep and rest and _COMMIT.match(commit):
        head = rest
    return head, int(line)


def _resolved(base: Path, file: str) -> str:
    return str((base / file).resolve())


def _read(path: Path, *, shown: str) -> str:
    """The file's text through the one safe read (regular files only, size cap)."""
    from etc_policy.sources.files import read_input_bytes

    try:
        return read_input_bytes(path, display_path=shown).decode("utf-8")
    except UnicodeDecodeError:
        raise SourceError("not valid UTF-8", path=shown) from None


def load_ignores(*, root: Path, gitleaks_ignore: str | None, secrets_baseline: str | None,
                 auto_detect: bool, base_dir: Path) -> ImportedIgnores:
    """The configured files (relative to the config's folder), else, with `auto_detect`, a
    `.gitleaksignore` / `.secrets.baseline` at the project root (a notice says so)."""
    ignores = ImportedIgnores()
    for configured, name, add in ((gitleaks_ignore, GITLEAKS_IGNORE, ignores.add_gitleaks_ignore),
                                  (secrets_baseline, SECRETS_BASELINE,
                                   ignores.add_secrets_baseline)):
        if configured is not None:
            path = base_dir / configured
            add(path, shown=_shown(path), root=root)
        elif auto_detect and (root / name).is_file():
            path = root / name
            add(path, shown=_shown(path), root=root)
            ignores.notices.append(f"{_shown(path)}: imported (found at the project root; set "
                                   "imports.auto_detect: false in the config to stop)")
    return ignores


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
