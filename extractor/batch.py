"""Many files in, one JSON per PDF out: input discovery, output names, resume, the manifest.

`run_batch` walks the inputs lazily, skips files whose output is already up to date,
hands the rest to an executor (local worker processes or a Dask cluster, see
extractor/workers.py), and writes each output and its manifest line as results come
back. Only this process writes to the output folder, so a batch killed at any moment
leaves whole outputs (atomic writes) and a manifest whose lines are whole but for,
perhaps, a torn last one, which the next run repairs.

The manifest (`manifest.jsonl`, schema `schemas/manifest.schema.json`) is a journal: each
run appends one line per input it considered. The last line for a path says where that
file stands.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any, Literal, Protocol

from extractor._version import __version__
from extractor.errors import (
    EXIT_BATCH_FAILURES,
    EXIT_OK,
    BatchBusyError,
    InputFileError,
    OutputWriteError,
)
from extractor.output import check_output_dir, output_error, plural, write_text_atomic
from extractor.pdf import check_input_file, file_sha256
from extractor.schema import MANIFEST_SCHEMA, validate
from extractor.workers import DaskExecutor, LocalExecutor, Outcome, Task, WorkerConfig

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.jsonl"
LOCK_NAME = ".extractor-batch.lock"
DEFAULT_GLOB = "*.pdf"
# Longest readable part of an output file name (file systems allow 255 bytes in all).
MAX_NAME_CHARS = 120
# Hex digits of the path digest that keeps output names apart.
NAME_DIGEST_CHARS = 10
STDIN_INPUT = "-"

Status = Literal["ok", "no_text", "failed", "skipped", "timeout"]
STATUSES: tuple[Status, ...] = ("ok", "no_text", "skipped", "failed", "timeout")
# Failures that the same bytes would meet again: a resumed run repeats their manifest line
# instead of loading a pipeline to fail once more (unless --retry-failed).
PERMANENT_ERROR_CODES = frozenset({"corrupt_pdf", "encrypted"})


@dataclass(frozen=True)
class InputFile:
    """One file to process: the path as the user named it, and the relative path its
    output is named after (relative to the folder given as input, or the bare file name)."""

    path: str
    relative: PurePath

    @property
    def absolute(self) -> str:
        """The absolute path workers open (they may run elsewhere, with another cwd)."""
        return os.path.abspath(self.path)


@dataclass(frozen=True)
class ManifestEntry:
    """One line of manifest.jsonl: what happened to one input in one run."""

    path: str
    sha256: str | None
    status: Status
    error_code: str | None
    error_message: str | None
    output: str | None
    pages: int | None
    seconds: float
    warnings: tuple[str, ...]
    extractor_version: str
    run: str

    def to_json(self) -> str:
        """The entry as one line of compact JSON (no newline)."""
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class BatchSettings:
    """Everything about a batch run except its inputs."""

    output_dir: Path
    jobs: int = 1
    resume: bool = True
    timeout: float | None = None
    max_pages: int | None = None
    glob: str = DEFAULT_GLOB
    model: str | dict[str, str] | None = None  # English pipeline, or language -> pipeline
    max_memory_mb: int | None = None
    dask_scheduler: str | None = None
    retry_failed: bool = False


@dataclass
class BatchReport:
    """Counts outcomes as they come in and owns the exit code (as black's Report does)."""

    counts: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    peak_worker_rss_kb: int = 0
    total: int | None = None

    def record(self, entry: ManifestEntry, outcome: Outcome | None = None) -> None:
        """Count one manifest entry (and the worker's measurements, if it ran)."""
        self.counts[entry.status] += 1
        if entry.status in ("ok", "no_text") and entry.pages:
            self.pages += entry.pages
        if outcome is not None and outcome.peak_rss_kb:
            self.peak_worker_rss_kb = max(self.peak_worker_rss_kb, outcome.peak_rss_kb)

    @property
    def done(self) -> int:
        """Inputs accounted for so far."""
        return sum(self.counts.values())

    @property
    def seconds(self) -> float:
        """Wall time of the run so far (or in all, once finished)."""
        return (self.finished or time.monotonic()) - self.started

    @property
    def pages_per_second(self) -> float:
        """Pages extracted in this run per second of wall time."""
        return self.pages / self.seconds if self.seconds > 0 else 0.0

    @property
    def failures(self) -> int:
        """Inputs that failed or timed out."""
        return self.counts["failed"] + self.counts["timeout"]

    @property
    def exit_code(self) -> int:
        """0 when every input is ok or skipped, EXIT_BATCH_FAILURES when any is not."""
        return EXIT_BATCH_FAILURES if self.failures else EXIT_OK

    def summary(self) -> str:
        """One line: counts by status, pages and rates."""
        counts = ", ".join(
            f"{self.counts[s]} {s}" for s in STATUSES if s != "no_text" or self.counts[s]
        )
        files = self.done - self.counts["skipped"]
        rate = files / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{plural(self.done, 'file')}: {counts}; {plural(self.pages, 'page')} in "
            f"{self.seconds:.1f} s "
            f"({self.pages_per_second:.1f} pages/s, {rate:.2f} files/s)"
        )


