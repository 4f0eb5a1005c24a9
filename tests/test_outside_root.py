"""ME107: documents and bibliographies must stay inside the claims file's repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from massage_evidence import Finding, load
from massage_evidence.cli import main
from massage_evidence.validation import Selection, check

from .conftest import MINIMAL_BIB, MINIMAL_CLAIMS, REPO, VALID_CLAIMS, Project

SECRET = "Massage cures everything, says the secret file.\n"


@pytest.fixture
def repo(project: Project) -> Project:
    """A repository (it holds `.git`) with the claims file in `data/` and a secret file
    beside the repository."""
    project.write("repo/.git/HEAD", "ref: refs/heads/main\n")
    project.write("repo/data/claims.yaml", MINIMAL_CLAIMS)
    project.write("repo/data/refs.bib", MINIMAL_BIB)
    project.write("secret.txt", SECRET)
    return project


def with_document(path: str) -> str:
    return MINIMAL_CLAIMS + f"documents:\n  a:\n    path: {path}\n"


def rows(claims: str, *, allow_outside_root: bool = False) -> list[tuple[object, ...]]:
    selection = Selection.of(["ME1"])
    findings = check(claims, selection=selection, allow_outside_root=allow_outside_root)
    return [(f.code, f.path, f.line, f.column, f.message) for f in findings]


def test_document_above_the_repository(repo: Project) -> None:
    """A `..` chain out of the repository is ME107 at the `path:` line; it is not read."""
    repo.write("repo/data/claims.yaml", with_document("../../secret.txt"))
    root = repo.root / "repo"
    assert rows("repo/data/claims.yaml") == [
        (
            "ME107",
            "repo/data/claims.yaml",
            12,
            11,
            f"'../../secret.txt' leads outside the repository root {str(root)!r} and is not"
            " read; move it inside, or allow it with --allow-outside-root",
        )
    ]
    assert load("repo/data/claims.yaml").documents["a"].text is None


def test_paths_inside_the_repository_but_above_the_claims_file(repo: Project) -> None:
    """`../seeds/...` from `data/` stays inside the repository: allowed."""
    repo.write("repo/seeds/article.txt", "Massage may reduce back pain.\n")
    repo.write("repo/data/claims.yaml", with_document("../seeds/article.txt"))
    assert rows("repo/data/claims.yaml") == []
    assert load("repo/data/claims.yaml").documents["a"].text == "Massage may reduce back pain.\n"


def test_absolute_bibliography_path(repo: Project) -> None:
    """An absolute path outside the repository is ME107 at the `bibliography:` line."""
    secret = repo.root / "secret.txt"
    repo.write("repo/data/claims.yaml", MINIMAL_CLAIMS + f"bibliography: {secret}\n")
    assert [row[:4] for row in rows("repo/data/claims.yaml")] == [
        ("ME107", "repo/data/claims.yaml", 10, 15)
    ]


def test_symbolic_link_out_of_the_repository(repo: Project) -> None:
    """A link inside the repository that points out of it is ME107, naming the target."""
    (repo.root / "repo/data/article.txt").symlink_to(repo.root / "secret.txt")
    repo.write("repo/data/claims.yaml", with_document("article.txt"))
    assert rows("repo/data/claims.yaml") == [
        (
            "ME107",
            "repo/data/claims.yaml",
            12,
            11,
            f"'article.txt' leads through a symbolic link to {str(repo.root / 'secret.txt')!r}"
            f" outside the repository root {str(repo.root / 'repo')!r} and is not read;"
            " move it inside, or allow it with --allow-outside-root",
        )
    ]


def test_default_bibliography_linked_out(repo: Project) -> None:
    """refs.bib beside the claims file, when a link out, is ME107 on refs.bib itself."""
    (repo.root / "repo/data/refs.bib").unlink()
    (repo.root / "repo/data/refs.bib").symlink_to(repo.root / "secret.txt")
    assert [row[:4] for row in rows("repo/data/claims.yaml")] == [
        ("ME107", "repo/data/refs.bib", None, None)
    ]


def test_without_git_the_root_is_the_claims_folder(minimal: Project) -> None:
    """Outside any repository, the claims file's own folder is the root."""
    minimal.write("sub/claims.yaml", with_document("../article.txt"))
    minimal.write("sub/refs.bib", MINIMAL_BIB)
    minimal.write("article.txt", SECRET)
    assert [row[:4] for row in rows("sub/claims.yaml")] == [("ME107", "sub/claims.yaml", 12, 11)]


