"""Faults of the machine, not of the PDF: a read-only output folder and a full disk, for
`extract` and `batch`. Each ends in one exact `Error:` line and its documented exit code
(4 when the location is checked before the work, 12 when a write fails part-way), with no
temporary file left and, for a batch, a manifest of whole lines that names every file it
started.

Where the test process may mount file systems (root with CAP_SYS_ADMIN, as in CI's
container), each fault is real: a small tmpfs mounted read-only, or one filled up but for a
page. Elsewhere the same fault is injected where extractor meets it: creating a file in the
read-only folder raises OSError(EROFS), and syncing an output raises OSError(ENOSPC). The
fixtures are parametrised over both variants; the real one skips, saying why, where it
cannot mount, so the injected one always runs.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import extractor.output
from extractor import errors
from extractor.cli import cli
from extractor.schema import MANIFEST_SCHEMA, validation_error
from extractor.workers import TEST_HOOKS_ENV
from tests.batch_helpers import make_pdf, manifest_lines, run_batch_cli, worker_processes

VARIANTS = ("tmpfs", "injected")
# Room left on the full disk: one page, enough for manifest lines but not for an output
# (the tests' outputs are larger), as on a disk that fills up during a run.
FREE_BYTES = 4096
DISK_SIZE = "1m"
CANNOT_MOUNT = "cannot mount a tmpfs here (needs root); the injected variant runs instead"


@dataclass(frozen=True)
class Fault:
    """A folder with a fault, how extractor's message words it, and a way to clear it."""

    folder: Path
    reason: str
    variant: str
    clear: Callable[[], None]


def os_error(code: int) -> OSError:
    """The OSError the kernel raises for `code`."""
    return OSError(code, os.strerror(code))


def reason(code: int) -> str:
    """How extractor words an OSError of `code`: its strerror, lower-case."""
    text = os.strerror(code)
    return text[:1].lower() + text[1:]


@pytest.fixture(params=VARIANTS)
def read_only_folder(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Fault]:
    """A folder in which no file can be created: a read-only tmpfs, or injected EROFS."""
    folder = tmp_path / "read-only"
    if request.param == "tmpfs":
        with _tmpfs(folder, "size=64k,ro"):
            yield Fault(folder, reason(errno.EROFS), "tmpfs", lambda: None)
        return
    folder.mkdir()
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        where = kwargs.get("dir")
        if where is not None and Path(where).resolve().is_relative_to(folder.resolve()):
            raise os_error(errno.EROFS)
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    yield Fault(folder, reason(errno.EROFS), "injected", monkeypatch.undo)


@pytest.fixture(params=VARIANTS)
def full_disk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Fault]:
    """A folder on a disk with FREE_BYTES left (a tmpfs filled up), or where every output
    write fails with injected ENOSPC."""
    folder = tmp_path / "full"
    if request.param == "tmpfs":
        with _tmpfs(folder, f"size={DISK_SIZE}"):
            filler = folder / "filler"
            stats = os.statvfs(folder)
            filler.write_bytes(bytes(stats.f_bavail * stats.f_frsize - FREE_BYTES))
            yield Fault(folder, reason(errno.ENOSPC), "tmpfs", filler.unlink)
        return
    folder.mkdir()

    def no_space(f: Any) -> None:
        raise os_error(errno.ENOSPC)

    monkeypatch.setattr(extractor.output, "_flush_to_disk", no_space)
    yield Fault(folder, reason(errno.ENOSPC), "injected", monkeypatch.undo)


