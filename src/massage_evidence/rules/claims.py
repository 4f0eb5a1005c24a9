"""ME3xx: claims, their evidence and their categories."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Problem, Severity, did_you_mean
from ..models import Corpus
from ..vocabulary import StudyStatus
from . import rule


@rule("ME301", "claim-without-evidence", Severity.ERROR)
def claim_without_evidence(corpus: Corpus) -> Iterator[Problem]:
    """A claim cites no evidence at all.

    Why: the point of the evidence base is that every claim is tied to the research that
    bears on it. A claim nobody has looked into should say so with an `insufficient`
    citation of what was searched, not with silence.

    Example:
        - id: circulation-energy
          category: circulation
          statement: It is very uncertain whether massage increases energy levels.

    Fix:
        - id: circulation-energy
          ...
          evidence:
            - ref: davis2020effect
              stance: refutes
              note: No effect on fatigue or performance.
    """
    for i, claim in enumerate(corpus.claims):
        if not claim.evidence:
            yield Problem(
                f"claim {claim.id!r} cites no evidence; add the studies that bear on it",
                corpus.locate("claims", i),
                claim.id,
            )


@rule("ME302", "duplicate-claim-id", Severity.ERROR)
def duplicate_claim_id(corpus: Corpus) -> Iterator[Problem]:
    """Two claims share an id.

    Why: ids link reports, annotated documents, exports and diffs to a claim; two claims
    with one id make every such link ambiguous.

    Example:
        - id: stress-anxiety
          statement: Massage may reduce state anxiety after one session.
        - id: stress-anxiety
          statement: Massage may reduce trait anxiety over several weeks.

    Fix:
        - id: stress-anxiety-single-session
        - id: stress-anxiety-course
    """
    first: dict[str, int] = {}
    for i, claim in enumerate(corpus.claims):
        if claim.id in first:
            line = corpus.locate("claims", first[claim.id], "id").line
            yield Problem(
                f"claim id {claim.id!r} is already used at line {line}; ids must be unique",
                corpus.locate("claims", i, "id"),
                claim.id,
            )
        else:
            first[claim.id] = i


@rule("ME303", "unknown-category", Severity.ERROR)
def unknown_category(corpus: Corpus) -> Iterator[Problem]:
    """A claim's category is not one of the corpus's categories.

    Why: reports group claims by category; a misspelt category drops the claim out of
    its group. Categories default to pain, circulation, posture, stress and mobility, or
    are listed under `categories:`.

    Example:
        category: circullation

    Fix:
        category: circulation
    """
    known = list(corpus.categories)
    for i, claim in enumerate(corpus.claims):
        if claim.category not in corpus.categories:
            hint = did_you_mean(claim.category, known) or f" (known: {', '.join(known)})"
            yield Problem(
                f"claim {claim.id!r} has unknown category {claim.category!r}{hint}",
                corpus.locate("claims", i, "category"),
                claim.id,
            )


@rule("ME304", "grey-literature-only", Severity.WARNING)
def grey_literature_only(corpus: Corpus) -> Iterator[Problem]:
    """A claim's support is only grey literature (agency pages, web pages, news, blogs,
    social media, video), or research that has been superseded; withdrawn studies among
    the support are left to ME210.

    Why: grey literature can point to research but is not research, and a superseded
    study is no longer evidence. A claim carried only by them has no research evidence
    behind it, whatever the grade says.

    Example:
        evidence:
          - ref: nccihNDmassage        # design: agency-summary
            stance: supports

    Fix:
        evidence:
          - ref: nccihNDmassage
            stance: supports
          - ref: furlan2015massage     # design: systematic-review
            stance: mixed
    """
    for i, claim in enumerate(corpus.claims):
        support = [e.ref for e in claim.evidence if e.stance.is_supporting]
        if not all(ref in corpus.studies for ref in support):
            continue
        # Withdrawn studies are ME210's errors already; what is left is judged here.
        kept = [(ref, corpus.studies[ref]) for ref in support]
        kept = [(ref, study) for ref, study in kept if not study.status.is_withdrawn]
        studies = [study for _, study in kept]
        if not studies:
            continue
        if any(s.design.info.is_research and s.status is StudyStatus.CURRENT for s in studies):
            continue
        cited = ", ".join(
            f"{ref} ({study.design}"
            + ("" if study.status is StudyStatus.CURRENT else f", {study.status}")
            + ")"
            for ref, study in kept
        )
        if any(s.design.info.is_research for s in studies):
            found = f"has no current research among its support: {cited}"
        else:
            found = f"is supported only by grey literature: {cited}"
        yield Problem(
            f"claim {claim.id!r} {found}; add research evidence or weaken the claim",
            corpus.locate("claims", i, "evidence"),
            claim.id,
        )


@rule("ME305", "empty-category", Severity.INFO)
def empty_category(corpus: Corpus) -> Iterator[Problem]:
    """A category has no claims.

    Why: an empty category shows up in reports as a heading with nothing under it. It
    may be a placeholder for work to come, or a category no longer needed.

    Example:
        categories:
          pain: Back pain relief
          sleep: Sleep quality          # no claim has category: sleep

    Fix: add the claims, or remove the category.
    """
    used = {claim.category for claim in corpus.claims}
    for key in corpus.categories:
        if key not in used:
            yield Problem(
                f"category {key!r} has no claims", corpus.locate("categories", key, key=True)
            )
