"""Real BibTeX written by others: every tricky file loads without a traceback, and every
entry and field of the large bibliographies is located where it is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from massage_evidence._bibtex import FieldLocator, line_feeds, parse_bibtex
from massage_evidence.cli import main
from massage_evidence.findings import Location
from massage_evidence.validation import Selection, check

from .conftest import SHARED, Project

TRICKY = SHARED / "corpora" / "tricky"
NOT_UTF8 = {"biber/encoding1.bib", "biber/encoding3.bib", "biber/encoding4.bib"}


def _inputs() -> list[Path]:
    if not TRICKY.is_dir():
        return []
    return sorted(p for p in TRICKY.rglob("*") if p.is_file() and p != TRICKY / "README.md")


@pytest.mark.skipif(not TRICKY.is_dir(), reason="../shared/corpora/tricky is not present")
def test_the_tricky_collection_is_complete() -> None:
    """The folder holds the 241 inputs its README promises and 4 LICENSE files: all 245
    go through the loader and the command line."""
    assert len(_inputs()) == 245


@pytest.mark.skipif(not TRICKY.is_dir(), reason="../shared/corpora/tricky is not present")
@pytest.mark.parametrize("bib", _inputs(), ids=lambda p: str(p.relative_to(TRICKY)))
def test_tricky_bibtex_loads_without_traceback(
    project: Project, bib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each file gives only BibTeX findings, the non-UTF-8 ones ME105 at a byte; the command
    line exits 0 or 1 on it without a traceback.

    The file is copied beside the claims file: it lies outside this test's repository root.
    """
    shutil.copyfile(bib, project.root / "refs.bib")
    project.write("claims.yaml", "version: 1\ntitle: T\nclaims: []\n")
    findings = check("claims.yaml", selection=Selection.of(["ME1", "ME202"]))
    codes = {f.code for f in findings}
    if str(bib.relative_to(TRICKY)) in NOT_UTF8:
        assert codes == {"ME105"}
        assert findings[0].line is not None
    else:
        assert codes <= {"ME104", "ME202"}
    assert main(["validate", "claims.yaml"]) in {0, 1}
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    "name", ["tugboat.bib", "leeper-references.bib", "bbt-unabbreviate-1436-3.bib"]
)
def test_every_entry_and_field_is_located(name: str) -> None:
    """Each entry is at its `@`, each field at its name (tugboat.bib has values with lines
    ending in a backslash, which bibtexparser's line numbers skip)."""
    path = SHARED / "corpora" / name
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    text = line_feeds(path.read_text(encoding="utf-8"))
    lines = text.split("\n")
    entries, _ = parse_bibtex(text, name)
    locator = FieldLocator(text)
    misplaced = []
    for entry in entries:
        if _written(lines, entry.location, 1) != "@":
            misplaced.append((entry.key, "@"))
        for field in entry.fields:
            if _written(lines, locator.locate(entry, field), len(field)).lower() != field:
                misplaced.append((entry.key, field))
    assert (len(entries) > 3000, misplaced) == (True, [])


def _written(lines: list[str], where: Location, length: int) -> str:
    """The `length` characters written at `where`."""
    assert where.line is not None
    assert where.column is not None
    return lines[where.line - 1][where.column - 1 :][:length]
