"""Our parse_dotenv against the real npm `dotenv` 18.0.10 (tests/node), compared as mappings.

One node process serves the whole module (tests/node/parse.js reads one JSON batch per line).
Missing node or node_modules is a failure, not a skip: CI installs them (`npm ci` in tests/node).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etc_policy.sources.dotenv import decode, load_dotenv, parse_dotenv

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpora" / "env-real"
PINNED = "18.0.10"


class NodeDotenv:
    """A long-lived `node parse.js`: every call sends one batch and reads one answer line."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            ["node", str(NODE_DIR / "parse.js")], cwd=NODE_DIR, text=True, encoding="utf-8",
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, cases: list[object]) -> list[dict]:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(cases) + "\n")
        self._proc.stdin.flush()
        answer = self._proc.stdout.readline()
        assert answer, "node parse.js exited; see its stderr above"
        return json.loads(answer)

    def parse(self, texts: list[str]) -> list[dict[str, str]]:
        return [result["parsed"] for result in self.run(list(texts))]

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(timeout=10)


def _require_node() -> None:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the dotenv differential tests need Node.js >= 18")
    manifest = NODE_DIR / "node_modules" / "dotenv" / "package.json"
    if not manifest.is_file():
        pytest.fail(f"npm dotenv is not installed: run `npm ci` in {NODE_DIR}")
    version = json.loads(manifest.read_text())["version"]
    if version != PINNED:
        pytest.fail(f"tests/node has dotenv {version}, expected {PINNED}: run `npm ci` in {NODE_DIR}")


@pytest.fixture(scope="module")
def node() -> NodeDotenv:
    _require_node()
    oracle = NodeDotenv()
    yield oracle
    oracle.close()


def ours(text: str) -> dict[str, str]:
    entries, _ = parse_dotenv(text)
    return {entry.key: entry.value for entry in entries}


