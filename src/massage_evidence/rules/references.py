"""ME2xx: the bibliography and the studies' appraisals."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Problem, Severity
from ..models import Corpus
from . import rule


@rule("ME202", "duplicate-bibtex-key", Severity.ERROR)
def duplicate_bibtex_key(corpus: Corpus) -> Iterator[Problem]:
    """Two bibliography entries share a key, compared case-insensitively.

    Why: BibTeX and biber treat `Smith2020` and `smith2020` as one key and keep only one
    entry, so a claim may silently cite a different work than the one you checked.

    Example:
        @article{Smith2020, title = {Massage for back pain}, ...}
        @article{smith2020, title = {Massage for neck pain}, ...}

    Fix:
        @article{smith2020back, title = {Massage for back pain}, ...}
        @article{smith2020neck, title = {Massage for neck pain}, ...}
    """
    first: dict[str, str] = {}
    lines: dict[str, int | None] = {}
    for entry in corpus.entries:
        folded = entry.key.casefold()
        if folded not in first:
            first[folded] = entry.key
            lines[folded] = entry.location.line
            continue
        same = "" if first[folded] == entry.key else f" {first[folded]!r}"
        yield Problem(
            f"key {entry.key!r} repeats the key{same} at line {lines[folded]};"
            " BibTeX ignores case, so rename one of them",
            entry.location,
        )
