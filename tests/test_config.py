"""[tool.massage-evidence] in pyproject.toml, and how the command line overrides it."""

from __future__ import annotations

import pytest

from massage_evidence.cli import main

from .conftest import VALID_CLAIMS, Project, run_unprivileged


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def unused(valid: Project) -> Project:
    """A valid corpus with one unused reference: a warning, no error."""
    valid.write(
        "refs.bib",
        (valid.root / "refs.bib").read_text()
        + "@misc{extra2000,\n  title = {Extra},\n  url = {https://example.org},\n}\n",
    )
    return valid


def test_claims_path_from_pyproject(valid: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`claims` in pyproject.toml is used when CLAIMS is not given, relative to the file."""
    (valid.root / ".git").mkdir()  # a repository, so corpus/../article.txt is inside it
    valid.write(
        "corpus/claims.yaml", VALID_CLAIMS.replace("path: article.txt", "path: ../article.txt")
    )
    valid.write("corpus/refs.bib", (valid.root / "refs.bib").read_text())
    (valid.root / "claims.yaml").unlink()
    valid.write("pyproject.toml", '[tool.massage-evidence]\nclaims = "corpus/claims.yaml"\n')
    status, out, err = run(capsys, "validate", "--select", "ME2,ME5")
    assert (status, out, err) == (0, "no problems found\n", "")


def test_strict_from_pyproject(unused: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """`strict = true` makes a warning fail, like --strict."""
    assert run(capsys, "validate", "claims.yaml", "--select", "ME207")[0] == 0
    assert run(capsys, "validate", "claims.yaml", "--select", "ME207", "--strict")[0] == 1
    unused.write("pyproject.toml", "[tool.massage-evidence]\nstrict = true\n")
    assert run(capsys, "validate", "claims.yaml", "--select", "ME207")[0] == 1


def test_select_and_ignore_from_pyproject(
    unused: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ignore` in the file drops rules; --select on the command line wins over `select`."""
    unused.write(
        "pyproject.toml",
        '[tool.massage-evidence]\nselect = ["ME2"]\nignore = ["unused-reference"]\n',
    )
    assert run(capsys, "validate", "claims.yaml")[1] == "no problems found\n"
    status, out, _ = run(capsys, "validate", "claims.yaml", "--ignore", "ME301")
    assert out.splitlines()[0].startswith("refs.bib:7:1: ME207 [warning]")
    assert status == 0


@pytest.mark.parametrize("option", [["--select", "ME201"], ["--ignore", "ME1"]])
def test_a_claims_file_that_does_not_load_fails_whatever_the_selection(
    project: Project, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    """With nothing checked, no selection makes the run pass."""
    project.write("claims.yaml", "version: 1\nclaims: [\n")
    assert run(capsys, "validate", "claims.yaml", *option)[:2] == (
        1,
        "claims.yaml:3:1: ME101 [error] did not find expected node content"
        " (while parsing a flow node)\n1 error, 0 warnings, 0 info\n",
    )


def test_nearest_pyproject_is_searched_from_the_claims_folder(
    unused: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pyproject.toml above the claims file applies when CLAIMS is given."""
    unused.write("pyproject.toml", "[tool.massage-evidence]\nstrict = true\n")
    sub = unused.root / "elsewhere"
    sub.mkdir()
    status = main(["validate", str(unused.root / "claims.yaml"), "--select", "ME207"])
    assert status == 1


def test_unknown_code_on_the_command_line(
    valid: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown code is a usage error (exit 2) with a did-you-mean."""
    status, out, err = run(capsys, "validate", "claims.yaml", "--select", "ME2O1")
    assert (status, out) == (2, "")
    assert err == "massage-evidence: error: --select: unknown rule 'ME2O1'; did you mean 'ME201'?\n"


def test_unknown_name_in_ignore(valid: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """Rule names are accepted and checked too."""
    status, _, err = run(capsys, "validate", "claims.yaml", "--ignore", "unused-refrence")
    assert status == 2
    assert err == (
        "massage-evidence: error: --ignore: unknown rule 'unused-refrence';"
        " did you mean 'unused-reference'?\n"
    )


def test_unknown_code_in_pyproject(valid: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown code in pyproject.toml names the file and table."""
    valid.write("pyproject.toml", '[tool.massage-evidence]\nignore = ["ME999"]\n')
    status, _, err = run(capsys, "validate", "claims.yaml")
    assert status == 2
    assert err == (
        f"massage-evidence: error: {valid.root / 'pyproject.toml'} [tool.massage-evidence]"
        " ignore: unknown rule 'ME999'; did you mean 'ME209'?\n"
    )


def test_unknown_key_in_pyproject(valid: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt key in the table is a usage error with a suggestion."""
    valid.write("pyproject.toml", "[tool.massage-evidence]\nstrickt = true\n")
    status, _, err = run(capsys, "validate", "claims.yaml")
    assert status == 2
    assert err == (
        f"massage-evidence: error: {valid.root / 'pyproject.toml'} [tool.massage-evidence]:"
        " unknown key 'strickt'; did you mean 'strict'?\n"
    )


def test_a_folder_named_with_braces(valid: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """The path of the pyproject.toml is quoted in messages as it is, braces and all."""
    (valid.root / "a{x}b").mkdir()
    (valid.root / "a{x}b" / "pyproject.toml").write_text(
        '[tool.massage-evidence]\nselect = ["ME999"]\n', encoding="utf-8"
    )
    for name in ("claims.yaml", "article.txt", "refs.bib"):
        (valid.root / "a{x}b" / name).write_bytes((valid.root / name).read_bytes())
    status, _, err = run(capsys, "validate", "a{x}b/claims.yaml")
    assert (status, err) == (
        2,
        f"massage-evidence: error: {valid.root / 'a{x}b' / 'pyproject.toml'}"
        " [tool.massage-evidence] select: unknown rule 'ME999'; did you mean 'ME209'?\n",
    )


_TOO_DEEP = "arrays or inline tables nested too deep"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tool = 1\n", "'tool' must be a table"),
        ("[x]\ny = " + "9" * 5000 + "\n", "cannot read it: a number is too long to read"),
        ("[x]\ny = " + "[" * 5000 + "]" * 5000 + "\n", f"cannot read it: {_TOO_DEEP}"),
        ("[x]\ny = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n", f"cannot read it: {_TOO_DEEP}"),
        ("[[tool]]\n", "'tool' must be a table"),
        (
            "[tool]\nmassage-evidence = 5\n",
            "'tool.massage-evidence' must be a table, [tool.massage-evidence]",
        ),
    ],
)
def test_tool_that_is_not_a_table(
    valid: Project, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    """A `tool` or `tool.massage-evidence` of another type, or a TOML file Python cannot
    read, is a usage error, one line."""
    valid.write("pyproject.toml", text)
    assert run(capsys, "validate", "claims.yaml") == (
        2,
        "",
        f"massage-evidence: error: {valid.root / 'pyproject.toml'}: {message}\n",
    )


def test_pyproject_without_the_table_is_skipped(
    valid: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pyproject.toml without our table is ignored."""
    valid.write("pyproject.toml", "[project]\nname = 'x'\n")
    assert run(capsys, "validate", "claims.yaml", "--select", "ME2")[:2] == (
        0,
        "no problems found\n",
    )


def test_rules_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules` lists every rule, one per line."""
    status, out, _ = run(capsys, "rules")
    assert status == 0
    assert out.splitlines()[0] == (
        "ME101  yaml-syntax                     error    The claims file is not valid YAML."
    )
    assert "ME504  unannotated-claim               warning  A sentence of a document" in out


def test_a_folder_that_cannot_be_searched(valid: Project) -> None:
    """A claims file in a folder without search permission: one line, exit 2 (looking
    for its pyproject.toml is the first read that fails)."""
    (valid.root / "sub").mkdir()
    for name in ("claims.yaml", "refs.bib", "article.txt"):
        (valid.root / name).rename(valid.root / "sub" / name)
    (valid.root / "sub").chmod(0)
    try:
        child = run_unprivileged("validate", "sub/claims.yaml", cwd=valid.root)
    finally:
        (valid.root / "sub").chmod(0o755)
    assert (child.returncode, child.stdout, child.stderr) == (
        2,
        "",
        f"massage-evidence: error: {valid.root / 'sub' / 'pyproject.toml'}: cannot read it:"
        " Permission denied\n",
    )