# (id, text): every case python-dotenv or a naive parser gets wrong, and the plain ones.
EDGE_CASES: list[tuple[str, str]] = [
    ("plain", "KEY=value\n"),
    ("no-final-newline", "KEY=value"),
    ("empty-value", "KEY=\n"),
    ("empty-file", ""),
    ("only-newlines", "\n\n\n"),
    ("spaces-around-eq", "KEY = value\n"),
    ("multiple-spaces", "KEY   =    value   with   spaces   \n"),
    ("tabs", "\tKEY\t=\tvalue\t\n"),
    ("leading-spaces", "   KEY=value\n"),
    ("trailing-spaces", "KEY=value   \n"),
    ("eq-in-value", "URL=postgres://u:p@h/db?a=b&c=d\n"),
    ("double-eq", "KEY==value\n"),
    ("hash-no-space", "KEY=abc#def\n"),
    ("hash-space", "KEY=abc #def\n"),
    ("hash-only-value", "KEY=#comment\n"),
    ("hash-in-double", 'KEY="abc#def"\n'),
    ("hash-in-single", "KEY='abc # def'\n"),
    ("hash-in-backtick", "KEY=`abc#def`\n"),
    ("comment-after-double", 'KEY="value" # comment\n'),
    ("comment-after-single", "KEY='value'#comment\n"),
    ("text-after-quote", 'KEY="value" tail\n'),
    ("double-quotes", 'KEY="value"\n'),
    ("single-quotes", "KEY='value'\n"),
    ("backticks", "KEY=`value`\n"),
    ("backtick-with-quotes", "KEY=`it's \"quoted\"`\n"),
    ("mismatched-quotes", "KEY=\"value'\n"),
    ("quote-inside", 'KEY=say "hi" now\n'),
    ("escaped-double", 'KEY="a \\"b\\" c"\n'),
    ("escaped-single", "KEY='a \\'b\\' c'\n"),
    ("escape-n-double", 'KEY="line1\\nline2"\n'),
    ("escape-n-single", "KEY='line1\\nline2'\n"),
    ("escape-n-unquoted", "KEY=line1\\nline2\n"),
    ("escape-r-double", 'KEY="a\\rb"\n'),
    ("escape-t-double", 'KEY="a\\tb"\n'),
    ("escaped-backslash", 'KEY="a\\\\nb"\n'),
    ("unterminated-double-at-end", 'KEY="abc\n'),
    ("unterminated-double-swallows", 'A="abc\nB=2\nC="x\nD=4\n'),
    ("unterminated-single-swallows", "A='abc\nB=2\nC='\n"),
    ("multiline-double", 'KEY="-----BEGIN KEY-----\nFAKEEXAMPLE\n-----END KEY-----"\n'),
    ("multiline-single", "KEY='a\nb'\nNEXT=1\n"),
    ("multiline-backtick", "KEY=`a\nb`\n"),
    ("key-eq-then-quoted-line", 'KEY=\n"quoted"\nB=1\n'),
    ("key-eq-then-plain-line", "KEY=\nOTHER=1\n"),
    ("key-newline-eq", "KEY\n=value\n"),
    ("bare-key", "KEY\nB=1\n"),
    ("colon", "KEY: value\n"),
    ("colon-no-space", "KEY:value\n"),
    ("colon-newline", "KEY:\nvalue\n"),
    ("export", "export KEY=value\n"),
    ("export-empty", "export KEY=\n"),
    ("export-as-key", "export=1\n"),
    ("export-spaces", "export   KEY = v\n"),
    ("exportKEY", "exportKEY=1\n"),
    ("proto", "__proto__=polluted\nA=1\n"),
    ("constructor", "constructor=x\ntoString=y\n"),
    ("duplicate", "A=1\nA=2\n"),
    ("duplicate-empty-last", "A=1\nA=\n"),
    ("substitution", "A=${HOME}/x\nB=$A\n"),
    ("railway-reference", "DATABASE_URL=${{ Postgres.DATABASE_URL }}\n"),
    ("crlf", "A=1\r\nB=\"x\\ny\"\r\nC='m\r\nl'\r\n"),
    ("cr-only", "A=1\rB=2\rC=3"),
    ("mixed-newlines", "A=1\r\nB=2\rC=3\nD=4"),
    ("unicode-key", "KÉY=1\nΚΛΕΙΔΙ=2\nOK=3\n"),
    ("unicode-value", "KEY=héllo wörld ✓\n"),
    ("dots-dashes", "my.key=1\nmy-key=2\n.x=3\n-=4\n"),
    ("digits-key", "1=a\n123=b\n"),
    ("invalid-line", "this is not valid\nA=1\n"),
    ("comment-lines", "# A=1\n  # B=2\nC=3 # D=4\n"),
    ("comment-then-quote", "# it's here\nA='x'\n"),
    ("blank-with-spaces", "   \n\t\nA=1\n"),
    ("nbsp", "\xa0A=\xa0value\xa0\n"),
    ("bom", "\ufeffA=1\n"),
    ("line-separator", "A=x\u2028B=2\n"),
    ("line-separator-in-comment", "A=x #c\u2028B=2\n"),
    ("nel-and-fs", "A=\x85x\x1c\n"),
    ("vertical-tab", "A=\x0bx\x0c\n"),
    ("json-value", 'JSON={"a": 1, "b": [1, 2]}\n'),
    ("json-single-quoted", "JSON='{\"a\": 1}'\n"),
    ("dollar-brace-quoted", 'A="${B}"\n'),
    ("empty-quotes", "A=\"\"\nB=''\nC=``\n"),
    ("only-quote", 'A="\n'),
    ("quote-then-space", "A=' x '\n"),
    ("spaces-in-double", 'A="  padded  "\n'),
    ("backslash-end", "A=abc\\\n"),
    ("many-equals", "A=b=c=d\n"),
    ("key-with-space", "MY KEY=1\n"),
    ("semicolon", "A=1;B=2\n"),
]


