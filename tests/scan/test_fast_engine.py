"""The fast engine (keyword prefiltering) against the reference engine: same matches, always."""

from __future__ import annotations

import base64
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etc_policy.scan import fast
from etc_policy.scan.engine import scan_input
from etc_policy.scan.inputs import iter_inputs
from etc_policy.scan.keywords import pattern_keywords, regex_keywords
from etc_policy.scan.matchers import CompiledPatterns, FastMatcher, compile_pattern_re2, \
    make_matcher
from etc_policy.scan.model import CASELESS, Match, Needle, PatternSpec
from etc_policy.scan.needles import needles_for
from etc_policy.scan.patterns import scan_patterns
from etc_policy.secrets.classify import SecretClassifier
from tests.scan.conftest import key, scan_in_parts, workspace_of
from tests.scan.test_scan_patterns import LOOKALIKES, POSITIVE

PATTERNS = scan_patterns()
COMPILED = CompiledPatterns.of(PATTERNS)
# Formats whose every match holds no literal of 3 bytes: a letter, dots and base64url
# (Discord bot tokens), AC/SK + 32 characters (Twilio). Their regexes stay in the Hyperscan
# database. (Telegram's `[0-9]{5,16}:A` gives the ten keywords `0:A` … `9:A`.)
WITHOUT_KEYWORDS = {"discord-bot-token", "detect-secrets:TwilioKeyDetector"}
EXTRA = [*(s for samples in POSITIVE.values() for s in samples),
         "12345678:FAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo9", "ACfaketest0123456789abcdef01234567",
         "MFAKEtestMw4Rq8Tz2Xv6Kp0Ln.Qw7Er4.Ty1Uo9PzZa3Sd5Fg7Hj9Kl1Mw4R",
         "abcdefabcdefabcdefabcdefabcdef12-us7",
         "//registry.npmjs.org/:_authToken=7c9e6679-7425-40de-944b-e07fc1f90ae7",
         "AccountKey=" + "FAKEtestMw4R" * 7 + "q8Tz", "sq0csp-" + "FAKEtestMw4Rq8Tz2Xv6Kp0Ln" * 2,
         "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJGQUtFIn0.FAKEsig-test_0",
         r"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFAKEtestMw4Rq8Tz2Xv6Kp0LnQw7Er4Ty1Uo9PzZa3",
         # the keys of encrypted env files (dotenvx, age): their own block in patterns.py
         "DOTENV_PRIVATE_KEY_PRODUCTION=" + "4fc24cd7b87e211f" * 4,
         "AGE-SECRET-KEY-1" + "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L" + "FAKEQ" * 5 + "Q"]


def both(path: Path, needles: list[Needle], *, chunk_size: int, line_cap: int = 1 << 20,
         patterns: tuple[PatternSpec, ...] = PATTERNS) -> tuple[list[tuple], list[tuple]]:
    item = next(iter_inputs([str(path)]))
    compiled = COMPILED if patterns is PATTERNS else CompiledPatterns.of(patterns)
    out = []
    for engine in ("hyperscan", "reference"):
        matcher = make_matcher(needles, patterns, engine=engine)
        out.append([key(m) for m in scan_input(item, matcher=matcher, needles=needles,
                                               patterns=compiled, chunk_size=chunk_size,
                                               line_cap=line_cap)])
    return out[0], out[1]


def test_auto_and_hyperscan_use_the_fast_engine() -> None:
    assert isinstance(make_matcher([], PATTERNS), FastMatcher)
    assert isinstance(make_matcher([], PATTERNS, engine="hyperscan"), FastMatcher)
    assert not isinstance(make_matcher([], PATTERNS, engine="reference"), FastMatcher)
    with pytest.raises(ValueError):
        make_matcher([], PATTERNS, engine="nope")


def test_every_shipped_pattern_but_three_gets_keywords() -> None:
    missing = {p.name for p in PATTERNS if pattern_keywords(p) is None}
    assert missing == WITHOUT_KEYWORDS
    keywords = {p.name: pattern_keywords(p) for p in PATTERNS}
    assert keywords["aws-access-key-id"].literals == (b"ABIA", b"ACCA", b"AKIA", b"ASIA")
    assert keywords["private-key"].literals == (b"-----BEGIN ",)
    assert keywords["database-url-password"].caseless
    assert b"postgresql://" in keywords["database-url-password"].literals


