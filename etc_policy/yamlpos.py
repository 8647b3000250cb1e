"""Safe YAML loading that remembers the line of every node, for error messages that point.

PyYAML composes the node tree; we build plain Python values from it ourselves so that every
mapping key / sequence item gets a path (`("rules", 3, "check")`) mapped to its 1-based line.
Aliases, merge keys and duplicate keys are refused outright: packs and the config have no use
for them and alias expansion is how a
"billion laughs" document makes a loader hang.

Speed: the shipped packs are parsed on every `etc-policy check`, and libyaml's composer
(`yaml.CSafeLoader`, when PyYAML has it) is ~15x faster than the pure-Python one. It cannot
refuse aliases while composing, so there an alias shows up afterwards as a node reached
twice. An alias or any YAML error on that fast path sends the text through the pure-Python
loader, so the messages users see (and their lines) are the same with or without libyaml.
"""

from __future__ import annotations

from typing import Any

import yaml

from etc_policy.errors import PolicyError

Path_ = tuple[str | int, ...]


class _NoAliasLoader(yaml.SafeLoader):
    """A SafeLoader whose composer rejects aliases (and therefore alias bombs)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _AliasRefused(event.start_mark.line + 1)
        return super().compose_node(parent, index)


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _FastPathFailed(Exception):
    """The libyaml path cannot give the answer (an alias, a YAML error): use the Python one."""


_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)
# libyaml composes recursively in C: a document nested deeper than the C stack allows
# (`- - - …`, 50 000 levels) kills the process instead of raising. Every nesting level
# starts with one of these indicators, so their count bounds the depth; 10 000 levels were
# measured safe, and the shipped packs have under 1 000 such characters.
_FAST_MAX_INDICATORS = 10_000


def _shallow(text: str) -> bool:
    return sum(text.count(char) for char in "[{-?:") <= _FAST_MAX_INDICATORS


def load_yaml_with_lines(text: str, *, display_path: str,
                         subject: str = "packs") -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return (data, {path: line}). Errors → PolicyError at a line
    (`subject` names what is read in them: "packs", "the config"). Every YAML file etc-policy
    reads goes through here: packs and the project config."""
    try:
        if _FAST_LOADER is not None and _shallow(text):
            try:
                return _fast(text, _FAST_LOADER, display_path=display_path)
            except _FastPathFailed:
                pass
        return _slow(text, display_path=display_path, subject=subject)
    except RecursionError:
        raise PolicyError("YAML nested too deeply", path=display_path) from None


def _fast(text: str, loader_class: type, *, display_path: str) -> tuple[Any, dict[Path_, int]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        raise _FastPathFailed() from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is None:
        return None, lines
    try:
        data = _build(node, (), lines, loader=loader, display_path=display_path, seen=set())
    except PolicyError:
        raise _FastPathFailed() from None  # report it exactly as the Python loader would
    return data, lines


def _slow(text: str, *, display_path: str,
          subject: str = "packs") -> tuple[Any, dict[Path_, int]]:
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
    except _AliasRefused as exc:
        raise PolicyError(f"YAML aliases (*name) are not allowed in {subject}",
                          path=display_path, line=exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise PolicyError(f"invalid YAML: {problem}", path=display_path, line=line) from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"invalid YAML ({type(exc).__name__})", path=display_path) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    if node is None:
        return None, lines
    data = _build(node, (), lines, loader=loader, display_path=display_path, subject=subject)
    return data, lines


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], *, loader: yaml.SafeLoader,
           display_path: str, seen: set[int] | None = None, subject: str = "packs") -> Any:
    if seen is not None:  # libyaml path: a node reached twice is an alias (or a cycle)
        if id(node) in seen:
            raise _FastPathFailed()
        seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, path, lines, loader=loader, display_path=display_path,
                              seen=seen, subject=subject)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader=loader, display_path=display_path,
                       seen=seen, subject=subject)
                for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "cannot read this value"
        raise PolicyError(f"invalid YAML value: {problem}", path=display_path,
                          line=node.start_mark.line + 1) from None


def _build_mapping(node: yaml.MappingNode, path: Path_, lines: dict[Path_, int], *,
                   loader: yaml.SafeLoader, display_path: str,
                   seen: set[int] | None, subject: str) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise PolicyError(f"YAML merge keys (<<) are not allowed in {subject}",
                              path=display_path, line=key_node.start_mark.line + 1)
        key = _build(key_node, (*path, "<key>"), {}, loader=loader, display_path=display_path,
                     seen=seen, subject=subject)
        if not isinstance(key, (str, int, bool, float)) or key is None:
            raise PolicyError("mapping keys must be plain scalars", path=display_path,
                              line=key_node.start_mark.line + 1)
        if key in result:
            raise PolicyError(f"{_dotted((*path, key))}: key defined twice", path=display_path,
                              line=key_node.start_mark.line + 1)
        child = (*path, key)
        result[key] = _build(value_node, child, lines, loader=loader, display_path=display_path,
                             seen=seen, subject=subject)
        # Point at the key's line: that is where a reader looks for "this field".
        lines[child] = key_node.start_mark.line + 1
    return result


def _dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def dotted(path: Path_) -> str:
    """`("rules", 3, "check", "pattern")` → `rules[3].check.pattern`."""
    return _dotted(path)


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of the deepest known prefix of `path` (pydantic may name a missing field)."""
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None
