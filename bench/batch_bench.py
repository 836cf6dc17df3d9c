"""Benchmark of `extractor batch` (run by `make bench`; not a test).

Prints, for --jobs 1 and --jobs 2 over the corpus PDFs: pages/s, files/s, peak RSS of
the batch process and of its busiest worker; the ratio of our end-to-end time to pypdf's
bare `extract_text()` over the same pages, timed in the same run; --jobs 2 against
--jobs 1, measured, and as a quiet machine would give it (the --jobs 1 run's file times
laid out on two workers in the order the batch hands them out: other work on the machine
slows the measured one); the start-up time of `build_pipeline()` and of a batch worker's
`Pipelines` beside bare `spacy.load` of the same model; and the peak RSS per worker for 10,
50 and 200 input files, which should stay flat (workers hold one file at a time, the
batch process holds no results). Each figure of issue 17 ends the output as a ratio.

Each measurement runs in a fresh interpreter (this script with --one), so that peak RSS
figures belong to that measurement alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.pdf import count_pdf_pages  # noqa: E402
from tests.conftest import CORPUS_PDFS  # noqa: E402  (the corpus, wherever it is)

# Pages read per file in the 10-vs-200-files comparison, to keep it to a minute or two.
SCALING_MAX_PAGES = 2
SCALING_COUNTS = (10, 50, 200)
SCALING_JOBS = 2


def measure_batch(inputs: list[str], jobs: int, max_pages: int | None) -> dict[str, Any]:
    """Run one batch into a fresh folder and return its figures."""
    from extractor.batch import MANIFEST_NAME, BatchSettings, read_manifest, run_batch

    with tempfile.TemporaryDirectory() as out:
        settings = BatchSettings(Path(out), jobs=jobs, max_pages=max_pages, timeout=None)
        cpu_start = cpu_seconds()
        start = time.perf_counter()
        report = run_batch(inputs, settings)
        seconds = time.perf_counter() - start
        cpu = cpu_seconds() - cpu_start
        # In the order the files came back: with one worker, the order they were handed out.
        file_seconds = [line["seconds"] for line in read_manifest(Path(out) / MANIFEST_NAME)]
    return {
        "file_seconds": file_seconds,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "files": report.done,
        "ok": report.counts["ok"],
        "pages": report.pages,
        "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_rss_mb": report.peak_worker_rss_kb / 1024,
    }


def measure_pypdf(inputs: list[str]) -> dict[str, Any]:
    """Time pypdf's bare extract_text() over every page of the readable inputs."""
    from extractor.errors import ExtractorError
    from extractor.pdf import read_page_texts

    pages = 0
    cpu_start = cpu_seconds()
    start = time.perf_counter()
    for path in inputs:
        try:
            pages += len(read_page_texts(path))
        except ExtractorError:
            continue
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": cpu_seconds() - cpu_start,
        "pages": pages,
    }


def measure_startup(kind: str) -> dict[str, Any]:
    """Seconds to load the English pipeline: bare `spacy.load`, `build_pipeline()`, or a
    batch worker's start (`Pipelines`, its English pipeline and the warm-up parse); the
    imports are done before the clock starts."""
    import spacy

    from extractor.nlp.pipeline import Pipelines, build_pipeline, installed_default_model
    from extractor.workers import WARM_UP_TEXT

    model = installed_default_model()
    start = time.perf_counter()
    if kind == "spacy.load":
        spacy.load(model or "en_core_web_sm")
    elif kind == "build_pipeline()":
        build_pipeline(model)
    else:
        Pipelines(model).english(WARM_UP_TEXT)
    return {"seconds": time.perf_counter() - start}


