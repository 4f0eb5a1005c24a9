"""ME2xx: each rule with a failing and a passing example, exact code, line and message."""

from __future__ import annotations

import datetime

import pytest

from ..conftest import MINIMAL_BIB, VALID_CLAIMS, Project

OTHER = MINIMAL_BIB.replace("smith2020", "jones2021").replace("A trial", "Another trial")


def test_valid_corpus_has_no_reference_findings(valid: Project) -> None:
    """The base corpus passes every ME2xx rule."""
    assert valid.rows("ME2") == []


def test_unknown_reference(valid: Project) -> None:
    """A cited key missing from refs.bib is ME201 at the `ref` value, with a suggestion."""
    valid.write("claims.yaml", VALID_CLAIMS.replace("- ref: smith2020", "- ref: smith202"))
    assert valid.rows("ME201") == [
        (
            "ME201",
            "claims.yaml",
            17,
            14,
            "claim 'pain-relief' cites 'smith202', which is not in refs.bib;"
            " did you mean 'smith2020'?",
        )
    ]


def test_unknown_reference_differing_in_case(valid: Project) -> None:
    """A key that differs only in case is suggested first."""
    valid.write("claims.yaml", VALID_CLAIMS.replace("- ref: smith2020", "- ref: Smith2020"))
    assert str(valid.rows("ME201")[0][4]).endswith("did you mean 'smith2020'?")


