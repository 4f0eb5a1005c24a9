"""Input limits (ME106): refused before the expensive work, and configurable."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import tracemalloc

import pytest

from massage_evidence import ConfigError
from massage_evidence.anchoring import Lines
from massage_evidence.cli import main
from massage_evidence.limits import MAX_SAFE_DEPTH, SETTINGS, Limits
from massage_evidence.validation import Selection, check

from .conftest import MINIMAL_BIB, MINIMAL_CLAIMS, REPO, Project, hint

INPUT_RULES = Selection.of(["ME1"])

# Ten levels of ten aliases: 10**10 strings of 30 characters, about 300 GB once expanded.
BILLION_LAUGHS = "\n".join(
    [f"a0: &a0 [{', '.join(['lollollollollollollollollollol'] * 10)}]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
)

MEASURE = """
import json, resource, sys, time, tracemalloc
import massage_evidence.validation as validation
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
start = time.perf_counter()
findings = validation.check(sys.argv[1])
seconds = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
rows = [(f.code, f.line, f.column, f.message) for f in findings]
print(json.dumps({"rows": rows, "seconds": seconds, "peak": peak, "rss_kib": grown}))
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_billion_laughs_is_refused_fast_in_little_memory(project: Project) -> None:
    """A 1 KB file of nested aliases is ME106 in well under a second, in a fresh process
    whose peak memory hardly grows (Python allocations and resident size both measured)."""
    assert len(BILLION_LAUGHS) < 1024
    project.write("claims.yaml", BILLION_LAUGHS)
    child = subprocess.run(
        [sys.executable, "-c", MEASURE, "claims.yaml"],
        capture_output=True,
        text=True,
        check=True,
        cwd=project.root,
    )
    measured = json.loads(child.stdout)
    assert measured["rows"] == [
        [
            "ME106",
            6,
            45,
            "the document expands to more than 1,000,000 values (through aliases or sheer size)"
            + hint("max-yaml-nodes"),
        ]
    ]
    assert measured["seconds"] < 1.0
    assert measured["peak"] < 1024 * 1024
    assert measured["rss_kib"] < 20 * 1024


