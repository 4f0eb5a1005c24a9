"""Loading: claims.yaml, its bibliography and its documents into one `Corpus`.

Why: every problem in the inputs must come back as a finding with a file, line and column,
never as a traceback. Problems that leave no usable claims file (a syntax error, a schema
violation, a repeated key, an input limit) stop the load with `LoadError`; the others are
kept on the corpus and reported with the rule findings.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ._bibtex import FieldLocator, block_past, line_feeds, parse_bibtex
from ._gc import paused_gc
from ._schema import claim_at, schema_problems
from ._yaml import ParsedYaml, parse_yaml
from .cache import Cache
from .errors import LoadError
from .findings import Location, Problem, location_at, sort_findings
from .limits import DEFAULT_LIMITS, Limits, raise_hint
from .models import Corpus, Reference
from .rules import stamp

Coded = tuple[str, Problem]


def load(
    claims_path: str | os.PathLike[str],
    *,
    limits: Limits = DEFAULT_LIMITS,
    allow_outside_root: bool = False,
    cache: Cache | None = None,
) -> Corpus:
    """Load a claims file with its bibliography and documents.

    With a `cache`, an unchanged bibliography is not parsed again.

    A bibliography or document outside the claims file's repository root (see
    `repository_root`) is not read but reported (ME107), unless `allow_outside_root`.

    Raises:
        LoadError: the claims file cannot be read or is not a valid claims file; its
            `findings` say where and why.
    """
    path = Path(claims_path)
    text = read_claims(path, limits)
    return load_read(path, text, limits=limits, allow_outside_root=allow_outside_root, cache=cache)


def read_claims(path: Path, limits: Limits) -> str | Coded:
    """The text of a claims file, or the problem that prevents reading it."""
    return read_text(path, Location(display_path(path)), limits)


@paused_gc()
def load_read(
    path: Path,
    text: str | Coded,
    *,
    limits: Limits,
    allow_outside_root: bool,
    cache: Cache | None,
) -> Corpus:
    """`load` for a claims file already read by `read_claims`.

    Why: the findings cache is keyed by the claims file's text; reading it once serves
    both the key and the load.
    """
    if isinstance(text, tuple):
        raise _load_error([text])
    display = display_path(path)
    parsed = parse_yaml(text, display, limits)
    if parsed.problems:
        raise _load_error([_in_claim(problem, parsed) for problem in parsed.problems])
    corpus = _modelled(parsed, limits)
    corpus._path = display
    corpus._locator = parsed.locator
    reader = _Reader(limits, None if allow_outside_root else repository_root(path))
    kept = _attach_bibliography(corpus, path.parent, reader, cache)
    kept += _attach_documents(corpus, path.parent, reader)
    corpus._load_problems = tuple(kept)
    return corpus


def _in_claim(coded: Coded, parsed: ParsedYaml) -> Coded:
    """A problem of the claims file with the id of the claim it is in, if any."""
    code, problem = coded
    claim = problem.claim or claim_at(problem.location, parsed.locator, parsed.data)
    return code, dataclasses.replace(problem, claim=claim)


def _modelled(parsed: ParsedYaml, limits: Limits) -> Corpus:
    """The models of the parsed claims file, which lets go of its plain data.

    Why: on a large corpus the plain data takes hundreds of megabytes; freed before the
    bibliography is parsed, that memory is used again rather than taken anew from the
    system (a page fault for every 4 KiB, which gets dearer as a process grows).
    """
    data, parsed.data = parsed.data, None
    claims = data.get("claims") if isinstance(data, dict) else None
    if isinstance(claims, list) and len(claims) > limits.max_items:
        at = parsed.locator.locate("claims", limits.max_items)
        raise _load_error([_too_many("claims", limits, at)])
    try:
        return Corpus.model_validate(data)
    except ValidationError as error:
        violations = schema_problems(error, parsed.locator, claims)
        raise _load_error([("ME102", problem) for problem in violations]) from None


def _attach_bibliography(
    corpus: Corpus, folder: Path, reader: _Reader, cache: Cache | None
) -> list[Coded]:
    path = folder / corpus.bibliography
    corpus._bibliography_path = display_path(path)
    named_at = corpus.locate("bibliography") if "bibliography" in corpus.model_fields_set else None
    text = reader.read(path, corpus.bibliography, named_at or Location(corpus.bibliography_path))
    if isinstance(text, tuple):
        return [text]
    text = line_feeds(text)
    over = block_past(text, reader.limits.max_items, corpus.bibliography_path)
    if over is not None:
        return [_too_many("references", reader.limits, over)]
    shown = corpus.bibliography_path
    parsed = cache.bibliography(text, shown) if cache is not None else None
    if parsed is None:
        parsed = parse_bibtex(text, shown)
        if cache is not None:
            cache.store_bibliography(text, shown, *parsed)
    entries, problems = parsed
    references: dict[str, Reference] = {}
    for entry in entries:
        references.setdefault(entry.key, entry)
    corpus._bibliography_read = True
    corpus._field_locator = FieldLocator(text).locate
    corpus._entries = tuple(entries)
    corpus._references = references
    return problems


def _attach_documents(corpus: Corpus, folder: Path, reader: _Reader) -> list[Coded]:
    problems: list[Coded] = []
    for name, document in corpus.documents.items():
        path = folder / document.path
        document._display_path = display_path(path)
        text = reader.read(path, document.path, corpus.locate("documents", name, "path"))
        if isinstance(text, tuple):
            problems.append(text)
        else:
            document._text = text
    return problems


def repository_root(claims_path: Path) -> Path:
    """The folder that bibliography and document paths must stay in: the nearest folder
    at or above the claims file's real location that holds `.git` (a folder in a clone,
    a file in a worktree), else the claims file's own folder."""
    folder = claims_path.resolve().parent
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return folder


