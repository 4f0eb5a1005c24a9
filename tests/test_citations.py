"""Bibliographies in APA and Vancouver: exact text, escaped HTML, and no crash on odd entries."""

from __future__ import annotations

import contextlib
import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from massage_evidence import ConfigError, Reference, citations, load
from massage_evidence import cache as cache_module
from massage_evidence._bibtex import parse_bibtex
from massage_evidence._gc import frozen, paused_gc
from massage_evidence.cache import Cache, decode_entry, encode_entry
from massage_evidence.citations import FormattedEntry, format_bibliography

from .conftest import REPO, SHARED

ODD_ENTRIES = r"""
@techreport{nice2016,
  author = {{National Institute for Health and Care Excellence}},
  title = {Low back pain and sciatica in over 16s},
  institution = {NICE}, year = {2016}, month = nov,
  url = {https://www.nice.org.uk/guidance/ng59},
}
@article{noyear, author = {Doe, Jane}, title = {Undated}, journal = {J}}
@misc{empty,}
@article{hostile,
  author = {Doe, Jane}, title = {<script>alert("x")</script> \& <b>bold</b>},
  journal = {J \& K}, year = 2001, url = {https://example.org/?a=1&b=<2>},
}
@article{Case, author = {Upper, A.}, title = {Upper}, journal = {J}, year = 2001}
@article{case, author = {Lower, A.}, title = {Lower}, journal = {J}, year = 2001}
"""


def _references(text: str) -> list[Reference]:
    references, problems = parse_bibtex(text, "test.bib")
    assert problems == []
    return references


@pytest.fixture(scope="module")
def bundled() -> tuple[Reference, ...]:
    return load(REPO / "data" / "claims.yaml").entries


