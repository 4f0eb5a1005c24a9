"""Loading: every problem in the inputs becomes a located ME1xx finding, never a traceback."""

from __future__ import annotations

import datetime

import pytest

from massage_evidence import LoadError, load
from massage_evidence.limits import Limits
from massage_evidence.validation import check

from .conftest import MINIMAL_BIB, MINIMAL_CLAIMS, VALID_CLAIMS, Project, hint


def test_minimal_corpus_loads(minimal: Project) -> None:
    """A valid claims file loads with its references, in file order."""
    corpus = load("claims.yaml")
    assert [claim.id for claim in corpus.claims] == ["pain-relief"]
    assert list(corpus.references) == ["smith2020"]
    assert corpus.references["smith2020"].fields["title"] == "A trial"
    assert str(corpus.references["smith2020"].location) == "refs.bib:1:1"
    assert corpus.path == "claims.yaml"
    assert corpus.load_problems == ()


def test_locate_points_at_values_keys_and_items(minimal: Project) -> None:
    """`Corpus.locate` gives the 1-based position of a value, a key or a list item."""
    corpus = load("claims.yaml")
    assert str(corpus.locate("claims", 0)) == "claims.yaml:4:5"
    assert str(corpus.locate("claims", 0, "evidence", 0, "ref")) == "claims.yaml:8:14"
    assert str(corpus.locate("claims", 0, "evidence", 0, "ref", key=True)) == "claims.yaml:8:9"
    assert str(corpus.locate("claims", 0, "evidence")) == "claims.yaml:7:5"
    assert str(corpus.locate("claims", 0, "nope")) == "claims.yaml:4:5"


def test_yaml_syntax_error(minimal: Project) -> None:
    """An unclosed quote is ME101 at the place the parser gave up."""
    minimal.write("claims.yaml", 'version: 1\ntitle: "unclosed\nclaims: []\n')
    assert minimal.rows() == [
        (
            "ME101",
            "claims.yaml",
            4,
            1,
            "found unexpected end of stream (while scanning a quoted scalar)",
        )
    ]


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("!!int abc", 9, "'abc' is not a valid !!int; fix it or remove the tag"),
        ("!!int 0x", 9, "'0x' is not a valid !!int; fix it or remove the tag"),
        ("!!float x", 9, "'x' is not a valid !!float; fix it or remove the tag"),
        ("!!bool x", 9, "'x' is not a valid !!bool; fix it or remove the tag"),
        ("!!timestamp foo", 9, "'foo' is not a valid !!timestamp; fix it or remove the tag"),
        ("!!set [1]", 9, "expected a mapping node, but found sequence"),
        ("9" * 5000, 9, "a number of 5,000 digits is too long to read; quote it as text"),
        (
            "!!int " + "9" * 5000,
            9,
            "a number of 5,000 digits is too long to read; quote it as text",
        ),
        (
            "[" + "9" * 5000 + "]",
            10,
            "a number of 5,000 digits is too long to read; quote it as text",
        ),
        # hex and octal: Python reads them at any length, but cannot write them back
        (
            "0x" + "f" * 3600,
            9,
            "a number of 4,335 digits once written in decimal is too long to read; quote it"
            " as text",
        ),
        (
            "[0o" + "7" * 5000 + "]",
            10,
            "a number of 4,516 digits once written in decimal is too long to read; quote it"
            " as text",
        ),
    ],
)
def test_a_tag_its_value_cannot_have(
    minimal: Project, value: str, column: int, message: str
) -> None:
    """A tagged value that the tag cannot hold is ME101 at the value, never a traceback."""
    minimal.write("claims.yaml", f"version: 1\ntitle: T\nclaims: {value}\n")
    assert minimal.rows() == [("ME101", "claims.yaml", 3, column, message)]


