"""Exports: the corpus as data for other tools.

`corpus_json` is also what reports and diffs read: one plain-data view of a corpus, with
every claim's derived certainty, derivation and verdict. The other formats are views of
the same judgements in vocabularies other tools already read: W3C Web Annotations for
annotation tools, schema.org ClaimReview for fact-check consumers, SciFact's JSON Lines
for claim-verification models, and CSL-JSON for citation processors. docs/exports.md
describes each field.

The functions here export whatever they are given; the command line refuses a corpus with
error findings first, so that no export passes off a broken corpus as a sound one.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urldefrag

from ._gc import paused_gc
from .anchoring import anchor_index
from .grading import Derivation, grades
from .jsontext import json_text
from .models import Claim, Corpus
from .vocabulary import Certainty, Stance, Verdict

JSON_VERSION = 1
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32
"""How many code points of the document's own text a TextQuoteSelector's prefix and
suffix carry."""

VERDICT_RATINGS: dict[Verdict, int] = {
    Verdict.SUPPORTED: 5,
    Verdict.UNCERTAIN: 4,
    Verdict.CONTESTED: 3,
    Verdict.UNSUPPORTED: 2,
    Verdict.REFUTED: 1,
}
"""The numeric scale of a verdict in ClaimReview and Web Annotation ratings: how far the
usable evidence bears out the claim, from 5 (supported) to 1 (refuted)."""

SCIFACT_LABELS: dict[Stance, str] = {Stance.SUPPORTS: "SUPPORT", Stance.REFUTES: "CONTRADICT"}
"""SciFact labels of the stances that have one; a cited study without a label is SciFact's
implicit NOT_ENOUGH_INFO."""

_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pypi.org/project/massage-evidence/")
# Copies of the Web Annotation context made before mid-2021 have no term `assessing`
# (w3c/web-annotation#444); the compact IRI expands to oa:assessing with old and new.
_ASSESSING = "oa:assessing"


def corpus_json(corpus: Corpus) -> dict[str, Any]:
    """The whole corpus as JSON-ready data (export format `json`, version 1).

    Each claim carries its input fields, with `certainty` set to the certainty in force
    (the override's where a justified one is given, else the derived one), plus its
    `verdict` and its one-line `derivation`.
    """
    derived = grades(corpus)
    inputs = corpus.model_dump(
        mode="json", exclude_none=True, include={"documents", "studies", "claims"}
    )
    return {
        "version": JSON_VERSION,
        "title": corpus.title,
        "categories": dict(corpus.categories),
        "documents": inputs["documents"],
        "studies": inputs["studies"],
        "references": {
            key: {"type": entry.entry_type, "fields": dict(entry.fields)}
            for key, entry in corpus.references.items()
        },
        "claims": [
            fields
            | {
                "certainty": str(derivation.in_force),
                "verdict": str(derivation.verdict),
                "derivation": derivation.explanation,
            }
            for derivation, fields in zip(derived, inputs["claims"], strict=True)
        ],
    }


@paused_gc()
def export_json(corpus: Corpus) -> str:
    """`corpus_json` as indented JSON text."""
    return json_text(corpus_json(corpus))


@paused_gc()
def export_csl_json(corpus: Corpus) -> str:
    """A JSON array of CSL items, one per reference in bibliography order, `id` = BibTeX
    key: what citation processors and reference managers read."""
    from .csl import csl_items  # LaTeX decoding is heavy: only this export needs it

    return json_text(csl_items(corpus.references.values()))


@paused_gc()
def export_web_annotation(corpus: Corpus) -> str:
    """A JSON array of W3C Web Annotations, one per anchor that matches exactly once.

    Each targets its document with a TextQuoteSelector and a TextPositionSelector that
    hold the document's own text and code-point offsets, so `text[start:end] == exact`.
    """
    derived = grades(corpus)
    return json_text(
        [
            {
                "@context": ANNOTATION_CONTEXT,
                "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{q.claim.id}/{q.anchor_index}')}",
                "type": "Annotation",
                "motivation": _ASSESSING,
                "body": _annotation_body(q.claim, derived[q.claim_index]),
                "target": {
                    "source": q.source,
                    "selector": [
                        {
                            "type": "TextQuoteSelector",
                            "exact": q.exact,
                            "prefix": q.prefix,
                            "suffix": q.suffix,
                        },
                        {"type": "TextPositionSelector", "start": q.start, "end": q.end},
                    ],
                },
            }
            for q in _quotes(corpus)
        ]
    )


@paused_gc()
def export_claimreview(corpus: Corpus, *, url: str, author: str | None = None) -> str:
    """A JSON array of schema.org ClaimReview objects, one per claim that a document makes.

    `claimReviewed` is the claim as made: the document's own text at the claim's first
    anchor (every anchored passage is an `appearance`). The statement is the review's
    `reviewBody`: it says what the research found, so rating it would rate our own
    conclusion. A claim without a matched anchor is made nowhere and is left out.

    `url` is where the HTML evidence report is published; each review's `url` is its
    claim's section there (`url#claim-ID`, the report's anchor), as Google requires.
    `author` names the organisation that publishes the reviews; without it the
    (recommended) `author` is left out.
    """
    derived = grades(corpus)
    page = urldefrag(url).url
    reviews = []
    for _, claim, quotes in _made_claims(corpus):
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"{page}#claim-{claim.id}",
            "claimReviewed": quotes[0].passage,
            "itemReviewed": {
                "@type": "Claim",
                "appearance": [
                    {
                        "@type": "Quotation",
                        "text": q.passage,
                        "isPartOf": {"@type": "CreativeWork", "name": q.title},
                    }
                    for q in quotes
                ],
            },
        }
        if author is not None:
            review["author"] = {"@type": "Organization", "name": author}
        reviews.append(review | _review(claim, derived[quotes[0].claim_index]))
    return json_text(reviews)


@paused_gc()
def export_scifact(corpus: Corpus) -> str:
    """JSON Lines in SciFact's claim shape, one line per claim that a document makes.

    `claim` is the claim as made (the document's text at its first anchor), since stances
    judge that, not the statement. `id` is the claim's 1-based position in the claims file
    and a doc_id the reference's 1-based position in the bibliography. `supports` and
    `refutes` become SUPPORT and CONTRADICT rationales; a study with another stance is
    cited without one, which SciFact reads as NOT_ENOUGH_INFO. No sentence-level rationale
    is recorded, so every `sentences` list is empty.
    """
    doc_ids = {key: number for number, key in enumerate(corpus.references, start=1)}
    lines = []
    for number, claim, quotes in _made_claims(corpus):
        evidence: dict[str, list[dict[str, Any]]] = {}
        cited: list[int] = []
        for item in claim.evidence:
            doc_id = doc_ids.get(item.ref)
            if doc_id is None:
                continue
            if doc_id not in cited:
                cited.append(doc_id)
            if item.stance in SCIFACT_LABELS:
                rationale = {"sentences": [], "label": SCIFACT_LABELS[item.stance]}
                evidence.setdefault(str(doc_id), []).append(rationale)
        line = {
            "id": number,
            "claim": quotes[0].passage,
            "evidence": evidence,
            "cited_doc_ids": cited,
        }
        lines.append(json_text(line, indent=None))
    return "".join(lines)


def verdict_rating(derivation: Derivation) -> dict[str, Any]:
    """The verdict as a schema.org Rating on the `VERDICT_RATINGS` scale, explained by the
    certainty in force and its derivation."""
    return {
        "@type": "Rating",
        "ratingValue": VERDICT_RATINGS[derivation.verdict],
        "bestRating": max(VERDICT_RATINGS.values()),
        "worstRating": min(VERDICT_RATINGS.values()),
        "alternateName": str(derivation.verdict),
        "ratingExplanation": f"{derivation.in_force} certainty: {derivation.explanation}",
    }


def certainty_rating(derivation: Derivation) -> dict[str, Any]:
    """The certainty in force as a schema.org Rating from 1 (very-low) to 4 (high)."""
    return {
        "@type": "Rating",
        "reviewAspect": "GRADE certainty",
        "ratingValue": derivation.in_force.rank + 1,
        "bestRating": Certainty.HIGH.rank + 1,
        "worstRating": Certainty.VERY_LOW.rank + 1,
        "alternateName": str(derivation.in_force),
    }


def claims_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of claims.yaml, from the models, every field
    described; editors use it to complete and check claims files as they are typed."""
    generated = Corpus.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "massage-evidence claims file (schema version 1)",
        "description": "Health claims, the passages of the documents that make them, and"
        " the appraisal of every study cited for them. See docs/format.md.",
        **{key: value for key, value in generated.items() if key not in {"title", "description"}},
    }


