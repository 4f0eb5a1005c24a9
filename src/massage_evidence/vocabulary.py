"""The controlled vocabularies of claims.yaml and what each term means for grading.

Why: reports, docs, the certainty engine and the schema all read the design table and the
certainty scale from here, so a term is defined once and explained once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Certainty(StrEnum):
    """GRADE certainty of evidence, from most to least sure."""

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very-low"

    @property
    def rank(self) -> int:
        """Position on the scale: very-low is 0, high is 3."""
        return _CERTAINTY_ORDER.index(self)

    @classmethod
    def from_rank(cls, rank: int) -> Certainty:
        """The certainty at `rank`, clamped to very-low…high."""
        return _CERTAINTY_ORDER[max(0, min(rank, len(_CERTAINTY_ORDER) - 1))]


_CERTAINTY_ORDER = (Certainty.VERY_LOW, Certainty.LOW, Certainty.MODERATE, Certainty.HIGH)


class Stance(StrEnum):
    """What a cited study says about one claim."""

    SUPPORTS = "supports"
    REFUTES = "refutes"
    MIXED = "mixed"
    INSUFFICIENT = "insufficient"

    @property
    def is_supporting(self) -> bool:
        """True for `supports` and `mixed`: evidence that carries a claim."""
        return self in (Stance.SUPPORTS, Stance.MIXED)


class Verdict(StrEnum):
    """The overall judgement on a claim; derived, never declared."""

    SUPPORTED = "supported"
    UNCERTAIN = "uncertain"
    CONTESTED = "contested"
    REFUTED = "refuted"
    UNSUPPORTED = "unsupported"


class RiskOfBias(StrEnum):
    """Overall risk of bias of one study (Cochrane RoB 2 judgements)."""

    LOW = "low"
    SOME_CONCERNS = "some-concerns"
    HIGH = "high"


class StudyStatus(StrEnum):
    """Publication status; only `current` studies count as evidence."""

    CURRENT = "current"
    RETRACTED = "retracted"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    SUPERSEDED = "superseded"

    @property
    def is_withdrawn(self) -> bool:
        """Retracted or under an expression of concern: not evidence at all (ME210)."""
        return self in (StudyStatus.RETRACTED, StudyStatus.EXPRESSION_OF_CONCERN)


class Domain(StrEnum):
    """A GRADE domain that moves certainty down (five) or up (three)."""

    RISK_OF_BIAS = "risk-of-bias"
    INCONSISTENCY = "inconsistency"
    INDIRECTNESS = "indirectness"
    IMPRECISION = "imprecision"
    PUBLICATION_BIAS = "publication-bias"
    LARGE_EFFECT = "large-effect"
    DOSE_RESPONSE = "dose-response"
    CONFOUNDING = "confounding"

    @property
    def is_upgrade(self) -> bool:
        """True for the three domains that raise certainty."""
        return self in _UPGRADES


_UPGRADES = frozenset({Domain.LARGE_EFFECT, Domain.DOSE_RESPONSE, Domain.CONFOUNDING})


class Design(StrEnum):
    """Study design; it sets where certainty starts (see `DESIGNS`)."""

    SYSTEMATIC_REVIEW = "systematic-review"
    RCT = "rct"
    GUIDELINE = "guideline"
    OBSERVATIONAL_REVIEW = "observational-review"
    COHORT = "cohort"
    NON_RANDOMISED_TRIAL = "non-randomised-trial"
    CASE_CONTROL = "case-control"
    CASE_SERIES = "case-series"
    WITHIN_SUBJECT_EXPERIMENT = "within-subject-experiment"
    NARRATIVE_REVIEW = "narrative-review"
    MECHANISTIC = "mechanistic"
    EXPERT_OPINION = "expert-opinion"
    AGENCY_SUMMARY = "agency-summary"
    WEB_PAGE = "web-page"
    NEWS = "news"
    BLOG = "blog"
    SOCIAL_MEDIA = "social-media"
    VIDEO = "video"

    @property
    def info(self) -> DesignInfo:
        """Starting certainty, OCEBM level and kind of this design."""
        return DESIGNS[self]


@dataclass(frozen=True, slots=True)
class DesignInfo:
    """What a study design means for grading.

    Why: GRADE starts randomised evidence at high and observational evidence at low; the
    OCEBM 2011 level is shown beside it because clinicians know both scales.
    """

    start: Certainty
    ocebm_level: int | None
    is_research: bool
    randomised: bool
    label: str


DESIGNS: dict[Design, DesignInfo] = {
    Design.SYSTEMATIC_REVIEW: DesignInfo(
        Certainty.HIGH, 1, True, True, "systematic review of randomised trials"
    ),
    Design.RCT: DesignInfo(Certainty.HIGH, 2, True, True, "randomised controlled trial"),
    Design.GUIDELINE: DesignInfo(Certainty.HIGH, 1, True, True, "clinical practice guideline"),
    Design.OBSERVATIONAL_REVIEW: DesignInfo(
        Certainty.LOW, 3, True, False, "systematic review of observational studies"
    ),
    Design.COHORT: DesignInfo(Certainty.LOW, 3, True, False, "cohort study"),
    Design.NON_RANDOMISED_TRIAL: DesignInfo(
        Certainty.LOW, 3, True, False, "non-randomised controlled trial"
    ),
    Design.CASE_CONTROL: DesignInfo(Certainty.LOW, 4, True, False, "case-control study"),
    Design.CASE_SERIES: DesignInfo(Certainty.LOW, 4, True, False, "case series"),
    Design.WITHIN_SUBJECT_EXPERIMENT: DesignInfo(
        Certainty.LOW, 4, True, False, "within-subject laboratory experiment"
    ),
    Design.NARRATIVE_REVIEW: DesignInfo(Certainty.VERY_LOW, 5, True, False, "narrative review"),
    Design.MECHANISTIC: DesignInfo(
        Certainty.VERY_LOW, 5, True, False, "mechanism-based reasoning or modelling"
    ),
    Design.EXPERT_OPINION: DesignInfo(Certainty.VERY_LOW, 5, True, False, "expert opinion"),
    Design.AGENCY_SUMMARY: DesignInfo(
        Certainty.VERY_LOW, None, False, False, "agency summary (grey literature)"
    ),
    Design.WEB_PAGE: DesignInfo(Certainty.VERY_LOW, None, False, False, "web page"),
    Design.NEWS: DesignInfo(Certainty.VERY_LOW, None, False, False, "news article"),
    Design.BLOG: DesignInfo(Certainty.VERY_LOW, None, False, False, "blog post"),
    Design.SOCIAL_MEDIA: DesignInfo(Certainty.VERY_LOW, None, False, False, "social media post"),
    Design.VIDEO: DesignInfo(Certainty.VERY_LOW, None, False, False, "video"),
}
