"""Evidence diff: what changed in the evidence between two versions of a corpus.

Why: a pull request that edits claims.yaml, refs.bib or a source document changes what the
report will say, and a reviewer should see that as judgements (a verdict that fell, a
study that now refutes, a quote the edited article no longer contains) rather than as a
YAML diff. Both versions are read through `corpus_json`, so the diff shows exactly what
reports and exports show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .anchoring import anchor_index
from .exporting import corpus_json
from .jsontext import json_text
from .markdown import markdown_escape
from .models import Corpus

DIFF_VERSION = 1
NO_CHANGES = "No changes in the evidence."


@dataclass(frozen=True, slots=True)
class ClaimSummary:
    """A claim that was added or removed, as it reads in its version."""

    id: str
    category: str
    statement: str
    certainty: str
    verdict: str


@dataclass(frozen=True, slots=True)
class GradingChange:
    """A claim whose certainty in force or verdict changed, with both derivations."""

    claim: str
    old_certainty: str
    new_certainty: str
    old_verdict: str
    new_verdict: str
    old_derivation: str
    new_derivation: str


@dataclass(frozen=True, slots=True)
class StanceChange:
    """A study's stance on a claim changed; None where the claim did not cite it."""

    claim: str
    ref: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class OrphanedAnchor:
    """An anchor that matched its document exactly once in the old version and does not
    in the new one: `not-found`, `ambiguous` (then `matches` > 1) or `document-missing`."""

    claim: str
    document: str
    exact: str
    prefix: str
    suffix: str
    status: str
    matches: int


@dataclass(frozen=True, slots=True)
class EvidenceDiff:
    """Every change between two versions of a corpus that a report would show."""

    claims_added: list[ClaimSummary] = field(default_factory=list)
    claims_removed: list[ClaimSummary] = field(default_factory=list)
    grading_changes: list[GradingChange] = field(default_factory=list)
    stance_changes: list[StanceChange] = field(default_factory=list)
    references_added: list[str] = field(default_factory=list)
    references_removed: list[str] = field(default_factory=list)
    orphaned_anchors: list[OrphanedAnchor] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything changed in the evidence."""
        return any(getattr(self, f.name) for f in fields(self))


def diff_corpora(old: Corpus, new: Corpus) -> EvidenceDiff:
    """What changed in the evidence from `old` to `new`.

    Claims are matched by id and references by BibTeX key; changes are listed in the
    order of the new claims file (removed claims in the order of the old one).
    """
    old_json, new_json = corpus_json(old), corpus_json(new)
    old_claims = {claim["id"]: claim for claim in old_json["claims"]}
    new_claims = {claim["id"]: claim for claim in new_json["claims"]}
    kept = [claim_id for claim_id in new_claims if claim_id in old_claims]
    return EvidenceDiff(
        claims_added=[_summary(c) for i, c in new_claims.items() if i not in old_claims],
        claims_removed=[_summary(c) for i, c in old_claims.items() if i not in new_claims],
        grading_changes=[
            change
            for claim_id in kept
            if (change := _grading_change(old_claims[claim_id], new_claims[claim_id]))
        ],
        stance_changes=[
            change
            for claim_id in kept
            for change in _stance_changes(old_claims[claim_id], new_claims[claim_id])
        ],
        references_added=_missing(new_json["references"], old_json["references"]),
        references_removed=_missing(old_json["references"], new_json["references"]),
        orphaned_anchors=_orphaned(old, new),
    )


def _summary(claim: Mapping[str, Any]) -> ClaimSummary:
    return ClaimSummary(
        claim["id"], claim["category"], claim["statement"], claim["certainty"], claim["verdict"]
    )


def _grading_change(old: Mapping[str, Any], new: Mapping[str, Any]) -> GradingChange | None:
    if (old["certainty"], old["verdict"]) == (new["certainty"], new["verdict"]):
        return None
    return GradingChange(
        new["id"],
        old["certainty"],
        new["certainty"],
        old["verdict"],
        new["verdict"],
        old["derivation"],
        new["derivation"],
    )


def _stance_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[StanceChange]:
    before, after = _stances(old), _stances(new)
    refs = [*after, *(ref for ref in before if ref not in after)]
    return [
        StanceChange(new["id"], ref, before.get(ref), after.get(ref))
        for ref in refs
        if before.get(ref) != after.get(ref)
    ]


def _stances(claim: Mapping[str, Any]) -> dict[str, str]:
    """Each cited key's stance; a key cited twice shows both stances, in order."""
    stances: dict[str, list[str]] = {}
    for item in claim["evidence"]:
        stances.setdefault(item["ref"], []).append(item["stance"])
    return {ref: ", ".join(values) for ref, values in stances.items()}


def _missing(keys: Iterable[str], other: Mapping[str, Any]) -> list[str]:
    return [key for key in keys if key not in other]


