"""Exports: the JSON export, W3C Web Annotations, schema.org ClaimReview and SciFact lines."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_evidence import load
from massage_evidence.cli import main
from massage_evidence.exporting import (
    VERDICT_RATINGS,
    export_claimreview,
    export_csl_json,
    export_json,
    export_scifact,
    export_web_annotation,
)
from massage_evidence.findings import Severity
from massage_evidence.validation import validate

from .conftest import MINIMAL_BIB, REPO, SHARED, Project


def test_json_export_of_a_small_corpus(valid: Project) -> None:
    """Every top-level key of SPEC.md, and each claim's certainty in force and verdict."""
    document = json.loads(export_json(load("claims.yaml")))
    assert list(document) == [
        "version", "title", "categories", "documents", "studies", "references", "claims",
    ]  # fmt: skip
    assert document["version"] == 1
    assert document["references"] == {
        "smith2020": {
            "type": "article",
            "fields": {
                "author": "Smith, A.",
                "title": "A trial",
                "journal": "Journal",
                "year": "2020",
            },
        }
    }
    assert document["claims"] == [
        {
            "id": "pain-relief",
            "category": "pain",
            "statement": "Massage may reduce back pain.",
            "anchors": [
                {
                    "document": "article",
                    "exact": "massage eases back pain",
                    "prefix": "",
                    "suffix": "",
                }
            ],
            "evidence": [{"ref": "smith2020", "stance": "supports"}],
            "reasons": [],
            "certainty": "high",
            "verdict": "supported",
            "derivation": "high (rct: smith2020) = high",
        }
    ]


# Emoji before the quote: 😀, 👍 and 🏽 are one code point each but two UTF-16 code units,
# so JavaScript-style offsets would be 3 more than Python's. The quote also spans a double
# space and a line break, which the selector must keep as the document has them.
ARTICLE = "😀 Notes 👍🏽.\nRegular massage  eases\nback pain for many 🙂 people.\n"
BLOG = "Our view: massage eases back pain and calms stress.\n"

CLAIMS = """\
version: 1
title: Test corpus
categories:
  pain: Pain
  posture: Posture
  stress: Stress
documents:
  article:
    path: texts/article one.txt
    title: Massage & you
  blog:
    path: blog.txt
studies:
  smith2020:
    design: rct
  jones2021:
    design: cohort
  lee2019:
    design: narrative-review
  wu2022:
    design: rct
claims:
  - id: pain-relief
    category: pain
    statement: Massage may reduce back pain.
    anchors:
      - document: article
        exact: massage eases back pain
      - document: blog
        exact: eases back pain
    evidence:
      - ref: smith2020
        stance: supports
      - ref: jones2021
        stance: mixed
      - ref: lee2019
        stance: insufficient
  - id: posture-unmade
    category: posture
    statement: Massage may improve posture.
    evidence:
      - ref: jones2021
        stance: supports
  - id: stress-calm
    category: stress
    statement: Massage probably does not calm stress.
    anchors:
      - document: blog
        exact: calms stress
    evidence:
      - ref: wu2022
        stance: refutes
"""

BIB = "\n".join(
    f"@article{{{key},\n  author = {{{author}}},\n  title = {{{title}}},\n"
    f"  journal = {{Journal}},\n  year = {{{year}}},\n}}\n"
    for key, author, title, year in [
        ("wu2022", "Wu, C.", "A trial of calm", 2022),
        ("smith2020", "Smith, A.", "A trial", 2020),
        ("jones2021", "Jones, B.", "A cohort", 2021),
        ("lee2019", "Lee, D.", "A review", 2019),
    ]
)


@pytest.fixture
def rich(project: Project) -> Project:
    """Two documents, one with emoji before its quote; three claims, one anchored nowhere;
    every stance; the bibliography in another order than the studies."""
    project.write("claims.yaml", CLAIMS)
    project.write("refs.bib", BIB)
    project.write("texts/article one.txt", ARTICLE)
    project.write("blog.txt", BLOG)
    return project


def test_rich_corpus_exports_without_errors(rich: Project) -> None:
    """The fixture is a corpus the command line agrees to export."""
    findings = validate(load("claims.yaml"))
    assert [f.code for f in findings if f.severity is Severity.ERROR] == []


def web_annotations() -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads(export_web_annotation(load("claims.yaml")))
    return result


