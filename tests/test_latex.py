"""LaTeX in BibTeX fields decodes to the plain text a reader expects, whatever the input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from massage_evidence.latex import _decoded, _is_plain, _tidy, to_literal, to_text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M{\"u}ller", "Müller"),
        (r"Caf\'e", "Café"),
        (r"Stra{\ss}e", "Straße"),
        (r"Gar\c{c}on", "Garçon"),
        (r"\L{}\'od\'z", "Łódź"),
        (r"{\'\i}", "í"),
        (r"{\aa}ngstr{\"o}m", "ångström"),
        (r"Medicine \& Science", "Medicine & Science"),
        ("493--505", "493\N{EN DASH}505"),
        ("before---after", "before—after"),
        ("``lactic acid''", "“lactic acid”"),
        ("Fig.~1", "Fig.\N{NO-BREAK SPACE}1"),
        ("measures by {Doppler} ultrasound", "measures by Doppler ultrasound"),
        ("{{NICE}} guideline", "NICE guideline"),
        (r"The {\TeX}book", "The TeXbook"),
        (r"\LaTeX{} and \BibTeX", "LaTeX and BibTeX"),
        (r"\MF{} and \LaTeXe", "METAFONT and LaTeX2ε"),
        (r"\TeX users", "TeX users"),
        (r"\acro{TUG} meeting", "TUG meeting"),
        (
            r"$\alpha$-helix and $\beta$ cells",
            "\N{GREEK SMALL LETTER ALPHA}-helix and \N{GREEK SMALL LETTER BETA} cells",
        ),
        (r"$x^2 + y_i$", "x^2 + y_i"),
        (
            r"\S~5 and \P{} 2, \copyright{} 2020 \pounds{}3 \dag\ddag",
            "§\N{NO-BREAK SPACE}5 and ¶ 2, © 2020 £3 †‡",
        ),
        (r"\emph{in vivo} and \textit{E. coli}", "in vivo and E. coli"),
        (r"{\em in vitro} {\bf study}", "in vitro study"),
        ("pain fell by 50% in a week", "pain fell by 50% in a week"),
        (r"pain fell by 50\% in a week", "pain fell by 50% in a week"),
        ("A & B", "A & B"),
        (r"{\noopsort{a}}Smith", "Smith"),
        (r"hy\-phen\-ated", "hyphenated"),
        ("  spread\n  over\tlines  ", "spread over lines"),
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        (r"never reads \input{/etc/hostname} files", "never reads files"),
        ("", ""),
    ],
)
def test_decodes_to_plain_text(latex: str, text: str) -> None:
    assert to_text(latex) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("{unclosed brace", "unclosed brace"),
        ("stray} brace", "stray brace"),
        (r"\begin{itemize} item", "item"),
        ("unclosed $ math", "unclosed math"),
        ("{" * 1000 + "deep" + "}" * 1000, "deep"),
        (r"\emph{" * 1000 + r"deep \& unclosed", "deep & unclosed"),
    ],
)
def test_malformed_latex_keeps_its_words(latex: str, text: str) -> None:
    """Unbalanced braces, unknown environments and nesting too deep to parse give text."""
    assert to_text(latex) == text


_LATEX_PIECES = st.sampled_from(
    [
        *["a", "Z", " ", "\n", "{", "}", "\\", "$", "%", "&", "#", "^", "_", "~", "'", '"', "`"],
        *[r"\'", r"\"", r"\c", r"\v", r"\emph{", r"\begin{", r"\end{", r"\verb", r"\url{"],
        *[r"\\", r"\TeX", r"\acro", r"\input{", r"\def", r"\(", r"\)", r"\[", r"\]", "$$", "-"],
    ]
)


@given(st.lists(_LATEX_PIECES, max_size=40).map("".join))
def test_never_raises_on_latex_soup(latex: str) -> None:
    text = to_text(latex)
    assert text == text.strip()
    assert "\n" not in text


_PLAIN_PIECES = st.sampled_from(
    [
        *"aZéΩ0 \n\t\xa0\u2002.,:;()!?/[]\"'+=*@|-{}",
        "{Doppler}",
        "{{NICE}}",
        "it's",
        "a - b",
        "--",
        "---",
        "{-}",
    ]
)


@settings(max_examples=500)
@given(st.lists(_PLAIN_PIECES, max_size=40).map("".join))
def test_plain_fields_skip_pylatexenc_with_the_same_text(value: str) -> None:
    """Fields without LaTeX are decoded by dropping braces; pylatexenc agrees."""
    if _is_plain(value):
        assert to_text(value) == _tidy(_decoded(value))


@pytest.mark.parametrize("value", ["Massage {Doppler} it's a - b", '50 per cent [Ω] (x/y): "so"!'])
def test_words_and_braces_are_plain(value: str) -> None:
    assert _is_plain(value)


def test_dashes_are_joined_without_pylatexenc() -> None:
    assert _is_plain("493--505 -{-}- a---b ----")
    assert to_text("493--505 -{-}- a---b ----") == "493\u2013505 --- a\u2014b \u2014-"


@pytest.mark.parametrize("value", ["``q''", "x~y", r"\'e", "$x$", "50%", "A & B", "<<a>>"])
def test_latex_is_not_plain(value: str) -> None:
    assert not _is_plain(value)


@given(st.text(max_size=60))
def test_never_raises_on_any_text(value: str) -> None:
    assert isinstance(to_text(value), str)


@pytest.mark.parametrize(
    ("latex", "literal"),
    [
        (r"10.1002/14651858.CD001929.pub3", "10.1002/14651858.CD001929.pub3"),
        (r"10.1000/a\_b", "10.1000/a_b"),
        ("{10.1000/XYZ}", "10.1000/XYZ"),
        ("https://example.org/~user/a%20b?x=1&y=2", "https://example.org/~user/a%20b?x=1&y=2"),
        (r"https://example.org/a\%20b\#frag", "https://example.org/a%20b#frag"),
    ],
)
def test_identifiers_keep_their_characters(latex: str, literal: str) -> None:
    """`~` and `%` mean themselves in a DOI or URL; only escapes and braces go."""
    assert to_literal(latex) == literal
