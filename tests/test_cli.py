"""The command line: exit statuses, formats and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from massage_evidence.cli import main

from .conftest import REPO, Project


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_clean_corpus_exits_zero(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """No error finding: exit 0 and a summary line."""
    status, out, _ = run(capsys, "validate", "claims.yaml", "--select", "ME1")
    assert (status, out) == (0, "no problems found\n")


def test_errors_exit_one_with_greppable_lines(
    minimal: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """An error finding: exit 1, one `path:line:col: CODE [severity] message` line each."""
    minimal.write("claims.yaml", "version: 1\ntitle: T\nclaims:\n\t- id: x\n")
    status, out, err = run(capsys, "validate", "claims.yaml")
    assert status == 1
    assert err == ""
    assert out == (
        "claims.yaml:4:1: ME101 [error] a tab character where YAML expects spaces;"
        " indent with spaces only\n"
        "1 error, 0 warnings, 0 info\n"
    )


def test_json_format(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`--format json` prints the findings and a summary as one object."""
    minimal.write("claims.yaml", "")
    status, out, _ = run(capsys, "validate", "claims.yaml", "--format", "json")
    assert status == 1
    assert json.loads(out) == {
        "findings": [
            {
                "code": "ME102",
                "rule": "schema-violation",
                "severity": "error",
                "message": "the claims file is empty; it needs at least 'version', 'title'"
                " and 'claims'",
                "path": "claims.yaml",
                "line": 1,
                "column": 1,
                "claim": None,
            }
        ],
        "summary": {"error": 1, "warning": 0, "info": 0},
    }


def test_missing_claims_file_exits_two(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing claims file is a usage error: exit 2 and one line on stderr."""
    status, out, err = run(capsys, "validate", "nope.yaml")
    assert (status, out) == (2, "")
    assert err == "massage-evidence: error: claims file 'nope.yaml' does not exist\n"


def test_default_claims_path(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """Without CLAIMS, data/claims.yaml is used."""
    status, _, err = run(capsys, "validate")
    assert status == 2
    assert err == "massage-evidence: error: claims file 'data/claims.yaml' does not exist\n"


def test_unknown_option_exits_two(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A usage error is exit 2 with one line."""
    status, _, err = run(capsys, "validate", "--formatt", "json")
    assert status == 2
    assert err == "massage-evidence: error: No such option '--formatt'. Did you mean '--format'?\n"


def test_output_file(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`-o FILE` writes the report there and nothing to stdout."""
    status, out, _ = run(capsys, "validate", "claims.yaml", "--select", "ME1", "-o", "out.txt")
    assert (status, out) == (0, "")
    assert (minimal.root / "out.txt").read_text() == "no problems found\n"


def test_output_to_missing_folder_exits_two(
    minimal: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """An output that cannot be written is exit 2 with one line, and no file is left."""
    status, _, err = run(capsys, "validate", "claims.yaml", "-o", "no/such/dir/out.txt")
    assert status == 2
    assert err == (
        "massage-evidence: error: cannot write 'no/such/dir/out.txt': No such file or directory\n"
    )
    assert sorted(p.name for p in minimal.root.iterdir()) == ["claims.yaml", "refs.bib"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """`--version` prints the installed version."""
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (0, "massage-evidence, version 0.1.0\n")


def test_python_dash_m_and_console_script_agree() -> None:
    """`python -m massage_evidence` and `massage-evidence` run the same CLI on real data."""
    module = subprocess.run(
        [sys.executable, "-m", "massage_evidence", "validate", "data/claims.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    script = subprocess.run(
        [str(REPO / ".venv" / "bin" / "massage-evidence"), "validate", "data/claims.yaml"]
        if (REPO / ".venv" / "bin" / "massage-evidence").exists()
        else [sys.executable, "-m", "massage_evidence", "validate", "data/claims.yaml"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert module.returncode == script.returncode == 0
    assert module.stdout == script.stdout
    assert module.stderr == ""


@pytest.mark.parametrize(
    ("argv", "also"),
    [
        (["--version"], {"pydantic", "yaml", "bibtexparser"}),
        (["validate", "data/claims.yaml", "--no-cache", "-o", "/dev/null"], set()),
    ],
)
def test_fast_commands_import_no_report_machinery(argv: list[str], also: set[str]) -> None:
    """`--version` and `validate` start fast: no Jinja, citeproc or lxml, and `--version`
    not even the models or parsers. (bibtexparser itself imports pylatexenc, so that one
    cannot be left out of `validate`.)"""
    heavy = {"jinja2", "citeproc", "lxml", "markupsafe", *also}
    script = (
        "import sys\n"
        "from massage_evidence.cli import main\n"
        f"main({argv!r})\n"
        f"heavy = {heavy!r}\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "[]"
