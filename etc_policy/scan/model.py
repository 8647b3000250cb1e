"""The types of `etc-policy scan`: what is looked for (needles, patterns) and what was found (matches).

Contract between the scan core (needles, engine, inputs) and its users (patterns, JWT check,
command, reporters):

- `Needle`: one byte string to find literally, every occurrence. It is one encoding of one
  secret value (`encoding` is e.g. "raw", "base64", "base64url-unpadded", "base64@1" (value at
  offset 1 mod 3 inside a larger blob), "url-quote", "url-quote-plus", "json", "json-slash",
  "url-password" (the password of a URL value) and its own forms, "url-password/base64"…).
  `variable` names the env variable whose value it came from; when several variables yield
  the same bytes the needle is kept once and the others are in `also`.
  `value` holds secret bytes: repr=False, never print it.
- `PatternSpec`: one regex (bytes) for provider key formats. It must compile with Hyperscan and
  with RE2 (google-re2) alike, must not match a newline (the engine resolves pattern matches
  line by line, so a pattern match never spans lines), and must not need more than `max_len`
  bytes. `flags` is a bit set of the `CASELESS`/`DOTALL` constants below (engine neutral).
  `validate`, if set, is called with the matched bytes and drops the match when it returns
  False (placeholders, public example values, Railway references…). It must depend on those
  bytes only: the fast engine caches its verdicts by matched bytes.
  Semantics: the matches of a pattern are those of RE2 `finditer` over each line (leftmost,
  non-overlapping), whatever the engine.
- `Match`: one occurrence. `path` is the display path (`-` for stdin, `archive.log.gz` for a
  gzip file), `line`/`column` are 1-based, the column in code points (bytes minus the UTF-8
  continuation bytes before it in its line; in bytes past a line's first LINE_CAP bytes, whose
  start no engine keeps), `offset`/`end` are byte offsets of the match in the (decompressed)
  stream. Exactly one of `needle`/`pattern` is set. `text`
  holds the matched bytes (secret: repr=False).
- `scan_paths(paths, *, needles, patterns, jobs=1, ignore=(), progress=None) -> Iterator[Match]`
  lives in `etc_policy.scan.engine` (re-exported by `etc_policy.scan`). `paths` are files,
  folders (walked; binaries skipped; `ignore` globs as in the config's ignore paths), `.gz` files
  (decompressed on the fly) or `-` (stdin). Matches come out in order per file (by offset);
  with jobs > 1 files are scanned in parallel and each file's matches still come out together
  and in order. A needle match inside a longer needle match (the base64 tail of a padded
  base64 needle, a password inside its URL) is not reported: the longer one is.
  `progress`, if given, is called as `progress(path, done_bytes, total_bytes | None)`.
"""

from __future__ import annotations

from collections.abc import Callable

from etc_policy.record import field, record

# Engine-neutral pattern flags (PatternSpec.flags).
CASELESS = 1
DOTALL = 2


@record
class Needle:
    id: int
    variable: str
    environment: str | None
    encoding: str
    value: bytes = field(repr=False)
    also: tuple[str, ...] = ()        # other variables whose value gives these same bytes
    source: str | None = None          # display path of the env source the variable came from


@record
class PatternSpec:
    id: int
    rule_id: str
    name: str
    regex: bytes
    flags: int = 0
    validate: Callable[[bytes], bool] | None = field(default=None, compare=False)
    max_len: int = 1024


@record
class Match:
    path: str
    line: int
    column: int
    offset: int
    end: int
    needle: Needle | None
    pattern: PatternSpec | None
    text: bytes = field(repr=False)

    @property
    def rule(self) -> str:
        """A short name for what matched: the pattern's rule id or `known-value`."""
        return self.pattern.rule_id if self.pattern is not None else "known-value"
