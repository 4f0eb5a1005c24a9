"""Findings as text for people, and as the formats CI systems read.

Every formatter takes a `Report` and returns the whole output as one string, so that the
command line can print it or write it atomically to a file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .findings import Finding, Severity
from .rules import Rule, all_rules


@dataclass(frozen=True, slots=True)
class Report:
    """One validation run: its findings, the rules that ran and whether `--strict` was on.

    Why: some formats need more than the findings. JUnit has one test per rule that ran,
    and what counts as a failure there, as in the exit status, depends on `strict`.
    """

    findings: list[Finding]
    rules: tuple[Rule, ...] = field(default_factory=all_rules)
    strict: bool = False

    def __post_init__(self) -> None:
        stray = sorted({f.code for f in self.findings} - {r.code for r in self.rules})
        if stray:  # a format that lists rules would silently drop these findings
            raise ValueError(f"findings of rules that did not run: {', '.join(stray)}")

    @property
    def failing(self) -> frozenset[Severity]:
        """The severities that fail the run: errors, and warnings too when strict."""
        if self.strict:
            return frozenset({Severity.ERROR, Severity.WARNING})
        return frozenset({Severity.ERROR})

    @property
    def failed(self) -> bool:
        """Whether any finding has a failing severity (exit status 1)."""
        return any(f.severity in self.failing for f in self.findings)


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each severity."""
    counts = Counter(f.severity for f in findings)
    return {severity.value: counts[severity] for severity in Severity}


_LINE_BREAKS = str.maketrans({"\r": "\\r", "\n": "\\n"})


def _text_line(finding: Finding) -> str:
    """`path:line:col: CODE [severity] message`, kept on one line (breaks shown as `\\n`)
    so that every finding stays one greppable line."""
    line = f"{finding.location}: {finding.code} [{finding.severity}] {finding.message}"
    return line.translate(_LINE_BREAKS)


def as_text(report: Report) -> str:
    """One greppable line per finding, then a summary line."""
    lines = [_text_line(f) for f in report.findings]
    if not report.findings:
        lines.append("no problems found")
    else:
        counts = summary(report.findings)
        lines.append(", ".join(_plural(counts[s.value], s.value) for s in Severity))
    return "\n".join(lines) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("s" if count != 1 and word != "info" else "")


def as_json(report: Report) -> str:
    """`{"findings": [...], "summary": {"error": N, "warning": N, "info": N}}`."""
    document = {
        "findings": [f.model_dump(mode="json") for f in report.findings],
        "summary": summary(report.findings),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_ANNOTATIONS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def as_github(report: Report) -> str:
    """GitHub Actions workflow commands, one annotation per finding, then the text report.

    Why the text report too: GitHub keeps only 10 annotations of each type per step (50 per
    job) and drops the rest without a word, and its log shows an annotation without its file
    and line. The text lines keep every finding, with its place, in the log.
    """
    commands = "".join(_workflow_command(f) + "\n" for f in report.findings)
    return commands + as_text(report)


def _workflow_command(finding: Finding) -> str:
    """`::error file=…,line=…,col=…,title=…::message`, escaped as actions/toolkit does."""
    properties = {
        "file": finding.path,
        "line": finding.line,
        "col": finding.column if finding.line is not None else None,
        "title": f"{finding.code} {finding.rule}",
    }
    listed = ",".join(
        f"{name}={_escape_property(str(value))}"
        for name, value in properties.items()
        if value is not None
    )
    return f"::{_ANNOTATIONS[finding.severity]} {listed}::{_escape_data(finding.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


FORMATTERS: dict[str, Callable[[Report], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
}
