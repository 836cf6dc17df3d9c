"""Examples and metadata from PDFs the test builds, where every word is known.

The pamphlet has a cover (a big title, a date, a publisher line) under a generic PDF title;
an imprint page (publisher, ISBN, licence); then a page with a "for example" sentence, a
bulleted list of bare council names (not examples) and a case-study box that runs over
the page break onto the last page, where running text follows the box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractor.extract import extract
from extractor.model import Example, Extraction
from tests.pdfbuild import Box, BulletList, Document, Heading, Page, Paragraph, build_pdf

TITLE = "Local by Social"
SUBTITLE = "How councils can use social media"
ISBN = "978-1-84875-082-1"
LICENCE = (
    "This work is licensed under a Creative Commons Attribution-NonCommercial "
    "licence; you may copy it for any non-commercial purpose."
)
BARE_NAMES = ["Brent Council", "Devon County Council", "Wokingham Borough Council"]
FOR_EXAMPLE = (
    "Councils are finding their feet online. For example, FixMyStreet lets residents "
    "report potholes and broken street lights on a map, and the council sees each report."
)
FILLER = (
    "Many councils have started to experiment with blogs, forums and video, and most of "
    "them began with very small teams and very small budgets. "
)


def pamphlet() -> Document:
    cover = Page(
        [
            Heading(TITLE, size=30),
            Heading(SUBTITLE, size=16),
            Paragraph("March 2010"),
        ],
        running=False,
    )
    imprint = Page(
        [
            Paragraph("Published by the Improvement and Development Agency, March 2010."),
            Paragraph(f"ISBN {ISBN}"),
            Paragraph(LICENCE),
        ],
        running=False,
    )
    body = Page(
        [
            Paragraph(FOR_EXAMPLE),
            Paragraph("The councils we spoke to while writing this pamphlet were:"),
            BulletList(BARE_NAMES),
            Paragraph(FILLER * 6),
            Box(
                "Kent County Council set up a blog for its leader in 2008, and residents "
                "used it to ask about road works and bin collections. Within a year the",
                title="Case study: Kent County Council",
                open_bottom=True,
            ),
        ],
        number="1",
    )
    last = Page(
        [
            Box(
                "blog had thousands of readers a month, and officers answered every question.",
                open_top=True,
            ),
            Paragraph("Other councils are still waiting to see what works for them."),
        ],
        number="2",
    )
    return Document(
        pages=[cover, imprint, body, last],
        footer="{number}",
        title="Microsoft Word - draft3.doc",
    )


@pytest.fixture(scope="module")
def result(nlp: Any, tmp_path_factory: pytest.TempPathFactory) -> Extraction:
    path = build_pdf(pamphlet(), tmp_path_factory.mktemp("examples") / "pamphlet.pdf")
    return extract(path, nlp=nlp)


def by_name(result: Extraction) -> dict[str, Example]:
    return {example.name: example for example in result.examples}


def test_for_example_sentence_gives_an_example_on_its_page(result: Extraction) -> None:
    example = by_name(result)["FixMyStreet"]
    assert example.kind == "example"
    assert example.page.index == 3
    assert "for example" in example.cues
    assert "potholes" in example.summary


def test_bulleted_list_of_bare_names_gives_no_example(result: Extraction) -> None:
    for name in BARE_NAMES:
        assert not any(name in example.name for example in result.examples), name


def test_case_study_box_across_the_page_break_is_one_example(result: Extraction) -> None:
    cases = [e for e in result.examples if e.kind == "case_study"]
    assert [e.name for e in cases] == ["Kent County Council"]
    case = cases[0]
    assert [p.index for p in case.pages] == [3, 4]
    assert "blog" in case.platforms
    assert "thousands of readers" in case.summary
    assert "still waiting" not in case.summary
    # The council is not counted again for the sentence inside its own box.
    assert sum("Kent County Council" in e.name for e in result.examples) == 1


def test_example_quotes_are_exact_slices_of_their_pages(result: Extraction) -> None:
    assert result.examples
    for example in result.examples:
        text = result.pages[example.page.index - 1].text or ""
        assert text[example.char_span.start : example.char_span.end] == example.quote
        assert example.id == f"ex-{example.page.index}-{example.char_span.start}"


def test_title_page_beats_a_generic_pdf_title(result: Extraction) -> None:
    assert result.source.metadata.title == "Microsoft Word - draft3.doc"
    document = result.document
    assert document.title == TITLE
    assert document.subtitle == SUBTITLE


def test_imprint_statements_fill_the_document_metadata(result: Extraction) -> None:
    document = result.document
    assert document.publishers == ("Improvement and Development Agency",)
    assert document.isbn == (ISBN,)
    assert document.licence is not None and document.licence.startswith("This work is licensed")
    assert document.date == "2010-03"


def test_every_page_evidence_is_quoted_from_its_page(result: Extraction) -> None:
    evidence = [e for e in result.document.evidence if e.source == "page"]
    fields = {e.field for e in evidence}
    assert {"title", "subtitle", "publishers", "isbn", "licence", "date"} <= fields
    for item in evidence:
        assert item.page is not None and item.char_span is not None
        text = result.pages[item.page.index - 1].text or ""
        assert text[item.char_span.start : item.char_span.end] == item.quote


def test_built_pdf_is_where_the_test_put_it(tmp_path: Path) -> None:
    path = build_pdf(pamphlet(), tmp_path / "p.pdf")
    assert path.exists() and path.stat().st_size > 0
