"""Anchoring: find each quoted passage in its document, and the claim-like sentences.

Matching never guesses. A quote (`exact`, with its `prefix` and `suffix`) and the document are
normalised the same way, the quote must then occur exactly once, and every position is
reported in Unicode code points of the original, unnormalised text.

Normalisation, in order:

1. Unicode NFC;
2. typographic quotes as ASCII (`‘ ’ ‚ ‛ ′` → `'`, `“ ” „ ‟ ″` → `"`) and dashes as a
   hyphen-minus (`‐ ‑ ‒ – — ― −` → `-`);
3. every run of whitespace, line breaks and no-break spaces included, as one space.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .findings import line_breaks, line_start
from .models import Anchor, Corpus

_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    }
)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A normalised text and the way back to positions in the original.

    Why: most texts change length only where whitespace runs collapse, so the mapping is
    kept as sorted break points rather than one entry per character.
    """

    text: str
    breaks: tuple[int, ...]
    shifts: tuple[int, ...]
    composed: tuple[int, ...] | None

    def original(self, index: int) -> int:
        """The original code-point offset of normalised offset `index`."""
        before_nfc = self._before_nfc(index)
        return before_nfc if self.composed is None else self.composed[before_nfc]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of the normalised span [start, end): whole runs of
        whitespace and whole characters with their combining marks."""
        if end <= start:
            return self.original(start), self.original(start)
        while end < len(self.text) and _joins_previous(self.text[end]):  # "x" of "x̄": all
            end += 1
        if self.text[end - 1] == " ":  # a run of whitespace, collapsed: up to what follows it
            return self.original(start), self.original(end)
        last = self._before_nfc(end - 1)
        if self.composed is None:
            return self.original(start), last + 1
        # The end of the cluster `last` composed from: where the next cluster starts.
        return self.original(start), self.composed[bisect_right(self.composed, self.composed[last])]

    def _before_nfc(self, index: int) -> int:
        at = bisect_right(self.breaks, index) - 1
        return index + (self.shifts[at] if at >= 0 else 0)


def normalise(text: str) -> NormalisedText:
    """Normalise `text` for quote matching, remembering where each character came from."""
    composed: tuple[int, ...] | None = None
    if not unicodedata.is_normalized("NFC", text):
        length = len(text)
        text, origin = _compose(text)
        composed = (*origin, length)
    text = text.translate(_TYPOGRAPHY)
    pieces: list[str] = []
    breaks: list[int] = []
    shifts: list[int] = []
    last = 0
    removed = 0
    for match in _WHITESPACE.finditer(text):
        pieces.append(text[last : match.start()])
        pieces.append(" ")
        last = match.end()
        length = match.end() - match.start()
        if length > 1:
            removed += length - 1
            breaks.append(match.start() - (removed - (length - 1)) + 1)
            shifts.append(removed)
    pieces.append(text[last:])
    return NormalisedText("".join(pieces), tuple(breaks), tuple(shifts), composed)


def normalised(text: str) -> str:
    """The normalised form of `text`, without the way back (for quotes)."""
    if not text:
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _WHITESPACE.sub(" ", text.translate(_TYPOGRAPHY))


def _compose(text: str) -> tuple[str, list[int]]:
    """NFC of `text`, with the original offset of each output character.

    A character composes only with the combining marks (and conjoining jamo) that follow
    it, so each such cluster is normalised on its own.
    """
    out: list[str] = []
    origin: list[int] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index < len(text) and _joins_previous(text[index]):
            continue
        cluster = unicodedata.normalize("NFC", text[start:index])
        out.append(cluster)
        origin.extend([start] * len(cluster))
        start = index
    return "".join(out), origin


def _joins_previous(char: str) -> bool:
    """Whether NFC can join `char` to the character before it: a combining mark, a
    conjoining jamo, or the second half of a composition (Bengali `ে` + `া` is `ো`)."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or 0x1160 <= code <= 0x11FF
        or 0xD7B0 <= code <= 0xD7FF
        or char in _second_halves()
    )


