"""How big the review page is per PDF page, for each sample (`make bench`).

The review page embeds a picture of every page that has items, so its size grows with
the document; this measures it on the samples' golden outputs (no spaCy run) and fails
when a page costs more than REVIEW_BYTES_PER_PAGE on average.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from extractor.review import page_images
from extractor.review_html import render_review
from tests.reviewdata import real_extraction

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
# The budget: bytes of review page per page of the PDF, on average over a document.
REVIEW_BYTES_PER_PAGE = 160 * 1024


def main() -> int:
    over = 0
    for pdf in sorted(SAMPLES.glob("*.pdf")):
        extraction = real_extraction(pdf)
        started = time.perf_counter()
        html = render_review(extraction, pdf.name, page_images(extraction, pdf, pdf))
        seconds = time.perf_counter() - started
        size = len(html.encode("utf-8"))
        per_page = size / extraction.source.page_count
        print(
            f"{pdf.name}: {size / 1024:.0f} KiB for {extraction.source.page_count} pages, "
            f"{per_page / 1024:.1f} KiB a page, written in {seconds:.1f} s"
        )
        over += per_page > REVIEW_BYTES_PER_PAGE
    print(f"budget: {REVIEW_BYTES_PER_PAGE // 1024} KiB a page; {over} sample(s) over it")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
