"""The PDF layer: the only module that imports pypdf.

`read_pdf` opens a file, checks it is a readable PDF, and returns its raw per-page text,
/PageLabels, metadata and outline. It never raises a pypdf exception: a problem with the
whole file becomes an ExtractorError naming the file, a problem with one page becomes a
RawPage with `error` set, so that one broken page does not cost the others. pypdf's own
wording ("cannot fit 'int' into an index-sized integer") is put in a reader's words
(`plain_words`); the original stays in the exception chain and the debug log (--debug).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import logging
import math
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pypdf
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import Destination, DictionaryObject, NameObject, StreamObject
from pypdf.generic._font import Font  # widths and ascent of a font resource, as pypdf reads them

from extractor.errors import EncryptedPdfError, InputFileError, PdfFormatError
from extractor.model import PdfMetadata

logger = logging.getLogger(__name__)
# pypdf reports the repairs it makes ("xref table not zero-indexed") through its logger. With
# no handler on the way, Python's last-resort handler would print them to stderr from the API;
# this one keeps them in logging, for the application to show (the CLI does with -v).
logging.getLogger("pypdf").addHandler(logging.NullHandler())


class _QuietThreads(logging.Filter):
    """Drops pypdf's notes made in threads that only count pages (`count_pdf_pages`): the same
    file's repairs are noted again when it is read."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread not in self.threads


_counting_threads = _QuietThreads()
# A logger's filters see only its own records, not its children's: each pypdf module logs
# to a logger named after it.
for _name in [n for n in sys.modules if n.split(".")[0] == "pypdf"]:
    logging.getLogger(_name).addFilter(_counting_threads)

# How far into the file a PDF header may start (the PDF spec allows leading junk; readers
# such as Acrobat look in the first 1024 bytes).
HEADER_SEARCH_BYTES = 1024
# How far from the end of a file its %%EOF marker may be.
EOF_SEARCH_BYTES = 2048
# A page whose text has fewer non-space characters than this has no usable text layer.
MIN_TEXT_CHARS = 1
# Font sizes are rounded to this many decimals (points), so that runs of one size merge.
SIZE_DECIMALS = 1
# pypdf parses every drawing operator of a page's form XObjects once a visitor is attached
# (25 times slower on a page with a large vector drawing). Pages whose text-free forms hold
# more content than this are read without font sizes.
MAX_DRAWING_BYTES_FOR_SIZES = 200_000
# A font's metrics where pypdf cannot read them, in 1/1000 of the font size: a typical
# glyph width, and the ascent above and descent below the baseline.
DEFAULT_GLYPH_WIDTH = 500.0
DEFAULT_ASCENT = 700.0
DEFAULT_DESCENT = -200.0
# How deep form XObjects nested in forms are followed when measuring them.
MAX_FORM_DEPTH = 4
# How many pages from the front have their layout (font sizes, positions) read: enough for
# a cover, a title page and an imprint page.
LAYOUT_PAGES = 3
# Two pieces of text drawn on one baseline that pypdf put on lines of their own (some
# generators draw each word apart: "People\n \nsaw") are one line when the gap between
# them is at most this share of the text's height: a word space, not a column or a
# table's gap. Their baselines may differ by the second share of the height, their
# heights by the third (more is another size: a marker, a heading run into its text).
MAX_WORD_GAP_HEIGHTS = 0.5
MAX_BASELINE_SHIFT_HEIGHTS = 0.1
MAX_SIZE_CHANGE_HEIGHTS = 0.2
# What pypdf's errors mean, in a reader's words: a pattern searched in "<exception class>:
# <message>", and a phrase that completes "corrupt or truncated PDF (...)" and "page 3 could
# not be read (...)". The first match wins; PLAIN_DEFAULT when none does.
PLAIN_WORDS: tuple[tuple[str, str], ...] = (
    (
        r"decompress|decoding work|output length",
        "content that would decompress past the PDF reader's safety limit",
    ),
    (r"cycl|loop|self reference|recursion", "a loop in the file's structure"),
    (r"LimitReachedError", "more content than the PDF reader's safety limits allow"),
    (
        r"ended unexpectedly|unexpected end|EOF|truncated|premature",
        "data that ends too early",
    ),
    (r"[Ee]ncrypt|RC4|AES|/P entry|key size", "a damaged encryption dictionary"),
    (r"Root object|/Root|catalog", "a missing or damaged catalogue (/Root)"),
    (r"startxref|xref|trailer|Trailer", "a damaged cross-reference table"),
    (
        r"index-sized integer|too large to convert|int too large|Overflow",
        "a number too large to be real",
    ),
    (r"/Pages|/Kids|/Count|page tree|[Pp]age number", "a damaged page tree"),
    (
        r"zlib|while decompressing|header check|invalid (?:stored|distance|code|block)",
        "a damaged compressed stream",
    ),
    (r"[Ff]ont|cmap|CMap|ToUnicode|encoding", "a damaged font"),
)
PLAIN_DEFAULT = "damaged objects"
# The standard security handler (ISO 32000-2, 7.6.4): its algorithm versions (/V), its
# revisions (/R), and the length in bytes of /O and /U each revision needs at least.
ENCRYPTION_VERSIONS = frozenset({1, 2, 3, 4, 5})
ENCRYPTION_REVISIONS = {2: 32, 3: 32, 4: 32, 5: 48, 6: 48}
# Bits 1 and 2 of the permissions (/P), which the standard says must be 0.
RESERVED_ZERO_PERMISSION_BITS = 0b11


@dataclass(frozen=True)
class TextRun:
    """A stretch of a page's raw text drawn at one font size, in points.

    `start` and `end` are offsets into `RawPage.text`. Later stages use the sizes to tell
    superscript note markers and footnote lines from body text.
    """

    start: int
    end: int
    size: float


@dataclass(frozen=True)
class GlyphRun:
    """Where a piece of a page's raw text is drawn: one baseline, in PDF points from the
    page's top-left corner.

    `start` and `end` are offsets into `RawPage.text`; `lefts` and `rights` hold each
    character's left and right edge, from the font's widths; `top` and `bottom` come from
    its ascent and descent.
    """

    start: int
    end: int
    top: float
    bottom: float
    lefts: tuple[float, ...]
    rights: tuple[float, ...]