def test_tab_indented_file(minimal: Project) -> None:
    """A tab used for indentation is ME101 with a hint to use spaces."""
    minimal.write("claims.yaml", "version: 1\ntitle: T\nclaims:\n\t- id: x\n")
    assert minimal.rows() == [
        (
            "ME101",
            "claims.yaml",
            4,
            1,
            "a tab character where YAML expects spaces; indent with spaces only",
        )
    ]


def test_repeated_yaml_key(minimal: Project) -> None:
    """A mapping with a repeated key is ME103 at the second occurrence."""
    minimal.write(
        "claims.yaml",
        MINIMAL_CLAIMS.replace(
            "    category: pain\n", "    category: pain\n    category: stress\n"
        ),
    )
    assert minimal.rows() == [
        (
            "ME103",
            "claims.yaml",
            6,
            5,
            "key 'category' repeats the key at line 5; keep one of them",
        )
    ]


@pytest.mark.parametrize(
    ("repeat", "claim"),
    [
        (("    category: pain\n", "    category: pain\n    category: stress\n"), "pain-relief"),
        (
            ("        stance: supports\n", "        stance: supports\n        stance: x\n"),
            "pain-relief",
        ),
        (("title: Test corpus\n", "title: Test corpus\ntitle: again\n"), None),
    ],
)
def test_a_repeated_key_names_its_claim(
    minimal: Project, repeat: tuple[str, str], claim: str | None
) -> None:
    """ME103 in a claim carries the claim's id, as ME102 does; outside one, none."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace(*repeat) + "studies: {}\nstudies: {}\n")
    assert [(f.code, f.claim) for f in minimal.findings()] == [
        ("ME103", claim),
        ("ME103", None),  # the top-level key after the claims
    ]


@pytest.mark.parametrize(
    ("added", "row"),
    [
        (
            "---\nx: 1\n",
            (
                "ME101",
                10,
                1,
                "a second YAML document starts here; a claims file holds one, so remove it"
                " or merge it into the first",
            ),
        ),
        (
            "notes: !foo x\n",
            (
                "ME101",
                10,
                8,
                "unknown tag '!foo'; remove it, a claims file holds plain YAML values",
            ),
        ),
        (
            "? [a, b]\n: 1\n",
            ("ME101", 10, 3, "a key must be text, not a list or mapping; write the key as text"),
        ),
    ],
)
def test_yaml_a_claims_file_cannot_hold(
    minimal: Project, added: str, row: tuple[object, ...]
) -> None:
    """What PyYAML refuses in its own words is said as what to write instead."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS + added)
    assert [(f.code, f.line, f.column, f.message) for f in minimal.findings()] == [row]


def test_a_number_too_large_to_read_is_cut_short(minimal: Project) -> None:
    """A whole number of 29 digits is too large for pydantic; a 5,000-digit PMID or year is
    quoted cut short."""
    big = "9" * 29
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace("version: 1", f"version: {big}"))
    assert minimal.rows() == [
        ("ME102", "claims.yaml", 1, 10, f"version: {big} is too large a number")
    ]
    minimal.write("claims.yaml", MINIMAL_CLAIMS)
    long = "9" * 5000
    minimal.write(
        "refs.bib",
        MINIMAL_BIB.replace("{2020}", long).replace("  title", f"  pmid = {{{long}}},\n  title"),
    )
    cut = "'" + "9" * 58 + "…"
    assert [f.message for f in minimal.findings("ME205", "ME209")] == [
        f"pmid {cut} of entry 'smith2020' is not a PubMed id (digits only)",
        f"year {cut} of entry 'smith2020' is not a plausible year (1600 to"
        f" {datetime.date.today().year + 1})",
    ]