def test_study_appraisal_for_unknown_key(valid: Project) -> None:
    """A `studies` entry for a key that is not in refs.bib is ME201 at its key."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("studies:\n", "studies:\n  ghost2019:\n    design: rct\n"),
    )
    assert valid.rows("ME201") == [
        ("ME201", "claims.yaml", 7, 3, "studies entry 'ghost2019' is not in refs.bib")
    ]


def test_unknown_reference_is_silent_when_the_bibliography_is_unreadable(valid: Project) -> None:
    """An unreadable bibliography is reported once (ME105), not once per citation."""
    (valid.root / "refs.bib").unlink()
    assert [row[0] for row in valid.rows("ME105", "ME201")] == ["ME105"]


def test_duplicate_key_differing_in_case(valid: Project) -> None:
    """`Smith2020` beside `smith2020` is ME202: BibTeX ignores the case of keys."""
    valid.write("refs.bib", MINIMAL_BIB + MINIMAL_BIB.replace("smith2020", "Smith2020"))
    assert valid.rows("ME202") == [
        (
            "ME202",
            "refs.bib",
            7,
            1,
            "key 'Smith2020' repeats the key 'smith2020' at line 1; BibTeX ignores case,"
            " so rename one of them",
        )
    ]


def test_duplicate_key_exact(valid: Project) -> None:
    """The same key twice is ME202; the first entry is the one cited."""
    valid.write("refs.bib", MINIMAL_BIB + MINIMAL_BIB.replace("A trial", "B trial"))
    assert valid.rows("ME202") == [
        (
            "ME202",
            "refs.bib",
            7,
            1,
            "key 'smith2020' repeats the key at line 1; BibTeX ignores case, so rename one of them",
        )
    ]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "@article{smith2020,\n  author = {Smith, A.},\n  title = {T},\n  year = {2020},\n}\n",
            "@article entry 'smith2020' has no 'journal' or 'journaltitle' field",
        ),
        (
            "@book{smith2020,\n  title = {T},\n  publisher = {P},\n  year = {2020},\n}\n",
            "@book entry 'smith2020' has no 'author' or 'editor' field",
        ),
        (
            "@misc{smith2020,\n  title = {T},\n}\n",
            "@misc entry 'smith2020' has no 'author' or 'editor' or 'organization' or"
            " 'howpublished' or 'url' field",
        ),
        (
            "@patent{smith2020,\n  author = {Smith, A.},\n}\n",
            "@patent entry 'smith2020' has no 'title' field",
        ),
    ],
)
def test_missing_bibtex_field(valid: Project, entry: str, message: str) -> None:
    """A field its entry type requires is missing: ME203 at the entry."""
    valid.write("refs.bib", entry)
    assert valid.rows("ME203") == [("ME203", "refs.bib", 1, 1, message)]


def test_biblatex_fields_satisfy_requirements(valid: Project) -> None:
    """`journaltitle` and `date` stand in for `journal` and `year`; blank is missing."""
    valid.write(
        "refs.bib",
        "@article{smith2020,\n  author = {Smith, A.},\n  title = {T},\n"
        "  journaltitle = {J},\n  date = {2020-05-01},\n}\n",
    )
    assert valid.rows("ME203") == []
    valid.write("refs.bib", MINIMAL_BIB.replace("{Journal}", "{ }"))
    assert [row[4] for row in valid.rows("ME203")] == [
        "@article entry 'smith2020' has no 'journal' or 'journaltitle' field"
    ]


@pytest.mark.parametrize(
    ("doi", "message"),
    [
        (
            "10.1000",
            "doi '10.1000' of entry 'smith2020' is not a DOI (expected '10.<registrant>/<suffix>')",
        ),
        (
            "10.12/abc",
            "doi '10.12/abc' of entry 'smith2020' is not a DOI"
            " (expected '10.<registrant>/<suffix>')",
        ),
        (
            "10.1000/a b",
            "doi '10.1000/a b' of entry 'smith2020' is not a DOI"
            " (expected '10.<registrant>/<suffix>')",
        ),
        (  # a registrant of Arabic-Indic digits: DOIs are written in ASCII digits
            "10.\u0661\u0660\u0660\u0660/abc",
            "doi '10.\u0661\u0660\u0660\u0660/abc' of entry 'smith2020' is not a DOI"
            " (expected '10.<registrant>/<suffix>')",
        ),
        (
            "https://doi.org/10.1002/14651858.CD001929.pub3",
            "doi 'https://doi.org/10.1002/14651858.CD001929.pub3' of entry 'smith2020' is not"
            " a DOI; write the bare DOI '10.1002/14651858.CD001929.pub3'",
        ),
    ],
)
def test_invalid_doi(valid: Project, doi: str, message: str) -> None:
    """A malformed DOI is ME204 saying what a DOI looks like, at the doi field."""
    valid.write("refs.bib", MINIMAL_BIB.replace("  year", f"  doi = {{{doi}}},\n  year"))
    assert valid.rows("ME204") == [("ME204", "refs.bib", 5, 3, message)]


@pytest.mark.parametrize(
    "doi",
    [
        "10.1002/14651858.CD001929.pub3",
        "10.1000.10/123456",
        "10.7326/0003-4819-155-1-201107050-00002",
    ],
)
def test_valid_doi(valid: Project, doi: str) -> None:
    """Registrant codes with subdivisions and long suffixes are valid DOIs."""
    valid.write("refs.bib", MINIMAL_BIB.replace("  year", f"  doi = {{{doi}}},\n  year"))
    assert valid.rows("ME204") == []


@pytest.mark.parametrize(
    ("pmid", "message"),
    [
        (
            "PMC4925170",
            "pmid 'PMC4925170' of entry 'smith2020' is not a PubMed id (digits only);"
            " a PMC id goes in 'pmcid'",
        ),
        ("026329399", "pmid '026329399' of entry 'smith2020' is not a PubMed id (digits only)"),
        ("1234567890", "pmid '1234567890' of entry 'smith2020' is not a PubMed id (digits only)"),
        ("٢٦٣٢٩٣٩٩", "pmid '٢٦٣٢٩٣٩٩' of entry 'smith2020' is not a PubMed id (digits only)"),
    ],
)
def test_invalid_pmid(valid: Project, pmid: str, message: str) -> None:
    """A PMID that is not 1 to 9 digits without a leading zero is ME205, at the field."""
    valid.write("refs.bib", MINIMAL_BIB.replace("  year", f"  pmid = {{{pmid}}},\n  year"))
    assert valid.rows("ME205") == [("ME205", "refs.bib", 5, 3, message)]


def test_valid_pmid(valid: Project) -> None:
    """A real PMID passes."""
    valid.write("refs.bib", MINIMAL_BIB.replace("  year", "  pmid = {26329399},\n  year"))
    assert valid.rows("ME205") == []


def test_duplicate_work_by_doi_ignoring_case(valid: Project) -> None:
    """One DOI under two keys, differing in case, is ME206 at the second entry."""
    valid.write(
        "refs.bib",
        MINIMAL_BIB.replace("  year", "  doi = {10.1002/ABC.1},\n  year")
        + OTHER.replace("  year", "  doi = {10.1002/abc.1},\n  year"),
    )
    assert valid.rows("ME206") == [
        (
            "ME206",
            "refs.bib",
            8,
            1,
            "entry 'jones2021' has the same DOI as 'smith2020' (line 1);"
            " keep one entry for one work",
        )
    ]


def test_duplicate_work_by_pmid(valid: Project) -> None:
    """One PMID under two keys is ME206."""
    valid.write(
        "refs.bib",
        MINIMAL_BIB.replace("  year", "  pmid = {123},\n  year")
        + OTHER.replace("  year", "  pmid = {123},\n  year"),
    )
    assert [row[4] for row in valid.rows("ME206")] == [
        "entry 'jones2021' has the same PMID as 'smith2020' (line 1); keep one entry for one work"
    ]


def test_duplicate_work_by_pmid_of_an_entry_already_matched_by_doi(valid: Project) -> None:
    """An entry reported for its DOI still has its PMID remembered for the next one."""
    third = MINIMAL_BIB.replace("smith2020", "lee2018").replace("A trial", "A third trial")
    valid.write(
        "refs.bib",
        MINIMAL_BIB.replace("  year", "  doi = {10.1002/abc.1},\n  year")
        + OTHER.replace("  year", "  doi = {10.1002/abc.1},\n  pmid = {123},\n  year")
        + third.replace("  year", "  pmid = {123},\n  year"),
    )
    assert [row[4] for row in valid.rows("ME206")] == [
        "entry 'jones2021' has the same DOI as 'smith2020' (line 1); keep one entry for one work",
        "entry 'lee2018' has the same PMID as 'jones2021' (line 8); keep one entry for one work",
    ]


def test_distinct_works_are_not_duplicates(valid: Project) -> None:
    """Different DOIs and PMIDs pass ME206."""
    valid.write(
        "refs.bib",
        MINIMAL_BIB.replace("  year", "  doi = {10.1002/abc.1},\n  pmid = {1},\n  year")
        + OTHER.replace("  year", "  doi = {10.1002/abc.2},\n  pmid = {2},\n  year"),
    )
    assert valid.rows("ME206") == []


def test_unused_reference(valid: Project) -> None:
    """An entry no claim cites is an ME207 warning at the entry."""
    valid.write("refs.bib", MINIMAL_BIB + OTHER)
    assert valid.rows("ME207") == [
        (
            "ME207",
            "refs.bib",
            7,
            1,
            "entry 'jones2021' is not cited by any claim; cite it or remove it",
        )
    ]
    assert valid.findings("ME207")[0].severity == "warning"


def test_unappraised_study(valid: Project) -> None:
    """A cited key without a `studies` entry is ME208 at its first citation."""
    valid.write(
        "claims.yaml", VALID_CLAIMS.replace("studies:\n  smith2020:\n    design: rct\n", "")
    )
    assert valid.rows("ME208") == [
        (
            "ME208",
            "claims.yaml",
            14,
            14,
            "'smith2020' is cited by claim 'pain-relief' but has no entry under 'studies';"
            " add its design",
        )
    ]


@pytest.mark.parametrize("year", ["20015", "215", "1599", "n.d.", "²⁰¹⁵", "٢٠١٥"])
def test_implausible_year(valid: Project, year: str) -> None:
    """A year that is not four digits from 1600 to next year is ME209, at the field."""
    valid.write("refs.bib", MINIMAL_BIB.replace("{2020}", f"{{{year}}}"))
    latest = datetime.date.today().year + 1
    assert valid.rows("ME209") == [
        (
            "ME209",
            "refs.bib",
            5,
            3,
            f"year {year!r} of entry 'smith2020' is not a plausible year (1600 to {latest})",
        )
    ]


@pytest.mark.parametrize(
    ("bib", "line", "column"),
    [
        # one line: the field is found after a comma; its name in any case
        ("@article{smith2020, author = {Smith, A.}, title = {T}, journal = {J}, DOI={x}}\n", 1, 71),
        # a line of a value that reads like a field is not taken for it
        (
            "@article{smith2020,\n  title = {See\ndoi = {x} below},\n  author = {Smith, A.},\n"
            "  journal = {J}, year = 2020,\n    doi   = {x},\n}\n",
            6,
            5,
        ),
        # written over two lines, in an entry in parentheses
        (
            "@article(smith2020, author = {Smith, A.}, title = {T}, journal = {J},\n  doi\n"
            "  = {x})\n",
            2,
            3,
        ),
        # after a line ending in a backslash (bibtexparser does not count that line)
        (
            "@misc{other, title = {A \\\n B}}\n@article{smith2020, author = {Smith, A.},\n"
            "  title = {T \\\n U}, journal = {J}, year = 2020,\n  doi = {x}}\n",
            6,
            3,
        ),
        # a quoted value that reads like a field is not taken for it
        (
            '@article{smith2020, note = "see, doi = {x}", author = {Smith, A.}, title = {T},'
            " journal = {J}, doi = {x}}\n",
            1,
            96,
        ),
        # the second of two entries on one line
        (
            "@misc{other, doi = {y}} @article{smith2020, author = {Smith, A.}, title = {T},"
            " journal = {J}, doi = {x}}\n",
            1,
            95,
        ),
    ],
)
def test_field_findings_point_at_the_field(
    valid: Project, bib: str, line: int, column: int
) -> None:
    """A finding about one field is at the field's name."""
    valid.write("refs.bib", bib)
    found = [(f.line, f.column) for f in valid.findings("ME204") if "smith2020" in f.message]
    assert found == [(line, column)]


