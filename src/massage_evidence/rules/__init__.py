"""The rule registry: every finding code, its name, default severity and documentation.

Adding a rule is one decorated generator function in the family module of its hundred::

    @rule("ME201", "unknown-reference", Severity.ERROR)
    def unknown_reference(corpus: Corpus) -> Iterator[Problem]:
        \"\"\"A claim cites a key that is not in the bibliography. ...\"\"\"

The engine stamps the code, name and severity on what the function yields. Codes that the
loader reports (ME1xx, ME104) are declared with `load_rule` so that they are listed,
documented and selectable like the others.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..findings import Finding, Problem, Severity

if TYPE_CHECKING:
    from ..models import Corpus

Check = Callable[["Corpus"], Iterable[Problem]]

_CODE = re.compile(r"^ME[1-9][0-9][0-9]$")
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Rule:
    """A registered rule; `check` is None for codes the loader reports."""

    code: str
    name: str
    severity: Severity
    doc: str
    check: Check | None = None

    @property
    def summary(self) -> str:
        """The first paragraph of the rule's documentation, on one line."""
        return " ".join(self.doc.split("\n\n", 1)[0].split())

    def finding(self, problem: Problem) -> Finding:
        """Stamp this rule's code, name and severity on a problem."""
        where = problem.location
        return Finding(
            code=self.code,
            rule=self.name,
            severity=self.severity,
            message=problem.message,
            path=where.path,
            line=where.line,
            column=where.column,
            claim=problem.claim,
        )


_REGISTRY: dict[str, Rule] = {}


def _register(new: Rule) -> None:
    if not _CODE.match(new.code) or not _NAME.match(new.name):
        raise ValueError(f"rule {new.code} {new.name!r}: bad code or name")
    for known in _REGISTRY.values():
        if new.code == known.code or new.name == known.name:
            raise ValueError(f"rule {new.code} {new.name!r} is already registered")
    _REGISTRY[new.code] = new


def rule(code: str, name: str, severity: Severity) -> Callable[[Check], Check]:
    """Register a generator of problems under a code, a kebab-case name and a severity."""

    def register(check: Check) -> Check:
        _register(Rule(code, name, severity, inspect.getdoc(check) or "", check))
        return check

    return register


def load_rule(code: str, name: str, severity: Severity, doc: str) -> None:
    """Declare a code that the loader reports while reading the input files."""
    _register(Rule(code, name, severity, inspect.cleandoc(doc)))


def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by code."""
    return tuple(sorted(_REGISTRY.values(), key=lambda r: r.code))


def get_rule(code: str) -> Rule:
    """The rule registered under `code`."""
    return _REGISTRY[code]


def stamp(code: str, problem: Problem) -> Finding:
    """The finding for a problem reported under `code`."""
    return _REGISTRY[code].finding(problem)


from . import anchors, claims, grading, inputs, references  # noqa: E402  (families register on import)

__all__ = [
    "Check",
    "Rule",
    "all_rules",
    "anchors",
    "claims",
    "get_rule",
    "grading",
    "inputs",
    "load_rule",
    "references",
    "rule",
    "stamp",
]
