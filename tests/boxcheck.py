"""Our boxes against an independent source: the character boxes PDFium reports.

For each item, the characters of its quote are found in PDFium's text of its page (the
two texts aligned as the clean-up aligns raw and cleaned text), PDFium's loose boxes of
those characters are joined into lines as ours are, and the two sets of rectangles are
compared by intersection over union. `python -m tests.boxcheck PDF...` prints the share of
items at or above IOU_THRESHOLD per file (it extracts each file first).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from extractor.model import Box, Extraction
from extractor.pages import line_boxes
from extractor.render import PageChars, char_boxes
from extractor.text import align_to_source, normalise_chars_mapped

# An item's boxes agree with PDFium's when their intersection over union is at least this.
IOU_THRESHOLD = 0.8
# Share of items whose boxes must agree, on every corpus PDF.
MIN_AGREEING_SHARE = 0.95


def iou(ours: Sequence[Box], theirs: Sequence[Box]) -> float:
    """Intersection over union of two sets of rectangles (each set's own do not overlap)."""

    def area(box: Box) -> float:
        return max(0.0, box.x1 - box.x0) * max(0.0, box.bottom - box.top)

    inter = 0.0
    for a in ours:
        for b in theirs:
            w = min(a.x1, b.x1) - max(a.x0, b.x0)
            h = min(a.bottom, b.bottom) - max(a.top, b.top)
            if w > 0 and h > 0:
                inter += w * h
    union = sum(map(area, ours)) + sum(map(area, theirs)) - inter
    return inter / union if union > 0 else 0.0


def item_ious(result: Extraction, pdfium_pages: Sequence[PageChars]) -> list[float]:
    """The IoU of every item of `result` that quotes a page with text (0.0 where we gave no
    boxes but PDFium has the characters)."""
    aligned: dict[int, list[int]] = {}
    texts = {page.index: page.text or "" for page in result.pages}
    scores = []
    for item in result.items():
        index = item.page.index
        chars = pdfium_pages[index - 1]
        if index not in aligned:
            source, origin = normalise_chars_mapped(chars.text)
            aligned[index] = [
                origin[i] if i >= 0 else -1 for i in align_to_source(source, texts[index])
            ]
        mapping = aligned[index]
        span = range(item.char_span.start, item.char_span.end)
        found = [chars.boxes[mapping[j]] for j in span if mapping[j] >= 0]
        theirs = line_boxes(
            (box.x0, box.x1, box.top, box.bottom) if box is not None else None for box in found
        )
        if not theirs:
            continue  # PDFium does not have these characters: nothing to compare with
        scores.append(iou(item.boxes, theirs))
    return scores


def agreeing_share(result: Extraction) -> tuple[float, int]:
    """The share of items whose boxes agree with PDFium's, and how many were compared."""
    scores = item_ious(result, char_boxes(result.source.path))
    if not scores:
        return 1.0, 0
    return sum(score >= IOU_THRESHOLD for score in scores) / len(scores), len(scores)


def main(paths: Sequence[str]) -> None:
    from extractor.errors import ExtractorError
    from extractor.extract import extract
    from extractor.nlp.pipeline import build_pipeline

    nlp = build_pipeline()
    for path in paths:
        try:
            result = extract(path, nlp=nlp)
            share, count = agreeing_share(result)
        except ExtractorError as e:
            print(f"{path}: {e}")
            continue
        print(f"{path}: {share:.3f} of {count} items at IoU >= {IOU_THRESHOLD}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