def test_git_file_of_a_worktree_marks_the_root(minimal: Project) -> None:
    """A `.git` file (a worktree or submodule) marks a repository root like a folder."""
    minimal.write(".git", "gitdir: /elsewhere/.git/worktrees/x\n")
    minimal.write("sub/claims.yaml", with_document("../article.txt"))
    minimal.write("sub/refs.bib", MINIMAL_BIB)
    minimal.write("article.txt", SECRET)
    assert rows("sub/claims.yaml") == []


def test_allow_outside_root(repo: Project) -> None:
    """With `allow_outside_root`, the file is read."""
    repo.write("repo/data/claims.yaml", with_document("../../secret.txt"))
    assert rows("repo/data/claims.yaml", allow_outside_root=True) == []
    corpus = load("repo/data/claims.yaml", allow_outside_root=True)
    assert corpus.documents["a"].text == SECRET


def test_symbolic_link_loop_is_unreadable(repo: Project) -> None:
    """A link that points at itself is ME105, not a crash."""
    (repo.root / "repo/data/loop.txt").symlink_to("loop.txt")
    repo.write("repo/data/claims.yaml", with_document("loop.txt"))
    assert rows("repo/data/claims.yaml") == [
        (
            "ME105",
            "repo/data/claims.yaml",
            12,
            11,
            "'repo/data/loop.txt' cannot be read: Too many levels of symbolic links",
        )
    ]


def test_command_line_and_pyproject(repo: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """--allow-outside-root, `allow-outside-root = true`, and --no-allow-outside-root
    that wins over the file (which a pull request may change)."""
    repo.write("repo/data/claims.yaml", with_document("../../secret.txt"))
    claims = "repo/data/claims.yaml"
    assert main(["validate", claims, "--select", "ME107"]) == 1
    assert main(["validate", claims, "--select", "ME107", "--allow-outside-root"]) == 0
    repo.write("repo/pyproject.toml", "[tool.massage-evidence]\nallow-outside-root = true\n")
    assert main(["validate", claims, "--select", "ME107"]) == 0
    assert main(["validate", claims, "--select", "ME107", "--no-allow-outside-root"]) == 1
    capsys.readouterr()
    repo.write("repo/pyproject.toml", '[tool.massage-evidence]\nallow-outside-root = "yes"\n')
    assert main(["validate", claims]) == 2
    assert capsys.readouterr().err == (
        f"massage-evidence: error: {repo.root / 'repo/pyproject.toml'} [tool.massage-evidence]:"
        " 'allow-outside-root' must be true or false\n"
    )


def test_every_loading_command_takes_the_option(
    valid: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """export (like report, annotate and diff) refuses the corpus while a document lies
    outside the root, and reads it with --allow-outside-root."""
    moved = VALID_CLAIMS.replace("path: article.txt", "path: ../article.txt")
    valid.write("corpus/claims.yaml", moved)
    valid.write("corpus/refs.bib", MINIMAL_BIB)
    export = ["export", "corpus/claims.yaml", "--to", "json", "-o", "out.json"]
    assert main(export) == 1
    assert capsys.readouterr().err.splitlines()[-2:] == [
        "corpus/claims.yaml:5:11: ME107 [error] '../article.txt' leads outside the repository"
        f" root {str(valid.root / 'corpus')!r} and is not read; move it inside, or allow it"
        " with --allow-outside-root",
        "1 error, 0 warnings, 4 info",
    ]
    assert main([*export, "--allow-outside-root"]) == 0
    assert (valid.root / "out.json").is_file()


def test_bundled_corpus_in_a_clone_and_in_an_unpacked_sdist(tmp_path: Path) -> None:
    """data/claims.yaml names ../seeds/...: inside the repository in a clone (which has
    .git); in a copy without .git (an unpacked sdist) the seeds are outside the root."""
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    for folder in ("data", "seeds"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    claims = tmp_path / "data" / "claims.yaml"
    bundled = _positions(check(REPO / "data" / "claims.yaml"))
    assert {f.code for f in check(claims)} == {"ME107"}
    assert _positions(check(claims, allow_outside_root=True)) == bundled
    subprocess.run([git, "init", "--quiet", str(tmp_path)], check=True)
    assert _positions(check(claims)) == bundled


def _positions(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.code, Path(f.path).name, f.line, f.column, f.message) for f in findings]
