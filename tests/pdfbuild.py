"""Build small PDFs with exact, known ground truth for tests (test-only, on fpdf2).

A document is declared as data: a `Document` holds `Page`s, each page a list of blocks
(`Heading`, `Paragraph`, `BulletList`, `Box`, `Table`, `Image`) plus its printed number and
its footnotes. `build_pdf` lays it out, one `Page` per physical page, and raises
`LayoutError` rather than letting text overflow onto a page nobody declared. Because the
test wrote every word, it knows exactly what a reader would find on each page.

What it can make, and how:

- printed page numbers: `Page(number="3")` fills `{number}` in the document's `header` /
  `footer` templates (`"\\n"` in a template makes several lines); a page with
  `number=None` prints the template without it, leaving out a line that would be empty
  (a bare `"{number}"`). `Page(running=False)` prints no header or footer at all (a
  cover, an image-only page).
- a pamphlet whose printed numbers run two behind the physical index: a cover and a front
  matter page without numbers, then pages numbered "1", "2", ...
- running headers and footers: `Document(header="Local by Social", footer="NESTA\\n{number}")`.
- a word hyphenated across a line end: write the break yourself, `"a pro-\\ngramme"`
  (`"\\n"` in any paragraph text forces a line break; other breaks wrap at the margin).
- ligatures: write the ligature character itself (`"\\ufb01nal"` for "final"); the bundled
  font has the glyphs, and pypdf reads them back as U+FB01 etc.
- footnote markers glued to a word: `Paragraph(["Councils are online", Sup("1"), "."])`
  draws the marker smaller and raised (fpdf2's superscript: a text rise, no space), and
  `Page(footnotes=[Footnote("1", "Ofcom, 2009.")])` prints the note at the page foot.
  A note that continues onto the next page is a `Footnote(None, "...rest")` there.
- a boxed case study across a page break: `Box("...", title="Case study: Brent",
  open_bottom=True)` at the end of one page and `Box("...", open_top=True)` at the top of
  the next.
- /PageLabels: `Document(page_labels=[LabelRange(1, "r"), LabelRange(3, "D")])`.
- an encrypted file: `Document(user_password="secret")`.
- an image-only page: `Page([Image()], running=False)` (a raster image, no text at all).
- bookmarks: `Heading("Summary", bookmark=True)` adds an outline entry for its page.
- two columns side by side: `Columns(["Welsh text", "English text"])` (the left column is
  drawn first, so the PDF layer reads it first).

The text is set in DejaVu Sans (tests/data/fonts, a subset with its licence), so any
Latin-1, typographic punctuation, currency sign, bullet or ligature character can be used.
Output is deterministic (fixed creation date), so a file's sha256 is stable between runs.

Example::

    from tests.pdfbuild import Document, Footnote, Heading, Page, Paragraph, Sup, build_pdf

    doc = Document(
        header="Local by Social",
        footer="{number}",
        pages=[
            Page([Heading("Local by Social")], running=False),  # cover
            Page([Paragraph("Contents\\nForeword")]),  # front matter, unnumbered
            Page(
                [Paragraph(["Online", Sup("1"), " is the \\ufb01nal pro-\\ngramme."])],
                number="1",
                footnotes=[Footnote("1", "Ofcom, Communications Market Report, 2009.")],
            ),
        ],
    )
    path = build_pdf(doc, tmp_path / "pamphlet.pdf")  # physical page 3 prints "1"
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from PIL import Image as PILImage

FONT_DIR = Path(__file__).resolve().parent / "data" / "fonts"
FONT_FAMILY = "DejaVu"
# A4 in points.
A4 = (595.28, 841.89)
# Line height as a multiple of the font size.
LEADING = 1.4
# The fixed creation date that makes builds byte-for-byte reproducible.
CREATION_DATE = dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc)

LabelStyle = Literal["D", "r", "R", "a", "A"]


class LayoutError(ValueError):
    """The declared content does not fit on its page."""


@dataclass(frozen=True)
class Sup:
    """A superscript run inside a paragraph: a footnote marker glued to the word before it."""

    text: str


Run = str | Sup


@dataclass(frozen=True)
class Heading:
    """A bold heading on its own line; `bookmark=True` also adds an outline entry."""

    text: str
    size: float = 16
    level: int = 1
    bookmark: bool = False


@dataclass(frozen=True)
class Paragraph:
    """Running text that wraps at the margins; `"\\n"` forces a line break.

    `text` is a string or a sequence of runs, where a `Sup` run is a superscript.
    """

    text: str | Sequence[Run]
    size: float | None = None


@dataclass(frozen=True)
class BulletList:
    """A bulleted list, one item per bullet, items wrapping under their own indent."""

    items: Sequence[str | Sequence[Run]]
    bullet: str = "\u2022"


@dataclass(frozen=True)
class Box:
    """A bordered block (a case study, a call-out), with an optional bold title line.

    A box that spans a page break is two boxes: `open_bottom=True` on the first page and
    `open_top=True` on the next, so that the border is drawn as one box cut by the break.
    """

    text: str | Sequence[Run]
    title: str | None = None
    open_top: bool = False
    open_bottom: bool = False


@dataclass(frozen=True)
class Table:
    """Rows of cells on shared baselines; the first row is set in bold as the header row."""

    rows: Sequence[Sequence[str]]
    widths: Sequence[float] | None = None  # in points; default: equal columns


@dataclass(frozen=True)
class Columns:
    """Texts side by side, one column each, drawn one column after the other (as a
    bilingual leaflet sets its two languages); the block ends below the longest."""

    texts: Sequence[str]
    gap: float = 18


@dataclass(frozen=True)
class Image:
    """A raster image (a grey gradient): pixels, no text."""

    width: float = 300
    height: float = 200


Block = Heading | Paragraph | BulletList | Box | Table | Columns | Image


@dataclass(frozen=True)
class Footnote:
    """A note printed at the foot of its page; `marker=None` continues the previous page's note."""

    marker: str | None
    text: str


