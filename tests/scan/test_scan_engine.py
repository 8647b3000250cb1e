from __future__ import annotations

import base64
import random
from pathlib import Path
from types import ModuleType

import pytest

from etc_policy.scan import engine as engine_module
from etc_policy.scan.engine import scan_input, scan_paths
from etc_policy.scan.inputs import iter_inputs
from etc_policy.scan.matchers import CompiledPatterns, make_matcher
from etc_policy.scan.model import CASELESS, Match, Needle, PatternSpec
from etc_policy.scan.needles import needles_for
from etc_policy.secrets.classify import SecretClassifier
from tests.scan.conftest import key, scan_in_parts, workspace_of

ENGINES = ("hyperscan", "re2")
PATTERNS = (
    PatternSpec(0, "SCAN-AWS", "AWS access key id", rb"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"),
    PatternSpec(1, "SCAN-STRIPE", "Stripe secret key", rb"\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"),
    PatternSpec(2, "SCAN-PG", "PostgreSQL URL with a password",
                rb"postgres(?:ql)?://[^\s:/@]*:[^\s/@]+@[^\s/@\"]+", flags=CASELESS),
    PatternSpec(3, "SCAN-PEM", "private key", rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
)


@pytest.fixture(scope="module")
def bench_log(tmp_path_factory: pytest.TempPathFactory, make_log: ModuleType,
              classifier: SecretClassifier) -> tuple[Path, list[Needle], list[dict[str, object]]]:
    folder = tmp_path_factory.mktemp("benchlog")
    make_log.write_env(folder / ".env.production")
    with open(folder / "app.log", "wb") as out:
        planted = make_log.generate(out, size=3 << 20, seed=11, plant_every=1 << 20)
    return folder, needles_for(workspace_of(folder), classifier), planted


@pytest.mark.parametrize("engine", ENGINES)
def test_every_planted_secret_is_found_in_every_form(bench_log, engine: str) -> None:
    folder, needles, planted = bench_log
    matches = list(scan_paths([str(folder / "app.log")], needles=needles, engine=engine,
                              chunk_size=1 << 16))
    by_line: dict[int, set[str]] = {}
    for match in matches:
        assert match.needle is not None
        by_line.setdefault(match.line, set()).update((match.needle.variable, *match.needle.also))
    missed = [p for p in planted if p["variable"] not in by_line.get(int(p["line"]), set())]
    assert missed == []
    assert len(planted) == 3 * 10 * 14      # 3 rounds, 8 values + 2 URL passwords, 14 forms
    # Nothing else: the noise and the look-alikes hold no known value.
    assert set(by_line) == {int(p["line"]) for p in planted}


def test_matches_name_variable_encoding_line_and_column(bench_log) -> None:
    folder, needles, _planted = bench_log
    data = (folder / "app.log").read_bytes()
    for match in scan_paths([str(folder / "app.log")], needles=needles):
        assert match.needle is not None
        assert data[match.offset:match.end] == match.text == match.needle.value
        assert match.line == data.count(b"\n", 0, match.offset) + 1
        assert match.column == match.offset - (data.rfind(b"\n", 0, match.offset) + 1) + 1
        assert match.path == f"{folder}/app.log"


def test_engines_agree_on_needles_and_patterns(bench_log, tmp_path: Path) -> None:
    folder, needles, _planted = bench_log
    log = tmp_path / "mixed.log"
    extra = (b"aws AKIAFAKETEST00000EXA and ASIAFAKETEST11111EXA\n"
             b"-----BEGIN RSA PRIVATE KEY-----\nPOSTGRESQL://u:FAKEpw@h/db sk_live_FAKEtest0000aa\n")
    log.write_bytes((folder / "app.log").read_bytes()[:1 << 20] + extra * 50)
    results = {engine: [key(m) for m in scan_paths([str(log)], needles=needles, patterns=PATTERNS,
                                                  engine=engine, chunk_size=1 << 15)]
               for engine in ENGINES}
    assert results["hyperscan"] == results["re2"]
    rules = {pattern_id for *_, pattern_id, _text in results["re2"] if pattern_id is not None}
    assert rules == {0, 1, 2, 3}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_needle_split_at_every_chunk_offset_is_found_once(tmp_path: Path, engine: str) -> None:
    secret = b"FAKE-test-split-secret-7Hq2Lm9Vx4"
    needles = [Needle(0, "API_TOKEN", None, "raw", secret),
               Needle(1, "API_TOKEN", None, "base64", base64.b64encode(secret))]
    pattern = (PatternSpec(0, "SCAN-AWS", "aws", rb"\bAKIA[A-Z0-9]{16}\b"),)
    matcher = make_matcher(needles, pattern, engine=engine)
    compiled = CompiledPatterns.of(pattern)
    chunk = 16
    for shift in range(len(secret) + chunk + 2):
        data = b"x" * shift + b" " + secret + b" AKIAFAKETEST00000EXA\n" + base64.b64encode(secret)
        log = tmp_path / "split.log"
        log.write_bytes(data)
        item = next(iter_inputs([str(log)]))
        found = [(m.offset, m.rule, m.needle.id if m.needle else None)
                 for m in scan_input(item, matcher=matcher, needles=needles, patterns=compiled,
                                     chunk_size=chunk)]
        aws = shift + 1 + len(secret) + 1
        assert found == [(shift + 1, "known-value", 0), (aws, "SCAN-AWS", None),
                         (aws + 21, "known-value", 1)], shift


@pytest.mark.parametrize("engine", ENGINES)
def test_a_match_inside_a_longer_needle_match_is_not_reported(tmp_path: Path, engine: str) -> None:
    url = b"postgresql://postgres:FAKEpgPass9x8y7z@db.internal:5432/railway"
    password = b"FAKEpgPass9x8y7z"
    raw = b"FAKEtestSecretAccessKey/7Hq2Lm9Vx4Tz8Rw1Kp!"
    padded = base64.b64encode(raw)
    needles = [Needle(0, "DATABASE_URL", None, "raw", url),
               Needle(1, "DATABASE_URL", None, "url-password", password),
               Needle(2, "AWS_SECRET", None, "base64", padded),
               Needle(3, "AWS_SECRET", None, "base64-unpadded", padded.rstrip(b"=")),
               Needle(4, "AWS_SECRET", None, "base64@0", padded[:len(padded) - 4])]
    log = tmp_path / "nested.log"
    log.write_bytes(b"connect " + url + b"\nauth " + padded + b"\npw=" + password + b"\n"
                    + padded.rstrip(b"=") + b"--\n")
    found = [(m.line, m.needle.encoding) for m in scan_paths([str(log)], needles=needles,
                                                             engine=engine, chunk_size=7)]
    assert found == [(1, "raw"), (2, "base64"), (3, "url-password"), (4, "base64-unpadded")]


@pytest.mark.parametrize("engine", ENGINES)
def test_overlapping_needles_of_different_values_are_both_reported(tmp_path: Path,
                                                                   engine: str) -> None:
    needles = [Needle(0, "A_TOKEN", None, "raw", b"FAKEaaaa-bbbb"),
               Needle(1, "B_TOKEN", None, "raw", b"bbbb-ccccFAKE")]
    log = tmp_path / "overlap.log"
    log.write_bytes(b"x FAKEaaaa-bbbb-ccccFAKE y\n")
    found = [(m.offset, m.needle.variable) for m in scan_paths([str(log)], needles=needles,
                                                               engine=engine)]
    assert found == [(2, "A_TOKEN"), (11, "B_TOKEN")]


def test_long_lines_are_cut_the_same_way_by_both_engines(tmp_path: Path) -> None:
    rng = random.Random(3)
    alphabet = b"AKIZ0123456789 FAKEQW\n"
    data = bytes(rng.choice(alphabet) for _ in range(60_000))
    data += b"AKIA" + b"Q" * 16 + b" " + bytes(rng.choice(b"AKIQ0 ") for _ in range(5000))
    log = tmp_path / "long.log"
    log.write_bytes(data)
    pattern = (PatternSpec(0, "SCAN-AWS", "aws", rb"\bAKIA[A-Z0-9]{16}\b"),
               PatternSpec(1, "SCAN-RUN", "runs", rb"[AKIQ]{6,}"))
    item = next(iter_inputs([str(log)]))
    results = []
    for engine in ENGINES:
        matcher = make_matcher([], pattern, engine=engine)
        results.append([key(m) for m in scan_input(item, matcher=matcher, needles=[],
                                                   patterns=CompiledPatterns.of(pattern),
                                                   chunk_size=4096, line_cap=100)])
    assert results[0] == results[1]
    assert len(results[0]) > 50


def test_byte_ranges_give_the_results_of_one_pass(bench_log, tmp_path: Path) -> None:
    folder, needles, _planted = bench_log
    log = folder / "app.log"
    compiled = CompiledPatterns.of(PATTERNS)
    matcher = make_matcher(needles, PATTERNS)
    item = next(iter_inputs([str(log)]))
    whole = [key(m) for m in scan_input(item, matcher=matcher, needles=needles, patterns=compiled)]
    for parts in (2, 3, 7):
        assert scan_in_parts(item, parts, matcher=matcher, needles=needles, patterns=compiled,
                             chunk_size=1 << 16) == whole


def test_jobs_spread_files_and_split_a_big_one(bench_log, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder, needles, _planted = bench_log
    small = tmp_path / "small.log"
    small.write_bytes((folder / "app.log").read_bytes()[:200_000])
    paths = [str(folder / "app.log"), str(small)]
    one = [key(m) for m in scan_paths(paths, needles=needles, patterns=PATTERNS)]
    monkeypatch.setattr(engine_module, "SPLIT_MIN", 1 << 20)   # split app.log (3 MB) in two
    two = [key(m) for m in scan_paths(paths, needles=needles, patterns=PATTERNS, jobs=2)]
    assert two == one


def test_no_more_processes_than_tasks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--jobs 200` on two small files starts two processes, not two hundred."""
    import multiprocessing

    started: list[int] = []
    spawn = multiprocessing.get_context("spawn")

    class Context:
        def Pool(self, processes: int, **kwargs: object) -> object:  # noqa: N802
            started.append(processes)
            return spawn.Pool(processes, **kwargs)

    monkeypatch.setattr(multiprocessing, "get_context", lambda method: Context())
    for name in ("a.log", "b.log"):
        (tmp_path / name).write_text("AKIAFAKETEST00000EXA\n")
    paths = [str(tmp_path / "a.log"), str(tmp_path / "b.log")]
    found = list(scan_paths(paths, needles=[], patterns=PATTERNS, jobs=200))
    assert started == [2]
    assert len(found) == 2


def test_progress_reports_bytes_done(bench_log) -> None:
    folder, needles, _planted = bench_log
    seen: list[tuple[str, int, int | None]] = []
    list(scan_paths([str(folder / "app.log")], needles=needles,
                    progress=lambda path, done, total: seen.append((path, done, total))))
    size = (folder / "app.log").stat().st_size
    assert seen[-1] == (f"{folder}/app.log", size, size)
    assert [done for _, done, _ in seen] == sorted(done for _, done, _ in seen)


def test_validate_drops_pattern_matches(tmp_path: Path) -> None:
    log = tmp_path / "v.log"
    log.write_bytes(b"AKIAFAKETEST00000EXA AKIAIOSFODNN7EXAMPLE\n")
    spec = PatternSpec(0, "SCAN-AWS", "aws", rb"\bAKIA[A-Z0-9]{16}\b",
                       validate=lambda text: not text.endswith(b"EXAMPLE"))
    assert [m.text for m in scan_paths([str(log)], needles=[], patterns=[spec])] == [b"AKIAFAKETEST00000EXA"]


def test_match_repr_hides_the_text() -> None:
    needle = Needle(0, "API_TOKEN", None, "raw", b"FAKEsecret-value-1")
    match = Match("a.log", 1, 1, 0, 18, needle, None, b"FAKEsecret-value-1")
    assert "FAKEsecret" not in repr(match)


def test_no_needles_and_no_patterns_is_an_empty_scan(tmp_path: Path) -> None:
    log = tmp_path / "e.log"
    log.write_bytes(b"nothing here\n")
    for engine in ENGINES:
        assert list(scan_paths([str(log)], needles=[], engine=engine)) == []