def test_web_annotation_offsets_count_code_points(rich: Project) -> None:
    """Positions are code points of the document, not UTF-16 units, and the selectors hold
    the document's own text: `text[start:end] == exact`, prefix and suffix around it."""
    target = web_annotations()[0]["target"]
    quote, position = target["selector"]
    text = ARTICLE
    assert (position["start"], position["end"]) == (20, 44)
    assert len(text[: position["start"]].encode("utf-16-le")) // 2 == 23
    assert text[position["start"] : position["end"]] == quote["exact"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "massage  eases\nback pain",
        "prefix": "😀 Notes 👍🏽.\nRegular ",
        "suffix": " for many 🙂 people.\n",
    }
    assert text[position["start"] - len(quote["prefix"]) : position["start"]] == quote["prefix"]
    assert target["source"] == "texts/article%20one.txt"


def test_web_annotation_context_is_32_code_points(rich: Project) -> None:
    """Prefix and suffix stop 32 code points from the quote, inside a longer document."""
    rich.write("blog.txt", "x" * 40 + BLOG.strip() + "y" * 40 + "\n")
    selector = web_annotations()[1]["target"]["selector"][0]
    assert selector["prefix"] == "x" * 14 + "Our view: massage "
    assert selector["suffix"] == " and calms stress." + "y" * 14


def test_web_annotation_of_one_anchor(rich: Project) -> None:
    """One annotation per matched anchor, in claim order; the whole of one, exactly."""
    result = web_annotations()
    assert [a["target"]["selector"][0]["exact"] for a in result] == [
        "massage  eases\nback pain",
        "eases back pain",
        "calms stress",
    ]
    assert result[2] == {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:uuid:44d091fd-9982-5f2d-953a-4922b3f22573",
        "type": "Annotation",
        "motivation": "oa:assessing",
        "body": [
            {
                "type": "TextualBody",
                "purpose": "oa:assessing",
                "format": "text/plain",
                "value": "Verdict: refuted (high certainty).\n"
                "What the research says: Massage probably does not calm stress.\n"
                "Derivation: high (rct: wu2022) = high\n"
                "Claim: stress-calm",
            },
            {
                "type": "schema:ClaimReview",
                "schema:identifier": "stress-calm",
                "schema:reviewBody": "Massage probably does not calm stress.",
                "schema:reviewRating": [
                    {
                        "type": "schema:Rating",
                        "schema:ratingValue": 1,
                        "schema:bestRating": 5,
                        "schema:worstRating": 1,
                        "schema:alternateName": "refuted",
                        "schema:ratingExplanation": "high certainty: high (rct: wu2022) = high",
                        "schema:reviewAspect": "verdict",
                    },
                    {
                        "type": "schema:Rating",
                        "schema:reviewAspect": "GRADE certainty",
                        "schema:ratingValue": 4,
                        "schema:bestRating": 4,
                        "schema:worstRating": 1,
                        "schema:alternateName": "high",
                    },
                ],
            },
        ],
        "target": {
            "source": "blog.txt",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "calms stress",
                    "prefix": "ew: massage eases back pain and ",
                    "suffix": ".\n",
                },
                {"type": "TextPositionSelector", "start": 38, "end": 50},
            ],
        },
    }


def test_web_annotation_ids_are_stable_and_unique(rich: Project) -> None:
    """Ids come from the claim id and the anchor's position, not from the run."""
    ids = [a["id"] for a in web_annotations()]
    assert ids == [
        "urn:uuid:dd0f7242-6671-5837-8c45-c88b5950b8fb",
        "urn:uuid:faba7323-86f1-55a6-b594-f8d53f21adce",
        "urn:uuid:44d091fd-9982-5f2d-953a-4922b3f22573",
    ]


# Around the quote: astral characters, a combining accent, typographic punctuation and
# every kind of whitespace, none of them x, y or z, so the quote matches only where it is.
AROUND = st.text(st.sampled_from(list("ab .\n\t\u00a0😀👍🏽—“e\u0301")), max_size=40)
QUOTES = st.text(st.sampled_from(list("xyz \n\t")), max_size=12).map(lambda q: f"x{q}y")


