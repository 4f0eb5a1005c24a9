"""ME4xx: certainty, overrides, wording and upgrades (GRADE)."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Problem, Severity
from ..grading import grades, justified
from ..models import Corpus
from ..wording import PHRASES, suggest, wording_level
from . import rule


@rule("ME401", "certainty-mismatch", Severity.ERROR)
def certainty_mismatch(corpus: Corpus) -> Iterator[Problem]:
    """A claim's declared certainty differs from the one its evidence gives.

    Why: a grade must follow from its evidence, step by step, so that anyone can check
    it. The message shows the derivation. To keep a different grade, give an `override`
    with a justification; the declared certainty must then equal the override.

    Example:
        certainty: moderate
        reasons:
          - domain: risk-of-bias
            why: Most trials unblinded.
          - domain: imprecision
            why: Few small trials.
        # high (systematic-review: furlan2015massage) − risk-of-bias − imprecision = low

    Fix:
        certainty: low
    """
    derived = grades(corpus)
    for i, claim in enumerate(corpus.claims):
        derivation = derived[i]
        if claim.certainty is None or claim.certainty is derivation.in_force:
            continue
        if derivation.justified_override:
            message = (
                f"claim {claim.id!r} declares certainty {claim.certainty} but its override"
                f" says {derivation.in_force}; make them agree"
            )
        else:
            message = (
                f"claim {claim.id!r} declares certainty {claim.certainty} but the evidence"
                f" gives {derivation.certainty}: {derivation.explanation}"
            )
        yield Problem(message, corpus.locate("claims", i, "certainty"), claim.id)


@rule("ME402", "override-without-justification", Severity.ERROR)
def override_without_justification(corpus: Corpus) -> Iterator[Problem]:
    """An override of the derived certainty gives no justification.

    Why: overruling the derivation is a judgement; a reader must be able to see why.
    Without a justification the override is ignored and the derived certainty stands.

    Example:
        override:
          certainty: moderate

    Fix:
        override:
          certainty: moderate
          justification: The largest trial is well blinded and agrees with the review.
    """
    for i, claim in enumerate(corpus.claims):
        override = claim.override
        if override is not None and not justified(override):
            yield Problem(
                f"claim {claim.id!r} overrides certainty to {override.certainty} without a"
                " justification; say why, or remove the override",
                corpus.locate("claims", i, "override"),
                claim.id,
            )


@rule("ME403", "overclaiming-wording", Severity.WARNING)
def overclaiming_wording(corpus: Corpus) -> Iterator[Problem]:
    """A claim's statement is worded more surely than its certainty allows.

    Why: readers take "massage reduces pain" as established. GRADE guidance 26 words
    each level differently: high "reduces", moderate "probably reduces" (or "likely"),
    low "may reduce" (or "might", "could", "possibly"), very low "it is very uncertain
    whether … reduces" (or "unclear whether", "unknown whether"). The statement reads at
    the level of its most hedged cue; with none it reads as high.

    Example:
        statement: Massage relieves chronic low back pain.
        certainty: low

    Fix:
        statement: Massage may relieve chronic low back pain in the short term.
        certainty: low
    """
    derived = grades(corpus)
    for i, claim in enumerate(corpus.claims):
        certainty = derived[i].in_force
        reads = wording_level(claim.statement)
        if reads.rank <= certainty.rank:
            continue
        proposal = suggest(claim.statement, certainty)
        example = f", e.g. {proposal!r}" if proposal else ""
        yield Problem(
            f"claim {claim.id!r} reads as {reads} certainty but its certainty is {certainty};"
            f" word it as {PHRASES[certainty]!r}{example}",
            corpus.locate("claims", i, "statement"),
            claim.id,
        )


@rule("ME404", "invalid-upgrade", Severity.ERROR)
def invalid_upgrade(corpus: Corpus) -> Iterator[Problem]:
    """An upgrade (large-effect, dose-response, confounding) is applied to evidence that
    starts high.

    Why: GRADE upgrades only observational evidence, which starts low. Randomised
    evidence already starts high; an upgrade there is ignored by the derivation.

    Example:
        evidence:
          - ref: cherkin2011comparison     # design: rct
            stance: supports
        reasons:
          - domain: large-effect
            why: Big improvement in function.

    Fix:
        reasons: []                         # or a downgrade, if one applies
    """
    derived = grades(corpus)
    for i, claim in enumerate(corpus.claims):
        derivation = derived[i]
        for j, step in enumerate(derivation.steps):
            if step.refused:
                yield Problem(
                    f"claim {claim.id!r}: {step.domain} cannot raise certainty that starts"
                    f" {derivation.start} ({derivation.start_design}); GRADE upgrades only"
                    " evidence that starts low",
                    corpus.locate("claims", i, "reasons", j, "domain"),
                    claim.id,
                )
