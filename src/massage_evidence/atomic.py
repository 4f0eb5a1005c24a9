"""Atomic output: a file is either written whole or not touched at all."""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError

# Long enough to recognise the file, short enough that the temporary name fits in 255 bytes.
_NAME_IN_TEMPORARY = 64
# A file name that is not UTF-8 (read as surrogates) is written as its own bytes.
_ERRORS = "surrogateescape"


def write_atomic(path: Path, text: str, *, inputs: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename.

    Why: a run that fails half-way (a full disk, a killed CI job) must not leave a
    truncated report that looks complete, and must never touch its `inputs`. A symbolic
    link at `path` is replaced, never written through: in a checkout of a pull request
    it could point anywhere. A character device or named pipe (`/dev/null`, a FIFO)
    cannot be renamed over, so it is written directly.

    Raises:
        OutputError: the file could not be written, or is one of `inputs`; nothing was
            left behind.
    """
    for source in inputs:
        if _same_file(path, source):
            raise OutputError(
                f"cannot write {str(path)!r}: it is an input of this run"
                f" ({os.fspath(source)!r}); choose another output file"
            )
    try:
        found = path.lstat()
    except FileNotFoundError:
        found = None
    except OSError as error:
        raise _failed(path, error) from None
    if found is not None and _is_device(found.st_mode):
        _write_directly(path, text)
        return
    if found is not None and stat.S_ISLNK(found.st_mode) and _links_to_device(path):
        raise OutputError(
            f"cannot write {str(path)!r}: it is a symbolic link to a device, a pipe or a"
            " standard stream; give a regular file, or leave out the output option to print"
            " the result"
        )
    if found is not None and not (stat.S_ISREG(found.st_mode) or stat.S_ISLNK(found.st_mode)):
        raise OutputError(f"cannot write {str(path)!r}: it is not a regular file")
    regular = found is not None and stat.S_ISREG(found.st_mode)
    mode = stat.S_IMODE(found.st_mode) if found is not None and regular else 0o644
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name[:_NAME_IN_TEMPORARY]}.", suffix=".tmp"
        )
    except OSError as error:
        raise _failed(path, error) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors=_ERRORS, newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(path)
    except BaseException as error:  # an interrupt too: never leave the temporary file
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, OSError):
            raise _failed(path, error) from None
        raise


def _write_directly(path: Path, text: str) -> None:
    try:
        with path.open("w", encoding="utf-8", errors=_ERRORS, newline="") as stream:
            stream.write(text)
    except OSError as error:
        raise _failed(path, error) from None


def _same_file(path: Path, other: str | os.PathLike[str]) -> bool:
    try:
        return path.samefile(other)
    except (OSError, ValueError):  # either does not exist (or has a NUL): not the same file
        return False


def _is_device(mode: int) -> bool:
    """A character device or a pipe: written in place, since a rename would replace it."""
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _links_to_device(link: Path) -> bool:
    """Whether the link leads to a device or pipe, or to a process's open file.

    Why the open file: `/dev/stdout` is a link to `/proc/self/fd/1`, which leads to
    whatever standard output is; redirected to a file, it would be taken for a link to a
    regular file, and `/dev/stdout` itself replaced by the report.
    """
    hop = link.absolute()
    for _ in range(_MOST_HOPS):
        if _OPEN_FILE.fullmatch(hop.as_posix()):
            return True
        try:
            target = hop.readlink()
        except OSError:  # not a link (any more): where the chain ends
            break
        hop = Path(os.path.normpath(hop.parent / target))
    try:
        mode = link.stat().st_mode
    except OSError:  # a dangling link is replaced like a missing file
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


# `/proc/<pid>/fd/<n>` and `/dev/fd/<n>`: a process's open files, as Linux and macOS name them.
_OPEN_FILE = re.compile(r"/(?:proc/[^/]+|dev)/fd/[0-9]+")
_MOST_HOPS = 40  # as the kernel follows links


def _failed(path: Path, error: OSError) -> OutputError:
    return OutputError(f"cannot write {str(path)!r}: {error.strerror or error}")