@dataclass(frozen=True)
class Page:
    """One physical page: its blocks, the number printed on it, and its footnotes."""

    blocks: Sequence[Block] = ()
    number: str | None = None
    footnotes: Sequence[Footnote] = ()
    running: bool = True  # print the document's header and footer on this page


@dataclass(frozen=True)
class LabelRange:
    """A /PageLabels range: from 1-based physical page `first`, `prefix` + number in `style`.

    Styles as in the PDF spec: D decimal, r/R roman, a/A letters.
    """

    first: int
    style: LabelStyle = "D"
    prefix: str = ""
    start: int = 1


@dataclass(frozen=True)
class Document:
    """A whole PDF: pages, running header/footer templates and file-level options."""

    pages: Sequence[Page]
    header: str | None = None
    footer: str | None = None
    title: str | None = None
    author: str | None = None
    page_labels: Sequence[LabelRange] | None = None
    user_password: str | None = None
    owner_password: str | None = None
    page_size: tuple[float, float] = A4
    margin: float = 56
    font_size: float = 10
    note_size: float = 8


def build_pdf(doc: Document, path: str | Path) -> Path:
    """Lay out `doc` and write it to `path`; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf_bytes(doc))
    return path


def pdf_bytes(doc: Document) -> bytes:
    """Lay out `doc` and return the PDF file's bytes."""
    return _Builder(doc).build()


def inflate_page(path: str | Path, index: int, padding: int = 80_000_000) -> Path:
    """Make page `index` (1-based) of the PDF at `path` a compression bomb: its content
    stream keeps its text but gains `padding` spaces, compressed (to about a thousandth), so
    that it decompresses past pypdf's limit (75 MB) and a reader refuses it."""
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    path = Path(path)
    writer = PdfWriter(clone_from=str(path))
    page = writer.pages[index - 1]
    content = page.get_contents()
    data = (content.get_data() if content is not None else b"") + b" " * padding
    stream = StreamObject()
    stream.set_data(zlib.compress(data, 9))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as f:
        writer.write(f)
    return path


