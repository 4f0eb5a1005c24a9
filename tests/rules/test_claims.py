"""ME3xx: each rule with a failing and a passing example, exact code, line and message."""

from __future__ import annotations

import pytest

from ..conftest import MINIMAL_BIB, VALID_CLAIMS, Project

SECOND_CLAIM = """\
  - id: pain-relief
    category: pain
    statement: Massage may reduce neck pain.
    evidence:
      - ref: smith2020
        stance: mixed
"""


def test_valid_corpus_has_no_claim_errors(valid: Project) -> None:
    """The base corpus passes ME301 to ME304; ME305 reports the four unused defaults."""
    assert valid.rows("ME301", "ME302", "ME303", "ME304") == []


def test_claim_without_evidence(valid: Project) -> None:
    """A claim with no evidence is ME301 at the claim."""
    valid.write("claims.yaml", VALID_CLAIMS.split("    evidence:")[0])
    assert valid.rows("ME301") == [
        (
            "ME301",
            "claims.yaml",
            10,
            5,
            "claim 'pain-relief' cites no evidence; add the studies that bear on it",
        )
    ]
    assert valid.findings("ME301")[0].claim == "pain-relief"


def test_duplicate_claim_id(valid: Project) -> None:
    """A repeated claim id is ME302 at the second id."""
    valid.write("claims.yaml", VALID_CLAIMS + SECOND_CLAIM)
    assert valid.rows("ME302") == [
        (
            "ME302",
            "claims.yaml",
            19,
            9,
            "claim id 'pain-relief' is already used at line 10; ids must be unique",
        )
    ]


def test_distinct_claim_ids_pass(valid: Project) -> None:
    """Two claims with different ids pass ME302."""
    valid.write("claims.yaml", VALID_CLAIMS + SECOND_CLAIM.replace("pain-relief", "neck-relief"))
    assert valid.rows("ME302") == []


def test_unknown_category(valid: Project) -> None:
    """A misspelt category is ME303 at the value, with a suggestion."""
    valid.write("claims.yaml", VALID_CLAIMS.replace("category: pain", "category: pian"))
    assert valid.rows("ME303") == [
        (
            "ME303",
            "claims.yaml",
            11,
            15,
            "claim 'pain-relief' has unknown category 'pian'; did you mean 'pain'?",
        )
    ]


def test_custom_categories(valid: Project) -> None:
    """Listed categories replace the defaults; an unlisted one is ME303 naming the known."""
    custom = VALID_CLAIMS.replace("documents:", "categories:\n  safety: Safety\ndocuments:")
    valid.write("claims.yaml", custom)
    assert valid.rows("ME303") == [
        (
            "ME303",
            "claims.yaml",
            13,
            15,
            "claim 'pain-relief' has unknown category 'pain' (known: safety)",
        )
    ]
    valid.write("claims.yaml", custom.replace("category: pain", "category: safety"))
    assert valid.rows("ME303") == []


def test_grey_literature_only(valid: Project) -> None:
    """Support from grey literature only is an ME304 warning at the evidence list."""
    valid.write("claims.yaml", VALID_CLAIMS.replace("design: rct", "design: agency-summary"))
    assert valid.rows("ME304") == [
        (
            "ME304",
            "claims.yaml",
            16,
            5,
            "claim 'pain-relief' is supported only by grey literature:"
            " smith2020 (agency-summary); add research evidence or weaken the claim",
        )
    ]
    assert valid.findings("ME304")[0].severity == "warning"


@pytest.mark.parametrize(
    ("status", "found"),
    [
        (
            "superseded",
            "has no current research among its support: smith2020 (rct, superseded),"
            " nccih (agency-summary)",
        ),
        # the retracted trial is ME210's error; what is left is grey literature
        ("retracted", "is supported only by grey literature: nccih (agency-summary)"),
    ],
)
def test_research_no_longer_current_is_not_research_support(
    valid: Project, status: str, found: str
) -> None:
    """A superseded or withdrawn trial beside grey literature leaves no research support."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("design: rct", f"design: rct\n    status: {status}\n"
                             "  nccih:\n    design: agency-summary")
        .replace("stance: supports", "stance: supports\n      - ref: nccih\n"
                 "        stance: supports"),
    )  # fmt: skip
    valid.write(
        "refs.bib", MINIMAL_BIB + "@misc{nccih, title = {Massage}, url = {https://e.org}}\n"
    )
    assert valid.rows("ME304") == [
        (
            "ME304",
            "claims.yaml",
            19,
            5,
            f"claim 'pain-relief' {found}; add research evidence or weaken the claim",
        )
    ]


def test_a_withdrawn_study_alone_is_left_to_me210(valid: Project) -> None:
    """Support that is only a retracted trial is ME210's error, not also ME304's warning."""
    valid.write(
        "claims.yaml", VALID_CLAIMS.replace("design: rct", "design: rct\n    status: retracted")
    )
    assert [f.code for f in valid.findings("ME210", "ME304")] == ["ME210"]


def test_grey_literature_beside_research_passes(valid: Project) -> None:
    """Grey literature beside research evidence, or only refuting, passes ME304."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("design: agency", "design: agency")
        .replace("design: rct", "design: web-page")
        .replace("stance: supports", "stance: refutes"),
    )
    assert valid.rows("ME304") == []


def test_empty_category(valid: Project) -> None:
    """A category with no claims is ME305 info at the category's key."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("documents:", "categories:\n  pain: Pain\n  sleep: Sleep\ndocuments:"),
    )
    assert valid.rows("ME305") == [("ME305", "claims.yaml", 5, 3, "category 'sleep' has no claims")]
    assert valid.findings("ME305")[0].severity == "info"


def test_every_category_used_passes(valid: Project) -> None:
    """When every category has a claim, ME305 is silent."""
    valid.write(
        "claims.yaml", VALID_CLAIMS.replace("documents:", "categories:\n  pain: Pain\ndocuments:")
    )
    assert valid.rows("ME305") == []
