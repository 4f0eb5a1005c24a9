"""The validation cache: an unchanged corpus is not checked again; any change is noticed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from massage_evidence.cache import Cache, content_hash, decode_entry, encode_entry
from massage_evidence.cli import main
from massage_evidence.loading import load
from massage_evidence.rules import references

from .conftest import MINIMAL_BIB, VALID_CLAIMS, Project


def entries(kind: str) -> list[Path]:
    return sorted((Path(os.environ["MASSAGE_EVIDENCE_CACHE_DIR"]) / kind).glob("*.json"))


def read_entry(path: Path) -> dict[str, Any]:
    entry = decode_entry(path.read_bytes())
    assert entry is not None
    return entry


def rewrite_entry(path: Path, entry: dict[str, Any]) -> None:
    """Store an edited entry as the cache would, so that it is trusted."""
    path.write_text(encode_entry(entry))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(["validate", "claims.yaml", *argv])
    return status, capsys.readouterr().out


@pytest.fixture
def unused(valid: Project) -> Project:
    """A valid corpus whose bibliography has one uncited entry: one warning."""
    valid.write("refs.bib", MINIMAL_BIB + MINIMAL_BIB.replace("smith2020", "jones2021"))
    return valid


WARNING = (
    "refs.bib:7:1: ME207 [warning] entry 'jones2021' is not cited by any claim;"
    " cite it or remove it"
)


def test_second_run_reuses_the_findings(
    unused: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """The warm run prints what the cold run printed, from one findings entry."""
    cold = run(capsys, "--select", "ME2")
    assert cold == (0, f"{WARNING}\n0 errors, 1 warning, 0 info\n")
    assert len(entries("findings")) == 1
    (entry,) = entries("findings")
    stored = read_entry(entry)
    assert [f["code"] for f in stored["findings"]] == ["ME207"]
    assert run(capsys, "--select", "ME2") == cold


def test_cached_findings_are_what_is_printed(
    unused: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A warm run reads the entry: an entry edited by hand shows (so it is truly used)."""
    run(capsys, "--select", "ME2")
    (entry,) = entries("findings")
    stored = read_entry(entry)
    stored["findings"][0]["message"] = "read from the cache"
    rewrite_entry(entry, stored)
    assert run(capsys, "--select", "ME2")[1].startswith(
        "refs.bib:7:1: ME207 [warning] read from the cache\n"
    )


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("refs.bib", MINIMAL_BIB),  # the uncited entry removed
        ("article.txt", "Massage eases back pain.\n"),  # the quoted passage gone
        ("claims.yaml", VALID_CLAIMS + "    certainty: low\n"),
    ],
)
def test_any_changed_input_is_checked_again(
    unused: Project, capsys: pytest.CaptureFixture[str], name: str, change: str
) -> None:
    """Changing the bibliography, a document or the claims file invalidates the entry."""
    before = run(capsys)
    unused.write(name, change)
    assert run(capsys) == run(capsys, "--no-cache")
    assert run(capsys) != before


