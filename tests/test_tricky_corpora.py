"""Real BibTeX written by others: every tricky file loads without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_evidence.validation import Selection, check

from .conftest import SHARED, Project

TRICKY = SHARED / "corpora" / "tricky"
NOT_UTF8 = {"biber/encoding1.bib", "biber/encoding3.bib", "biber/encoding4.bib"}


def _inputs() -> list[Path]:
    if not TRICKY.is_dir():
        return []
    return sorted(
        p for p in TRICKY.rglob("*") if p.is_file() and p.name not in {"README.md", "LICENSE"}
    )


@pytest.mark.skipif(not TRICKY.is_dir(), reason="../shared/corpora/tricky is not present")
def test_the_tricky_collection_is_complete() -> None:
    """The folder holds the 241 inputs its README promises."""
    assert len(_inputs()) == 241


@pytest.mark.skipif(not TRICKY.is_dir(), reason="../shared/corpora/tricky is not present")
@pytest.mark.parametrize("bib", _inputs(), ids=lambda p: str(p.relative_to(TRICKY)))
def test_tricky_bibtex_loads_without_traceback(project: Project, bib: Path) -> None:
    """Each file gives only BibTeX findings; the non-UTF-8 ones give ME105 at a byte."""
    project.write("claims.yaml", f"version: 1\ntitle: T\nclaims: []\nbibliography: {bib}\n")
    findings = check("claims.yaml", selection=Selection.of(["ME1", "ME202"]))
    codes = {f.code for f in findings}
    if str(bib.relative_to(TRICKY)) in NOT_UTF8:
        assert codes == {"ME105"}
        assert findings[0].line is not None
    else:
        assert codes <= {"ME104", "ME202"}