@dataclass(frozen=True)
class StyledLine:
    """One line of text as drawn on the page: what it says, how big, and where.

    `top` is the distance of its baseline from the top of the page, in points; lines are in
    reading order (top to bottom, then left to right).
    """

    text: str
    size: float
    top: float
    left: float


@dataclass(frozen=True)
class RawPage:
    """One page as pypdf gives it, with the font size of its text where pypdf reports it
    (`runs`) and, on the first LAYOUT_PAGES pages, its lines as drawn (`lines`)."""

    index: int
    text: str
    pdf_label: str | None
    error: str | None
    runs: tuple[TextRun, ...] = ()
    lines: tuple[StyledLine, ...] = ()
    # The page was not read because its content goes past a safety limit (a compression
    # bomb, say), not because it is damaged: it may well have text.
    refused: bool = False
    # The page's size in points (its media box), where it could be read.
    width: float | None = None
    height: float | None = None
    # Where each piece of `text` is drawn, when the pieces add up to the text (as `runs`).
    glyphs: tuple[GlyphRun, ...] = ()

    @property
    def has_text(self) -> bool:
        """Whether the page has any extractable text."""
        return len(self.text.strip()) >= MIN_TEXT_CHARS


@dataclass(frozen=True)
class OutlineEntry:
    """One bookmark: its title, nesting level (1 = top) and 1-based page index, if any."""

    title: str
    level: int
    page_index: int | None


@dataclass(frozen=True)
class PdfDocument:
    """Everything extractor reads from a PDF file, before any clean-up."""

    path: Path
    sha256: str
    size: int
    page_count: int
    encrypted: bool
    pdf_version: str | None
    metadata: PdfMetadata
    outline: tuple[OutlineEntry, ...]
    pages: tuple[RawPage, ...]
    has_informative_page_labels: bool
    problems: tuple[str, ...]


def file_sha256(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_input_file(path: Path) -> int:
    """Raise InputFileError unless `path` is a readable, non-empty file; return its size."""
    if not path.exists():
        raise InputFileError("no such file", path)
    if path.is_dir():
        raise InputFileError("is a directory, not a PDF file", path)
    if not path.is_file():
        raise InputFileError("is not a regular file", path)
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except PermissionError as e:
        raise InputFileError("cannot be read: permission denied", path) from e
    except OSError as e:
        raise InputFileError(f"cannot be read: {e.strerror or e}", path) from e
    if size == 0:
        raise InputFileError("is empty (0 bytes)", path)
    return size


# Reads the first `count` pages of a PDF that opened and checked out (`read_pdf`), in page
# order, telling `on_page` as they come; `extract --jobs` hands them to worker processes.
PagesReader = Callable[[int, Callable[[int, int], None] | None], Sequence[RawPage]]


def read_pdf(
    path: str | Path,
    password: str | None = None,
    max_pages: int | None = None,
    on_page: Callable[[int, int], None] | None = None,
    read_pages: PagesReader | None = None,
) -> PdfDocument:
    """Open `path` and read the text, labels, metadata and outline of its pages.

    `on_page(read, count)` is called after each page is read, with the pages read so far
    and the number that will be (a progress display's figures). `read_pages` reads the
    pages instead of this process, once the file has opened (see `read_page_range`)."""
    path = Path(path)
    opened = _open(path, password)
    reader, page_count = opened.reader, opened.page_count
    labels = _page_labels(reader, page_count)
    count = page_count if max_pages is None else min(page_count, max_pages)
    if read_pages is not None:
        pages = list(read_pages(count, on_page))
    else:
        pages = _read_pages(reader, range(count), labels, on_page, count)
    return PdfDocument(
        path=path,
        sha256=file_sha256(path),
        size=opened.size,
        page_count=page_count,
        encrypted=opened.encrypted,
        pdf_version=_pdf_version(opened.head),
        metadata=_metadata(reader),
        outline=tuple(_outline(reader)),
        pages=tuple(pages),
        has_informative_page_labels=labels is not None,
        problems=opened.problems,
    )


@dataclass(frozen=True)
class _Opened:
    """A PDF file opened, decrypted and checked to have pages, with what was noticed."""

    reader: pypdf.PdfReader
    size: int
    head: bytes
    page_count: int
    encrypted: bool
    problems: tuple[str, ...]


def _open(path: Path, password: str | None) -> _Opened:
    """Open and decrypt the PDF at `path`; raise an ExtractorError naming it when the file
    is not a PDF, is damaged beyond repair, has no pages or cannot be decrypted."""
    size = check_input_file(path)
    head, tail = _head_and_tail(path)
    problems: list[str] = []
    has_header = b"%PDF-" in head
    if not has_header:
        if b"obj" not in head and b"obj" not in tail and b"%%EOF" not in tail:
            raise PdfFormatError(f"not a PDF file (starts with {_describe_bytes(head)})", path)
        problems.append("the PDF header is damaged; the file was read in recovery mode")
    if b"%%EOF" not in tail:
        problems.append("the file does not end with %%EOF; it may be truncated")

    reader = _open_reader(path, strict=has_header)
    encrypted = _decrypt(reader, path, password)
    try:
        page_count = len(reader.pages)
    except Exception as e:  # pypdf raises many kinds on a damaged page tree
        raise PdfFormatError(
            f"corrupt or truncated PDF: cannot read its pages ({plain_words(e)})", path
        ) from e
    if page_count == 0:
        raise PdfFormatError("corrupt or truncated PDF: no pages could be read", path)
    return _Opened(reader, size, head, page_count, encrypted, tuple(problems))


def _read_pages(
    reader: pypdf.PdfReader,
    indexes: Sequence[int],
    labels: list[str] | None,
    on_page: Callable[[int, int], None] | None = None,
    count: int = 0,
    caches: _PageCaches | None = None,
) -> list[RawPage]:
    caches = caches if caches is not None else _PageCaches()
    drawing_bytes, fonts = caches.drawing_bytes, caches.fonts
    pages = []
    for done, i in enumerate(indexes, 1):
        pages.append(_read_page(reader, i, labels, drawing_bytes, fonts))
        if on_page is not None:
            on_page(done, count)
    return pages


@dataclass
class _PageCaches:
    """What reading one page learns that the next pages of the file reuse: the size of its
    drawings and the metrics of its fonts, by object. They change no result."""

    drawing_bytes: dict[int, int] = field(default_factory=dict)
    fonts: dict[int, tuple[Any, _FontMetrics]] = field(default_factory=dict)


@dataclass
class _KeptReader:
    """A PDF opened for `read_page_range`, kept for the next share of the same file."""

    key: tuple[str, str | None, int, int]
    reader: pypdf.PdfReader
    labels: list[str] | None
    caches: _PageCaches


# The file a worker of `extract --jobs` read its last share of pages from. Opening it for
# every share read its cross-reference table, page labels and fonts again: on an 80-page
# report, 8 shares took 2.2 s where one took 1.6 s.
_kept_reader: _KeptReader | None = None


def read_page_range(
    path: str | Path, password: str | None, indexes: Sequence[int]
) -> list[RawPage]:
    """Read the pages of `indexes` (0-based) of a PDF that `read_pdf` opened, as it would:
    what a worker process of `extract --jobs` runs on its share of the pages. Each page is
    read on its own (only the caches of fonts and drawings are shared between pages, and
    they change no result), so any split of the pages gives the same pages. The file stays
    open for the next share of it (the same path, size and modification time) until
    `forget_kept_reader`."""
    global _kept_reader
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), password, stat.st_size, stat.st_mtime_ns)
    if _kept_reader is None or _kept_reader.key != key:
        _kept_reader = None
        head, _ = _head_and_tail(path)
        reader = _open_reader(path, strict=b"%PDF-" in head)
        _decrypt(reader, path, password)
        labels = _page_labels(reader, len(reader.pages))
        _kept_reader = _KeptReader(key, reader, labels, _PageCaches())
    kept = _kept_reader
    return _read_pages(kept.reader, indexes, kept.labels, caches=kept.caches)


