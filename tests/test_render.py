"""Pictures of pages (`extractor render`), and our boxes held against PDFium's own
character boxes: on built PDFs exactly, on the corpus for IOU_THRESHOLD on 95 % of items."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import Image

from extractor.cli import cli
from extractor.errors import ExtractorError
from extractor.model import Extraction
from tests.boxcheck import IOU_THRESHOLD, MIN_AGREEING_SHARE, MIN_FILE_SHARE, agreeing_share, iou
from tests.pdfbuild import A4, Document, Page, Paragraph, build_pdf

TEXT = "The scheme cost £7.81 per contact in 2014, a third of what a letter cost the council."


def run(*args: object) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def extracted(tmp_path: Path, nlp: Any) -> tuple[Path, Path, Extraction]:
    from extractor.extract import extract

    pdf = build_pdf(Document(pages=[Page([Paragraph(TEXT)])]), tmp_path / "one.pdf")
    result = extract(pdf, nlp=nlp)
    out = tmp_path / "one.json"
    out.write_text(result.to_json(), encoding="utf-8")
    return pdf, out, result


def test_render_draws_the_page_and_outlines_the_items(
    extracted: tuple[Path, Path, Extraction], tmp_path: Path
) -> None:
    pdf, out, result = extracted
    png = tmp_path / "page.png"
    done = run("render", pdf, "--page", 1, "-o", png, "--boxes", out)
    assert done.exit_code == 0, done.stderr
    image = Image.open(png).convert("RGB")
    assert image.size == (round(A4[0] * 2), round(A4[1] * 2))
    (figure,) = result.cost_figures
    box = figure.boxes[0]
    # The outline's left edge is red, the page inside the box is not all white (text).
    assert image.getpixel((int(box.x0 * 2), int(box.top + box.bottom))) == (220, 30, 30)
    inside = image.crop(
        (int(box.x0 * 2) + 3, int(box.top * 2) + 3, int(box.x1 * 2) - 3, int(box.bottom * 2) - 3)
    )
    assert inside.convert("L").getextrema()[0] < 100
    plain = tmp_path / "plain.png"
    assert run("render", pdf, "--page", 1, "-o", plain).exit_code == 0
    assert Image.open(plain).convert("RGB").getpixel(
        (int(box.x0 * 2), int(box.top + box.bottom))
    ) != (220, 30, 30)


def test_render_refuses_a_page_the_pdf_does_not_have(
    extracted: tuple[Path, Path, Extraction], tmp_path: Path
) -> None:
    pdf, _, _ = extracted
    done = run("render", pdf, "--page", 3, "-o", tmp_path / "p.png")
    assert done.exit_code == 2
    assert done.stderr == f"Error: {pdf}: has no page 3 (it has 1)\n"
    assert not (tmp_path / "p.png").exists()


def test_render_of_a_file_that_is_not_a_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("hello", encoding="utf-8")
    done = run("render", fake, "--page", 1, "-o", tmp_path / "p.png")
    assert done.exit_code == 5
    assert done.stderr == f"Error: {fake}: corrupt or truncated PDF (PDFium cannot open it)\n"


def test_built_pdf_boxes_equal_pdfiums(extracted: tuple[Path, Path, Extraction]) -> None:
    _, _, result = extracted
    share, count = agreeing_share(result)
    assert count == sum(1 for _ in result.items()) > 0
    assert share == 1.0


def test_iou_of_rectangle_sets() -> None:
    from extractor.model import Box

    a = Box(0, 0, 10, 10)
    assert iou([a], [a]) == 1.0
    assert iou([a], [Box(5, 0, 15, 10)]) == pytest.approx(50 / 150)
    assert iou([a], []) == 0.0


def test_corpus_boxes_agree_with_pdfium(corpus_extractions: dict[str, Any]) -> None:
    """Over the corpus PDFs PDFium can open, at least 95 % of items have IoU >= 0.8, and
    at least 90 % in every file."""
    shares = {}
    for name, result in corpus_extractions.items():
        if not isinstance(result, Extraction):
            continue
        try:
            shares[name] = agreeing_share(result)
        except ExtractorError:
            continue  # PDFium cannot open it (the corrupt file pypdf reads in recovery)
    assert len(shares) >= 8
    # The measure: over the corpus's items; and no file far below it.
    agreeing = sum(share * count for share, count in shares.values())
    assert agreeing >= MIN_AGREEING_SHARE * sum(count for _, count in shares.values())
    low = {name: s for name, s in shares.items() if s[0] < MIN_FILE_SHARE}
    assert not low, f"items with IoU >= {IOU_THRESHOLD}: {json.dumps(low)}"
