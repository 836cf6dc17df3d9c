"""Progress displays: a bar drawn with rich on a terminal, plain lines in a log.

`ProgressBar` and `ProgressLines` are `BatchObserver`s (extractor/batch.py). Both say
that the workers are loading the spaCy pipeline while they do (from a few seconds to half a
minute), then how many pages are done of how many, the files, the page rate and the time
left, counted in pages as the workers report them (a page counts half once read, whole
once parsed); a file that fails or times out gets a line of its own. The bar is redrawn a
few times a second, the problems printed above it; the lines (for a log file or a CI job)
come every `LINE_INTERVAL_SECONDS`, and one says how long the load took. `FileProgress`
is the bar of one `extractor extract`.
"""

from __future__ import annotations

import time
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from extractor.batch import BatchReport, ManifestEntry
from extractor.output import plural

if TYPE_CHECKING:
    from extractor.nlp.pipeline import ModelChoice

# Redraws of a bar a second (a terminal shows no more, and each costs the parent some CPU).
REFRESH_PER_SECOND = 4
# Time between two status lines when not on a terminal.
LINE_INTERVAL_SECONDS = 30.0
BAR_WIDTH = 24


def loading_text(model: ModelChoice, workers: int | None = None, on_cluster: bool = False) -> str:
    """What happens before the first page: 'loading the English pipeline in 2 workers'
    (other languages' pipelines load when a page in them first comes)."""
    english = model if isinstance(model, str) or model is None else model.get("en")
    what = "the English pipeline" if english is None else f"the spaCy pipeline {english}"
    if on_cluster:
        return f"loading {what} on the cluster's workers"
    return f"loading {what}" + ("" if workers is None else f" in {plural(workers, 'worker')}")


def status_text(report: BatchReport, loading: str) -> str:
    """Pages done of the total, files, the page rate, failures and the time left, as one
    short line; while the pipeline loads, `loading` and for how long."""
    if report.loading_since is not None and report.loaded is None:
        return f"{loading}  {format_duration(time.monotonic() - report.loading_since)}"
    parts = [pages_text(report), files_text(report), f"{report.page_rate:.1f} pages/s"]
    if report.failures:
        parts.append(f"{report.failures} failed")
    left = report.seconds_left
    if report.finished is not None:
        parts.append(f"in {format_duration(report.seconds)}")
    elif left is not None:
        parts.append(f"ETA {format_duration(left)}")
    return "  ".join(parts)


def pages_text(report: BatchReport) -> str:
    """'12/190 pages'; '12 pages (counting)' while the inputs' pages are being counted."""
    done, total = int(report.tally.done), report.tally.total
    if total is not None:
        return f"{done}/{int(total)} {'page' if int(total) == 1 else 'pages'}"
    counting = " (counting)" if report.tally.counting else ""
    return plural(done, "page") + counting


def files_text(report: BatchReport) -> str:
    """'2/5 files', or '2 files' when the inputs were not counted (read from stdin)."""
    if report.total is None:
        return plural(report.done, "file")
    return f"{report.done}/{report.total} {'file' if report.total == 1 else 'files'}"


