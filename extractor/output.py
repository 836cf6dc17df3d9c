"""Files in and out: JSON read with errors that name the file, and outputs written
atomically (a reader sees the old file or the new one, never half)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from extractor.errors import ExtractorError, InputFileError


@contextlib.contextmanager
def open_text_atomic(path: str | Path, newline: str = "\n") -> Iterator[TextIO]:
    """Open a temporary file beside `path` for writing (UTF-8); on a clean exit it is synced
    and renamed to `path`, on an exception removed. For outputs written piece by piece."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file readable by its owner only; give it the mode a plain
        # open() would (or keep the mode of the file it replaces).
        os.chmod(tmp_name, _existing_mode(path) or 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


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
