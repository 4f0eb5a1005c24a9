"""ME4xx: each rule with a failing and a passing example, exact code, line and message."""

from __future__ import annotations

import pytest

from massage_evidence.vocabulary import Certainty
from massage_evidence.wording import suggest, wording_level

from ..conftest import VALID_CLAIMS, Project

# VALID_CLAIMS: one rct supporting "Massage may reduce back pain." (derived: high).
LOW = (
    VALID_CLAIMS
    + """\
    certainty: low
    reasons:
      - domain: risk-of-bias
        why: Unblinded.
      - domain: imprecision
        why: One small trial.
"""
)


def test_consistent_claim_passes_every_grading_rule(valid: Project) -> None:
    """Declared low = high − risk-of-bias − imprecision; wording 'may' fits low."""
    valid.write("claims.yaml", LOW)
    assert valid.rows("ME4") == []


def test_certainty_mismatch_shows_the_derivation(valid: Project) -> None:
    """A declared certainty that the evidence does not give is ME401 at the value."""
    valid.write("claims.yaml", LOW.replace("certainty: low", "certainty: moderate"))
    assert valid.rows("ME401") == [
        (
            "ME401",
            "claims.yaml",
            19,
            16,
            "claim 'pain-relief' declares certainty moderate but the evidence gives low:"
            " high (rct: smith2020) − risk-of-bias − imprecision = low",
        )
    ]


def test_justified_override_allows_a_different_certainty(valid: Project) -> None:
    """With a justified override, the declared certainty must equal the override."""
    overridden = LOW.replace("certainty: low", "certainty: moderate") + (
        "    override:\n      certainty: moderate\n      justification: Blinded assessors.\n"
    )
    valid.write("claims.yaml", overridden)
    assert valid.rows("ME401", "ME402") == []
    valid.write(
        "claims.yaml",
        overridden.replace("certainty: moderate\n    reasons", "certainty: high\n    reasons"),
    )
    assert valid.rows("ME401") == [
        (
            "ME401",
            "claims.yaml",
            19,
            16,
            "claim 'pain-relief' declares certainty high but its override says moderate;"
            " make them agree",
        )
    ]


def test_override_without_justification(valid: Project) -> None:
    """An override without justification is ME402, and ME401 still compares the derivation."""
    valid.write(
        "claims.yaml",
        LOW.replace("certainty: low", "certainty: moderate")
        + "    override:\n      certainty: moderate\n",
    )
    assert [row[:4] for row in valid.rows("ME401", "ME402")] == [
        ("ME401", "claims.yaml", 19, 16),
        ("ME402", "claims.yaml", 25, 5),
    ]
    assert valid.rows("ME402")[0][4] == (
        "claim 'pain-relief' overrides certainty to moderate without a justification;"
        " say why, or remove the override"
    )


def test_overclaiming_wording(valid: Project) -> None:
    """A plain assertion at low certainty is an ME403 warning proposing GRADE wording."""
    valid.write(
        "claims.yaml", LOW.replace("Massage may reduce back pain.", "Massage reduces back pain.")
    )
    assert valid.rows("ME403") == [
        (
            "ME403",
            "claims.yaml",
            12,
            16,
            "claim 'pain-relief' reads as high certainty but its certainty is low;"
            " word it as 'may reduce', e.g. 'Massage may reduce back pain.'",
        )
    ]
    assert valid.findings("ME403")[0].severity == "warning"


def test_overclaiming_at_very_low(valid: Project) -> None:
    """At very low certainty 'may' is still too sure."""
    valid.write(
        "claims.yaml",
        LOW.replace("One small trial.", "One small trial.\n        steps: 2"),
    )
    assert [row[4] for row in valid.rows("ME403")] == [
        "claim 'pain-relief' reads as low certainty but its certainty is very-low;"
        " word it as 'it is very uncertain whether … reduces', e.g. 'It is very uncertain"
        " whether massage reduces back pain.'"
    ]


def test_hedging_more_than_needed_is_not_overclaiming(valid: Project) -> None:
    """ME403 only flags overclaiming: 'may' at high certainty passes."""
    assert valid.rows("ME403") == []


