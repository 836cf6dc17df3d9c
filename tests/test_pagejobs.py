"""`extract --jobs N`: one document's pages read and parsed in N worker processes give the
same output, byte for byte, as one process; errors are the same, and a dead worker is one
line and exit code 13.

The workers are forked from the test process (the `forked` fixture makes sure of it), so what
a test patches in a module before the extraction is patched in them too.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import extractor.extract
import extractor.pagejobs
from extractor.cli import cli
from extractor.errors import EXIT_WORKER_DIED, WorkerDiedError
from extractor.extract import extract
from extractor.pagejobs import PageWorkers
from extractor.pdf import read_page_range, read_pdf
from tests.bilingual import build_bilingual_pdf
from tests.conftest import CORPUS_PDFS, require_corpus
from tests.pdfbuild import Document, Heading, Page, Paragraph, build_pdf


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers forked from the test process even if an earlier test left a thread running
    (which would send them to a fork server, whose fresh imports know nothing of what this
    test patched)."""
    monkeypatch.setattr(extractor.pagejobs, "_start_method", lambda: "fork")


def _with_workers(path: Path, jobs: int) -> str:
    with PageWorkers(jobs) as workers:
        return extract(path, nlp=workers).to_json()


# A corpus report with footnotes, money and examples, short enough to extract twice.
CORPUS_REPORT = "us-copyright-office-dmca-summary-1998.pdf"


def test_two_jobs_give_the_same_json_on_a_corpus_report(pipelines: Any) -> None:
    require_corpus()
    path = CORPUS_PDFS / CORPUS_REPORT
    expected = extract(path, nlp=pipelines).to_json()
    assert _with_workers(path, 2) == expected


def test_two_jobs_give_the_same_json_on_a_bilingual_pdf(tmp_path: Path, pipelines: Any) -> None:
    # Welsh pages go through a light pipeline, English ones through the trained one: the
    # workers build both, and the document-wide choices (languages, the model named) hold.
    path = build_bilingual_pdf(tmp_path)
    expected = extract(path, nlp=pipelines).to_json()
    assert _with_workers(path, 2) == expected
    assert _with_workers(path, 3) == expected


COUNCILS = ("Kent County Council", "Devon County Council", "Leeds City Council", "Fife Council")


def _short_report(folder: Path) -> Path:
    """Five pages of different text (the same text on every page would be taken for a
    running header) and an empty one, with printed page numbers."""
    pages = [
        Page(
            [
                Heading(f"Part {n}: {council}"),
                Paragraph(
                    f"{council} spent £{n}.{n}m on the new service in 200{n}. The scheme "
                    f"should be extended to every district, as it cut waiting times by {n}0 "
                    "per cent. For example, the service in the north answered calls within "
                    f"{n + 2} days, which residents said was quicker than before."
                ),
            ],
            number=str(n),
        )
        for n, council in enumerate(COUNCILS, 1)
    ]
    pages.insert(2, Page([]))  # a page with no text, which is not parsed
    return build_pdf(Document(pages), folder / "short.pdf")