def test_edge_case_table_is_large_enough() -> None:
    assert len(EDGE_CASES) >= 60
    assert len({name for name, _ in EDGE_CASES}) == len(EDGE_CASES)


def test_edge_cases_agree_with_node(node: NodeDotenv) -> None:
    expected = node.parse([text for _, text in EDGE_CASES])
    mismatches = [(name, ours(text), want) for (name, text), want in zip(EDGE_CASES, expected)
                  if ours(text) != want]
    assert mismatches == []


def _corpus_files() -> list[Path]:
    return sorted(p.with_name(p.name.removesuffix(".expected.json"))
                  for p in CORPUS.glob("*.expected.json"))


def test_corpus_is_present() -> None:
    assert len(_corpus_files()) >= 60


@pytest.mark.parametrize("path", _corpus_files(), ids=lambda p: p.name)
def test_corpus_matches_expected_json(path: Path) -> None:
    source = load_dotenv(path, display_path=path.name, environment=None)
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text("utf-8"))
    assert {entry.key: entry.value for entry in source.entries} == expected


def test_corpus_agrees_with_node(node: NodeDotenv) -> None:
    files = _corpus_files()
    results = node.run([{"path": str(path)} for path in files])
    for path, result in zip(files, results):
        source = load_dotenv(path, display_path=path.name, environment=None)
        assert {entry.key: entry.value for entry in source.entries} == result["parsed"], path.name


# Bytes Node must decode as we do: BOM, truncated and overlong sequences, surrogates, stray bytes.
ENCODINGS: list[bytes] = [
    b"\xef\xbb\xbfA=1\nB=2\n",
    b"\xef\xbb\xbf\n\nA='x'\n",
    b"A=\xff\xfe\nB=2\n",
    b"A=\xc3(\nB=\xc3\xa9\n",
    b"A=\xed\xa0\x80z\n",
    b"A=\xf0\x9f\x98\nB=1\n",
    b"A=\xe2\x82\n",
    b"A=\xc0\xaf\xe0\x80\xaf\n",
    b"A=\xf4\x90\x80\x80\xf8\x88\x80\x80\x80\n",
    b"A=\x80\x80\x80x\xbf\n",
    b"A=ok\n\xfe=B\nC=\xe1\x80",
]


def test_decoding_agrees_with_node(node: NodeDotenv, tmp_path: Path) -> None:
    paths = []
    for index, data in enumerate(ENCODINGS):
        paths.append(tmp_path / f"case{index}.env")
        paths[-1].write_bytes(data)
    results = node.run([{"path": str(path)} for path in paths])
    for data, path, result in zip(ENCODINGS, paths, results):
        text, _ = decode(data)
        assert text == result["text"].removeprefix("\ufeff"), data
        source = load_dotenv(path, display_path=path.name, environment=None)
        assert {entry.key: entry.value for entry in source.entries} == result["parsed"], data


# Hypothesis: dotenv-ish text from the characters and tokens where parsers disagree.
TOKENS = ["#", "'", '"', "`", "=", ":", "\\", "\\n", "\n", "\r", "\r\n", " ", "\t", "A", "b",
          "KEY", "x1", "_", ".", "-", "export ", "export", "${X}", "$", "\u2028", "\xa0",
          "\ufeff", "é", "\x85", "\x0b"]
dotenvish = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
line_based = st.lists(
    st.tuples(st.sampled_from(["", " ", "export ", "#", "\t"]), st.sampled_from(["A", "B", "K.x", "a-b"]),
              st.sampled_from(["=", " = ", ": ", ":", "", "=\n"]), dotenvish),
    max_size=8,
).map(lambda rows: "\n".join("".join(row) for row in rows))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.one_of(dotenvish, line_based), min_size=1, max_size=25))
def test_random_text_agrees_with_node(node: NodeDotenv, texts: list[str]) -> None:
    expected = node.parse(texts)
    assert [ours(text) for text in texts] == expected
