"""Evidence diff: two real versions of a corpus from a git repository, compared."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from massage_evidence import load
from massage_evidence.cli import main
from massage_evidence.diffing import diff_corpora, diff_markdown

from .conftest import REPO, VALID_ARTICLE, VALID_CLAIMS, Project

V1_CLAIMS = """\
version: 1
title: Test corpus
documents:
  article:
    path: article.txt
studies:
  smith2020:
    design: rct
  jones2021:
    design: cohort
  lee2019:
    design: narrative-review
  wu2022:
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
  - id: posture-old
    category: posture
    statement: It is very uncertain whether massage improves posture.
    evidence:
      - ref: lee2019
        stance: supports
  - id: stress-calm
    category: stress
    statement: Massage may calm the mind.
    anchors:
      - document: article
        exact: calms the mind
    evidence:
      - ref: jones2021
        stance: supports
"""

# v2: a claim added, one removed, a stance changed, a study cited anew, a reason added,
# a reference added and one dropped, and the article edited under an anchor.
V2_CLAIMS = (
    V1_CLAIMS.replace(
        """  - id: posture-old
    category: posture
    statement: It is very uncertain whether massage improves posture.
    evidence:
      - ref: lee2019
        stance: supports
""",
        "",
    )
    .replace(
        """      - ref: smith2020
        stance: supports
""",
        """      - ref: smith2020
        stance: supports
      - ref: wu2022
        stance: mixed
    reasons:
      - domain: imprecision
        steps: 2
        why: Few participants.
""",
    )
    .replace(
        """      - ref: jones2021
        stance: supports
""",
        """      - ref: jones2021
        stance: refutes
  - id: mobility-new
    category: mobility
    statement: Massage improves mobility.
    evidence:
      - ref: wu2022
        stance: supports
""",
    )
    .replace("  lee2019:\n    design: narrative-review\n", "")
)


def entry(key: str, year: int) -> str:
    return (
        f"@article{{{key},\n  author = {{Author, A.}},\n  title = {{Study {key}}},\n"
        f"  journal = {{Journal}},\n  year = {{{year}}},\n}}\n"
    )


V1_BIB = entry("smith2020", 2020) + entry("jones2021", 2021) + entry("lee2019", 2019)
V2_BIB = entry("smith2020", 2020) + entry("jones2021", 2021) + entry("wu2022", 2022)
V1_ARTICLE = "Regular massage eases back pain for many people. It calms the mind.\n"
V2_ARTICLE = "Regular massage soothes back pain for many people. It calms the mind.\n"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture
def versions(project: Project) -> tuple[Path, Path]:
    """The claims files of two commits of one repository, checked out side by side."""
    repo = project.root / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    commits = []
    for claims, bib, article in [(V1_CLAIMS, V1_BIB, V1_ARTICLE), (V2_CLAIMS, V2_BIB, V2_ARTICLE)]:
        project.write("repo/data/claims.yaml", claims)
        project.write("repo/data/refs.bib", bib)
        project.write("repo/data/article.txt", article)
        git(repo, "add", "data")
        git(repo, "commit", "--quiet", "-m", "evidence")
        commits.append(git(repo, "rev-parse", "HEAD"))
    for name, commit in zip(("base", "head"), commits, strict=True):
        git(repo, "worktree", "add", "--quiet", "--detach", str(project.root / name), commit)
    assert git(repo, "show", f"{commits[0]}:data/article.txt") == V1_ARTICLE.strip()
    return Path("base/data/claims.yaml"), Path("head/data/claims.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


EXPECTED_MARKDOWN = """\
## Evidence diff

1 claim added, 1 claim removed, 2 certainty or verdict changes, 2 stance changes, \
1 reference added, 1 reference removed, 1 orphaned anchor.

### Claims added

| claim | category | statement | verdict | certainty |
|---|---|---|---|---|
| `mobility-new` | `mobility` | Massage improves mobility. | supported | high |

### Claims removed

| claim | category | statement | verdict | certainty |
|---|---|---|---|---|
| `posture-old` | `posture` | It is very uncertain whether massage improves posture. | uncertain \
| very-low |

### Certainty and verdict changes