@settings(max_examples=60, deadline=None)
@given(AROUND, QUOTES, AROUND.map(lambda after: after.replace("\u0301", "")))
def test_web_annotation_selectors_hold_the_documents_text(
    before: str, quote: str, after: str
) -> None:
    """Whatever precedes the quote, the positions count code points of the file's text:
    `text[start:end]` is the quote as the document has it, prefix and suffix are the 32
    code points around it."""
    text = before + quote + after
    exact = " ".join(quote.split())
    annotation = _annotation_of_one_anchor(text, exact)
    selector, position = annotation["target"]["selector"]
    start, end = position["start"], position["end"]
    assert text[start:end] == selector["exact"] == quote
    assert selector["prefix"] == text[max(0, start - 32) : start]
    assert selector["suffix"] == text[end : end + 32]


@pytest.mark.parametrize(
    ("text", "exact", "passage"),
    [
        ("Cafe\u0301 study: grade Q\u0307 rose.", "Q", "Q\u0307"),  # text not NFC
        ("Grade x\u0304 rose.", "Grade x", "Grade x\u0304"),  # text NFC, mark after x
        ("Pain \u09c7\u09be eased.", "Pain \u09cb", "Pain \u09c7\u09be"),  # composes, class 0
        ("It eases back pain\r\nfor most.", "eases back pain\n", "eases back pain\r\n"),
        ("It calms stress  \n  now.", "It calms stress ", "It calms stress  \n  "),
    ],
)
def test_a_passage_ends_with_whole_characters_and_whole_whitespace(
    text: str, exact: str, passage: str
) -> None:
    """A quote that stops before a combining mark takes the mark, one that ends in
    whitespace takes the whole run (a CR LF is never split)."""
    annotation = _annotation_of_one_anchor(text, exact)
    selector, position = annotation["target"]["selector"]
    assert text[position["start"] : position["end"]] == selector["exact"] == passage
    assert selector["suffix"] == text[position["end"] :]


def test_web_annotation_positions_count_after_a_byte_order_mark() -> None:
    """A document that starts with a byte-order mark: positions count the text decoded
    without it (`utf-8-sig`), as a browser shows it."""
    annotation = _annotation_of_one_anchor("\ufeffmassage eases back pain\n", "massage eases")
    position = annotation["target"]["selector"][1]
    assert (position["start"], position["end"]) == (0, 13)
    text = "\ufeffmassage eases back pain\n".encode().decode("utf-8-sig")
    assert text[position["start"] : position["end"]] == "massage eases"


def _annotation_of_one_anchor(text: str, exact: str) -> Any:
    """The Web Annotation of one anchor quoting `exact` from a document holding `text`."""
    claims = CLAIMS_ONE_ANCHOR.replace("EXACT", json.dumps(exact, ensure_ascii=False))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "claims.yaml").write_text(claims, encoding="utf-8")
        (root / "refs.bib").write_text(MINIMAL_BIB, encoding="utf-8")
        (root / "doc.txt").write_text(text, encoding="utf-8", newline="")
        [annotation] = json.loads(export_web_annotation(load(root / "claims.yaml")))
    return annotation


CLAIMS_ONE_ANCHOR = """\
version: 1
title: One anchor
documents:
  doc:
    path: doc.txt
studies:
  smith2020:
    design: rct
claims:
  - id: pain-relief
    category: pain
    statement: Massage may reduce back pain.
    anchors:
      - document: doc
        exact: EXACT
    evidence:
      - ref: smith2020
        stance: supports
"""


def test_web_annotation_skips_anchors_that_do_not_match_once(rich: Project) -> None:
    """An orphaned anchor has no passage to target, so it gets no annotation."""
    rich.write("blog.txt", "Our view: massage calms stress.\n")
    assert [a["target"]["selector"][0]["exact"] for a in web_annotations()] == [
        "massage  eases\nback pain",
        "calms stress",
    ]


ANNOTATION_CONTEXT = SHARED / "schemas" / "anno.jsonld"
OA = "http://www.w3.org/ns/oa#"
SCHEMA = "http://schema.org/"