def _orphaned(old: Corpus, new: Corpus) -> list[OrphanedAnchor]:
    """Anchors that matched once in the old version and do not in the new one.

    An anchor is the same anchor when its claim id, document, quote, prefix and suffix are.
    """
    matched_before = {
        (old.claims[m.claim_index].id, m.anchor)
        for m in anchor_index(old).anchors
        if m.span is not None
    }
    now = {(new.claims[m.claim_index].id, m.anchor): m for m in anchor_index(new).anchors}
    orphaned = []
    for claim in new.claims:
        for anchor in dict.fromkeys(claim.anchors):
            match = now.get((claim.id, anchor))
            matches = len(match.match.spans) if match is not None else 0
            if (claim.id, anchor) in matched_before and matches != 1:
                if match is None:
                    status = "document-missing"
                else:
                    status = "ambiguous" if matches else "not-found"
                orphaned.append(
                    OrphanedAnchor(
                        claim.id,
                        anchor.document,
                        anchor.exact,
                        anchor.prefix,
                        anchor.suffix,
                        status,
                        matches,
                    )
                )
    return orphaned


def diff_json(diff: EvidenceDiff) -> str:
    """The diff as indented JSON: `version`, `changed`, then one list per kind of change."""
    return json_text({"version": DIFF_VERSION, "changed": diff.changed, **asdict(diff)})


def diff_markdown(diff: EvidenceDiff) -> str:
    """The diff as GitHub-flavoured Markdown for a pull-request comment: a summary line,
    then one table per kind of change; no raw HTML, every value escaped."""
    lines = ["## Evidence diff", ""]
    if not diff.changed:
        return "\n".join([*lines, NO_CHANGES]) + "\n"
    lines += [_summary_line(diff), ""]
    if diff.claims_added:
        lines += _claims_table("Claims added", diff.claims_added)
    if diff.claims_removed:
        lines += _claims_table("Claims removed", diff.claims_removed)
    if diff.grading_changes:
        lines += _table(
            "Certainty and verdict changes",
            ["claim", "certainty", "verdict", "derivation"],
            [
                [
                    _code(c.claim),
                    _arrow(c.old_certainty, c.new_certainty),
                    _arrow(c.old_verdict, c.new_verdict),
                    _arrow(markdown_escape(c.old_derivation), markdown_escape(c.new_derivation)),
                ]
                for c in diff.grading_changes
            ],
        )
    if diff.stance_changes:
        lines += _table(
            "Stance changes",
            ["claim", "reference", "stance"],
            [
                [_code(c.claim), _code(c.ref), _arrow(c.old or "not cited", c.new or "not cited")]
                for c in diff.stance_changes
            ],
        )
    references = [(key, "added") for key in diff.references_added]
    references += [(key, "removed") for key in diff.references_removed]
    if references:
        lines += _table(
            "References", ["reference", "change"], [[_code(k), c] for k, c in references]
        )
    if diff.orphaned_anchors:
        lines += _table(
            "Orphaned anchors",
            ["claim", "document", "quote", "now"],
            [
                [_code(a.claim), _code(a.document), markdown_escape(a.exact), _status(a)]
                for a in diff.orphaned_anchors
            ],
        )
    return "\n".join(lines[:-1]) + "\n"


def _summary_line(diff: EvidenceDiff) -> str:
    counts = [
        (len(diff.claims_added), "claim added", "claims added"),
        (len(diff.claims_removed), "claim removed", "claims removed"),
        (len(diff.grading_changes), "certainty or verdict change", "certainty or verdict changes"),
        (len(diff.stance_changes), "stance change", "stance changes"),
        (len(diff.references_added), "reference added", "references added"),
        (len(diff.references_removed), "reference removed", "references removed"),
        (len(diff.orphaned_anchors), "orphaned anchor", "orphaned anchors"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts if n) + "."


def _claims_table(title: str, claims: list[ClaimSummary]) -> list[str]:
    return _table(
        title,
        ["claim", "category", "statement", "verdict", "certainty"],
        [
            [_code(c.id), _code(c.category), markdown_escape(c.statement), c.verdict, c.certainty]
            for c in claims
        ],
    )


def _table(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        f"### {title}",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]


def _arrow(old: str, new: str) -> str:
    return new if old == new else f"{old} → {new}"


def _status(anchor: OrphanedAnchor) -> str:
    if anchor.status == "ambiguous":
        return f"ambiguous ({anchor.matches} matches)"
    return anchor.status.replace("-", " ")


_BACKTICKS = re.compile(r"`+")


def _code(value: str) -> str:
    """`value` as an inline code span in a table cell (ids, keys): the fence is longer
    than any run of backticks inside, and pipes are escaped as GFM tables need."""
    flat = " ".join(value.split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(flat)), default=0) + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"
