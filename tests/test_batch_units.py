"""The parts of a batch run that need no worker: inputs, names, manifest, resume, report,
progress display."""

from __future__ import annotations

import errno
import io
import json
import os
import re
import time
from pathlib import Path, PurePath

import pytest
from click.testing import CliRunner

from extractor._version import __version__
from extractor.batch import (
    BatchReport,
    InputFile,
    Manifest,
    ManifestEntry,
    PageTally,
    iter_inputs,
    longest_first,
    output_name,
    read_manifest,
    repair_manifest,
    up_to_date_pages,
)
from extractor.cli import cli
from extractor.errors import (
    EXIT_BATCH_FAILURES,
    EXIT_OK,
    EXIT_WRITE_FAILED,
    OutputWriteError,
    SchemaValidationError,
)
from extractor.progress import ProgressBar, ProgressLines, format_duration, status_text
from extractor.schema import MANIFEST_SCHEMA, validation_error
from extractor.workers import Task


def entry(path: str = "a.pdf", status: str = "ok", **fields: object) -> ManifestEntry:
    values: dict[str, object] = {
        "sha256": "0" * 64,
        "error_code": None,
        "error_message": None,
        "output": "a.0123456789.json",
        "pages": 3,
        "seconds": 1.5,
        "warnings": (),
    }
    if status in ("failed", "timeout"):
        values.update(error_code="corrupt_pdf", error_message="broken", output=None, pages=None)
    values.update(fields)
    return ManifestEntry(
        path=path,
        status=status,  # type: ignore[arg-type]
        extractor_version=__version__,
        run="2026-01-01T00:00:00+00:00",
        **values,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------- inputs


def test_folders_are_walked_recursively_sorted_and_filtered_case_insensitively(
    tmp_path: Path,
) -> None:
    for name in ["b.pdf", "a.PDF", "notes.txt", "sub/c.pdf", "sub/deeper/d.Pdf"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    found = list(iter_inputs([tmp_path]))
    assert [f.relative.as_posix() for f in found] == [
        "a.PDF",
        "b.pdf",
        "sub/c.pdf",
        "sub/deeper/d.Pdf",
    ]
    assert all(Path(f.path).is_file() for f in found)
    deeper = [f.relative.as_posix() for f in iter_inputs([tmp_path], glob="deeper/*.pdf")]
    assert deeper == ["sub/deeper/d.Pdf"]


def test_files_missing_paths_and_stdin_lists_are_inputs_too(tmp_path: Path) -> None:
    stdin = io.StringIO("one.pdf\n\n/elsewhere/two.pdf\r\n")
    found = list(iter_inputs(["given.pdf", "-", tmp_path / "missing.pdf"], stdin=stdin))
    assert [f.path for f in found] == [
        "given.pdf",
        "one.pdf",
        "/elsewhere/two.pdf",
        str(tmp_path / "missing.pdf"),
    ]
    names = ["given.pdf", "one.pdf", "two.pdf", "missing.pdf"]
    assert [f.relative for f in found] == [PurePath(name) for name in names]


def test_output_names_never_collide(tmp_path: Path) -> None:
    items = [
        InputFile(str(tmp_path / "x" / "report.pdf"), PurePath("report.pdf")),
        InputFile(str(tmp_path / "y" / "report.pdf"), PurePath("report.pdf")),
        InputFile(str(tmp_path / "y" / "Report.pdf"), PurePath("Report.pdf")),
        InputFile(str(tmp_path / "a" / "b__c.pdf"), PurePath("a/b__c.pdf")),
        InputFile(str(tmp_path / "a" / "b" / "c.pdf"), PurePath("a/b/c.pdf")),
    ]
    names = [output_name(item) for item in items]
    assert len({name.lower() for name in names}) == len(items)
    assert names[0].startswith("report.") and names[0].endswith(".json")
    assert names[4].startswith("a__b__c.")
    assert output_name(items[0]) == names[0]  # stable: resume finds it again


def test_output_names_are_safe_file_names(tmp_path: Path) -> None:
    odd = InputFile(str(tmp_path / "..weird name?:*.pdf"), PurePath("..weird name?:*.pdf"))
    name = output_name(odd)
    assert "/" not in name and "?" not in name and "*" not in name and " " not in name
    assert not name.startswith(".")
    long = InputFile(str(tmp_path / ("x" * 400 + ".pdf")), PurePath("x" * 400 + ".pdf"))
    assert len(output_name(long).encode()) < 200


# ---------------------------------------------------------------- manifest


def test_manifest_entries_validate_and_the_schema_ties_status_to_fields() -> None:
    for status in ("ok", "skipped", "failed", "timeout"):
        assert validation_error(json.loads(entry(status=status).to_json()), MANIFEST_SCHEMA) is None
    broken = json.loads(entry(status="ok").to_json()) | {"error_code": "corrupt_pdf"}
    assert validation_error(broken, MANIFEST_SCHEMA) is not None
    no_reason = json.loads(entry(status="failed").to_json()) | {"error_code": None}
    assert validation_error(no_reason, MANIFEST_SCHEMA) is not None


def test_manifest_refuses_an_invalid_entry(tmp_path: Path) -> None:
    with Manifest(tmp_path / "manifest.jsonl") as manifest:
        manifest.append(entry())
        with pytest.raises(SchemaValidationError):
            manifest.append(entry(status="ok", error_code="oops"))
    assert len(list(read_manifest(tmp_path / "manifest.jsonl"))) == 1


def test_a_line_the_device_has_no_room_for_is_cut_off_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "manifest.jsonl"
    real_write = os.write
    with Manifest(path) as manifest:
        manifest.append(entry("a.pdf"))
        before = path.read_bytes()

        def part_then_full(fd: int, data: bytes) -> int:
            if fd != manifest._fd:
                return real_write(fd, data)
            real_write(fd, bytes(data[:20]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "write", part_then_full)
        with pytest.raises(OutputWriteError) as caught:
            manifest.append(entry("b.pdf"))
        monkeypatch.undo()
    assert path.read_bytes() == before  # whole lines only: the torn one is gone
    assert str(caught.value) == f"{path}: cannot be written: no space left on device"
    assert caught.value.exit_code == EXIT_WRITE_FAILED


def test_a_torn_last_line_is_dropped_and_whole_lines_kept(tmp_path: Path) -> None:
    path = tmp_path / "manifest.jsonl"
    whole = entry("a.pdf").to_json() + "\n" + entry("b.pdf").to_json() + "\n"
    path.write_text(whole + entry("c.pdf").to_json()[:40], encoding="utf-8")
    assert repair_manifest(path) == 1
    assert path.read_text(encoding="utf-8") == whole
    assert repair_manifest(path) == 0
    with Manifest(path) as manifest:
        manifest.append(entry("c.pdf"))
    assert [e["path"] for e in read_manifest(path)] == ["a.pdf", "b.pdf", "c.pdf"]


def test_repair_drops_garbage_left_by_a_power_cut(tmp_path: Path) -> None:
    path = tmp_path / "manifest.jsonl"
    path.write_bytes(entry("a.pdf").to_json().encode() + b"\n\x00\x00\x00\x00\n")
    assert repair_manifest(path) == 1
    assert [e["path"] for e in read_manifest(path)] == ["a.pdf"]


# ---------------------------------------------------------------- resume


def test_an_output_is_up_to_date_only_for_the_same_bytes_version_and_page_limit(
    tmp_path: Path,
) -> None:
    output = tmp_path / "a.json"
    document = {
        "source": {"sha256": "ab" * 32},
        "pages": [{}, {}, {}],
        "extractor": {"version": __version__, "options": {"max_pages": None}},
    }
    output.write_text(json.dumps(document), encoding="utf-8")
    assert up_to_date_pages(output, "ab" * 32, None) == 3
    assert up_to_date_pages(output, "cd" * 32, None) is None
    assert up_to_date_pages(output, "ab" * 32, 2) is None
    document["extractor"] = {"version": "0.0.0-old", "options": {"max_pages": None}}
    output.write_text(json.dumps(document), encoding="utf-8")
    assert up_to_date_pages(output, "ab" * 32, None) is None
    output.write_text('{"source": ', encoding="utf-8")
    assert up_to_date_pages(output, "ab" * 32, None) is None
    assert up_to_date_pages(tmp_path / "missing.json", "ab" * 32, None) is None


# ---------------------------------------------------------------- report and progress


def test_the_report_counts_outcomes_and_owns_the_exit_code() -> None:
    report = BatchReport()
    report.record(entry("a.pdf", pages=3))
    report.record(entry("b.pdf", status="skipped", pages=7))
    assert report.exit_code == EXIT_OK
    report.record(entry("c.pdf", status="timeout", error_code="timeout"))
    assert report.exit_code == EXIT_BATCH_FAILURES
    assert report.pages == 3  # skipped files were not extracted in this run
    summary = report.summary()
    assert "3 files: 1 ok, 1 skipped, 0 failed, 1 timeout" in summary
    assert "pages/s" in summary


LOADING = "loading the English pipeline in 2 workers"


def plain(text: str) -> str:
    """Terminal output without its control sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_the_page_tally_counts_what_workers_report_and_what_files_leave() -> None:
    tally = PageTally()
    tally.expect("/a.pdf", 10)
    tally.expect("/b.pdf", 6)
    tally.expect("/c.pdf", 4)
    assert tally.total is None  # not every input counted yet: no total, so no ETA
    tally.counted = True
    assert (tally.done, tally.total) == (0.0, 20.0)
    tally.progress("/a.pdf", 2.5, 8)  # a worker found 8 pages (read 5 of them)
    assert (tally.done, tally.total) == (2.5, 18.0)
    tally.finish("/a.pdf", 8)  # extracted
    tally.progress("/b.pdf", 1.5, 6)
    tally.finish("/b.pdf", None)  # failed: the pages done stay done, the rest leave
    tally.finish("/c.pdf", 0)  # skipped as up to date: not this run's work
    tally.expect("/c.pdf", 4)  # counted late: a finished file stays finished
    assert (tally.done, tally.total) == (9.5, 9.5)


def test_the_time_left_is_the_pages_left_at_the_rate_since_the_pipeline_loaded() -> None:
    report = BatchReport(started=100.0, finished=None)
    report.tally.expect("/a.pdf", 30)
    report.tally.counted = True
    report.loaded = time.monotonic() - 10.0  # the load, before that, does not slow the rate
    report.tally.progress("/a.pdf", 10, 30)
    assert report.page_rate == pytest.approx(1.0, rel=0.05)
    assert report.seconds_left == pytest.approx(20.0, rel=0.05)
    report.tally.counted = False
    assert report.seconds_left is None


def test_the_status_line_says_loading_then_pages_of_the_total_files_rate_and_eta() -> None:
    report = BatchReport(total=4)
    report.loading_since = time.monotonic() - 12.0
    assert status_text(report, LOADING) == f"{LOADING}  12s"
    report.loaded = time.monotonic() - 10.0
    report.tally.counting = True
    report.tally.progress("/a.pdf", 4.5, 10)
    assert status_text(report, LOADING).startswith("4 pages (counting)  0/4 files  0.4 pages/s")
    report.tally.expect("/b.pdf", 30)
    report.tally.counted = True
    report.record(entry("/c.pdf", status="failed"))
    line = status_text(report, LOADING)
    # 35.5 pages left at 4.5 pages in 10 s.
    assert re.fullmatch(r"4/40 pages  1/4 files  0\.4 pages/s  1 failed  ETA 1m(19|20)s", line)


def test_the_bar_says_loading_then_shows_pages_and_prints_problems_above() -> None:
    stream = io.StringIO()
    report = BatchReport(total=4)
    bar = ProgressBar(stream, LOADING)
    bar.started(report)
    report.loading_since = time.monotonic()
    bar.progressed(report)
    report.loaded = time.monotonic()
    report.tally.progress(os.path.abspath("a.pdf"), 5, 10)
    bar.progressed(report)
    report.record(entry("a.pdf", pages=10))
    bar.file_done(entry("a.pdf"), report)
    bad = entry("b.pdf", status="failed")
    report.record(bad)
    bar.file_done(bad, report)
    report.finished = time.monotonic()
    bar.finished(report)
    lines = plain(stream.getvalue()).splitlines()
    assert "failed: b.pdf: corrupt_pdf: broken" in lines
    assert re.search(r"10 pages  2/4 files  [\d.]+ pages/s  1 failed  in 0s$", lines[-1]), lines


def test_log_lines_say_the_load_each_problem_and_the_status_now_and_then() -> None:
    stream = io.StringIO()
    lines = ProgressLines(stream, LOADING, interval=0.0)
    report = BatchReport(total=3)
    lines.started(report)
    report.loading_since = time.monotonic() - 31.0
    lines.progressed(report)
    report.loaded = report.loading_since + 31.0
    report.tally.expect(os.path.abspath("a.pdf"), 3)
    report.tally.expect(os.path.abspath("b.pdf"), 7)
    report.tally.counted = True
    lines.progressed(report)
    report.record(entry("a.pdf"))
    lines.file_done(entry("a.pdf"), report)
    bad = entry("b.pdf", status="timeout", error_code="timeout", error_message="too slow")
    report.record(bad)
    lines.file_done(bad, report)
    out = stream.getvalue().splitlines()
    assert out[:2] == [f"{LOADING}  31s", f"{LOADING}: done in 31s"]
    assert "timeout: b.pdf: timeout: too slow" in out
    # A log line says how far (done/total), how fast and how long to go.
    status = next(line for line in out if line.startswith("3/10 pages  1/3 files  "))
    assert "pages/s" in status and "ETA " in status
    assert "\r" not in stream.getvalue()
    quiet = io.StringIO()
    ProgressLines(quiet, LOADING).file_done(entry("a.pdf"), report)
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(("seconds", "text"), [(5, "5s"), (75, "1m15s"), (4000, "1h06m")])
def test_durations(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


# ---------------------------------------------------------------- CLI


def test_schema_prints_the_manifest_schema_by_name() -> None:
    result = CliRunner().invoke(cli, ["schema", "--name", "manifest"])
    assert result.exit_code == 0
    assert json.loads(result.output)["$id"] == "urn:extractor:schema:manifest:1"
    default = CliRunner().invoke(cli, ["schema"])
    assert json.loads(default.output)["$id"] == "urn:extractor:schema:extraction:1"


def test_batch_needs_an_output_folder() -> None:
    result = CliRunner().invoke(cli, ["batch", "x.pdf"])
    assert result.exit_code == 2
    assert "--output-dir" in result.output


def test_batch_with_no_input_files_says_so(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("not a pdf")
    result = CliRunner().invoke(cli, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 4
    assert result.stderr.strip() == (
        f"Error: {tmp_path / 'in'}: no input files found (looking for '*.pdf' in folders)"
    )


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    with (out / ".extractor-batch.lock").open("a") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        result = CliRunner().invoke(cli, ["batch", str(tmp_path / "a.pdf"), "-o", str(out)])
    assert result.exit_code == 4
    assert result.stderr.strip() == f"Error: {out}: another batch is writing to this folder"


def test_schema_names_every_shipped_schema_and_refuses_others() -> None:
    from extractor.schema import schema_names

    assert {"extraction", "manifest"} <= set(schema_names())
    for name, file in schema_names().items():
        result = CliRunner().invoke(cli, ["schema", "--name", name])
        assert result.exit_code == 0
        assert json.loads(result.output)["$schema"].startswith("https://json-schema.org/"), file
    bad = CliRunner().invoke(cli, ["schema", "--name", "nope"])
    assert bad.exit_code == 2
    assert f"choose from {', '.join(schema_names())}" in bad.stderr


def test_the_longest_job_in_the_lookahead_goes_first_and_uncounted_ones_before_all() -> None:
    from extractor.batch import _Job

    def job(name: str, pages: int | None) -> tuple[_Job, Task]:
        return _Job(InputFile(name, PurePath(name)), f"{name}.json", "0" * 64, pages), Task(name)

    jobs = [job("a", 3), job("b", 9), job("c", None), job("d", 9), job("e", 1), job("f", 20)]
    names = [item[0].item.path for item in longest_first(iter(jobs), lookahead=100)]
    assert names == ["c", "f", "b", "d", "a", "e"]  # equal lengths keep their order
    # Within a lookahead of three, "f" is not seen before three jobs have gone.
    names = [item[0].item.path for item in longest_first(iter(jobs), lookahead=3)]
    assert names == ["c", "b", "d", "f", "a", "e"]
    assert [item[0].item.path for item in longest_first(iter(jobs), lookahead=1)] == list("abcdef")
