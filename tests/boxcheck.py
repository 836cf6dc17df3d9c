"""Our boxes against an independent source: the character boxes PDFium reports.

For each item, the characters of its quote are found in PDFium's text of its page,
PDFium's loose boxes of
those characters are joined into lines as ours are, and the two sets of rectangles are
compared by intersection over union. `python -m tests.boxcheck PDF...` prints the share of
items at or above IOU_THRESHOLD per file (it extracts each file first).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from extractor.model import Box, Citation, Claim, CostFigure, Example, Extraction
from extractor.pages import line_boxes
from extractor.render import PageChars, char_boxes
from extractor.text import normalise_chars_mapped

Item = CostFigure | Example | Claim | Citation
# An item's boxes agree with PDFium's when their intersection over union is at least this.
IOU_THRESHOLD = 0.8
# Share of items whose boxes must agree, on every corpus PDF.
MIN_AGREEING_SHARE = 0.95
# No one file may fall further below it than this.
MIN_FILE_SHARE = 0.9


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


def item_ious(
    result: Extraction, pdfium_pages: Sequence[PageChars]
) -> list[tuple[float, Item, tuple[Box, ...]]]:
    """The IoU of every item of `result` whose characters PDFium has (0.0 where we gave
    no boxes), with the item and PDFium's boxes for it."""
    scores = []
    for item in result.items():
        chars = pdfium_pages[item.page.index - 1]
        page_text = result.pages[item.page.index - 1].text or ""
        nth = _occurrence(page_text, item.quote, item.char_span.start)
        found = [chars.boxes[k] for k in _pdfium_offsets(chars.text, item.quote, nth)]
        theirs = line_boxes(
            (box.x0, box.x1, box.top, box.bottom) if box is not None else None for box in found
        )
        if not theirs:
            continue  # PDFium does not have these characters: nothing to compare with
        scores.append((iou(item.boxes, theirs), item, theirs))
    return scores


def _occurrence(text: str, quote: str, start: int) -> int:
    """How many times `quote` occurs in `text` before `start` (which one the item is)."""
    return text.count(quote, 0, start + len(quote) - 1) if quote else 0


def _pdfium_offsets(text: str, quote: str, nth: int = 0) -> list[int]:
    """Where the characters of `quote` are in PDFium's `text` of its page: the quote's
    visible characters found as a run among the page's, its `nth` occurrence (PDFium's
    reading order may differ from ours, so the whole page is not aligned), hyphens aside
    where that fails."""
    source, origin = normalise_chars_mapped(text)
    for drop in ("", "-\u00ad"):
        kept = [i for i, c in enumerate(source) if not c.isspace() and c not in drop]
        page = "".join(source[i] for i in kept)
        wanted = "".join(c for c in quote if not c.isspace() and c not in drop)
        at = page.find(wanted) if wanted else -1
        for _ in range(nth):
            if at < 0:
                break
            following = page.find(wanted, at + 1)
            at = following if following >= 0 else at  # fewer in PDFium's text: the last
            if following < 0:
                break
        if at >= 0:
            return [origin[kept[k]] for k in range(at, at + len(wanted))]
    return []


def agreeing_share(result: Extraction) -> tuple[float, int]:
    """The share of items whose boxes agree with PDFium's, and how many were compared."""
    scores = item_ious(result, char_boxes(result.source.path))
    if not scores:
        return 1.0, 0
    return sum(score >= IOU_THRESHOLD for score, _, _ in scores) / len(scores), len(scores)


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