def test_web_annotation_expands_as_json_ld(rich: Project) -> None:
    """A JSON-LD processor, given the W3C context offline, reads every term as the Web
    Annotation vocabulary; resolved against the claims file, the source is the document."""
    if not ANNOTATION_CONTEXT.is_file():
        pytest.skip(f"the W3C context is not at {ANNOTATION_CONTEXT} (shared/ is absent)")
    from pyld import jsonld

    context = json.loads(ANNOTATION_CONTEXT.read_text(encoding="utf-8"))

    def offline(url: str, options: object = None) -> dict[str, Any]:
        assert url == "http://www.w3.org/ns/anno.jsonld"
        return {"contextUrl": None, "documentUrl": url, "document": context}

    base = (rich.root / "claims.yaml").as_uri()
    [expanded] = jsonld.expand(web_annotations()[0], {"documentLoader": offline, "base": base})
    assert expanded["@id"] == "urn:uuid:dd0f7242-6671-5837-8c45-c88b5950b8fb"
    assert expanded["@type"] == [f"{OA}Annotation"]
    assert expanded[f"{OA}motivatedBy"] == [{"@id": f"{OA}assessing"}]
    [target] = expanded[f"{OA}hasTarget"]
    [source] = target[f"{OA}hasSource"]
    assert source == {"@id": (rich.root / "texts" / "article one.txt").as_uri()}
    quote, position = target[f"{OA}hasSelector"]
    assert quote["@type"] == [f"{OA}TextQuoteSelector"]
    assert quote[f"{OA}exact"] == [{"@value": "massage  eases\nback pain"}]
    assert position["@type"] == [f"{OA}TextPositionSelector"]
    integer = "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"
    assert position[f"{OA}start"] == [{"@type": integer, "@value": 20}]
    assert position[f"{OA}end"] == [{"@type": integer, "@value": 44}]
    textual, review = expanded[f"{OA}hasBody"]
    assert textual["@type"] == [f"{OA}TextualBody"]
    assert textual[f"{OA}hasPurpose"] == [{"@id": f"{OA}assessing"}]
    assert textual["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"].startswith(
        "Verdict: supported (high certainty).\n"
    )
    assert review["@type"] == [f"{SCHEMA}ClaimReview"]
    assert review[f"{SCHEMA}identifier"] == [{"@value": "pain-relief"}]
    verdict, certainty = review[f"{SCHEMA}reviewRating"]
    assert verdict[f"{SCHEMA}alternateName"] == [{"@value": "supported"}]
    assert verdict[f"{SCHEMA}ratingValue"] == [{"@value": 5}]
    assert certainty[f"{SCHEMA}alternateName"] == [{"@value": "high"}]


# Google's fact-check documentation: required on ClaimReview, and on its Rating.
GOOGLE_REQUIRED = {"claimReviewed", "reviewRating", "url"}
GOOGLE_RATING_REQUIRED = {"alternateName"}
GOOGLE_RECOMMENDED = {"author", "itemReviewed"}
GOOGLE_RATING_RECOMMENDED = {"bestRating", "ratingValue", "worstRating"}


def claim_reviews(author: str | None = "Evidence Desk") -> list[dict[str, Any]]:
    text = export_claimreview(
        load("claims.yaml"), url="https://example.org/evidence.html#top", author=author
    )
    result: list[dict[str, Any]] = json.loads(text)
    return result


def test_claimreview_has_googles_required_and_recommended_fields(rich: Project) -> None:
    """Every review carries what Google requires for a fact check, and what it recommends
    when an author is given; a numeric rating has its scale."""
    for review in claim_reviews():
        assert review["@context"] == "https://schema.org"
        assert review["@type"] == "ClaimReview"
        assert review.keys() >= GOOGLE_REQUIRED | GOOGLE_RECOMMENDED
        assert all(review[name] for name in GOOGLE_REQUIRED)
        rating = review["reviewRating"]
        assert rating["@type"] == "Rating"
        assert rating.keys() >= GOOGLE_RATING_REQUIRED | GOOGLE_RATING_RECOMMENDED
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert review["itemReviewed"]["@type"] == "Claim"
        assert review["itemReviewed"]["appearance"]


