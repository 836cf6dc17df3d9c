"""Pictures of PDF pages: the only module that imports pypdfium2 (and Pillow to draw).

pypdf reads text but cannot draw a page; PDFium draws it as a viewer would. `page_image`
renders one page, `draw_boxes` outlines items' boxes on it, `render_png` does both and
writes a PNG atomically, and `page_jpeg` gives the small picture the review page embeds.
`char_boxes` reports PDFium's own box for every character of a page: an independent
source that tests hold our boxes (from pypdf's text pass) against.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from extractor.errors import EncryptedPdfError, PageNumberError, PdfFormatError
from extractor.model import Box
from extractor.output import write_bytes_atomic
from extractor.pdf import check_input_file

logger = logging.getLogger(__name__)

# Pixels per point of a rendered page: 2 is 144 dpi, sharp on screen.
DEFAULT_SCALE = 2.0
# The review page's pictures: 1.1 px a point (80 dpi) in greyscale JPEG of this quality
# keeps a dense A4 page near 65 kB (90 kB as base64) yet legible beside the item list.
REVIEW_SCALE = 1.1
REVIEW_JPEG_QUALITY = 50
# How boxes are drawn: outline colour (RGBA) and width in pixels.
BOX_COLOUR = (220, 30, 30, 255)
BOX_LINE_WIDTH = 2


@dataclass(frozen=True)
class PageChars:
    """PDFium's reading of one page: its text, and each character's box (or None for the
    line breaks PDFium makes up), in points from the page's top-left corner."""

    text: str
    boxes: tuple[Box | None, ...]


@contextmanager
def open_document(path: str | Path, password: str | None = None) -> Iterator[pdfium.PdfDocument]:
    """Open a PDF with PDFium; its errors become extractor's, naming the file."""
    path = Path(path)
    check_input_file(path)
    try:
        document = pdfium.PdfDocument(path, password=password)
    except pdfium.PdfiumError as e:
        message = str(e).lower()
        if "password" in message:
            raise EncryptedPdfError(
                "encrypted, and the password given is wrong"
                if password
                else "encrypted; a password is needed (pass --password)",
                path,
            ) from e
        raise PdfFormatError("corrupt or truncated PDF (PDFium cannot open it)", path) from e
    try:
        yield document
    finally:
        document.close()


def _page(document: pdfium.PdfDocument, index: int, path: Path) -> pdfium.PdfPage:
    if not 1 <= index <= len(document):
        raise PageNumberError(f"has no page {index} (it has {len(document)})", path)
    return document[index - 1]


def page_image(
    path: str | Path, index: int, scale: float = DEFAULT_SCALE, password: str | None = None
) -> Image.Image:
    """Page `index` (1-based) of the PDF at `path` drawn at `scale` pixels per point."""
    with open_document(path, password) as document:
        page = _page(document, index, Path(path))
        image: Image.Image = page.render(scale=scale).to_pil()
        return image.convert("RGB")


def draw_boxes(image: Image.Image, boxes: Iterable[Box], scale: float) -> Image.Image:
    """A copy of `image` (a page drawn at `scale`) with each box outlined."""
    out = image.copy()
    pen = ImageDraw.Draw(out)
    for box in boxes:
        pen.rectangle(
            (box.x0 * scale, box.top * scale, box.x1 * scale, box.bottom * scale),
            outline=BOX_COLOUR,
            width=BOX_LINE_WIDTH,
        )
    return out


def render_png(
    path: str | Path,
    index: int,
    output: str | Path,
    boxes: Iterable[Box] = (),
    scale: float = DEFAULT_SCALE,
    password: str | None = None,
) -> Path:
    """Draw page `index` with `boxes` outlined and write it to `output` as PNG, atomically."""
    image = draw_boxes(page_image(path, index, scale, password), boxes, scale)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return write_bytes_atomic(output, buffer.getvalue())


def page_jpegs(
    path: str | Path, indexes: Iterable[int], password: str | None = None
) -> dict[int, bytes]:
    """Small greyscale JPEGs of the given pages for the review page (REVIEW_SCALE), opening
    the file once. A page PDFium cannot draw is left out."""
    out: dict[int, bytes] = {}
    with open_document(path, password) as document:
        for index in indexes:
            try:
                page = _page(document, index, Path(path))
                image = page.render(scale=REVIEW_SCALE, grayscale=True).to_pil().convert("L")
            except (pdfium.PdfiumError, PageNumberError):
                logger.debug("page %d cannot be drawn", index, exc_info=True)
                continue
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=REVIEW_JPEG_QUALITY, optimize=True)
            out[index] = buffer.getvalue()
    return out


def char_boxes(path: str | Path, password: str | None = None) -> list[PageChars]:
    """PDFium's text and loose character boxes (font ascent to descent) of every page."""
    pages = []
    with open_document(path, password) as document:
        for page in document:
            left, _, _, top = page.get_bbox()
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count else ""
            boxes: list[Box | None] = []
            for i in range(count):
                x0, y0, x1, y1 = textpage.get_charbox(i, loose=True)
                boxes.append(None if x1 <= x0 else Box(x0 - left, top - y1, x1 - left, top - y0))
            if len(text) != len(boxes):  # PDFium's text differs from its characters
                text, boxes = "", []
            pages.append(PageChars(text, tuple(boxes)))
    return pages


__all__ = [
    "PageChars",
    "char_boxes",
    "draw_boxes",
    "page_image",
    "page_jpegs",
    "render_png",
]
