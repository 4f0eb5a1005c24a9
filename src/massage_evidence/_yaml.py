"""YAML with positions: one pass over libyaml's events, duplicate keys found, lines found later.

Why: findings must point at a line, but a node tree that holds every position costs more
time and memory than the data itself (on a 100k-claim file, libyaml's composer alone grew
18-fold from 10k claims, most of it in the kernel faulting in memory). So the pass that
checks the input limits also builds the data and notes where each top-level key and each
item under one starts; a finding's position is then found by composing that one item's
lines. Files whose shape makes that unsafe are composed whole, as PyYAML does.
"""

from __future__ import annotations

import bisect
import dataclasses
import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .findings import Location, Problem, line_breaks, line_start, location_at
from .limits import Limits, raise_hint

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

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, MappingNode):  # `!!set [1]`: PyYAML's error says what is wrong
            return super().construct_mapping(node, deep=deep)  # type: ignore[arg-type]
        seen: dict[tuple[str, str], ScalarNode] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE_TAG:
                first = seen.setdefault((key_node.tag, key_node.value), key_node)
                if first is not key_node:
                    self.duplicates.append((key_node, first))
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """A tagged value that its tag cannot hold (`!!int abc`) is a syntax error at it."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            tag = str(node.tag).replace("tag:yaml.org,2002:", "!!")
            shown = repr(node.value) if isinstance(node, ScalarNode) else "this value"
            message = f"{shown} is not a valid {tag}; fix it or remove the tag"
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None

    def construct_yaml_int(self, node: ScalarNode) -> int:
        value = str(self.construct_scalar(node))
        base = {"0x": 16, "0o": 8}.get(value[:2], 10)
        written = value.lstrip("+-") if base == 10 else value[2:]
        # Python refuses to read a decimal number this long, or to write one back (messages,
        # exports): a hex or octal one counts by the decimal digits it would take.
        digits = math.ceil(len(written) * math.log10(base))
        if digits > sys.get_int_max_str_digits() > 0:
            size = f"{digits:,} digits" + ("" if base == 10 else " once written in decimal")
            message = f"a number of {size} is too long to read; quote it as text"
            raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
        return int(written, base) if base != 10 else int(value)


_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:int", _Constructor.construct_yaml_int
)


class _Loader(_Parser, _Constructor, _Resolver):
    def __init__(self, text: str) -> None:
        _Parser.__init__(self, text)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


class Locator:
    """Finds the line and column of any value in a parsed YAML file by its path.

    Where the one-pass reader drew an `_Outline` of the file (the top-level keys and the
    items under them), a position inside an item is found by composing the node tree of
    that item's lines alone; anything else composes the whole file, once.
    """

    def __init__(self, text: str, path: str, outline: _Outline | None = None) -> None:
        self.path = path
        self._text = text
        self._outline = outline
        self._root: Node | None = None
        self._composed = False
        self._fragments: dict[int, Node | None] = {}
        self._indexes: dict[int, dict[str, tuple[Node, Node]]] = {}
        self._lines: FileLines | None = None

    @classmethod
    def of_tree(cls, root: Node | None, text: str, path: str) -> Locator:
        """A locator over a node tree already composed."""
        locator = cls(text, path)
        locator._root, locator._composed = root, True
        return locator

    def locate(self, *parts: str | int, key: bool = False) -> Location:
        """The place of the value at `parts`, or of the deepest part that exists.

        A mapping entry is located at its value when that is a scalar, else at its key;
        `key=True` always gives the key (for unknown keys).
        """
        return self.lines.place(self._locate(parts, key))

    @property
    def lines(self) -> FileLines:
        """The file's own lines, made once for every location of this text."""
        if self._lines is None:
            self._lines = FileLines(self._text)
        return self._lines

    def _locate(self, parts: tuple[str | int, ...], key: bool) -> Location:
        outline = self._outline
        if outline is None:
            return self._located(self._tree(), parts, key)
        if not parts:
            return self._at(outline.root)
        top = outline.tops.get(str(parts[0]))
        if top is None:
            return self._at(outline.root)
        if len(parts) == 1:
            return self._at(top.value if top.scalar and not key else top.key)
        if top.items is None and not top.scalar:  # a flow collection: not outlined
            return self._located(self._tree(), parts, key)
        ordinal = top.item(parts[1])
        if ordinal is None:
            return self._at(top.key)
        fragment = self._fragment(ordinal, top)
        if fragment is None:
            return self._located(self._tree(), parts, key)
        first = 0 if isinstance(top.items, list) else parts[1]
        line, column = _descend(fragment, fragment.start_mark, (first, *parts[2:]), key, self)
        return Location(self.path, outline.lines[ordinal] + line + 1, column + 1)

    def _located(self, root: Node | None, parts: tuple[str | int, ...], key: bool) -> Location:
        if root is None:
            return Location(self.path, 1, 1)
        line, column = _descend(root, root.start_mark, parts, key, self)
        return Location(self.path, line + 1, column + 1)

    def _at(self, mark: tuple[int, int]) -> Location:
        return Location(self.path, mark[0] + 1, mark[1] + 1)

    def _tree(self) -> Node | None:
        """The node tree of the whole file, composed on first use."""
        if not self._composed:
            loader = _Loader(self._text)
            try:
                self._root = loader.get_single_node()
            finally:
                loader.dispose()
            self._composed = True
        return self._root

    def _fragment(self, ordinal: int, top: _Top) -> Node | None:
        """The node tree of the lines of item `ordinal`, or None where those lines alone
        do not hold exactly that item where the whole file has it."""
        if ordinal not in self._fragments:
            assert self._outline is not None
            self._fragments[ordinal] = self._outline.fragment(self._text, ordinal, top)
        return self._fragments[ordinal]

    def index(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        """A mapping's entries by `_key_text` (the first where a key repeats)."""
        index = self._indexes.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    index.setdefault(_key_text(key_node), (key_node, value_node))
            self._indexes[id(node)] = index
        return index


def _key_text(node: ScalarNode) -> str:
    """A key as a path to its value names it: text as written, any other key by its
    value (`~` is None, `TRUE` is True), as pydantic reports it."""
    if node.tag == _STR_TAG:
        return str(node.value)
    try:
        return str(_Constructor().construct_object(node))
    except yaml.YAMLError:
        return str(node.value)


def _descend(
    node: Node, mark: Any, parts: tuple[str | int, ...], key: bool, locator: Locator
) -> tuple[int, int]:
    """The 0-based line and column that `Locator.locate` gives for `parts` below `node`."""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, MappingNode):
            entry = locator.index(node).get(str(part))
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
    return mark.line, mark.column


