"""Text from a corpus as literal text in GitHub-flavoured Markdown.

Why: statements, titles and quotes come from files anyone can edit; in a Markdown report
or a pull-request comment they must read as written, and never break a table or add HTML.
"""

from __future__ import annotations

import re

# A mention (`@name`) and an issue reference (`#12`) would notify or link on GitHub; a zero
# width space after `@` or `#` keeps them as text, as Renovate does in its pull requests.
_SPECIAL = re.compile(r"(?P<mention>(?<!\w)@)|(?P<issue>#(?=\d))|(?P<char>[\\`*_\[\]|#<>~])")
_ZERO_WIDTH_SPACE = "&#8203;"
_WHITESPACE = re.compile(r"\s+")


def markdown_escape(text: object) -> str:
    """Text safe inside GitHub-flavoured Markdown, table cells included: Markdown
    punctuation escaped, `&` and HTML made inert, mentions and issue references kept as
    text, line breaks as spaces."""
    return _WHITESPACE.sub(" ", _SPECIAL.sub(_inert, str(text).replace("&", "&amp;")))


def _inert(match: re.Match[str]) -> str:
    if match.group("mention"):
        return "@" + _ZERO_WIDTH_SPACE
    if match.group("issue"):
        return "\\#" + _ZERO_WIDTH_SPACE
    char = match.group("char")
    return "&lt;" if char == "<" else "&gt;" if char == ">" else "\\" + char
