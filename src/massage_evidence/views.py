"""Views: the plain data that report and document templates receive.

Why: templates may come from users and run in Jinja's sandbox, so they get dictionaries,
lists and strings only, never objects with methods. Everything a template shows is
computed here, once, from the corpus.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup, escape

from .anchoring import anchor_index
from .findings import line_breaks
from .grading import Derivation, grades
from .latex import to_literal
from .models import Claim, Corpus, bare_doi
from .vocabulary import DESIGNS, Certainty, Verdict

if TYPE_CHECKING:
    from .cache import Cache

Data = dict[str, Any]

VERDICTS: dict[Verdict, tuple[str, str]] = {
    Verdict.SUPPORTED: ("Supported", "moderate or high certainty evidence supports it"),
    Verdict.UNCERTAIN: ("Uncertain", "the evidence leans its way, with low or very low certainty"),
    Verdict.CONTESTED: ("Contested", "the evidence points both ways"),
    Verdict.REFUTED: ("Refuted", "the evidence points against it"),
    Verdict.UNSUPPORTED: ("Unsupported", "no usable evidence was found"),
}
"""Label and plain-words meaning of each verdict, in the order reports list them."""

CERTAINTIES: dict[Certainty, tuple[str, str]] = {
    Certainty.HIGH: ("High", "⊕⊕⊕⊕"),
    Certainty.MODERATE: ("Moderate", "⊕⊕⊕◯"),
    Certainty.LOW: ("Low", "⊕⊕◯◯"),
    Certainty.VERY_LOW: ("Very low", "⊕◯◯◯"),
}
"""Label and GRADE's symbols of each certainty, from high to very low."""

_PICO = (
    ("population", "Population"),
    ("intervention", "Intervention"),
    ("comparator", "Comparator"),
    ("outcome", "Outcome"),
)
_CONTEXT = 40
_WEB = re.compile(r"https?://", re.IGNORECASE)  # a `javascript:` URL is shown, never linked


def document_file(name: str) -> str:
    """The file name of document `name` annotated: `annotate` writes it, the report links it."""
    return f"{name}.html"


def report_view(
    corpus: Corpus,
    *,
    style: str = "apa",
    cache: Cache | None = None,
    jobs: int = 1,
) -> Data:
    """Everything the evidence report shows.

    The annotated documents are linked as `annotate` writes them, beside the report.
    A `cache` keeps formatted references;
    `jobs` processes format the others (`citations.format_bibliography`).
    """
    from .citations import format_bibliography

    derived = grades(corpus)
    matches = {(m.claim_index, m.anchor_index): m.span for m in anchor_index(corpus).anchors}
    cited = [e.ref for claim in corpus.claims for e in claim.evidence if e.ref in corpus.references]
    references = [corpus.references[key] for key in dict.fromkeys(cited)]
    formatted = format_bibliography(references, style, cache=cache, jobs=jobs)
    # Each entry once, however many claims cite it.
    bibliography = {
        key: {
            "key": key,
            "number": number,
            "html": _links(corpus, key, entry.html),
            "text": entry.text,
            "doi_url": _doi_url(corpus, key),
        }
        for number, (key, entry) in enumerate(formatted.items(), start=1)
    }
    claims = [
        _claim_view(corpus, claim, derived[index], bibliography)
        | {"passages": _passages(corpus, index, claim, matches)}
        for index, claim in enumerate(corpus.claims)
    ]
    return {
        "title": corpus.title,
        "style": style,
        "verdicts": _verdict_legend(),
        "certainties": [
            {"key": str(certainty), "label": label, "symbols": symbols}
            for certainty, (label, symbols) in CERTAINTIES.items()
        ],
        "totals": _counts(claims),
        "categories": _categories(corpus, claims),
        "map": _evidence_map(corpus, claims),
        "claims": claims,
        "documents": [
            {
                "key": name,
                "title": document.title or name,
                "href": quote(document_file(name)),
            }
            for name, document in corpus.documents.items()
        ],
        "bibliography": list(bibliography.values()),
    }


