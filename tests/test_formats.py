"""Every finding format, checked against exact expected output on one fixed list of findings."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from massage_evidence.cli import FINDING_FORMATS, main
from massage_evidence.findings import Finding, Severity
from massage_evidence.formats import FORMATTERS, Report
from massage_evidence.jsontext import json_text
from massage_evidence.rules import all_rules, get_rule

from .conftest import SHARED, Project

SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"

# The warning and the info finding carry loader codes on purpose: every format must take the
# severity from the finding (a configured severity may differ), never from the rule.
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
    assert FINDING_FORMATS == tuple(FORMATTERS) == ("text", "json", "github", "sarif", "junit")


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


def test_json_writes_a_lone_surrogate_as_its_escape() -> None:
    """A path of bytes that are not UTF-8 (lone surrogates in Python) is written as a
    `\\udcff` escape: the text is UTF-8, and reads back as the same path."""
    text = json_text({"path": "d\udcff/é.yaml"})
    assert text == '{\n  "path": "d\\udcff/é.yaml"\n}\n'
    assert json.loads(text.encode("utf-8")) == {"path": "d\udcff/é.yaml"}


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


def sarif(findings: list[Finding] = FINDINGS) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(FORMATTERS["sarif"](report(findings)))
    return document


def test_sarif_document_and_driver() -> None:
    """One run whose driver names the tool and version and lists every registered rule."""
    document = sarif()
    assert sorted(document) == ["$schema", "runs", "version"]
    assert document["version"] == "2.1.0"
    assert document["$schema"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    [run] = document["runs"]
    assert sorted(run) == ["columnKind", "results", "tool"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert sorted(driver) == ["name", "rules", "version"]  # no informationUri: no [project.urls]
    assert (driver["name"], driver["version"]) == ("massage-evidence", "0.1.0")
    assert [r["id"] for r in driver["rules"]] == [r.code for r in all_rules()]
    assert driver["rules"][[r.code for r in all_rules()].index("ME202")] == {
        "id": "ME202",
        "name": "DuplicateBibtexKey",
        "shortDescription": {
            "text": "Two bibliography entries share a key, compared case-insensitively."
        },
        "fullDescription": {
            "text": "Two bibliography entries share a key, compared case-insensitively.\n\n"
            "Why: BibTeX and biber treat `Smith2020` and `smith2020` as one key and keep only"
            " one\nentry, so a claim may silently cite a different work than the one you"
            " checked."
        },
        "help": {"text": get_rule("ME202").doc},
        "defaultConfiguration": {"level": "error"},
    }


def test_sarif_version_is_the_installed_one() -> None:
    assert sarif()["runs"][0]["tool"]["driver"]["version"] == metadata.version("massage-evidence")


def _fingerprint(code: str, path: str, message: str, occurrence: int = 1) -> str:
    digest = hashlib.sha256(json.dumps([code, path, message]).encode()).hexdigest()
    return f"{digest}:{occurrence}"


def test_sarif_results() -> None:
    """Rule id and index, level, message, a relative URI under %SRCROOT%, a region only
    with what is known, and a fingerprint."""
    rule_index = {r.code: i for i, r in enumerate(all_rules())}
    assert sarif()["runs"][0]["results"] == [
        {
            "ruleId": "ME101",
            "ruleIndex": rule_index["ME101"],
            "level": "error",
            "message": {"text": FINDINGS[0].message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "data/claims.yaml", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 12, "startColumn": 1},
                    }
                }
            ],
            "partialFingerprints": {
                "findingHash/v1": (
                    "4c9e9876a70f31f271632a28254e69a7c122ed6ae74f9a2dc1579876b7a0856c:1"
                )
            },
        },
        {
            "ruleId": "ME104",
            "ruleIndex": rule_index["ME104"],
            "level": "error",
            "message": {"text": "100% sure: no, really,\r\nnot closed"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": "data/refs,%20old.bib",
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": 3, "startColumn": 9},
                    }
                }
            ],
            "partialFingerprints": {
                "findingHash/v1": (
                    "8a1d1c473eb1cb28d6257f0de6455b0d8f636b9fd874d857ff885d2ec1d4252b:1"
                )
            },
        },
        {
            "ruleId": "ME105",
            "ruleIndex": rule_index["ME105"],
            "level": "warning",
            "message": {"text": "'seeds/b.txt' is not valid UTF-8 (byte 0xe9)"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "seeds/b.txt", "uriBaseId": "%SRCROOT%"}
                    }
                }
            ],
            "partialFingerprints": {
                "findingHash/v1": (
                    "7c6f0c580a172ebedb1e8a1f31eaf0b7ccd0bb9e89364aadf25909f601d6c241:1"
                )
            },
        },
        {
            "ruleId": "ME202",
            "ruleIndex": rule_index["ME202"],
            "level": "note",
            "message": {"text": "key 'Smith2020' repeats the key 'smith2020' at line 1"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": "seeds/b.txt", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 7},
                    }
                }
            ],
            "partialFingerprints": {
                "findingHash/v1": (
                    "cea7018b989ecd4ca79298c29e6005b67e6da9c54dc3ddffb522d163cd476b7f:1"
                )
            },
        },
    ]


def test_sarif_fingerprints_survive_line_shifts() -> None:
    """The fingerprint hashes code, path and message, not the place; findings alike in all
    three are numbered in report order."""
    moved = FINDINGS[0].model_copy(update={"line": 40, "column": 3})
    again = FINDINGS[0].model_copy(update={"line": 50})
    results = sarif([moved, again])["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in results] == [
        {"findingHash/v1": _fingerprint("ME101", "data/claims.yaml", FINDINGS[0].message, n)}
        for n in (1, 2)
    ]
    assert (
        results[0]["partialFingerprints"] == sarif()["runs"][0]["results"][0]["partialFingerprints"]
    )


def test_sarif_absolute_path_is_a_file_uri(tmp_path: Path) -> None:
    """A file outside the working folder has no base to resolve against."""
    outside = FINDINGS[2].model_copy(update={"path": str(tmp_path / "a b.txt")})
    [result] = sarif([outside])["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": (tmp_path / "a b.txt").as_uri()}
    }


@pytest.fixture(scope="module")
def sarif_validator() -> Validator:
    """A validator for the official OASIS SARIF 2.1.0 schema."""
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF schema is not at {SARIF_SCHEMA} (it comes with ../shared)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@pytest.mark.parametrize("findings", [FINDINGS, []], ids=["findings", "no findings"])
def test_sarif_is_valid(sarif_validator: Validator, findings: list[Finding]) -> None:
    """The output validates against the official schema."""
    errors = [e.message for e in sarif_validator.iter_errors(sarif(findings))]
    assert errors == []


def test_sarif_from_the_cli_is_valid(
    sarif_validator: Validator, minimal: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real run with a finding: exit 1 and a valid document pointing at the file."""
    minimal.write("claims.yaml", "version: 1\ntitle: T\nclaims:\n\t- id: x\n")
    assert main(["validate", "claims.yaml", "--format", "sarif"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [e.message for e in sarif_validator.iter_errors(document)] == []
    [result] = document["runs"][0]["results"]
    assert (result["ruleId"], result["locations"][0]["physicalLocation"]["region"]) == (
        "ME101",
        {"startLine": 4, "startColumn": 1},
    )


def test_junit() -> None:
    """One test case per rule that ran, one failure per error; the warning and the info
    finding go to their test case's output; a rule without findings passes."""
    assert FORMATTERS["junit"](report()) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="massage-evidence" tests="5" failures="2" errors="0">\n'
        '  <testsuite name="massage-evidence" tests="5" failures="2" errors="0">\n'
        '    <testcase classname="massage-evidence" name="ME101 yaml-syntax">\n'
        '      <failure type="error" message="data/claims.yaml:12:1: a tab character where'
        ' YAML expects spaces; indent with spaces only">data/claims.yaml:12:1: ME101 [error]'
        " a tab character where YAML expects spaces; indent with spaces only</failure>\n"
        "    </testcase>\n"
        '    <testcase classname="massage-evidence" name="ME104 bibtex-syntax">\n'
        '      <failure type="error" message="data/refs, old.bib:3:9: 100% sure: no, really,'
        '&#13;&#10;not closed">data/refs, old.bib:3:9: ME104 [error] 100% sure: no, really,'
        "\\r\\nnot closed</failure>\n"
        "    </testcase>\n"
        '    <testcase classname="massage-evidence" name="ME105 unreadable-file">\n'
        "      <system-out>seeds/b.txt: ME105 [warning] 'seeds/b.txt' is not valid UTF-8"
        " (byte 0xe9)</system-out>\n"
        "    </testcase>\n"
        '    <testcase classname="massage-evidence" name="ME106 input-limit" />\n'
        '    <testcase classname="massage-evidence" name="ME202 duplicate-bibtex-key">\n'
        "      <system-out>seeds/b.txt:7:1: ME202 [info] key 'Smith2020' repeats the key"
        " 'smith2020' at line 1</system-out>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def junit_cases(xml: str) -> tuple[dict[str, str], dict[str, list[tuple[str, str | None]]]]:
    """The suite's counts, and each test case's failures and outputs as (tag, type)."""
    suites = ET.fromstring(xml)
    [suite] = suites
    assert suites.attrib == {"name": "massage-evidence", **suite.attrib}
    cases = {
        case.attrib["name"]: [(child.tag, child.get("type")) for child in case]
        for case in suite.iter("testcase")
    }
    assert {case.attrib["classname"] for case in suite.iter("testcase")} == {"massage-evidence"}
    return suite.attrib, cases


def test_junit_parsed_back() -> None:
    """Counts and test names as a JUnit reader sees them; the message keeps its line break."""
    counts, cases = junit_cases(FORMATTERS["junit"](report()))
    assert counts == {"name": "massage-evidence", "tests": "5", "failures": "2", "errors": "0"}
    assert cases == {
        "ME101 yaml-syntax": [("failure", "error")],
        "ME104 bibtex-syntax": [("failure", "error")],
        "ME105 unreadable-file": [("system-out", None)],
        "ME106 input-limit": [],
        "ME202 duplicate-bibtex-key": [("system-out", None)],
    }
    failures = ET.fromstring(FORMATTERS["junit"](report())).iter("failure")
    messages = [failure.get("message") for failure in failures]
    assert messages == [
        "data/claims.yaml:12:1: a tab character where YAML expects spaces; indent with spaces only",
        "data/refs, old.bib:3:9: 100% sure: no, really,\r\nnot closed",
    ]


def test_junit_strict_fails_on_warnings() -> None:
    """Under strict a warning is a failure of its rule's test; info never fails."""
    counts, cases = junit_cases(FORMATTERS["junit"](report(strict=True)))
    assert (counts["tests"], counts["failures"]) == ("5", "3")
    assert cases["ME105 unreadable-file"] == [("failure", "warning")]
    assert cases["ME202 duplicate-bibtex-key"] == [("system-out", None)]


def test_junit_one_failure_per_finding() -> None:
    """Two findings of one rule are two failures of one test, counted as one failing test."""
    second = FINDINGS[0].model_copy(update={"line": 20})
    counts, cases = junit_cases(FORMATTERS["junit"](report([FINDINGS[0], second])))
    assert (counts["tests"], counts["failures"]) == ("5", "1")
    assert cases["ME101 yaml-syntax"] == [("failure", "error"), ("failure", "error")]


def test_junit_strips_characters_xml_cannot_carry() -> None:
    """Control characters and lone surrogates are dropped; the file stays readable."""
    finding = FINDINGS[0].model_copy(
        update={"message": "nul\x00 esc\x1b surrogate\ud800 tab\t ok", "path": "a\x07.yaml"}
    )
    failure = ET.fromstring(FORMATTERS["junit"](report([finding]))).find(".//failure")
    assert failure is not None
    assert failure.get("message") == "a.yaml:12:1: nul esc surrogate tab\t ok"
    assert failure.text == "a.yaml:12:1: ME101 [error] nul esc surrogate tab\t ok"


@pytest.mark.parametrize("strict", [[], ["--strict"]], ids=["default", "strict"])
def test_cli_junit_clean_corpus_exits_zero(
    minimal: Project, capsys: pytest.CaptureFixture[str], strict: list[str]
) -> None:
    """A clean corpus: exit 0 with or without --strict, one passing test per selected rule."""
    status = main(["validate", "claims.yaml", "--format", "junit", "--select", "ME1", *strict])
    counts, cases = junit_cases(capsys.readouterr().out)
    assert status == 0
    assert (counts["tests"], counts["failures"]) == ("7", "0")
    assert cases == {
        "ME101 yaml-syntax": [],
        "ME102 schema-violation": [],
        "ME103 duplicate-yaml-key": [],
        "ME104 bibtex-syntax": [],
        "ME105 unreadable-file": [],
        "ME106 input-limit": [],
        "ME107 path-outside-root": [],
    }


@pytest.mark.parametrize("strict", [[], ["--strict"]], ids=["default", "strict"])
def test_cli_junit_error_exits_one(
    minimal: Project, capsys: pytest.CaptureFixture[str], strict: list[str]
) -> None:
    """An error finding: exit 1 with or without --strict, and its rule's test fails."""
    minimal.write("refs.bib", "@article{smith2020, title = {A}, title = {B}, year = 2020}\n")
    argv = ["validate", "claims.yaml", "--select", "ME1", "-o", "report.xml", "--format", "junit"]
    status = main([*argv, *strict])
    assert (status, capsys.readouterr().out) == (1, "")
    suites = ET.parse(minimal.root / "report.xml").getroot()
    assert [(case.get("name"), [f.attrib for f in case]) for case in suites.iter("testcase")] == [
        ("ME101 yaml-syntax", []),
        ("ME102 schema-violation", []),
        ("ME103 duplicate-yaml-key", []),
        (
            "ME104 bibtex-syntax",
            [
                {
                    "type": "error",
                    "message": "refs.bib:1:34: entry 'smith2020' repeats field 'title';"
                    " BibTeX keeps the first value, delete the other",
                }
            ],
        ),
        ("ME105 unreadable-file", []),
        ("ME106 input-limit", []),
        ("ME107 path-outside-root", []),
    ]
