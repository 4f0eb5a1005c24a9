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
# A web address, as far as a CommonMark autolink can hold it; punctuation that ends a
# sentence after it is not part of it, as GitHub reads bare addresses.
_URL = re.compile(r"https?://[^\s<>\x00-\x1f\x7f]+", re.I)
_TRAILING = "?!.,:;*_~'\""


def markdown_escape(text: object, *, links: bool = True) -> str:
    """Text safe inside GitHub-flavoured Markdown, table cells included: Markdown
    punctuation escaped, `&` and HTML made inert, mentions and issue references kept as
    text, web addresses as autolinks (escaping inside one would change the address;
    `links=False` inside a link's text, where a link may not be), line breaks as spaces."""
    text = str(text)
    pieces: list[str] = []
    done = 0
    for match in _URL.finditer(text) if links else ():
        url = _without_trailing(match.group())
        pieces.append(_escaped(text[done : match.start()]))
        pieces.append("<" + url.replace("|", "%7C") + ">")  # a | would end a table cell
        done = match.start() + len(url)
    pieces.append(_escaped(text[done:]))
    return _WHITESPACE.sub(" ", "".join(pieces))


def _escaped(text: str) -> str:
    return _SPECIAL.sub(_inert, text.replace("&", "&amp;"))


def _without_trailing(url: str) -> str:
    """`url` without the punctuation after it, or a closing bracket it did not open."""
    while url:
        last = url[-1]
        opening = {")": "(", "]": "["}.get(last)
        if last in _TRAILING or (opening and url.count(last) > url.count(opening)):
            url = url[:-1]
        else:
            break
    return url


def _inert(match: re.Match[str]) -> str:
    if match.group("mention"):
        return "@" + _ZERO_WIDTH_SPACE
    if match.group("issue"):
        return "\\#" + _ZERO_WIDTH_SPACE
    char = match.group("char")
    return "&lt;" if char == "<" else "&gt;" if char == ">" else "\\" + char
