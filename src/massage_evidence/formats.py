"""Findings as text for people, and as the formats CI systems read."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from .findings import Finding, Severity


def summary(findings: list[Finding]) -> dict[str, int]:
    """How many findings of each severity."""
    counts = Counter(f.severity for f in findings)
    return {severity.value: counts[severity] for severity in Severity}


def as_text(findings: list[Finding]) -> str:
    """One greppable line per finding, `path:line:col: CODE [severity] message`, then a
    summary line."""
    lines = [f"{f.location}: {f.code} [{f.severity}] {f.message}" for f in findings]
    counts = summary(findings)
    if not findings:
        lines.append("no problems found")
    else:
        lines.append(", ".join(_plural(counts[s.value], s.value) for s in Severity))
    return "\n".join(lines) + "\n"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("s" if count != 1 and word != "info" else "")


def as_json(findings: list[Finding]) -> str:
    """`{"findings": [...], "summary": {"error": N, "warning": N, "info": N}}`."""
    document = {
        "findings": [f.model_dump(mode="json") for f in findings],
        "summary": summary(findings),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


FORMATTERS: dict[str, Callable[[list[Finding]], str]] = {"text": as_text, "json": as_json}