def test_claimreview_reviews_the_claim_as_made(rich: Project) -> None:
    """One review per anchored claim: the document's words are reviewed (whitespace as a
    page shows it), the statement is the review's body, the verdict its rating."""
    reviews = claim_reviews()
    assert [r["identifier"] for r in reviews] == ["pain-relief", "stress-calm"]
    assert reviews[0] == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://example.org/evidence.html#claim-pain-relief",
        "claimReviewed": "massage eases back pain",
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [
                {
                    "@type": "Quotation",
                    "text": "massage eases back pain",
                    "isPartOf": {"@type": "CreativeWork", "name": "Massage & you"},
                },
                {
                    "@type": "Quotation",
                    "text": "eases back pain",
                    "isPartOf": {"@type": "CreativeWork", "name": "blog"},
                },
            ],
        },
        "author": {"@type": "Organization", "name": "Evidence Desk"},
        "identifier": "pain-relief",
        "reviewBody": "Massage may reduce back pain.",
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "supported",
            "ratingExplanation": "high certainty: high (rct: smith2020) = high",
        },
    }
    assert reviews[1]["reviewRating"]["alternateName"] == "refuted"
    assert reviews[1]["reviewRating"]["ratingValue"] == 1


def test_claimreview_urls_point_at_the_claims_in_the_report(rich: Project) -> None:
    """Each review's url fragment is the id of its claim's section in the HTML report."""
    from massage_evidence.rendering import render

    html = render(load("claims.yaml"), "html")
    for review in claim_reviews():
        fragment = review["url"].split("#")[1]
        assert f'id="{fragment}"' in html


def test_claimreview_without_author(rich: Project) -> None:
    """The author is recommended, not required: left out when not given."""
    assert ["author" in review for review in claim_reviews(author=None)] == [False, False]


def test_verdict_scale_is_one_to_one_and_ordered() -> None:
    """Each verdict has its own rating, from supported (best) to refuted (worst)."""
    assert list(VERDICT_RATINGS.values()) == [5, 4, 3, 2, 1]


def test_scifact_lines(rich: Project) -> None:
    """One JSON line per anchored claim: SciFact's keys, labels for supports and refutes
    only, every cited study in cited_doc_ids, doc ids in bibliography order."""
    text = export_scifact(load("claims.yaml"))
    assert text.endswith("\n")
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines == [
        {
            "id": 1,
            "claim": "massage eases back pain",
            "evidence": {"2": [{"sentences": [], "label": "SUPPORT"}]},
            "cited_doc_ids": [2, 3, 4],
        },
        {
            "id": 3,
            "claim": "calms stress",
            "evidence": {"1": [{"sentences": [], "label": "CONTRADICT"}]},
            "cited_doc_ids": [1],
        },
    ]
    for line in lines:
        assert list(line) == ["id", "claim", "evidence", "cited_doc_ids"]
        assert {int(doc_id) for doc_id in line["evidence"]} <= set(line["cited_doc_ids"])


CSL_SCHEMA = SHARED / "schemas" / "csl-data.json"


def test_csl_json_has_one_valid_item_per_reference(rich: Project) -> None:
    """One CSL item per reference, in bibliography order, `id` = BibTeX key, each valid
    under the CSL data schema."""
    items = json.loads(export_csl_json(load("claims.yaml")))
    assert [item["id"] for item in items] == ["wu2022", "smith2020", "jones2021", "lee2019"]
    assert items[0] == {
        "id": "wu2022",
        "type": "article-journal",
        "author": [{"family": "Wu", "given": "C."}],
        "title": "A trial of calm",
        "container-title": "Journal",
        "issued": {"date-parts": [[2022]]},
    }
    if not CSL_SCHEMA.is_file():
        pytest.skip(f"the CSL data schema is not at {CSL_SCHEMA} (shared/ is absent)")
    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(items)) == []


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize(
    ("fmt", "function"),
    [
        ("json", export_json),
        ("csl-json", export_csl_json),
        ("web-annotation", export_web_annotation),
        ("scifact", export_scifact),
    ],
)
def test_export_command_prints_the_library_export(
    rich: Project, capsys: pytest.CaptureFixture[str], fmt: str, function: Any
) -> None:
    """`export --to FORMAT` prints exactly what the library function returns."""
    assert run(capsys, "export", "claims.yaml", "--to", fmt) == (
        0,
        function(load("claims.yaml")),
        "",
    )