def forget_kept_reader() -> None:
    """Close the file `read_page_range` kept open (its pages are read)."""
    global _kept_reader
    _kept_reader = None


def count_pdf_pages(path: str | Path) -> int | None:
    """The number of pages of the PDF at `path`, read from its page tree without reading the
    pages (a few milliseconds to a tenth of a second); None when it cannot be had (not a PDF,
    damaged, encrypted): the caller goes without, as this is only an estimate of the work."""
    thread = threading.get_ident()
    _counting_threads.threads.add(thread)
    try:
        return len(pypdf.PdfReader(path, strict=False).pages)
    except Exception:  # pypdf raises many kinds on damaged input
        return None
    finally:
        _counting_threads.threads.discard(thread)


def read_page_texts(
    path: str | Path, password: str | None = None, max_pages: int | None = None
) -> list[str]:
    """Return pypdf's bare `extract_text()` of each page ('' for a failed page): no visitor,
    no positions, no sizes, so that its time is pypdf's own (what `make bench` compares our
    time with). The file is opened and checked as `read_pdf` does, and raises alike."""
    opened = _open(Path(path), password)
    reader, count = opened.reader, opened.page_count
    if max_pages is not None:
        count = min(count, max_pages)
    texts = []
    for i in range(count):
        try:
            texts.append(reader.pages[i].extract_text() or "")
        except RecursionError:
            texts.append("")
        except Exception:  # a broken content stream must not cost the other pages
            logger.debug("page %d failed", i + 1, exc_info=True)
            texts.append("")
    return texts


def _head_and_tail(path: Path) -> tuple[bytes, bytes]:
    with path.open("rb") as f:
        head = f.read(HEADER_SEARCH_BYTES)
        f.seek(0, 2)
        end = f.tell()
        f.seek(max(0, end - EOF_SEARCH_BYTES))
        tail = f.read()
    return head, tail


def _describe_bytes(head: bytes) -> str:
    sample = head[:8]
    if all(32 <= b < 127 or b in b"\t\r\n" for b in sample):
        return repr(sample.decode("ascii"))
    return "bytes " + sample.hex(" ")


def _pdf_version(head: bytes) -> str | None:
    match = re.search(rb"%PDF-(\d\.\d)", head)
    return match.group(1).decode("ascii") if match else None


def _open_reader(path: Path, strict: bool) -> pypdf.PdfReader:
    # strict=False lets pypdf rebuild a damaged cross-reference table; with an intact header
    # we still try strict first so that a healthy file is read exactly as written.
    attempts = (True, False) if strict else (False,)
    last_error: Exception | None = None
    for attempt_strict in attempts:
        try:
            reader = pypdf.PdfReader(path, strict=attempt_strict)
            if not reader.is_encrypted:
                # Touch the catalogue so that a broken file fails here, not later (an
                # encrypted one can only be checked once it is decrypted).
                _ = reader.root_object
            return reader
        except Exception as e:  # pypdf raises many kinds on damaged input
            last_error = e
    if isinstance(last_error, NotImplementedError) and "only Standard" in str(last_error):
        raise EncryptedPdfError(
            "encrypted for certificates (public-key security), which extractor cannot open", path
        ) from last_error
    raise PdfFormatError(
        f"corrupt or truncated PDF ({plain_words(last_error)})", path
    ) from last_error


def _decrypt(reader: pypdf.PdfReader, path: Path, password: str | None) -> bool:
    """Decrypt an encrypted file. The /Encrypt dictionary is examined only when that fails,
    so that our checks never refuse a file that opens: a damaged one is corrupt_pdf (exit
    5), not "a password is needed"."""
    if not reader.is_encrypted:
        return False
    try:
        result = reader.decrypt(password or "")
    except (PyPdfError, NotImplementedError, ValueError) as e:
        _raise_if_damaged(reader, path)
        raise EncryptedPdfError(
            f"encrypted with a method extractor cannot open ({plain_words(e)})", path
        ) from e
    if result == 0:
        _raise_if_damaged(reader, path)
        if password:
            raise EncryptedPdfError("encrypted, and the password given is wrong", path)
        raise EncryptedPdfError("encrypted; a password is needed", path, parameter="password")
    return True


def _raise_if_damaged(reader: pypdf.PdfReader, path: Path) -> None:
    damage = _encryption_damage(reader)
    if damage is not None:
        raise PdfFormatError(f"corrupt PDF: its encryption dictionary is damaged ({damage})", path)