def test_next_year_and_dates_are_plausible(valid: Project) -> None:
    """Next year (in press) and an ISO date pass ME209."""
    next_year = datetime.date.today().year + 1
    valid.write("refs.bib", MINIMAL_BIB.replace("year = {2020}", f"year = {{{next_year}}}"))
    assert valid.rows("ME209") == []
    valid.write("refs.bib", MINIMAL_BIB.replace("year = {2020}", "date = {2015-09-01}"))
    assert valid.rows("ME209") == []


def test_withdrawn_study_cited_as_support(valid: Project) -> None:
    """A retracted study cited as support is ME210 at the stance."""
    valid.write(
        "claims.yaml", VALID_CLAIMS.replace("design: rct\n", "design: rct\n    status: retracted\n")
    )
    assert valid.rows("ME210") == [
        (
            "ME210",
            "claims.yaml",
            19,
            17,
            "claim 'pain-relief' cites 'smith2020' (retracted) as supports evidence;"
            " withdrawn work is not evidence",
        )
    ]


@pytest.mark.parametrize(
    ("status", "stance"), [("expression-of-concern", "insufficient"), ("superseded", "supports")]
)
def test_withdrawn_study_cited_otherwise_passes(valid: Project, status: str, stance: str) -> None:
    """Citing withdrawn work as insufficient, or superseded work at all, passes ME210."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("design: rct\n", f"design: rct\n    status: {status}\n").replace(
            "stance: supports", f"stance: {stance}"
        ),
    )
    assert valid.rows("ME210") == []


@pytest.mark.parametrize("end", ["\r", "\r\n"])
def test_lines_of_a_bibliography_with_cr_line_ends(valid: Project, end: str) -> None:
    """Line ends of classic Mac OS (CR) or Windows (CR LF) count as LF does."""
    bib = MINIMAL_BIB.replace("  year = {2020},\n", "  year = {2020},\n  year = {2021},\n")
    valid.write("refs.bib", (bib + "\n@article{jones2021,\n  title = {T},\n}\n").replace("\n", end))
    assert valid.rows("ME104", "ME203") == [
        (
            "ME104",
            "refs.bib",
            6,
            3,
            "entry 'smith2020' repeats field 'year'; BibTeX keeps the first value, delete the"
            " other",
        ),
        ("ME203", "refs.bib", 9, 1, "@article entry 'jones2021' has no 'author' field"),
        (
            "ME203",
            "refs.bib",
            9,
            1,
            "@article entry 'jones2021' has no 'journal' or 'journaltitle' field",
        ),
        ("ME203", "refs.bib", 9, 1, "@article entry 'jones2021' has no 'year' or 'date' field"),
    ]


def test_a_bad_byte_in_a_bibliography_with_cr_line_ends(valid: Project) -> None:
    """ME105 points at the line and column of the first byte that is not UTF-8."""
    valid.write(
        "refs.bib", MINIMAL_BIB.replace("\n", "\r").replace("Smith", "Sm\xefth").encode("latin-1")
    )
    assert valid.rows("ME105") == [
        (
            "ME105",
            "refs.bib",
            2,
            15,
            "'refs.bib' is not valid UTF-8 (byte 0xef); re-save it as UTF-8, e.g. with"
            " `iconv -f latin1 -t utf-8`",
        )
    ]
