"""The bundled evidence base: clean under --strict, faithful to the literature notes, and
with the verdicts a reader of the literature expects."""

from __future__ import annotations

import re

import pytest

import massage_evidence as me
from massage_evidence.grading import grades

from .conftest import REPO, SHARED

LITERATURE = SHARED / "research" / "literature.md"


@pytest.fixture(scope="module")
def corpus() -> me.Corpus:
    return me.load(REPO / "data" / "claims.yaml")


def test_bundled_corpus_is_clean_under_strict() -> None:
    """No error, no warning, no info: every claim sentence annotated, every reference used."""
    assert [str(f.location) + " " + f.code for f in me.check(REPO / "data" / "claims.yaml")] == []


def test_at_least_thirty_references_all_cited(corpus: me.Corpus) -> None:
    """The bibliography holds at least 30 works and every one is cited."""
    cited = {e.ref for claim in corpus.claims for e in claim.evidence}
    assert len(corpus.references) >= 30
    assert set(corpus.references) == cited


@pytest.mark.parametrize(
    ("claim", "verdict", "certainty"),
    [
        ("pain-low-back-short-term", "uncertain", "low"),
        ("circulation-flushes-toxins", "refuted", "very-low"),
        ("circulation-blood-flow", "refuted", "very-low"),
        ("stress-lowers-cortisol", "contested", "very-low"),
        ("pain-endorphins", "refuted", "very-low"),
        ("posture-corrects-imbalances", "refuted", "very-low"),
        ("mobility-arthritis-pain", "uncertain", "low"),
        ("dose-short-sessions", "contested", "very-low"),
    ],
)
def test_headline_verdicts(corpus: me.Corpus, claim: str, verdict: str, certainty: str) -> None:
    """What the research says about the headline claims of the two articles."""
    (derivation,) = (d for c, d in zip(corpus.claims, grades(corpus), strict=True) if c.id == claim)
    assert (derivation.verdict, derivation.in_force) == (verdict, certainty)


def test_no_headline_claim_is_supported(corpus: me.Corpus) -> None:
    """Nothing in the articles reaches moderate or high certainty of benefit."""
    derived = zip(corpus.claims, grades(corpus), strict=True)
    assert [c.id for c, d in derived if d.verdict == "supported"] == []


@pytest.mark.skipif(not LITERATURE.is_file(), reason="../shared/research/literature.md is absent")
def test_every_identifier_is_in_the_literature_notes(corpus: me.Corpus) -> None:
    """Every DOI and PMID in refs.bib appears verbatim in the verified literature notes."""
    notes = LITERATURE.read_text(encoding="utf-8")
    missing = [
        (entry.key, name, value)
        for entry in corpus.entries
        for name in ("doi", "pmid")
        if (value := entry.get(name)) is not None
        and not re.search(rf"\b{re.escape(value)}\b", notes)
    ]
    assert missing == []