def test_the_command_writes_the_same_file_with_jobs(tmp_path: Path, shared_pipeline: None) -> None:
    pdf = _short_report(tmp_path)
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", str(pdf), "-o", str(one)]).exit_code == 0
    result = runner.invoke(cli, ["extract", str(pdf), "-o", str(two), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert two.read_bytes() == one.read_bytes()
    pages = json.loads(two.read_text())["pages"]
    assert [page["word_count"] > 0 for page in pages] == [True, True, False, True, True]


def test_workers_can_be_kept_across_files(tmp_path: Path, pipelines: Any) -> None:
    first, second = _short_report(tmp_path), build_bilingual_pdf(tmp_path)
    with PageWorkers(2) as workers:
        results = [extract(path, nlp=workers).to_json() for path in (first, second)]
    assert results == [extract(path, nlp=pipelines).to_json() for path in (first, second)]


def test_a_bad_file_fails_as_with_one_job(tmp_path: Path) -> None:
    bad = tmp_path / "web.pdf"
    bad.write_text("<html>not a pdf</html>")
    result = CliRunner().invoke(cli, ["extract", str(bad), "--jobs", "2"])
    assert result.exit_code == 5
    assert result.stderr == f"Error: {bad}: not a PDF file (starts with '<html>no')\n"


def test_an_error_on_a_page_is_the_one_raised_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_pipeline: None, forked: None
) -> None:
    def broken(doc: Any, layout: Any) -> None:
        raise ValueError(f"cannot lay out {len(doc)} tokens")

    monkeypatch.setattr(extractor.extract, "set_layout", broken)
    monkeypatch.setattr(extractor.pagejobs, "set_layout", broken)
    pdf = _short_report(tmp_path)
    runner = CliRunner()
    one = runner.invoke(cli, ["extract", str(pdf), "-o", str(tmp_path / "one.json")])
    two = runner.invoke(cli, ["extract", str(pdf), "-o", str(tmp_path / "two.json"), "-j", "2"])
    assert one.exit_code == two.exit_code == 1
    assert two.stderr == one.stderr
    assert two.stderr.startswith(f"Error: {pdf}: internal error: ValueError: cannot lay out ")
    assert not (tmp_path / "two.json").exists()


def _die(*args: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_that_dies_is_one_line_and_exit_13(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: None
) -> None:
    monkeypatch.setattr(extractor.pagejobs, "read_page_range", _die)
    pdf = _short_report(tmp_path)
    with pytest.raises(WorkerDiedError, match=r"a worker process died \(killed by SIGKILL\)"):
        _with_workers(pdf, 2)
    result = CliRunner().invoke(
        cli, ["extract", str(pdf), "-o", str(tmp_path / "out.json"), "-j", "2"]
    )
    assert result.exit_code == EXIT_WORKER_DIED == 13
    assert result.stderr == (
        f"Error: {pdf}: a worker process died (killed by SIGKILL); out of memory, or a crash: "
        "try fewer jobs\n"
    )
    assert not (tmp_path / "out.json").exists()


def test_workers_come_from_a_fork_server_while_threads_run(tmp_path: Path, pipelines: Any) -> None:
    # A fork would copy the other thread half-way (holding a lock, say): the workers are
    # started from a fresh fork server instead, and give the same output.
    pdf = _short_report(tmp_path)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert extractor.pagejobs._start_method() == "forkserver"
        assert _with_workers(pdf, 2) == extract(pdf, nlp=pipelines).to_json()
    finally:
        stop.set()
        thread.join()


def test_workers_go_on_to_the_next_file_after_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pipelines: Any, forked: None
) -> None:
    real = extractor.pagejobs.read_page_range

    def fails_on_short(path: str, password: str | None, indexes: list[int]) -> Any:
        if path.endswith("short.pdf") and indexes[0] > 0:
            raise ValueError("cannot read this one")
        return real(path, password, indexes)

    monkeypatch.setattr(extractor.pagejobs, "read_page_range", fails_on_short)
    short, bilingual = _short_report(tmp_path), build_bilingual_pdf(tmp_path)
    with PageWorkers(2) as workers:
        with pytest.raises(ValueError, match="cannot read this one"):
            extract(short, nlp=workers)
        result = extract(bilingual, nlp=workers).to_json()
    assert result == extract(bilingual, nlp=pipelines).to_json()


def test_shares_read_from_one_kept_file_are_the_pages_read_pdf_reads(tmp_path: Path) -> None:
    """A worker keeps the file open from one share of its pages to the next; the pages are
    those `read_pdf` reads, and a changed or other file is opened afresh."""
    from extractor import pdf

    path = build_pdf(
        Document(
            pages=[Page([Paragraph(f"Page {n} says the scheme cost £{n}m.")]) for n in range(5)]
        ),
        tmp_path / "five.pdf",
    )
    expected = read_pdf(path).pages
    opened: list[Path] = []
    real_open = pdf._open_reader

    def counting(at: Path, strict: bool) -> Any:
        opened.append(at)
        return real_open(at, strict)

    pdf.forget_kept_reader()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(pdf, "_open_reader", counting)
            shares = [read_page_range(path, None, share) for share in ([0, 1], [2], [3, 4])]
            assert len(opened) == 1
            assert [page for share in shares for page in share] == list(expected)
            other = build_pdf(
                Document(pages=[Page([Paragraph("Another file.")])]), tmp_path / "o.pdf"
            )
            assert "Another file." in read_page_range(other, None, [0])[0].text
            assert len(opened) == 2
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
            assert read_page_range(path, None, [4]) == [expected[4]]
            assert len(opened) == 3
    finally:
        pdf.forget_kept_reader()


@pytest.mark.parametrize(("count", "jobs"), [(80, 2), (7, 3), (1, 2), (0, 2), (500, 4)])
def test_chunks_cover_every_page_once_and_shrink_to_one(count: int, jobs: int) -> None:
    chunks = extractor.pagejobs._chunks(count, jobs)
    assert [i for chunk in chunks for i in chunk] == list(range(count))
    sizes = [len(chunk) for chunk in chunks]
    assert sizes == sorted(sizes, reverse=True)  # large first, small at the end
    if count:
        assert sizes[-1] == 1  # the last pages go out one by one
        assert sizes[0] == -(-count // (jobs * extractor.pagejobs.GUIDED_SHARE))