@pytest.fixture
def citeproc_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reference goes to citeproc, none to `journal_articles`: for the tests of
    how citeproc is driven (chunks, worker processes, its adjustments)."""
    monkeypatch.setattr(citations, "format_article", lambda *args: None)


def test_apa_sorts_by_author(bundled: tuple[Reference, ...]) -> None:
    chosen = [entry for entry in bundled if entry.key in APA_ORDER]
    assert list(format_bibliography(chosen[::-1], "apa")) == APA_ORDER


APA_ORDER = [
    "cherkin2011comparison",
    "chou2017nonpharmacologic",
    "field2005cortisol",
    "furlan2015massage",
    "klein2015detox",
    "lederman2011fall",
    "moyer2004metaanalysis",
    "moyer2011cortisol",
    "nelson2017massage",
    "perlman2019efficacy",
    "shoemaker1997failure",
    "swain2020consensus",
    "wiltshire2010massage",
]


def test_apa_entry(bundled: tuple[Reference, ...]) -> None:
    entry = format_bibliography(bundled, "apa")["shoemaker1997failure"]
    assert entry == FormattedEntry(
        key="shoemaker1997failure",
        html="Shoemaker, J. K., Tiidus, P. M., &amp; Mader, R. (1997). Failure of manual massage"
        " to alter limb blood flow: measures by Doppler ultrasound. <i>Medicine &amp; Science"
        " in Sports &amp; Exercise</i>, <i>29</i>(5), 610\N{EN DASH}614."
        " https://doi.org/10.1097/00005768-199705000-00004",
        text="Shoemaker, J. K., Tiidus, P. M., & Mader, R. (1997). Failure of manual massage"
        " to alter limb blood flow: measures by Doppler ultrasound. Medicine & Science"
        " in Sports & Exercise, 29(5), 610\N{EN DASH}614."
        " https://doi.org/10.1097/00005768-199705000-00004",
    )


def test_vancouver_keeps_the_given_order(bundled: tuple[Reference, ...]) -> None:
    assert list(format_bibliography(bundled, "vancouver")) == [r.key for r in bundled]


def test_vancouver_entry(bundled: tuple[Reference, ...]) -> None:
    """NLM style, with the space after the number that citeproc-py's missing
    `second-field-align` would drop."""
    entry = format_bibliography(bundled, "vancouver")["wiltshire2010massage"]
    text = (
        "5. Wiltshire EV, Poitras V, Pak M, Hong T, Rayner J, Tschakovsky ME. Massage impairs"
        " postexercise muscle blood flow and \N{LEFT DOUBLE QUOTATION MARK}lactic acid"
        "\N{RIGHT DOUBLE QUOTATION MARK} removal. Medicine & Science in Sports & Exercise."
        " 2010;42(6):1062\N{EN DASH}71. doi:10.1249/MSS.0b013e3181c9214f PubMed PMID: 19997015."
    )
    assert entry.text == text
    assert entry.html == text.replace("&", "&amp;")


def test_odd_entries_in_apa() -> None:
    """Corporate authors, missing years, empty entries and keys that differ only in case."""
    entries = format_bibliography(_references(ODD_ENTRIES), "apa")
    assert {key: entry.text for key, entry in entries.items()} == {
        "noyear": "Doe, J. (n.d.). Undated. J.",
        "hostile": 'Doe, J. (2001). <script>alert("x")</script> & <b>bold</b>. J & K.'
        " https://example.org/?a=1&b=<2>",
        "case": "Lower, A. (2001). Lower. J.",
        "nice2016": "National Institute for Health and Care Excellence. (2016). Low back pain"
        " and sciatica in over 16s. NICE. https://www.nice.org.uk/guidance/ng59",
        "Case": "Upper, A. (2001). Upper. J.",
        "empty": "(n.d.).",
    }


def test_odd_entries_in_vancouver() -> None:
    """The month is spaced from the year (citeproc-py joins a locale date without spaces)."""
    entries = format_bibliography(_references(ODD_ENTRIES), "vancouver")
    assert {key: entry.text for key, entry in entries.items()} == {
        "nice2016": "1. National Institute for Health and Care Excellence. Low back pain and"
        " sciatica in over 16s [Internet]. NICE; 2016 Nov."
        " Available from: https://www.nice.org.uk/guidance/ng59",
        "noyear": "2. Doe J. Undated. J.",
        "empty": "3.",
        "hostile": '4. Doe J. <script>alert("x")</script> & <b>bold</b>. J & K [Internet].'
        " 2001. Available from: https://example.org/?a=1&b=<2>",
        "Case": "5. Upper A. Upper. J. 2001.",
        "case": "6. Lower A. Lower. J. 2001.",
    }


@pytest.mark.parametrize("style", ["apa", "vancouver"])
def test_html_escapes_the_data_and_keeps_the_style_markup(style: str) -> None:
    html = format_bibliography(_references(ODD_ENTRIES), style)["hostile"].html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "https://example.org/?a=1&amp;b=&lt;2&gt;" in html
    assert "<script>" not in html
    assert "<b>" not in html


def test_apa_italics_become_tags_and_data_cannot_forge_them() -> None:
    """Markup comes only from the style: the private-use characters that stand for tags
    while citeproc runs are removed from the data first."""
    text = "@article{k, author = {Doe, J.}, title = {A\ue000B\ue001}, journal = {J}, year = 2001}"
    entry = format_bibliography(_references(text), "apa")["k"]
    assert entry.html == "Doe, J. (2001). AB. <i>J</i>."
    assert entry.text == "Doe, J. (2001). AB. J."


def test_a_repeated_key_is_formatted_once() -> None:
    text = "@misc{k, title = {First}}\n@misc{k, title = {Second}}\n"
    entries = format_bibliography(_references(text), "vancouver")
    assert [entry.text for entry in entries.values()] == ["1. First."]


def test_no_references_no_entries() -> None:
    assert format_bibliography([], "apa") == {}


def test_unknown_style_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown citation style 'mla'; known styles: apa,"):
        format_bibliography([], "mla")


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        (
            "@misc{web, title = {Benefits of massage}, url = {https://example.org}, year = 2020}",
            "apa",
            "Benefits of massage. (2020). https://example.org",
        ),
        (
            "@article{a, title = {Benefits of massage}, journal = {J Massage}, year = 2020}",
            "apa",
            "Benefits of massage. (2020). J Massage.",
        ),
        (
            "@book{b, editor = {Smith, Ann}, title = {Handbook}, publisher = {Pub}, year = 2020}",
            "vancouver",
            "1. Smith A, editor. Handbook. Pub; 2020.",
        ),
        (
            "@book{b, editor = {Smith, Ann}, title = {Handbook}, publisher = {Pub}, year = 2020}",
            "apa",
            "Smith, A. (Ed.). (2020). Handbook. Pub.",
        ),
        (
            "@book{b, author = {Doe, Jo}, editor = {Smith, Ann}, title = {Handbook},"
            " publisher = {Pub}, year = 2020}",
            "vancouver",
            "1. Doe J. Handbook. Smith A, editor. Pub; 2020.",
        ),
    ],
)
def test_what_stands_in_for_the_author_is_printed_once(
    text: str, style: str, expected: str
) -> None:
    """A title or editors substituted for a missing author are not printed again, also
    when the style reaches them through a macro; with an author, the editors stay."""
    [entry] = format_bibliography(_references(text), style).values()
    assert entry.text == expected


@pytest.mark.parametrize(
    ("editors", "label"), [("Smith, Ann", "(Ed.)"), ("Smith, Ann and Doe, Jo", "(Eds.)")]
)
def test_apa_capitalises_the_editor_label(editors: str, label: str) -> None:
    """APA's label is in title case ("(Ed.)"); citeproc-py left it as the term, "ed."."""
    text = (
        f"@incollection{{c, author = {{Roe, R.}}, editor = {{{editors}}}, title = {{Chapter}},"
        " booktitle = {Big book}, publisher = {Pub}, year = 2020}"
    )
    [entry] = format_bibliography(_references(text), "apa").values()
    names = "A. Smith" if " and " not in editors else "A. Smith & J. Doe"
    assert entry.text == f"Roe, R. (2020). Chapter. In {names} {label}, Big book. Pub."


