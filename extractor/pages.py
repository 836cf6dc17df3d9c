"""From a read PDF to cleaned, labelled page texts; and locating items on those pages.

Every item's `page`, `quote` and `char_span` are made by `locate`, so that a quote is
always the exact slice of its page's emitted text that its span names.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extractor.labels import infer_labels, is_bare_label_line
from extractor.model import Box, CharSpan, ExtractionWarning, LabelSource, PageRef
from extractor.pdf import GlyphRun, PdfDocument, RawPage
from extractor.text import (
    align_to_source,
    clean_document,
    find_running_shapes,
    line_shape,
    nlp_text,
    normalise_chars,
    normalise_chars_mapped,
)

# Where one character of a page's cleaned text is drawn: x0, x1, top, bottom in points
# from the page's top-left corner.
CharBox = tuple[float, float, float, float]


# Box coordinates are rounded to this many decimals (points).
BOX_DECIMALS = 2


@dataclass(frozen=True)
class FontRun:
    """A stretch of a page's cleaned text drawn at one font size (points)."""

    start: int
    end: int
    size: float


@dataclass(frozen=True)
class PageText:
    """One page ready for the NLP stage: its label and its cleaned text.

    `glued_markers` are note markers text.py separated from the word before them;
    `font_runs` give the font size of the text where the PDF layer could tell it (sorted,
    not overlapping, white space between runs of one size included), so that superscript
    markers and footnote lines can be told from body text. `char_box` says where a
    character is drawn (from `glyphs` and `raw_offsets`; empty where the PDF layer could
    not tell), `width` and `height` the page's size in points.
    """

    index: int
    label: str | None
    label_source: LabelSource | None
    text: str
    has_text_layer: bool
    glued_markers: tuple[CharSpan, ...] = ()
    font_runs: tuple[FontRun, ...] = ()
    # Where the raw text is drawn, and for each character of `text` its offset in the raw
    # text (-1 where the clean-up made it): together, where each character is drawn.
    glyphs: tuple[GlyphRun, ...] = ()
    raw_offsets: tuple[int, ...] = ()
    width: float | None = None
    height: float | None = None

    @property
    def ref(self) -> PageRef:
        """The page as items refer to it."""
        return PageRef(self.index, self.label)

    @property
    def nlp_text(self) -> str:
        """The text spaCy reads: the page text with soft line wraps as spaces (same length)."""
        return nlp_text(self.text)

    @property
    def word_count(self) -> int:
        """Number of white-space separated words in the text."""
        return len(self.text.split())

    @functools.cached_property
    def _run_starts(self) -> list[int]:
        return [run.start for run in self.font_runs]

    @functools.cached_property
    def _glyph_starts(self) -> list[int]:
        return [glyph.start for glyph in self.glyphs]

    def char_box(self, offset: int) -> CharBox | None:
        """Where the character at `offset` is drawn (x0, x1, top, bottom), or None where
        that is not known; looked up only for the characters of quotes."""
        raw = self.raw_offsets[offset] if 0 <= offset < len(self.raw_offsets) else -1
        i = bisect.bisect_right(self._glyph_starts, raw) - 1
        if raw < 0 or i < 0 or raw >= self.glyphs[i].end:
            return None
        glyph = self.glyphs[i]
        k = raw - glyph.start
        return (glyph.lefts[k], glyph.rights[k], glyph.top, glyph.bottom)

    def size_at(self, offset: int) -> float | None:
        """Font size of the character at `offset`, or None where it is not known."""
        i = bisect.bisect_right(self._run_starts, offset) - 1
        if i >= 0 and offset < self.font_runs[i].end:
            return self.font_runs[i].size
        return None


def font_runs(raw: RawPage, text: str, aligned: Sequence[int] | None = None) -> tuple[FontRun, ...]:
    """Carry the font sizes of a raw page's text over to its cleaned `text`, exactly.

    The cleaned text is aligned with the raw one character by character (white space
    aside); each aligned character takes the size of the raw run it came from. `aligned`
    is that alignment (`raw_offsets`) when the caller has it already.
    """
    if not raw.runs or not text:
        return ()
    if aligned is None:
        aligned = raw_offsets(raw, text)
    raw_sizes = [0.0] * len(raw.text)
    for run in raw.runs:
        raw_sizes[run.start : run.end] = [run.size] * (run.end - run.start)
    runs: list[FontRun] = []
    for j, i in enumerate(aligned):
        if i < 0 or raw_sizes[i] <= 0:
            continue
        size = raw_sizes[i]
        last = runs[-1] if runs else None
        if last is not None and last.size == size and not text[last.end : j].strip():
            runs[-1] = FontRun(last.start, j + 1, size)
        else:
            runs.append(FontRun(j, j + 1, size))
    return tuple(runs)


def raw_offsets(raw: RawPage, text: str) -> list[int]:
    """For each character of the cleaned `text`, the offset in `raw.text` it came from, or -1
    (white space, and characters the clean-up made)."""
    source, origin = normalise_chars_mapped(raw.text)
    return [origin[i] if i >= 0 else -1 for i in align_to_source(source, text)]


