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
import heapq
import json
import logging
import math
import os
import re
import sys
import threading
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
from extractor.pdf import check_input_file, count_pdf_pages, file_sha256
from extractor.schema import MANIFEST_SCHEMA, validate
from extractor.workers import (
    DaskExecutor,
    LocalExecutor,
    Outcome,
    PagesDone,
    Task,
    WorkerConfig,
)

logger = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.jsonl"
LOCK_NAME = ".extractor-batch.lock"
DEFAULT_GLOB = "*.pdf"
# Longest readable part of an output file name (file systems allow 255 bytes in all).
MAX_NAME_CHARS = 120
# Hex digits of the path digest that keeps output names apart.
NAME_DIGEST_CHARS = 10
STDIN_INPUT = "-"
# Inputs that need a worker looked at ahead of the workers, so that the longest (by pages)
# are handed out first: a long file started last keeps one worker busy while the others
# idle. Each costs the batch process a count of its page tree (about 1% of its extraction).
LOOKAHEAD_FILES = 32

Status = Literal["ok", "no_text", "failed", "skipped", "timeout"]
STATUSES: tuple[Status, ...] = ("ok", "no_text", "skipped", "failed", "timeout")
# Failures that the same bytes would meet again: a resumed run repeats their manifest line
# instead of loading a pipeline to fail once more (unless --retry-failed).
PERMANENT_ERROR_CODES = frozenset({"corrupt_pdf", "encrypted"})
# The warning of an output in which no page has a text layer.
NO_TEXT_WARNING = "no_text_layer"


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


