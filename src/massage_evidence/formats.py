"""Findings as text for people, and as the formats CI systems read.

Every formatter takes a `Report` and returns the whole output as one string, so that the
command line can print it or write it atomically to a file.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding, Severity
from .jsontext import json_text
from .rules import Rule, all_rules

TOOL = "massage-evidence"


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
    return json_text(document)


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


SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_FINGERPRINT = "findingHash/v1"


def as_sarif(report: Report) -> str:
    """SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

    `tool.driver.rules` lists every registered rule, so that an alert can always show its
    rule's documentation. Columns count code points, as everywhere in massage-evidence.
    """
    from importlib import metadata  # here, not at the top: `validate` should start fast

    rules = all_rules()
    index = {rule.code: position for position, rule in enumerate(rules)}
    driver = {
        "name": TOOL,
        "version": metadata.version(TOOL),
        **_information_uri(),
        "rules": [_rule_descriptor(rule) for rule in rules],
    }
    run = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": _sarif_results(report.findings, index),
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json_text(document)


def _information_uri() -> dict[str, str]:
    """The home page the package metadata declares (`[project.urls] Homepage`), if any."""
    from importlib import metadata

    urls = metadata.metadata(TOOL).get_all("Project-URL") or []
    homes = [url.split(",", 1)[1].strip() for url in urls if url.lower().startswith("homepage,")]
    return {"informationUri": homes[0]} if homes else {}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    """A reportingDescriptor: the summary, the rule's prose, and its whole documentation
    (with the example and the fix) as help."""
    return {
        "id": rule.code,
        "name": "".join(word.capitalize() for word in rule.name.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.doc.split("\n\nExample:", 1)[0]},
        "help": {"text": rule.doc},
        "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity]},
    }


def _sarif_results(findings: list[Finding], index: dict[str, int]) -> list[dict[str, Any]]:
    """One result per finding.

    Why the fingerprint leaves out the line: code scanning matches alerts across runs by
    rule and fingerprint, so an alert survives edits that move it. Findings alike in code,
    path and message are told apart by their order, as GitHub's own line hashes are.
    """
    import hashlib

    seen: Counter[str] = Counter()
    results = []
    for finding in findings:
        identity = json.dumps([finding.code, finding.path, finding.message])
        digest = hashlib.sha256(identity.encode()).hexdigest()
        seen[digest] += 1
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": _SARIF_LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": _physical_location(finding)}],
                "partialFingerprints": {_FINGERPRINT: f"{digest}:{seen[digest]}"},
            }
        )
    return results


def _physical_location(finding: Finding) -> dict[str, Any]:
    """The file, relative to the checkout (`%SRCROOT%`), and the line and column if known."""
    from urllib.parse import quote

    path = Path(finding.path)
    if path.is_absolute():  # outside the working folder: no base to resolve it against
        artifact = {"uri": path.as_uri()}
    else:
        uri = quote(os.fsencode(finding.path), safe="/!$&'()*+,;=@")  # the name's own bytes
        artifact = {"uri": uri, "uriBaseId": "%SRCROOT%"}
    location: dict[str, Any] = {"artifactLocation": artifact}
    if finding.line is not None:
        region = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        location["region"] = region
    return location


def as_junit(report: Report) -> str:
    """JUnit XML (the Ant/Jenkins shape): one test case per rule that ran, one `<failure>` per
    failing finding; a rule without failing findings is a passing test.

    Findings that do not fail the run (warnings unless strict, info) go to the test case's
    `<system-out>`, so they are seen without failing the test. `failures` counts failing
    test cases, so `tests - failures` is the number of rules that passed.
    """
    import xml.etree.ElementTree as ET

    by_code: defaultdict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_code[finding.code].append(finding)
    suite = ET.Element("testsuite", name=TOOL)
    failed = 0
    for rule in report.rules:
        case = ET.SubElement(suite, "testcase", classname=TOOL, name=f"{rule.code} {rule.name}")
        failing = [f for f in by_code[rule.code] if f.severity in report.failing]
        for finding in failing:
            failure = ET.SubElement(
                case,
                "failure",
                type=finding.severity.value,
                message=_xml_text(f"{finding.location}: {finding.message}"),
            )
            failure.text = _xml_text(_text_line(finding))
        passing = [f for f in by_code[rule.code] if f.severity not in report.failing]
        if passing:
            output = ET.SubElement(case, "system-out")
            output.text = _xml_text("\n".join(_text_line(f) for f in passing))
        failed += bool(failing)
    counts = {"tests": str(len(report.rules)), "failures": str(failed), "errors": "0"}
    suite.attrib.update(counts)
    suites = ET.Element("testsuites", {"name": TOOL, **counts})
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"


# Characters XML 1.0 cannot carry at all, not even escaped: most C0 controls, surrogates,
# U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry (ElementTree would write them as is,
    and no consumer could read the file)."""
    return _NOT_XML.sub("", text)


FORMATTERS: dict[str, Callable[[Report], str]] = {
    "text": as_text,
    "json": as_json,
    "github": as_github,
    "sarif": as_sarif,
    "junit": as_junit,
}