def test_large_yaml_is_refused_while_streaming(project: Project) -> None:
    """A file with far more values than the limit is refused at the first value over it,
    before its node tree (hundreds of megabytes here) is built."""
    project.write("claims.yaml", "claims:\n" + "- 1\n" * 1_000_000)
    tracemalloc.start()
    try:
        findings = check("claims.yaml", limits=Limits(max_yaml_nodes=1000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(f.code, f.line, f.column, f.message) for f in findings] == [
        (
            "ME106",
            999,
            3,
            "the document expands to more than 1,000 values (through aliases or sheer size)"
            + hint("max-yaml-nodes"),
        )
    ]
    assert peak < 3 * 4_000_000  # the text, its bytes for the parser, and little more


def test_aliases_count_toward_the_depth(project: Project) -> None:
    """An alias to a nested anchor nests as deep as the anchor does."""
    project.write("claims.yaml", "a: &a [[[1]]]\nb: [[*a]]\n")
    findings = check("claims.yaml", limits=Limits(max_depth=5))
    assert [(f.code, f.line, f.column, f.message) for f in findings] == [
        ("ME106", 2, 6, "nesting is deeper than 5 levels" + hint("max-depth"))
    ]


def test_deepest_allowed_nesting_parses(project: Project) -> None:
    """Nesting right at the largest allowed limit is parsed, not a crash."""
    depth = MAX_SAFE_DEPTH
    project.write("claims.yaml", "[" * depth + "]" * depth + "\n")
    findings = check("claims.yaml", limits=Limits(max_depth=depth))
    assert [(f.code, f.message) for f in findings] == [
        ("ME102", "the claims file must be a mapping of fields, not a list")
    ]


def test_nesting_past_libyaml_is_a_located_finding(project: Project) -> None:
    """One level past the largest limit, libyaml's own refusal is a located ME101."""
    depth = MAX_SAFE_DEPTH + 1
    project.write("claims.yaml", "[" * depth + "]" * depth + "\n")
    findings = check("claims.yaml", limits=Limits(max_depth=MAX_SAFE_DEPTH))
    assert [(f.code, f.line, f.column, f.message) for f in findings] == [
        (
            "ME101",
            1,
            depth,
            "exceeded maximum nesting depth (while increasing flow level)",
        )
    ]


def test_too_many_claims(minimal: Project) -> None:
    """Claims over the limit are ME106 at the first claim past it."""
    extra = MINIMAL_CLAIMS.split("claims:\n", 1)[1]
    minimal.write("claims.yaml", MINIMAL_CLAIMS + extra.replace("pain-relief", "pain-again"))
    findings = check("claims.yaml", limits=Limits(max_items=1))
    assert [(f.code, f.line, f.column, f.message) for f in findings] == [
        (
            "ME106",
            10,
            5,
            "more than 1 claims; the first one over the limit is here" + hint("max-items"),
        )
    ]


def test_too_many_references(minimal: Project) -> None:
    """Bibliography entries over the limit are ME106 at the first block past it; an `@`
    inside a value is not a block."""
    second = MINIMAL_BIB.replace("smith2020", "jones2021").replace("Smith, A.", "a@b.org")
    minimal.write("refs.bib", MINIMAL_BIB + second)
    assert check("claims.yaml", selection=INPUT_RULES, limits=Limits(max_items=2)) == []
    minimal.write("refs.bib", MINIMAL_BIB + second + "@comment{x}\n")
    findings = check("claims.yaml", selection=INPUT_RULES, limits=Limits(max_items=2))
    assert [(f.code, f.path, f.line, f.column, f.message) for f in findings] == [
        (
            "ME106",
            "refs.bib",
            13,
            1,
            "more than 2 references; the first one over the limit is here" + hint("max-items"),
        )
    ]


def test_huge_bibliography_is_refused_before_parsing(minimal: Project) -> None:
    """A million and one entries are refused in about a second, not parsed for minutes."""
    minimal.write("refs.bib", "@misc{k,}\n" * 1_000_001)
    start = time.perf_counter()
    findings = check("claims.yaml", selection=INPUT_RULES)
    assert time.perf_counter() - start < 5
    assert [(f.code, f.line, f.column) for f in findings] == [("ME106", 1_000_001, 1)]


def test_limits_must_be_positive_whole_numbers() -> None:
    """A limit of 0, a negative, a non-number or a depth past the safe maximum is refused."""
    with pytest.raises(ConfigError, match=r"^max_depth must be a whole number from 1 up to"):
        Limits(max_depth=2001)
    with pytest.raises(ConfigError, match=r"^max_items must be a whole number from 1; got 0$"):
        Limits(max_items=0)
    with pytest.raises(ConfigError, match=r"^max_yaml_nodes must be .*; got True$"):
        Limits(max_yaml_nodes=True)


def test_sizes_take_binary_units() -> None:
    """`max-file-size` takes bytes or KiB, MiB, GiB, in any case."""
    limits = Limits()
    assert limits.override({"max-file-size": "512KiB"}).max_file_bytes == 512 * 1024
    assert limits.override({"max-file-size": "2 gib"}).max_file_bytes == 2 * 1024**3
    assert limits.override({"max-file-size": 1000}).max_file_bytes == 1000
    assert limits.override({"max-file-size": "1000"}).max_file_bytes == 1000
    with pytest.raises(ConfigError) as caught:
        limits.override({"max-file-size": "12MB"}, origin="--")
    assert str(caught.value) == (
        "--max-file-size must be a size in bytes, e.g. 1048576, 512KiB, 128MiB or 1GiB; got '12MB'"
    )
    with pytest.raises(ConfigError) as caught:  # more digits than Python reads: cut short
        limits.override({"max-file-size": "9" * 5000 + "MiB"}, origin="--")
    assert str(caught.value) == (
        "--max-file-size must be a size in bytes, e.g. 1048576, 512KiB, 128MiB or 1GiB; got '"
        + "9" * 58
        + "…"
    )
    with pytest.raises(ConfigError) as caught:  # digits other than ASCII are not a size
        limits.override({"max-file-size": "\u0663MiB"}, origin="--")
    assert str(caught.value).endswith("; got '\u0663MiB'")


def test_limits_on_the_command_line(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """--max-file-size and friends set the limits for one run."""
    status, out, _ = run(capsys, "validate", "claims.yaml", "--max-file-size", "100")
    assert status == 1
    assert out.splitlines()[0] == (
        f"claims.yaml: ME106 [error] 'claims.yaml' is {len(MINIMAL_CLAIMS):,} bytes,"
        " over the limit of 100" + hint("max-file-size")
    )
    status, out, _ = run(
        capsys, "validate", "claims.yaml", "--select", "ME1", "--max-items", "1", "--max-depth", "5"
    )
    assert (status, out) == (0, "no problems found\n")


@pytest.mark.parametrize(
    ("option", "value", "got"),
    [
        ("--max-depth", "5000", "5000"),
        ("--max-items", "0", "0"),
        ("--max-yaml-nodes", "ten", "'ten'"),
        ("--max-items", "\u0663", "'\u0663'"),  # an Arabic-Indic 3: digits are ASCII
        ("--max-items", "9" * 5000, "'" + "9" * 58 + "…"),
        ("--max-depth", "x" * 300, "'" + "x" * 58 + "…"),
    ],
)
def test_bad_limit_on_the_command_line(
    minimal: Project, capsys: pytest.CaptureFixture[str], option: str, value: str, got: str
) -> None:
    """A limit that is not a whole number in range is a usage error naming the option,
    the value cut short if long."""
    upper = " up to 1,000" if option == "--max-depth" else ""
    assert run(capsys, "validate", "claims.yaml", option, value) == (
        2,
        "",
        f"massage-evidence: error: {option} must be a whole number from 1{upper}; got {got}\n",
    )


def test_limits_in_pyproject(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """The same names set the limits under [tool.massage-evidence]; the command line wins."""
    minimal.write("pyproject.toml", '[tool.massage-evidence]\nmax-file-size = "0KiB"\n')
    status, _, err = run(capsys, "validate", "claims.yaml")
    assert (status, err) == (
        2,
        f"massage-evidence: error: {minimal.root / 'pyproject.toml'} [tool.massage-evidence]"
        " max-file-size must be a whole number from 1; got 0\n",
    )
    minimal.write("pyproject.toml", "[tool.massage-evidence]\nmax-file-size = 100\n")
    assert run(capsys, "validate", "claims.yaml")[0] == 1
    given = ("--select", "ME1", "--max-file-size", "1KiB")
    assert run(capsys, "validate", "claims.yaml", *given)[:2] == (0, "no problems found\n")


def test_long_document_stays_linear(minimal: Project) -> None:
    """50,000 claim-like sentences on one line, and a quote found 50,000 times: their
    lines are counted once, not from the start for each (which took eight seconds)."""
    minimal.write("article.txt", "Massage helps. " * 50_000)
    anchored = MINIMAL_CLAIMS.replace(
        "    evidence:", "    anchors:\n      - {document: a, exact: helps}\n    evidence:"
    )
    minimal.write("claims.yaml", anchored + "documents:\n  a:\n    path: article.txt\n")
    start = time.perf_counter()
    findings = check("claims.yaml", selection=Selection.of(["ME503", "ME504"]))
    assert time.perf_counter() - start < 3
    unannotated = [(f.line, f.column) for f in findings if f.code == "ME504"]
    assert len(unannotated) == 50_000  # an ambiguous quote covers no sentence
    assert unannotated[-1] == (1, 749_986)
    ambiguous = next(f for f in findings if f.code == "ME503")
    assert ambiguous.message.startswith(
        "claim 'pain-relief': quote 'helps' occurs 50000 times in document 'a' (lines 1, 1, 1,"
    )


def test_lines_counts_each_break_once() -> None:
    """`Lines` gives 1-based lines and columns of increasing offsets, and refuses going back."""
    positions = Lines("ab\ncd\n\nef")
    assert [positions.at(offset) for offset in (0, 1, 3, 4, 6, 7, 9)] == [
        (1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (4, 1), (4, 3)
    ]  # fmt: skip
    with pytest.raises(ValueError, match=r"^offset 2 is before the previous one, 9$"):
        positions.at(2)


def test_every_setting_is_documented_and_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    """docs/security.md and `validate --help` name every limit setting."""
    page = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    assert main(["validate", "--help"]) == 0
    usage = capsys.readouterr().out
    for name in [*SETTINGS, "allow-outside-root"]:
        assert f"`{name}`" in page, name
        assert f"--{name}" in usage, name
