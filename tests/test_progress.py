"""Progress as it is shown: pages reported by the extraction as it goes, the log lines of a
batch, and the bar on a real terminal (a pseudo-terminal), which must say that the pipeline
is loading before the first file is done and count pages within a long file."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import struct
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from extractor.batch import BatchReport, BatchSettings, ManifestEntry, run_batch
from extractor.errors import EXIT_BATCH_FAILURES, EXIT_OK, ModelNotFoundError
from extractor.extract import extract
from extractor.pdf import count_pdf_pages
from tests.batch_helpers import make_pdf, run_batch_cli
from tests.conftest import CORPUS_PDFS, require_corpus

# A long corpus report (28 pages), read in part: enough for several reports within it.
LONG_PDF = "uk-hmrc-risk-triggers-report-2015.pdf"
LONG_PAGES = 12
# Generous bound on a run under a pseudo-terminal; the test fails (not hangs) past it.
WAIT_LIMIT_SECONDS = 300.0
NOT_A_PDF = "<html>a web page saved as .pdf</html>"


def test_extraction_reports_pages_read_then_parsed(nlp: Any, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "twenty.pdf", pages=20)
    reports: list[tuple[float, int]] = []
    extract(pdf, nlp=nlp, progress=lambda done, total: reports.append((done, total)))
    # Each page read counts half, each parsed the other half; spaCy hands pages back in
    # batches, so parsing reports come in steps.
    assert reports[:20] == [(read / 2, 20) for read in range(1, 21)]
    done = [d for d, _total in reports]
    assert done == sorted(done) and done[-1] == 20
    assert len({d for d in done if 10 < d < 20}) >= 1


def test_pages_are_counted_without_reading_them(tmp_path: Path) -> None:
    require_corpus()
    assert count_pdf_pages(CORPUS_PDFS / LONG_PDF) == 28
    assert count_pdf_pages(CORPUS_PDFS / "encrypted-password-example.pdf") is None
    (tmp_path / "web.pdf").write_text(NOT_A_PDF)
    assert count_pdf_pages(tmp_path / "web.pdf") is None


def test_a_batch_log_says_the_load_and_each_failure(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    make_pdf(inputs / "a.pdf")
    (inputs / "web.pdf").write_text(NOT_A_PDF)
    out = tmp_path / "out"
    result = run_batch_cli(inputs, "-o", out, "--jobs", "1")
    assert result.exit_code == EXIT_BATCH_FAILURES, result.output
    lines = result.stderr.splitlines()
    assert re.fullmatch(r"loading the English pipeline in 1 worker: done in \d+s", lines[0])
    assert lines[1:] == [
        f"failed: {inputs / 'web.pdf'}: corrupt_pdf: not a PDF file (starts with '<html>a ')",
        f"Error: {out / 'manifest.jsonl'}: 1 file failed or timed out",
    ]


def test_the_display_is_finished_however_the_run_ends(tmp_path: Path) -> None:
    """A bar hides the cursor while it runs: a batch that stops on an error gives it back."""
    events: list[str] = []

    class Observer:
        def started(self, report: BatchReport) -> None:
            events.append("started")

        def progressed(self, report: BatchReport) -> None:
            events.append("progressed")

        def file_done(self, entry: ManifestEntry, report: BatchReport) -> None:
            events.append("file_done")

        def finished(self, report: BatchReport) -> None:
            events.append("finished")

    make_pdf(tmp_path / "a.pdf")
    settings = BatchSettings(tmp_path / "out", model="no_such_model")
    with pytest.raises(ModelNotFoundError):
        run_batch([tmp_path / "a.pdf"], settings, Observer())
    assert events == ["started", "progressed", "finished"]  # started loading, then stopped


# ---------------------------------------------------------------- on a terminal


def run_on_terminal(*args: str | Path) -> tuple[int, list[str]]:
    """Run `python -m extractor ARGS` on a pseudo-terminal 160 columns wide; return its
    exit code and each state of the screen's lines, in order, without control sequences."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its standard streams are the terminal
        os.environ["COLUMNS"] = "160"
        os.execv(sys.executable, [sys.executable, "-m", "extractor", *map(str, args)])
    import fcntl
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    output = b""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            data = os.read(fd, 1 << 16)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        output += data
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output.decode("utf-8", "replace"))
    frames = [frame.strip() for frame in re.split(r"[\r\n]", text) if frame.strip()]
    return os.waitstatus_to_exitcode(status), frames


def test_the_bar_says_loading_then_counts_pages_within_a_long_file(tmp_path: Path) -> None:
    require_corpus()
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(CORPUS_PDFS / LONG_PDF, inputs / LONG_PDF)
    (inputs / "web.pdf").write_text(NOT_A_PDF)
    out = tmp_path / "out"
    args = ["batch", inputs, "-o", out, "--jobs", "1", "--max-pages", str(LONG_PAGES)]
    code, frames = run_on_terminal(*args)
    assert code == EXIT_BATCH_FAILURES, frames
    loading = next(i for i, f in enumerate(frames) if "loading the English pipeline" in f)
    # The bar is redrawn a few times a second: it may skip a state, such as 1/2 files.
    first_done = next(i for i, f in enumerate(frames) if re.search(r" [12]/2 files", f))
    assert loading < first_done, frames
    # The failure has a line of its own, above the bar.
    problem = f"failed: {inputs / 'web.pdf'}: corrupt_pdf: not a PDF file (starts with '<html>a ')"
    assert problem in frames
    # Within the long file, the page count rises (the file whose pages cannot be counted
    # goes first and fails at once: batch.longest_first).
    last_done = next(i for i, f in enumerate(frames) if " 2/2 files" in f)
    within = frames[:last_done]
    counts = [int(m[1]) for f in within if (m := re.search(rf"(\d+)/{LONG_PAGES} pages", f))]
    rising = sorted({c for c in counts if 0 < c < LONG_PAGES})
    assert len(rising) >= 2, within
    assert counts == sorted(counts), within
    assert any(f" {LONG_PAGES}/{LONG_PAGES} pages  2/2 files" in f for f in frames), frames[-5:]


def test_extract_on_a_terminal_says_loading_then_counts_pages(tmp_path: Path) -> None:
    require_corpus()
    target = tmp_path / "out.json"
    args = ["extract", CORPUS_PDFS / LONG_PDF, "-o", target, "--max-pages", str(LONG_PAGES)]
    code, frames = run_on_terminal(*args)
    assert code == EXIT_OK, frames
    loading = next(i for i, f in enumerate(frames) if "loading the English pipeline" in f)
    counts = [int(m[1]) for f in frames if (m := re.search(rf"(\d+)/{LONG_PAGES} pages", f))]
    assert len(set(counts)) >= 2 and counts == sorted(counts), frames
    first_count = next(i for i, f in enumerate(frames) if f"/{LONG_PAGES} pages" in f)
    assert loading < first_count
    assert frames[-1].startswith(f"Wrote {target} ({LONG_PAGES} pages, ")


def test_no_bar_when_quiet(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    make_pdf(inputs / "a.pdf")
    code, frames = run_on_terminal("batch", inputs, "-o", tmp_path / "out", "--jobs", "1", "-q")
    assert code == EXIT_OK, frames
    assert not any("pipeline" in f or "/1 files" in f for f in frames), frames
