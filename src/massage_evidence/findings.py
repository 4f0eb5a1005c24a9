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
    def sort_key(self) -> tuple[str, int, int, str]:
        """Order of every report: path, line, column, code."""
        return (self.path, self.line or 0, self.column or 0, self.code)

    @property
    def location(self) -> Location:
        """Where the finding points, as a `Location`."""
        return Location(self.path, self.line, self.column)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in report order, exact duplicates removed."""
    return sorted(set(findings), key=lambda f: f.sort_key)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`"; did you mean 'x'?"` for the closest of `choices`, or `""` when none is close.

    A choice that differs only in case wins; ties in similarity go to the choice with
    more characters in the same places (`ME2O1` → `ME201`, not `ME210`).
    """
    options = list(choices)
    same = [option for option in options if option.casefold() == word.casefold()]
    close = same or difflib.get_close_matches(word, options, n=5)
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
