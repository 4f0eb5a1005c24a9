"""Output files: written whole or not at all, never over an input, never through a link.

Failures are real ones: a missing folder, a file where a folder should be, a read-only
folder, a full filesystem, the kernel's file-size limit, and the /dev/full device.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from massage_evidence.cli import main

from .conftest import MINIMAL_CLAIMS, Project, hint, run_unprivileged

VALIDATE = ("validate", "claims.yaml", "--format", "json")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_parent_is_a_file(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A file where the output's folder should be: exit 2, one line, nothing left."""
    assert run(capsys, *VALIDATE, "-o", "refs.bib/out.json") == (
        2,
        "",
        "massage-evidence: error: cannot write 'refs.bib/out.json': Not a directory\n",
    )
    assert listing(minimal.root) == ["claims.yaml", "refs.bib"]


def test_read_only_folder(minimal: Project) -> None:
    """A folder without write permission: exit 2, one line, the old file untouched."""
    minimal.write("out/report.json", "old")
    (minimal.root / "out").chmod(0o555)
    try:
        child = run_unprivileged(*VALIDATE, "-o", "out/report.json", cwd=minimal.root)
        assert (child.returncode, child.stdout, child.stderr) == (
            2,
            "",
            "massage-evidence: error: cannot write 'out/report.json': Permission denied\n",
        )
        assert listing(minimal.root / "out") == ["report.json"]
        assert (minimal.root / "out/report.json").read_text() == "old"
    finally:
        (minimal.root / "out").chmod(0o755)


FULL_DISK = """
mount -t tmpfs -o size=4k tmpfs "$1" || exit 99
printf old > "$1/report.json"
"$2" -m massage_evidence validate claims.yaml --format json -o "$1/report.json" 2>&1
echo "status $?"
ls -A "$1"
cat "$1/report.json"
"""


def test_full_filesystem(minimal: Project) -> None:
    """A real full filesystem (a one-page tmpfs in a user namespace): exit 2, one line,
    the old report intact and no temporary file left."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare (util-linux) is not installed")
    (minimal.root / "out").mkdir()
    namespace = [unshare, "--user", "--map-root-user", "--mount"]
    child = subprocess.run(
        [*namespace, "sh", "-c", FULL_DISK, "sh", str(minimal.root / "out"), sys.executable],
        capture_output=True,
        text=True,
        check=False,
        cwd=minimal.root,
    )
    if child.returncode != 0 or child.stdout.startswith("status 99"):
        pytest.skip(f"cannot mount a tmpfs in a user namespace here: {child.stderr.strip()}")
    out = minimal.root / "out" / "report.json"
    assert child.stdout == (
        f"massage-evidence: error: cannot write {str(out)!r}: No space left on device\n"
        "status 2\n"
        "report.json\n"
        "old"
    )


def test_file_size_limit_of_the_kernel(minimal: Project) -> None:
    """A write cut short by RLIMIT_FSIZE (as `ulimit -f` sets it): exit 2, one line, the
    old report intact and no temporary file left."""
    minimal.write("report.json", "old")

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))

    child = subprocess.run(
        [sys.executable, "-m", "massage_evidence", *VALIDATE, "-o", "report.json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=minimal.root,
        preexec_fn=small_files,  # the child has no threads yet, so this is safe
    )
    assert (child.returncode, child.stdout, child.stderr) == (
        2,
        "",
        "massage-evidence: error: cannot write 'report.json': File too large\n",
    )
    assert listing(minimal.root) == ["claims.yaml", "refs.bib", "report.json"]
    assert (minimal.root / "report.json").read_text() == "old"


def test_dev_full(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """/dev/full is written in place (a device cannot be renamed over): ENOSPC, exit 2,
    and the device is still a device."""
    assert run(capsys, *VALIDATE, "-o", "/dev/full") == (
        2,
        "",
        "massage-evidence: error: cannot write '/dev/full': No space left on device\n",
    )
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_named_pipe_is_written_in_place(
    minimal: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A FIFO receives the output and stays a FIFO."""
    pipe = minimal.root / "pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        assert run(capsys, "validate", "claims.yaml", "--select", "ME1", "-o", "pipe")[0] == 0
        assert os.read(reader, 1000) == b"no problems found\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_link_at_the_output_is_replaced_not_followed(
    minimal: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A symbolic link committed where the report goes is replaced; its target is kept."""
    victim = minimal.write("victim.txt", "keep me")
    (minimal.root / "report.txt").symlink_to(victim)
    assert run(capsys, "validate", "claims.yaml", "--select", "ME1", "-o", "report.txt")[0] == 0
    assert not (minimal.root / "report.txt").is_symlink()
    assert (minimal.root / "report.txt").read_text() == "no problems found\n"
    assert victim.read_text() == "keep me"


def test_link_to_a_device_is_refused(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A link to a device (e.g. /dev/stdout) is neither followed nor replaced."""
    (minimal.root / "report.txt").symlink_to("/dev/null")
    assert run(capsys, *VALIDATE, "-o", "report.txt") == (
        2,
        "",
        f"massage-evidence: error: {_LINK_REFUSED}\n",
    )
    assert (minimal.root / "report.txt").readlink() == Path("/dev/null")


