"""The docs show what the code does."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import massage_evidence as me
from massage_evidence.cli import main
from massage_evidence.vocabulary import DESIGNS

from .conftest import REPO


def test_worked_example_matches_the_bundled_corpus() -> None:
    """Each derivation quoted in docs/certainty.md is the one the tool prints."""
    text = (REPO / "docs" / "certainty.md").read_text(encoding="utf-8")
    quoted = re.findall(r"<!-- derivation: (\S+) -->\n```text\n(.*)\n```", text)
    assert quoted
    corpus = me.load(REPO / "data" / "claims.yaml")
    claims = {claim.id: claim for claim in corpus.claims}
    for claim_id, explanation in quoted:
        assert me.derive_certainty(claims[claim_id], corpus).explanation == explanation


def test_readme_validate_example_is_real(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's example output is what validate prints for the mistakes it describes."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ massage-evidence validate data/claims.yaml\n")[1].split("```")[0]
    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / ".git").mkdir()  # a repository, so data/../seeds is inside its root
    claims = tmp_path / "data" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    start = text.index("id: pain-low-back-short-term")
    ref = text.index("- ref: furlan2015massage", start)
    text = text[:ref] + "- ref: furlan2015" + text[ref + len("- ref: furlan2015massage") :]
    declared = text.index("certainty: low", start)
    text = text[:declared] + "certainty: moderate" + text[declared + len("certainty: low") :]
    claims.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "data/claims.yaml"]) == 1
    assert capsys.readouterr().out == block


def test_design_table_matches_the_vocabulary() -> None:
    """docs/certainty.md gives each design the start and OCEBM level of `DESIGNS`."""
    text = (REPO / "docs" / "certainty.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\s*\| (.+?) \| (high|low|very-low) \| (\d|none) \| .+ \|$", text, re.M)
    listed = {
        design.strip("`"): (start, level)
        for names, start, level in rows
        for design in re.findall(r"[a-z]+(?:-[a-z]+)*(?= |,|$)", re.sub(r"\(.*?\)", "", names))
    }
    assert listed == {
        str(design): (str(info.start), str(info.ocebm_level or "none"))
        for design, info in DESIGNS.items()
    }


_LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize(
    "page",
    [REPO / "README.md", REPO / "CHANGELOG.md", *sorted((REPO / "docs").glob("*.md"))],
    ids=lambda page: page.name,
)
def test_links_between_pages_lead_somewhere(page: Path) -> None:
    """Every relative link of the README and docs names a file of the repository."""
    targets = {link.split("#")[0] for link in _LINK.findall(page.read_text(encoding="utf-8"))}
    local = {target for target in targets if target and "://" not in target}
    assert [t for t in sorted(local) if not (page.parent / t).exists()] == []
