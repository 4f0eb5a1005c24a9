"""YAML with positions: one fast parse, duplicate keys found, line numbers kept for later.

Why: findings must point at a line, but recording positions for every value costs time on
large files. The composed node tree already holds every position, so it is kept and searched
only when a finding needs a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .findings import Location, Problem
from .limits import Limits

try:
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml: slower, same results

    class _Parser(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)


_MERGE_TAG = "tag:yaml.org,2002:merge"


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: `no`, `on` and dates stay strings, as users expect."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+.0123456789"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])


class _Constructor(yaml.constructor.SafeConstructor):
    """Safe construction that records repeated keys instead of silently keeping one."""

    def __init__(self) -> None:
        super().__init__()
        self.duplicates: list[tuple[ScalarNode, ScalarNode]] = []

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[tuple[str, str], ScalarNode] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE_TAG:
                first = seen.setdefault((key_node.tag, key_node.value), key_node)
                if first is not key_node:
                    self.duplicates.append((key_node, first))
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        if value.startswith("0x"):
            return int(value[2:], 16)
        if value.startswith("0o"):
            return int(value[2:], 8)
        return int(value)


_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:int", _Constructor.construct_yaml_int
)


class _Loader(_Parser, _Constructor, _Resolver):
    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


class Locator:
    """Finds the line and column of any value in a parsed YAML file by its path."""

    def __init__(self, root: Node | None, path: str) -> None:
        self.path = path
        self._root = root
        self._indexes: dict[int, dict[str, tuple[Node, Node]]] = {}

    def locate(self, *parts: str | int, key: bool = False) -> Location:
        """The place of the value at `parts`, or of the deepest part that exists.

        A mapping entry is located at its value when that is a scalar, else at its key;
        `key=True` always gives the key (for unknown keys).
        """
        node = self._root
        if node is None:
            return Location(self.path, 1, 1)
        mark = node.start_mark
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, MappingNode):
                entry = self._index(node).get(str(part))
                if entry is None:
                    break
                key_node, node = entry
                use_key = key or not isinstance(node, ScalarNode) or not last
                mark = key_node.start_mark if use_key else node.start_mark
            elif isinstance(node, SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    break
                node = node.value[part]
                mark = node.start_mark
            else:
                break
        return Location(self.path, mark.line + 1, mark.column + 1)

    def _index(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        index = self._indexes.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    index.setdefault(key_node.value, (key_node, value_node))
            self._indexes[id(node)] = index
        return index


@dataclass
class ParsedYaml:
    """Plain data, a locator for it, and the problems found while parsing."""

    data: Any
    locator: Locator
    problems: list[tuple[str, Problem]] = field(default_factory=list)


def parse_yaml(text: str, path: str, limits: Limits) -> ParsedYaml:
    """Parse one YAML document; syntax errors (ME101), repeated keys (ME103) and
    limits (ME106) become problems instead of exceptions."""
    try:
        over = _measure(text, limits, path)
        if over is not None:
            return ParsedYaml(None, Locator(None, path), [over])
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = None if root is None else loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        return ParsedYaml(None, Locator(None, path), [_syntax_problem(error, text, path)])
    except yaml.YAMLError as error:  # errors without a mark, e.g. a bad stream
        return ParsedYaml(
            None, Locator(None, path), [("ME101", Problem(str(error), Location(path)))]
        )
    problems = [
        (
            "ME103",
            Problem(
                f"key {again.value!r} repeats the key at line {first.start_mark.line + 1};"
                " keep one of them",
                Location(path, again.start_mark.line + 1, again.start_mark.column + 1),
            ),
        )
        for again, first in loader.duplicates
    ]
    return ParsedYaml(data, Locator(root, path), problems)


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, path: str) -> tuple[str, Problem]:
    mark = error.problem_mark or error.context_mark
    message = error.problem or error.context or "invalid YAML"
    if error.context and error.problem:
        message = f"{error.problem} ({error.context})"
    if mark is None:
        return "ME101", Problem(message, Location(path))
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    if line[mark.column : mark.column + 1] == "\t":
        message = "a tab character where YAML expects spaces; indent with spaces only"
    return "ME101", Problem(message, Location(path, mark.line + 1, mark.column + 1))


class _Mark(Protocol):
    """A position in the YAML text, as libyaml and PyYAML both report it (0-based)."""

    line: int
    column: int


@dataclass
class _Open:
    """A collection whose end the event stream has not reached yet."""

    mark: _Mark | None
    anchor: str | None
    size: int = 1
    height: int = 1


def _measure(text: str, limits: Limits, path: str) -> tuple[str, Problem] | None:
    """The first limit the document breaks, read from the event stream before anything
    is built: the number of values it expands to (aliases included) and its depth.

    Why: an alias is a pointer, so a 1 KB file can expand to billions of values once
    anything walks it, and building the node tree of a large file first would cost
    gigabytes. Streaming stops at the first value over a limit, in constant memory.
    """
    anchors: dict[str, tuple[int, int]] = {}
    stack: list[_Open] = []
    total = 0
    parser = _Parser(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                anchors.clear()
                continue
            if isinstance(event, yaml.CollectionStartEvent):
                size, height = 1, 1
                if len(stack) + 1 > limits.max_depth:
                    return _too_deep(path, event.start_mark, limits.max_depth)
                stack.append(_Open(event.start_mark, event.anchor))
            elif isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    anchors[done.anchor] = (done.size, done.height)
                _add(stack, done.size, done.height)
                continue
            elif isinstance(event, yaml.AliasEvent):
                looping = next((o for o in stack if o.anchor == event.anchor), None)
                if looping is not None:
                    return "ME106", Problem(
                        "an alias refers to its own anchor", _at(looping.mark, path)
                    )
                size, height = anchors.get(event.anchor or "", (1, 0))
                if len(stack) + height > limits.max_depth:
                    return _too_deep(path, event.start_mark, limits.max_depth)
                _add(stack, size, height)
            elif isinstance(event, yaml.ScalarEvent):
                size = 1
                if event.anchor is not None:
                    anchors[event.anchor] = (1, 0)
                _add(stack, 1, 0)
            else:
                continue
            total += size
            if total > limits.max_yaml_nodes:
                return "ME106", Problem(
                    f"the document expands to more than {limits.max_yaml_nodes:,} values"
                    " (through aliases or sheer size)",
                    _at(event.start_mark, path),
                )
    finally:
        parser.dispose()
    return None


def _add(stack: list[_Open], size: int, height: int) -> None:
    """Count a finished value (`size` values, `height` levels) in its parent collection."""
    if stack:
        stack[-1].size += size
        stack[-1].height = max(stack[-1].height, height + 1)


def _too_deep(path: str, mark: _Mark | None, limit: int) -> tuple[str, Problem]:
    return "ME106", Problem(f"nesting is deeper than {limit} levels", _at(mark, path))


def _at(mark: _Mark | None, path: str) -> Location:
    return Location(path) if mark is None else Location(path, mark.line + 1, mark.column + 1)