@pytest.mark.parametrize(
    ("urldate", "retrieved"),
    [(", urldate = {2025-06-01}", "Retrieved June 1, 2025, from "), ("", "Retrieved ")],
)
def test_apa_retrieves_an_undated_page_on_its_urldate(urldate: str, retrieved: str) -> None:
    """As docs/reports.md says: APA's retrieval date comes from `urldate`."""
    text = (
        f"@misc{{w, author = {{{{NCCIH}}}}, title = {{Massage}}, url = {{https://e.org}}{urldate}}}"
    )
    [entry] = format_bibliography(_references(text), "apa").values()
    assert entry.text == f"NCCIH. (n.d.). Massage. {retrieved}https://e.org"


def test_importing_the_module_does_not_load_citeproc() -> None:
    """`validate` must stay fast: citeproc and lxml are imported only to format."""
    code = (
        "import sys, massage_evidence.citations; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'citeproc', 'lxml'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def _formatted(bibliography: dict[str, FormattedEntry]) -> list[tuple[str, str, str]]:
    return [(entry.key, entry.html, entry.text) for entry in bibliography.values()]


@pytest.mark.parametrize("style", ["apa", "vancouver"])
def test_cached_references_give_the_same_bibliography(
    style: str, bundled: tuple[Reference, ...], tmp_path: Path
) -> None:
    """Cold, warm, and warm in another order (new numbers in Vancouver): as without a cache."""
    cache = Cache(tmp_path)
    plain = format_bibliography(bundled, style)
    assert _formatted(format_bibliography(bundled, style, cache=cache)) == _formatted(plain)
    assert _formatted(format_bibliography(bundled, style, cache=cache)) == _formatted(plain)
    backwards = format_bibliography(bundled[::-1], style, cache=cache)
    assert _formatted(backwards) == _formatted(format_bibliography(bundled[::-1], style))


def test_a_cached_reference_is_not_formatted_again(tmp_path: Path) -> None:
    """The stored text and sort keys are what a warm run uses (edited by hand, they show)."""
    cache = Cache(tmp_path)
    references = _references(ODD_ENTRIES)
    format_bibliography(references, "apa", cache=cache)
    (table,) = (tmp_path / "references").glob("*.json")
    stored = decode_entry(table.read_bytes())
    assert stored is not None
    for entry in stored["entries"].values():
        if entry["text"].startswith("Upper"):
            entry["text"] = "stored text"
            entry["sort"][0] = "000"
    table.write_text(encode_entry(stored))
    warm = format_bibliography(references, "apa", cache=cache)
    assert next(iter(warm)) == "Case"
    assert warm["Case"].text == "stored text"


def test_a_changed_entry_is_formatted_again(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    format_bibliography(_references(ODD_ENTRIES), "apa", cache=cache)
    changed = _references(ODD_ENTRIES.replace("title = {Upper}", "title = {Changed}"))
    assert "Changed" in format_bibliography(changed, "apa", cache=cache)["Case"].text


@pytest.mark.parametrize(
    "damage",
    [
        {"sort": "not a list", "number": None, "text": "x"},
        {"sort": [None], "number": None, "text": "wrong number of keys"},
        {"sort": [None, None, None, None, None, None, None, None], "number": "1", "text": "x"},
        {"sort": [1, None, None, None, None, None, None, None], "number": None, "text": "x"},
        ["not", "an", "object"],
    ],
)
def test_a_damaged_cache_entry_is_ignored(damage: object, tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    references = _references(ODD_ENTRIES)
    expected = _formatted(format_bibliography(references, "apa"))
    format_bibliography(references, "apa", cache=cache)
    (table,) = (tmp_path / "references").glob("*.json")
    stored = decode_entry(table.read_bytes())
    assert stored is not None
    stored["entries"] = dict.fromkeys(stored["entries"], damage)
    table.write_text(encode_entry(stored))  # stored whole: the shape is what is checked
    assert _formatted(format_bibliography(references, "apa", cache=cache)) == expected
    assert _formatted(format_bibliography(references, "apa", cache=cache)) == expected


def test_the_table_keeps_the_last_report_and_a_bounded_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """References of other reports are kept, most recent first, up to a bound."""
    monkeypatch.setattr(cache_module, "_KEPT_REFERENCES", 3)
    cache = Cache(tmp_path)
    references = _references(ODD_ENTRIES)
    format_bibliography(references[:2], "apa", cache=cache)
    format_bibliography(references[2:4], "apa", cache=cache)
    assert len(cache.formatted("apa")) == 3
    format_bibliography(references, "apa", cache=cache)
    assert len(cache.formatted("apa")) == len(references)


@pytest.mark.parametrize("style", ["apa", "vancouver"])
@pytest.mark.usefixtures("citeproc_only")
def test_chunks_give_the_same_bibliography(
    style: str, bundled: tuple[Reference, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Formatted three entries at a time: the same order, texts and Vancouver numbers."""
    whole = format_bibliography(bundled, style)
    monkeypatch.setattr(citations, "_CHUNK", 3)
    chunked = format_bibliography(bundled, style)
    assert _formatted(chunked) == _formatted(whole)
    if style == "vancouver":
        assert chunked[bundled[-1].key].text.startswith(f"{len(bundled)}. ")


@pytest.mark.usefixtures("citeproc_only")
def test_citeproc_objects_are_freed_chunk_by_chunk(
    bundled: tuple[Reference, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with the collector paused, as it is while a report is built, the cycles
    citeproc makes for a chunk are collected: they do not pile up until the end."""
    from citeproc.source import CitationItem

    monkeypatch.setattr(citations, "_CHUNK", 4)
    live: list[int] = []
    format_chunk = citations._format_chunk

    def counting(*args: Any, **kwargs: Any) -> Any:
        live.append(sum(isinstance(o, CitationItem) for o in gc.get_objects()))
        return format_chunk(*args, **kwargs)

    monkeypatch.setattr(citations, "_format_chunk", counting)
    with paused_gc():
        format_bibliography(bundled, "apa")
        assert not gc.isenabled()
    assert live == [0] * -(-len(bundled) // 4)


def test_frozen_hides_what_exists_for_the_block_only() -> None:
    with frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_frozen_leaves_the_callers_freeze_alone() -> None:
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with frozen():
            pass
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("style", ["apa", "vancouver"])
@pytest.mark.usefixtures("citeproc_only")
def test_worker_processes_give_the_same_bibliography(
    style: str, bundled: tuple[Reference, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of eight shared among two real worker processes, numbers and all."""
    here = format_bibliography(bundled, style)

    def not_here(chunk: object) -> None:
        raise AssertionError("a chunk was formatted in the calling process")

    monkeypatch.setattr(citations, "_CHUNK", 8)
    monkeypatch.setattr(citations, "_format_chunk", not_here)  # workers have their own
    assert _formatted(format_bibliography(bundled, style, jobs=2)) == _formatted(here)


@pytest.mark.usefixtures("citeproc_only")
def test_formatting_stays_here_where_no_process_can_start(
    bundled: tuple[Reference, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/dev/shm")

    here = format_bibliography(bundled, "apa")
    monkeypatch.setattr(citations, "_CHUNK", 8)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refused)
    assert _formatted(format_bibliography(bundled, "apa", jobs=2)) == _formatted(here)


@pytest.mark.parametrize("style", sorted(citations.STYLES))
@pytest.mark.usefixtures("citeproc_only")
def test_remembered_lookups_change_no_entry(
    style: str, bundled: tuple[Reference, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """citeproc-py with its style lookups remembered formats every entry exactly as
    citeproc-py alone: the bundled corpus and 400 real entries of Leeper's bibliography."""
    real = parse_bibtex((SHARED / "corpora" / "leeper-references.bib").read_text(), "l.bib")[0]
    references = [*bundled, *real[:400]]
    remembered = format_bibliography(references, style)
    monkeypatch.setattr(citations, "_lookups_memoised", contextlib.nullcontext)
    assert format_bibliography(references, style) == remembered
    assert len(remembered) == len(bundled) + 400


QUESTIONS = r"""
@book{q, author = {Doe, Jane}, title = {Why massage?}, publisher = {Pub}, year = 2001}
@article{a, author = {Doe, Jane}, title = {Do sources agree?}, journal = {J Bodyw Mov Ther},
  year = 2004, volume = 8, number = 1, pages = {48--57}}
@misc{w, author = {Doe, Jane}, title = {Massage: does it work!}, year = 2020,
  url = {https://example.org/a}}
"""


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (
            "apa",
            [
                "Doe, J. (2001). <i>Why massage?</i> Pub.",
                "Doe, J. (2004). Do sources agree? <i>J Bodyw Mov Ther</i>, <i>8</i>(1), 48–57.",
                "Doe, J. (2020). <i>Massage: does it work!</i> https://example.org/a",
            ],
        ),
        (
            "vancouver",
            [
                "1. Doe J. Why massage? Pub; 2001.",
                "2. Doe J. Do sources agree? J Bodyw Mov Ther. 2004;8(1):48–57.",
                "3. Doe J. Massage: does it work! [Internet]. 2020."
                " Available from: https://example.org/a",
            ],
        ),
    ],
)
def test_no_period_after_a_question_or_exclamation_mark(style: str, expected: list[str]) -> None:
    """citeproc-py printed "agree?." where a title ends in "?" or "!", in italics or not."""
    formatted = format_bibliography(_references(QUESTIONS), style)
    assert [entry.html for entry in formatted.values()] == expected
