"""Journal articles formatted without citeproc read exactly as citeproc-py formats them.

Every article `format_article` accepts, among the bundled, synthetic and real corpora and
thousands of generated variants, is also formatted by citeproc (as `citations.py` drives
it), and both must give the same sort keys and the same marked text.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from citeproc.model import TextCased

from massage_evidence import Reference, citations, load
from massage_evidence._bibtex import parse_bibtex
from massage_evidence.citations import format_bibliography
from massage_evidence.journal_articles import _verified, format_article

from .conftest import REPO, SHARED

sys.path.insert(0, str(REPO / "benchmarks"))
import generate

STYLES = sorted(citations.STYLES)
ITALIC = citations._FORMATTER.Italic
REAL = [
    SHARED / "corpora" / name
    for name in ("tugboat.bib", "leeper-references.bib", "bbt-unabbreviate-1436-3.bib")
]


def _items(references: Sequence[Reference], style: str) -> list[dict[str, Any]]:
    """The CSL items `citations.py` makes of `references`."""
    formatter = citations._Formatter(style, list(references), {}, 1)
    return formatter._csl_items(list(range(len(references))))


def _agree(items: list[dict[str, Any]], style: str, most: int | None = None) -> int:
    """How many of `items` `format_article` accepts, asserting that citeproc formats each
    of them (or `most` of them, evenly spread) the same, numbered by its place in `items`."""
    accepted = {
        position: article
        for position, item in enumerate(items)
        if (article := format_article(item, style, position + 1, ITALIC)) is not None
    }
    positions = list(accepted)
    if most is not None:
        positions = positions[:: -(-len(positions) // most) or 1]
    for start in range(0, len(positions), citations._CHUNK):
        chunk = positions[start : start + citations._CHUNK]
        with citations._citeproc_adjusted():
            expected = citations._format_chunk(
                citations._Chunk(
                    style,
                    [items[position] for position in chunk],
                    sort=True,
                    text=True,
                    numbers=[position + 1 for position in chunk],
                )
            )
        for position, (keys, text) in zip(chunk, expected, strict=True):
            assert accepted[position] == (keys, text), items[position]
    return len(accepted)


@pytest.fixture(scope="module")
def bundled() -> tuple[Reference, ...]:
    return load(REPO / "data" / "claims.yaml").entries


def _synthetic(count: int) -> list[Reference]:
    rng = random.Random(1)
    text = "".join(generate.bibtex(index, rng) for index in range(count))
    references, problems = parse_bibtex(text, "refs.bib")
    assert problems == []
    return references


def test_the_rules_were_read_from_the_installed_citeproc_and_styles() -> None:
    """If this fails, citeproc-py or its styles changed: every article now goes to
    citeproc (correct, but slow) until the rules are checked against the new version
    and `_VERIFIED` is updated."""
    assert all(_verified(style) for style in STYLES)


@pytest.mark.parametrize("style", STYLES)
def test_bundled_articles_agree(style: str, bundled: tuple[Reference, ...]) -> None:
    assert _agree(_items(bundled, style), style) == 32


@pytest.mark.parametrize("style", STYLES)
def test_synthetic_articles_agree(style: str) -> None:
    """The benchmark's references are all plain articles: none goes to citeproc."""
    assert _agree(_items(_synthetic(300), style), style) == 300


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("path", REAL, ids=lambda path: path.name)
def test_real_articles_agree(style: str, path: Any) -> None:
    """A thousand of each corpus's articles, evenly spread (all of them take a minute)."""
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    references = parse_bibtex(path.read_text(encoding="utf-8"), path.name)[0]
    assert _agree(_items(references, style), style, most=1000) > 500


@pytest.mark.parametrize("style", STYLES)
def test_generated_variants_agree(style: str) -> None:
    """Articles with every part varied towards what the rules decline: many are accepted,
    and each reads as citeproc-py formats it."""
    rng = random.Random(20261206)
    items = [_variant(rng, index) for index in range(1500)]
    assert _agree(items, style) > 300


