"""Shared fixtures: a temporary project folder with a claims file, a bibliography and texts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from massage_evidence.findings import Finding
from massage_evidence.validation import Selection, check

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

MINIMAL_CLAIMS = """\
version: 1
title: Test corpus
claims:
  - id: pain-relief
    category: pain
    statement: Massage may reduce back pain.
    evidence:
      - ref: smith2020
        stance: supports
"""

MINIMAL_BIB = """\
@article{smith2020,
  author = {Smith, A.},
  title = {A trial},
  journal = {Journal},
  year = {2020},
}
"""


VALID_CLAIMS = """\
version: 1
title: Test corpus
documents:
  article:
    path: article.txt
studies:
  smith2020:
    design: rct
claims:
  - id: pain-relief
    category: pain
    statement: Massage may reduce back pain.
    anchors:
      - document: article
        exact: massage eases back pain
    evidence:
      - ref: smith2020
        stance: supports
"""

VALID_ARTICLE = "A note.\nRegular massage eases back pain for many people.\n"


class Project:
    """A folder holding one corpus; paths in findings are relative to it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, text: str | bytes) -> Path:
        """Write a file (dedented when text) and return its path."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def findings(self, *codes: str, claims: str = "claims.yaml") -> list[Finding]:
        """Findings of the given codes (or prefixes) for the claims file."""
        return check(self.root / claims, selection=Selection.of(codes or ("ME",)))

    def rows(self, *codes: str, claims: str = "claims.yaml") -> list[tuple[object, ...]]:
        """(code, path, line, column, message) of each finding, for exact comparisons."""
        return [
            (f.code, f.path, f.line, f.column, f.message)
            for f in self.findings(*codes, claims=claims)
        ]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """An empty project folder that is also the working folder."""
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path)


@pytest.fixture
def valid(project: Project) -> Project:
    """A project with a claims file that anchors one claim in one document."""
    project.write("claims.yaml", VALID_CLAIMS)
    project.write("refs.bib", MINIMAL_BIB)
    project.write("article.txt", VALID_ARTICLE)
    return project


@pytest.fixture
def minimal(project: Project) -> Project:
    """A project with a minimal valid claims file and bibliography."""
    project.write("claims.yaml", MINIMAL_CLAIMS)
    project.write("refs.bib", MINIMAL_BIB)
    return project


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true", help="rewrite tests/goldens from the output"
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/goldens/NAME, or rewrite it under --update-goldens."""

    def compare(name: str, text: str) -> None:
        path = REPO / "tests" / "goldens" / name
        if request.config.getoption("--update-goldens"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} differs; review, then --update-goldens"
        )

    return compare


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets an empty cache folder, never the user's."""
    monkeypatch.setenv("MASSAGE_EVIDENCE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


# Root reads any file whatever its permission bits; without these capabilities it cannot.
_PRIVILEGES = "-dac_override,-dac_read_search,-fowner"


def run_unprivileged(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`massage-evidence ARGV` in a child that permission bits apply to, root or not
    (for root, through util-linux's setpriv without the capabilities that bypass them)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permission bits do not apply")
        prefix = ["setpriv", f"--bounding-set={_PRIVILEGES}", f"--inh-caps={_PRIVILEGES}"]
    command = [*prefix, sys.executable, "-m", "massage_evidence", *argv]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)


def hint(setting: str) -> str:
    """How an ME106 message for `setting` ends."""
    return f"; if that is meant, raise --{setting} (or {setting} under [tool.massage-evidence])"