@dataclass(frozen=True, slots=True)
class _Reader:
    """Reads the files a claims file names, within the limits and (when set) the root."""

    limits: Limits
    root: Path | None

    def read(self, path: Path, written: str, named_at: Location) -> str | Coded:
        """The text of `path` (written as `written` in claims.yaml), or why it is not read."""
        if self.root is not None:
            try:
                real = path.resolve()
            except (OSError, RuntimeError, ValueError):  # a link loop, a NUL: read_text says so
                real = self.root
            if not real.is_relative_to(self.root):
                via = ""
                if Path(os.path.normpath(path.absolute())).is_relative_to(self.root):
                    via = f" through a symbolic link to {str(real)!r}"
                return "ME107", Problem(
                    f"{written!r} leads{via} outside the repository root {str(self.root)!r}"
                    " and is not read; move it inside, or allow it with --allow-outside-root",
                    named_at,
                )
        return read_text(path, named_at, self.limits)


def read_text(path: Path, named_at: Location, limits: Limits) -> str | Coded:
    """The UTF-8 text of `path`, or the problem that prevents reading it.

    Problems about the file as a whole point at `named_at` (where the file is named); a
    decoding error points at the offending byte inside the file. Nothing but a regular
    file is opened: a named pipe would block the run.
    """
    shown = display_path(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):
            return "ME105", Problem(f"{shown!r} is not a regular file", named_at)
        if status.st_size > limits.max_file_bytes:
            return "ME106", Problem(
                f"{shown!r} is {status.st_size:,} bytes, over the limit of"
                f" {limits.max_file_bytes:,}" + raise_hint("max-file-size", limits.max_file_bytes),
                named_at,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        return "ME105", Problem(f"{shown!r} does not exist", named_at)
    except OSError as error:
        return "ME105", Problem(f"{shown!r} cannot be read: {error.strerror or error}", named_at)
    except ValueError:  # the path holds a NUL character, which no file system accepts
        return "ME105", Problem(f"{shown!r} is not a valid path (it holds a NUL)", named_at)
    body = data.removeprefix(codecs.BOM_UTF8)  # positions count from after the mark
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        before = body[: error.start].decode("utf-8")
        return "ME105", Problem(
            f"{shown!r} is not valid UTF-8 (byte 0x{body[error.start]:02x}); re-save it as"
            " UTF-8, e.g. with `iconv -f latin1 -t utf-8`",
            location_at(shown, before, len(before)),
        )


def display_path(path: Path) -> str:
    """`path` as findings show it: relative to the working folder when inside it."""
    absolute = os.path.normpath(Path(path).absolute())
    relative = os.path.relpath(absolute, Path.cwd())
    shown = absolute if relative.startswith("..") else relative
    return shown.replace(os.sep, "/")


def _too_many(what: str, limits: Limits, at: Location) -> Coded:
    return "ME106", Problem(
        f"more than {limits.max_items:,} {what}; the first one over the limit is here"
        + raise_hint("max-items", limits.max_items),
        at,
    )


def _load_error(problems: list[Coded]) -> LoadError:
    return LoadError(sort_findings([stamp(code, problem) for code, problem in problems]))
