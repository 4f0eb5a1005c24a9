"""Real BibTeX written by others: every tricky file loads without a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from massage_evidence.cli import main
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
