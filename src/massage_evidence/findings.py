"""Findings: what every check reports, as plain data.

Why: a finding is data, never an exception. Rules yield `Problem`s (a message and a place);
the engine stamps the code, rule name and severity, so every output format is consistent.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How much a finding matters; only errors fail a run unless `--strict`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an input file: 1-based line and column (code points), or unknown."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"


def line_breaks(text: str, start: int, end: int) -> int:
    """How many lines end in `text[start:end]`, a line ending at LF, CR LF or CR as
    editors, git and GitHub number lines (a CR LF counts where its LF is)."""
    return (
        text.count("\n", start, end)
        + text.count("\r", start, end)
        - text.count("\r\n", start, end + 1)
    )


def line_start(text: str, index: int, start: int = 0) -> int:
    """Where the line holding the code point at `index` begins, or `start` if later."""
    return max(text.rfind("\n", start, index), text.rfind("\r", start, index), start - 1) + 1


def location_at(path: str, text: str, index: int) -> Location:
    """The line and column of the code point at `index` of `text` (see `line_breaks`)."""
    return Location(path, line_breaks(text, 0, index) + 1, index - line_start(text, index) + 1)


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule yields: a message, where it applies, and the claim it concerns."""

    message: str
    location: Location
    claim: str | None = None


class Finding(BaseModel):
    """One reported problem, as printed by every output format."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(description="Stable rule code, e.g. 'ME201'.")
    rule: str = Field(description="Kebab-case rule name, e.g. 'unknown-reference'.")
    severity: Severity = Field(description="error, warning or info.")
    message: str = Field(description="One line saying what is wrong and what to do.")
    path: str = Field(description="The file the finding points at.")
    line: int | None = Field(default=None, description="1-based line, or null.")
    column: int | None = Field(default=None, description="1-based column, or null.")
    claim: str | None = Field(default=None, description="The claim id concerned, or null.")

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order of every report: path, line, column, code (then message, so that the
        order never depends on hashing)."""
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)

    @property
    def location(self) -> Location:
        """Where the finding points, as a `Location`."""
        return Location(self.path, self.line, self.column)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in report order, exact duplicates removed."""
    return sorted(set(findings), key=lambda f: f.sort_key)


_SHORTLIST = 200


class Suggester:
    """Finds the closest of many choices to a mistyped word, for "did you mean" hints.

    A choice that differs only in case wins. Up to a few hundred choices are compared with
    difflib; for more (a large bibliography) only choices within one deletion of the word
    on either side, such as typos, are compared, through an index built on first use.
    Ties in similarity go to the choice with more characters in the same places (`ME2O1`
    → `ME201`, not `ME210`).
    """

    def __init__(self, choices: Iterable[str]) -> None:
        self.choices = list(choices)
        self._folded: dict[str, str] = {}
        for choice in self.choices:
            self._folded.setdefault(choice.casefold(), choice)
        self._deletions: dict[str, list[str]] | None = None

    def __call__(self, word: str) -> str:
        """`"; did you mean 'x'?"`, or `""` when no choice is close."""
        same = self._folded.get(word.casefold())
        if same is not None:
            return f"; did you mean {same!r}?"
        close = difflib.get_close_matches(word, self._candidates(word), n=5)
        if not close:
            return ""
        best = max(
            close,
            key=lambda c: (
                difflib.SequenceMatcher(None, word, c).ratio(),
                sum(a == b for a, b in zip(word, c, strict=False)),
            ),
        )
        return f"; did you mean {best!r}?"

    def _candidates(self, word: str) -> list[str]:
        if len(self.choices) <= _SHORTLIST:
            return self.choices
        if self._deletions is None:
            self._deletions = {}
            for choice in self.choices:
                for variant in _deletions(choice):
                    self._deletions.setdefault(variant, []).append(choice)
        found = {c for variant in _deletions(word) for c in self._deletions.get(variant, ())}
        return sorted(found)


def _deletions(word: str) -> set[str]:
    """The word and every string one deletion away from it."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`"; did you mean 'x'?"` for the closest of `choices`, or `""` (see `Suggester`)."""
    return Suggester(choices)(word)