def export_schema() -> str:
    """`claims_schema` as indented JSON text."""
    return json_text(claims_schema())


@dataclass(frozen=True, slots=True)
class _Quote:
    """An anchor that matched exactly once, with the document's own text around it."""

    claim: Claim
    claim_index: int
    anchor_index: int
    source: str
    title: str
    text: str
    start: int
    end: int

    @property
    def exact(self) -> str:
        return self.text[self.start : self.end]

    @property
    def passage(self) -> str:
        """The quoted text with each run of whitespace as one space, as a page shows it."""
        return " ".join(self.exact.split())

    @property
    def prefix(self) -> str:
        return self.text[max(0, self.start - CONTEXT_CHARS) : self.start]

    @property
    def suffix(self) -> str:
        return self.text[self.end : self.end + CONTEXT_CHARS]


def _quotes(corpus: Corpus) -> Iterator[_Quote]:
    """Every anchor that matched exactly once, in claim and anchor order."""
    for match in anchor_index(corpus).anchors:
        name = match.anchor.document
        document = corpus.documents[name]
        if match.span is not None and document.text is not None:
            yield _Quote(
                corpus.claims[match.claim_index],
                match.claim_index,
                match.anchor_index,
                source=quote(document.path),
                title=document.title or name,
                text=document.text,
                start=match.span[0],
                end=match.span[1],
            )