def _claim_view(
    corpus: Corpus,
    claim: Claim,
    derivation: Derivation,
    bibliography: Mapping[str, Data],
) -> Data:
    label, symbols = CERTAINTIES[derivation.in_force]
    return {
        "id": claim.id,
        "category": claim.category,
        "category_title": corpus.categories.get(claim.category, claim.category),
        "statement": claim.statement,
        "verdict": str(derivation.verdict),
        "verdict_label": VERDICTS[derivation.verdict][0],
        "verdict_meaning": VERDICTS[derivation.verdict][1],
        "certainty": str(derivation.in_force),
        "certainty_label": label,
        "certainty_symbols": symbols,
        "derived_certainty": str(derivation.certainty),
        "derivation": derivation.explanation,
        "start": str(derivation.start),
        "start_design": str(derivation.start_design) if derivation.start_design else None,
        "steps": [
            {"label": step.label, "why": step.why, "refused": step.refused}
            for step in derivation.steps
        ],
        "override": (
            {
                "certainty": str(derivation.override.certainty),
                "justification": derivation.override.justification or "",
            }
            if derivation.override is not None and derivation.justified_override
            else None
        ),
        "pico": [
            {"label": text, "value": value}
            for field, text in _PICO
            if (value := getattr(claim, field)) is not None
        ],
        "evidence": [
            {
                "ref": evidence.ref,
                "stance": str(evidence.stance),
                "note": evidence.note or "",
                "number": entry["number"] if entry else None,
                "html": entry["html"] if entry else None,
                "text": entry["text"] if entry else evidence.ref,
                "doi_url": entry["doi_url"] if entry else None,
                "design": _design_label(corpus, evidence.ref),
                "status": str(corpus.studies[evidence.ref].status)
                if evidence.ref in corpus.studies
                else None,
            }
            for evidence in claim.evidence
            for entry in [bibliography.get(evidence.ref)]
        ],
    }


def _passages(
    corpus: Corpus,
    index: int,
    claim: Claim,
    matches: Mapping[tuple[int, int], tuple[int, int] | None],
) -> list[Data]:
    passages = []
    for j, anchor in enumerate(claim.anchors):
        document = corpus.documents.get(anchor.document)
        span = matches.get((index, j))
        text = document.text if document is not None else None
        passages.append(
            {
                "document": anchor.document,
                "document_title": (document.title or anchor.document)
                if document
                else anchor.document,
                "exact": text[span[0] : span[1]] if text is not None and span else anchor.exact,
                "found": span is not None,
                "line": line_breaks(text, 0, span[0]) + 1 if text is not None and span else None,
                "href": f"{quote(document_file(anchor.document))}#passage-{claim.id}-{j}",
                "id": f"passage-{claim.id}-{j}",
            }
        )
    return passages


def _design_label(corpus: Corpus, key: str) -> str | None:
    study = corpus.studies.get(key)
    return DESIGNS[study.design].label if study is not None else None


def _doi_url(corpus: Corpus, key: str) -> str | None:
    reference = corpus.references.get(key)
    doi = reference.get("doi") if reference is not None else None
    return f"https://doi.org/{bare_doi(to_literal(doi))}" if doi else None


def _links(corpus: Corpus, key: str, html: str) -> str:
    """A formatted entry with its DOI and URL as links."""
    reference = corpus.references.get(key)
    url = reference.get("url") if reference is not None else None
    doi_url = _doi_url(corpus, key)
    html = _linked(html, doi_url)
    if url and to_literal(url) != doi_url and _WEB.match(to_literal(url)):
        html = _linked(html, to_literal(url))
    return html


def _linked(html: str, url: str | None) -> str:
    """A formatted entry with its DOI as a link: turned into one where the style printed
    it, appended where it did not."""
    if url is None:
        return html
    link = Markup('<a href="{0}">{0}</a>').format(url)
    escaped = str(escape(url))
    return html.replace(escaped, link, 1) if escaped in html else f"{html} {link}"


def _verdict_legend() -> list[Data]:
    """What each verdict is called and means, for the legend of a page."""
    return [
        {"key": str(verdict), "label": label, "meaning": meaning}
        for verdict, (label, meaning) in VERDICTS.items()
    ]


def _counts(claims: list[Data]) -> Data:
    tally = Counter(claim["verdict"] for claim in claims)
    return {"claims": len(claims)} | {str(verdict): tally[str(verdict)] for verdict in Verdict}


def _categories(corpus: Corpus, claims: list[Data]) -> list[Data]:
    return [
        {
            "key": key,
            "title": title,
            "claims": [claim["id"] for claim in claims if claim["category"] == key],
            "counts": _counts([claim for claim in claims if claim["category"] == key]),
        }
        for key, title in corpus.categories.items()
    ]


