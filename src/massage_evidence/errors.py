"""Exceptions raised by massage_evidence.

Problems in the user's data are findings, not exceptions. These exceptions cover what stops a
whole operation::

    MassageEvidenceError
    ├── LoadError      the claims file cannot be turned into a corpus (carries findings)
    ├── ConfigError    a bad rule selection or [tool.massage-evidence] setting
    ├── RenderError    a template failed (carries the template's file and line)
    └── OutputError    an output file could not be written

and `quoted`, how their messages and findings quote a value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .findings import Finding


class MassageEvidenceError(Exception):
    """Base class of every exception this package raises on purpose."""


class LoadError(MassageEvidenceError, ValueError):
    """The claims file could not be loaded; `findings` says where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        first = findings[0] if findings else None
        summary = f"{first.location}: {first.code} {first.message}" if first else "load failed"
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(summary + more)


class ConfigError(MassageEvidenceError, ValueError):
    """A rule selection or configuration value is not valid."""


class RenderError(MassageEvidenceError):
    """A template could not be rendered."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(where + message)


class OutputError(MassageEvidenceError, OSError):
    """An output file could not be written; nothing partial was left behind."""


def quoted(value: object) -> str:
    """A value as a one-line message quotes it (its repr), cut short if long: a finding
    must not echo a value of thousands of characters."""
    text = repr(value)
    return text if len(text) <= _QUOTED else text[: _QUOTED - 1] + "…"


_QUOTED = 60
