"""BibTeX entries become CSL-JSON items that follow BibTeX's rules and the CSL data schema."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft7Validator

from massage_evidence import load
from massage_evidence._bibtex import parse_bibtex
from massage_evidence.csl import csl_item, csl_items

from .conftest import REPO, SHARED

SCHEMA = SHARED / "schemas" / "csl-data.json"
needs_schema = pytest.mark.skipif(
    not SCHEMA.is_file(), reason="../shared/schemas/csl-data.json is not present"
)


def _item(entry: str) -> dict[str, Any]:
    """The CSL item of the one entry in `entry`."""
    references, problems = parse_bibtex(entry, "test.bib")
    assert problems == []
    return csl_item(references[0])


def _schema_errors(items: list[dict[str, Any]]) -> list[str]:
    validator = Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(items)
    ]


def test_article_from_the_bundled_bibliography() -> None:
    """Braces, `\\&` and `--` are decoded; `number` is the journal issue."""
    corpus = load(REPO / "data" / "claims.yaml")
    assert csl_item(corpus.references["shoemaker1997failure"]) == {
        "id": "shoemaker1997failure",
        "type": "article-journal",
        "author": [
            {"family": "Shoemaker", "given": "J. K."},
            {"family": "Tiidus", "given": "P. M."},
            {"family": "Mader", "given": "R."},
        ],
        "title": "Failure of manual massage to alter limb blood flow:"
        " measures by Doppler ultrasound",
        "container-title": "Medicine & Science in Sports & Exercise",
        "volume": "29",
        "page": "610\N{EN DASH}614",
        "issue": "5",
        "DOI": "10.1097/00005768-199705000-00004",
        "PMID": "9140896",
        "issued": {"date-parts": [[1997]]},
    }


@needs_schema
def test_the_bundled_bibliography_is_valid_csl() -> None:
    corpus = load(REPO / "data" / "claims.yaml")
    items = csl_items(corpus.entries)
    assert [item["id"] for item in items] == [entry.key for entry in corpus.entries]
    assert _schema_errors(items) == []


def test_book_chapter_in_a_series() -> None:
    item = _item(
        r"""@incollection{ch,
          author = {Field, Tiffany},
          editor = {Smith, Ann and Jones, Bob},
          title = {Touch and {Massage}},
          booktitle = {Handbook of {Complementary} Medicine},
          series = {Clinical Handbooks}, number = {4}, edition = {2},
          publisher = {Springer}, address = {New York}, year = {2019}, month = {mar},
          pages = {11--29}, isbn = {978-3-16-148410-0}, chapter = {3},
        }"""
    )
    assert item == {
        "id": "ch",
        "type": "chapter",
        "author": [{"family": "Field", "given": "Tiffany"}],
        "editor": [{"family": "Smith", "given": "Ann"}, {"family": "Jones", "given": "Bob"}],
        "title": "Touch and Massage",
        "container-title": "Handbook of Complementary Medicine",
        "collection-title": "Clinical Handbooks",
        "page": "11\N{EN DASH}29",
        "chapter-number": "3",
        "edition": "2",
        "publisher": "Springer",
        "publisher-place": "New York",
        "collection-number": "4",
        "ISBN": "978-3-16-148410-0",
        "issued": {"date-parts": [[2019, 3]]},
    }


def test_report_by_an_organisation_with_a_url() -> None:
    item = _item(
        r"""@techreport{nice,
          author = {{National Institute for Health and Care Excellence}},
          title = {Low back pain and sciatica in over 16s},
          institution = {NICE}, type = {Guideline}, number = {NG59},
          year = {2016}, month = nov,
          url = {https://www.nice.org.uk/guidance/ng59}, urldate = {2024-05-01},
        }"""
    )
    assert item == {
        "id": "nice",
        "type": "report",
        "author": [{"literal": "National Institute for Health and Care Excellence"}],
        "title": "Low back pain and sciatica in over 16s",
        "publisher": "NICE",
        "genre": "Guideline",
        "number": "NG59",
        "URL": "https://www.nice.org.uk/guidance/ng59",
        "issued": {"date-parts": [[2016, 11]]},
        "accessed": {"date-parts": [[2024, 5, 1]]},
    }


@pytest.mark.parametrize(
    ("entry_type", "extra", "csl_type"),
    [
        ("article", "", "article-journal"),
        ("book", "", "book"),
        ("booklet", "", "pamphlet"),
        ("inbook", "", "chapter"),
        ("incollection", "", "chapter"),
        ("inproceedings", "", "paper-conference"),
        ("conference", "", "paper-conference"),
        ("proceedings", "", "book"),
        ("techreport", "", "report"),
        ("manual", "", "report"),
        ("phdthesis", "", "thesis"),
        ("mastersthesis", "", "thesis"),
        ("unpublished", "", "manuscript"),
        ("misc", "", "document"),
        ("misc", "url = {https://example.org},", "webpage"),
        ("online", "url = {https://example.org},", "webpage"),
        ("online", "", "document"),
        ("dataset", "", "dataset"),
        ("software", "", "software"),
        ("someday", "", "document"),
    ],
)
def test_entry_types(entry_type: str, extra: str, csl_type: str) -> None:
    """BibTeX and biblatex types map to CSL types; misc is a web page when it has a URL."""
    assert _item(f"@{entry_type}{{k, title = {{T}}, {extra}}}")["type"] == csl_type


def test_thesis_kind_and_school() -> None:
    assert _item("@phdthesis{t, title = {T}, school = {McGill University}}") == {
        "id": "t",
        "type": "thesis",
        "title": "T",
        "publisher": "McGill University",
        "genre": "PhD thesis",
    }
    master = _item("@mastersthesis{t, title = {T}, type = {MSc dissertation}}")
    assert master["genre"] == "MSc dissertation"


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ("Furlan, A. D.", [{"family": "Furlan", "given": "A. D."}]),
        ("Donald E. Knuth", [{"family": "Knuth", "given": "Donald E."}]),
        ("D.~E. Knuth", [{"family": "Knuth", "given": "D. E."}]),
        (
            "van der Berg, Jan",
            [{"family": "Berg", "given": "Jan", "non-dropping-particle": "van der"}],
        ),
        (
            "Ludwig van Beethoven",
            [{"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}],
        ),
        (
            "Jean de La Fontaine",
            [{"family": "La Fontaine", "given": "Jean", "non-dropping-particle": "de"}],
        ),
        ("Smith, Jr., John", [{"family": "Smith", "given": "John", "suffix": "Jr."}]),
        ("Brinch Hansen, Per", [{"family": "Brinch Hansen", "given": "Per"}]),
        ("{van Gogh}, Vincent", [{"family": "van Gogh", "given": "Vincent"}]),
        (r"M{\"u}ller, J{\"o}rg", [{"family": "Müller", "given": "Jörg"}]),
        ("Aristotle", [{"family": "Aristotle"}]),
        (
            "{National Institute for Health and Care Excellence}",
            [{"literal": "National Institute for Health and Care Excellence"}],
        ),
        ("{{NICE}}", [{"literal": "NICE"}]),
        ("{Barnes and Noble, Inc.}", [{"literal": "Barnes and Noble, Inc."}]),
        (
            "Chou, R. and Deyo, Richard AND Friedly, J.",
            [
                {"family": "Chou", "given": "R."},
                {"family": "Deyo", "given": "Richard"},
                {"family": "Friedly", "given": "J."},
            ],
        ),
        ("Smith, A. and others", [{"family": "Smith", "given": "A."}]),
        ("Smith, A. and and {}", [{"family": "Smith", "given": "A."}]),
        ("Brandt and Sandra", [{"family": "Brandt"}, {"family": "Sandra"}]),
    ],
)
def test_names(author: str, names: list[dict[str, str]]) -> None:
    """Names split on `and` outside braces, in BibTeX's three forms; a braced name is literal."""
    assert _item(f"@article{{k, author = {{{author}}}}}")["author"] == names


@pytest.mark.parametrize(
    ("fields", "issued"),
    [
        ("year = {2015}", {"date-parts": [[2015]]}),
        ("year = 2015, month = sep", {"date-parts": [[2015, 9]]}),
        ("year = {2015}, month = {September}", {"date-parts": [[2015, 9]]}),
        ("year = {2015}, month = {9}", {"date-parts": [[2015, 9]]}),
        ("year = {2015}, month = {Spring}", {"date-parts": [[2015]]}),
        ("year = {2015}, month = {13}", {"date-parts": [[2015]]}),
        ("year = {2015}, month = {²}", {"date-parts": [[2015]]}),
        (r"year = {{\noopsort{a}}1973}", {"date-parts": [[1973]]}),
        ("year = {in press}", {"literal": "in press"}),
        ("year = {٢٠١٥}", {"literal": "٢٠١٥"}),  # not ASCII digits: ME209 refuses it too
        ("date = {٢٠١٥-09-01}, year = {2014}", {"date-parts": [[2014]]}),
        ("date = {2015-09-01}", {"date-parts": [[2015, 9, 1]]}),
        ("date = {2015-09/2015-10}", {"date-parts": [[2015, 9], [2015, 10]]}),
        ("date = {sometime}, year = {2014}", {"date-parts": [[2014]]}),
    ],
)
def test_dates(fields: str, issued: dict[str, Any]) -> None:
    """`issued` comes from biblatex's `date`, else from `year` and `month`."""
    assert _item(f"@article{{k, {fields}}}")["issued"] == issued


def test_an_entry_without_fields_is_just_its_type() -> None:
    assert _item("@misc{bare,}") == {"id": "bare", "type": "document"}


def test_identifiers_are_cleaned_but_not_decoded() -> None:
    item = _item(
        r"""@article{k,
          doi = {https://doi.org/10.1000/a\_b}, pmid = {123}, pmcid = {PMC456},
          url = {https://example.org/~user/a%20b}, issn = {1234-5678},
        }"""
    )
    assert {name: item[name] for name in ("DOI", "PMID", "PMCID", "URL", "ISSN")} == {
        "DOI": "10.1000/a_b",
        "PMID": "123",
        "PMCID": "PMC456",
        "URL": "https://example.org/~user/a%20b",
        "ISSN": "1234-5678",
    }


@needs_schema
@pytest.mark.parametrize("name", ["tugboat.bib", "leeper-references.bib"])
def test_real_bibliographies_convert_to_valid_csl(name: str) -> None:
    """Every entry of two large real files (TeX-heavy and JabRef) converts and validates."""
    path = SHARED / "corpora" / name
    references, _ = parse_bibtex(path.read_text(encoding="utf-8-sig"), str(path))
    assert len(references) > 3000
    items = csl_items(references)
    assert len(items) == len(references)
    assert _schema_errors(items) == []