def measure_extract(path: str, jobs: int) -> dict[str, Any]:
    """Time the extraction of one document as `extractor extract --jobs N` runs it (in this
    process for 1, in N page workers otherwise: extractor/pagejobs.py), pipeline load
    included, with a digest of its JSON."""
    import hashlib

    from extractor.extract import extract
    from extractor.pagejobs import PageWorkers

    start = time.perf_counter()
    if jobs == 1:
        text = extract(path).to_json()
    else:
        with PageWorkers(jobs) as workers:
            text = extract(path, nlp=workers).to_json()
    seconds = time.perf_counter() - start
    return {
        "available": True,
        "seconds": seconds,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }


def quiet_makespan(file_seconds: list[float], workers: int, start_seconds: float) -> float:
    """Wall time of files of these durations handed out in this order to `workers` workers
    that each start (load their pipeline) in `start_seconds`, on as many idle cores."""
    free = [start_seconds] * workers
    for seconds in file_seconds:
        first = free.index(min(free))
        free[first] += seconds
    return max(free)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the batch's workers): unlike
    wall time, it hardly depends on what else the machine is running."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_one(spec: dict[str, Any]) -> dict[str, Any]:
    """Run the measurement `spec` describes in a fresh interpreter; return its figures."""
    done = subprocess.run(
        [sys.executable, __file__, "--one", json.dumps(spec)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def scaled_inputs(folder: Path, count: int, sources: list[str]) -> list[str]:
    """`count` links to the corpus PDFs, cycling through them."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        source = sources[i % len(sources)]
        link = folder / f"{i:04d}-{Path(source).name}"
        link.symlink_to(source)
        paths.append(str(link))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        spec = json.loads(args.one)
        if spec["kind"] == "pypdf":
            print(json.dumps(measure_pypdf(spec["inputs"])))
        elif spec["kind"] == "startup":
            print(json.dumps(measure_startup(spec["what"])))
        elif spec["kind"] == "extract":
            print(json.dumps(measure_extract(spec["path"], spec["jobs"])))
        else:
            print(json.dumps(measure_batch(spec["inputs"], spec["jobs"], spec["max_pages"])))
        return

    corpus = sorted(str(p) for p in CORPUS_PDFS.glob("*.pdf"))
    print(f"extractor batch benchmark: {len(corpus)} corpus PDFs, {os.cpu_count()} CPUs")
    print(f"load average at the start {os.getloadavg()[0]:.2f}: other work on the machine")
    print("slows wall time; CPU time (of the batch and its workers) hardly depends on it")
    print()
    print("corpus, every page")
    print(
        f"{'jobs':>5} {'files':>6} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'files/s':>8}"
        f" {'CPU s':>7} {'parent RSS':>11} {'worker RSS':>11}"
    )
    runs = {}
    for jobs in (1, 2):
        r = run_one({"kind": "batch", "inputs": corpus, "jobs": jobs, "max_pages": None})
        runs[jobs] = r
        print(
            f"{jobs:>5} {r['files']:>6} {r['pages']:>6} {r['seconds']:>8.1f}"
            f" {r['pages'] / r['seconds']:>8.2f} {r['files'] / r['seconds']:>8.3f}"
            f" {r['cpu_seconds']:>7.1f}"
            f" {r['parent_rss_mb']:>8.0f} MB {r['worker_rss_mb']:>8.0f} MB"
        )
    bare = run_one({"kind": "pypdf", "inputs": corpus})
    print()
    print(
        f"pypdf extract_text() alone, one process: {bare['pages']} pages in "
        f"{bare['seconds']:.1f} s ({bare['pages'] / bare['seconds']:.2f} pages/s), "
        f"{bare['cpu_seconds']:.1f} CPU s"
    )
    for jobs, r in runs.items():
        print(
            f"ours / pypdf, --jobs {jobs} ({r['pages']} vs {bare['pages']} pages): "
            f"wall time {r['seconds'] / bare['seconds']:.2f}, "
            f"CPU time {r['cpu_seconds'] / bare['cpu_seconds']:.2f}"
        )
    startup = {what: run_one({"kind": "startup", "what": what}) for what in STARTUP_KINDS}
    print()
    print("start-up, English pipeline, fresh interpreter, imports done before the clock:")
    for what, r in startup.items():
        print(f"  {what:<22} {r['seconds']:6.2f} s")
    one, two = runs[1], runs[2]
    quiet = quiet_makespan(one["file_seconds"], 2, startup["batch worker"]["seconds"])
    quiet_one = startup["batch worker"]["seconds"] + sum(one["file_seconds"])
    print()
    scaling = measure_scaling(corpus)
    bare_spacy = startup["spacy.load"]["seconds"]
    longest = max(corpus, key=lambda path: count_pdf_pages(path) or 0)
    page_jobs = {
        jobs: run_one({"kind": "extract", "path": longest, "jobs": jobs}) for jobs in (1, 2)
    }
    print()
    print(f"issue 17, measured in this run (load average now {os.getloadavg()[0]:.2f}):")
    print(
        f"  CPU time --jobs 1 / pypdf bare:        {one['cpu_seconds'] / bare['cpu_seconds']:5.2f}"
    )
    print(f"  --jobs 2 / --jobs 1, wall time:        {one['seconds'] / two['seconds']:5.2f}")
    print(
        f"  --jobs 2 / --jobs 1, quiet machine:    {quiet_one / quiet:5.2f}  (file times laid out)"
    )
    print(
        f"  build_pipeline() / spacy.load:         "
        f"{startup['build_pipeline()']['seconds'] / bare_spacy:5.2f}"
    )
    print(
        f"  batch worker start / spacy.load:       "
        f"{startup['batch worker']['seconds'] / bare_spacy:5.2f}"
    )
    worst = max(one["worker_rss_mb"], two["worker_rss_mb"])
    print(f"  peak worker RSS, corpus:               {worst:5.0f} MB")
    if page_jobs[1]["available"]:
        same = "identical" if page_jobs[1]["sha256"] == page_jobs[2]["sha256"] else "DIFFERENT"
        print(
            f"  extract --jobs 2 / --jobs 1, longest:  "
            f"{page_jobs[1]['seconds'] / page_jobs[2]['seconds']:5.2f}  (output {same})"
        )
    else:
        print("  extract --jobs 2 / --jobs 1, longest:  not in this build (no extract --jobs)")
    first, last = scaling[SCALING_COUNTS[0]], scaling[SCALING_COUNTS[-1]]
    print(
        f"  worker RSS, {SCALING_COUNTS[-1]} / {SCALING_COUNTS[0]} inputs:         "
        f"{last['worker_rss_mb'] / first['worker_rss_mb']:5.2f}"
    )


# Start-ups timed, each in a fresh interpreter.
STARTUP_KINDS = ("spacy.load", "build_pipeline()", "batch worker")


def measure_scaling(corpus: list[str]) -> dict[int, dict[str, Any]]:
    """Peak worker RSS for more and more inputs (links to the same few corpus PDFs)."""
    results = {}
    print(
        f"memory against the number of inputs (--jobs {SCALING_JOBS}, "
        f"--max-pages {SCALING_MAX_PAGES}, links cycling through the first "
        f"{SCALING_COUNTS[0]} corpus PDFs)"
    )
    print(
        f"{'inputs':>7} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'parent RSS':>11}"
        f" {'worker RSS':>11}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for count in SCALING_COUNTS:
            inputs = scaled_inputs(Path(tmp) / str(count), count, corpus[: SCALING_COUNTS[0]])
            r = run_one(
                {
                    "kind": "batch",
                    "inputs": inputs,
                    "jobs": SCALING_JOBS,
                    "max_pages": SCALING_MAX_PAGES,
                }
            )
            results[count] = r
            print(
                f"{count:>7} {r['pages']:>6} {r['seconds']:>8.1f}"
                f" {r['pages'] / r['seconds']:>8.2f} {r['parent_rss_mb']:>8.0f} MB"
                f" {r['worker_rss_mb']:>8.0f} MB"
            )
    return results


if __name__ == "__main__":
    main()