class _tmpfs:
    """Mount a tmpfs with `options` on `folder` for the block (skip the test if we cannot)."""

    def __init__(self, folder: Path, options: str) -> None:
        self.folder = folder
        self.options = options

    def __enter__(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        command = ["mount", "-t", "tmpfs", "-o", self.options, "tmpfs", str(self.folder)]
        try:
            mounted = subprocess.run(command, capture_output=True, check=False).returncode == 0
        except FileNotFoundError:
            mounted = False
        if not mounted:
            pytest.skip(CANNOT_MOUNT)
        return self.folder

    def __exit__(self, *exc: object) -> None:
        unmount = ["umount", str(self.folder)]
        if subprocess.run(unmount, capture_output=True, check=False).returncode:
            subprocess.run(["umount", "-l", str(self.folder)], capture_output=True, check=False)


def temporaries(folder: Path) -> list[Path]:
    """Temporary files of atomic writes left in `folder` (there should be none)."""
    return sorted(folder.rglob(".*.tmp"))


# Pages of the PDFs written to the full disk: their outputs (about 9 KB) need more room than
# the FREE_BYTES left.
PAGES = 10

pytestmark = pytest.mark.usefixtures("shared_pipeline")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("the work started although its output cannot be written")


# ---------------------------------------------------------------- checked before the work


def test_extract_into_a_read_only_folder_fails_before_the_work(
    read_only_folder: Fault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = make_pdf(tmp_path / "report.pdf")
    monkeypatch.setattr("extractor.extract.extract", refuse)
    folder = read_only_folder.folder
    for target in (folder / "report.json", folder / "not-yet" / "report.json"):
        result = run("extract", pdf, "-o", target)
        assert result.exit_code == errors.EXIT_BAD_INPUT, result.output
        assert result.stderr == f"Error: {target}: cannot be written: {read_only_folder.reason}\n"
        assert result.stdout == ""
    assert list(folder.iterdir()) == []


def test_extract_to_a_directory_or_below_a_file_fails_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = make_pdf(tmp_path / "report.pdf")
    monkeypatch.setattr("extractor.extract.extract", refuse)
    result = run("extract", pdf, "-o", tmp_path)
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert result.stderr == (
        f"Error: {tmp_path}: is a directory; name a file to write the output to\n"
    )
    notes = tmp_path / "notes.txt"
    notes.write_text("a file, not a folder")
    result = run("extract", pdf, "-o", notes / "report.json")
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert result.stderr == (
        f"Error: {notes / 'report.json'}: cannot be written: {notes} is not a folder\n"
    )


def test_batch_into_a_read_only_folder_fails_before_the_work(
    read_only_folder: Fault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pdf(tmp_path / "in" / "a.pdf")
    monkeypatch.setattr("extractor.workers.WorkerProcess.start", refuse)
    out = read_only_folder.folder / "out"
    result = run_batch_cli(tmp_path / "in", "-o", out)
    assert result.exit_code == errors.EXIT_BAD_INPUT, result.output
    assert result.stderr == f"Error: {out}: cannot be written: {read_only_folder.reason}\n"
    assert result.stdout == ""
    assert not out.exists()


def test_batch_into_a_file_fails_before_the_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_pdf(tmp_path / "in" / "a.pdf")
    monkeypatch.setattr("extractor.workers.WorkerProcess.start", refuse)
    out = tmp_path / "out.txt"
    out.write_text("a file, not a folder")
    result = run_batch_cli(tmp_path / "in", "-o", out)
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert result.stderr == f"Error: {out}: is a file, not a folder\n"


# ---------------------------------------------------------------- the disk fills up


def test_extract_onto_a_full_disk_leaves_no_file(full_disk: Fault, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "report.pdf", pages=PAGES)
    target = full_disk.folder / "report.json"
    result = run("extract", pdf, "-o", target)
    assert result.exit_code == errors.EXIT_WRITE_FAILED, result.output
    assert result.stderr == f"Error: {target}: cannot be written: {full_disk.reason}\n"
    assert not target.exists()
    assert temporaries(full_disk.folder) == []


def test_batch_onto_a_full_disk_stops_with_its_manifest_whole(
    full_disk: Fault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor.batch import InputFile, output_name

    inputs = tmp_path / "in"
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        make_pdf(inputs / name, pages=PAGES)
    # a comes back first, while b is still running, and cannot be written: b is stopped
    # and c never starts.
    monkeypatch.setenv(TEST_HOOKS_ENV, json.dumps({"a.pdf": "sleep:5", "b.pdf": "hang"}))
    out = full_disk.folder / "out"
    options = ["--jobs", "2", "--no-progress", "--timeout", "120"]
    result = run_batch_cli(inputs, "-o", out, *options)

    a_output = output_name(InputFile(str(inputs / "a.pdf"), Path("a.pdf")))
    assert result.exit_code == errors.EXIT_WRITE_FAILED, result.output
    assert result.stderr == (
        f"Error: {out / a_output}: cannot be written: {full_disk.reason}; "
        "the batch stopped (run the same command again to resume)\n"
    )
    lines = manifest_lines(out)
    assert all(validation_error(line, MANIFEST_SCHEMA) is None for line in lines)
    outcomes = {
        Path(line["path"]).name: (line["status"], line["error_code"], line["error_message"])
        for line in lines
    }
    assert outcomes == {
        "a.pdf": (
            "failed",
            "write_failed",
            f"its output {a_output} cannot be written: {full_disk.reason}",
        ),
        "b.pdf": (
            "failed",
            "stopped",
            f"not finished: the batch stopped when {a_output} could not be written "
            f"({full_disk.reason})",
        ),
    }
    assert list(out.glob("*.json")) == []
    assert temporaries(out) == []
    assert worker_processes() == []

    # With room again, the same command finishes the batch.
    full_disk.clear()
    monkeypatch.delenv(TEST_HOOKS_ENV, raising=False)
    again = run_batch_cli(inputs, "-o", out, *options)
    assert again.exit_code == 0, again.output
    last = {Path(line["path"]).name: line["status"] for line in manifest_lines(out)}
    assert last == {"a.pdf": "ok", "b.pdf": "ok", "c.pdf": "ok"}
    assert len(list(out.glob("*.json"))) == 3
