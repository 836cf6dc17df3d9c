"""Progress displays for a batch run: a redrawn bar on a terminal, plain lines in a log.

Both are `BatchObserver`s (extractor/batch.py). The bar shows files and pages done, the
page rate and, when the number of files is known, an ETA; the line display writes one
line per file that failed or timed out and a status line every `LINE_INTERVAL_SECONDS`,
which is what a log file or a CI job wants.
"""

from __future__ import annotations

import time
from typing import TextIO

from extractor.batch import BatchReport, ManifestEntry
from extractor.output import plural

# Shortest time between two redraws of the bar (a terminal cannot show more anyway).
REDRAW_SECONDS = 0.1
# Time between two status lines when not on a terminal.
LINE_INTERVAL_SECONDS = 30.0
BAR_WIDTH = 24


def status_text(report: BatchReport) -> str:
    """Files and pages done, the page rate and the ETA, as one short line."""
    count = report.total if report.total is not None else report.done
    files = f"{report.done}/{report.total}" if report.total is not None else str(report.done)
    parts = [
        f"{files} {'file' if count == 1 else 'files'}",
        plural(report.pages, "page"),
        f"{report.pages_per_second:.1f} pages/s",
    ]
    if report.failures:
        parts.append(f"{report.failures} failed")
    eta = eta_seconds(report)
    if eta is not None:
        parts.append(f"ETA {format_duration(eta)}")
    return "  ".join(parts)


def eta_seconds(report: BatchReport) -> float | None:
    """Seconds left at the rate of files so far; None while it cannot be estimated."""
    if report.total is None or report.done == 0:
        return None
    remaining = max(0, report.total - report.done)
    return report.seconds / report.done * remaining


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


class ProgressBar:
    """A one-line bar redrawn in place on a terminal; problems scroll above it."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._last_draw = 0.0

    def started(self, report: BatchReport) -> None:
        self._draw(report)

    def file_done(self, entry: ManifestEntry, report: BatchReport) -> None:
        if entry.status in ("failed", "timeout"):
            self._clear()
            self.stream.write(problem_line(entry) + "\n")
            self._draw(report)
        elif time.monotonic() - self._last_draw >= REDRAW_SECONDS:
            self._draw(report)

    def finished(self, report: BatchReport) -> None:
        self._draw(report)
        self.stream.write("\n")
        self.stream.flush()

    def _clear(self) -> None:
        self.stream.write("\r\x1b[2K")

    def _draw(self, report: BatchReport) -> None:
        if report.total:
            filled = int(BAR_WIDTH * min(report.done, report.total) / report.total)
            bar = "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "] "
        else:
            bar = ""
        self._clear()
        self.stream.write(bar + status_text(report))
        self.stream.flush()
        self._last_draw = time.monotonic()


class ProgressLines:
    """Plain lines for logs: each problem, and a status line now and then."""

    def __init__(self, stream: TextIO, interval: float = LINE_INTERVAL_SECONDS) -> None:
        self.stream = stream
        self.interval = interval
        self._last_line = time.monotonic()

    def started(self, report: BatchReport) -> None:
        self._last_line = time.monotonic()

    def file_done(self, entry: ManifestEntry, report: BatchReport) -> None:
        if entry.status in ("failed", "timeout"):
            self._write(problem_line(entry))
        if time.monotonic() - self._last_line >= self.interval:
            self._write(status_text(report))

    def finished(self, report: BatchReport) -> None:
        pass

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()
        self._last_line = time.monotonic()