def test_wrong_type_deep_in_a_claim(minimal: Project) -> None:
    """A wrong value deep in a claim is ME102 at the value, naming the path and choices."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace("stance: supports", "stance: support"))
    assert minimal.rows() == [
        (
            "ME102",
            "claims.yaml",
            9,
            17,
            "claims[0].evidence[0].stance: 'support' is not one of 'supports', 'refutes',"
            " 'mixed', 'insufficient'; did you mean 'supports'?",
        )
    ]


def test_a_schema_violation_names_its_claim(valid: Project) -> None:
    """ME102 inside a claim carries the claim's id (for `--format json` and SARIF), when
    the claim has a valid one; elsewhere it names none."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("stance: supports", "stance: support").replace(
            "design: rct", "design: trial"
        )
        + "  - {id: Bad Id, category: pain, statement: S., evidence: [{ref: x, stance: s}]}\n",
    )
    assert [(f.line, f.claim) for f in valid.findings("ME102")] == [
        (8, None), (18, "pain-relief"), (19, None), (19, None),
    ]  # fmt: skip


def test_number_where_text_is_expected(minimal: Project) -> None:
    """A number for a text field is ME102 saying what was found."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace("Massage may reduce back pain.", "42"))
    assert minimal.rows() == [
        (
            "ME102",
            "claims.yaml",
            6,
            16,
            "claims[0].statement: input should be a valid string, got a number 42",
        )
    ]


@pytest.mark.parametrize("blank", ['""', '"  "', '"\\t\\n"', '"\\x1f\\u2028"'])
def test_blank_text_is_refused(valid: Project, blank: str) -> None:
    """A quote of only whitespace would match anywhere, a statement of it says nothing:
    text fields need more than whitespace."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("exact: massage eases back pain", f"exact: {blank}").replace(
            "statement: Massage may reduce back pain.", f"statement: {blank}"
        ),
    )
    assert valid.rows() == [
        ("ME102", "claims.yaml", 12, 16, "claims[0].statement is blank; give it text, not only"
         " whitespace"),
        ("ME102", "claims.yaml", 15, 16, "claims[0].anchors[0].exact is blank; give it text,"
         " not only whitespace"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "described"),
    [
        ("~", "nothing (null)"),
        ("null", "nothing (null)"),
        ("TRUE", "true"),
        ("0x1F", "a number 31"),
    ],
)
def test_a_key_that_is_not_text(valid: Project, key: str, described: str) -> None:
    """A key YAML reads as null, a boolean or a number is ME102 at that key, in a block
    mapping, a flow mapping and a claim alike."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("studies:\n", f"studies:\n  {key}:\n    design: rct\n")
        .replace("title: Test corpus", f"title: Test corpus\ncategories: {{{key}: Pain}}")
        .replace("    category: pain\n", f"    category: pain\n    {key}: x\n"),
    )
    message = f"a key must be text, got {described}; write the key as text"
    assert valid.rows() == [
        ("ME102", "claims.yaml", 3, 14, f"categories: {message}"),
        ("ME102", "claims.yaml", 8, 3, f"studies: {message}"),
        ("ME102", "claims.yaml", 15, 5, f"claims[0]: {message}"),
    ]


def test_grade_steps_out_of_range(minimal: Project) -> None:
    """GRADE steps other than 1 or 2 are ME102."""
    minimal.write(
        "claims.yaml",
        MINIMAL_CLAIMS + "    reasons:\n      - {domain: imprecision, steps: 3, why: small}\n",
    )
    assert minimal.rows() == [
        (
            "ME102",
            "claims.yaml",
            11,
            38,
            "claims[0].reasons[0].steps: input should be 1 or 2, got a number 3",
        )
    ]


@pytest.mark.parametrize(("number", "described"), [("true", "true"), ("1.0", "a number 1.0")])
def test_true_or_a_fraction_is_not_a_whole_number(
    valid: Project, number: str, described: str
) -> None:
    """YAML's `true` and `1.0` equal 1 in Python; where claims.yaml needs a whole number
    (the version, a reason's steps, a study's participants) they are ME102."""
    valid.write(
        "claims.yaml",
        VALID_CLAIMS.replace("version: 1", f"version: {number}")
        .replace("design: rct", f"design: rct\n    participants: {number}")
        .replace("stance: supports", "stance: supports\n"
                 f"    reasons:\n      - {{domain: imprecision, steps: {number}, why: small}}"),
    )  # fmt: skip
    message = f"input should be a valid integer, got {described}"
    assert valid.rows() == [
        ("ME102", "claims.yaml", 1, 10, f"version: {message}"),
        ("ME102", "claims.yaml", 9, 19, f"studies.smith2020.participants: {message}"),
        ("ME102", "claims.yaml", 21, 38, f"claims[0].reasons[0].steps: {message}"),
    ]


def test_a_count_written_as_text_is_not_a_number(valid: Project) -> None:
    """`participants: "120"` is text, as the JSON Schema says it must not be."""
    valid.write(
        "claims.yaml", VALID_CLAIMS.replace("design: rct", 'design: rct\n    participants: "120"')
    )
    assert valid.rows() == [
        ("ME102", "claims.yaml", 9, 19, "studies.smith2020.participants: input should be a"
         " valid integer, got text '120'"),
    ]  # fmt: skip


def test_unknown_key_suggests_the_known_one(minimal: Project) -> None:
    """An unknown key is ME102 at the key, with the closest known field suggested."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace("    statement:", "    statment:"))
    assert minimal.rows() == [
        ("ME102", "claims.yaml", 4, 5, "claims[0] is missing required field 'statement'"),
        (
            "ME102",
            "claims.yaml",
            6,
            5,
            "unknown field 'statment' in claims[0]; did you mean 'statement'?",
        ),
    ]