@functools.cache
def _second_halves() -> frozenset[str]:
    """The characters that end a canonical composition of two (all below U+20000)."""
    halves = set()
    for code in range(0x20000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            halves.add(chr(int(parts[1], 16)))
    return frozenset(halves)


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """Where a quote occurs in a document: one original [start, end) span per occurrence.

    `without_context` counts the occurrences of `exact` alone, to say whether a failed
    match failed on the quote or on its prefix or suffix.
    """

    spans: tuple[tuple[int, int], ...]
    without_context: int


def find_quote(
    document: NormalisedText, exact: str, prefix: str = "", suffix: str = ""
) -> QuoteMatch:
    """Every occurrence of `exact` between `prefix` and `suffix` in `document`."""
    quote = normalised(exact)
    before = normalised(prefix)
    after = normalised(suffix)
    if before.endswith(" ") and quote.startswith(" "):
        before = before[:-1]
    if quote.endswith(" ") and after.startswith(" "):
        after = after[1:]
    needle = before + quote + after
    spans = tuple(
        document.span(found + len(before), found + len(before) + len(quote))
        for found in _occurrences(document.text, needle)
    )
    alone = len(spans) if needle == quote else sum(1 for _ in _occurrences(document.text, quote))
    return QuoteMatch(spans, alone)


def _occurrences(text: str, needle: str) -> Iterator[int]:
    if not needle:
        return
    found = text.find(needle)
    while found != -1:
        yield found
        found = text.find(needle, found + 1)


@dataclass(frozen=True, slots=True)
class AnchorMatch:
    """The result of matching one anchor of one claim."""

    claim_index: int
    anchor_index: int
    anchor: Anchor
    match: QuoteMatch

    @property
    def span(self) -> tuple[int, int] | None:
        """The anchor's original span when it matched exactly once."""
        return self.match.spans[0] if len(self.match.spans) == 1 else None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: its original span and its text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class AnchorIndex:
    """Every anchor and every `not_claims` quote of a corpus, matched once."""

    anchors: tuple[AnchorMatch, ...]
    not_claims: dict[str, tuple[tuple[str, QuoteMatch], ...]]
    by_document: dict[str, tuple[AnchorMatch, ...]]

    def spans(self, document: str) -> list[tuple[int, int]]:
        """The spans of a document that anchors or `not_claims` quotes cover."""
        covered = [m.span for m in self.by_document.get(document, ()) if m.span is not None]
        covered += [span for _, match in self.not_claims.get(document, ()) for span in match.spans]
        return covered


def anchor_index(corpus: Corpus) -> AnchorIndex:
    """Match every anchor of `corpus` against its document (computed once per corpus)."""
    return corpus.derived("anchor_index", _build_index)


def _build_index(corpus: Corpus) -> AnchorIndex:
    texts = {
        name: normalise(document.text)
        for name, document in corpus.documents.items()
        if document.text is not None
    }
    anchors = tuple(
        AnchorMatch(
            i,
            j,
            anchor,
            find_quote(texts[anchor.document], anchor.exact, anchor.prefix, anchor.suffix),
        )
        for i, claim in enumerate(corpus.claims)
        for j, anchor in enumerate(claim.anchors)
        if anchor.document in texts
    )
    not_claims = {
        name: tuple((quote, find_quote(texts[name], quote)) for quote in document.not_claims)
        for name, document in corpus.documents.items()
        if name in texts
    }
    by_document: dict[str, list[AnchorMatch]] = {}
    for match in anchors:
        by_document.setdefault(match.anchor.document, []).append(match)
    grouped = {name: tuple(matches) for name, matches in by_document.items()}
    return AnchorIndex(anchors, not_claims, grouped)


class Coverage:
    """Spans of a text, asked whether they overlap a range in O(log n).

    Why: a long document with many anchors would otherwise compare every sentence with
    every anchor.
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Whether any span shares a code point with [start, end)."""
        before = bisect_left(self._starts, end)
        return before > 0 and self._reach[before - 1] > start


class Lines:
    """1-based line and column of offsets in a text, asked for in increasing order.

    Why: counting line breaks from the start of the text for every finding made a long
    document quadratic (a 1 MB one took minutes); this counts each break once.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1
        self._line_start = 0

    def at(self, offset: int) -> tuple[int, int]:
        """The line and column of code-point `offset`, not before the previous one."""
        if offset < self._offset:
            raise ValueError(f"offset {offset} is before the previous one, {self._offset}")
        breaks = line_breaks(self._text, self._offset, offset)
        if breaks:
            self._line += breaks
            self._line_start = line_start(self._text, offset, self._offset)
        self._offset = offset
        return self._line, offset - self._line_start + 1


CLAIM_CUES = re.compile(
    r"\b(?=[abcefhilprs])(?:alleviat\w*|eas(?:e|es|ed|ing)|reduc\w*|reliev\w*|relief|improv\w*"
    r"|boost\w*|enhanc\w*|increas\w*|lower\w*|promot\w*|restor\w*|releas\w*|calm\w*"
    r"|support\w*|help\w*|loosen\w*|soften\w*|stimulat\w*|correct\w*|prevent\w*"
    r"|heal(?:s|ed|ing)?|flush\w*|benefit\w*|effective\w*|rejuvenat\w*)\b"
)
"""Words that make a sentence read like a benefit claim (rule ME504), in lower case."""


def reads_like_claim(sentence: str) -> bool:
    """Whether a sentence contains one of the `CLAIM_CUES`, in any case."""
    # Lower-casing first is several times faster than a case-insensitive pattern.
    return CLAIM_CUES.search(sentence.lower()) is not None


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> Iterator[Sentence]:
    """The sentences of `text`: each line is a unit, and within a line a sentence ends at
    `.`, `!` or `?` followed by whitespace."""
    offset = 0
    for line in text.splitlines(keepends=True):
        start = offset
        for piece in _SENTENCE_END.split(line.rstrip()):
            begin = line.find(piece, start - offset) + offset
            if piece.strip():
                stripped = len(piece) - len(piece.lstrip())
                yield Sentence(begin + stripped, begin + len(piece), piece.strip())
            start = begin + len(piece)
        offset += len(line)
