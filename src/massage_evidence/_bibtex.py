"""BibTeX through bibtexparser 2, with every failed block turned into a located problem.

Why: bibtexparser never raises on bad input; it sets aside what it could not parse as
"failed blocks". An entry with a repeated field or a repeated key is set aside whole, so it
is recovered here; otherwise a valid citation would be reported as unknown.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import default_parse_stack
from bibtexparser.middlewares.middleware import LibraryMiddleware, Middleware
from bibtexparser.model import (
    Block,
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
    String,
)

from .findings import Location, Problem, location_at
from .models import Reference

# The splitter logs a warning for every failed block; they are reported as findings instead.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)

_NO_KEY = "entry has no citation key; write one after the brace, e.g. @article{smith2020, ..."
_SET_ASIDE = (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, MiddlewareErrorBlock)
_SENTENCE = re.compile(r"\.\s+(\w)")
_BLOCK_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]*)")
# What bibtexparser's splitter takes for the start of a block (entry, @string, @comment, ...).
_BLOCK_START = re.compile(r"@\w*[ \t]*[{(]")


def line_feeds(text: str) -> str:
    """`text` with every line ending as LF, the only one bibtexparser counts lines at.

    Why: in a file with CR line ends (classic Mac OS) every finding would be on line 1.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def parse_bibtex(text: str, path: str) -> tuple[list[Reference], list[tuple[str, Problem]]]:
    """Every entry of a BibTeX text (its line ends made `line_feeds`) in file order, and
    the problems found (ME104)."""
    joining = _Joining()  # one budget for the whole bibliography, recovered entries too
    library = parse_string(text, parse_stack=_parse_stack(joining))
    strings = _unique_strings(library.strings)
    positions = _Positions(text, path)
    references: list[Reference] = []
    problems: list[tuple[str, Problem]] = []
    for block, start in _block_starts(text, library.blocks):
        if isinstance(block, Entry):
            entry: Entry = block
        elif isinstance(block, _SET_ASIDE) and isinstance(block.ignore_error_block, Entry):
            # Repeated keys are reported by rule ME202, repeated fields just below.
            entry = _recover(block.ignore_error_block, strings, joining)
        elif isinstance(block, ParsingFailedBlock):
            problems.append(("ME104", _failed(block, positions.at(start))))
            continue
        else:
            continue
        where = positions.at(start)
        if not entry.key.strip():  # it cannot be cited, nor told apart from another
            problems.append(("ME104", Problem(_NO_KEY, where)))
            continue
        fields = _fields(entry)
        references.append(Reference(entry.key, entry.entry_type.lower(), fields, where))
        if len(fields) < len(entry.fields):
            repeated = _repeated(entry, text, start, positions)
            problems.extend(("ME104", problem) for problem in repeated)
    return references, problems


def block_past(text: str, limit: int, path: str) -> Location | None:
    """Where the first block past `limit` starts, or None when there are not that many.

    Why: bibtexparser spends about a tenth of a millisecond per entry; a bibliography with
    millions of entries is refused by counting block starts, before parsing.
    """
    if text.count("@") <= limit:
        return None
    for count, match in enumerate(_BLOCK_START.finditer(text), 1):
        if count > limit:
            return location_at(path, text, match.start())
    return None


class FieldLocator:
    """Where a field of an entry is given: its line and column in the bibliography.

    Why: a finding about a DOI or a year should point at that field, not at the `@` of a
    long entry; keeping every field's position for every entry would cost memory for the
    few that have findings, so the field is looked for in the text when one does.
    """

    def __init__(self, text: str) -> None:
        self._text = text  # its line ends made `line_feeds`
        self._starts: list[int] | None = None

    def locate(self, entry: Reference, name: str) -> Location:
        """Where `name` is first given in `entry`, else where the entry starts."""
        at = entry.location
        if at.line is None or at.column is None:
            return at
        if self._starts is None:
            self._starts = [
                0,
                *itertools.accumulate(len(line) + 1 for line in self._text.split("\n")),
            ]
        start = self._starts[at.line - 1] + at.column - 1
        for field, index in field_names(self._text, start):
            if field == name:
                return _Positions(self._text, at.path, start, at.line).at(index)
        return at


def field_names(text: str, start: int) -> Iterator[tuple[str, int]]:
    """The name (lower case) and offset of each field of the entry whose `@` is at
    `start`, read as bibtexparser reads them: at the entry's own depth, outside braces
    and quotes, a mark after a backslash not being one."""
    opening = _BLOCK_START.match(text, start)
    if opening is None:
        return
    paren = opening.group().endswith("(")
    depth, quoted = 0, False
    for mark in _FIELD_MARK.finditer(text, opening.end()):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}" and depth > 0:
            depth -= 1
        elif depth > 0:
            continue
        elif char == '"':
            quoted = not quoted
        elif quoted:
            continue
        elif char == ",":
            name = _FIELD_NAME.match(text, mark.end())
            if name is not None:
                yield name.group(1).lower(), name.start(1)
        elif paren == (char == ")"):  # the entry's closing brace or parenthesis
            return


_FIELD_MARK = re.compile(r'(?<!\\)[{}",)]')
_FIELD_NAME = re.compile(r'\s*([^\s=,{}"#()]+)\s*=')


class _Positions:
    """Line and column of offsets into a text, each counted on from the one before.

    Why: the lines bibtexparser reports miss every line that ends in a backslash, and
    counting from the start of the text for every entry would be quadratic.
    """

    def __init__(self, text: str, path: str, offset: int = 0, line: int = 1) -> None:
        self._text, self._path = text, path
        self._offset, self._line = offset, line  # where counting stopped, and its line

    def at(self, offset: int) -> Location:
        """Where `offset` is; offsets must come in increasing order."""
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return Location(self._path, self._line, offset - self._text.rfind("\n", 0, offset))