def test_a_record_that_is_not_a_mapping_says_what_it_is(minimal: Project) -> None:
    """A claim, evidence item, override or study given as a scalar or a list is ME102
    naming what was found, in YAML's words."""
    claims = MINIMAL_CLAIMS.replace("      - ref: smith2020\n        stance: supports", "      - 1")
    minimal.write(
        "claims.yaml", claims + "    override: true\n  - [x]\nstudies:\n  smith2020: rct\n"
    )
    not_a_mapping = "must be a mapping of fields, not"
    assert minimal.rows() == [
        ("ME102", "claims.yaml", 8, 9, f"claims[0].evidence[0] {not_a_mapping} a number 1"),
        ("ME102", "claims.yaml", 9, 15, f"claims[0].override {not_a_mapping} true"),
        ("ME102", "claims.yaml", 10, 5, f"claims[1] {not_a_mapping} a list"),
        ("ME102", "claims.yaml", 12, 14, f"studies.smith2020 {not_a_mapping} text 'rct'"),
    ]


def test_unknown_top_level_key(minimal: Project) -> None:
    """An unknown top-level key names the claims file as its parent."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS + "referenses: refs.bib\n")
    assert minimal.rows() == [
        (
            "ME102",
            "claims.yaml",
            10,
            1,
            "unknown field 'referenses' in the claims file",
        )
    ]


def test_claim_id_must_be_kebab_case(minimal: Project) -> None:
    """A claim id that is not kebab-case is ME102 with a suggested spelling."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace("id: pain-relief", "id: Pain_Relief"))
    assert minimal.rows() == [
        (
            "ME102",
            "claims.yaml",
            4,
            9,
            "claims[0].id: 'Pain_Relief' must be lowercase kebab-case (letters, digits and"
            " single hyphens), e.g. 'pain-relief'",
        )
    ]


def test_a_key_that_is_not_kebab_case_is_found_at_the_key(minimal: Project) -> None:
    """A category or study key that is not kebab-case is ME102 at the key, not its value."""
    minimal.write(
        "claims.yaml",
        MINIMAL_CLAIMS.replace(
            "title: Test corpus\n", "title: Test corpus\ncategories:\n  Pain: P\n"
        ),
    )
    assert minimal.rows("ME102") == [
        (
            "ME102",
            "claims.yaml",
            4,
            3,
            "categories.Pain: 'Pain' must be lowercase kebab-case (letters, digits and single"
            " hyphens), e.g. 'pain'",
        )
    ]