@dataclass
class _Top:
    """A top-level entry of the file: where its key and value start, and where each
    item of a block collection value starts (as an ordinal in `_Outline.lines`)."""

    key: tuple[int, int]
    value: tuple[int, int] = (0, 0)
    scalar: bool = False
    items: list[int] | dict[str, int] | None = None

    def item(self, part: str | int) -> int | None:
        """The ordinal of the item at `part`, if the value has one there."""
        if isinstance(self.items, dict):
            return self.items.get(str(part))
        if isinstance(self.items, list) and isinstance(part, int) and 0 <= part < len(self.items):
            return self.items[part]
        return None


@dataclass
class _Outline:
    """Where the parts of a file whose root is a block mapping start.

    `lines`, `starts` and `columns` hold, in file order, the line, the offset of the line
    and the column of every top-level key and of every item under one: an item's lines
    run to the next of them.
    """

    root: tuple[int, int]
    tops: dict[str, _Top] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    columns: list[int] = field(default_factory=list)

    def mark(self, mark: _Mark) -> int:
        """Record where a top-level key or an item starts; its ordinal."""
        self.lines.append(mark.line)
        self.starts.append(mark.index - mark.column)
        self.columns.append(mark.column)
        return len(self.lines) - 1

    def fragment(self, text: str, ordinal: int, top: _Top) -> Node | None:
        """The node tree of the lines of item `ordinal`, checked to hold just that item,
        starting at line 0 in its own column; None where they do not (then the whole file
        is composed instead)."""
        end = self.starts[ordinal + 1] if ordinal + 1 < len(self.starts) else len(text)
        loader = _Loader(text[self.starts[ordinal] : end])
        try:
            root = loader.get_single_node()
        except yaml.YAMLError:
            return None
        finally:
            loader.dispose()
        if isinstance(top.items, list) and isinstance(root, SequenceNode):
            first = root.value[0].start_mark if len(root.value) == 1 else None
        elif isinstance(top.items, dict) and isinstance(root, MappingNode):
            first = root.value[0][0].start_mark if len(root.value) == 1 else None
        else:
            first = None
        if first is None or (first.line, first.column) != (0, self.columns[ordinal]):
            return None
        return root