def test_export_claimreview_command(rich: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`--url` and `--author` reach the ClaimReview export."""
    status, out, _ = run(
        capsys,
        "export", "claims.yaml", "--to", "claimreview",
        "--url", "https://example.org/evidence.html#top", "--author", "Evidence Desk",
    )  # fmt: skip
    assert (status, json.loads(out)) == (0, claim_reviews())


def test_export_claimreview_needs_url(rich: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """Google requires each review's url, so leaving out --url is a usage error."""
    assert run(capsys, "export", "claims.yaml", "--to", "claimreview") == (
        2,
        "",
        "massage-evidence: error: --to claimreview needs --url, where the report is published\n",
    )


@pytest.mark.parametrize(
    "url",
    ["", " ", "report.html", "ftp://example.org/r.html", "https://", "https://ex ample.org/",
     "https://example.org/\nr.html", "https://[::1/r.html", "https://example.org:99999/"],
)  # fmt: skip
def test_export_claimreview_refuses_a_url_that_is_not_a_web_address(
    rich: Project, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    """Every review links to URL#claim-ID, so a URL no reader can open is refused."""
    assert run(capsys, "export", "claims.yaml", "--to", "claimreview", "--url", url) == (
        2,
        "",
        f"massage-evidence: error: --url {url!r} is not a web address;"
        " give the report's https:// URL\n",
    )


def test_url_only_applies_to_claimreview(rich: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """An option that would be ignored is refused instead."""
    assert run(capsys, "export", "claims.yaml", "--to", "json", "--author", "X") == (
        2,
        "",
        "massage-evidence: error: --url and --author apply to --to claimreview only\n",
    )


def test_export_to_file(rich: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o FILE` writes the export there and nothing to standard output."""
    assert run(capsys, "export", "claims.yaml", "--to", "scifact", "-o", "out.jsonl") == (0, "", "")
    text = (rich.root / "out.jsonl").read_text(encoding="utf-8")
    assert text == export_scifact(load("claims.yaml"))


def test_broken_corpus_is_not_exported(rich: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """An error finding stops the export: the findings go to standard error as `validate`
    prints them, exit 1, and no output file is written."""
    rich.write("blog.txt", "Our view: massage calms stress.\n")
    status, out, err = run(capsys, "export", "claims.yaml", "--to", "json", "-o", "out.json")
    assert (status, out) == (1, "")
    assert err == (
        "claims.yaml:30:16: ME502 [error] claim 'pain-relief': quote 'eases back pain' is not"
        " in document 'blog'; the text may have changed\n"
        "1 error, 0 warnings, 0 info\n"
    )
    assert not (rich.root / "out.json").exists()


def test_unloadable_corpus_is_not_exported(
    minimal: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A claims file that cannot be loaded: its findings on standard error, exit 1."""
    minimal.write("claims.yaml", "version: 1\ntitle: T\nclaims:\n\t- id: x\n")
    assert run(capsys, "export", "claims.yaml", "--to", "json") == (
        1,
        "",
        "claims.yaml:4:1: ME101 [error] a tab character where YAML expects spaces;"
        " indent with spaces only\n"
        "1 error, 0 warnings, 0 info\n",
    )


def test_ignored_rules_do_not_stop_the_export(
    rich: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rule the project ignores in pyproject.toml does not stop the export either."""
    rich.write("blog.txt", "Our view: massage calms stress.\n")
    rich.write("pyproject.toml", '[tool.massage-evidence]\nignore = ["ME502"]\n')
    status, out, _ = run(capsys, "export", "claims.yaml", "--to", "web-annotation")
    assert status == 0
    assert len(json.loads(out)) == 2


def test_bundled_corpus_exports_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled corpus is clean enough to export; each format parses."""
    claims = str(REPO / "data" / "claims.yaml")
    for fmt in ("json", "web-annotation", "scifact"):
        status, out, err = run(capsys, "export", claims, "--to", fmt)
        assert (status, err) == (0, "")
        if fmt == "scifact":
            assert all(json.loads(line)["claim"] for line in out.splitlines())
        else:
            assert json.loads(out)


def test_docs_show_the_rating_scale() -> None:
    """docs/exports.md lists each verdict's rating as the code assigns it."""
    text = (REPO / "docs" / "exports.md").read_text(encoding="utf-8")
    table = text.split("<!-- verdict-ratings -->\n")[1].split("\n\n")[0]
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    assert {row[0].strip("| "): int(row[1]) for row in rows} == {
        str(verdict): rating for verdict, rating in VERDICT_RATINGS.items()
    }
    assert len(rows) == len(VERDICT_RATINGS)
