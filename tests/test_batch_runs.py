"""Whole batch runs with worker processes: the corpus with planted bad files, isolation
of files that hang, die or run out of memory, resume after SIGKILL, and Dask.

Runs use --max-pages and small files where that does not weaken what is tested: what a
batch does with a file does not depend on how many of its pages are read.
"""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.errors import EXIT_BATCH_FAILURES
from extractor.schema import MANIFEST_SCHEMA, validation_error
from extractor.workers import TEST_HOOKS_ENV
from tests.batch_helpers import (
    copy_corpus,
    make_pdf,
    manifest_lines,
    outputs,
    run_batch_cli,
    worker_processes,
)
from tests.conftest import CORPUS_PDFS, require_corpus

# Generous bounds for waiting on other processes; a test fails (not hangs) past them.
WAIT_LIMIT_SECONDS = 300.0


def by_path(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(line["path"]).name: line for line in lines}


# ---------------------------------------------------------------- the corpus and bad files


@pytest.fixture(scope="module")
def corpus_batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One batch over every corpus PDF plus planted bad files, then the same command again."""
    require_corpus()
    root = tmp_path_factory.mktemp("corpus_batch")
    inputs = root / "in"
    corpus = copy_corpus(sorted(p.name for p in CORPUS_PDFS.glob("*.pdf")), inputs / "corpus")
    planted = inputs / "planted"
    planted.mkdir()
    (planted / "empty.pdf").write_bytes(b"")
    (planted / "not-a-pdf.pdf").write_text("<html>a web page saved as .pdf</html>")
    good = (CORPUS_PDFS / "us-federal-register-2020-17221.pdf").read_bytes()
    (planted / "truncated.pdf").write_bytes(good[: len(good) // 50])
    make_pdf(planted / "hangs-forever.pdf")
    (planted / "readme.txt").write_text("not matched by --glob")
    out = root / "out"
    args = [inputs, "-o", out, "--jobs", "2", "--max-pages", "1", "--timeout", "20"]

    hooks = json.dumps({"hangs-forever.pdf": "hang"})
    os.environ[TEST_HOOKS_ENV] = hooks
    try:
        first = run_batch_cli(*args)
    finally:
        del os.environ[TEST_HOOKS_ENV]
    first_lines = manifest_lines(out)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")}
    inodes = {p.name: p.stat().st_ino for p in out.glob("*.json")}
    second = run_batch_cli(*args)
    return {
        "inputs": inputs,
        "corpus": corpus,
        "out": out,
        "first": first,
        "second": second,
        "first_lines": first_lines,
        "second_lines": manifest_lines(out)[len(first_lines) :],
        "stamps": stamps,
        "inodes": inodes,
    }


def test_every_input_is_accounted_for_once(corpus_batch: dict[str, Any]) -> None:
    lines = corpus_batch["first_lines"]
    expected = {p.name for p in corpus_batch["inputs"].rglob("*.pdf")}
    assert len(expected) == len(corpus_batch["corpus"]) + 4
    assert Counter(Path(line["path"]).name for line in lines) == Counter(expected)
    assert all(validation_error(line, MANIFEST_SCHEMA) is None for line in lines)


def test_bad_files_are_recorded_with_their_reason(corpus_batch: dict[str, Any]) -> None:
    lines = by_path(corpus_batch["first_lines"])
    assert (lines["empty.pdf"]["status"], lines["empty.pdf"]["error_code"]) == (
        "failed",
        "bad_input",
    )
    assert lines["not-a-pdf.pdf"]["error_code"] == "corrupt_pdf"
    assert lines["truncated.pdf"]["error_code"] == "corrupt_pdf"
    encrypted = lines["encrypted-password-example.pdf"]
    assert (encrypted["status"], encrypted["error_code"]) == ("failed", "encrypted")
    assert "password" in encrypted["error_message"]
    hang = lines["hangs-forever.pdf"]
    assert (hang["status"], hang["error_code"], hang["output"]) == ("timeout", "timeout", None)


def test_the_readable_corpus_files_are_written_and_valid(corpus_batch: dict[str, Any]) -> None:
    from extractor.schema import validation_error as extraction_problem

    out = corpus_batch["out"]
    ok = [line for line in corpus_batch["first_lines"] if line["status"] in ("ok", "no_text")]
    assert {Path(line["path"]).name for line in ok} == {
        p.name for p in corpus_batch["corpus"] if p.name != "encrypted-password-example.pdf"
    }
    for line in ok:
        data = json.loads((out / line["output"]).read_text(encoding="utf-8"))
        assert extraction_problem(data) is None
        assert data["source"]["sha256"] == line["sha256"]
        assert data["source"]["path"] == os.path.abspath(line["path"])
        assert line["pages"] == len(data["pages"]) == 1
    scan = by_path(ok)["de-archivgesetz-statement-scan-2025.pdf"]
    assert "no_text_layer" in scan["warnings"]
    assert scan["status"] == "no_text"  # written, as by `extract` (which exits 7 on it)
    assert [line["status"] for line in ok].count("no_text") == 1
    assert not list(out.glob(".*.tmp"))
    assert set(corpus_batch["stamps"]) == {line["output"] for line in ok}  # after run 1


def test_the_exit_code_and_summary_say_some_files_failed(corpus_batch: dict[str, Any]) -> None:
    first = corpus_batch["first"]
    assert first.exit_code == EXIT_BATCH_FAILURES
    failed = 4  # the encrypted corpus file; empty, not-a-pdf and truncated
    assert f"{failed} failed, 1 timeout" in first.stdout
    assert "pages/s" in first.stdout
    assert "timeout: " in first.stderr and "hangs-forever.pdf" in first.stderr
    assert first.stderr.strip().splitlines()[-1] == (
        f"Error: {corpus_batch['out'] / 'manifest.jsonl'}: {failed + 1} files failed or timed out"
    )


def test_rerunning_skips_finished_files_and_retries_the_rest(
    corpus_batch: dict[str, Any],
) -> None:
    out = corpus_batch["out"]
    first = by_path(corpus_batch["first_lines"])
    second = by_path(corpus_batch["second_lines"])
    assert set(second) == set(first)
    for name, line in second.items():
        if first[name]["status"] in ("ok", "no_text"):
            assert line["status"] == "skipped"
            assert line["output"] == first[name]["output"]
    assert second["hangs-forever.pdf"]["status"] == "ok"  # no hook this time
    # Files that failed for a reason the same bytes would meet again are not tried again:
    # their line is repeated, in no time.
    for name in ("encrypted-password-example.pdf", "not-a-pdf.pdf", "truncated.pdf"):
        assert second[name]["status"] == "failed"
        assert second[name]["error_code"] == first[name]["error_code"]
        assert second[name]["error_message"] == first[name]["error_message"]
        assert second[name]["seconds"] == 0
    # Skipped outputs were not rewritten: same file, same modification time.
    for name, stamp in corpus_batch["stamps"].items():
        assert (out / name).stat().st_mtime_ns == stamp
        assert (out / name).stat().st_ino == corpus_batch["inodes"][name]
    assert len({line["run"] for line in corpus_batch["second_lines"]}) == 1
    assert corpus_batch["second_lines"][0]["run"] != corpus_batch["first_lines"][0]["run"]


def test_no_worker_outlives_the_batch(corpus_batch: dict[str, Any]) -> None:
    assert corpus_batch["first"].exit_code != 0
    assert worker_processes() == []


# ---------------------------------------------------------------- isolation


def test_files_that_hang_die_exhaust_memory_or_raise_cost_only_their_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [
        "a-hang.pdf",
        "b-good.pdf",
        "c-die.pdf",
        "d-good.pdf",
        "e-memory.pdf",
        "f-good.pdf",
        "g-raise.pdf",
        "h-good.pdf",
    ]
    for name in names:
        make_pdf(tmp_path / "in" / name, pages=1)
    hooks = {"*-hang.pdf": "hang", "*-die.pdf": "die", "*-memory.pdf": "memory"}
    monkeypatch.setenv(TEST_HOOKS_ENV, json.dumps(hooks | {"*-raise.pdf": "raise"}))
    out = tmp_path / "out"
    # One worker: every good file after a bad one proves that the worker was replaced.
    result = run_batch_cli(
        tmp_path / "in", "-o", out, "--jobs", "1", "--timeout", "20", "--max-memory", "1000"
    )
    assert result.exit_code == EXIT_BATCH_FAILURES
    lines = by_path(manifest_lines(out))
    assert {name: (line["status"], line["error_code"]) for name, line in lines.items()} == {
        "a-hang.pdf": ("timeout", "timeout"),
        "b-good.pdf": ("ok", None),
        "c-die.pdf": ("failed", "worker_died"),
        "d-good.pdf": ("ok", None),
        "e-memory.pdf": ("failed", "out_of_memory"),
        "f-good.pdf": ("ok", None),
        "g-raise.pdf": ("failed", "internal"),
        "h-good.pdf": ("ok", None),
    }
    assert "SIGKILL" in lines["c-die.pdf"]["error_message"]
    assert "RuntimeError" in lines["g-raise.pdf"]["error_message"]
    assert worker_processes() == []


# ---------------------------------------------------------------- resume after SIGKILL


def test_a_batch_killed_with_sigkill_resumes_to_the_same_outputs(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    for number in range(12):
        make_pdf(inputs / f"doc{number:02d}.pdf", pages=2)
    out, reference = tmp_path / "out", tmp_path / "reference"
    command = [sys.executable, "-m", "extractor", "batch", str(inputs), "-o", str(out)]
    options = ["--jobs", "2", "--no-progress"]
    # Slow each file down so that the kill lands mid-run.
    env = {**os.environ, TEST_HOOKS_ENV: json.dumps({"*.pdf": "sleep:0.5"})}
    proc = subprocess.Popen(
        command + options,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(lines_so_far(out)) >= 3, "three files done")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Its workers notice that their parent is gone and exit.
        wait_for(lambda: not session_alive(proc.pid), "the killed batch's workers to exit")
    finally:
        if session_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
    killed_lines = lines_so_far(out)
    assert 3 <= len(killed_lines) < 12, "the kill should land mid-run"
    # A power cut can tear the line being written; the next run must cope.
    with (out / "manifest.jsonl").open("a", encoding="utf-8") as f:
        f.write('{"path": "in/doc11.pdf", "sha2')
    survivors = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.glob("*.json")}

    resumed = run_batch_cli(inputs, "-o", out, *options)
    assert resumed.exit_code == 0, resumed.output
    uninterrupted = run_batch_cli(inputs, "-o", reference, *options)
    assert uninterrupted.exit_code == 0

    assert outputs(out) == outputs(reference)
    assert len(outputs(out)) == 12
    lines = manifest_lines(out)  # every line parses: the torn one is gone
    assert all(validation_error(line, MANIFEST_SCHEMA) is None for line in lines)
    run_ids = sorted({line["run"] for line in lines})
    assert len(run_ids) == 2
    first = [line for line in lines if line["run"] == run_ids[0]]
    second = [line for line in lines if line["run"] == run_ids[1]]
    assert len(second) == 12
    # No file processed twice: what the killed run finished is skipped, untouched.
    extracted = Counter(line["path"] for line in lines if line["status"] == "ok")
    assert set(extracted.values()) == {1}
    for line in second:
        if line["status"] == "skipped":
            assert line["output"] in survivors
        else:
            assert line["output"] not in survivors
    assert {line["output"] for line in first} <= set(survivors)
    for name, (inode, mtime) in survivors.items():
        assert ((out / name).stat().st_ino, (out / name).stat().st_mtime_ns) == (inode, mtime)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_workers_and_says_how_to_resume(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    # Enough work left after the first file that the batch cannot end before the signal
    # comes, even on a loaded machine.
    for number in range(8):
        make_pdf(inputs / f"doc{number}.pdf", pages=1)
    out = tmp_path / "out"
    env = {**os.environ, TEST_HOOKS_ENV: json.dumps({"*.pdf": "sleep:2"})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "extractor", "batch", str(inputs), "-o", str(out), "-j", "2"],
        env=env,
        # As from a terminal: a test run started in the background (nohup, `&` without job
        # control) ignores SIGINT, and Python started with SIGINT ignored never raises
        # KeyboardInterrupt, so the batch would rightly run on to the end.
        preexec_fn=_default_sigint,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(lambda: len(lines_so_far(out)) >= 1, "a file done")
    children = psutil.Process(proc.pid).children()
    assert children, "the batch should have worker processes"
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends (to the group; workers ignore it)
    _, stderr = proc.communicate(timeout=WAIT_LIMIT_SECONDS)
    assert proc.returncode == 130
    assert stderr.strip().splitlines()[-1] == (
        f"Error: {out}: interrupted; run the same command again to resume"
    )
    _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == []
    assert all(validation_error(line, MANIFEST_SCHEMA) is None for line in manifest_lines(out))


def lines_so_far(out: Path) -> list[str]:
    path = out / "manifest.jsonl"
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def session_alive(session: int) -> bool:
    try:
        os.killpg(session, 0)
    except ProcessLookupError:
        return False
    return True


def wait_for(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------- Dask


def test_a_dask_cluster_writes_the_same_outputs_as_local_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")  # installed by `make install`
    require_corpus()
    # Set before the cluster starts, so that its worker processes inherit it.
    monkeypatch.setenv(TEST_HOOKS_ENV, json.dumps({"hangs.pdf": "hang"}))
    inputs = tmp_path / "in"
    copy_corpus(
        ["wna-recalibrating-risk-2021.pdf", "encrypted-password-example.pdf"], inputs / "corpus"
    )
    make_pdf(inputs / "built" / "small.pdf", pages=3)
    (inputs / "built" / "empty.pdf").write_bytes(b"")
    make_pdf(inputs / "built" / "hangs.pdf", pages=1)
    options = ["--max-pages", "2", "--no-progress", "--timeout", "20"]
    local = run_batch_cli(inputs, "-o", tmp_path / "local", "--jobs", "2", *options)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        remote = run_batch_cli(
            inputs, "-o", tmp_path / "dask", "--dask-scheduler", cluster.scheduler_address, *options
        )
    assert remote.exit_code == local.exit_code == EXIT_BATCH_FAILURES
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    assert len(outputs(tmp_path / "dask")) == 2

    def outcomes(folder: str) -> dict[str, tuple[str, str | None, str | None]]:
        return {
            line["path"]: (line["status"], line["error_code"], line["output"])
            for line in manifest_lines(tmp_path / folder)
        }

    assert outcomes("dask") == outcomes("local")
    assert len(outcomes("dask")) == 5
    # The hung file's worker process was killed on the Dask worker, which went on.
    assert outcomes("dask")[str(inputs / "built" / "hangs.pdf")][0] == "timeout"
    wait_for(lambda: worker_processes() == [], "the Dask workers' worker processes to exit")


def test_the_outputs_of_a_real_batch_export(corpus_batch: dict[str, Any], tmp_path: Path) -> None:
    from extractor.export import TABLES

    out = corpus_batch["out"]
    result = CliRunner().invoke(cli, ["export", str(out), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    documents = [json.loads(text) for text in outputs(out).values()]
    for table in TABLES:
        # Quotes and summaries hold line breaks: count records, not lines.
        with (tmp_path / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0][:7] == [
            "sha256", "file", "output", "id", "page_index", "page_label", "quote"
        ]  # fmt: skip
        assert len(rows) - 1 == sum(len(document[table]) for document in documents)
    # every input has a documents row, the failed and timed-out ones too
    inputs = {line["path"] for line in manifest_lines(out)}
    assert len(inputs) > len(documents)
    assert result.stdout.startswith(f"{len(inputs)} documents: ")
    with (tmp_path / "documents.csv").open(encoding="utf-8", newline="") as f:
        assert {row["path"] for row in csv.DictReader(f)} == inputs


def test_a_missing_spacy_pipeline_stops_the_batch_at_once(tmp_path: Path) -> None:
    make_pdf(tmp_path / "a.pdf")
    result = run_batch_cli(tmp_path / "a.pdf", "-o", tmp_path / "out", "--model", "no_such_model")
    assert result.exit_code == 8
    assert result.stderr.startswith(
        f"Error: {tmp_path / 'out'}: cannot load spaCy pipeline 'no_such_model'"
    )
    assert manifest_lines(tmp_path / "out") == []
    assert worker_processes() == []


def test_a_memory_limit_below_the_pipelines_need_is_a_usage_error_that_gives_the_need(
    tmp_path: Path,
) -> None:
    from extractor.workers import WorkerConfig, pipeline_memory_need_mb

    make_pdf(tmp_path / "a.pdf")
    out = tmp_path / "out"
    result = run_batch_cli(tmp_path / "a.pdf", "-o", out, "--max-memory", "256")
    assert result.exit_code == 2, result.output
    said = re.fullmatch(
        r"Error: --max-memory 256: too little for a worker to load the spaCy pipeline, which "
        r"needs (\d+) MB \(measured just now\); give more than that, with room for the files\n",
        result.stderr,
    )
    assert said is not None, result.stderr
    assert int(said[1]) > 256
    assert manifest_lines(out) == []
    assert worker_processes() == []

    # The README's figures follow the measurement: the need it states is within a quarter
    # of what a worker needs here, and its practical minimum runs a paper.
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    (stated,) = map(int, re.findall(r"A worker needs about (\d+) MB just to load", readme))
    (minimum,) = map(int, re.findall(r"`--max-memory (\d+)` is the practical minimum", readme))
    need = pipeline_memory_need_mb(WorkerConfig())
    assert 0.75 * stated <= need <= 1.25 * stated, (need, stated)
    assert need < minimum
    result = run_batch_cli(tmp_path / "a.pdf", "-o", out, "--max-memory", str(minimum))
    assert result.exit_code == 0, result.output


def test_workers_are_replaced_after_their_quota_of_files(tmp_path: Path) -> None:
    from extractor.workers import LocalExecutor, Task, WorkerConfig

    paths = [make_pdf(tmp_path / f"doc{n}.pdf", pages=1) for n in range(5)]
    executor = LocalExecutor(1, WorkerConfig(files_per_worker=2))
    results = dict(executor.map_unordered((p.name, Task(str(p))) for p in paths))
    assert [results[p.name].status for p in paths] == ["ok"] * 5
    pids = [results[p.name].worker_pid for p in paths]
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    assert len(set(pids)) == 3
    assert worker_processes() == []


def test_the_longest_files_go_first_so_that_the_run_ends_on_short_ones(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for name, pages in (("a-short", 1), ("b-long", 4), ("c-middle", 2)):
        make_pdf(folder / f"{name}.pdf", pages=pages)
    out = tmp_path / "out"
    result = run_batch_cli(folder, "-o", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    lines = manifest_lines(out)
    assert [Path(line["path"]).stem for line in lines] == ["b-long", "c-middle", "a-short"]
    assert [line["pages"] for line in lines] == [4, 2, 1]


def test_a_worker_is_replaced_when_it_grows_but_keeps_a_pipeline_it_loaded(tmp_path: Path) -> None:
    from extractor.workers import LocalExecutor, Task, WorkerConfig

    french = (
        "Le conseil municipal a adopté le plan de mobilité active après une longue "
        "consultation des citoyens. Les pistes cyclables seront construites dans les "
        "quartiers où les familles demandent des trajets plus sûrs vers les écoles."
    )
    paths = [
        make_pdf(tmp_path / "en1.pdf", pages=1),
        make_pdf(tmp_path / "fr.pdf", pages=[french]),
        make_pdf(tmp_path / "en2.pdf", pages=1),
        make_pdf(tmp_path / "en3.pdf", pages=1),
    ]
    # The French pipeline (about 200 MB, more than MAX_GROWTH_MB) is kept, not growth.
    executor = LocalExecutor(1, WorkerConfig())
    results = dict(executor.map_unordered((p.stem, Task(str(p))) for p in paths))
    assert [results[p.stem].status for p in paths] == ["ok"] * 4
    assert json.loads(results["fr"].json_text or "{}")["document"]["language"] == "fr"
    assert len({results[p.stem].worker_pid for p in paths}) == 1
    # Past a (negative) allowance, every file grows the worker too much: each gets its own.
    executor = LocalExecutor(1, WorkerConfig(max_growth_mb=-1))
    results = dict(executor.map_unordered((p.stem, Task(str(p))) for p in paths[2:]))
    assert results["en2"].worker_pid != results["en3"].worker_pid
    assert worker_processes() == []