_LINK_REFUSED = (
    "cannot write 'report.txt': it is a symbolic link to a device, a pipe or a standard"
    " stream; give a regular file, or leave out the output option to print the result"
)


@pytest.mark.parametrize("target", ["/dev/stdout", "/proc/self/fd/1"])
def test_link_to_standard_output_redirected_to_a_file(minimal: Project, target: str) -> None:
    """Standard output redirected to a file: a link to it (`/dev/stdout`) leads to a
    regular file, but it is still refused, and the link kept."""
    (minimal.root / "report.txt").symlink_to(target)
    with (minimal.root / "log.txt").open("w") as log:
        child = subprocess.run(
            [sys.executable, "-m", "massage_evidence", *VALIDATE, "-o", "report.txt"],
            stdout=log,
            stderr=subprocess.PIPE,
            cwd=minimal.root,
            check=False,
        )
    assert (child.returncode, child.stderr) == (
        2,
        f"massage-evidence: error: {_LINK_REFUSED}\n".encode(),
    )
    assert (minimal.root / "report.txt").readlink() == Path(target)
    assert (minimal.root / "log.txt").read_text() == ""


@pytest.mark.parametrize(
    ("output", "named"),
    [
        ("claims.yaml", "claims.yaml"),
        ("refs.bib", "refs.bib"),
        ("texts/../article.txt", "article.txt"),
        ("alias.txt", "article.txt"),
    ],
)
def test_never_over_an_input(
    minimal: Project, capsys: pytest.CaptureFixture[str], output: str, named: str
) -> None:
    """The claims file, the bibliography or a document (by any name, a link included)
    is never an output: exit 2, one line, the input untouched."""
    minimal.write("claims.yaml", MINIMAL_CLAIMS + "documents:\n  a:\n    path: article.txt\n")
    minimal.write("article.txt", "Text.\n")
    (minimal.root / "texts").mkdir()
    (minimal.root / "alias.txt").symlink_to("article.txt")
    before = {name: (minimal.root / name).read_bytes() for name in ("claims.yaml", "refs.bib")}
    assert run(capsys, *VALIDATE, "-o", output) == (
        2,
        "",
        f"massage-evidence: error: cannot write {output!r}: it is an input of this run"
        f" ({named!r}); choose another output file\n",
    )
    assert {name: (minimal.root / name).read_bytes() for name in before} == before
    assert (minimal.root / "article.txt").read_text() == "Text.\n"
    assert listing(minimal.root) == ["alias.txt", "article.txt", "claims.yaml", "refs.bib", "texts"]