def test_every_match_holds_one_of_its_patterns_keywords() -> None:
    """Soundness on real samples: what RE2 finds contains a keyword (caseless if flagged)."""
    text = "\n".join(EXTRA) + "\n" + (LOOKALIKES / "lookalikes.log").read_text()
    data = text.encode()
    checked = set()
    for pattern in PATTERNS:
        keywords = pattern_keywords(pattern)
        if keywords is None:
            continue
        for match in compile_pattern_re2(pattern).finditer(data):
            found = match.group()
            hay = found.lower() if keywords.caseless else found
            assert any((k.lower() if keywords.caseless else k) in hay
                       for k in keywords.literals), pattern.name
            checked.add(pattern.name)
    assert len(checked) >= 18


@pytest.mark.parametrize(("regex", "expected"), [
    (rb"\bAKIA[A-Z0-9]{16}\b", (b"AKIA",)),
    (rb"abc|de", None),                                  # a branch without 3 bytes
    (rb"(?:sk|rk)_(?:live|test)_x", (b"rk_live_x", b"rk_test_x", b"sk_live_x", b"sk_test_x")),
    (rb"abcd{,3}efgh", None),                            # RE2 reads {,3} literally
    (rb"[[:alpha:]]abc", None),
    (rb"pass(?:wor)?d=[^\s]+", (b"passd=", b"password=")),
    (rb"key-us[0-9]{1,2}", tuple(b"key-us%d" % d for d in range(10))),
    (rb"(?i)token=[a-z]+", (b"token=",)),
])
def test_regex_keywords(regex: bytes, expected: tuple[bytes, ...] | None) -> None:
    found = regex_keywords(regex)
    assert (found[0] if found else None) == expected
    if regex.startswith(b"(?i)"):
        assert found[1]


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_logs_give_the_reference_results(make_log: ModuleType,
                                                   classifier: SecretClassifier,
                                                   tmp_path: Path, seed: int) -> None:
    make_log.write_env(tmp_path / ".env.production")
    extra = "".join(f"2025-01-01T00:00:00Z value {s} end\n" for s in EXTRA).encode()
    with open(tmp_path / "app.log", "wb") as out:
        make_log.generate(out, size=1 << 20, seed=seed, plant_every=1 << 19)
        out.write(extra * 3 + b"no newline at the end AKIAFAKETEST00000EXA")
    needles = needles_for(workspace_of(tmp_path), classifier)
    for chunk_size in (1 << 20, 1 << 16, 4093):      # 1 MiB reads: the helper thread
        fast, reference = both(tmp_path / "app.log", needles, chunk_size=chunk_size)
        assert fast == reference
    # Most formats are there (detect-secrets itself drops the Npm and Twilio samples).
    assert len({k[6] for k in fast if k[6] is not None}) >= len(PATTERNS) - 2
    item = next(iter_inputs([str(tmp_path / "app.log")]))
    matcher = make_matcher(needles, PATTERNS)
    for parts in (2, 5):
        assert scan_in_parts(item, parts, matcher=matcher, needles=needles, patterns=COMPILED,
                             chunk_size=1 << 15) == fast


SECRET = b"FAKE-test-secret-7Hq2Lm9Vx4"
NEEDLES = [Needle(0, "API_TOKEN", None, "raw", SECRET),
           Needle(1, "API_TOKEN", None, "base64", base64.b64encode(SECRET)),
           Needle(2, "API_TOKEN", None, "url-password", SECRET[5:20])]
SMALL = (PatternSpec(0, "SCAN-AWS", "aws", rb"\bAKIA[A-Z0-9]{16}\b"),
         PatternSpec(1, "SCAN-PG", "pg", rb"postgres(?:ql)?://[^\s:/@]*:[^\s/@]+@[^\s/@\"]+",
                     flags=CASELESS),
         PatternSpec(2, "SCAN-RUN", "runs", rb"[AKIQ]{6,}"),            # no keyword
         PatternSpec(3, "SCAN-KEY", "key", rb"secret[=:][A-Za-z0-9]{4,}", flags=CASELESS,
                     validate=lambda text: not text.lower().endswith(b"xxxx")))