# The evidence map: categories (rows) × certainty (columns), one mark per claim.
_LABEL_CHARACTER = 7.2
_COLUMN_WIDTH = 130
_HEADER_HEIGHT = 44
_MARK_SPACING = 18
_CELL_PADDING = 14


def _evidence_map(corpus: Corpus, claims: list[Data]) -> Data:
    """Positions of the map's rows, columns and marks, in SVG user units."""
    columns = list(CERTAINTIES)
    longest = max((len(title) for title in corpus.categories.values()), default=0)
    label_width = round(longest * _LABEL_CHARACTER) + 24
    per_row = (_COLUMN_WIDTH - 2 * _CELL_PADDING) // _MARK_SPACING + 1
    rows = []
    top = _HEADER_HEIGHT
    for key, title in corpus.categories.items():
        cells = {
            c: [claim for claim in claims if claim["category"] == key and claim["certainty"] == c]
            for c in columns
        }
        lines = max(1, *((len(cell) + per_row - 1) // per_row for cell in cells.values()))
        height = 2 * _CELL_PADDING + (lines - 1) * _MARK_SPACING
        marks = [
            {
                "x": label_width
                + column * _COLUMN_WIDTH
                + _CELL_PADDING
                + (n % per_row) * _MARK_SPACING,
                "y": top + _CELL_PADDING + (n // per_row) * _MARK_SPACING,
                "id": claim["id"],
                "verdict": claim["verdict"],
                "title": f"{claim['statement']} ({claim['verdict_label']},"
                f" {claim['certainty_label'].lower()} certainty)",
            }
            for column, certainty in enumerate(columns)
            for n, claim in enumerate(cells[certainty])
        ]
        rows.append({"key": key, "title": title, "y": top, "height": height, "marks": marks})
        top += height
    return {
        "width": label_width + len(columns) * _COLUMN_WIDTH,
        "height": top + 4,
        "label_width": label_width,
        "column_width": _COLUMN_WIDTH,
        "header_height": _HEADER_HEIGHT,
        "columns": [
            {"key": str(c), "label": CERTAINTIES[c][0], "x": label_width + i * _COLUMN_WIDTH}
            for i, c in enumerate(columns)
        ],
        "rows": rows,
        "cells": [
            {
                "category": row["title"],
                "certainty": CERTAINTIES[c][0],
                "claims": [
                    {
                        "id": claim["id"],
                        "verdict": claim["verdict"],
                        "verdict_label": claim["verdict_label"],
                    }
                    for claim in claims
                    if claim["category"] == row["key"] and claim["certainty"] == c
                ],
            }
            for row in rows
            for c in columns
        ],
    }


def document_view(corpus: Corpus, name: str, *, report_href: str = "report.html") -> Data:
    """A source document split into plain text and claim passages, for annotation.

    Passages may overlap; the text is cut at every passage boundary, and each piece lists
    the claims whose passages cover it. Text outside passages is passed on unchanged.
    """
    document = corpus.documents[name]
    text = document.text or ""
    derived = grades(corpus)
    spans = [
        (match.span, match.claim_index, match.anchor_index)
        for match in anchor_index(corpus).by_document.get(name, ())
        if match.span is not None
    ]
    cuts = sorted({0, len(text), *(point for span, _, _ in spans for point in span)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [
            (corpus.claims[i], derived[i], j, span)
            for span, i, j in spans
            if span[0] <= start and end <= span[1]
        ]
        pieces.append(
            {
                "text": text[start:end],
                "claims": [
                    {
                        "id": claim.id,
                        "statement": claim.statement,
                        "verdict": str(derivation.verdict),
                        "verdict_label": VERDICTS[derivation.verdict][0],
                        "href": f"{report_href}#claim-{claim.id}",
                    }
                    for claim, derivation, _, _ in covering
                ],
                "starts": [
                    f"passage-{claim.id}-{j}" for claim, _, j, span in covering if span[0] == start
                ],
            }
        )
    return {
        "key": name,
        "title": document.title or name,
        "path": document.display_path,
        "corpus_title": corpus.title,
        "report_href": report_href,
        "verdicts": _verdict_legend(),
        "pieces": pieces,
        "passages": len(spans),
    }