def test_yaml_12_booleans_and_dates_stay_text(minimal: Project) -> None:
    """`no` and dates are text, as in YAML 1.2, not a boolean or a date object."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace("title: Test corpus", "title: no") + "\n")
    assert load("claims.yaml").title == "no"
    minimal.write("claims.yaml", MINIMAL_CLAIMS.replace("title: Test corpus", "title: 2020-01-01"))
    assert load("claims.yaml").title == "2020-01-01"


def test_empty_claims_file(minimal: Project) -> None:
    """An empty claims file is ME102 at line 1 saying what it needs."""
    minimal.write("claims.yaml", "")
    assert minimal.rows() == [
        (
            "ME102",
            "claims.yaml",
            1,
            1,
            "the claims file is empty; it needs at least 'version', 'title' and 'claims'",
        )
    ]


def test_claims_file_that_is_a_list(minimal: Project) -> None:
    """A top-level list is ME102."""
    minimal.write("claims.yaml", "- a\n- b\n")
    assert minimal.rows() == [
        ("ME102", "claims.yaml", 1, 1, "the claims file must be a mapping of fields, not a list")
    ]


def test_missing_claims_file_is_a_finding_for_check(project: Project) -> None:
    """`check` never raises: a missing claims file is ME105."""
    assert project.rows() == [("ME105", "claims.yaml", None, None, "'claims.yaml' does not exist")]


def test_load_raises_load_error_with_findings(minimal: Project) -> None:
    """`load` raises LoadError carrying the findings that stopped it."""
    minimal.write("claims.yaml", "")
    with pytest.raises(LoadError) as caught:
        load("claims.yaml")
    assert [f.code for f in caught.value.findings] == ["ME102"]
    assert str(caught.value).startswith("claims.yaml:1:1: ME102 the claims file is empty")


def test_latin1_bibliography(minimal: Project) -> None:
    """A Latin-1 refs.bib is ME105 at the first byte that is not UTF-8."""
    minimal.write("refs.bib", MINIMAL_BIB.replace("A trial", "Caf\xe9 trial").encode("latin-1"))
    assert minimal.rows("ME1") == [
        (
            "ME105",
            "refs.bib",
            3,
            15,
            "'refs.bib' is not valid UTF-8 (byte 0xe9); re-save it as UTF-8, e.g. with"
            " `iconv -f latin1 -t utf-8`",
        )
    ]


def test_a_bad_byte_after_a_byte_order_mark(minimal: Project) -> None:
    """The byte order mark is not a column, and the byte named is the one that is bad."""
    minimal.write("claims.yaml", b"\xef\xbb\xbf# \xc3\xa9\xc3\xa9\xff\n" + MINIMAL_CLAIMS.encode())
    assert minimal.rows("ME1") == [
        (
            "ME105",
            "claims.yaml",
            1,
            5,
            "'claims.yaml' is not valid UTF-8 (byte 0xff); re-save it as UTF-8, e.g. with"
            " `iconv -f latin1 -t utf-8`",
        )
    ]


def test_missing_bibliography_points_at_the_claims_file(minimal: Project) -> None:
    """A bibliography named in claims.yaml that does not exist is ME105 at that line."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS + "bibliography: missing.bib\n")
    assert minimal.rows("ME1") == [("ME105", "claims.yaml", 10, 15, "'missing.bib' does not exist")]


def test_default_bibliography_missing(minimal: Project) -> None:
    """Without a `bibliography` key, a missing refs.bib is reported on refs.bib itself."""
    (minimal.root / "refs.bib").unlink()
    assert minimal.rows("ME1") == [("ME105", "refs.bib", None, None, "'refs.bib' does not exist")]


def test_bibliography_that_is_a_folder(minimal: Project) -> None:
    """A folder where a file is expected is ME105."""
    (minimal.root / "refs.bib").unlink()
    (minimal.root / "refs.bib").mkdir()
    assert minimal.rows("ME1") == [
        ("ME105", "refs.bib", None, None, "'refs.bib' is not a regular file")
    ]