@dataclass
class ParsedYaml:
    """Plain data, a locator for it, and the problems found while parsing."""

    data: Any
    locator: Locator
    problems: list[tuple[str, Problem]] = field(default_factory=list)


_ODD_BREAKS = "\x85\u2028\u2029"


class FileLines:
    """Lines as editors, git and GitHub number them: broken at LF, CR LF and CR only.

    Why: PyYAML and libyaml also break lines at U+0085, U+2028 and U+2029, as YAML 1.1
    did, so after one of those their line numbers run ahead of the file's. Only those
    characters are noted: a file without them costs three scans for a character.
    """

    def __init__(self, text: str) -> None:
        self._after: list[int] = []  # the PyYAML lines (0-based) that start after one
        self._offsets: list[int] = []  # the file column (0-based) each of those starts at
        odd = sorted(i for char in _ODD_BREAKS if char in text for i in _positions(text, char))
        line = last = 0
        for index in odd:
            line += line_breaks(text, last, index) + 1
            last = index + 1
            self._after.append(line)
            self._offsets.append(last - line_start(text, last))

    def place(self, location: Location) -> Location:
        """`location`, 1-based as PyYAML counts, as the file's line and column."""
        if not self._after or location.line is None:
            return location
        line = location.line - 1
        before = bisect.bisect_right(self._after, line)
        offset = self._offsets[before - 1] if before and self._after[before - 1] == line else 0
        return Location(location.path, line - before + 1, (location.column or 1) + offset)


def _positions(text: str, char: str) -> Iterator[int]:
    index = text.find(char)
    while index != -1:
        yield index
        index = text.find(char, index + 1)


def parse_yaml(text: str, path: str, limits: Limits) -> ParsedYaml:
    """Parse one YAML document; syntax errors (ME101), repeated keys (ME103) and
    limits (ME106) become problems instead of exceptions.

    Why one pass: the event stream that the limits are measured on also builds the data
    and an outline of positions, which is all a typical file needs, in a fraction of the
    memory of a node tree. A file that uses tags, anchors, merge keys or complex keys is
    then composed and constructed by PyYAML as a whole.
    """
    unread = Locator.of_tree(None, text, path)  # where the file cannot be read: line 1
    try:
        read = _read(text, limits, path)
        if isinstance(read, tuple):
            return ParsedYaml(None, unread, [_in_file(unread.lines, read)])
        if read is None:
            read = _read_whole(text, path)
    except yaml.reader.ReaderError as error:
        return ParsedYaml(None, unread, [_unacceptable(text, error, path)])
    except yaml.MarkedYAMLError as error:
        problem = _too_deep_for_libyaml(text, error, limits, path)
        problem = problem or _syntax_problem(error, text, path)
        return ParsedYaml(None, unread, [_in_file(unread.lines, problem)])
    except yaml.YAMLError as error:  # errors without a mark, e.g. a bad stream
        return ParsedYaml(None, unread, [("ME101", Problem(str(error), Location(path)))])
    problems = []
    if read.duplicates:
        lines = read.locator.lines
        problems = [
            (
                "ME103",
                Problem(
                    f"key {value!r} repeats the key at line"
                    f" {lines.place(Location(path, first.line + 1)).line}; keep one of them",
                    lines.place(Location(path, again.line + 1, again.column + 1)),
                ),
            )
            for value, again, first in read.duplicates
        ]
    return ParsedYaml(read.data, read.locator, problems)