def _read_page(
    reader: pypdf.PdfReader,
    i: int,
    labels: list[str] | None,
    drawing_bytes: dict[int, int],
    fonts: dict[int, tuple[Any, _FontMetrics]],
) -> RawPage:
    label = labels[i] if labels is not None else None
    # One visitor pass gives all three: each piece of text with its size, its position and
    # where its characters are drawn.
    pieces: list[_Piece] = []
    pen = _Pen(fonts)
    before = pen.see

    def visit(text: str, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        placed = pen.take(text)
        pieces.append(_piece(text, cm, tm, font, font_size, fonts, pen, placed))
        pen.offsets = 0.0

    width = height = None
    try:
        page = reader.pages[i]
        pen.page_fonts = _page_fonts(page)
        box = page.mediabox
        left, top = float(box.left), float(box.top)
        width, height = abs(float(box.width)), abs(float(box.height))
        layout = i < LAYOUT_PAGES
        # A cover's drawing is worth the slow pass: the title is read from its lines.
        if not layout and _drawing_bytes(page, drawing_bytes) > MAX_DRAWING_BYTES_FOR_SIZES:
            # The text as ever, without sizes (they would change what later stages decide);
            # positions come from a second pass that leaves the drawings out.
            text = page.extract_text() or ""
            with _without_drawings(page):
                page.extract_text(visitor_text=visit, visitor_operand_before=before)
            glyphs = _glyph_runs(pieces, left, top) if _adds_up(pieces, text) else ()
            text = join_split_lines(text, glyphs)
            return RawPage(i + 1, text, label, None, width=width, height=height, glyphs=glyphs)
        text = page.extract_text(visitor_text=visit, visitor_operand_before=before) or ""
        lines = _styled_lines([(p.text, p.size, p.x, p.y) for p in pieces], top) if layout else ()
    except RecursionError:
        return RawPage(i + 1, "", label, "content nested too deeply to read")
    except Exception as e:  # a broken content stream must not cost the other pages
        logger.debug("page %d failed", i + 1, exc_info=True)
        return RawPage(i + 1, "", label, plain_words(e), refused=_refused(e))
    runs = _text_runs(text, [(p.text, p.size) for p in pieces])
    glyphs = _glyph_runs(pieces, left, top) if runs else ()
    return RawPage(
        i + 1,
        join_split_lines(text, glyphs),
        label,
        None,
        runs,
        lines,
        width=width,
        height=height,
        glyphs=glyphs,
    )


def join_split_lines(text: str, glyphs: Sequence[GlyphRun]) -> str:
    """`text` with each line break that pypdf put between two runs of glyphs drawn on one
    baseline a word space apart (MAX_WORD_GAP_HEIGHTS) made a space. Only breaks with
    nothing but white space around them change, each character to one space, so the text
    keeps its length and every offset into it (runs, glyphs) still holds."""
    chars: list[str] | None = None
    for before, after in itertools.pairwise(glyphs):
        between = text[before.end : after.start]
        if "\n" not in between or between.strip() or not before.rights or not after.lefts:
            continue
        height = before.bottom - before.top
        if height <= 0 or abs(after.bottom - before.bottom) > MAX_BASELINE_SHIFT_HEIGHTS * height:
            continue
        if abs((after.bottom - after.top) - height) > MAX_SIZE_CHANGE_HEIGHTS * height:
            continue
        if 0 <= after.lefts[0] - before.rights[-1] <= MAX_WORD_GAP_HEIGHTS * height:
            chars = chars if chars is not None else list(text)
            chars[before.end : after.start] = " " * len(between)
    return text if chars is None else "".join(chars)


def _adds_up(pieces: list[_Piece], text: str) -> bool:
    return "".join(piece.text for piece in pieces) == text


@contextmanager
def _without_drawings(page: Any) -> Iterator[None]:
    """Blank a page's text-free form XObjects (large vector drawings) while inside, so that
    a visitor pass over its text is as quick as a plain one; the text is the same, as the
    hidden forms hold none. The page's resources are put back on the way out."""
    resources = page.get("/Resources")
    try:
        resources = resources.get_object() if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        xobjects = xobjects.get_object() if xobjects is not None else None
    except Exception:
        xobjects = None
    if resources is None or not isinstance(xobjects, DictionaryObject):
        yield
        return
    blank = StreamObject()
    blank.update({NameObject("/Subtype"): NameObject("/Form")})
    kept = DictionaryObject(
        {
            name: blank if _text_free_form(ref.get_object()) else ref
            for name, ref in xobjects.items()
        }
    )
    original = resources[NameObject("/XObject")]
    resources[NameObject("/XObject")] = kept
    try:
        yield
    finally:
        resources[NameObject("/XObject")] = original


def _text_free_form(xobject: Any, depth: int = 0) -> bool:
    """Whether an XObject is a form with no text in it or in the forms it draws."""
    try:
        if xobject.get("/Subtype") != "/Form" or depth > MAX_FORM_DEPTH:
            return False
        if b"BT" in xobject.get_data():
            return False
        resources = xobject.get("/Resources")
        inner = resources.get_object().get("/XObject") if resources is not None else None
        if inner is None:
            return True
        return all(
            _text_free_form(ref.get_object(), depth + 1) for ref in inner.get_object().values()
        )
    except Exception:  # damaged: keep it, pypdf deals with it
        return False


@dataclass(frozen=True)
class _Piece:
    """What pypdf's text visitor reports of one piece: its text, its height in points, the
    start of its baseline (x, y in PDF space), the advance of each character along it,
    and the font's ascent and descent scaled to the piece (points above and below)."""

    text: str
    size: float
    x: float
    y: float
    advances: tuple[float, ...]
    ascent: float
    descent: float
    # Each character's box as the content stream draws it (`_Pen`), where it was found.
    placed: tuple[_Placed | None, ...] = ()


# A character's box in PDF space: x0, x1, y of its top, y of its bottom.
_Placed = tuple[float, float, float, float]


@dataclass(frozen=True)
class _FontMetrics:
    """A font's glyph widths by the character they stand for, its default width, ascent
    and descent, in 1/1000 of the font size; and, to read the codes a content stream
    shows, the widths by code, what each code stands for, and whether codes are 2 bytes."""

    widths: dict[str, float]
    default: float
    ascent: float
    descent: float
    code_widths: dict[Any, Any] = field(default_factory=dict)
    meanings: dict[Any, Any] = field(default_factory=dict)
    encoding: Any = None
    two_byte: bool = False
    # glyph() by code, filled as codes are met.
    cache: dict[int, tuple[str, float]] = field(default_factory=dict)

    def glyph(self, code: int) -> tuple[str, float]:
        """What a character code stands for, and its width."""
        known = self.cache.get(code)
        if known is None:
            known = self.cache[code] = self._glyph(code)
        return known

    def _glyph(self, code: int) -> tuple[str, float]:
        key = chr(code)
        if self.two_byte:
            meaning = self.meanings.get(key, key)
            width = self.code_widths.get(key, self.default)
        else:
            if isinstance(self.encoding, dict):
                encoded = self.encoding.get(code, key)
            else:
                encoded = bytes([code]).decode(str(self.encoding or "latin-1"), "replace")
            meaning = self.meanings.get(key) or self.meanings.get(encoded) or encoded
            width = self.code_widths.get(encoded, self.code_widths.get(key, self.default))
        return str(meaning), float(width) if isinstance(width, (int, float)) else self.default


_DEFAULT_METRICS = _FontMetrics({}, DEFAULT_GLYPH_WIDTH, DEFAULT_ASCENT, DEFAULT_DESCENT)


def _page_fonts(page: Any) -> dict[str, Any]:
    """The font resources of a page by name (those of its forms are not among them)."""
    try:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources is not None else None
        if fonts is None:
            return {}
        return {str(name): ref.get_object() for name, ref in fonts.get_object().items()}
    except Exception:  # damaged resources: characters are placed from the pieces instead
        logger.debug("cannot read a page's fonts", exc_info=True)
        return {}


@dataclass
class _TextState:
    """The parts of the PDF text state that place glyphs (ISO 32000-1, 9.3)."""

    font: Any = None
    size: float = 0.0
    char: float = 0.0
    word: float = 0.0
    scale: float = 1.0
    rise: float = 0.0
    leading: float = 0.0


# The operators `_Pen` follows; pypdf's visitor hands it every one.
_TEXT_OPERATORS = frozenset(
    {b"q", b"Q", b"Tf", b"Tc", b"Tw", b"Tz", b"Ts", b"TL", b"TD", b"Tj", b"TJ", b"'", b'"'}
)


class _Pen:
    """Follows the content stream beside pypdf (its visitor_operand_before) and works out
    where each shown glyph is, as a viewer would: the text and page matrices, the font's
    widths, TJ offsets, character and word spacing, horizontal scaling and rise. `take`
    then gives the characters of a piece pypdf reports their boxes, matching them to the
    glyphs in order (pypdf's own spaces, which draw nothing, get none)."""

    # How many glyphs may be passed over to find the next character of a piece.
    LOOKAHEAD = 8

    def __init__(self, fonts: dict[int, tuple[Any, _FontMetrics]]) -> None:
        self.fonts = fonts
        self.page_fonts: dict[str, Any] = {}
        self.state = _TextState()
        self.saved: list[_TextState] = []
        self.line: tuple[float, ...] | None = None
        self.advance = 0.0
        self.glyphs: list[tuple[str, _Placed]] = []
        self.next = 0
        # TJ offsets (thousandths of the font size, to the right) since the last piece.
        self.offsets = 0.0

    def see(self, operator: bytes, operands: Any, cm: Any, tm: Any) -> None:
        """Note a change of text state, or place the glyphs a text operator shows."""
        if operator not in _TEXT_OPERATORS:  # most operators draw: nothing to note
            return
        try:
            self._see(operator, operands, cm, tm)
        except Exception:  # a malformed operator places nothing; pypdf deals with it
            logger.debug("cannot place the glyphs of %r", operator, exc_info=True)

    def _see(self, operator: bytes, operands: Any, cm: Any, tm: Any) -> None:
        state = self.state
        if operator == b"q":
            self.saved.append(replace(state))
        elif operator == b"Q" and self.saved:
            self.state = self.saved.pop()
        elif operator == b"Tf" and len(operands) >= 2:
            state.font, state.size = self.page_fonts.get(str(operands[0])), float(operands[1])
        elif operator == b"Tc" and operands:
            state.char = float(operands[0])
        elif operator == b"Tw" and operands:
            state.word = float(operands[0])
        elif operator == b"Tz" and operands:
            state.scale = float(operands[0]) / 100
        elif operator == b"Ts" and operands:
            state.rise = float(operands[0])
        elif operator == b"TL" and operands:
            state.leading = float(operands[0])
        elif operator == b"TD" and len(operands) >= 2:
            state.leading = -float(operands[1])
        elif operator in (b"Tj", b"TJ", b"'", b'"') and operands:
            if operator == b"TJ":
                self.offsets -= sum(float(v) for v in operands[0] if _is_number(v))
            matrix = [float(v) for v in tm[:6]]
            if operator in (b"'", b'"'):  # next line first, as T* does
                matrix[4] -= state.leading * matrix[2]
                matrix[5] -= state.leading * matrix[3]
                if operator == b'"' and len(operands) >= 3:
                    state.word, state.char = float(operands[0]), float(operands[1])
            shown = operands[0] if operator == b"TJ" else operands[-1]
            self._show(shown if operator == b"TJ" else [shown], matrix, cm)

    def _show(self, parts: Any, tm: list[float], cm: Any) -> None:
        state = self.state
        if state.font is None:
            return
        line = (*tm, *(float(v) for v in cm[:6]))
        if line != self.line:  # pypdf leaves tm where the line began: the pen moves on
            self.line, self.advance = line, 0.0
        a, b, c, d, e, f = tm
        a2, b2, c2, d2, e2, f2 = line[6:]
        # The text matrix times the page's: text space to PDF space.
        ma, mb = a * a2 + b * c2, a * b2 + b * d2
        mc, md = c * a2 + d * c2, c * b2 + d * d2
        me, mf = e * a2 + f * c2 + e2, e * b2 + f * d2 + f2
        height = abs(state.size) * math.hypot(mc, md)
        metrics = _font_metrics(state.font, self.fonts)
        up = metrics.ascent * height / 1000
        down = -metrics.descent * height / 1000
        size, scale, rise = state.size, state.scale, state.rise
        em = size * scale / 1000  # a thousandth of the font size, across the line
        glyph = metrics.glyph
        append = self.glyphs.append
        step = 2 if metrics.two_byte else 1
        advance = self.advance
        for part in parts:
            if _is_number(part):
                advance -= float(part) * em
                continue
            data = getattr(part, "original_bytes", part)
            if isinstance(data, str):
                data = data.encode("latin-1", "replace")
            codes = (
                data
                if step == 1
                else [data[k] << 8 | data[k + 1] for k in range(0, len(data) - 1, 2)]
            )
            for code in codes:
                meaning, width = glyph(code)
                x1 = advance + width * em
                base_y = advance * mb + rise * md + mf
                append(
                    (
                        meaning,
                        (
                            advance * ma + rise * mc + me,
                            x1 * ma + rise * mc + me,
                            base_y + up,
                            base_y - down,
                        ),
                    )
                )
                spacing = state.char + (state.word if code == 32 and step == 1 else 0.0)
                advance = x1 + spacing * scale
        self.advance = advance

    def take(self, text: str) -> tuple[_Placed | None, ...]:
        """Boxes for the characters of `text`, the next piece pypdf reports."""
        out: list[_Placed | None] = []
        glyphs = self.glyphs
        pending = ""  # the rest of a glyph that stands for several characters
        pending_box: _Placed | None = None
        for ch in text:
            if pending and ch == pending[0]:
                out.append(pending_box)
                pending = pending[1:]
                continue
            pending = ""
            found = -1
            for k in range(self.next, min(len(glyphs), self.next + self.LOOKAHEAD)):
                if glyphs[k][0][:1] == ch:
                    found = k
                    break
            if found < 0:
                out.append(None)
                continue
            meaning, box = glyphs[found]
            self.next = found + 1
            if len(meaning) > 1:  # a ligature: its letters share its width
                share = (box[1] - box[0]) / len(meaning)
                box = (box[0], box[0] + share, box[2], box[3])
                pending = meaning[1:]
                pending_box = (box[1], box[1] + share, box[2], box[3])
            out.append(box)
        return tuple(out)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _piece(
    text: str,
    cm: Any,
    tm: Any,
    font: Any,
    font_size: Any,
    fonts: dict[int, tuple[Any, _FontMetrics]],
    pen: _Pen,
    placed: tuple[_Placed | None, ...] = (),
) -> _Piece:
    """Measure one piece from the matrices, the font's widths and the spacing; its
    characters' advances only where the pen `placed` none of them.

    pypdf puts a space in the text where a TJ offset leaves a word gap; such a space is
    not drawn, so where the offsets add up to the gaps the spaces take the offsets for
    their width, and otherwise offsets (kerning) are shared by all characters.
    """
    size, x, y = _placement(cm, tm, font_size)
    metrics = _font_metrics(font, fonts)
    ascent, descent = metrics.ascent * size / 1000, -metrics.descent * size / 1000
    if any(placed):
        return _Piece(text, size, x, y, (), ascent, descent, placed)
    try:
        a2, b2, c2, d2 = (float(v) for v in cm[:4])
        a, b = float(tm[0]), float(tm[1])
        unit = math.hypot(a * a2 + b * c2, a * b2 + b * d2)  # text space to points
    except (TypeError, ValueError, IndexError):
        unit = 0.0
    scale = abs(float(font_size)) * unit / 1000 if unit else 0.0
    widths, default = metrics.widths, metrics.default
    state = pen.state
    advances = [widths.get(ch, default) * scale + state.char * unit for ch in text]
    spaces = [k for k, ch in enumerate(text) if ch == " "]
    for k in spaces:
        advances[k] += state.word * unit
    gap = pen.offsets * scale
    space_widths = sum(advances[k] for k in spaces)
    if spaces and gap >= space_widths / 2:
        for k in spaces:
            advances[k] = gap / len(spaces)
    elif text:
        advances = [advance + gap / len(text) for advance in advances]
    return _Piece(text, size, x, y, tuple(advances), ascent, descent, placed)


def _font_metrics(font: Any, fonts: dict[int, tuple[Any, _FontMetrics]]) -> _FontMetrics:
    """A font resource's metrics as pypdf reads them, once per document.

    pypdf keys widths by the character code drawn; the text it extracts is what the code
    stands for (its ToUnicode map), so widths are re-keyed by that, a ligature's width
    shared among its letters.
    """
    if font is None:
        return _DEFAULT_METRICS
    key = id(font)
    if key in fonts:
        return fonts[key][1]
    try:
        parsed = Font.from_font_resource(font)
        codes = parsed.character_widths
        default = float(codes.get("default", 0)) or DEFAULT_GLYPH_WIDTH
        widths = {code: float(width) for code, width in codes.items() if isinstance(code, str)}
        for code, meaning in (parsed.character_map or {}).items():
            width = codes.get(code)
            if isinstance(meaning, str) and meaning and isinstance(width, (int, float)):
                for ch in meaning:
                    widths[ch] = float(width) / len(meaning)
        descriptor = parsed.font_descriptor
        metrics = _FontMetrics(
            widths,
            default,
            float(descriptor.ascent) or DEFAULT_ASCENT,
            -abs(float(descriptor.descent)) or DEFAULT_DESCENT,  # some files give it positive
            code_widths=codes,
            meanings=parsed.character_map or {},
            encoding=parsed.encoding,
            two_byte=parsed.sub_type == "Type0",
        )
    except Exception:  # a damaged font: typical metrics will do
        logger.debug("cannot read a font's metrics", exc_info=True)
        metrics = _DEFAULT_METRICS
    fonts[key] = (font, metrics)  # the font is held, so that its id is not reused
    return metrics


def _glyph_runs(pieces: list[_Piece], left: float, top: float) -> tuple[GlyphRun, ...]:
    """Where the characters of the page's text are, from the page's top-left corner: runs
    of characters on one baseline. A piece whose characters the pen placed takes those
    boxes; one it placed none of (text in a form, say) is laid out from its own start and
    widths. Only called when the pieces add up to the page's text, so offsets are known.
    """
    runs: list[GlyphRun] = []
    position = 0
    for piece in pieces:
        start, position = position, position + len(piece.text)
        if not piece.text.strip() or piece.size <= 0:
            continue
        boxes = piece.placed if any(piece.placed) else _laid_out(piece)
        run_start, lefts, rights = -1, [], []
        run_top = run_bottom = 0.0
        for k, box in enumerate((*boxes, None)):
            if box is not None and not piece.text[k].isspace():
                box_top, box_bottom = top - box[2], top - box[3]
                if run_start >= 0 and box_top == run_top and box_bottom == run_bottom:
                    lefts.append(box[0] - left)
                    rights.append(box[1] - left)
                    continue
            if run_start >= 0:  # the open run ends here
                end = run_start + len(lefts)
                runs.append(
                    GlyphRun(run_start, end, run_top, run_bottom, tuple(lefts), tuple(rights))
                )
                run_start = -1
            if box is not None and not piece.text[k].isspace():
                run_start, lefts, rights = start + k, [box[0] - left], [box[1] - left]
                run_top, run_bottom = box_top, box_bottom
    return tuple(runs)


def _laid_out(piece: _Piece) -> tuple[_Placed | None, ...]:
    """A piece's characters placed from its start along its baseline by their advances."""
    out: list[_Placed | None] = []
    x = piece.x
    for advance in piece.advances:
        out.append((x, x + advance, piece.y + piece.ascent, piece.y - piece.descent))
        x += advance
    return tuple(out)


def _drawing_bytes(page: Any, cache: dict[int, int], depth: int = 0) -> int:
    """Bytes of content in the text-free form XObjects a page (or form) draws, nested ones too.

    `cache` maps a form's object id to its count, so that a drawing shared by many pages is
    decompressed once.
    """
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None or depth > MAX_FORM_DEPTH:
            return 0
        total = 0
        for ref in xobjects.get_object().values():
            form = ref.get_object()
            if form.get("/Subtype") != "/Form":
                continue
            key = id(form)
            if key not in cache:
                data = form.get_data()
                cache[key] = 0 if b"BT" in data else len(data)
                cache[key] += _drawing_bytes(form, cache, depth + 1)
            total += cache[key]
        return total
    except Exception:  # a damaged resource dictionary: let extract_text deal with the page
        logger.debug("cannot measure the forms of a page", exc_info=True)
        return 0


def _placement(cm: Any, tm: Any, font_size: Any) -> tuple[float, float, float]:
    """The height in points at which a piece of text is drawn (font size scaled by the text
    and page matrices: the length of the second row of tm x cm), and its x, y on the page."""
    try:
        a2, b2, c2, d2, e2, f2 = (float(v) for v in cm[:6])
        c, d, e, f = (float(v) for v in tm[2:6])
        size = abs(float(font_size)) * math.hypot(c * a2 + d * c2, c * b2 + d * d2)
        return size, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2
    except (TypeError, ValueError, IndexError):
        return 0.0, 0.0, 0.0


def _text_runs(text: str, pieces: list[tuple[str, float]]) -> tuple[TextRun, ...]:
    """Runs of one font size over `text`, from the pieces pypdf handed its visitor.

    Only when the pieces add up to exactly the extracted text are their offsets known; then
    each piece with visible characters gives its size to its span (white-space pieces,
    which pypdf reports without a real size, give none, and join the runs around them
    when those have one size). Otherwise there are no runs.
    """
    if "".join(piece for piece, _ in pieces) != text:
        return ()
    runs: list[TextRun] = []
    position = 0
    for piece, size in pieces:
        start, position = position, position + len(piece)
        if not piece.strip() or size <= 0:
            continue
        size = round(size, SIZE_DECIMALS)
        if runs and runs[-1].size == size and not text[runs[-1].end : start].strip():
            runs[-1] = TextRun(runs[-1].start, position, size)
        else:
            runs.append(TextRun(start, position, size))
    return tuple(runs)


def _styled_lines(
    fragments: list[tuple[str, float, float, float]], height: float
) -> tuple[StyledLine, ...]:
    """Group drawn fragments into lines: same baseline (within a third of the font size).

    Fragments of white space only are left out.
    """
    lines: list[list[tuple[str, float, float, float]]] = []
    visible = (f for f in fragments if f[0].strip())
    for fragment in sorted(visible, key=lambda f: (-round(f[3]), f[2])):
        _, size, _, y = fragment
        if lines and abs(lines[-1][0][3] - y) <= max(1.0, size / 3):
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    result = []
    for line in lines:
        line.sort(key=lambda f: f[2])
        text = " ".join(" ".join(f[0].split()) for f in line)
        # The size most of its characters have (a logo beside a line does not make it big).
        weights: dict[float, int] = {}
        for fragment in line:
            weights[round(fragment[1], 1)] = weights.get(round(fragment[1], 1), 0) + len(
                fragment[0].strip()
            )
        size = max(weights, key=lambda k: (weights[k], k))
        result.append(StyledLine(text, round(size, 1), round(height - line[0][3], 1), line[0][2]))
    return tuple(result)


def plain_words(error: BaseException | None) -> str:
    """What a pypdf error means, in a reader's words (PLAIN_WORDS)."""
    if error is None:
        return PLAIN_DEFAULT
    detail = f"{type(error).__name__}: {error}"
    return next(
        (words for pattern, words in PLAIN_WORDS if re.search(pattern, detail)), PLAIN_DEFAULT
    )


def _refused(error: BaseException) -> bool:
    """Whether pypdf declined to read past a safety limit (rather than met damage): a
    limit, but not the one that stops a reference loop."""
    return isinstance(error, LimitReachedError) and not re.search(
        r"cycl|loop|self reference", str(error)
    )


def _encryption_damage(reader: pypdf.PdfReader) -> str | None:
    """What is wrong with a standard /Encrypt dictionary, if anything: a version or revision
    that does not exist, an /O or /U string too short for its revision, permissions that
    are not 32 bits or set the reserved low bits, a key length that is not whole bytes.
    Damage that leaves every value possible (/P -1 instead of -12, say) cannot be told from
    a password, and still reads as one. Other security handlers are pypdf's to refuse."""
    try:
        encrypt = reader.trailer["/Encrypt"].get_object()
    except Exception:
        return "it cannot be read"
    if not isinstance(encrypt, DictionaryObject):
        return "it is not a dictionary"
    if encrypt.get("/Filter") != "/Standard":
        return None
    version, revision = encrypt.get("/V", 0), encrypt.get("/R")
    if version not in ENCRYPTION_VERSIONS:
        return f"version {version}"
    if revision not in ENCRYPTION_REVISIONS or (version == 5) != (revision >= 5):
        return f"revision {revision} with version {version}"
    for key in ("/O", "/U"):
        value = encrypt.get(key)
        if not isinstance(value, (str, bytes)):
            return f"{key} missing"
        size = len(getattr(value, "original_bytes", value))
        if size < ENCRYPTION_REVISIONS[revision]:
            return f"{key} has {size} of the {ENCRYPTION_REVISIONS[revision]} bytes it needs"
    permissions = encrypt.get("/P")
    if not isinstance(permissions, int) or not -(2**31) <= permissions < 2**32:
        return f"/P {permissions} is not a 32-bit permission value"
    if permissions & RESERVED_ZERO_PERMISSION_BITS:
        return f"/P {permissions} sets bits that must be 0"
    key_bits = encrypt.get("/Length", 40)
    if version in (2, 3) and (not isinstance(key_bits, int) or key_bits < 40 or key_bits % 8):
        return f"a key length of {key_bits} bits"
    return None


def _page_labels(reader: pypdf.PdfReader, page_count: int) -> list[str] | None:
    """Return the file's /PageLabels if it defines informative ones, else None.

    pypdf returns "1", "2", "3"... for a file without /PageLabels, and many files define
    exactly that plain count whatever their printed numbers say; neither tells a reader
    anything, so both count as no labels.
    """
    try:
        if "/PageLabels" not in reader.root_object:
            return None
        labels = [str(label) for label in reader.page_labels]
    except Exception:
        logger.debug("cannot read /PageLabels", exc_info=True)
        return None
    if len(labels) != page_count:
        return None
    if labels == [str(i) for i in range(1, page_count + 1)]:
        return None
    return labels


def _metadata(reader: pypdf.PdfReader) -> PdfMetadata:
    info: dict[str, Any] = {}
    try:
        info = dict(reader.metadata or {})
    except Exception:
        logger.debug("cannot read the info dictionary", exc_info=True)
    xmp = _xmp(reader)
    title = _clean(info.get("/Title")) or _first(xmp.get("title"))
    authors = _split_authors(_clean(info.get("/Author"))) or tuple(xmp.get("creators", ()))
    return PdfMetadata(
        title=title,
        authors=authors,
        subject=_clean(info.get("/Subject")) or _first(xmp.get("description")),
        keywords=_clean(info.get("/Keywords")),
        creator=_clean(info.get("/Creator")) or xmp.get("creator_tool"),
        producer=_clean(info.get("/Producer")) or xmp.get("producer"),
        created=_pdf_date(info.get("/CreationDate")) or xmp.get("created"),
        modified=_pdf_date(info.get("/ModDate")) or xmp.get("modified"),
        language=_language(reader) or _first(xmp.get("language")),
    )


def _xmp(reader: pypdf.PdfReader) -> dict[str, Any]:
    try:
        xmp = reader.xmp_metadata
    except Exception:
        logger.debug("cannot read XMP metadata", exc_info=True)
        return {}
    if xmp is None:
        return {}
    out: dict[str, Any] = {}

    def grab(key: str, getter: Any) -> None:
        try:
            value = getter()
        except Exception:
            logger.debug("bad XMP field %s", key, exc_info=True)
            return
        if value:
            out[key] = value

    grab("title", lambda: [v for v in (xmp.dc_title or {}).values() if v])
    grab("creators", lambda: [c for c in (xmp.dc_creator or []) if c])
    grab("description", lambda: [v for v in (xmp.dc_description or {}).values() if v])
    grab("language", lambda: list(xmp.dc_language or []))
    grab("creator_tool", lambda: xmp.xmp_creator_tool)
    grab("producer", lambda: xmp.pdf_producer)
    grab("created", lambda: _iso(xmp.xmp_create_date))
    grab("modified", lambda: _iso(xmp.xmp_modify_date))
    return out


def _language(reader: pypdf.PdfReader) -> str | None:
    try:
        return _clean(reader.root_object.get("/Lang"))
    except Exception:
        return None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _first(values: Any) -> str | None:
    if not values:
        return None
    return _clean(values[0])


def _split_authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    parts = re.split(r"\s*;\s*|\s+and\s+|\s*&\s*", value)
    return tuple(p for p in (part.strip() for part in parts) if p)


_PDF_DATE = re.compile(
    r"D?:?(?P<Y>\d{4})(?P<m>\d{2})?(?P<d>\d{2})?(?P<H>\d{2})?(?P<M>\d{2})?(?P<S>\d{2})?"
    r"(?P<tz>[Zz]|[+-]\d{2}'?\d{2}'?)?"
)


def _pdf_date(value: Any) -> str | None:
    """Convert a PDF date string ("D:20090401163925-07'00'") to ISO 8601, or None."""
    if value is None:
        return None
    match = _PDF_DATE.match(str(value).strip())
    if not match:
        return None
    parts = match.groupdict()
    try:
        date = dt.datetime(
            int(parts["Y"]),
            int(parts["m"] or 1),
            int(parts["d"] or 1),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
        )
    except ValueError:
        return None
    if date.year < 1980:  # placeholders such as D:00000101000000Z
        return None
    tz = parts["tz"]
    if tz and tz.upper() != "Z":
        digits = tz.replace("'", "")
        offset = dt.timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5] or 0))
        date = date.replace(tzinfo=dt.timezone(offset if digits[0] == "+" else -offset))
    elif tz:
        date = date.replace(tzinfo=dt.timezone.utc)
    return date.isoformat()


def _iso(value: Any) -> str | None:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return None


def _outline(reader: pypdf.PdfReader) -> Iterator[OutlineEntry]:
    try:
        outline = reader.outline
    except Exception:
        logger.debug("cannot read the outline", exc_info=True)
        return

    def walk(items: list[Any], level: int) -> Iterator[OutlineEntry]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            elif isinstance(item, Destination):
                title = _clean(item.title)
                if not title:
                    continue
                try:
                    number = reader.get_destination_page_number(item)
                except Exception:
                    number = None
                page_index = number + 1 if isinstance(number, int) and number >= 0 else None
                yield OutlineEntry(title, level, page_index)

    yield from walk(list(outline), 1)


__all__ = [
    "GlyphRun",
    "OutlineEntry",
    "PdfDocument",
    "RawPage",
    "StyledLine",
    "TextRun",
    "check_input_file",
    "count_pdf_pages",
    "file_sha256",
    "read_page_texts",
    "read_pdf",
]