def test_missing_document(minimal: Project) -> None:
    """A document file that does not exist is ME105 at its `path` line."""
    minimal.write(
        "claims.yaml", MINIMAL_CLAIMS + "documents:\n  article:\n    path: texts/missing.txt\n"
    )
    assert minimal.rows("ME1") == [
        ("ME105", "claims.yaml", 12, 11, "'texts/missing.txt' does not exist")
    ]


def test_document_text_is_loaded(minimal: Project) -> None:
    """Documents are read as UTF-8, relative to the claims file."""
    minimal.write("texts/a.txt", "Massage helps 🙂 a lot.\n")
    minimal.write("claims.yaml", MINIMAL_CLAIMS + "documents:\n  a:\n    path: texts/a.txt\n")
    document = load("claims.yaml").documents["a"]
    assert document.text == "Massage helps 🙂 a lot.\n"
    assert document.display_path == "texts/a.txt"


def test_broken_bibtex_entry_keeps_the_good_ones(minimal: Project) -> None:
    """A missing closing brace in the middle of a file is ME104; the good entries load."""
    minimal.write(
        "refs.bib",
        MINIMAL_BIB
        + "\n@article{broken,\n  title = {Unclosed,\n  year = {2021},\n}\n\n"
        + MINIMAL_BIB.replace("smith2020", "jones2021"),
    )
    assert minimal.rows("ME1") == [
        (
            "ME104",
            "refs.bib",
            8,
            1,
            "cannot parse entry 'broken': unexpected block start: '@article'; was still"
            " looking for field-value closing ',' or '}'; check its braces, quotes and commas",
        )
    ]
    assert list(load("claims.yaml").references) == ["smith2020", "jones2021"]


def test_a_bibtex_entry_without_a_key(minimal: Project) -> None:
    """An entry with no key (or only spaces, twice) is ME104, not an entry '' that is
    missing fields and cited by nothing."""
    minimal.write("refs.bib", MINIMAL_BIB + "@misc{, title = {A}}\n@misc{ , title = {B}}\n")
    message = "entry has no citation key; write one after the brace, e.g. @article{smith2020, ..."
    assert minimal.rows("ME1", "ME203", "ME207") == [
        ("ME104", "refs.bib", 7, 1, message),
        ("ME104", "refs.bib", 8, 1, message),
    ]
    assert list(load("claims.yaml").references) == ["smith2020"]


def test_repeated_bibtex_field_keeps_the_entry(minimal: Project) -> None:
    """An entry with a repeated field is ME104, and the entry is kept with its first value."""
    minimal.write(
        "refs.bib",
        MINIMAL_BIB.replace("  year = {2020},\n", "  year = {2020},\n  year = {2021},\n"),
    )
    assert minimal.rows("ME1") == [
        (
            "ME104",
            "refs.bib",
            6,
            3,
            "entry 'smith2020' repeats field 'year'; BibTeX keeps the first value,"
            " delete the other",
        )
    ]
    reference = load("claims.yaml").references["smith2020"]
    assert reference.fields["year"] == "2020"
    assert reference.fields["title"] == "A trial"


def test_bibtex_locations_count_lines_that_end_in_a_backslash(minimal: Project) -> None:
    """bibtexparser does not count a line that ends in a backslash, nor tell apart two
    entries on one line; entries and repeated fields are still found where they are."""
    minimal.write(
        "refs.bib",
        "@misc{a, title = {x \\\n y}} @misc{b, title = {z}}\n"
        + MINIMAL_BIB.replace("{A trial}", "{A \\\n trial}").replace(
            "  year = {2020},\n", "  year = {2020}, year = {2021},\n"
        ),
    )
    assert minimal.rows("ME104", "ME207") == [
        ("ME207", "refs.bib", 1, 1, "entry 'a' is not cited by any claim; cite it or remove it"),
        ("ME207", "refs.bib", 2, 6, "entry 'b' is not cited by any claim; cite it or remove it"),
        (
            "ME104",
            "refs.bib",
            8,
            18,
            "entry 'smith2020' repeats field 'year'; BibTeX keeps the first value,"
            " delete the other",
        ),
    ]


