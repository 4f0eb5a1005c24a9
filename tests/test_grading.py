"""The certainty engine: GRADE derivation, verdicts, and their invariants."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from massage_evidence.grading import derive_certainty, grades
from massage_evidence.models import Claim, Corpus
from massage_evidence.vocabulary import DESIGNS, Certainty, Design, Domain, Verdict

DOWNGRADES = [d for d in Domain if not d.is_upgrade]
UPGRADES = [d for d in Domain if d.is_upgrade]


def corpus(studies: Mapping[str, str], status: Mapping[str, str] | None = None) -> Corpus:
    """A corpus with the given studies (key → design) and no claims."""
    return Corpus.model_validate(
        {
            "version": 1,
            "title": "t",
            "claims": [],
            "studies": {
                key: {"design": design, "status": (status or {}).get(key, "current")}
                for key, design in studies.items()
            },
        }
    )


def claim(
    evidence: Sequence[tuple[str, str]], reasons: Sequence[tuple[str, int]] = (), **extra: Any
) -> Claim:
    """A claim citing (key, stance) pairs with (domain, steps) reasons."""
    return TypeAdapter(Claim).validate_python(
        {
            "id": "c",
            "category": "pain",
            "statement": "s",
            "evidence": [{"ref": ref, "stance": stance} for ref, stance in evidence],
            "reasons": [{"domain": d, "steps": n, "why": "w"} for d, n in reasons],
            **extra,
        }
    )


@pytest.mark.parametrize("design", list(Design))
def test_each_design_starts_where_the_table_says(design: Design) -> None:
    """Supporting evidence of one design starts, and stays, at the design's level."""
    derived = derive_certainty(claim([("a", "supports")]), corpus({"a": design}))
    assert derived.certainty is DESIGNS[design].start
    assert derived.start_design is design
    assert derived.explanation == f"{DESIGNS[design].start} ({design}: a) = {DESIGNS[design].start}"


@pytest.mark.parametrize("domain", DOWNGRADES)
@pytest.mark.parametrize(("steps", "expected"), [(1, Certainty.MODERATE), (2, Certainty.LOW)])
def test_each_downgrade_at_one_and_two_steps(
    domain: Domain, steps: int, expected: Certainty
) -> None:
    """Serious lowers one level, very serious two."""
    derived = derive_certainty(claim([("a", "supports")], [(domain, steps)]), corpus({"a": "rct"}))
    assert derived.certainty is expected
    times = " ×2" if steps == 2 else ""
    assert derived.explanation == f"high (rct: a) − {domain}{times} = {expected}"


@pytest.mark.parametrize("domain", UPGRADES)
@pytest.mark.parametrize(("steps", "expected"), [(1, Certainty.MODERATE), (2, Certainty.HIGH)])
def test_upgrades_allowed_on_observational_evidence(
    domain: Domain, steps: int, expected: Certainty
) -> None:
    """Large effect, dose-response and confounding raise evidence that starts low."""
    derived = derive_certainty(
        claim([("a", "supports")], [(domain, steps)]), corpus({"a": "cohort"})
    )
    assert derived.certainty is expected
    assert derived.verdict is Verdict.SUPPORTED


@pytest.mark.parametrize("domain", UPGRADES)
def test_upgrades_refused_on_randomised_evidence(domain: Domain) -> None:
    """An upgrade on evidence that starts high is refused and shown as refused."""
    derived = derive_certainty(
        claim([("a", "supports")], [(domain, 1), ("imprecision", 1)]),
        corpus({"a": "systematic-review"}),
    )
    assert derived.certainty is Certainty.MODERATE
    assert [step.refused for step in derived.steps] == [True, False]
    assert derived.explanation == (
        f"high (systematic-review: a) (+ {domain} refused: randomised evidence)"
        " − imprecision = moderate"
    )


