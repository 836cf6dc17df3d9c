"""Extractions with items, for the reviewer-tool tests.

Items are mostly empty on main while their collectors are being written, so these helpers
add items of every type to a real extraction: quotes and spans are taken from the real page
texts with `extractor.pages.locate`, exactly as a collector would, so the result is a valid
extraction whose every promise holds. Tests then tamper with it, or review it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from pathlib import Path

from extractor.find import load_pages
from extractor.model import (
    Citation,
    Claim,
    CostFigure,
    Example,
    Extraction,
    Page,
    PageRef,
)
from extractor.pages import PageText, item_id, locate
from extractor.schema import validate
from tests.conftest import SAMPLES

# A GAO report whose printed page numbers run four behind the physical pages (with roman
# front matter), so that a label and an index are never confused.
GAO = SAMPLES / "us-gao-06-1046-grants-management-2006.pdf"
HMRC = SAMPLES / "uk-hmrc-risk-triggers-report-2015.pdf"

# A sentence on one line, and a dollar amount, in the page text.
_SENTENCE = re.compile(r"(?m)(?<=\. )[A-Z][^.\n]{40,140}\.|^[A-Z][^.\n]{40,140}\.")
_MONEY = re.compile(r"\$\s?\d[\d,]*(?:\.\d+)?(?: (?:million|billion))?")
# A footnote at a page foot: its number on a line, or before its text.
_FOOTNOTE = re.compile(r"(?m)^(\d{1,2})[ \n]([A-Z][^\n]{20,120})$")


def real_extraction(pdf: Path) -> Extraction:
    """What `extractor extract` gives for a sample PDF: its golden output beside it.

    The golden tests keep that file equal to what the code produces today, so it is a real
    output without the cost of a spaCy run; `source.path` is made absolute.
    """
    data = json.loads(pdf.with_name(pdf.stem + ".expected.json").read_text(encoding="utf-8"))
    extraction = Extraction.from_dict(data)
    return dataclasses.replace(
        extraction, source=dataclasses.replace(extraction.source, path=str(pdf))
    )


def with_items(extraction: Extraction, pages: Sequence[PageText], per_type: int = 3) -> Extraction:
    """`extraction` with items of each type added, quoted from `pages`, so that it has at
    least `per_type` of each (the extractor's own items count)."""
    claims: list[Claim] = []
    examples: list[Example] = []
    costs: list[CostFigure] = []
    citations: list[Citation] = []
    for page in pages:
        sentences = list(_SENTENCE.finditer(page.text))
        if sentences and len(claims) + len(extraction.claims) < per_type:
            claims.append(_claim(page, sentences[0].start(), sentences[0].end()))
        if len(sentences) > 1 and len(examples) + len(extraction.examples) < per_type:
            examples.append(_example(page, sentences[-1].start(), sentences[-1].end()))
        money = _MONEY.search(page.text)
        if money and len(costs) + len(extraction.cost_figures) < per_type:
            costs.append(_cost(page, money.start(), money.end()))
        note = _FOOTNOTE.search(page.text)
        if note and len(citations) + len(extraction.citations) < per_type:
            citations.append(_citation(page, note))
    result = dataclasses.replace(
        extraction,
        examples=(*extraction.examples, *examples),
        claims=(*extraction.claims, *claims),
        cost_figures=(*extraction.cost_figures, *costs),
        citations=(*extraction.citations, *citations),
    )
    validate(result.to_dict())
    return result


def _claim(page: PageText, start: int, end: int) -> Claim:
    ref, quote, span = locate(page, start, end)
    return Claim(
        id=item_id("claim", page, span.start),
        page=ref,
        quote=quote,
        char_span=span,
        text=None,
        kind="assertion",
        hedged=False,
        cues=(),
        citation_ids=(),
        cost_figure_ids=(),
    )


def _example(page: PageText, start: int, end: int) -> Example:
    ref, quote, span = locate(page, start, end)
    return Example(
        id=item_id("ex", page, span.start),
        page=ref,
        pages=(ref,),
        quote=quote,
        char_span=span,
        name=" ".join(quote.split()[:4]),
        kind="example",
        organisations=(),
        places=(),
        platforms=(),
        summary=quote,
        cues=(),
    )


def _cost(page: PageText, start: int, end: int) -> CostFigure:
    ref, quote, span = locate(page, start, end)
    digits = re.sub(r"[^\d.]", "", quote.split()[0]) or "0"
    return CostFigure(
        id=item_id("cost", page, span.start),
        page=ref,
        quote=quote,
        char_span=span,
        raw=quote,
        amount=float(digits),
        amount_max=None,
        currency="USD",
        unit=None,
        subject=None,
        qualifier=None,
        kind="other",
    )


def _citation(page: PageText, note: re.Match[str]) -> Citation:
    ref, quote, span = locate(page, note.start(), note.end())
    return Citation(
        id=item_id("cit", page, span.start),
        page=ref,
        quote=quote,
        char_span=span,
        kind="footnote",
        marker=note.group(1),
        text=note.group(2),
        url=None,
        cited_by=(),
        anchors=(),
    )


def reviewed_extraction(pdf: Path) -> Extraction:
    """A real extraction of a sample PDF with items of every type added from its page texts."""
    return with_items(real_extraction(pdf), load_pages(pdf))


def write_extraction(extraction: Extraction, path: Path, pdf: Path | None = None) -> Path:
    """Write `extraction` as JSON, with `source.path` pointing at `pdf` if given."""
    if pdf is not None:
        extraction = dataclasses.replace(
            extraction, source=dataclasses.replace(extraction.source, path=str(pdf))
        )
    path.write_text(extraction.to_json(), encoding="utf-8")
    return path


def synthetic_extraction(
    base: Extraction, page_texts: Sequence[tuple[str | None, str]]
) -> Extraction:
    """`base` with its pages replaced by `page_texts` (label, text) and a claim on each page.

    For the review page, which shows what the JSON says: here the test controls every
    character of the page text (a hostile one, say) without needing a PDF that says it.
    """
    pages = [
        PageText(i, label, "printed" if label else None, text, True)
        for i, (label, text) in enumerate(page_texts, start=1)
    ]
    claims = tuple(_claim(page, 0, len(page.text)) for page in pages if page.text.strip())
    result = dataclasses.replace(
        base,
        pages=tuple(
            Page(p.index, p.label, p.label_source, p.text, p.word_count, True) for p in pages
        ),
        sections=(),
        examples=(),
        claims=claims,
        cost_figures=(),
        citations=(),
        source=dataclasses.replace(base.source, page_count=len(pages)),
    )
    validate(result.to_dict())
    return result


def page_ref(extraction: Extraction, index: int) -> PageRef:
    """The reference to page `index` of `extraction`, with its label."""
    page = extraction.pages[index - 1]
    return PageRef(page.index, page.label)


# Text a hostile PDF could carry: markup that would run script if it reached a page raw.
HOSTILE_TEXT = (
    "Councils <script>window.pwned = 1; alert(1)</script> say "
    '<img src=x onerror="window.pwned = 2; alert(2)"> and </textarea>'
    '<svg onload="window.pwned = 3"> too.'
)


def build_hostile_pdf(path: Path) -> Path:
    """A small pamphlet (printed pages 8 and 9) whose text is HTML that would run script."""
    from tests.pdfbuild import Document, Page, Paragraph, build_pdf

    doc = Document(
        header="Local by Social",
        footer="{number}",
        pages=[
            Page([Paragraph("An ordinary page about councils and their residents.")], number="8"),
            Page([Paragraph(HOSTILE_TEXT), Paragraph("The rest is plain.")], number="9"),
        ],
    )
    return build_pdf(doc, path)


# Text with bidirectional controls: raw in a page, "\u202egnp.exe\u202c" shows as "exe.png".
BIDI_TEXT = (
    "Councils say: open the attached file \u202egnp.exe\u202c today.",
    "The \u2066minutes\u2069 follow \u200fhere\u200e.",
)
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def build_bidi_pdf(path: Path, lines: Sequence[str] = BIDI_TEXT) -> Path:
    """A one-page PDF whose text layer holds bidi controls, one line per string.

    fpdf2's fonts have no glyphs for them (it drops them), so this writes the PDF itself: a
    Helvetica whose /Differences name byte 1, 2, ... /uni202A, /uni202B, ..., which a text
    extractor maps back to the control characters."""
    codes = {char: bytes([number]) for number, char in enumerate(_BIDI_CONTROLS, start=1)}
    names = " ".join(f"/uni{ord(char):04X}" for char in _BIDI_CONTROLS)

    def encoded(line: str) -> bytes:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"".join(codes.get(char) or char.encode("latin-1") for char in escaped)

    content = b"BT /F1 12 Tf 72 720 Td 16 TL\n"
    content += b"".join(b"(" + encoded(line) + b") Tj T*\n" for line in lines) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
        b"/BaseEncoding /WinAnsiEncoding /Differences [1 " + names.encode("ascii") + b"] >> >>",
    ]
    data = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(data))
    return path


def claim_on(extraction: Extraction, pdf: Path, needle: str) -> Extraction:
    """`extraction` with one claim: the text from `needle` to the end of its line."""
    for page in load_pages(pdf):
        at = page.text.find(needle)
        if at != -1:
            end = page.text.find("\n", at)
            claim = _claim(page, at, len(page.text) if end == -1 else end)
            result = dataclasses.replace(extraction, claims=(*extraction.claims, claim))
            validate(result.to_dict())
            return result
    raise AssertionError(f"{needle!r} is on no page of {pdf}")