def test_field_names_differing_in_case_are_repeats(minimal: Project) -> None:
    """`Title` and `title` are the same field to BibTeX."""
    minimal.write(
        "refs.bib",
        MINIMAL_BIB.replace("  title = {A trial},\n", "  title = {A trial},\n  Title = {B},\n"),
    )
    assert [row[:4] for row in minimal.rows("ME1")] == [("ME104", "refs.bib", 4, 3)]


def test_bibtex_string_macros_resolve_in_recovered_entries(minimal: Project) -> None:
    """An entry set aside for a repeated field still has its @string macros resolved."""
    minimal.write(
        "refs.bib",
        "@string{jn = {Journal of Tests}}\n"
        + MINIMAL_BIB.replace("journal = {Journal}", "journal = jn, journal = {Other}"),
    )
    assert load("claims.yaml").references["smith2020"].fields["journal"] == "Journal of Tests"


def test_bibtex_concatenation(minimal: Project) -> None:
    """Values joined with `#` are joined, macros expanded, in entries and in @string
    definitions; `#` inside braces or quotes is text, an undefined macro stays as written."""
    minimal.write(
        "refs.bib",
        '@string{jbmt = "Journal of Bodywork"}\n@string{full = jbmt # { and Movement}}\n'
        + MINIMAL_BIB.replace(
            "journal = {Journal},",
            'journal = jbmt # " and Movement Therapies", note = full # " Therapies",'
            ' series = "C# notes", month = jan # "~15", address = "Sch\\"on" # " # 2",',
        ).replace("{A trial}", "{C# and F#}"),
    )
    fields = load("claims.yaml").references["smith2020"].fields
    names = ("journal", "note", "series", "month", "title", "address")
    assert {name: fields[name] for name in names} == {
        "journal": "Journal of Bodywork and Movement Therapies",
        "note": "Journal of Bodywork and Movement Therapies",
        "series": "C# notes",
        "month": "jan~15",
        "title": "C# and F#",
        "address": 'Sch\\"on # 2',
    }


def test_bibtex_macros_that_double_are_joined_only_so_far(minimal: Project) -> None:
    """Macros that repeat each other double at every step (2**41 characters here, the
    BibTeX form of a YAML alias bomb): past 50 million joined characters, a value stays
    as written."""
    doubling = [f"@string{{s{i} = s{i - 1} # s{i - 1}}}\n" for i in range(1, 41)]
    minimal.write(
        "refs.bib",
        "@string{s0 = {xx}}\n"
        + "".join(doubling)
        + MINIMAL_BIB.replace("{A trial}", "s40 # s40").replace("{Journal}", "s3 # s3"),
    )
    fields = load("claims.yaml").references["smith2020"].fields
    assert (fields["title"], fields["journal"]) == ("s40 # s40", "x" * 32)


def test_bibtex_joining_budget_covers_entries_set_aside(minimal: Project) -> None:
    """An entry with a repeated field is parsed again on its own; it draws on the same
    50 million characters as the rest of the bibliography, not on a budget of its own."""
    doubling = [f"@string{{s{i} = s{i - 1} # s{i - 1}}}\n" for i in range(1, 22)]
    entries = [f"@misc{{e{n}, title = s21 # s21, title = {{again}}}}\n" for n in range(1, 11)]
    minimal.write(
        "refs.bib", "@string{s0 = {xx}}\n" + "".join(doubling) + "".join(entries) + MINIMAL_BIB
    )
    references = load("claims.yaml").references
    titles = [references[f"e{n}"].fields["title"] for n in range(1, 11)]
    # The macros take 2**23 - 4 characters joined, each title 2**23: four titles fit.
    assert [len(title) for title in titles[:4]] == [2**23] * 4
    assert titles[4:] == ["s21 # s21"] * 6