def _in_file(lines: FileLines, problem: tuple[str, Problem]) -> tuple[str, Problem]:
    """`problem`, located by PyYAML, at the file's line and column (see `FileLines`)."""
    code, found = problem
    return code, dataclasses.replace(found, location=lines.place(found.location))


def _unacceptable(text: str, error: yaml.reader.ReaderError, path: str) -> tuple[str, Problem]:
    """The first character YAML does not allow, at its line and column.

    Why: libyaml reports it at a byte offset, PyYAML at a character offset, neither at a
    line; the character is found again in the text instead.
    """
    match = yaml.reader.Reader.NON_PRINTABLE.search(text)  # what YAML allows in a stream
    if match is None:
        return "ME101", Problem(str(error), Location(path))
    code = ord(match.group())
    return "ME101", Problem(
        f"character U+{code:04X} is not allowed in YAML; remove it, or write it as"
        f" \\u{code:04x} in a double-quoted string",
        location_at(path, text, match.start()),
    )


def _too_deep_for_libyaml(
    text: str, error: yaml.MarkedYAMLError, limits: Limits, path: str
) -> tuple[str, Problem] | None:
    """The depth limit that the text before libyaml's own nesting refusal breaks, if any.

    Why: libyaml 0.2.6 refuses nesting deeper than 1,000 levels, and its scanner reads a
    run of opening brackets to the end before the first event comes out, so the limit is
    measured again on the text up to the place libyaml refused.
    """
    mark = error.problem_mark
    if error.problem != "exceeded maximum nesting depth" or mark is None:
        return None
    try:
        read = _read(text[: mark.index], limits, path)
    except yaml.YAMLError:
        return None
    return read if isinstance(read, tuple) else None


def _syntax_problem(error: yaml.MarkedYAMLError, text: str, path: str) -> tuple[str, Problem]:
    mark = error.problem_mark or error.context_mark
    message = error.problem or error.context or "invalid YAML"
    if error.context and error.problem:
        message = f"{error.problem} ({error.context})"
    for pattern, advice in _ADVICE:
        if (found := pattern.fullmatch(message)) is not None:
            message = found.expand(advice)
    if mark is None:
        return "ME101", Problem(message, Location(path))
    if text[mark.index : mark.index + 1] == "\t":
        message = "a tab character where YAML expects spaces; indent with spaces only"
    return "ME101", Problem(message, Location(path, mark.line + 1, mark.column + 1))


# PyYAML's words for what a claims file cannot hold, and what to write instead.
_ADVICE = (
    (
        re.compile(r"but found another document \(expected a single document in the stream\)"),
        "a second YAML document starts here; a claims file holds one, so remove it or"
        " merge it into the first",
    ),
    (
        re.compile(r"could not determine a constructor for the tag (.*)"),
        r"unknown tag \1; remove it, a claims file holds plain YAML values",
    ),
    (
        re.compile(r"found unhashable key \(while constructing a mapping\)"),
        "a key must be text, not a list or mapping; write the key as text",
    ),
)


class _Mark(Protocol):
    """A position in the YAML text, as libyaml and PyYAML both report it (0-based)."""

    line: int
    column: int
    index: int


_NO_KEY: Any = object()  # a mapping awaits its next key
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(slots=True)
class _Open:
    """A collection whose end the event stream has not reached yet: what it counts and,
    while the one pass builds, what it holds."""

    mark: _Mark | None
    anchor: str | None
    size: int = 1
    height: int = 1
    value: Any = None  # the list or dict built so far
    key: Any = _NO_KEY  # in a mapping, the key whose value comes next
    seen: dict[tuple[str, str], _Mark] | None = None  # a mapping's keys so far
    top: _Top | None = None  # the outline entry of the root's key or of this collection


@dataclass
class _Read:
    """The data of a document, its repeated keys (text, where, where first) and a
    locator."""

    data: Any
    duplicates: list[tuple[str, _Mark, _Mark]]
    locator: Locator


