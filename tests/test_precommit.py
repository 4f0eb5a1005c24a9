"""The pre-commit hook, installed and run by the real pre-commit in a throwaway repository.

pre-commit installs the hook from a commit of this repository, not from the work tree: the
test uses HEAD, so commit `.pre-commit-hooks.yaml` and the code before running it. It builds
a virtualenv and pip-installs the package: 10-15 s on a 2-core machine with a warm index.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MINIMAL_BIB, REPO, VALID_ARTICLE, VALID_CLAIMS

pytestmark = pytest.mark.slow

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]
GIT += ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def hook_line(status: str) -> str:
    """pre-commit's result line: the hook name, dots to column 79, the status."""
    return f"massage-evidence{'.' * (79 - len('massage-evidence') - len(status))}{status}"


class Sandbox:
    """A git repository of its own whose pre-commit config uses this checkout's hook."""

    def __init__(self, root: Path) -> None:
        self.root = root / "project"
        self.root.mkdir()
        # Nothing of an enclosing git command (GIT_DIR, GIT_INDEX_FILE, ...) may leak in.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        self.env["PRE_COMMIT_HOME"] = str(root / "pre-commit-home")
        self.git("init", "--quiet")

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            [*GIT, *args],
            cwd=cwd or self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def commit(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.git("add", "--all")
        self.git("commit", "--quiet", "--message", "corpus")

    def pre_commit(self, *args: str) -> tuple[int, list[str]]:
        """Exit status and output lines of `pre-commit run`, without its [INFO] lines."""
        done = subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--color=never", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        lines = (done.stdout + done.stderr).splitlines()
        return done.returncode, [line for line in lines if not line.startswith("[INFO]")]


def hook_repository_head(sandbox: Sandbox) -> str:
    """HEAD of this checkout, which must contain the hook manifest."""
    try:
        sandbox.git("cat-file", "-e", "HEAD:.pre-commit-hooks.yaml", cwd=REPO)
    except subprocess.CalledProcessError:
        pytest.fail(
            f"HEAD of {REPO} has no .pre-commit-hooks.yaml; pre-commit installs hooks from a"
            " commit, so commit the file first (CI's clean clone of main has it)"
        )
    return sandbox.git("rev-parse", "HEAD", cwd=REPO).strip()


# The test corpus with only the category it uses, so that no info finding is printed.
GOOD_CLAIMS = VALID_CLAIMS.replace("documents:", "categories:\n  pain: Pain\ndocuments:")


def test_hook_passes_on_a_good_corpus_and_fails_on_a_broken_one(tmp_path: Path) -> None:
    sandbox = Sandbox(tmp_path)
    config = (
        f"repos:\n  - repo: {REPO}\n    rev: {hook_repository_head(sandbox)}\n"
        "    hooks:\n      - id: massage-evidence\n"
    )
    sandbox.commit(
        {
            ".pre-commit-config.yaml": config,
            "data/claims.yaml": GOOD_CLAIMS,
            "data/refs.bib": MINIMAL_BIB,
            "data/article.txt": VALID_ARTICLE,
            "notes.py": "print('not part of the corpus')\n",
        }
    )
    assert sandbox.pre_commit("--all-files") == (0, [hook_line("Passed")])
    assert sandbox.pre_commit("--files", "notes.py") == (
        0,
        [hook_line("(no files to check)Skipped")],
    )

    sandbox.commit(
        {"data/claims.yaml": GOOD_CLAIMS.replace("- ref: smith2020", "- ref: smith2021")}
    )
    assert sandbox.pre_commit("--files", "data/claims.yaml") == (
        1,
        [
            hook_line("Failed"),
            "- hook id: massage-evidence",
            "- exit code: 1",
            "",
            "data/claims.yaml:14:16: ME403 [warning] claim 'pain-relief' reads as low certainty"
            " but its certainty is very-low; word it as 'it is very uncertain whether …"
            " reduces', e.g. 'It is very uncertain whether massage reduces back pain.'",
            "data/claims.yaml:19:14: ME201 [error] claim 'pain-relief' cites 'smith2021', which"
            " is not in data/refs.bib; did you mean 'smith2020'?",
            "data/refs.bib:1:1: ME207 [warning] entry 'smith2020' is not cited by any claim;"
            " cite it or remove it",
            "1 error, 2 warnings, 0 info",
            "",
        ],
    )