def test_selection_is_part_of_the_key(unused: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """Other rules selected, other findings."""
    assert run(capsys, "--select", "ME2")[1].startswith(WARNING)
    assert run(capsys, "--select", "ME3", "--ignore", "ME305") == (0, "no problems found\n")


def test_a_copy_of_a_corpus_is_another_corpus(
    valid: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same claims file elsewhere finds its own documents: the copy is not answered
    with the original's findings."""
    for name in ("claims.yaml", "refs.bib", "article.txt"):
        valid.write(f"copy/{name}", (valid.root / name).read_bytes())
    (valid.root / "copy" / "article.txt").unlink()
    original = main(["validate", "claims.yaml", "--select", "ME105"])
    assert (original, capsys.readouterr().out) == (0, "no problems found\n")
    assert main(["validate", "copy/claims.yaml", "--select", "ME105"]) == 1
    assert capsys.readouterr().out.startswith("copy/claims.yaml:5:11: ME105 [error] ")


def test_a_named_pipe_is_not_read_for_the_key(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the cache on, a FIFO as claims file is reported, never opened: it would block."""
    os.mkfifo(project.root / "claims.yaml")
    assert run(capsys) == (
        1,
        "claims.yaml: ME105 [error] 'claims.yaml' is not a regular file\n"
        "1 error, 0 warnings, 0 info\n",
    )


def test_no_cache_neither_reads_nor_writes(
    unused: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--no-cache` checks everything and stores nothing."""
    run(capsys, "--no-cache")
    assert entries("findings") == entries("bibliography") == []


def test_findings_of_another_year_are_not_reused(
    unused: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """ME209 accepts years up to next year: after New Year an entry of the year after is
    plausible, and a cached run must say so too."""
    unused.write("refs.bib", MINIMAL_BIB.replace("{2020}", "{2028}"))
    monkeypatch.setattr(references, "latest_year", lambda: 2027)
    assert run(capsys, "--select", "ME209") == (
        1,
        "refs.bib:5:3: ME209 [error] year '2028' of entry 'smith2020' is not a plausible"
        " year (1600 to 2027)\n1 error, 0 warnings, 0 info\n",
    )
    monkeypatch.setattr(references, "latest_year", lambda: 2028)
    assert run(capsys, "--select", "ME209") == (0, "no problems found\n")


def test_corrupt_entry_is_ignored_and_rebuilt(
    unused: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """A damaged entry is never trusted: the run checks again and writes a good entry."""
    cold = run(capsys)
    for entry in entries("findings") + entries("bibliography"):
        entry.write_text('{"format": 2, "check": "0"}\n{"hashes": {"x": ')
    assert run(capsys) == cold
    assert all(decode_entry(e.read_bytes()) is not None for e in entries("findings"))


def test_deeply_nested_entry_is_ignored() -> None:
    """Brackets nested past the interpreter's recursion limit are a damaged entry, not a crash,
    in the header or in a body whose hash matches."""
    nested = b"[" * 100_000 + b"]" * 100_000
    assert decode_entry(nested + b"\n{}") is None
    header = json.dumps({"format": 2, "check": content_hash(nested)}).encode()
    assert decode_entry(header + b"\n" + nested) is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: {**entry, "entries": []},  # valid JSON, wrong content
        lambda entry: {**entry, "entries": [[*entry["entries"][0][:2], ["x"], 1, 1]]},
        lambda entry: {**entry, "entries": [[None, *entry["entries"][0][1:]]]},
    ],
)
def test_an_edited_bibliography_entry_is_not_trusted(
    unused: Project, capsys: pytest.CaptureFixture[str], damage: Callable[[Any], Any]
) -> None:
    """An entry whose content no longer matches its hash is parsed again, not trusted."""
    cold = run(capsys, "--no-cache")
    run(capsys, "--select", "ME2")
    for path in entries("findings"):
        path.unlink()
    (entry,) = entries("bibliography")
    header, body = entry.read_text().split("\n", 1)
    entry.write_text(header + "\n" + json.dumps(damage(json.loads(body))))
    assert run(capsys) == cold


def test_changed_claims_reuse_the_parsed_bibliography(valid: Project) -> None:
    """Editing claims.yaml does not parse an unchanged bibliography again."""
    cache = Cache()
    load("claims.yaml", cache=cache)
    (entry,) = entries("bibliography")
    stored = read_entry(entry)
    stored["entries"][0][2]["title"] = "parsed once"
    rewrite_entry(entry, stored)
    valid.write("claims.yaml", VALID_CLAIMS.replace("may reduce", "might reduce"))
    assert load("claims.yaml", cache=cache).references["smith2020"].fields["title"] == "parsed once"


def test_concurrent_runs_share_the_cache(unused: Project) -> None:
    """Runs in parallel on one cache all succeed and leave valid entries."""
    command = [
        sys.executable,
        "-m",
        "massage_evidence",
        "validate",
        "claims.yaml",
        "--select",
        "ME2",
    ]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = {process.communicate()[0] for process in runs}
    assert outputs == {f"{WARNING}\n0 errors, 1 warning, 0 info\n"}
    assert all(decode_entry(e.read_bytes()) is not None for e in entries("findings"))


def test_report_keeps_formatted_references_unless_told_not_to(valid: Project) -> None:
    """`report` stores its formatted references and parsed bibliography; `--no-cache` does not."""
    assert main(["report", "claims.yaml", "--no-cache", "-o", "cold.html"]) == 0
    assert entries("references") == entries("bibliography") == []
    assert main(["report", "claims.yaml", "-o", "warm.html"]) == 0
    assert len(entries("references")) == len(entries("bibliography")) == 1
    assert main(["report", "claims.yaml", "-o", "again.html"]) == 0
    cold = Path("cold.html").read_text()
    assert Path("warm.html").read_text() == cold == Path("again.html").read_text()


def test_a_moved_repository_root_is_another_corpus(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """`git init` above the claims folder lets it read a document beside it (ME107 goes),
    and removing `.git` brings ME107 back: the findings are not those of the old root."""
    project.write("data/claims.yaml", VALID_CLAIMS.replace("path: article.txt", "path: ../a.txt"))
    project.write("data/refs.bib", MINIMAL_BIB)
    project.write("a.txt", "Regular massage eases back pain for many people.\n")
    argv = ["validate", "data/claims.yaml", "--select", "ME107"]
    outside = (
        "data/claims.yaml:5:11: ME107 [error] '../a.txt' leads outside the repository root"
        f" {str(project.root / 'data')!r} and is not read; move it inside, or allow it with"
        " --allow-outside-root\n1 error, 0 warnings, 0 info\n"
    )
    assert (main(argv), capsys.readouterr().out) == (1, outside)
    (project.root / ".git").mkdir()
    assert (main(argv), capsys.readouterr().out) == (0, "no problems found\n")
    (project.root / ".git").rmdir()
    assert (main(argv), capsys.readouterr().out) == (1, outside)


def test_a_link_moved_outside_the_repository_is_checked_again(
    valid: Project, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document reached through a link that now leads outside the repository, to a
    file of the same content, is ME107: the cache knows where each input really is."""
    outside = tmp_path_factory.mktemp("outside") / "a.txt"
    outside.write_bytes((valid.root / "article.txt").read_bytes())
    (valid.root / "link.txt").symlink_to("article.txt")
    valid.write("claims.yaml", VALID_CLAIMS.replace("path: article.txt", "path: link.txt"))
    argv = ["validate", "claims.yaml", "--select", "ME107"]
    assert (main(argv), capsys.readouterr().out) == (0, "no problems found\n")
    (valid.root / "link.txt").unlink()
    (valid.root / "link.txt").symlink_to(outside)
    assert (main(argv), capsys.readouterr().out) == (
        1,
        f"claims.yaml:5:11: ME107 [error] 'link.txt' leads through a symbolic link to"
        f" {str(outside)!r} outside the repository root {str(valid.root)!r} and is not read;"
        " move it inside, or allow it with --allow-outside-root\n1 error, 0 warnings, 0 info\n",
    )