def test_file_size_limit(minimal: Project) -> None:
    """A file over the size limit is refused with ME106 before it is read."""
    findings = check("claims.yaml", limits=Limits(max_file_bytes=100))
    assert [(f.code, f.message) for f in findings] == [
        (
            "ME106",
            f"'claims.yaml' is {len(MINIMAL_CLAIMS):,} bytes, over the limit of 100"
            + hint("max-file-size"),
        )
    ]


def test_alias_expansion_limit(minimal: Project) -> None:
    """Aliases that expand past the node limit are ME106 at the alias that crosses it."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    minimal.write("claims.yaml", "\n".join(lines) + "\n")
    assert minimal.rows() == [
        (
            "ME106",
            "claims.yaml",
            6,
            45,
            "the document expands to more than 1,000,000 values (through aliases or sheer size)"
            + hint("max-yaml-nodes"),
        )
    ]


def test_recursive_alias(minimal: Project) -> None:
    """An alias inside its own anchor is ME106."""
    minimal.write("claims.yaml", "a: &a [1, *a]\n")
    assert minimal.rows() == [("ME106", "claims.yaml", 1, 4, "an alias refers to its own anchor")]


def test_nesting_depth_limit(minimal: Project) -> None:
    """Nesting deeper than the limit is ME106 at the first node past it."""
    minimal.write("claims.yaml", "a: " + "[" * 70 + "]" * 70 + "\n")
    assert minimal.rows() == [
        ("ME106", "claims.yaml", 1, 67, "nesting is deeper than 64 levels" + hint("max-depth"))
    ]


def test_very_deep_nesting_does_not_crash_the_parser(minimal: Project) -> None:
    """100,000 nested brackets (which overflow libyaml's stack) are refused cleanly."""
    minimal.write("claims.yaml", "[" * 100_000 + "]" * 100_000 + "\n")
    assert minimal.rows() == [
        ("ME106", "claims.yaml", 1, 65, "nesting is deeper than 64 levels" + hint("max-depth"))
    ]


@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\x85"])
def test_lines_are_the_files_after_a_unicode_line_separator(minimal: Project, odd: str) -> None:
    """PyYAML also breaks lines at U+0085, U+2028 and U+2029; findings still name the
    line and column an editor shows."""
    minimal.write(
        "claims.yaml",
        MINIMAL_CLAIMS.replace("title: Test corpus", f'title: "Test{odd}corpus"').replace(
            "stance: supports", "stance: support"
        ),
    )
    assert minimal.rows() == [
        (
            "ME102",
            "claims.yaml",
            9,
            17,
            "claims[0].evidence[0].stance: 'support' is not one of 'supports', 'refutes',"
            " 'mixed', 'insufficient'; did you mean 'supports'?",
        )
    ]


def test_a_repeated_key_after_a_unicode_line_separator(minimal: Project) -> None:
    """ME103 names both lines as the file numbers them."""
    minimal.write(
        "claims.yaml",
        MINIMAL_CLAIMS.replace("title: Test corpus", 'title: "Test\u2028corpus"\ntitle: X'),
    )
    assert minimal.rows() == [
        ("ME103", "claims.yaml", 3, 1, "key 'title' repeats the key at line 2; keep one of them")
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "code"),
    [("ü\x00", 2, 22, "0000"), ("\x01", 2, 21, "0001"), ("\ufffe", 2, 21, "FFFE")],
)
def test_a_character_yaml_does_not_allow(
    minimal: Project, text: str, line: int, column: int, code: str
) -> None:
    """A control character is ME101 at its line and column (libyaml gives a byte offset),
    saying how to write it instead; CR LF line ends count as one."""
    minimal.write(
        "claims.yaml",
        MINIMAL_CLAIMS.replace("Test corpus", f"Test\u2028 corpus {text}").replace("\n", "\r\n"),
    )
    assert minimal.rows() == [
        (
            "ME101",
            "claims.yaml",
            line,
            column,
            f"character U+{code} is not allowed in YAML; remove it, or write it as"
            f" \\u{code.lower()} in a double-quoted string",
        )
    ]
