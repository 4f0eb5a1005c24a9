"""YAML with positions: one fast parse, duplicate keys found, line numbers kept for later.

Why: findings must point at a line, but recording positions for every value costs time on
large files. The composed node tree already holds every position, so it is kept and searched
only when a finding needs a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

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


# libyaml composes nested collections recursively; past a few thousand levels it can
# overflow the C stack. Deeper files are measured from the event stream before composing.
_SAFE_COMPOSE_DEPTH = 2000
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TOO_MANY = "the document expands to more than {:,} values (through aliases or sheer size)"


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
    depth_limit = min(limits.max_depth, _SAFE_COMPOSE_DEPTH)
    if _nesting_bound(text) > _SAFE_COMPOSE_DEPTH:
        try:
            deep = _deepest_event(text, depth_limit)
        except yaml.MarkedYAMLError as error:
            return ParsedYaml(None, Locator(None, path), [_syntax_problem(error, text, path)])
        if deep is not None:
            return ParsedYaml(None, Locator(None, path), [_too_deep(path, deep, depth_limit)])
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        locator = Locator(root, path)
        if root is None:
            return ParsedYaml(None, locator)
        # Without an anchor (`&`) the node graph is a tree and one plain walk measures it.
        over = _measure(root, limits, path) if "&" in text else _measure_tree(root, limits, path)
        if over is not None:
            return ParsedYaml(None, locator, [over])
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        return ParsedYaml(None, Locator(None, path), [_syntax_problem(error, text, path)])
    except yaml.YAMLError as error:  # errors without a mark, e.g. a bad stream
        return ParsedYaml(
            None, Locator(None, path), [("ME101", Problem(str(error), Location(path)))]
        )
    finally:
        loader.dispose()
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
    return ParsedYaml(data, locator, problems)


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


def _too_deep(path: str, at: tuple[int, int], limit: int) -> tuple[str, Problem]:
    """ME106 for nesting deeper than `limit` at 0-based (line, column) `at`."""
    return "ME106", Problem(
        f"nesting is deeper than {limit} levels", Location(path, at[0] + 1, at[1] + 1)
    )


def _nesting_bound(text: str) -> int:
    """A cheap upper bound of nesting depth: block levels each need a column or an
    indicator, flow levels each need a bracket."""
    longest = max(map(len, text.splitlines()), default=0)
    brackets = text.count("[") + text.count("{") - text.count("[]") - text.count("{}")
    return 2 * longest + brackets + 2


def _deepest_event(text: str, limit: int) -> tuple[int, int] | None:
    """Where the event stream first nests deeper than `limit`, without composing."""
    depth = 0
    parser = _Loader(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit and event.start_mark is not None:
                    return (event.start_mark.line, event.start_mark.column)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        parser.dispose()
    return None


def _children(node: CollectionNode) -> list[Node]:
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    return list(node.value)


def _measure(root: Node, limits: Limits, path: str) -> tuple[str, Problem] | None:
    """Count the nodes the document expands to (aliases included) and its depth.

    Why: an alias is a pointer, so a 1 KB file can expand to billions of values once
    anything walks it; this count stays linear in the file by memoising shared nodes.
    """
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if not isinstance(node, CollectionNode) or (not done and id(node) in sizes):
            continue
        if done:
            active.discard(id(node))
            size, depth = 1, 0
            for child in _children(node):
                child_size, child_depth = sizes.get(id(child), (1, 0))
                size += child_size
                depth = max(depth, child_depth)
            sizes[id(node)] = (size, depth + 1)
            if size > limits.max_yaml_nodes:
                return "ME106", Problem(_TOO_MANY.format(limits.max_yaml_nodes), _at(node, path))
            continue
        if id(node) in active:
            return "ME106", Problem("an alias refers to its own anchor", _at(node, path))
        active.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    if sizes.get(id(root), (1, 0))[1] > limits.max_depth:
        return _too_deep(path, _deep_mark(root, sizes, limits.max_depth), limits.max_depth)
    return None


def _measure_tree(root: Node, limits: Limits, path: str) -> tuple[str, Problem] | None:
    """Node count and depth of a document without aliases, in one walk."""
    count = 1
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, CollectionNode):
            continue
        if depth > limits.max_depth:
            return _too_deep(path, (node.start_mark.line, node.start_mark.column), limits.max_depth)
        if isinstance(node, MappingNode):
            count += 2 * len(node.value)
            for key, value in node.value:
                if isinstance(value, CollectionNode):
                    stack.append((value, depth + 1))
                if isinstance(key, CollectionNode):
                    stack.append((key, depth + 1))
        else:
            count += len(node.value)
            stack.extend((child, depth + 1) for child in node.value)
        if count > limits.max_yaml_nodes:
            return "ME106", Problem(_TOO_MANY.format(limits.max_yaml_nodes), _at(node, path))
    return None


def _deep_mark(node: Node, sizes: dict[int, tuple[int, int]], limit: int) -> tuple[int, int]:
    """The first node below `node` that lies deeper than `limit`."""
    for _ in range(limit):
        if not isinstance(node, CollectionNode):
            break
        node = max(_children(node), key=lambda child: sizes.get(id(child), (1, 0))[1])
    return (node.start_mark.line, node.start_mark.column)


def _at(node: Node, path: str) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)