class BatchObserver(Protocol):
    """Told about the run as it goes (a progress display, say)."""

    def started(self, report: BatchReport) -> None: ...

    def file_done(self, entry: ManifestEntry, report: BatchReport) -> None: ...

    def finished(self, report: BatchReport) -> None: ...


# ---------------------------------------------------------------- inputs


def iter_inputs(
    inputs: Iterable[str | Path], glob: str = DEFAULT_GLOB, stdin: IO[str] | None = None
) -> Iterator[InputFile]:
    """Yield the files named by `inputs`, lazily: files as they are, folders walked
    recursively (sorted, keeping files that match `glob`, case-insensitively), and `-` for
    one path per line of `stdin`. A missing input is yielded too, and fails later."""
    for given in inputs:
        text = str(given)
        if text == STDIN_INPUT:
            for line in stdin if stdin is not None else sys.stdin:
                path = line.rstrip("\r\n")
                if path.strip():
                    yield InputFile(path, PurePath(os.path.basename(path)))
        elif os.path.isdir(text):
            yield from _walk(text, glob)
        else:
            yield InputFile(text, PurePath(os.path.basename(text)))


def _walk(folder: str, glob: str) -> Iterator[InputFile]:
    pattern = glob.lower()
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            relative = PurePath(os.path.relpath(path, folder))
            if PurePath(relative.as_posix().lower()).match(pattern):
                yield InputFile(path, relative)


def check_inputs(inputs: Iterable[str | Path], glob: str = DEFAULT_GLOB) -> None:
    """Raise InputFileError if an input named (not read from stdin) does not exist, or if
    the inputs name no file at all: a mistyped folder is the user's slip, not a failed file,
    and is found before anything is written."""
    given = [str(i) for i in inputs]
    for text in given:
        if text != STDIN_INPUT and not os.path.lexists(text):
            raise InputFileError("no such file or folder", text)
    if STDIN_INPUT not in given and next(iter_inputs(given, glob), None) is None:
        raise InputFileError(
            f"no input files found (looking for {glob!r} in folders)", ", ".join(given)
        )


def count_inputs(inputs: Iterable[str | Path], glob: str = DEFAULT_GLOB) -> int | None:
    """Count the files `inputs` name (for a progress bar's total); None if stdin is one."""
    if any(str(given) == STDIN_INPUT for given in inputs):
        return None
    return sum(1 for _ in iter_inputs(inputs, glob))


