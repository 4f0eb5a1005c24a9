"""BibTeX entries as CSL-JSON items: what citation processors and `export --to csl-json` use.

Why: CSL styles (APA, Vancouver) format CSL data, not BibTeX, and citeproc-py's own BibTeX
reader crashes on ordinary input. The conversion follows BibTeX's rules for names (`von Last,
Jr, First`; a name in braces is one literal name) and decodes LaTeX for display, so a style
never sees `M{\\"u}ller` or `{Doppler}`. The result satisfies the CSL data schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .latex import to_literal, to_text
from .models import Reference, bare_doi

_TYPES = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "pamphlet",
    "collection": "book",
    "proceedings": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "unpublished": "manuscript",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "standard": "standard",
    "periodical": "periodical",
}
_WEB_TYPES = {"misc", "online", "electronic", "www", "webpage"}
_DEFAULT_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
_PEOPLE = ("author", "editor", "translator")  # the same names in BibTeX and CSL
# CSL text variable: the BibTeX fields that can fill it, the first present one wins.
_TEXT = {
    "title": ("title",),
    "title-short": ("shorttitle",),
    "container-title": ("journal", "journaltitle", "booktitle"),
    "collection-title": ("series",),
    "volume": ("volume",),
    "page": ("pages",),
    "chapter-number": ("chapter",),
    "edition": ("edition",),
    "publisher": ("publisher", "school", "institution", "organization"),
    "publisher-place": ("address", "location"),
    "genre": ("type",),
    "number-of-pages": ("pagetotal",),
    "version": ("version",),
    "note": ("note",),
}
# CSL variable: the BibTeX field that is printed verbatim, as an identifier.
_LITERALS = {
    "DOI": "doi",
    "PMID": "pmid",
    "PMCID": "pmcid",
    "ISBN": "isbn",
    "ISSN": "issn",
    "URL": "url",
}
# Where BibTeX's `number` goes: a journal's issue, a book's number in its series, else a number.
_ISSUE_TYPES = {"article-journal", "periodical"}
_SERIES_TYPES = {"book", "chapter", "paper-conference", "pamphlet"}
_ISO_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_YEAR = re.compile(r"[0-9]{1,4}")  # ASCII digits only, as ME209 reads a year
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WORD_BREAKS = " \t\r\n~"


def csl_items(references: Iterable[Reference]) -> list[dict[str, Any]]:
    """One CSL-JSON item per entry, in the given order."""
    return [csl_item(reference) for reference in references]


def csl_item(reference: Reference) -> dict[str, Any]:
    """The CSL-JSON item of one BibTeX entry; `id` is the BibTeX key."""
    kind = _csl_type(reference)
    item: dict[str, Any] = {"id": reference.key, "type": kind}
    for field in _PEOPLE:
        value = reference.get(field)
        if value and (people := _people(value)):
            item[field] = people
    organization = reference.get("organization")
    if "author" not in item and "editor" not in item and organization:
        # A group author (APA 7, 9.11): without it a style repeats the title in its place.
        item["author"] = [{"literal": to_text(organization)}]
    for variable, fields in _TEXT.items():
        value = _first(reference, fields)
        if value and (text := to_text(value)):
            item[variable] = text
    if kind == "thesis" and "genre" not in item and reference.entry_type in _DEFAULT_GENRES:
        item["genre"] = _DEFAULT_GENRES[reference.entry_type]
    number = _first(reference, ("issue", "number") if kind in _ISSUE_TYPES else ("number",))
    if number and (text := to_text(number)):
        item[_number_variable(kind)] = text
    for variable, field in _LITERALS.items():
        value = reference.get(field)
        if value and (literal := to_literal(value)):
            item[variable] = bare_doi(literal) if variable == "DOI" else literal
    if issued := _issued(reference):
        item["issued"] = issued
    urldate = reference.get("urldate")
    if urldate and (accessed := _iso_date(to_literal(urldate))):
        item["accessed"] = accessed
    return item


def _csl_type(reference: Reference) -> str:
    if reference.entry_type in _WEB_TYPES:
        return "webpage" if reference.get("url") else "document"
    return _TYPES.get(reference.entry_type, "document")


def _number_variable(kind: str) -> str:
    if kind in _ISSUE_TYPES:
        return "issue"
    return "collection-number" if kind in _SERIES_TYPES else "number"


def _first(reference: Reference, fields: tuple[str, ...]) -> str | None:
    return next((value for field in fields if (value := reference.get(field))), None)


def _issued(reference: Reference) -> dict[str, Any] | None:
    """The date of publication from biblatex's `date`, else from `year` and `month`.

    A year that is not a number ("in press") is kept as a literal date.
    """
    date = reference.get("date")
    if date and (parsed := _iso_date(to_literal(date))):
        return parsed
    year = reference.get("year")
    if not year:
        return None
    text = to_text(year)
    if not _YEAR.fullmatch(text):
        return {"literal": text} if text else None
    parts = [int(text)]
    month = _month(reference.get("month"))
    if month:
        parts.append(month)
    return {"date-parts": [parts]}


def _iso_date(text: str) -> dict[str, Any] | None:
    """`2015`, `2015-09`, `2015-09-01`, or a range of two such dates (`2015-09/2015-10`)."""
    ends = text.split("/")
    matches = [_ISO_DATE.fullmatch(end.strip()) for end in ends]
    if len(ends) > 2 or not all(matches):
        return None
    return {
        "date-parts": [[int(part) for part in match.groups() if part] for match in matches if match]
    }


def _month(value: str | None) -> int | None:
    """The month number of `jan`, `January`, `Sep.` or `9`; None when it is none of these."""
    text = to_text(value).lower() if value else ""
    if text.isascii() and text.isdigit():  # `isdigit` alone takes superscripts, `²`
        return int(text) if 1 <= int(text) <= 12 else None
    return next((n for n, name in enumerate(_MONTHS, 1) if text.startswith(name)), None)


def _people(value: str) -> list[dict[str, str]]:
    """The names of a BibTeX name list, split on `and` outside braces.

    `and others` only says that the list is cut short; CSL has no name for that, so it is
    left to the style's "et al.".
    """
    names: list[list[str]] = [[]]
    for word in _words(value):
        if word.lower() == "and":
            names.append([])
        else:
            names[-1].append(word)
    people = (_person(words) for words in names if words and words != ["others"])
    return [person for person in people if person]


def _person(words: list[str]) -> dict[str, str]:
    """One name in any of BibTeX's three forms, as CSL name parts; empty when blank."""
    if len(words) == 1 and _is_one_group(words[0]):
        literal = to_text(words[0])
        return {"literal": literal} if literal else {}
    parts = [_words(part) for part in _split_outside_braces(" ".join(words), ",")]
    if len(parts) == 1:
        first, von, last = _first_von_last(parts[0])
        jr: list[str] = []
    else:
        von, last = _von_last(parts[0])
        jr = parts[1] if len(parts) > 2 else []
        first = [word for part in (parts[1:] if len(parts) == 2 else parts[2:]) for word in part]
    person = {
        "family": to_text(" ".join(last)),
        "given": to_text(" ".join(first)),
        "non-dropping-particle": to_text(" ".join(von)),
        "suffix": to_text(" ".join(jr)),
    }
    return {part: text for part, text in person.items() if text}


