"""ME5xx: each rule with a failing and a passing example, exact code, line and message."""

from __future__ import annotations

import json

import pytest

from ..conftest import VALID_ARTICLE, VALID_CLAIMS, Project


def test_valid_corpus_has_no_anchor_findings(valid: Project) -> None:
    """The base corpus passes every ME5xx rule."""
    assert valid.rows("ME5") == []


def test_unknown_document(valid: Project) -> None:
    """An anchor naming an unknown document is ME501 with a suggestion."""
    valid.write("claims.yaml", VALID_CLAIMS.replace("- document: article", "- document: artcle"))
    assert valid.rows("ME501") == [
        (
            "ME501",
            "claims.yaml",
            14,
            19,
            "claim 'pain-relief' anchors to unknown document 'artcle'; did you mean 'article'?",
        )
    ]


def test_anchor_not_found(valid: Project) -> None:
    """A quote that is not in the document is ME502 at the quote."""
    valid.write(
        "claims.yaml", VALID_CLAIMS.replace("massage eases back pain", "massage cures back pain")
    )
    assert valid.rows("ME502") == [
        (
            "ME502",
            "claims.yaml",
            15,
            16,
            "claim 'pain-relief': quote 'massage cures back pain' is not in document 'article';"
            " the text may have changed",
        )
    ]


def test_anchor_not_found_because_of_its_prefix(valid: Project) -> None:
    """A quote that is there but not after its prefix says so."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace(
            "exact: massage eases back pain",
            "exact: massage eases back pain\n        prefix: Rare ",
        ),
    )
    assert [row[4] for row in valid.rows("ME502")] == [
        "claim 'pain-relief': quote 'massage eases back pain' is not in document 'article';"
        " the quote is there, but not with this prefix and suffix"
    ]


@pytest.mark.parametrize(
    ("article", "exact"),
    [
        ("Regular  massage\n   eases back pain.", "Regular massage eases back pain"),
        (
            "Massage isn\u2019t a \u201cluxury\u201d\u2014it helps.",
            'Massage isn\'t a "luxury"-it helps',
        ),
        ("Cafe\u0301 massage helps.", "Caf\u00e9 massage helps"),
        ("Massage\u00a0helps\ta lot.", "Massage helps a lot"),
        # NFC joins a Bengali vowel sign of combining class 0 to the sign before it
        ("Massage helps \u09c7\u09be a lot.", "Massage helps \u09cb a lot"),
        ("Massage helps \u09cb a lot.", "Massage helps \u09c7\u09be a lot"),
    ],
)
def test_quotes_match_after_normalisation(valid: Project, article: str, exact: str) -> None:
    """Whitespace runs, typographic quotes and dashes, and NFC do not break a match."""
    valid.write("article.txt", article + "\n")
    valid.write("claims.yaml", VALID_CLAIMS.replace("massage eases back pain", json.dumps(exact)))
    assert valid.rows("ME502", "ME503") == []


def test_anchor_ambiguous(valid: Project) -> None:
    """A quote found twice is ME503 listing the lines; a prefix resolves it."""
    valid.write("article.txt", VALID_ARTICLE + "Weekly massage eases back pain too.\n")
    assert valid.rows("ME503") == [
        (
            "ME503",
            "claims.yaml",
            15,
            16,
            "claim 'pain-relief': quote 'massage eases back pain' occurs 2 times in document"
            " 'article' (lines 2, 3); add a prefix or suffix to pick one",
        )
    ]
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace(
            "exact: massage eases back pain",
            "exact: massage eases back pain\n        prefix: 'Weekly '",
        ),
    )
    assert valid.rows("ME503", "ME502") == []


def test_stale_not_claims_quote(valid: Project) -> None:
    """A `not_claims` quote that is not in the document is ME502 at the quote."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace(
            "    path: article.txt\n", "    path: article.txt\n    not_claims: [Gone]\n"
        ),
    )
    assert valid.rows("ME502") == [
        ("ME502", "claims.yaml", 6, 18, "not_claims quote 'Gone' is not in document 'article'")
    ]


def test_unannotated_claim(valid: Project) -> None:
    """A claim-like sentence no anchor covers is an ME504 warning at its place in the text."""
    valid.write("article.txt", VALID_ARTICLE + "It also boosts circulation. The end.\n")
    assert valid.rows("ME504") == [
        (
            "ME504",
            "article.txt",
            3,
            1,
            "sentence 'It also boosts circulation.' reads like a benefit claim but no claim"
            " anchors it; anchor it, or list it under documents.article.not_claims",
        )
    ]


def test_unannotated_claim_in_the_middle_of_a_line(valid: Project) -> None:
    """The column is that of the sentence in its line, in code points (emoji count one)."""
    valid.write("article.txt", VALID_ARTICLE + "🙂 Fine. It helps sleep.\n")
    assert [row[:4] for row in valid.rows("ME504")] == [("ME504", "article.txt", 3, 9)]


@pytest.mark.parametrize("end", ["\r", "\r\n"])
def test_unannotated_claim_in_a_document_with_cr_line_ends(valid: Project, end: str) -> None:
    """Lines end at CR (classic Mac OS) and CR LF as at LF."""
    text = VALID_ARTICLE + "Fine.\n🙂 Fine. It helps sleep.\n"
    valid.write("article.txt", text.replace("\n", end).encode())
    assert valid.rows("ME504") == [
        (
            "ME504",
            "article.txt",
            4,
            9,
            "sentence 'It helps sleep.' reads like a benefit claim but no claim anchors it;"
            " anchor it, or list it under documents.article.not_claims",
        )
    ]


def test_not_claims_silences_a_sentence(valid: Project) -> None:
    """A sentence listed under `not_claims` passes ME504."""
    valid.write("article.txt", VALID_ARTICLE + "Lower back exercises.\n")
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace(
            "    path: article.txt\n",
            "    path: article.txt\n    not_claims: [Lower back exercises]\n",
        ),
    )
    assert valid.rows("ME504") == []