def test_clamped_at_very_low() -> None:
    """Downgrades past very-low stop there, and the explanation says so."""
    derived = derive_certainty(
        claim([("a", "refutes")], [("risk-of-bias", 2), ("imprecision", 2)]),
        corpus({"a": "cohort"}),
    )
    assert (derived.certainty, derived.unclamped, derived.clamped) == (Certainty.VERY_LOW, -3, True)
    assert derived.explanation.endswith("= very-low (clamped)")


def test_clamped_at_high() -> None:
    """Upgrades past high stop there."""
    derived = derive_certainty(
        claim([("a", "supports")], [("large-effect", 2), ("dose-response", 2)]),
        corpus({"a": "case-series"}),
    )
    assert (derived.certainty, derived.clamped) == (Certainty.HIGH, True)


def test_override_with_justification_is_in_force() -> None:
    """A justified override sets the certainty in force and ends the explanation."""
    derived = derive_certainty(
        claim(
            [("a", "supports")],
            [("imprecision", 2)],
            override={"certainty": "moderate", "justification": "Large blinded trial."},
        ),
        corpus({"a": "rct"}),
    )
    assert (derived.certainty, derived.in_force, derived.verdict) == (
        Certainty.LOW, Certainty.MODERATE, Verdict.SUPPORTED,
    )  # fmt: skip
    assert derived.explanation == (
        "high (rct: a) − imprecision ×2 = low; overridden to moderate: Large blinded trial."
    )


@pytest.mark.parametrize("justification", [None, "", "   "])
def test_override_without_justification_is_ignored(justification: str | None) -> None:
    """An override with a missing or blank justification does not replace the derivation."""
    derived = derive_certainty(
        claim(
            [("a", "supports")],
            [("imprecision", 2)],
            override={"certainty": "high", "justification": justification},
        ),
        corpus({"a": "rct"}),
    )
    assert (derived.in_force, derived.verdict) == (Certainty.LOW, Verdict.UNCERTAIN)
    assert derived.explanation == "high (rct: a) − imprecision ×2 = low"


@pytest.mark.parametrize("status", ["retracted", "expression-of-concern", "superseded"])
def test_withdrawn_studies_never_count(status: str) -> None:
    """Only current studies count; a claim resting on a withdrawn one is unsupported."""
    derived = derive_certainty(claim([("a", "supports")]), corpus({"a": "rct"}, {"a": status}))
    assert (derived.verdict, derived.certainty) == (Verdict.UNSUPPORTED, Certainty.VERY_LOW)
    assert derived.explanation == "no usable evidence = very-low"


def test_withdrawn_study_beside_current_evidence() -> None:
    """A retracted RCT does not lift the start of a claim that also has a cohort."""
    derived = derive_certainty(
        claim([("a", "supports"), ("b", "supports")]),
        corpus({"a": "rct", "b": "cohort"}, {"a": "retracted"}),
    )
    assert derived.explanation == "low (cohort: b) = low"


@pytest.mark.parametrize(
    ("stances", "verdict", "start"),
    [
        (["supports", "supports"], Verdict.SUPPORTED, "high (rct: a)"),
        (["mixed", "insufficient"], Verdict.SUPPORTED, "high (rct: a)"),
        (["supports", "refutes"], Verdict.CONTESTED, "high (rct: a)"),
        (["insufficient", "refutes"], Verdict.REFUTED, "low (cohort: b)"),
        (["refutes", "mixed"], Verdict.CONTESTED, "high (rct: a)"),
        (["insufficient", "insufficient"], Verdict.UNSUPPORTED, None),
    ],
)
def test_mixed_stances(stances: list[str], verdict: Verdict, start: str | None) -> None:
    """Direction from stances; start from the studies that carry it (rct a, cohort b)."""
    derived = derive_certainty(
        claim(list(zip(["a", "b"], stances, strict=True))), corpus({"a": "rct", "b": "cohort"})
    )
    assert derived.verdict is verdict
    if start is not None:
        assert derived.explanation.startswith(start)