def _first_von_last(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """`First von Last`: von runs from the first to the last lower-case word before the end."""
    lower = [i for i, word in enumerate(words[:-1]) if _starts_lower_case(word)]
    if not lower:
        return words[:-1], [], words[-1:]
    return words[: lower[0]], words[lower[0] : lower[-1] + 1], words[lower[-1] + 1 :]


def _von_last(words: list[str]) -> tuple[list[str], list[str]]:
    """`von Last`: von ends at the last lower-case word; the final word is always Last."""
    lower = [i for i, word in enumerate(words[:-1]) if _starts_lower_case(word)]
    end = lower[-1] + 1 if lower else 0
    return words[:end], words[end:]


def _starts_lower_case(word: str) -> bool:
    """BibTeX's test for a von word: its first letter outside braces is lower case.

    An accented letter in braces (`{\\"u}ber`) counts; other braced text has no case.
    """
    depth = 0
    for index, char in enumerate(word):
        if char == "{":
            if depth == 0 and word.startswith("{\\", index):
                return to_text(word[index:])[:1].islower()
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char.isalpha():
            return char.islower()
    return False


def _is_one_group(word: str) -> bool:
    """Whether `word` is a single brace group, `{National Institute ...}`."""
    if not (word.startswith("{") and word.endswith("}")):
        return False
    depth = 0
    for char in word[:-1]:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return False
    return True


def _words(text: str) -> list[str]:
    """The words of `text`, split at spaces and ties (`~`) outside braces."""
    return [word for word in _split_outside_braces(text, _WORD_BREAKS) if word]


def _split_outside_braces(text: str, separators: str) -> list[str]:
    """`text` cut at every separator character that is not inside braces."""
    pieces: list[str] = []
    depth = start = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char in separators:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return pieces
