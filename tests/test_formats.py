"""Every finding format, checked against exact expected output on one fixed list of findings."""

from __future__ import annotations

import json

import pytest

from massage_evidence.cli import FINDING_FORMATS
from massage_evidence.findings import Finding, Severity
from massage_evidence.formats import FORMATTERS, Report
from massage_evidence.rules import get_rule

# Only error rules are registered so far, so the warning and the info finding borrow loader
# codes: every format takes the severity from the finding, not from the rule.
FINDINGS = [
    Finding(
        code="ME101",
        rule="yaml-syntax",
        severity=Severity.ERROR,
        message="a tab character where YAML expects spaces; indent with spaces only",
        path="data/claims.yaml",
        line=12,
        column=1,
        claim="pain-relief",
    ),
    Finding(
        code="ME104",
        rule="bibtex-syntax",
        severity=Severity.ERROR,
        message="100% sure: no, really,\r\nnot closed",
        path="data/refs, old.bib",
        line=3,
        column=9,
    ),
    Finding(
        code="ME105",
        rule="unreadable-file",
        severity=Severity.WARNING,
        message="'seeds/b.txt' is not valid UTF-8 (byte 0xe9)",
        path="seeds/b.txt",
    ),
    Finding(
        code="ME202",
        rule="duplicate-bibtex-key",
        severity=Severity.INFO,
        message="key 'Smith2020' repeats the key 'smith2020' at line 1",
        path="seeds/b.txt",
        line=7,
    ),
]
RULES = tuple(get_rule(code) for code in ("ME101", "ME104", "ME105", "ME106", "ME202"))


def report(findings: list[Finding] = FINDINGS, *, strict: bool = False) -> Report:
    return Report(findings, RULES, strict)


def test_cli_offers_every_format() -> None:
    """`validate --format` lists exactly the registered formatters."""
    assert FINDING_FORMATS == tuple(FORMATTERS) == ("text", "json", "github")


def test_text() -> None:
    """One line per finding, a line break in a message shown as `\\n`, then the summary."""
    assert FORMATTERS["text"](report()) == (
        "data/claims.yaml:12:1: ME101 [error] a tab character where YAML expects spaces;"
        " indent with spaces only\n"
        "data/refs, old.bib:3:9: ME104 [error] 100% sure: no, really,\\r\\nnot closed\n"
        "seeds/b.txt: ME105 [warning] 'seeds/b.txt' is not valid UTF-8 (byte 0xe9)\n"
        "seeds/b.txt:7:1: ME202 [info] key 'Smith2020' repeats the key 'smith2020' at line 1\n"
        "2 errors, 1 warning, 1 info\n"
    )


def test_text_without_findings() -> None:
    assert FORMATTERS["text"](report([])) == "no problems found\n"


def test_json_keeps_the_message_as_is() -> None:
    """JSON carries every field unchanged, including line breaks and a null line."""
    document = json.loads(FORMATTERS["json"](report()))
    assert document["summary"] == {"error": 2, "warning": 1, "info": 1}
    assert document["findings"][1] == {
        "code": "ME104",
        "rule": "bibtex-syntax",
        "severity": "error",
        "message": "100% sure: no, really,\r\nnot closed",
        "path": "data/refs, old.bib",
        "line": 3,
        "column": 9,
        "claim": None,
    }
    assert [(f["line"], f["column"]) for f in document["findings"][2:]] == [(None, None), (7, None)]


@pytest.mark.parametrize(
    ("severities", "strict", "failed"),
    [
        ((), False, False),
        ((), True, False),
        ((Severity.INFO,), True, False),
        ((Severity.WARNING,), False, False),
        ((Severity.WARNING,), True, True),
        ((Severity.ERROR,), False, True),
    ],
)
def test_report_failed(severities: tuple[Severity, ...], strict: bool, failed: bool) -> None:
    """Errors fail a run; warnings only when strict; info never."""
    chosen = [f for f in FINDINGS if f.severity in severities]
    assert report(chosen, strict=strict).failed is failed


def test_report_rejects_findings_of_rules_that_did_not_run() -> None:
    """A format that lists the rules would otherwise drop these findings without a word."""
    with pytest.raises(ValueError, match=r"^findings of rules that did not run: ME104, ME202$"):
        Report(FINDINGS, (get_rule("ME101"), get_rule("ME105")))


def test_github() -> None:
    """One workflow command per finding, escaped as actions/toolkit escapes them, absent
    properties left out, then the full text report for the log."""
    assert FORMATTERS["github"](report()) == (
        "::error file=data/claims.yaml,line=12,col=1,title=ME101 yaml-syntax::a tab character"
        " where YAML expects spaces; indent with spaces only\n"
        "::error file=data/refs%2C old.bib,line=3,col=9,title=ME104 bibtex-syntax::"
        "100%25 sure: no, really,%0D%0Anot closed\n"
        "::warning file=seeds/b.txt,title=ME105 unreadable-file::"
        "'seeds/b.txt' is not valid UTF-8 (byte 0xe9)\n"
        "::notice file=seeds/b.txt,line=7,title=ME202 duplicate-bibtex-key::"
        "key 'Smith2020' repeats the key 'smith2020' at line 1\n" + FORMATTERS["text"](report())
    )


def test_github_escapes_properties() -> None:
    """`%`, `:`, `,` and line breaks in a property are percent-encoded."""
    finding = FINDINGS[0].model_copy(update={"path": "a:b,c%d\r\ne.yaml", "line": None})
    assert FORMATTERS["github"](report([finding])).splitlines()[0] == (
        "::error file=a%3Ab%2Cc%25d%0D%0Ae.yaml,title=ME101 yaml-syntax::a tab character"
        " where YAML expects spaces; indent with spaces only"
    )


def test_github_without_findings() -> None:
    assert FORMATTERS["github"](report([])) == "no problems found\n"