def _made_claims(corpus: Corpus) -> Iterator[tuple[int, Claim, list[_Quote]]]:
    """Each claim that a document makes: its 1-based position and its matched passages."""
    quotes: dict[int, list[_Quote]] = {}
    for q in _quotes(corpus):
        quotes.setdefault(q.claim_index, []).append(q)
    for index, claim in enumerate(corpus.claims):
        if index in quotes:
            yield index + 1, claim, quotes[index]


def _review(claim: Claim, derivation: Derivation) -> dict[str, Any]:
    """What every ClaimReview of a claim says: the claim's id, what the research found,
    and the verdict."""
    return {
        "identifier": claim.id,
        "reviewBody": claim.statement,
        "reviewRating": verdict_rating(derivation),
    }


def _annotation_body(claim: Claim, derivation: Derivation) -> list[dict[str, Any]]:
    """What an annotation says about its passage: a readable text, then the same as a
    schema.org ClaimReview with the verdict and the certainty as ratings, in `schema:`
    terms (a prefix the Web Annotation context declares), so it stays plain JSON-LD."""
    readable = (
        f"Verdict: {derivation.verdict} ({derivation.in_force} certainty).\n"
        f"What the research says: {claim.statement}\n"
        f"Derivation: {derivation.explanation}\n"
        f"Claim: {claim.id}"
    )
    verdict = verdict_rating(derivation) | {"reviewAspect": "verdict"}
    ratings = [verdict, certainty_rating(derivation)]
    review = {"@type": "ClaimReview"} | _review(claim, derivation) | {"reviewRating": ratings}
    return [
        {"type": "TextualBody", "purpose": _ASSESSING, "format": "text/plain", "value": readable},
        _schema_terms(review),
    ]


def _schema_terms(node: dict[str, Any]) -> dict[str, Any]:
    """A schema.org node in the Web Annotation context: `type: schema:X`, `schema:` keys."""
    terms = {f"schema:{key}": _schema_value(value) for key, value in node.items() if key != "@type"}
    return {"type": f"schema:{node['@type']}", **terms}


def _schema_value(value: object) -> object:
    if isinstance(value, dict):
        return _schema_terms(value)
    if isinstance(value, list):
        return [_schema_value(item) for item in value]
    return value