class PageTally:
    """The pages of a run: those to extract, counted up front (`expect`) and corrected by
    what the workers find, and those done, in whole files and in files still in a worker.
    A page counts half once read and whole once parsed (extractor.extract.PageProgress).
    Files skipped or failed leave the total, but for the pages a worker did on a failed one.
    Thread-safe: the count runs in a thread of its own, displays read from another."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._expected: dict[str, int] = {}  # files not finished, by absolute path
        self._partial: dict[str, float] = {}  # of files in a worker
        self._finished: set[str] = set()
        self._finished_pages = 0.0
        # Whether the inputs' pages are being counted, and whether all were: until then
        # there is no total.
        self.counting = False
        self.counted = False

    def expect(self, path: str, pages: int) -> None:
        """The file at `path` (absolute) has `pages` pages to extract."""
        with self._lock:
            if path not in self._finished:
                self._expected[path] = pages

    def progress(self, path: str, done: float, total: int) -> None:
        """A worker is `done` pages through the `total` of the file at `path`."""
        with self._lock:
            self._expected[path] = total
            self._partial[path] = done

    def finish(self, path: str, pages: float | None) -> None:
        """The file at `path` is accounted for: `pages` extracted, or None for those a
        worker did before it failed (none, if skipped)."""
        with self._lock:
            partial = self._partial.pop(path, 0.0)
            done = partial if pages is None else pages
            self._expected.pop(path, None)
            if path not in self._finished:
                self._finished.add(path)
                self._finished_pages += done

    @property
    def done(self) -> float:
        """Pages done in this run, in finished files and in files in a worker."""
        with self._lock:
            return self._finished_pages + sum(self._partial.values())

    @property
    def total(self) -> float | None:
        """Pages this run extracts in all; None until every input has been counted."""
        with self._lock:
            if not self.counted:
                return None
            return self._finished_pages + sum(self._expected.values())


@dataclass
class BatchReport:
    """Counts outcomes as they come in and owns the exit code (as black's Report does)."""

    counts: Counter[str] = field(default_factory=Counter)
    pages: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    peak_worker_rss_kb: int = 0
    total: int | None = None
    # When workers started loading the spaCy pipeline, and when the first was ready.
    loading_since: float | None = None
    loaded: float | None = None
    tally: PageTally = field(default_factory=PageTally, compare=False, repr=False)

    def record(self, entry: ManifestEntry, outcome: Outcome | None = None) -> None:
        """Count one manifest entry (and the worker's measurements, if it ran)."""
        self.counts[entry.status] += 1
        extracted = entry.status in ("ok", "no_text")
        if extracted and entry.pages:
            self.pages += entry.pages
        if outcome is not None and outcome.peak_rss_kb:
            self.peak_worker_rss_kb = max(self.peak_worker_rss_kb, outcome.peak_rss_kb)
        if outcome is not None and self.loaded is None:
            self.loaded = time.monotonic()  # on a cluster, the first outcome says so
        if extracted:
            done: float | None = entry.pages or 0
        else:
            done = 0 if entry.status == "skipped" else None
        self.tally.finish(os.path.abspath(entry.path), done)

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
    def page_rate(self) -> float:
        """Pages done (in part too) per second since the pipeline was loaded: the rate the
        rest of the run may expect, which the load, paid once, would understate."""
        since = self.loaded if self.loaded is not None else self.started
        seconds = (self.finished or time.monotonic()) - since
        return self.tally.done / seconds if seconds > 0 else 0.0

    @property
    def seconds_left(self) -> float | None:
        """The pages left at `page_rate`; None until the pages are counted and some done."""
        total, rate = self.tally.total, self.page_rate
        if total is None or rate <= 0:
            return None
        return max(0.0, total - self.tally.done) / rate

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

    def progressed(self, report: BatchReport) -> None:
        """Workers started loading the pipeline, or loaded it, or did some pages."""

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


def written_status(warning_codes: Iterable[str]) -> Status:
    """The status of an output written whole: `no_text` where no page has a text layer (a
    scan: there is nothing to read, OCR first), else `ok`."""
    return "no_text" if NO_TEXT_WARNING in warning_codes else "ok"


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
    # Pages it will have extracted, from its page tree (None: could not be counted).
    pages: int | None = None


def longest_first(
    jobs: Iterable[tuple[_Job, Task]], lookahead: int = LOOKAHEAD_FILES
) -> Iterator[tuple[_Job, Task]]:
    """The jobs, each taken as the one of most pages among the next `lookahead` (in their
    order where equal): the end of a run is its shortest files, which keeps every worker
    busy to the end. Files whose pages could not be counted go first (they fail quickly,
    or are long)."""
    window: list[tuple[float, int, tuple[_Job, Task]]] = []
    for order, item in enumerate(jobs):
        pages = item[0].pages
        heapq.heappush(window, (-(pages if pages is not None else math.inf), order, item))
        if len(window) >= lookahead:
            yield heapq.heappop(window)[2]
    while window:
        yield heapq.heappop(window)[2]


def run_batch(
    inputs: Iterable[str | Path],
    settings: BatchSettings,
    observer: BatchObserver | None = None,
    total: int | None = None,
    stdin: IO[str] | None = None,
    count_pages: bool = False,
) -> BatchReport:
    """Process every input into `settings.output_dir`; return the report of the run.

    With `count_pages`, the pages of the inputs (if named, not on stdin) are counted in a
    thread while the work goes on, for the report's page total and time left.

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
    stop_counting = threading.Event()
    if count_pages and isinstance(inputs, (list, tuple)) and STDIN_INPUT not in map(str, inputs):
        report.tally.counting = True
        counter = threading.Thread(
            target=_count_pages,
            args=(list(inputs), settings, report.tally, stop_counting),
            name="extractor-page-count",
            daemon=True,
        )
        counter.start()
    if observer is not None:
        observer.started(report)
    try:
        _run(inputs, settings, report, observer, stdin)
    except OutputWriteError as e:
        raise OutputWriteError(
            f"{e.reason}; the batch stopped (run the same command again to resume)", e.path
        ) from e
    finally:
        # However the run ends (Ctrl-C, no pipeline too): a bar gives the terminal back.
        stop_counting.set()
        report.finished = time.monotonic()
        if observer is not None:
            observer.finished(report)
    if report.done == 0:
        given = ", ".join(str(i) for i in inputs) if isinstance(inputs, (list, tuple)) else None
        raise InputFileError(
            f"no input files found (looking for {settings.glob!r} in folders)", given
        )
    return report


def _count_pages(
    inputs: list[str | Path], settings: BatchSettings, tally: PageTally, stop: threading.Event
) -> None:
    """Count the pages each input will have extracted (the page tree only: about 1% of the
    time extraction takes); a file that cannot be counted adds none until a worker opens
    it."""
    for item in iter_inputs(inputs, settings.glob):
        if stop.is_set():
            return
        pages = count_pdf_pages(item.path)
        if pages is not None:
            tally.expect(item.absolute, min(pages, settings.max_pages or pages))
    tally.counted = True


def _run(
    inputs: Iterable[str | Path],
    settings: BatchSettings,
    report: BatchReport,
    observer: BatchObserver | None,
    stdin: IO[str] | None,
) -> None:
    out = settings.output_dir
    config = WorkerConfig(settings.model, settings.timeout, settings.max_memory_mb)
    executor = (
        DaskExecutor(settings.dask_scheduler, config)
        if settings.dask_scheduler
        else LocalExecutor(settings.jobs, config)
    )
    with _exclusive(out), Manifest(out / MANIFEST_NAME) as manifest:
        _remove_stale_temporaries(out)
        run = _BatchRun(settings, report, observer, manifest)
        stopped: tuple[_Job, OutputWriteError] | None = None
        with contextlib.closing(executor.map_unordered(run.jobs(inputs, stdin), run)) as results:
            for job, outcome in results:
                stopped = run.take(job, outcome)
                if stopped is not None:
                    break
        # Leaving the loop stopped the workers (closing the executor's generator).
        if stopped is not None:
            run.stop_in_flight(*stopped)
            raise stopped[1]


class _BatchRun:
    """One run's bookkeeping: the inputs that need a worker, and a manifest line (and the
    report's count) for each input as its fate is known. Hears the workers' events too."""

    def __init__(
        self,
        settings: BatchSettings,
        report: BatchReport,
        observer: BatchObserver | None,
        manifest: Manifest,
    ) -> None:
        self.settings = settings
        self.report = report
        self.observer = observer
        self.manifest = manifest
        self.run_id = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
        out = settings.output_dir
        self.failed_before = (
            permanent_failures(out / MANIFEST_NAME)
            if settings.resume and not settings.retry_failed
            else {}
        )
        # Jobs handed to a worker and not yet back: if the run must stop, each gets a line.
        self.in_flight: dict[str, _Job] = {}

    # ------------------------------------------------ what the workers say (WorkerEvents)

    def starting(self) -> None:
        self.report.loading_since = time.monotonic()
        self._progressed()

    def ready(self) -> None:
        if self.report.loaded is None:
            self.report.loaded = time.monotonic()
            self._progressed()

    def pages_done(self, job: _Job, pages: PagesDone) -> None:
        self.report.tally.progress(job.item.absolute, pages.done, pages.total)
        self._progressed()

    def _progressed(self) -> None:
        if self.observer is not None:
            self.observer.progressed(self.report)

    # ------------------------------------------------ the inputs and their outcomes

    def jobs(
        self, inputs: Iterable[str | Path], stdin: IO[str] | None
    ) -> Iterator[tuple[_Job, Task]]:
        """The inputs that need a worker, longest first within LOOKAHEAD_FILES of those
        named (see `longest_first`). Runs inside the executor's loop, in this thread: the
        inputs that need none (up to date, unreadable) are recorded as they are met."""
        # Paths on standard input may come slowly (a watcher's): each is handed out at once.
        named = isinstance(inputs, (list, tuple)) and STDIN_INPUT not in map(str, inputs)
        lookahead = LOOKAHEAD_FILES if named else 1
        for job, task in longest_first(self._jobs_in_order(inputs, stdin), lookahead):
            self.in_flight[job.item.absolute] = job
            yield job, task

    def _jobs_in_order(
        self, inputs: Iterable[str | Path], stdin: IO[str] | None
    ) -> Iterator[tuple[_Job, Task]]:
        seen: set[str] = set()
        for item in iter_inputs(inputs, self.settings.glob, stdin):
            if item.absolute in seen:
                continue
            seen.add(item.absolute)
            job = self._job(item)
            if job is not None:
                yield job, Task(item.absolute, self.settings.max_pages)

    def _job(self, item: InputFile) -> _Job | None:
        """The job of an input, or None when it needs no worker (its line is written)."""
        name = output_name(item)
        try:
            sha256 = _sha256(item.path)
        except InputFileError as e:
            self.record(
                self.entry(
                    item, None, status="failed", error_code="bad_input", error_message=e.problem
                )
            )
            return None
        before = self.failed_before.get(sha256)
        if before is not None:
            self.record(
                self.entry(
                    item,
                    sha256,
                    status="failed",
                    error_code=before.error_code,
                    error_message=before.error_message,
                )
            )
            return None
        if self.settings.resume:
            out = self.settings.output_dir
            pages = up_to_date_pages(out / name, sha256, self.settings.max_pages)
            if pages is not None:
                self.record(self.entry(item, sha256, status="skipped", output=name, pages=pages))
                return None
        pages = count_pdf_pages(item.path)
        if pages is not None and self.settings.max_pages is not None:
            pages = min(pages, self.settings.max_pages)
        return _Job(item, name, sha256, pages)

    def take(self, job: _Job, outcome: Outcome) -> tuple[_Job, OutputWriteError] | None:
        """Write a job's output and record its line; return the job and the error if its
        output could not be written (the run must stop)."""
        del self.in_flight[job.item.absolute]
        if outcome.traceback:
            logger.debug("%s:\n%s", job.item.path, outcome.traceback)
        stopped: tuple[_Job, OutputWriteError] | None = None
        status: Status = outcome.status
        error_code, error_message = outcome.error_code, outcome.error_message
        if status == "ok":
            assert outcome.json_text is not None
            try:
                write_text_atomic(self.settings.output_dir / job.output, outcome.json_text)
            except OutputWriteError as e:
                stopped = job, e
                status, error_code = "failed", "write_failed"
                error_message = f"its output {job.output} {e.problem}"
        if status == "ok":
            status = written_status(outcome.warnings)
        written = status in ("ok", "no_text")
        self.record(
            self.entry(
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
        return stopped

    def stop_in_flight(self, failed: _Job, error: OutputWriteError) -> None:
        """Record the jobs still in a worker as failed: the run stops, as `failed`'s output
        could not be written."""
        for job in self.in_flight.values():
            self.record(
                self.entry(
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

    def record(self, entry: ManifestEntry, outcome: Outcome | None = None) -> None:
        """Append the entry to the manifest, count it, and tell the observer."""
        self.manifest.append(entry)
        self.report.record(entry, outcome)
        if self.observer is not None:
            self.observer.file_done(entry, self.report)

    def entry(self, item: InputFile, sha256: str | None, **fields: Any) -> ManifestEntry:
        """The manifest entry of `item` in this run; fields not given are empty."""
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
            run=self.run_id,
            **values,
        )


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
    "PageTally",
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
    "written_status",
]
