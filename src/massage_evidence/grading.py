"""GRADE: how sure we can be of what the evidence says about a claim, and the verdict.

The method: sort the claim's current studies by stance to find the
direction; start from the highest starting level among the studies that carry that
direction; apply every listed reason (one level per step; upgrades only when the start is
low or very-low); clamp to very-low…high. With no usable evidence the certainty is very-low.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .models import Claim, Corpus, Evidence, Override
from .vocabulary import DESIGNS, Certainty, Design, Domain, Stance, StudyStatus, Verdict

_DESIGN_ORDER = {design: index for index, design in enumerate(DESIGNS)}
_SHOWN_STUDIES = 2


class Direction(StrEnum):
    """Which way the usable evidence points, before certainty is known."""

    SUPPORT = "support"
    AGAINST = "against"
    BOTH = "both"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Step:
    """One GRADE reason as applied: its signed change, or why it was refused."""

    domain: Domain
    change: int
    why: str
    refused: bool = False

    @property
    def label(self) -> str:
        """`− risk-of-bias`, `− indirectness ×2`, `+ large-effect`."""
        sign = "+" if self.change > 0 else "−"
        times = f" ×{abs(self.change)}" if abs(self.change) > 1 else ""
        return f"{sign} {self.domain}{times}"


@dataclass(frozen=True, slots=True)
class Derivation:
    """The certainty of a claim, derived step by step, and its verdict.

    `certainty` is derived from the evidence; `in_force` is the override's certainty
    when a justified override is given, else the derived one. The verdict follows from
    the direction of the evidence and the certainty in force.
    """

    direction: Direction
    start: Certainty
    start_design: Design | None
    start_refs: tuple[str, ...]
    steps: tuple[Step, ...]
    unclamped: int
    certainty: Certainty
    override: Override | None
    in_force: Certainty
    verdict: Verdict

    @property
    def clamped(self) -> bool:
        """Whether the reasons pushed certainty past either end of the scale."""
        return self.unclamped != self.certainty.rank

    @property
    def justified_override(self) -> bool:
        """Whether an override with a non-blank justification replaces the derivation."""
        return justified(self.override)

    @property
    def explanation(self) -> str:
        """One line, e.g. `high (systematic-review: furlan2015massage) − risk-of-bias
        − imprecision = low`."""
        if self.start_design is None:
            text = f"no usable evidence = {self.certainty}"
        else:
            shown = ", ".join(self.start_refs[:_SHOWN_STUDIES])
            more = len(self.start_refs) - _SHOWN_STUDIES
            if more > 0:
                shown += f" + {more} more"
            parts = [f"{self.start} ({self.start_design}: {shown})"]
            parts += [
                f"({step.label} refused: randomised evidence)" if step.refused else step.label
                for step in self.steps
            ]
            clamp = " (clamped)" if self.clamped else ""
            text = " ".join(parts) + f" = {self.certainty}{clamp}"
        if self.override is not None and self.justified_override:
            text += f"; overridden to {self.override.certainty}: {self.override.justification}"
        return text


def derive_certainty(claim: Claim, corpus: Corpus) -> Derivation:
    """Derive the certainty and verdict of `claim` from its evidence in `corpus`."""
    usable = [e for e in claim.evidence if _usable(e, corpus)]
    supporting = [e for e in usable if e.stance.is_supporting]
    refuting = [e for e in usable if e.stance is Stance.REFUTES]
    direction = _direction(bool(supporting), bool(refuting))
    carriers = supporting + refuting
    if not carriers:
        return Derivation(
            direction=direction,
            start=Certainty.VERY_LOW,
            start_design=None,
            start_refs=(),
            steps=(),
            unclamped=Certainty.VERY_LOW.rank,
            certainty=Certainty.VERY_LOW,
            override=claim.override,
            in_force=_in_force(Certainty.VERY_LOW, claim.override),
            verdict=Verdict.UNSUPPORTED,
        )
    designs = {e.ref: corpus.studies[e.ref].design for e in carriers}
    top = min(set(designs.values()), key=lambda d: (-d.info.start.rank, _DESIGN_ORDER[d]))
    start = top.info.start
    observational = start.rank <= Certainty.LOW.rank
    steps = tuple(
        Step(
            reason.domain,
            reason.steps if reason.domain.is_upgrade else -reason.steps,
            reason.why,
            refused=reason.domain.is_upgrade and not observational,
        )
        for reason in claim.reasons
    )
    unclamped = start.rank + sum(step.change for step in steps if not step.refused)
    certainty = Certainty.from_rank(unclamped)
    in_force = _in_force(certainty, claim.override)
    return Derivation(
        direction=direction,
        start=start,
        start_design=top,
        start_refs=tuple(sorted(ref for ref, design in designs.items() if design is top)),
        steps=steps,
        unclamped=unclamped,
        certainty=certainty,
        override=claim.override,
        in_force=in_force,
        verdict=_verdict(direction, in_force),
    )


def grades(corpus: Corpus) -> list[Derivation]:
    """The derivation of every claim, in claim order (computed once per corpus): by
    position, since two claims may share an id (ME302) and each has its own evidence."""
    return corpus.derived("grades", lambda c: [derive_certainty(claim, c) for claim in c.claims])


def _usable(evidence: Evidence, corpus: Corpus) -> bool:
    """Evidence counts when its study is appraised and current (not withdrawn or
    superseded)."""
    study = corpus.studies.get(evidence.ref)
    return study is not None and study.status is StudyStatus.CURRENT


def justified(override: Override | None) -> bool:
    """Whether an override is given with a non-blank justification (else it is ignored)."""
    return override is not None and bool(override.justification and override.justification.strip())


def _in_force(derived: Certainty, override: Override | None) -> Certainty:
    return override.certainty if override is not None and justified(override) else derived


def _direction(supporting: bool, refuting: bool) -> Direction:
    if supporting and refuting:
        return Direction.BOTH
    if supporting:
        return Direction.SUPPORT
    return Direction.AGAINST if refuting else Direction.NONE


def _verdict(direction: Direction, certainty: Certainty) -> Verdict:
    if direction == Direction.BOTH:
        return Verdict.CONTESTED
    if direction == Direction.AGAINST:
        return Verdict.REFUTED
    if direction == Direction.NONE:
        return Verdict.UNSUPPORTED
    return Verdict.SUPPORTED if certainty.rank >= Certainty.MODERATE.rank else Verdict.UNCERTAIN
