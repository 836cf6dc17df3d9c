"""Boxes: where each item's quote is drawn, carried from pypdf's text visitor through the
clean-up exactly as character spans are, checked on built PDFs whose layout is known."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF

from extractor.model import Box
from extractor.pages import prepare_pages, quote_boxes
from extractor.pdf import read_pdf
from tests.pdfbuild import A4, FONT_DIR, Document, Page, Paragraph, build_pdf

SENTENCE = (
    "Costs fell by a third when the council moved its forms online, and residents "
    "answered faster than before. The pro-\ngramme cost \ufb01ve pounds a form."
)
MARGIN = 56.0
FONT_SIZE = 10.0
# DejaVu Sans's ascent and descent (hhea, 1/1000 of the size) and fpdf2's cell padding.
ASCENT, DESCENT = 0.928, 0.236


def string_width(text: str) -> float:
    """What fpdf2 itself measures, the ground truth of where its text ends."""
    pdf = FPDF(unit="pt")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", "", FONT_SIZE)
    return float(pdf.get_string_width(text))


@pytest.fixture
def page(tmp_path: Path) -> object:
    doc = Document(pages=[Page([Paragraph(SENTENCE)])], margin=MARGIN, font_size=FONT_SIZE)
    (page,), _ = prepare_pages(read_pdf(build_pdf(doc, tmp_path / "boxes.pdf")))
    return page


def test_pages_have_their_size_in_points(page: object) -> None:
    assert (page.width, page.height) == pytest.approx(A4)  # type: ignore[attr-defined]


def test_a_quote_over_two_lines_has_one_box_a_line_at_exact_positions(page: object) -> None:
    text: str = page.text  # type: ignore[attr-defined]
    first_line = SENTENCE.split("The pro-")[0].rstrip()
    # fpdf2 wraps the first line where the margin falls; find it in what was drawn.
    start = text.index("the council")
    end = text.index("before.") + len("before.")
    boxes = quote_boxes(page, start, end)  # type: ignore[arg-type]
    assert len(boxes) == 2
    left = MARGIN + 72 / 25.4  # fpdf2's cell padding is 1 mm
    line_one, line_two = boxes
    # The first box starts where "the council" starts and ends at the end of line one.
    drawn = text[: text.index("\n")] if "\n" in text else first_line
    assert line_one.x0 == pytest.approx(left + string_width(drawn[:start]), abs=0.01)
    assert line_one.x1 == pytest.approx(left + string_width(drawn.rstrip()), abs=0.01)
    # The second starts at the margin and ends after "before.".
    second = text[len(drawn) :].lstrip()
    assert line_two.x0 == pytest.approx(left, abs=0.01)
    assert line_two.x1 == pytest.approx(
        left + string_width(second[: second.index("before.") + 7]), abs=0.01
    )
    # Heights: the font's ascent above the baseline and descent below, lines 14 pt apart.
    assert line_one.bottom - line_one.top == pytest.approx((ASCENT + DESCENT) * FONT_SIZE, abs=0.01)
    assert line_two.top - line_one.top == pytest.approx(FONT_SIZE * 1.4, abs=0.01)
    assert MARGIN < line_one.top < MARGIN + FONT_SIZE * 1.4


def test_hyphenated_words_and_ligatures_keep_their_boxes(page: object) -> None:
    text: str = page.text  # type: ignore[attr-defined]
    word = re.search(r"pro-?gramme", text)
    assert word is not None
    boxes = quote_boxes(page, word.start(), word.end())  # type: ignore[arg-type]
    assert len(boxes) == 2  # "pro-" ends a line, "gramme" starts the next
    assert boxes[1].x0 == pytest.approx(MARGIN + 72 / 25.4, abs=0.01)
    five = text.index("five")
    (box,) = quote_boxes(page, five, five + 4)  # type: ignore[arg-type]
    assert box.x1 - box.x0 == pytest.approx(string_width("\ufb01ve"), abs=0.01)


def test_items_and_evidence_carry_boxes_through_extraction(tmp_path: Path, nlp: object) -> None:
    from extractor.extract import extract

    doc = Document(
        pages=[
            Page(
                [
                    Paragraph(
                        "The scheme cost £7.81 per contact in 2014. Councils should publish "
                        "their costs every year, because residents asked for them."
                    )
                ]
            )
        ]
    )
    result = extract(build_pdf(doc, tmp_path / "items.pdf"), nlp=nlp)  # type: ignore[arg-type]
    assert result.pages[0].width == pytest.approx(A4[0])
    (figure,) = result.cost_figures
    assert len(figure.boxes) == 1
    box = figure.boxes[0]
    assert isinstance(box, Box) and box.x0 < box.x1 and box.top < box.bottom
    data = result.to_dict()
    assert data["cost_figures"][0]["boxes"][0] == {
        "x0": box.x0,
        "top": box.top,
        "x1": box.x1,
        "bottom": box.bottom,
    }
    assert all(item.boxes for item in result.items())


def test_export_gives_the_first_box_of_each_item() -> None:
    from extractor.export import item_rows

    item = {
        "id": "claim-1-0",
        "page": {"index": 1, "label": None},
        "quote": "Costs fell.",
        "char_span": {"start": 0, "end": 11},
        "boxes": [
            {"x0": 58.83, "top": 56.72, "x1": 112.5, "bottom": 68.36},
            {"x0": 58.83, "top": 70.72, "x1": 90.0, "bottom": 82.36},
        ],
    }
    data = {
        "source": {"path": "a.pdf", "sha256": "0" * 64},
        "claims": [item, {**item, "boxes": []}],
    }
    first, empty = item_rows(data, "claims", "a.json")
    assert (first["box_x0"], first["box_top"], first["box_x1"], first["box_bottom"]) == (
        58.83,
        56.72,
        112.5,
        68.36,
    )
    assert empty["box_x0"] is None and "boxes" not in first
