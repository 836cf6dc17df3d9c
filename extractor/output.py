"""Files in and out: JSON read with errors that name the file, and outputs written
atomically (a reader sees the old file or the new one, never half).

Outputs are checked before any work (`check_output_file`, `check_output_dir`): a location
that cannot take the output is an OutputLocationError (exit 4) at once, not after minutes of
extraction. A write that fails part-way because the device is full or turned read-only is
an OutputWriteError (exit 12), and its temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from extractor.errors import (
    ExtractorError,
    InputFileError,
    OutputLocationError,
    OutputWriteError,
)

# Errors of the storage itself during a write (the location was fine when checked): the
# device is full, over quota, turned read-only or failing.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG, errno.EIO})
# Name prefix of the empty file that checks a folder takes new files (its suffix is that of
# every temporary file, so a batch clears one a kill left behind).
PROBE_PREFIX = ".extractor-probe."
TEMPORARY_SUFFIX = ".tmp"


def describe_os_error(error: OSError) -> str:
    """An OSError in a reader's words, without errno or path: 'no space left on device'."""
    text = error.strerror or type(error).__name__
    return text[:1].lower() + text[1:]


def output_error(error: OSError, path: str | Path) -> ExtractorError:
    """The error to raise when writing `path` failed with `error`: OutputWriteError for a
    full, read-only or failing device, OutputLocationError for anything else."""
    reason = describe_os_error(error)
    if error.errno in STORAGE_ERRNOS:
        return OutputWriteError(reason, path)
    return OutputLocationError(f"cannot be written: {reason}", path)


def check_output_file(path: str | Path) -> None:
    """Raise OutputLocationError unless a file can be written at `path`: it is not a
    directory, and its folder exists or can be made, and takes new files."""
    path = Path(path)
    if path.is_dir():
        raise OutputLocationError("is a directory; name a file to write the output to", path)
    _check_folder(path.parent, path)


def check_output_dir(path: str | Path) -> None:
    """Raise OutputLocationError unless `path` is a folder that exists or can be made, and
    takes new files."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputLocationError("is a file, not a folder", path)
    _check_folder(path, path)


def _check_folder(folder: Path, named: Path) -> None:
    # A folder yet to be made is made in the nearest one that exists: that one must take it.
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputLocationError(f"cannot be written: {existing} is not a folder", named)
    try:
        fd, probe = tempfile.mkstemp(prefix=PROBE_PREFIX, suffix=TEMPORARY_SUFFIX, dir=existing)
    except OSError as e:
        raise OutputLocationError(f"cannot be written: {describe_os_error(e)}", named) from e
    os.close(fd)
    os.unlink(probe)


@contextlib.contextmanager
def open_text_atomic(path: str | Path, newline: str = "\n") -> Iterator[TextIO]:
    """Open a temporary file beside `path` for writing (UTF-8); on a clean exit it is synced
    and renamed to `path`, on an exception removed. For outputs written piece by piece.

    A full or read-only device raises OutputWriteError naming `path`; other errors of the
    body pass through unchanged."""
    with _open_atomic(path, "w", encoding="utf-8", newline=newline) as f:
        yield f


@contextlib.contextmanager
def _open_atomic(path: str | Path, mode: str, **options: Any) -> Iterator[Any]:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent
        )
    except OSError as e:
        raise output_error(e, path) from e
    try:
        # mkstemp creates the file readable by its owner only; give it the mode a plain
        # open() would (or keep the mode of the file it replaces).
        os.chmod(tmp_name, _existing_mode(path) or 0o666 & ~_umask())
        with os.fdopen(fd, mode, **options) as f:
            yield f
            _flush_to_disk(f)
    except BaseException as e:
        _discard(tmp_name)
        if isinstance(e, OSError) and e.errno in STORAGE_ERRNOS:
            raise output_error(e, path) from e
        raise
    try:
        os.replace(tmp_name, path)
    except OSError as e:
        _discard(tmp_name)
        raise output_error(e, path) from e


def _flush_to_disk(f: IO[Any]) -> None:
    f.flush()
    os.fsync(f.fileno())


def _discard(tmp_name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp_name)


def read_text(
    path: str | Path, kind: str = "text file", invalid: type[ExtractorError] = InputFileError
) -> str:
    """Read a UTF-8 text file. A file that cannot be read raises InputFileError; one that is
    not UTF-8 raises `invalid` (the caller says which exit code that deserves). Both name
    the file; `kind` says what a directory given in its place is not."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise InputFileError("no such file", path) from e
    except IsADirectoryError as e:
        raise InputFileError(f"is a directory, not a {kind}", path) from e
    except PermissionError as e:
        raise InputFileError("cannot be read: permission denied", path) from e
    except UnicodeDecodeError as e:
        raise invalid("not UTF-8 text", path) from e
    except OSError as e:
        raise InputFileError(f"cannot be read: {e.strerror or e}", path) from e


def read_json(path: str | Path, invalid: type[ExtractorError] = InputFileError) -> Any:
    """Load a JSON file. A file that cannot be read raises InputFileError; one whose content
    is not UTF-8 JSON raises `invalid` (the caller says which exit code that deserves).
    Both name the file."""
    path = Path(path)
    text = read_text(path, "JSON file", invalid)
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise invalid(f"not JSON ({e.msg} at line {e.lineno}, column {e.colno})", path) from e


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    with _open_atomic(path, "wb") as f:
        f.write(data)
    return Path(path)


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write `text` (UTF-8) to `path` through a temporary file in the same folder and a rename."""
    with open_text_atomic(path) as f:
        f.write(text)
    return Path(path)


def _existing_mode(path: Path) -> int | None:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`, `0 files`: a count and its noun for messages (nouns with a plain -s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