def format_duration(seconds: float) -> str:
    """`75` -> '1m15s', `4000` -> '1h06m'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def problem_line(entry: ManifestEntry) -> str:
    """The line that reports a file that failed or timed out: its error code only where the
    message does not begin with it ("encrypted; a password is needed", not "encrypted:
    encrypted; ...")."""
    message = entry.error_message or ""
    code = entry.error_code or ""
    if code and not message.startswith(code.replace("_", " ")):
        message = f"{code}: {message}"
    return f"{entry.status}: {entry.path}: {message}"


class _StatusColumn(ProgressColumn):
    """The bar's text, read from the report at each redraw (so the clock moves too)."""

    def __init__(self, report: BatchReport, loading: str) -> None:
        super().__init__()
        self.report = report
        self.loading = loading

    def render(self, task: Task) -> Text:
        return Text(status_text(self.report, self.loading), no_wrap=True, overflow="ellipsis")


class ProgressBar:
    """A bar on a terminal: the loading line while the workers load the pipeline, then
    pages done of the total; each file that fails or times out is printed above it."""

    def __init__(self, stream: TextIO, loading: str) -> None:
        self.console = Console(file=stream, force_terminal=True, highlight=False)
        self.loading = loading
        self._progress: Progress | None = None

    def started(self, report: BatchReport) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            BarColumn(bar_width=BAR_WIDTH),
            _StatusColumn(report, self.loading),
            console=self.console,
            refresh_per_second=REFRESH_PER_SECOND,
        )
        self._task = self._progress.add_task("batch", total=None)
        self._progress.start()

    def progressed(self, report: BatchReport) -> None:
        self._update(report)

    def file_done(self, entry: ManifestEntry, report: BatchReport) -> None:
        if entry.status in ("failed", "timeout") and self._progress is not None:
            self._progress.console.print(problem_line(entry), markup=False, soft_wrap=True)
        self._update(report)

    def finished(self, report: BatchReport) -> None:
        self._update(report)
        if self._progress is not None:
            self._progress.stop()

    def _update(self, report: BatchReport) -> None:
        if self._progress is not None:
            # A total of None keeps the one there: the bar pulses until the pages are counted.
            self._progress.update(self._task, completed=report.tally.done, total=report.tally.total)


class ProgressLines:
    """Plain lines for logs: each problem, and a status line now and then (while the
    pipeline loads, that it does; then pages done/total, files, pages/s, ETA), and how long
    the load took. Nothing is said at the start, so that a pipeline that cannot load leaves
    its error alone on standard error."""

    def __init__(
        self, stream: TextIO, loading: str, interval: float = LINE_INTERVAL_SECONDS
    ) -> None:
        self.stream = stream
        self.loading = loading
        self.interval = interval
        self._last_line = time.monotonic()
        self._said_loaded = False

    def started(self, report: BatchReport) -> None:
        self._last_line = time.monotonic()

    def progressed(self, report: BatchReport) -> None:
        if report.loaded is not None and report.loading_since is not None and not self._said_loaded:
            self._said_loaded = True
            took = format_duration(report.loaded - report.loading_since)
            self._write(f"{self.loading}: done in {took}")
        self._now_and_then(report)

    def file_done(self, entry: ManifestEntry, report: BatchReport) -> None:
        if entry.status in ("failed", "timeout"):
            self._write(problem_line(entry))
        self._now_and_then(report)

    def finished(self, report: BatchReport) -> None:
        pass

    def _now_and_then(self, report: BatchReport) -> None:
        if time.monotonic() - self._last_line >= self.interval:
            self._write(status_text(report, self.loading))

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
        self._last_line = time.monotonic()


class FileProgress:
    """The bar of one extraction on a terminal: the loading line, then the file's pages.
    Called as an extractor.extract.PageProgress; gone from the screen once the work is."""

    def __init__(self, stream: TextIO, name: str, loading: str) -> None:
        self.name = name
        self.loading = loading
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=BAR_WIDTH),
            TextColumn("{task.fields[pages]}"),
            TimeElapsedColumn(),
            console=Console(file=stream, force_terminal=True, highlight=False),
            refresh_per_second=REFRESH_PER_SECOND,
            transient=True,
        )
        self._task = self._progress.add_task(name, total=None, pages="")

    def __enter__(self) -> FileProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def loading_pipeline(self) -> None:
        """Say that the pipeline is loading (until the first page is reported)."""
        self._progress.update(self._task, description=self.loading)

    def __call__(self, done: float, total: int) -> None:
        pages = f"{int(done)}/{plural(total, 'page')}"
        self._progress.update(
            self._task, description=self.name, completed=done, total=total, pages=pages
        )
