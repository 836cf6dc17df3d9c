"""The paper's own metadata: titles of the real corpus files, and imprint statements.

The expected titles below are what a reader sees on each corpus file's cover or title
page (checked by reading the first pages); the library finds them by type size and
position, never by looking them up.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from extractor.metadata import (
    body_size,
    document_info,
    find_lines,
    is_valid_isbn,
    is_valid_issn,
    text_blocks,
)
from extractor.model import Extraction, PdfMetadata
from extractor.pages import PageText, prepare_pages
from extractor.pdf import StyledLine, read_pdf
from tests.conftest import CORPUS_PDFS, require_corpus

# Corpus files with a visible title page: (title, subtitle or None when it has none).
CORPUS_TITLES: dict[str, tuple[str, str | None]] = {
    "acm-tracemonkey-pldi-2009.pdf": (
        "Trace-based Just-in-Time Type Specialization for Dynamic Languages",
        None,
    ),
    "fr-chelsea-active-transport-plan-2021.pdf": (
        "Plan directeur de transport actif de la municipalité de Chelsea",
        "Rapport final",
    ),
    "uk-conservative-manifesto-2024.pdf": (
        "The Conservative and Unionist Party Manifesto 2024",
        None,
    ),
    "uk-hmrc-risk-triggers-report-2015.pdf": (
        "Research into the Behavioural Effects of building in Risk Triggers to Third Party "
        "Software",
        None,
    ),
    "us-copyright-office-dmca-summary-1998.pdf": (
        "The Digital Millennium Copyright Act of 1998",
        None,
    ),
    "us-gao-05-927-managing-for-results-2005.pdf": (
        "Managing for Results",
        "Enhancing Agency Use of Performance Information for Management Decision Making",
    ),
    "us-gao-06-1046-grants-management-2006.pdf": (
        "Grants Management",
        "Enhancing Performance Accountability Provisions Could Lead to Better Results",
    ),
    "us-gao-07-106-doe-energy-challenges-2006.pdf": (
        "Department of Energy",
        "Key Challenges Remain for Developing and Deploying Advanced Energy Technologies to "
        "Meet Future Needs",
    ),
    "wna-recalibrating-risk-2021.pdf": (
        "Recalibrating risk",
        "Putting nuclear risk in context and perspective",
    ),
}


def fold(text: str | None) -> str | None:
    """Case and spacing aside ("Backup4all -backup" and "Backup4all - backup" agree)."""
    if text is None:
        return None
    return re.sub(r"\s*-\s*", "-", " ".join(text.casefold().split()))


@pytest.mark.parametrize("name", sorted(CORPUS_TITLES))
def test_corpus_title_is_the_title_page_title(
    name: str, corpus_extractions: dict[str, Any]
) -> None:
    require_corpus()
    result = corpus_extractions[name]
    assert isinstance(result, Extraction), result
    title, subtitle = CORPUS_TITLES[name]
    assert fold(result.document.title) == fold(title)
    assert fold(result.document.subtitle) == fold(subtitle)


def test_title_of_the_encrypted_corpus_file_once_opened() -> None:
    require_corpus()
    pdf = read_pdf(CORPUS_PDFS / "encrypted-password-example.pdf", password="test")
    pages, _ = prepare_pages(pdf)
    info = document_info(pdf.metadata, pages, [page.lines for page in pdf.pages])
    assert fold(info.title) == fold("Backup4all - backup solution for network environments")


def test_corpus_page_evidence_is_exact(corpus_extractions: dict[str, Any]) -> None:
    require_corpus()
    checked = 0
    for result in corpus_extractions.values():
        if not isinstance(result, Extraction):
            continue
        for item in result.document.evidence:
            if item.source != "page":
                continue
            assert item.page is not None and item.char_span is not None
            text = result.pages[item.page.index - 1].text or ""
            assert text[item.char_span.start : item.char_span.end] == item.quote
            checked += 1
    assert checked >= 20


def test_gao_cover_names_publisher_commissioner_and_licence(
    corpus_extractions: dict[str, Any],
) -> None:
    require_corpus()
    document = corpus_extractions["us-gao-07-106-doe-energy-challenges-2006.pdf"].document
    assert document.publishers == ("U.S. Government Accountability Office",)
    assert document.commissioners == ("Congressional Requesters",)
    assert document.date == "2006-12"
    assert document.licence is not None
    assert document.licence.startswith("This is a work of the U.S. government")


def line(text: str, size: float, top: float) -> StyledLine:
    return StyledLine(text, size, top, 72.0)


def page(index: int, text: str) -> PageText:
    return PageText(index, None, None, text, True)


NO_METADATA = PdfMetadata(None, (), None, None, None, None, None, None, None)


def test_blocks_split_where_the_line_gap_grows() -> None:
    lines = [
        line("MANAGING FOR", 36, 186),
        line("RESULTS", 36, 222),
        line("Enhancing Agency", 36, 279),
        line("Use of Performance", 36, 315),
        line("September 2005", 12, 400),
    ]
    blocks = text_blocks(lines)
    assert [[entry.text for entry in block] for block in blocks] == [
        ["MANAGING FOR", "RESULTS"],
        ["Enhancing Agency", "Use of Performance"],
        ["September 2005"],
    ]
    assert body_size([*lines, line("body text " * 20, 10, 500)]) == 10


def test_title_is_the_biggest_block_of_the_cover_and_a_logo_is_not() -> None:
    cover = "GAO\nA Guide to\nCouncil Websites\nWhat works and why\nBy Jane Smith and Ann Lee"
    layout = [
        [
            line("GAO", 40, 50),
            line("A Guide to", 30, 200),
            line("Council Websites", 30, 236),
            line("What works and why", 18, 300),
            line("By Jane Smith and Ann Lee", 11, 340),
        ],
        [line("Body text of the paper, set in the usual size. " * 3, 10, 100)],
    ]
    pages = [page(1, cover), page(2, "Body text of the paper.")]
    metadata = PdfMetadata(
        "Microsoft Word - guide.doc", (), None, None, None, None, None, None, None
    )
    info = document_info(metadata, pages, layout)
    assert info.title == "A Guide to Council Websites"
    assert info.subtitle == "What works and why"
    assert info.authors == ("Jane Smith", "Ann Lee")
    title = next(e for e in info.evidence if e.field == "title")
    assert title.source == "page" and title.quote == "A Guide to\nCouncil Websites"


def test_pdf_title_is_used_when_no_title_block_is_found() -> None:
    metadata = PdfMetadata("Council Websites", (), None, None, None, None, None, None, None)
    info = document_info(metadata, [page(1, "Plain text.")], [[line("Plain text.", 10, 100)]])
    assert info.title == "Council Websites"
    assert info.evidence[0].source == "pdf_info"


def test_generic_pdf_title_is_not_used() -> None:
    metadata = PdfMetadata(
        "Microsoft Word - draft3.doc", (), None, None, None, None, None, None, None
    )
    assert document_info(metadata, [page(1, "Plain text.")]).title is None


@pytest.mark.parametrize(
    ("statement", "field", "value"),
    [
        (
            "Commissioned by the Local Government Association.",
            "commissioners",
            "Local Government Association",
        ),
        (
            "Report prepared for Kent County Council by the authors.",
            "commissioners",
            "Kent County Council",
        ),
        ("Published by Nesta, 1 Plough Place, London.", "publishers", "Nesta"),
        ("© 2021 World Nuclear Association", "publishers", "World Nuclear Association"),
        ("Written by Jane Smith and Ann Lee.", "authors", "Jane Smith"),
        ("ISSN 0317-8471", "issn", "0317-8471"),
        ("Published by HM Treasury, July 2015", "date", "2015-07"),
    ],
)
def test_imprint_statements(statement: str, field: str, value: str) -> None:
    info = document_info(NO_METADATA, [page(1, "Cover"), page(2, statement)])
    assert value in getattr(info, field) or getattr(info, field) == value
    evidence = [e for e in info.evidence if e.field == field]
    assert evidence and evidence[0].quote is not None
    assert evidence[0].page is not None and evidence[0].page.index == 2


def test_licence_statement_is_the_whole_sentence() -> None:
    text = (
        "© Crown copyright 2015\n\nThis publication is licensed under the terms of the Open "
        "Government Licence v3.0 except where otherwise stated. To view this licence, visit "
        "the National Archives."
    )
    info = document_info(NO_METADATA, [page(1, "Cover"), page(2, text)])
    assert info.licence == (
        "This publication is licensed under the terms of the Open Government Licence v3.0 "
        "except where otherwise stated."
    )
    assert info.publishers == ()  # "Crown copyright" names no publisher


def test_isbn_and_issn_check_digits() -> None:
    assert is_valid_isbn("9781848750821")
    assert not is_valid_isbn("9781848750828")
    assert is_valid_isbn("0306406152")
    assert not is_valid_isbn("0306406153")
    assert is_valid_issn("0317-8471")
    assert not is_valid_issn("0317-8472")
    info = document_info(NO_METADATA, [page(1, "ISBN 978-1-84875-082-8 (misprinted)")])
    assert info.isbn == ()


def test_find_lines_ignores_spacing_and_case_differences() -> None:
    text = "Header\nResearch into the Behavioural Effects of\nbuilding in Risk Triggers\nJuly 2015"
    span = find_lines(
        text, ["Research into the Behavioural Effects of", "building in Risk Triggers"]
    )
    assert span is not None
    assert text[span[0] : span[1]] == (
        "Research into the Behavioural Effects of\nbuilding in Risk Triggers"
    )
    assert find_lines(text, ["Not on the page"]) is None
