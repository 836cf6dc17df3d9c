"""Benchmark of `extractor extract --jobs N` on one long report (not a test).

Runs the command as a user would (a fresh process each time, pipeline load included) on
the corpus PDF with the most pages, with --jobs 1 and then each N given, and prints the
wall time and CPU time (this process's children) of each, the speed-up over --jobs 1, and
whether the JSON is byte-identical to that of --jobs 1. The load average before each run is
printed too: on a busy machine the speed-up says little.

    .venv/bin/python bench/pagejobs.py            # --jobs 1 and 2
    .venv/bin/python bench/pagejobs.py --jobs 2 3 --pdf other.pdf
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.pdf import count_pdf_pages  # noqa: E402
from tests.conftest import CORPUS_PDFS  # noqa: E402  (the corpus, wherever it is)

EXTRACTOR = Path(sys.executable).with_name("extractor")


def longest_pdf() -> Path:
    """The corpus PDF with the most pages."""
    return max(sorted(CORPUS_PDFS.glob("*.pdf")), key=lambda pdf: count_pdf_pages(pdf) or 0)


def run(pdf: Path, jobs: int, output: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `extractor extract --jobs N`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [str(EXTRACTOR), "-q", "extract", str(pdf), "-o", str(output), "--jobs", str(jobs)],
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, help="default: the corpus PDF with the most pages")
    parser.add_argument("--jobs", type=int, nargs="+", default=[2])
    args = parser.parse_args()
    pdf = args.pdf or longest_pdf()
    print(f"{pdf.name}: {count_pdf_pages(pdf)} pages, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        reference = Path(folder) / "jobs1.json"
        print(f"load average {os.getloadavg()[0]:.2f}")
        base, cpu = run(pdf, 1, reference)
        print(f"--jobs 1: {base:.1f} s wall, {cpu:.1f} s CPU")
        for jobs in args.jobs:
            output = Path(folder) / f"jobs{jobs}.json"
            print(f"load average {os.getloadavg()[0]:.2f}")
            wall, cpu = run(pdf, jobs, output)
            same = output.read_bytes() == reference.read_bytes()
            print(
                f"--jobs {jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU, {base / wall:.2f}x --jobs 1, "
                f"output {'byte-identical' if same else 'DIFFERENT'}"
            )


if __name__ == "__main__":
    main()
