"""ME5xx: anchors, the passages of the documents that make each claim."""

from __future__ import annotations

from collections.abc import Iterator

from ..anchoring import Coverage, Lines, anchor_index, reads_like_claim, sentences
from ..findings import Location, Problem, Severity, did_you_mean
from ..models import Corpus
from . import rule

_EXCERPT = 60


@rule("ME501", "unknown-document", Severity.ERROR)
def unknown_document(corpus: Corpus) -> Iterator[Problem]:
    """An anchor names a document that is not under `documents`.

    Why: the passage cannot be checked, and the report cannot link to it.

    Example:
        anchors:
          - document: welness
            exact: reduce lower and upper back pain

    Fix:
        anchors:
          - document: wellness
            exact: reduce lower and upper back pain
    """
    known = list(corpus.documents)
    for i, claim in enumerate(corpus.claims):
        for j, anchor in enumerate(claim.anchors):
            if anchor.document not in corpus.documents:
                hint = did_you_mean(anchor.document, known)
                yield Problem(
                    f"claim {claim.id!r} anchors to unknown document {anchor.document!r}{hint}",
                    corpus.locate("claims", i, "anchors", j, "document"),
                    claim.id,
                )


@rule("ME502", "anchor-not-found", Severity.ERROR)
def anchor_not_found(corpus: Corpus) -> Iterator[Problem]:
    """A quoted passage is not in its document: the anchor is orphaned.

    Why: the article changed, or the quote was mistyped; either way the claim no longer
    points at what the text says. Quotes match after normalising Unicode (NFC),
    whitespace, typographic quotes and dashes; `prefix` and `suffix` must sit right
    before and after the quote. Stale `not_claims` quotes are reported too.

    Example:
        exact: reduces lower and upper back pain      # the text says "reduce"

    Fix:
        exact: reduce lower and upper back pain
    """
    index = anchor_index(corpus)
    for found in index.anchors:
        if found.match.spans:
            continue
        claim = corpus.claims[found.claim_index]
        anchor = found.anchor
        if found.match.without_context:
            reason = "the quote is there, but not with this prefix and suffix"
        else:
            reason = "the text may have changed"
        yield Problem(
            f"claim {claim.id!r}: quote {_excerpt(anchor.exact)!r} is not in document"
            f" {anchor.document!r}; {reason}",
            corpus.locate("claims", found.claim_index, "anchors", found.anchor_index, "exact"),
            claim.id,
        )
    for name, quotes in index.not_claims.items():
        for k, (quote, match) in enumerate(quotes):
            if not match.spans:
                yield Problem(
                    f"not_claims quote {_excerpt(quote)!r} is not in document {name!r}",
                    corpus.locate("documents", name, "not_claims", k),
                )


@rule("ME503", "anchor-ambiguous", Severity.ERROR)
def anchor_ambiguous(corpus: Corpus) -> Iterator[Problem]:
    """A quoted passage occurs more than once in its document.

    Why: the anchor would point at the wrong place half the time. Matching never guesses;
    add a `prefix` or `suffix` (text right before or after the quote) to pick one.

    Example:
        exact: Back Massage    # in a title and in a heading

    Fix:
        exact: Back Massage
        prefix: "Who Should Try "
    """
    for found in anchor_index(corpus).anchors:
        count = len(found.match.spans)
        if count > 1:
            claim = corpus.claims[found.claim_index]
            text = corpus.documents[found.anchor.document].text or ""
            positions = Lines(text)
            lines = ", ".join(str(positions.at(start)[0]) for start, _ in found.match.spans)
            yield Problem(
                f"claim {claim.id!r}: quote {_excerpt(found.anchor.exact)!r} occurs {count}"
                f" times in document {found.anchor.document!r} (lines {lines});"
                " add a prefix or suffix to pick one",
                corpus.locate("claims", found.claim_index, "anchors", found.anchor_index, "exact"),
                claim.id,
            )


@rule("ME504", "unannotated-claim", Severity.WARNING)
def unannotated_claim(corpus: Corpus) -> Iterator[Problem]:
    """A sentence of a document reads like a benefit claim, but no anchor covers it.

    Why: the evidence base should account for every claim a text makes; an unannotated
    claim is one nobody has checked. A sentence reads like a claim when it contains one
    of the cue words (alleviate, ease, reduce, relieve, relief, improve, boost, enhance,
    increase, lower, promote, restore, release, calm, support, help, loosen, soften,
    stimulate, correct, prevent, heal, flush, benefit, effective, rejuvenate and their
    forms). Each line is a unit; within a line a sentence ends at `.`, `!` or `?`. A
    sentence is covered when an anchor or a `not_claims` quote overlaps it.

    Example:
        Massage rollers help loosen muscles and boost blood flow.    # in the document

    Fix:
        anchors:
          - document: wellness
            exact: Massage rollers help loosen muscles and boost blood flow
        # or, for a sentence that claims nothing ("lower" is an adjective here):
        documents:
          wellness:
            not_claims: ["Foam roll gently along upper and lower back."]
    """
    index = anchor_index(corpus)
    for name, document in corpus.documents.items():
        text = document.text
        if text is None:
            continue
        covered = Coverage(index.spans(name))
        positions = Lines(text)
        for sentence in sentences(text):
            if not reads_like_claim(sentence.text) or covered.overlaps(
                sentence.start, sentence.end
            ):
                continue
            line, column = positions.at(sentence.start)
            yield Problem(
                f"sentence {_excerpt(sentence.text)!r} reads like a benefit claim but no claim"
                f" anchors it; anchor it, or list it under documents.{name}.not_claims",
                Location(document.display_path, line, column),
            )


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"
