"""yamlpos: the libyaml fast path gives exactly what the pure-Python path gives, and every
input it cannot handle (aliases, errors, deep nesting) ends as the same PolicyError."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from etc_policy import yamlpos
from etc_policy.errors import PolicyError

ROOT = Path(__file__).resolve().parent.parent
PACKS = sorted((ROOT / "policies").glob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml"))

needs_libyaml = pytest.mark.skipif(yamlpos._FAST_LOADER is None, reason="PyYAML without libyaml")


def _both(text: str) -> tuple[object, object]:
    def run(fast: bool) -> object:
        try:
            if fast:
                return yamlpos._fast(text, yamlpos._FAST_LOADER, display_path="p.yaml")
            return yamlpos._slow(text, display_path="p.yaml")
        except yamlpos._FastPathFailed:
            return "fallback"
        except PolicyError as exc:
            return ("error", exc.one_line())
    return run(True), run(False)


def test_packs_exist() -> None:
    assert len(PACKS) >= 4


@needs_libyaml
@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_fast_path_equals_python_path_on_real_packs(pack: Path) -> None:
    fast, slow = _both(pack.read_text(encoding="utf-8"))
    assert fast == slow
    assert fast != "fallback"


@needs_libyaml
@pytest.mark.parametrize("text", [
    "a: &x [1]\nb: *x\n",               # alias
    "a: &x\n  - *x\n",                  # recursive alias
    "a: [1\n",                           # syntax error
    "a: 1\na: 2\n",                      # duplicate key (our own error)
    "<<: {a: 1}\n",                      # merge key
    "--- 1\n--- 2\n",                    # two documents
])
def test_fast_path_hands_problems_to_the_python_path(text: str) -> None:
    fast, _slow = _both(text)
    assert fast == "fallback"


@pytest.mark.parametrize("text, line, message", [
    ("x: 1\na: &x [1]\nb: *x\n", 3, "YAML aliases (*name) are not allowed in packs"),
    ("a: [1\n", 2, "invalid YAML: expected ',' or ']', but got '<stream end>'"),
])
def test_public_errors_are_the_python_paths(text: str, line: int, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        yamlpos.load_yaml_with_lines(text, display_path="p.yaml")
    assert caught.value.line == line
    assert message in caught.value.one_line()


@pytest.mark.parametrize("text", ["- " * 60_000, "[" * 60_000 + "]" * 60_000])
def test_deep_nesting_is_a_policy_error_not_a_crash(text: str) -> None:
    # libyaml would segfault on these; the indicator count keeps them on the Python path.
    with pytest.raises(PolicyError, match="nested too deeply"):
        yamlpos.load_yaml_with_lines(text, display_path="p.yaml")


_scalars = st.one_of(st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
                     st.text(max_size=12))
_documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)),
    max_leaves=20)


@needs_libyaml
@settings(max_examples=150, deadline=None)
@given(document=_documents, flow=st.booleans())
def test_fast_path_equals_python_path_on_generated_documents(document: object,
                                                             flow: bool) -> None:
    text = yaml.safe_dump({"root": document}, default_flow_style=flow, allow_unicode=True)
    fast, slow = _both(text)
    assert fast == slow or fast == "fallback"