def _variant(rng: random.Random, index: int) -> dict[str, Any]:
    """A CSL article, each part usually plain and sometimes of a shape to decline."""

    def pick(plain: Sequence[Any], odd: Sequence[Any]) -> Any:
        return rng.choice(odd if rng.random() < 0.04 else plain)

    item: dict[str, Any] = {"id": str(index), "type": pick(["article-journal"], ["book"])}
    authors = rng.choice([1, 1, 2, 3, 5, 6, 7, 8, 20, 21, 30])
    item["author"] = [
        {
            "family": pick(
                ["Smith", "Müller", "O'Brien", "Lee-Chan", "van Dijk", "Ng", "Łukasz"],
                ["", "Smith,", " Smith", "<b>Smith</b>"],
            ),
            "given": pick(
                ["J.", "J. R.", "Jean-Paul", "Anna", "JR", "Á.", "J.-P.", "Mary Ann", "A.B."],
                ["jean", "J-", "J. de", "", "3M"],
            ),
        }
        for _ in range(authors)
    ]
    if rng.random() < 0.02:
        item["author"][0] = {"literal": "Cochrane"}
    year, month, day = rng.randint(1950, 2026), rng.randint(1, 12), rng.randint(1, 31)
    item["issued"] = pick(
        [{"date-parts": [parts]} for parts in ([year], [year, month], [year, month, day])],
        [{"date-parts": [[2020, 13]]}, {"literal": "2020"}, {"date-parts": [[20]]}],
    )
    words = ["massage", "for", "the", "low", "back", "Pain", "of", "and", "trial", "a", "to"]
    title = " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
    item["title"] = pick(
        [title.capitalize(), f"{title.capitalize()}: a review", f"Is {title} worth it"],
        [f"{title}.", f"{title}?", f"<i>{title}</i>", f" {title}", f"{title}  x"],
    )
    stop_words = TextCased._stop_words  # citeproc-py's own, which title case leaves alone
    journal = " ".join(
        rng.choice([*words, *stop_words, "J.", "Med.", "Rev.", "iPhone"])
        for _ in range(rng.randint(1, 5))
    )
    item["container-title"] = pick(
        [journal, journal.title(), f"{journal}: {journal}", f"{journal}. {journal}"],
        [f"{journal}.", ""],
    )
    for name, plain, odd in (
        ("volume", ["12", "1", "2021"], ["12A", "x"]),
        ("issue", ["3", "12"], ["Suppl 1", "3-4"]),
        (
            "page",
            ["12-15", "123-129", "12-123", "5-5", "100-99", "e1001", "S1-S9", "12", "99–101"],
            ["12-"],
        ),
        ("DOI", ["10.1000/xyz123", "10.1186/s12891-020-3.x"], ["10.1000/x.", "doi:10.1"]),
        ("PMID", ["12345678"], ["PMC123"]),
        ("URL", ["https://example.org/a?b=1", "http://x.org"], ["https://x.org/.", "x.org"]),
        ("ISSN", ["1234-5678"], ["1234-5678"]),
        ("publisher", ["Wiley", "BMJ Publishing Group"], ["Wiley"]),
    ):
        if rng.random() < (0.75 if name in ("volume", "issue", "page", "DOI") else 0.3):
            item[name] = pick(plain, odd)
    if rng.random() < 0.03:
        item["note"] = "A note"
    return item


@pytest.mark.parametrize("style", STYLES)
def test_declined_articles(style: str) -> None:
    """What the rules do not cover goes to citeproc."""
    plain = {
        "id": "1",
        "type": "article-journal",
        "author": [{"family": "Doe", "given": "Jane"}],
        "issued": {"date-parts": [[2020]]},
        "title": "Massage for pain",
        "container-title": "J Pain",
    }
    assert format_article(plain, style, 1, ITALIC) is not None
    for change in _DECLINED:
        assert format_article({**plain, **change}, style, 1, ITALIC) is None, change
    many = [{"family": "Doe", "given": "Jane"}] * 21
    assert (format_article({**plain, "author": many}, style, 1, ITALIC) is None) == (style == "apa")
    assert (format_article(plain, style, None, ITALIC) is None) == (style == "vancouver")


_DECLINED: Iterable[dict[str, Any]] = (
    {"type": "book"},
    {"author": [{"family": "Dijk", "given": "Jan", "non-dropping-particle": "van"}]},
    {"author": [{"family": "Doe", "given": "jane"}]},
    {"title": "Does massage help?"},
    {"title": "Massage <i>in vivo</i>"},
    {"container-title": "J. Pain."},
    {"issued": {"date-parts": [[2020, 13]]}},  # a season
    {"issued": {"date-parts": [[2020], [2021]]}},  # a range
    {"volume": "12A"},
    {"page": "12-"},
    {"DOI": "10.1000/xyz."},
    {"note": "A note"},
    {"URL": "https://example.org/."},
)


@pytest.mark.parametrize("style", STYLES)
def test_bibliographies_read_the_same_with_citeproc_alone(
    style: str, bundled: tuple[Reference, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled corpus and 300 synthetic articles: the same order, numbers and texts
    whether the articles are formatted here or by citeproc."""
    references = [*bundled, *_synthetic(300)]
    fast = format_bibliography(references, style)
    monkeypatch.setattr(citations, "format_article", lambda *args: None)
    assert list(format_bibliography(references, style).items()) == list(fast.items())