class _UnusualError(Exception):
    """A feature that the one pass leaves to PyYAML: tags, anchors, merge keys, complex
    keys (`_read` itself stops building at an alias or a second document)."""


class _Builder:
    """Builds plain data from the event stream, as `_Loader` would from the node tree,
    and draws the `_Outline` of a block mapping root."""

    def __init__(self) -> None:
        self.resolve: Callable[[type[Node], str, tuple[bool, bool]], str] = _Resolver().resolve
        self.constructor = _Constructor()
        self.data: Any = None
        self.outline: _Outline | None = None
        self.duplicates: list[tuple[str, _Mark, _Mark]] = []

    def feed(self, event: yaml.NodeEvent, stack: list[_Open], opened: _Open | None = None) -> bool:
        """Build what a scalar or collection start adds; False where the one pass
        cannot build this document."""
        try:
            if isinstance(event, yaml.ScalarEvent):
                self._scalar(event, stack)
            elif isinstance(event, yaml.CollectionStartEvent) and opened is not None:
                self._start(event, stack, opened)
        except _UnusualError:
            return False
        return True

    def _scalar(self, event: yaml.ScalarEvent, stack: list[_Open]) -> None:
        if event.anchor is not None or event.tag is not None:
            raise _UnusualError
        text = event.value
        tag = self.resolve(ScalarNode, text, event.implicit)
        if tag == _STR_TAG:
            value: Any = text
        elif tag == _MERGE_TAG:
            raise _UnusualError
        else:
            marks = event.start_mark, event.end_mark  # libyaml's marks serve as PyYAML's
            node = ScalarNode(tag, text, *marks, style=event.style)  # type: ignore[arg-type]
            value = self.constructor.yaml_constructors[tag](self.constructor, node)
        if not stack:
            self.data = value
            return
        parent = stack[-1]
        mark = _start_of(event)
        self._outline(mark, stack, parent, text if tag == _STR_TAG else str(value), scalar=True)
        if isinstance(parent.value, list):
            parent.value.append(value)
        elif parent.key is _NO_KEY:
            assert parent.seen is not None
            first = parent.seen.setdefault((tag, text), mark)
            if first is not mark:
                self.duplicates.append((text, mark, first))
            parent.key = value
        else:
            parent.value[parent.key] = value
            parent.key = _NO_KEY

    def _start(self, event: yaml.CollectionStartEvent, stack: list[_Open], opened: _Open) -> None:
        if event.anchor is not None or event.tag is not None:
            raise _UnusualError
        mapping = isinstance(event, yaml.MappingStartEvent)
        opened.value = {} if mapping else []
        if mapping:
            opened.seen = {}
        mark = _start_of(event)
        if not stack:
            self.data = opened.value
            if mapping and not event.flow_style:
                self.outline = _Outline((mark.line, mark.column))
            return
        parent = stack[-1]
        if not isinstance(parent.value, list) and parent.key is _NO_KEY:
            raise _UnusualError  # a collection as a key
        top = self._outline(mark, stack, parent, None, scalar=False)
        if top is not None and not event.flow_style:
            top.items = {} if mapping else []
            opened.top = top
        if isinstance(parent.value, list):
            parent.value.append(opened.value)
        else:
            parent.value[parent.key] = opened.value
            parent.key = _NO_KEY

    def _outline(
        self,
        mark: _Mark,
        stack: list[_Open],
        parent: _Open,
        text: str | None,
        *,
        scalar: bool,
    ) -> _Top | None:
        """Record a top-level key or value, or an item under a top-level key, that
        starts at `mark`; the top entry whose value starts there, if one does."""
        outline = self.outline
        if outline is None or len(stack) > 2:
            return None
        if len(stack) == 1:
            if parent.key is _NO_KEY:
                if text is None:
                    return None
                outline.mark(mark)
                parent.top = _Top((mark.line, mark.column))
                outline.tops.setdefault(text, parent.top)
                return None
            top, parent.top = parent.top, None
            if top is not None:
                top.value, top.scalar = (mark.line, mark.column), scalar
            return top
        items = stack[1].top.items if stack[1].top is not None else None
        if isinstance(items, list):
            items.append(outline.mark(mark))
        elif isinstance(items, dict) and parent.key is _NO_KEY and text is not None:
            items.setdefault(text, outline.mark(mark))
        return None