| claim | certainty | verdict | derivation |
|---|---|---|---|
| `pain-relief` | high → low | supported → uncertain | high (rct: smith2020) = high → high \
(rct: smith2020, wu2022) − imprecision ×2 = low |
| `stress-calm` | low | uncertain → refuted | low (cohort: jones2021) = low |

### Stance changes

| claim | reference | stance |
|---|---|---|
| `pain-relief` | `wu2022` | not cited → mixed |
| `stress-calm` | `jones2021` | supports → refutes |

### References

| reference | change |
|---|---|
| `wu2022` | added |
| `lee2019` | removed |

### Orphaned anchors

| claim | document | quote | now |
|---|---|---|---|
| `pain-relief` | `article` | massage eases back pain | not found |
"""


def test_markdown_diff_of_two_commits(
    versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every kind of change, as one GitHub-flavoured Markdown comment; exit 0."""
    old, new = versions
    assert run(capsys, "diff", str(old), str(new)) == (0, EXPECTED_MARKDOWN, "")


def test_json_diff_of_two_commits(
    versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The same changes as data, with both derivations of each grading change."""
    old, new = versions
    status, out, err = run(capsys, "diff", str(old), str(new), "--format", "json")
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "version": 1,
        "changed": True,
        "claims_added": [
            {
                "id": "mobility-new",
                "category": "mobility",
                "statement": "Massage improves mobility.",
                "certainty": "high",
                "verdict": "supported",
            }
        ],
        "claims_removed": [
            {
                "id": "posture-old",
                "category": "posture",
                "statement": "It is very uncertain whether massage improves posture.",
                "certainty": "very-low",
                "verdict": "uncertain",
            }
        ],
        "grading_changes": [
            {
                "claim": "pain-relief",
                "old_certainty": "high",
                "new_certainty": "low",
                "old_verdict": "supported",
                "new_verdict": "uncertain",
                "old_derivation": "high (rct: smith2020) = high",
                "new_derivation": "high (rct: smith2020, wu2022) − imprecision ×2 = low",
            },
            {
                "claim": "stress-calm",
                "old_certainty": "low",
                "new_certainty": "low",
                "old_verdict": "uncertain",
                "new_verdict": "refuted",
                "old_derivation": "low (cohort: jones2021) = low",
                "new_derivation": "low (cohort: jones2021) = low",
            },
        ],
        "stance_changes": [
            {"claim": "pain-relief", "ref": "wu2022", "old": None, "new": "mixed"},
            {"claim": "stress-calm", "ref": "jones2021", "old": "supports", "new": "refutes"},
        ],
        "references_added": ["wu2022"],
        "references_removed": ["lee2019"],
        "orphaned_anchors": [
            {
                "claim": "pain-relief",
                "document": "article",
                "exact": "massage eases back pain",
                "prefix": "",
                "suffix": "",
                "status": "not-found",
                "matches": 0,
            }
        ],
    }


def test_diff_to_file(versions: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """`-o FILE` writes the diff there and nothing to standard output."""
    old, new = versions
    assert run(capsys, "diff", str(old), str(new), "-o", "diff.md") == (0, "", "")
    assert Path("diff.md").read_text(encoding="utf-8") == EXPECTED_MARKDOWN


def test_documented_workflow_step(
    versions: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The diff step of the GitHub Actions workflow in docs/ci.md, run as written in the
    pull request's checkout with the base branch in a worktree, writes the comment."""
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("<!-- evidence-diff workflow -->\n```yaml\n")[1].split("```")[0]
    job = yaml.safe_load(block)["jobs"]["diff"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = job["steps"]
    [command] = [step["run"] for step in steps if "massage-evidence diff" in step.get("run", "")]
    temp = Path.cwd()
    monkeypatch.setenv("RUNNER_TEMP", str(temp))
    monkeypatch.chdir(temp / "head")
    program, *argv = [os.path.expandvars(word) for word in shlex.split(command)]
    assert program == "massage-evidence"
    assert run(capsys, *argv) == (0, "", "")
    assert (temp / "evidence-diff.md").read_text(encoding="utf-8") == EXPECTED_MARKDOWN


def test_no_changes(valid: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A corpus against itself: a clear sentence, `changed: false`, exit 0."""
    assert run(capsys, "diff", "claims.yaml", "claims.yaml") == (
        0,
        "## Evidence diff\n\nNo changes in the evidence.\n",
        "",
    )
    status, out, _ = run(capsys, "diff", "claims.yaml", "claims.yaml", "--format", "json")
    assert (status, json.loads(out)["changed"]) == (0, False)


def test_wording_alone_is_no_evidence_change(valid: Project) -> None:
    """A statement reworded, with the same evidence and judgements, changes no evidence."""
    valid.write("new.yaml", VALID_CLAIMS.replace("may reduce", "might reduce"))
    changes = diff_corpora(load("claims.yaml"), load("new.yaml"))
    assert not changes.changed


def test_anchor_made_ambiguous_or_left_without_document(valid: Project) -> None:
    """An edit that repeats the quote makes the anchor ambiguous; a document dropped from
    claims.yaml leaves its anchors without one."""
    valid.write("twice.txt", VALID_ARTICLE + "Again: massage eases back pain.\n")
    valid.write("twice.yaml", VALID_CLAIMS.replace("path: article.txt", "path: twice.txt"))
    valid.write("gone.yaml", VALID_CLAIMS.replace("path: article.txt", "path: missing.txt"))
    old = load("claims.yaml")
    ambiguous = diff_corpora(old, load("twice.yaml")).orphaned_anchors
    gone = diff_corpora(old, load("gone.yaml")).orphaned_anchors
    assert [(a.status, a.matches) for a in ambiguous] == [("ambiguous", 2)]
    assert [(a.status, a.matches) for a in gone] == [("document-missing", 0)]
    assert diff_markdown(diff_corpora(old, load("twice.yaml"))).endswith(
        "| `pain-relief` | `article` | massage eases back pain | ambiguous (2 matches) |\n"
    )


def test_markdown_escapes_cell_text(valid: Project) -> None:
    """Text from the corpus cannot break the table or inject HTML: pipes, angle brackets,
    emphasis and backticks are escaped, line breaks folded."""
    valid.write(
        "new.yaml",
        VALID_CLAIMS
        + "  - id: odd\n    category: pain\n"
        + '    statement: "A | b <img src=x> *c* `d` & e\\n f"\n'
        + "    evidence:\n      - ref: smith2020\n        stance: supports\n",
    )
    text = diff_markdown(diff_corpora(load("claims.yaml"), load("new.yaml")))
    assert (
        "| `odd` | `pain` | A \\| b &lt;img src=x&gt; \\*c\\* \\`d\\` &amp; e f"
        " | supported | high |"
    ) in text.splitlines()


def test_unloadable_version_exits_one(valid: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A version that cannot be loaded: its findings on standard error, exit 1."""
    valid.write("new.yaml", "version: 1\ntitle: T\nclaims:\n\t- id: x\n")
    assert run(capsys, "diff", "claims.yaml", "new.yaml") == (
        1,
        "",
        "new.yaml:4:1: ME101 [error] a tab character where YAML expects spaces;"
        " indent with spaces only\n"
        "1 error, 0 warnings, 0 info\n",
    )


def test_version_without_its_bibliography_exits_one(
    valid: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bibliography that cannot be read is no evidence that every reference was removed:
    why it was not read goes to standard error, exit 1."""
    valid.write("new.yaml", VALID_CLAIMS.replace("title:", "bibliography: gone.bib\ntitle:", 1))
    assert run(capsys, "diff", "claims.yaml", "new.yaml") == (
        1,
        "",
        "new.yaml:2:15: ME105 [error] 'gone.bib' does not exist\n1 error, 0 warnings, 0 info\n",
    )


def test_missing_version_is_a_usage_error(
    valid: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A claims file that does not exist: exit 2, one line."""
    status, out, err = run(capsys, "diff", "claims.yaml", "nope.yaml")
    assert (status, out) == (2, "")
    assert err == (
        "massage-evidence: error: Invalid value for 'NEW_CLAIMS':"
        " File 'nope.yaml' does not exist.\n"
    )