def test_low_certainty_support_is_uncertain() -> None:
    """Support at low or very-low certainty is `uncertain`, not `supported`."""
    derived = derive_certainty(claim([("a", "supports")]), corpus({"a": "cohort"}))
    assert derived.verdict is Verdict.UNCERTAIN


def test_start_lists_every_study_of_the_top_design() -> None:
    """The start names the design that set it and its studies, sorted, then a count."""
    derived = derive_certainty(
        claim([("d", "supports"), ("b", "supports"), ("c", "mixed"), ("a", "supports")]),
        corpus({"a": "rct", "b": "rct", "c": "rct", "d": "systematic-review"}),
    )
    assert derived.explanation == "high (systematic-review: d) = high"
    derived = derive_certainty(
        claim([("c", "supports"), ("b", "supports"), ("a", "mixed")]),
        corpus({"a": "rct", "b": "rct", "c": "rct"}),
    )
    assert derived.explanation == "high (rct: a, b + 1 more) = high"


# Property tests ---------------------------------------------------------------------------

KEYS = ["a", "b", "c", "d"]
designs = st.fixed_dictionaries({key: st.sampled_from(list(Design)) for key in KEYS})
stances = st.sampled_from(["supports", "refutes", "mixed", "insufficient"])
evidence = st.lists(st.tuples(st.sampled_from(KEYS), stances), max_size=4)
reasons = st.lists(st.tuples(st.sampled_from(list(Domain)), st.sampled_from([1, 2])), max_size=4)


@given(designs, evidence, reasons, st.sampled_from(DOWNGRADES), st.sampled_from([1, 2]))
def test_adding_a_downgrade_never_raises_certainty(
    studies: dict[str, Design], cited: list[tuple[str, str]], moves: list[tuple[str, int]],
    extra: Domain, steps: int,
) -> None:  # fmt: skip
    """Whatever else is listed, one more downgrade never raises certainty."""
    base = derive_certainty(claim(cited, moves), corpus(studies))
    more = derive_certainty(claim(cited, [*moves, (extra, steps)]), corpus(studies))
    assert more.certainty.rank <= base.certainty.rank


@given(designs, evidence, reasons, st.sampled_from(KEYS))
def test_adding_refuting_evidence_never_makes_a_claim_supported(
    studies: dict[str, Design], cited: list[tuple[str, str]], moves: list[tuple[str, int]], key: str
) -> None:
    """Refuting evidence can weaken a verdict, never turn it into `supported`."""
    derived = derive_certainty(claim([*cited, (key, "refutes")], moves), corpus(studies))
    assert derived.verdict is not Verdict.SUPPORTED


@given(designs, evidence, reasons, st.randoms(use_true_random=False))
def test_derivation_does_not_depend_on_evidence_order(
    studies: dict[str, Design], cited: list[tuple[str, str]], moves: list[tuple[str, int]],
    random: Any,
) -> None:  # fmt: skip
    """Shuffling the evidence changes nothing: certainty, verdict and explanation."""
    shuffled = list(cited)
    random.shuffle(shuffled)
    first = derive_certainty(claim(cited, moves), corpus(studies))
    second = derive_certainty(claim(shuffled, moves), corpus(studies))
    assert (first.certainty, first.verdict, first.explanation) == (
        second.certainty, second.verdict, second.explanation,
    )  # fmt: skip


def test_claims_sharing_an_id_are_graded_each_on_its_own_evidence() -> None:
    """A repeated id (ME302) does not give the first claim the second one's grade."""
    studies = {"a": {"design": "systematic-review"}, "b": {"design": "blog"}}
    claims = [
        {
            "id": "c",
            "category": "pain",
            "statement": "s",
            "evidence": [{"ref": ref, "stance": "supports"}],
        }
        for ref in ("a", "b")
    ]
    both = Corpus.model_validate({"version": 1, "title": "t", "claims": claims, "studies": studies})
    assert [d.explanation for d in grades(both)] == [
        "high (systematic-review: a) = high",
        "very-low (blog: b) = very-low",
    ]