def quote_boxes(page: PageText, start: int, end: int) -> tuple[Box, ...]:
    """One rectangle per drawn line that text[start:end] covers, in reading order."""
    stop = min(end, len(page.raw_offsets))
    return line_boxes(
        page.char_box(j) for j in range(max(0, start), stop) if not page.text[j].isspace()
    )


def line_boxes(chars: Iterable[CharBox | None]) -> tuple[Box, ...]:
    """Character boxes (in reading order; None where unknown) joined into one per line.

    A character starts a new line when its box does not overlap the line's by half its
    height, or when it is drawn left of where the line began.
    """
    lines: list[list[float]] = []
    for box in chars:
        if box is None:
            continue
        x0, x1, top, bottom = box
        line = lines[-1] if lines else None
        overlap = 0.0 if line is None else min(bottom, line[3]) - max(top, line[2])
        if line is None or overlap < (bottom - top) / 2 or x1 < line[0]:
            lines.append([x0, x1, top, bottom])
        else:
            line[0], line[1] = min(line[0], x0), max(line[1], x1)
            line[2], line[3] = min(line[2], top), max(line[3], bottom)
    return tuple(
        Box(*(round(value, BOX_DECIMALS) for value in (x0, top, x1, bottom)))
        for x0, x1, top, bottom in lines
    )


def prepare_pages(pdf: PdfDocument) -> tuple[list[PageText], list[ExtractionWarning]]:
    """Clean and label the pages of `pdf`; return them with warnings about the file."""
    lines = [normalise_chars(page.text).split("\n") for page in pdf.pages]
    pdf_labels = (
        [page.pdf_label or "" for page in pdf.pages] if pdf.has_informative_page_labels else None
    )
    labels = infer_labels(lines, pdf_labels)
    running = find_running_shapes(lines)
    drops = []
    for page_lines, label in zip(lines, labels, strict=True):
        line = label.line
        droppable = line is not None and (
            is_bare_label_line(page_lines[line]) or line_shape(page_lines[line]) in running
        )
        drops.append(frozenset({line}) if droppable and line is not None else frozenset())
    cleaned = clean_document(lines, drops)

    pages = [
        PageText(
            index=raw.index,
            label=label.label,
            label_source=label.source,
            text=clean.text,
            has_text_layer=raw.has_text,
            glued_markers=clean.glued_markers,
            **_geometry(raw, clean.text),
        )
        for raw, label, clean in zip(pdf.pages, labels, cleaned, strict=True)
    ]
    return pages, _warnings(pdf, pages)


def _geometry(raw: RawPage, text: str) -> dict[str, Any]:
    """A page's font runs, where its characters are drawn and its size, from one alignment
    with its raw text."""
    aligned = raw_offsets(raw, text) if (raw.runs or raw.glyphs) and text else None
    return {
        "font_runs": font_runs(raw, text, aligned),
        "glyphs": raw.glyphs,
        "raw_offsets": tuple(aligned) if aligned is not None and raw.glyphs else (),
        "width": raw.width,
        "height": raw.height,
    }


def is_image_only(pdf: PdfDocument) -> bool:
    """Whether no page has text although every page could be looked at: a scan or an
    image-only file. A page refused for going past a safety limit may well have text, so
    a file with one is not called image-only."""
    return not any(raw.has_text or raw.refused for raw in pdf.pages)


def _warnings(pdf: PdfDocument, pages: Sequence[PageText]) -> list[ExtractionWarning]:
    warnings = [ExtractionWarning("damaged_file", problem, None) for problem in pdf.problems]
    if is_image_only(pdf):
        warnings.append(
            ExtractionWarning(
                "no_text_layer",
                "no page has a text layer: the PDF is a scan or image-only; run OCR first",
                None,
            )
        )
    for raw in pdf.pages:
        if raw.refused:
            warnings.append(
                ExtractionWarning(
                    "page_refused",
                    f"page {raw.index} was not read: it holds {raw.error} (limits that guard "
                    "against compression bombs); its text is missing",
                    raw.index,
                )
            )
        elif raw.error:
            warnings.append(
                ExtractionWarning(
                    "page_error",
                    f"page {raw.index} could not be read ({raw.error}); its text is missing",
                    raw.index,
                )
            )
        elif not raw.has_text and any(page.has_text_layer for page in pages):
            warnings.append(
                ExtractionWarning(
                    "image_only_page",
                    f"page {raw.index} has no text layer (an image or a blank page)",
                    raw.index,
                )
            )
    if len(pdf.pages) < pdf.page_count:
        warnings.append(
            ExtractionWarning(
                "pages_skipped",
                f"only the first {len(pdf.pages)} of {pdf.page_count} pages were processed",
                None,
            )
        )
    return warnings


def locate(page: PageText, start: int, end: int) -> tuple[PageRef, str, CharSpan]:
    """Return the page reference, exact quote and span of text[start:end], trimmed of spaces."""
    text = page.text
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return page.ref, text[start:end], CharSpan(start, end)


def item_id(prefix: str, page: PageText | PageRef, start: int) -> str:
    """Stable id of an item: its type prefix, page index and start offset."""
    return f"{prefix}-{page.index}-{start}"