FRAGMENTS = [b"AKIA", b"AKIAFAKETEST00000EXA", b"AKIQAKIQ", b"postgres://u:FAKEpw@h/db",
             b"POSTGRESQL://", b"Secret=abcd", b"secret:xxxx", b"secret=", SECRET,
             base64.b64encode(SECRET), SECRET[5:20], b" ", b"\n", b"\n\n", b"word", b"x" * 37,
             # non-ASCII before matches: columns count code points in both engines
             "é".encode(), "日本語 ".encode(), "🔑".encode(), b"\xff", b"\x80"]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=60),
       chunk_size=st.integers(1, 64), line_cap=st.sampled_from([8, 16, 33, 1 << 20]))
def test_random_logs_give_the_reference_results(tmp_path: Path, parts: list[bytes],
                                                 chunk_size: int, line_cap: int) -> None:
    log = tmp_path / "random.log"
    log.write_bytes(b"".join(parts))
    fast, reference = both(log, NEEDLES, chunk_size=chunk_size, line_cap=line_cap,
                           patterns=SMALL)
    assert fast == reference


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=60),
       chunk_size=st.integers(1, 64), line_cap=st.sampled_from([8, 16, 33, 1 << 20]),
       block=st.sampled_from([1, 3, 16, 1 << 15]), with_numpy=st.booleans())
def test_random_logs_with_the_helper_thread_give_the_reference_results(
        tmp_path: Path, parts: list[bytes], chunk_size: int, line_cap: int, block: int,
        with_numpy: bool) -> None:
    """Every read goes through the helper thread (prefetch into the spare buffer, carry,
    swap) and newlines are counted in tiny blocks, by numpy in the helper or by `bytes.count`
    here: results stay the reference's."""
    log = tmp_path / "random.log"
    log.write_bytes(b"".join(parts))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast, "_THREAD_MIN", 1)
        patch.setattr(fast, "_BLOCK", block)
        if not with_numpy:
            patch.setattr(fast, "numpy_module", lambda: None)
        found, reference = both(log, NEEDLES, chunk_size=chunk_size, line_cap=line_cap,
                                patterns=SMALL)
    assert found == reference


@pytest.mark.parametrize("with_numpy", [True, False])
@pytest.mark.parametrize("block", [7, 1 << 15])
def test_byte_ranges_with_the_helper_thread_give_the_whole_scan(
        make_log: ModuleType, classifier: SecretClassifier, tmp_path: Path, block: int,
        with_numpy: bool) -> None:
    make_log.write_env(tmp_path / ".env.production")
    with open(tmp_path / "app.log", "wb") as out:
        make_log.generate(out, size=1 << 18, seed=5, plant_every=1 << 16)
        out.write(b"x" * 5000 + b" AKIAFAKETEST00000EXA " + b"y" * 3000)   # a long last line
    needles = needles_for(workspace_of(tmp_path), classifier)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fast, "_THREAD_MIN", 1)
        patch.setattr(fast, "_BLOCK", block)
        if not with_numpy:
            patch.setattr(fast, "numpy_module", lambda: None)
        whole, reference = both(tmp_path / "app.log", needles, chunk_size=4099, line_cap=1024)
        assert whole == reference
        item = next(iter_inputs([str(tmp_path / "app.log")]))
        matcher = make_matcher(needles, PATTERNS)
        joined = scan_in_parts(item, 3, matcher=matcher, needles=needles, patterns=COMPILED,
                               chunk_size=4099)
    assert joined == whole


def test_keywords_seldom_flag_ordinary_log_lines(make_log: ModuleType) -> None:
    """The fast scan's speed rests on keywords that ordinary lines lack: a keyword such as
    `webhooks/` or `https://` would send most lines of a web app's log to RE2 (the Discord
    webhook format once had `webhooks/`, and the scan ran at half speed)."""
    import io

    out = io.BytesIO()
    planted = make_log.generate(out, size=1 << 20, seed=5, plant_every=1 << 30)
    lines = out.getvalue().splitlines()[len(planted):]          # the noise after the plants
    literals = [(k.lower() if kw.caseless else k, kw.caseless)
                for kw in map(pattern_keywords, PATTERNS) if kw is not None for k in kw.literals]
    flagged = [line for line in lines
               if any(k in (line.lower() if caseless else line) for k, caseless in literals)]
    assert len(lines) > 3000
    assert len(flagged) / len(lines) < 0.02, flagged[:5]