def test_long_file_name(minimal: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A 255-byte name, the most a folder entry takes, is written like any other."""
    name = "r" * 250 + ".json"
    assert run(capsys, *VALIDATE, "-o", name)[0] == 1
    assert listing(minimal.root) == ["claims.yaml", "refs.bib", name]


LOADING_COMMANDS = {
    "report": ["report", "claims.yaml"],
    "annotate": ["annotate", "claims.yaml"],
    "export": ["export", "claims.yaml", "--to", "json"],
    "diff": ["diff", "claims.yaml", "claims.yaml"],
}


@pytest.mark.parametrize("argv", LOADING_COMMANDS.values(), ids=LOADING_COMMANDS)
def test_every_loading_command_takes_the_limits(
    valid: Project, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """The --max-* options apply to every command that reads a claims file."""
    size = (valid.root / "claims.yaml").stat().st_size
    refused = (
        f"claims.yaml: ME106 [error] 'claims.yaml' is {size:,} bytes, over the limit of 100"
        f"{hint('max-file-size')}\n"
        "1 error, 0 warnings, 0 info\n"
    )
    copies = 2 if argv[0] == "diff" else 1  # diff reads OLD and NEW
    assert run(capsys, *argv, "--max-file-size", "100")[::2] == (1, refused * copies)


@pytest.mark.parametrize(
    "argv",
    [*LOADING_COMMANDS.values(), ["validate", "claims.yaml"]],
    ids=[*LOADING_COMMANDS, "validate"],
)
def test_every_command_refuses_to_write_over_an_input(
    valid: Project, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """No command writes over its inputs; annotate's DOCUMENT.html may not be a document."""
    valid.write("claims.yaml", (valid.root / "claims.yaml").read_text().replace(".txt", ".html"))
    (valid.root / "article.txt").rename(valid.root / "article.html")
    before = {path.name: path.read_bytes() for path in valid.root.iterdir()}
    target = "article.html" if argv[0] == "annotate" else "claims.yaml"
    option = ["-o", "."] if argv[0] == "annotate" else ["-o", target]
    assert run(capsys, *argv, *option)[::2] == (
        2,
        f"massage-evidence: error: cannot write {target!r}: it is an input of this run"
        f" ({target!r}); choose another output file\n",
    )
    assert {path.name: path.read_bytes() for path in valid.root.iterdir()} == before


@pytest.mark.parametrize(
    ("argv", "target", "named"),
    [
        (["validate", "claims.yaml"], "pyproject.toml", "{root}/pyproject.toml"),
        (["report", "claims.yaml", "--format", "md", "--templates", "tp"], "tp/report.md.j2",
         "tp/report.md.j2"),
        (["export", "claims.yaml", "--to", "json"], "pyproject.toml", "{root}/pyproject.toml"),
    ],
)  # fmt: skip
def test_never_over_a_settings_file(
    valid: Project, capsys: pytest.CaptureFixture[str], argv: list[str], target: str, named: str
) -> None:
    """The pyproject.toml a run reads its settings from, and the templates it renders
    with, are inputs too."""
    valid.write("pyproject.toml", "[tool.massage-evidence]\nstrict = false\n")
    valid.write("tp/report.md.j2", "# {{ title }}\n")
    before = {path: path.read_bytes() for path in valid.root.rglob("*") if path.is_file()}
    assert run(capsys, *argv, "-o", target)[::2] == (
        2,
        f"massage-evidence: error: cannot write {target!r}: it is an input of this run"
        f" ({named.format(root=valid.root)!r}); choose another output file\n",
    )
    assert {path: path.read_bytes() for path in valid.root.rglob("*") if path.is_file()} == before


@pytest.mark.parametrize("key", ["../escaped", "sub/escaped", "/tmp/escaped", "nul\\0key"])
def test_annotate_writes_only_inside_its_folder(
    valid: Project, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """A document key is a name from a claims file that may come from a pull request:
    one that is not a file name is refused before anything is written."""
    text = (valid.root / "claims.yaml").read_text()
    text = text.replace("  article:", f'  "{key}":')
    text = text.replace("document: article", f'document: "{key}"')
    valid.write("claims.yaml", text)
    (valid.root / "out").mkdir()
    shown = key.replace("\\0", "\\x00")
    assert run(capsys, "annotate", "claims.yaml", "-o", "out")[::2] == (
        2,
        f"massage-evidence: error: cannot annotate document '{shown}': its key is not a file"
        " name; rename it in the claims file\n",
    )
    assert listing(valid.root / "out") == []
    assert not (valid.root / "escaped.html").exists()
    assert not Path("/tmp/escaped.html").exists()


def test_annotate_refuses_a_key_too_long_for_a_file_name(
    valid: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second document whose key is too long for a file name: nothing is written, not
    even the first document's page."""
    key = "k" * 251  # 256 bytes with .html
    text = (valid.root / "claims.yaml").read_text()
    valid.write(
        "claims.yaml",
        text.replace("studies:\n", f"  {key}:\n    path: article.txt\nstudies:\n"),
    )
    (valid.root / "out").mkdir()
    assert run(capsys, "annotate", "claims.yaml", "-o", "out")[::2] == (
        2,
        f"massage-evidence: error: cannot annotate document '{'k' * 40}'…: its key is too"
        " long for a file name (255 bytes at most); shorten it in the claims file\n",
    )
    assert listing(valid.root / "out") == []


@pytest.fixture
def deleted_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The working folder, deleted."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()


@pytest.mark.usefixtures("deleted_cwd")
def test_a_current_folder_that_no_longer_exists(capsys: pytest.CaptureFixture[str]) -> None:
    """Run from a deleted folder: one line, exit 2; a command that needs no folder runs."""
    assert run(capsys, "validate") == (
        2,
        "",
        "massage-evidence: error: the current folder no longer exists; cd to one\n",
    )
    version = metadata.version("massage-evidence")
    assert run(capsys, "--version") == (0, f"massage-evidence, version {version}\n", "")


def test_a_file_name_that_is_not_utf8(minimal: Project) -> None:
    """A claims file named with a byte that is not UTF-8 is named by that byte in every
    output, on standard output with a strict UTF-8 encoding too, and in SARIF as %FF."""
    name = os.fsdecode(b"c\xffl.yaml")
    (minimal.root / "claims.yaml").rename(minimal.root / name)
    (minimal.root / "refs.bib").write_text("")
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # errors="strict"
    command = [sys.executable, "-m", "massage_evidence", "validate", name, "--no-cache"]
    for form in ("text", "sarif", "json"):
        for output in ([], ["-o", f"out.{form}"]):
            child = subprocess.run(
                [*command, "--select", "ME201", "--format", form, *output],
                capture_output=True,
                cwd=minimal.root,
                env=environment,
                check=False,
            )
            assert (child.returncode, child.stderr) == (1, b"")
    line = b"c\xffl.yaml:8:14: ME201 [error] claim 'pain-relief' cites 'smith2020'"
    assert (minimal.root / "out.text").read_bytes().startswith(line)
    assert b'"uri": "c%FFl.yaml"' in (minimal.root / "out.sarif").read_bytes()
    findings = json.loads((minimal.root / "out.json").read_text(encoding="utf-8"))["findings"]
    assert [os.fsencode(finding["path"]) for finding in findings] == [b"c\xffl.yaml"]


def test_a_folder_name_that_is_not_utf8(minimal: Project) -> None:
    """A corpus in a folder named with a byte that is not UTF-8 is checked with the cache
    on (its key holds the bibliography's path), twice: the second run reads the cache."""
    folder = minimal.root / os.fsdecode(b"d\xff")
    folder.mkdir()
    for name in ("claims.yaml", "refs.bib"):
        (minimal.root / name).rename(folder / name)
    (folder / "refs.bib").write_text("")
    command = [sys.executable, "-m", "massage_evidence", "validate", "--select", "ME201"]
    for _ in range(2):
        child = subprocess.run(
            [*command, Path(folder.name, "claims.yaml")],
            capture_output=True,
            cwd=minimal.root,
            check=False,
        )
        assert (child.returncode, child.stderr) == (1, b"")
        assert child.stdout.startswith(b"d\xff/claims.yaml:8:14: ME201 [error] claim")
    cache = Path(os.environ["MASSAGE_EVIDENCE_CACHE_DIR"])
    assert len(list(cache.glob("bibliography/*.json"))) == 1


@pytest.mark.parametrize("command", ["validate", "report"])
def test_an_input_path_with_a_nul(
    minimal: Project, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A bibliography path with a NUL is ME105; comparing the output with the inputs was
    a traceback, now the output is written."""
    minimal.write(
        "claims.yaml",
        MINIMAL_CLAIMS.replace("title: Test corpus\n", 'title: Test corpus\nbibliography: "\\0"\n'),
    )
    minimal.write("out", "old")  # an existing output is compared with every input
    status, _, err = run(capsys, command, "claims.yaml", "-o", "out")
    assert (status, err) == (1 if command == "validate" else 0, "")
    if command == "validate":
        assert (
            "claims.yaml:3:15: ME105 [error] '\\x00' is not a valid path (it holds a NUL)\n"
            in (minimal.root / "out").read_text()
        )