def _start_of(event: yaml.NodeEvent) -> _Mark:
    """Where an event starts: every parser's events have a start."""
    mark = event.start_mark
    assert mark is not None
    return mark


def _read(text: str, limits: Limits, path: str) -> tuple[str, Problem] | _Read | None:
    """The first limit the document breaks (the number of values it expands to, aliases
    included, and its depth), read from the event stream as it is built; else the
    document; None where the one pass leaves building it to PyYAML.

    Why: an alias is a pointer, so a 1 KB file can expand to billions of values once
    anything walks it, and building a node tree of a large file first would cost
    gigabytes. Streaming stops at the first value over a limit, in constant memory.
    """
    anchors: dict[str, tuple[int, int]] = {}
    stack: list[_Open] = []
    total = 0
    builder: _Builder | None = _Builder()
    documents = 0
    parser = _Parser(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.ScalarEvent):
                if builder is not None and not builder.feed(event, stack):
                    builder = None
                size = 1
                if event.anchor is not None:
                    anchors[event.anchor] = (1, 0)
                _add(stack, 1, 0)
            elif isinstance(event, yaml.CollectionStartEvent):
                size = 1
                if len(stack) + 1 > limits.max_depth:
                    return _too_deep(path, event.start_mark, limits.max_depth)
                opened = _Open(event.start_mark, event.anchor)
                if builder is not None and not builder.feed(event, stack, opened):
                    builder = None
                stack.append(opened)
            elif isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    anchors[done.anchor] = (done.size, done.height)
                _add(stack, done.size, done.height)
                continue
            elif isinstance(event, yaml.AliasEvent):
                builder = None  # PyYAML shares the anchored value
                looping = next((o for o in stack if o.anchor == event.anchor), None)
                if looping is not None:
                    return "ME106", Problem(
                        "an alias refers to its own anchor", _at(looping.mark, path)
                    )
                size, height = anchors.get(event.anchor or "", (1, 0))
                if len(stack) + height > limits.max_depth:
                    return _too_deep(path, event.start_mark, limits.max_depth)
                _add(stack, size, height)
            elif isinstance(event, yaml.DocumentStartEvent):
                anchors.clear()
                documents += 1
                if documents > 1:
                    builder = None  # PyYAML's composer says what is wrong
                continue
            else:
                continue
            total += size
            if total > limits.max_yaml_nodes:
                return "ME106", Problem(
                    f"the document expands to more than {limits.max_yaml_nodes:,} values"
                    " (through aliases or sheer size)"
                    + raise_hint("max-yaml-nodes", limits.max_yaml_nodes),
                    _at(event.start_mark, path),
                )
    finally:
        parser.dispose()
    if builder is None:
        return None
    return _Read(builder.data, builder.duplicates, Locator(text, path, builder.outline))


def _read_whole(text: str, path: str) -> _Read:
    """The document composed and constructed by PyYAML as a whole."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = None if root is None else loader.construct_document(root)
    finally:
        loader.dispose()
    duplicates = [
        (again.value, again.start_mark, first.start_mark) for again, first in loader.duplicates
    ]
    return _Read(data, duplicates, Locator.of_tree(root, text, path))


def _add(stack: list[_Open], size: int, height: int) -> None:
    """Count a finished value (`size` values, `height` levels) in its parent collection."""
    if stack:
        stack[-1].size += size
        stack[-1].height = max(stack[-1].height, height + 1)


def _too_deep(path: str, mark: _Mark | None, limit: int) -> tuple[str, Problem]:
    levels = f"{limit} level" + ("s" if limit != 1 else "")
    hint = raise_hint("max-depth", limit)
    return "ME106", Problem(f"nesting is deeper than {levels}{hint}", _at(mark, path))


def _at(mark: _Mark | None, path: str) -> Location:
    return Location(path) if mark is None else Location(path, mark.line + 1, mark.column + 1)
