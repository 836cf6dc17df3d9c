"""Benchmark of `extractor batch` (run by `make bench`; not a test).

Prints, for --jobs 1 and --jobs 2 over the corpus PDFs: pages/s, files/s, peak RSS of
the batch process and of its busiest worker; the ratio of our end-to-end time to pypdf's
bare `extract_text()` over the same pages, timed in the same run; and the peak RSS per
worker for 10, 50 and 200 input files, which should stay flat (workers hold one file at a
time, the batch process holds no results).

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

from tests.conftest import CORPUS_PDFS  # noqa: E402  (the corpus, wherever it is)

# Pages read per file in the 10-vs-200-files comparison, to keep it to a minute or two.
SCALING_MAX_PAGES = 3
SCALING_COUNTS = (10, 50, 200)
SCALING_JOBS = 2


def measure_batch(inputs: list[str], jobs: int, max_pages: int | None) -> dict[str, Any]:
    """Run one batch into a fresh folder and return its figures."""
    from extractor.batch import BatchSettings, run_batch

    with tempfile.TemporaryDirectory() as out:
        settings = BatchSettings(Path(out), jobs=jobs, max_pages=max_pages, timeout=None)
        cpu_start = cpu_seconds()
        start = time.perf_counter()
        report = run_batch(inputs, settings)
        seconds = time.perf_counter() - start
        cpu = cpu_seconds() - cpu_start
    return {
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
    print()
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
            print(
                f"{count:>7} {r['pages']:>6} {r['seconds']:>8.1f}"
                f" {r['pages'] / r['seconds']:>8.2f} {r['parent_rss_mb']:>8.0f} MB"
                f" {r['worker_rss_mb']:>8.0f} MB"
            )


if __name__ == "__main__":
    main()