def output_name(item: InputFile) -> str:
    """The output file name: the relative path made safe, and a digest of the absolute
    path, so that inputs with the same name in different folders (or differing only in
    case, on a case-insensitive disk) never share an output."""
    stem = "__".join((*item.relative.parent.parts, item.relative.stem))
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._") or "file"
    digest = hashlib.sha256(item.absolute.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{stem[:MAX_NAME_CHARS]}.{digest[:NAME_DIGEST_CHARS]}.json"


# ---------------------------------------------------------------- the manifest


def repair_manifest(path: Path) -> int:
    """Drop the lines of a manifest that are not whole JSON objects (a line torn by a kill,
    say); return how many were dropped. The file is rewritten atomically, only if needed."""
    if not path.exists():
        return 0
    bad = 0
    with path.open("rb") as f:
        for raw in f:
            if not _whole_line(raw):
                bad += 1
    if bad:
        tmp = path.with_name(f".{path.name}.repair.tmp")
        try:
            with path.open("rb") as src, tmp.open("wb") as dst:
                for raw in src:
                    if _whole_line(raw):
                        dst.write(raw)
                dst.flush()
                os.fsync(dst.fileno())
            os.replace(tmp, path)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise output_error(e, path) from e
        logger.warning("%s: dropped %d torn line(s)", path, bad)
    return bad


def _whole_line(raw: bytes) -> bool:
    if not raw.endswith(b"\n"):
        return False
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


class Manifest:
    """The manifest of an output folder, open for appending one validated line at a time.

    Lines go straight to the file (no buffer), so that a line the device has no room for
    can be cut off again: the manifest stays a file of whole lines, and the error names it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> Manifest:
        repair_manifest(self.path)
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        except OSError as e:
            raise output_error(e, self.path) from e
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def append(self, entry: ManifestEntry) -> None:
        """Validate the entry and append it durably (synced); on a full or read-only device
        the part written is cut off again and OutputWriteError raised."""
        assert self._fd is not None, "use Manifest as a context manager"
        text = entry.to_json()
        validate(json.loads(text), MANIFEST_SCHEMA, str(self.path))
        remaining = memoryview((text + "\n").encode("utf-8"))
        start = os.fstat(self._fd).st_size
        try:
            while remaining:
                remaining = remaining[os.write(self._fd, remaining) :]
            os.fsync(self._fd)
        except OSError as e:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
            raise output_error(e, self.path) from e


def read_manifest(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the entries of a manifest, skipping torn lines."""
    with path.open("rb") as f:
        for raw in f:
            if _whole_line(raw):
                yield json.loads(raw)


# ---------------------------------------------------------------- resume


def permanent_failures(path: Path) -> dict[str, ManifestEntry]:
    """The files whose last line in the manifest at `path` is a failure that the same bytes
    would meet again (PERMANENT_ERROR_CODES) by this extractor version, by sha256."""
    last: dict[str, dict[str, Any]] = {}
    if path.exists():
        for line in read_manifest(path):
            if line.get("sha256"):
                last[line["sha256"]] = line
    fields = {f.name for f in dataclasses.fields(ManifestEntry)}
    return {
        sha256: ManifestEntry(**{k: v for k, v in line.items() if k in fields})
        for sha256, line in last.items()
        if line.get("status") == "failed"
        and line.get("error_code") in PERMANENT_ERROR_CODES
        and line.get("extractor_version") == __version__
    }


def up_to_date_pages(output: Path, sha256: str, max_pages: int | None) -> int | None:
    """If `output` is an extraction of the file with this sha256, by this extractor
    version, with the same page limit, return its page count; else None."""
    try:
        data = json.loads(output.read_text(encoding="utf-8"))
        source, extractor = data["source"], data["extractor"]
        same = (
            source["sha256"] == sha256
            and extractor["version"] == __version__
            and extractor["options"]["max_pages"] == max_pages
        )
        return len(data["pages"]) if same else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


# ---------------------------------------------------------------- the run


@dataclass(frozen=True)
class _Job:
    item: InputFile
    output: str
    sha256: str


def run_batch(
    inputs: Iterable[str | Path],
    settings: BatchSettings,
    observer: BatchObserver | None = None,
    total: int | None = None,
    stdin: IO[str] | None = None,
) -> BatchReport:
    """Process every input into `settings.output_dir`; return the report of the run.

    Raises OutputLocationError before any work when the output folder cannot be made or
    written to; InputFileError when the inputs name no file at all; the executor's errors
    (no spaCy pipeline, Dask scheduler unreachable) when no file could be processed; and
    OutputWriteError when the device fills up or turns read-only during the run: the file
    whose output could not be written, and those still in progress, are recorded as failed
    and the batch stops with its manifest whole.
    """
    out = settings.output_dir
    if isinstance(inputs, (list, tuple)):
        check_inputs(inputs, settings.glob)
    check_output_dir(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise output_error(e, out) from e
    report = BatchReport(total=total)
    if observer is not None:
        observer.started(report)
    try:
        _run(inputs, settings, report, observer, stdin)
    except OutputWriteError as e:
        report.finished = time.monotonic()
        if observer is not None:
            observer.finished(report)
        raise OutputWriteError(
            f"{e.reason}; the batch stopped (run the same command again to resume)", e.path
        ) from e
    report.finished = time.monotonic()
    if report.done == 0:
        given = ", ".join(str(i) for i in inputs) if isinstance(inputs, (list, tuple)) else None
        raise InputFileError(
            f"no input files found (looking for {settings.glob!r} in folders)", given
        )
    if observer is not None:
        observer.finished(report)
    return report


def _run(
    inputs: Iterable[str | Path],
    settings: BatchSettings,
    report: BatchReport,
    observer: BatchObserver | None,
    stdin: IO[str] | None,
) -> None:
    out = settings.output_dir
    run_id = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    config = WorkerConfig(settings.model, settings.timeout, settings.max_memory_mb)
    executor = (
        DaskExecutor(settings.dask_scheduler, config)
        if settings.dask_scheduler
        else LocalExecutor(settings.jobs, config)
    )
    with _exclusive(out), Manifest(out / MANIFEST_NAME) as manifest:
        _remove_stale_temporaries(out)
        failed_before = (
            permanent_failures(out / MANIFEST_NAME)
            if settings.resume and not settings.retry_failed
            else {}
        )

        def done(entry: ManifestEntry, outcome: Outcome | None = None) -> None:
            manifest.append(entry)
            report.record(entry, outcome)
            if observer is not None:
                observer.file_done(entry, report)

        def entry(item: InputFile, sha256: str | None, **fields: Any) -> ManifestEntry:
            values: dict[str, Any] = {
                "error_code": None,
                "error_message": None,
                "output": None,
                "pages": None,
                "seconds": 0.0,
                "warnings": (),
            }
            values.update(fields)
            return ManifestEntry(
                path=item.path,
                sha256=sha256,
                extractor_version=__version__,
                run=run_id,
                **values,
            )

        # Jobs handed to a worker and not yet back: if the run must stop, each gets a line.
        in_flight: dict[str, _Job] = {}

        def jobs() -> Iterator[tuple[_Job, Task]]:
            # Runs inside the executor's loop, in this thread: the inputs that need no
            # worker (up to date, unreadable) are recorded here as they are met.
            seen: set[str] = set()
            for item in iter_inputs(inputs, settings.glob, stdin):
                if item.absolute in seen:
                    continue
                seen.add(item.absolute)
                name = output_name(item)
                try:
                    sha256 = _sha256(item.path)
                except InputFileError as e:
                    done(
                        entry(
                            item,
                            None,
                            status="failed",
                            error_code="bad_input",
                            error_message=e.problem,
                        )
                    )
                    continue
                if sha256 in failed_before:
                    before = failed_before[sha256]
                    done(
                        entry(
                            item,
                            sha256,
                            status="failed",
                            error_code=before.error_code,
                            error_message=before.error_message,
                        )
                    )
                    continue
                if settings.resume:
                    pages = up_to_date_pages(out / name, sha256, settings.max_pages)
                    if pages is not None:
                        done(entry(item, sha256, status="skipped", output=name, pages=pages))
                        continue
                job = _Job(item, name, sha256)
                in_flight[item.absolute] = job
                yield job, Task(item.absolute, settings.max_pages)

        stopped: tuple[_Job, OutputWriteError] | None = None
        with contextlib.closing(executor.map_unordered(jobs())) as results:
            for job, outcome in results:
                del in_flight[job.item.absolute]
                if outcome.traceback:
                    logger.debug("%s:\n%s", job.item.path, outcome.traceback)
                status: Status = outcome.status
                error_code, error_message = outcome.error_code, outcome.error_message
                if status == "ok":
                    assert outcome.json_text is not None
                    try:
                        write_text_atomic(out / job.output, outcome.json_text)
                    except OutputWriteError as e:
                        stopped = job, e
                        status, error_code = "failed", "write_failed"
                        error_message = f"its output {job.output} {e.problem}"
                if status == "ok" and "no_text_layer" in outcome.warnings:
                    status = "no_text"  # written, but there is nothing to read: OCR first
                written = status in ("ok", "no_text")
                done(
                    entry(
                        job.item,
                        job.sha256,
                        status=status,
                        error_code=error_code,
                        error_message=error_message,
                        output=job.output if written else None,
                        pages=outcome.pages if written else None,
                        seconds=outcome.seconds,
                        warnings=outcome.warnings if written else (),
                    ),
                    outcome,
                )
                if stopped is not None:
                    break
        # Leaving the loop stopped the workers (closing the executor's generator).
        if stopped is not None:
            failed, error = stopped
            for job in in_flight.values():
                done(
                    entry(
                        job.item,
                        job.sha256,
                        status="failed",
                        error_code="stopped",
                        error_message=(
                            f"not finished: the batch stopped when {failed.output} "
                            f"could not be written ({error.reason})"
                        ),
                    )
                )
            raise error


@contextlib.contextmanager
def _exclusive(out: Path) -> Iterator[None]:
    """Hold the output folder's lock: two runs writing one manifest would garble it. The
    kernel drops the lock when the process dies, however it dies."""
    try:
        lock = (out / LOCK_NAME).open("a")
    except OSError as e:
        raise output_error(e, out / LOCK_NAME) from e
    with lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchBusyError("another batch is writing to this folder", out) from None
        yield


def _remove_stale_temporaries(out: Path) -> None:
    """Delete the temporary files of atomic writes that a killed run left behind."""
    for tmp in out.glob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def usable_cpus() -> int:
    """CPUs this process may run on (fewer than the machine has, in a container say)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _sha256(path: str) -> str:
    file = Path(path)
    check_input_file(file)  # InputFileError if missing, a folder, unreadable or empty
    try:
        return file_sha256(file)
    except OSError as e:
        raise InputFileError(f"cannot be read: {e.strerror or e}", path) from e


__all__ = [
    "MANIFEST_NAME",
    "BatchObserver",
    "BatchReport",
    "BatchSettings",
    "InputFile",
    "Manifest",
    "ManifestEntry",
    "check_inputs",
    "count_inputs",
    "iter_inputs",
    "output_name",
    "permanent_failures",
    "read_manifest",
    "repair_manifest",
    "run_batch",
    "up_to_date_pages",
    "usable_cpus",
]