def _block_starts(text: str, blocks: list[Block]) -> Iterator[tuple[Block, int]]:
    """Each block with the offset of its first character (its `@` for an entry): the
    blocks come in file order, each holding its source text as `raw`."""
    offset = 0
    for block in blocks:
        raw = block.raw or ""
        found = text.find(raw, offset)
        if found < 0:  # not the source text after all: keep the place
            yield block, offset
            continue
        start = found + max(raw.find("@"), 0)
        yield block, start
        offset = found + len(raw)


def _unique_strings(strings: list[String]) -> list[String]:
    seen: dict[str, String] = {}
    for string in strings:
        seen.setdefault(string.key.lower(), string)
    return list(seen.values())


def _recover(entry: Entry, strings: list[String], joining: _Joining) -> Entry:
    """Run the parse stack on an entry that the parser set aside unprocessed.

    `joining` has joined `strings` already, so only the entry's own values draw on it.
    """
    library = Library()
    library.add([*strings, entry], fail_on_duplicate_key=False)
    for middleware in _parse_stack(joining):
        library = middleware.transform(library)
    recovered: Entry = library.entries[0]
    return recovered


def _parse_stack(joining: _Joining) -> list[Middleware]:
    return [_Concatenate(joining), *default_parse_stack()]


class _Concatenate(LibraryMiddleware):
    """Join the parts of a value written with `#` (`jbmt # " and Movement Therapies"`),
    each macro replaced by its @string value, as BibTeX does.

    Why: bibtexparser 2 resolves a value that is one macro only; a concatenation stayed
    as its source text, `#` and quotes included, in reports and exports.
    """

    def __init__(self, joining: _Joining) -> None:
        super().__init__(allow_inplace_modification=True)
        self._joining = joining

    @classmethod
    def metadata_key(cls) -> str:
        return "massage_evidence.concatenate"

    def transform(self, library: Library) -> Library:
        joining = self._joining
        if joining.strings is None:  # a recovered entry finds the macros joined already
            joining.define(library.strings)
        for entry in library.entries:
            for field in entry.fields:
                if isinstance(field.value, str):
                    field.value = joining.joined(field.value) or field.value
        return library


class _Joining:
    """Joining `#` parts within a bound: macros that repeat each other (`@string{b = a #
    a}`, `@string{c = b # b}`, ...) double the text at every step. Past `_JOINED_TEXT`
    characters, and wherever a macro left as written is used, a value stays as written.
    """

    def __init__(self) -> None:
        self.budget = _JOINED_TEXT
        self.strings: dict[str, str] | None = None  # each macro's text, once defined
        self.unjoined: set[str] = set()  # the macros left as written

    def define(self, strings: list[String]) -> None:
        """Join the @string values, in file order, each using those before it."""
        self.strings = {}
        for string in strings:
            joined = self.joined(string.value)
            if joined is None:
                self.unjoined.add(string.key.lower())
            else:
                string.value = joined
                self.strings[string.key.lower()] = _part(joined, self.strings)

    def joined(self, value: str) -> str | None:
        """`value` with its parts joined (as it is without any), None to leave it."""
        parts = _concatenated(value)
        if parts is None:
            return value
        strings = self.strings or {}
        texts = [_part(part, strings) for part in parts]
        length = sum(map(len, texts))
        if length > self.budget or any(part.lower() in self.unjoined for part in parts):
            return None
        self.budget -= length
        return "{" + "".join(texts) + "}"


_JOINED_TEXT = 50_000_000


def _concatenated(value: str) -> list[str] | None:
    """The parts of a value joined with `#` outside braces and quotes, or None."""
    if "#" not in value:
        return None
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for index, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0 and value[index - 1 : index] != "\\":  # not \"
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    return [*parts, value[start:].strip()] if parts else None


def _part(part: str, strings: dict[str, str]) -> str:
    """The text of one part: a braced or quoted literal, a number, or a macro (its
    @string value; an undefined one, such as `jan`, stays as written)."""
    if len(part) >= 2 and (part[0], part[-1]) in {("{", "}"), ('"', '"')}:
        return part[1:-1]
    return strings.get(part.lower(), part)


def _fields(entry: Entry) -> dict[str, str]:
    """The fields with lower-case names; a repeated field keeps its first value, as
    BibTeX does."""
    fields: dict[str, str] = {}
    for item in entry.fields:
        fields.setdefault(item.key.lower(), str(item.value))
    return fields


def _repeated(entry: Entry, text: str, start: int, positions: _Positions) -> list[Problem]:
    """A problem at every repeated field of the entry whose `@` is at `start`."""
    seen: set[str] = set()
    repeated: list[Problem] = []
    for name, index in field_names(text, start):
        if name in seen:
            key = text[index : index + len(name)]
            repeated.append(
                Problem(
                    f"entry {entry.key!r} repeats field {key!r}; BibTeX keeps the first"
                    " value, delete the other",
                    positions.at(index),
                )
            )
        seen.add(name)
    return repeated


def _failed(block: ParsingFailedBlock, where: Location) -> Problem:
    reason = str(getattr(block.error, "abort_reason", "") or block.error)
    reason = reason.replace("`", "'").strip().rstrip(".")
    reason = _SENTENCE.sub(lambda m: "; " + m.group(1).lower(), reason[:1].lower() + reason[1:])
    match = _BLOCK_KEY.search(block.raw or "")
    what = f"entry {match.group(1)!r}" if match and match.group(1) else "block"
    return Problem(f"cannot parse {what}: {reason}; check its braces, quotes and commas", where)