def test_invalid_upgrade(valid: Project) -> None:
    """An upgrade on randomised evidence is ME404 at the reason's domain."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS + "    reasons:\n      - domain: large-effect\n        why: Big effect.\n",
    )
    assert valid.rows("ME404") == [
        (
            "ME404",
            "claims.yaml",
            20,
            17,
            "claim 'pain-relief': large-effect cannot raise certainty that starts high (rct);"
            " GRADE upgrades only evidence that starts low",
        )
    ]


def test_upgrade_on_observational_evidence_passes(valid: Project) -> None:
    """An upgrade on a cohort study is valid."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("design: rct", "design: cohort")
        + "    reasons:\n      - domain: dose-response\n        why: Gradient.\n",
    )
    assert valid.rows("ME404") == []


@pytest.mark.parametrize(
    ("statement", "level"),
    [
        ("Massage reduces pain.", Certainty.HIGH),
        ("Massage probably reduces pain.", Certainty.MODERATE),
        ("Massage is likely to reduce pain.", Certainty.MODERATE),
        ("Massage may reduce pain.", Certainty.LOW),
        ("Massage could possibly reduce pain.", Certainty.LOW),
        ("It is very uncertain whether massage reduces pain.", Certainty.VERY_LOW),
        ("It is unclear whether massage may reduce pain.", Certainty.VERY_LOW),
        ("Whether massage lowers cortisol is unknown if measured once.", Certainty.VERY_LOW),
    ],
)
def test_wording_level(statement: str, level: Certainty) -> None:
    """The most hedged cue sets the level; no cue reads as high."""
    assert wording_level(statement) is level


@pytest.mark.parametrize(
    ("statement", "certainty", "expected"),
    [
        ("Massage reduces pain.", Certainty.LOW, "Massage may reduce pain."),
        ("Massage flushes toxins.", Certainty.LOW, "Massage may flush toxins."),
        ("Massage relieves pain.", Certainty.MODERATE, "Massage probably relieves pain."),
        ("Massage does not lower cortisol.", Certainty.LOW, "Massage may not lower cortisol."),
        (
            "Massage does not lower cortisol.",
            Certainty.MODERATE,
            "Massage probably does not lower cortisol.",
        ),
        (
            "Massage reduces pain.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage reduces pain.",
        ),
        (
            "Massage may not ease pain.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage does not ease pain.",
        ),
        (
            "Massage probably eases pain.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage eases pain.",
        ),
        (
            "Massage may flush and may fix.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage flushes and fixes.",
        ),
        (
            "Massage may be safe, may have few harms, may do good, may go far and may not be"
            " costly.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage is safe, has few harms, does good, goes far"
            " and is not costly.",
        ),
        (
            "Massages may be safe, may not be costly and may ease pain.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massages are safe, are not costly and ease pain.",
        ),
        (
            "They may not help.",
            Certainty.VERY_LOW,
            "It is very uncertain whether they do not help.",
        ),
        (
            "Massage for athletes may be safe.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage for athletes is safe.",
        ),
        (
            "Stress relief may help.",
            Certainty.VERY_LOW,
            "It is very uncertain whether stress relief helps.",
        ),
        (
            "Diabetes may worsen and measles may not be mild.",
            Certainty.VERY_LOW,
            "It is very uncertain whether diabetes worsens and measles is not mild.",
        ),
        (
            "Children may sleep better.",
            Certainty.VERY_LOW,
            "It is very uncertain whether children sleep better.",
        ),
        (
            "For older adults, massages may not be safe.",
            Certainty.VERY_LOW,
            "It is very uncertain whether for older adults, massages are not safe.",
        ),
        (
            "In older adults, massage may help.",
            Certainty.VERY_LOW,
            "It is very uncertain whether in older adults, massage helps.",
        ),
        (
            "Massage and stretching may help.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage and stretching help.",
        ),
        (
            "Massage of the neck and back may help.",
            Certainty.VERY_LOW,
            "It is very uncertain whether massage of the neck and back helps.",
        ),
        (
            "Back rubs don't ease pain.",
            Certainty.MODERATE,
            "Back rubs probably do not ease pain.",
        ),
        ("Massage probably reduces pain.", Certainty.LOW, "Massage may reduce pain."),
        ("Massage likely does not ease pain.", Certainty.LOW, "Massage may not ease pain."),
        ("Massage is nice.", Certainty.LOW, None),
    ],
)
def test_suggested_wording(statement: str, certainty: Certainty, expected: str | None) -> None:
    """The proposal hedges the main verb as GRADE guidance 26 does."""
    assert suggest(statement, certainty) == expected
