"""BibTeX field values as plain Unicode text, for display.

Why: reference managers write accents, dashes, quotes and protective braces as LaTeX
(`M{\\"u}ller`, `493--505`, `{Doppler}`), and readers should see `Müller`, an en dash and
`Doppler`. Decoding with pylatexenc is slow, so the bibliography keeps raw
values and only what is shown goes through here, once per value.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from typing import Any

from pylatexenc import latex2text, latexwalker, macrospec

# pylatexenc logs a warning for every oddity it tolerates; odd input is expected here.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)

# Logos whose text is not the macro's name; other unknown macros show as their name.
_LOGOS = {
    "LaTeXe": "LaTeX2ε",
    "AmSTeX": "AMS-TeX",
    "AmS": "AMS",
    "MF": "METAFONT",
    "MP": "METAPOST",
}
# LaTeX's own symbol commands that pylatexenc does not know.
_SYMBOLS = {"S": "§", "P": "¶", "copyright": "©", "ddag": "‡", "pounds": "£"}
# Macros that change the font or guide TeX, and print nothing themselves.
_SILENT = (
    "-", "/", "relax", "protect", "noopsort",
    "em", "it", "bf", "sl", "sc", "tt", "rm", "sf", "normalfont",
    "itshape", "slshape", "scshape", "upshape", "bfseries", "mdseries",
    "rmfamily", "sffamily", "ttfamily",
)  # fmt: skip
# A bare `%` in a field is a per cent sign, not the start of a LaTeX comment.
_BARE_PERCENT = re.compile(r"(?<!\\)((?:\\\\)*)%")
_BRACES = re.compile(r"[{}]")
_MARKUP = re.compile(r"\\[A-Za-z]+\s*|[\\{}]")
_SPACES = re.compile(r"[ \t\r\n]+")
_ESCAPED = re.compile(r"\\([_%&#$])")
# What makes a field more than its words, braces and dashes (see `_is_plain`).
_RESERVED = re.compile(r"[\\$~%&#^_`<>]|''")
# LaTeX's dash ligatures, the longest first.
_DASHES = (("---", "\u2014"), ("--", "\u2013"))
_CACHE_SIZE = 1 << 16


@functools.lru_cache(maxsize=_CACHE_SIZE)
def to_text(value: str) -> str:
    """The plain text of a field value: accents, dashes and quotes as Unicode, braces gone.

    Never raises: LaTeX that cannot be read (nested too deep) keeps its words, without
    braces and macro names.
    """
    return _tidy(_BRACES.sub("", _undashed(value)) if _is_plain(value) else _decoded(value))


def _tidy(text: str) -> str:
    """One line, no outer spaces, composed characters."""
    return unicodedata.normalize("NFC", _SPACES.sub(" ", text).strip())


def _is_plain(value: str) -> bool:
    """Whether `value` means itself once its braces are gone and its dashes joined: no
    macro, math, tie, comment, other ligature (two quotes, `!``, `<<`) or other character
    LaTeX reserves. Most fields are like this (a page range is `493--505`), and
    pylatexenc takes a millisecond over each."""
    return _RESERVED.search(value) is None


def _undashed(text: str) -> str:
    """`---` as an em dash and `--` as an en dash, as TeX joins them."""
    for ligature, dash in _DASHES:
        text = text.replace(ligature, dash)
    return text


def _decoded(value: str) -> str:
    """The text pylatexenc makes of `value`; its words when it cannot read it."""
    source = _BARE_PERCENT.sub(r"\1\\%", value)
    try:
        walker = latexwalker.LatexWalker(source, latex_context=_walker_context())
        nodes = walker.get_latex_nodes()[0]
        return str(_converter().nodelist_to_text(nodes))
    except Exception:  # pylatexenc has no error hierarchy; RecursionError is one way out
        return _MARKUP.sub("", value)


def to_literal(value: str) -> str:
    """An identifier (DOI, URL) as LaTeX would print it verbatim: escapes and braces removed.

    Unlike `to_text`, `~` and `%` keep their meaning in a URL.
    """
    return _ESCAPED.sub(r"\1", _BRACES.sub("", value)).strip()


@functools.cache
def _walker_context() -> macrospec.LatexContextDb:
    """How to parse: pylatexenc's macros, plus BibTeX's `\\noopsort{key}` sorting trick."""
    context = latexwalker.get_default_latex_context_db()
    context.add_context_category(
        "bibtex", macros=[macrospec.MacroSpec("noopsort", "{")], prepend=True
    )
    return context


@functools.cache
def _converter() -> latex2text.LatexNodes2Text:
    """How to render: pylatexenc's text for the macros it knows and `_SYMBOLS`, `_SILENT`
    ones dropped, a literal `&` kept, and the others through `_unknown_macro`."""
    context = latex2text.get_default_latex_context_db()
    silent = [latex2text.MacroTextSpec(name, discard=True) for name in _SILENT]
    symbols = [latex2text.MacroTextSpec(name, text) for name, text in _SYMBOLS.items()]
    ampersand = latex2text.SpecialsTextSpec("&", "&")
    context.add_context_category(
        "bibtex", macros=[*silent, *symbols], specials=[ampersand], prepend=True
    )
    context.set_unknown_macro_spec(latex2text.MacroTextSpec("", _unknown_macro))
    return latex2text.LatexNodes2Text(latex_context=context, math_mode="text")


def _unknown_macro(node: Any) -> str:
    """A macro pylatexenc does not know is most often a logo or an acronym: show it
    (`\\TeX` → TeX, `\\PDF` → PDF) with the space after it. When an argument follows
    (`\\acro{TUG}`), only the argument is shown."""
    following = node.parsing_state.s[node.pos + node.len : node.pos + node.len + 2]
    if following.startswith("{") and following != "{}":
        return ""
    name = str(node.macroname)
    return _LOGOS.get(name, name) + str(node.macro_post_space)
