"""`read_page_texts`: pypdf's bare text, the yardstick `make bench` measures our time by."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import pdf
from extractor.errors import PdfFormatError
from extractor.pdf import read_page_texts, read_pdf
from tests.conftest import CORPUS_PDFS, require_corpus
from tests.pdfbuild import Document, Page, Paragraph, build_pdf


def test_bare_texts_are_the_texts_extraction_reads() -> None:
    require_corpus()
    # A report with printed page numbers, and one with drawings big enough for the pass
    # that reads positions apart from the text.
    for name in (
        "uk-hmrc-risk-triggers-report-2015.pdf",
        "us-gao-07-106-doe-energy-challenges-2006.pdf",
    ):
        path = CORPUS_PDFS / name
        assert read_page_texts(path) == [page.text for page in read_pdf(path).pages]


def test_bare_texts_run_no_visitor_of_ours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_pdf(
        Document(
            pages=[Page([Paragraph(f"Page {n} says the scheme cost £{n}m.")]) for n in (1, 2, 3)]
        ),
        tmp_path / "three.pdf",
    )

    def no_pen(*args: object) -> None:
        raise AssertionError("the position visitor ran")

    monkeypatch.setattr(pdf, "_Pen", no_pen)
    texts = read_page_texts(path, max_pages=2)
    assert len(texts) == 2
    assert "£2m" in texts[1]


def test_bare_texts_refuse_what_extraction_refuses(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_text("<html>a web page</html>", encoding="utf-8")
    with pytest.raises(PdfFormatError, match="not a PDF file"):
        read_page_texts(path)
