"""Text from a corpus as literal text in GitHub-flavoured Markdown.

Why: statements, titles and quotes come from files anyone can edit; in a Markdown report
or a pull-request comment they must read as written, and never break a table or add HTML.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]|#<>~])")
_WHITESPACE = re.compile(r"\s+")


def markdown_escape(text: object) -> str:
    """Text safe inside GitHub-flavoured Markdown, table cells included: Markdown
    punctuation escaped, `&` and HTML made inert, line breaks as spaces."""
    value = str(text).replace("&", "&amp;")
    value = _SPECIAL.sub(
        lambda m: (
            "&lt;" if m.group(1) == "<" else "&gt;" if m.group(1) == ">" else "\\" + m.group(1)
        ),
        value,
    )
    return _WHITESPACE.sub(" ", value)