def running_lines(template: str | None, number: str | None) -> list[str]:
    """The header or footer lines a page prints: the template's lines with its number.

    A line left empty (a bare "{number}" on an unnumbered page) is not printed.
    """
    if template is None:
        return []
    filled = (
        " ".join(line.replace("{number}", number or "").split()) for line in template.split("\n")
    )
    return [line for line in filled if line]


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.pdf = FPDF(unit="pt", format=doc.page_size)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(doc.margin, doc.margin, doc.margin)
        self.pdf.set_creation_date(CREATION_DATE)
        self.pdf.add_font(FONT_FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.pdf.add_font(FONT_FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        if doc.title:
            self.pdf.set_title(doc.title)
        if doc.author:
            self.pdf.set_author(doc.author)
        if doc.user_password is not None or doc.owner_password is not None:
            self.pdf.set_encryption(
                owner_password=doc.owner_password or doc.user_password or "",
                user_password=doc.user_password,
            )
        self.line_height = doc.font_size * LEADING

    @property
    def width(self) -> float:
        return self.doc.page_size[0] - 2 * self.doc.margin

    @property
    def bottom(self) -> float:
        """Lowest y the body may reach (the footer sits below it)."""
        return self.doc.page_size[1] - self.doc.margin

    def build(self) -> bytes:
        labels = {r.first: r for r in self.doc.page_labels or ()}
        for index, page in enumerate(self.doc.pages, start=1):
            self.pdf.add_page()
            if index in labels:
                r = labels[index]
                self.pdf.set_page_label(r.style, r.prefix or None, r.start)
            self._page(index, page)
        return bytes(self.pdf.output())

    def _font(self, size: float | None = None, bold: bool = False) -> None:
        self.pdf.set_font(FONT_FAMILY, "B" if bold else "", size or self.doc.font_size)

    def _page(self, index: int, page: Page) -> None:
        # Content-stream order is reading order for pypdf: header, body, notes, footer.
        if page.running:
            header = running_lines(self.doc.header, page.number)
            height = self.doc.note_size * LEADING
            self._running(header, self.doc.margin / 2 - height * len(header) / 2)
        self.pdf.set_xy(self.doc.margin, self.doc.margin)
        for block in page.blocks:
            self._block(block)
        body_end = self.pdf.get_y()
        notes_top = self._footnotes(page.footnotes)
        if body_end > notes_top + 0.01:
            raise LayoutError(f"page {index}: the content does not fit on the page")
        if page.running:
            footer = running_lines(self.doc.footer, page.number)
            height = self.doc.note_size * LEADING
            self._running(footer, self.bottom + self.doc.margin / 2 - height * len(footer) / 2)

    def _running(self, lines: Sequence[str], top: float) -> None:
        """Print header or footer lines, centred, from `top` down."""
        self.pdf.set_font(FONT_FAMILY, "", self.doc.note_size)
        height = self.doc.note_size * LEADING
        for number, line in enumerate(lines):
            self.pdf.set_xy(self.doc.margin, top + number * height)
            self.pdf.cell(self.width, height, line, align="C")

    def _block(self, block: Block) -> None:
        if isinstance(block, Heading):
            self._heading(block)
        elif isinstance(block, Paragraph):
            self._font(block.size)
            self._runs(block.text, (block.size or self.doc.font_size) * LEADING)
        elif isinstance(block, BulletList):
            self._bullets(block)
        elif isinstance(block, Box):
            self._box(block)
        elif isinstance(block, Table):
            self._table(block)
        elif isinstance(block, Columns):
            self._columns(block)
        else:
            self._image(block)
        self.pdf.set_xy(self.doc.margin, self.pdf.get_y() + self.doc.font_size * 0.6)

    def _heading(self, heading: Heading) -> None:
        if heading.bookmark:
            self.pdf.start_section(heading.text, level=heading.level - 1)
        self._font(heading.size, bold=True)
        self.pdf.multi_cell(self.width, heading.size * LEADING, heading.text, align="L")

    def _runs(self, text: str | Sequence[Run], height: float) -> None:
        """Write text runs from the current position, wrapping at the margins."""
        for run in [text] if isinstance(text, str) else text:
            if isinstance(run, Sup):
                self.pdf.char_vpos = "SUP"
                self.pdf.write(height, run.text)
                self.pdf.char_vpos = "LINE"
            else:
                self.pdf.write(height, run)
        self.pdf.ln(height)

    def _bullets(self, bullets: BulletList) -> None:
        indent = self.doc.font_size * 1.5
        self._font()
        for item in bullets.items:
            self.pdf.set_x(self.doc.margin)
            self.pdf.cell(indent, self.line_height, bullets.bullet)
            self.pdf.set_left_margin(self.doc.margin + indent)
            self._runs(item, self.line_height)
            self.pdf.set_left_margin(self.doc.margin)

    def _box(self, box: Box) -> None:
        pad = self.doc.font_size * 0.8
        top = self.pdf.get_y()
        left, right = self.doc.margin, self.doc.page_size[0] - self.doc.margin
        self.pdf.set_left_margin(left + pad)
        self.pdf.set_right_margin(self.doc.margin + pad)
        self.pdf.set_xy(left + pad, top + pad)
        if box.title:
            self._font(bold=True)
            self.pdf.multi_cell(self.width - 2 * pad, self.line_height, box.title, align="L")
            self.pdf.set_x(left + pad)
        self._font()
        self._runs(box.text, self.line_height)
        self.pdf.set_left_margin(self.doc.margin)
        self.pdf.set_right_margin(self.doc.margin)
        bottom = self.pdf.get_y() + pad
        self.pdf.line(left, top, left, bottom)
        self.pdf.line(right, top, right, bottom)
        if not box.open_top:
            self.pdf.line(left, top, right, top)
        if not box.open_bottom:
            self.pdf.line(left, bottom, right, bottom)
        self.pdf.set_xy(self.doc.margin, bottom)

    def _table(self, table: Table) -> None:
        columns = max(len(row) for row in table.rows)
        widths = list(table.widths or [self.width / columns] * columns)
        for number, row in enumerate(table.rows):
            self._font(bold=number == 0)
            self.pdf.set_x(self.doc.margin)
            for cell, width in zip(row, widths, strict=False):
                self.pdf.cell(width, self.line_height, cell)
            self.pdf.ln(self.line_height)

    def _columns(self, columns: Columns) -> None:
        count = len(columns.texts)
        width = (self.width - columns.gap * (count - 1)) / count
        top = self.pdf.get_y()
        lowest = top
        self._font()
        for number, text in enumerate(columns.texts):
            self.pdf.set_xy(self.doc.margin + number * (width + columns.gap), top)
            self.pdf.multi_cell(width, self.line_height, text, align="L")
            lowest = max(lowest, self.pdf.get_y())
        self.pdf.set_xy(self.doc.margin, lowest)

    def _image(self, image: Image) -> None:
        pixels = PILImage.linear_gradient("L").resize((64, 64))
        self.pdf.image(pixels, x=self.doc.margin, w=image.width, h=image.height)

    def _footnotes(self, notes: Sequence[Footnote]) -> float:
        """Print the notes at the page foot, above the footer; return their top y."""
        if not notes:
            return self.bottom
        size = self.doc.note_size
        height = size * LEADING
        self.pdf.set_font(FONT_FAMILY, "", size)
        texts = [f"{n.marker} {n.text}" if n.marker else n.text for n in notes]
        lines = 0
        for text in texts:
            wrapped = self.pdf.multi_cell(self.width, height, text, dry_run=True, output="LINES")
            assert isinstance(wrapped, list)
            lines += len(wrapped)
        top = self.bottom - lines * height
        rule_y = top - size * 0.5
        self.pdf.line(self.doc.margin, rule_y, self.doc.margin + self.width / 3, rule_y)
        self.pdf.set_xy(self.doc.margin, top)
        for text in texts:
            self.pdf.set_x(self.doc.margin)
            self.pdf.multi_cell(self.width, height, text, align="L")
        return rule_y - size * 0.5
