"""The layout stage: each line's kind and section, decided once and handed on in
`doc.spans["extractor_layout"]`; its rules one by one, on typed pages, built PDFs and
real corpus pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from extractor.extract import parse_pages
from extractor.nlp.layout import (
    LAYOUT_KEY,
    SECTION_ATTR,
    LineFacts,
    PageLayout,
    appendix_start,
    decide_layout,
    heading_levels,
    is_caption_line,
    is_heading_line,
    is_list_item_line,
    is_note_line,
    is_running_line,
    is_table_row_line,
    line_kind,
    page_layouts,
    paragraph_leads,
    read_layout,
    set_layout,
)
from extractor.nlp.types import PageDoc
from extractor.pages import PageText, prepare_pages
from extractor.pdf import read_pdf
from tests.conftest import CORPUS, CORPUS_PDFS, require_corpus
from tests.pdfbuild import Document, Footnote, Heading, Page, Paragraph, build_pdf


def facts(
    text: str, size: float | None = None, body: float | None = None, **more: Any
) -> LineFacts:
    return LineFacts(text, size, body, more.get("edge"), more.get("running", False))


def typed(*texts: str) -> list[PageText]:
    return [PageText(i, str(i), "printed", text, True) for i, text in enumerate(texts, start=1)]


def line_texts(page: PageText, layout: PageLayout, kind: str) -> list[str]:
    return [page.text[line.start : line.end] for line in layout.lines if line.kind == kind]


# --- the rules, one by one ---------------------------------------------------------------


def test_running_line_is_a_recurring_or_page_number_line_at_an_edge() -> None:
    assert is_running_line(facts("Annual report 2015", edge="top", running=True)) == "header"
    assert is_running_line(facts("- 12 -", edge="bottom")) == "footer"
    assert is_running_line(facts("Annual report 2015", running=True)) is None  # not at an edge
    assert is_running_line(facts("Introduction", edge="top")) is None


def test_note_line_is_small_and_starts_with_a_marker() -> None:
    assert is_note_line(facts("3 Ofcom, Communications Market Report, 2009.", 8, 11)) == "note"
    assert is_note_line(facts("3 councils answered the survey.", 11, 11)) is None
    assert is_note_line(facts("Ofcom, Communications Market Report.", 8, 11)) is None


def test_caption_line_names_a_figure_table_or_source() -> None:
    assert is_caption_line(facts("Figure 3: Contacts by channel")) == "caption"
    assert is_caption_line(facts("Table 2 Grants by agency")) == "caption"
    assert is_caption_line(facts("Figures show a rise in contacts.")) is None
    assert is_caption_line(facts("Notes")) is None


def test_heading_line_by_font_size_or_title_case() -> None:
    assert is_heading_line(facts("Part 1: Introduction", 24, 11)) == "heading"
    assert is_heading_line(facts("Part 1: Introduction", 11, 11)) is None  # body size
    assert is_heading_line(facts("It grew.", 24, 11)) is None  # ends as a sentence does
    assert is_heading_line(facts("Why Councils Should Use Social Media")) == "heading"
    assert is_heading_line(facts("why councils use it in the end")) is None


def test_list_item_and_table_row_lines() -> None:
    assert is_list_item_line(facts("• Agents reported that they understood")) == "list_item"
    assert is_list_item_line(facts("(a) the first condition;")) == "list_item"
    assert is_list_item_line(facts("Agents reported that")) is None
    assert is_table_row_line(facts("Grants 2004 12.5 1,200")) == "table_row"
    assert is_table_row_line(facts("Agency    Grants    Budget")) == "table_row"
    assert is_table_row_line(facts("25th March 2015.")) is None  # a date, no row


def test_first_rule_that_names_a_kind_wins() -> None:
    # a small-print line with a marker is a note before it is a caption; body text else
    assert line_kind(facts("1 Table 2 is GAO's analysis of data.", 8, 11)) == "note"
    assert line_kind(facts("Table 2 is GAO's analysis of data.", 8, 11)) == "caption"
    assert line_kind(facts("Agents reported that they understood the triggers.")) == "body"


def test_heading_levels_follow_font_sizes() -> None:
    assert heading_levels([18, 26, 13, 18]) == {26: 1, 18: 2, 13: 3}
    assert heading_levels(range(20, 40))[20] == 6  # deepest level


def test_paragraph_leads_where_the_last_line_stops_short_of_the_margin() -> None:
    text = (
        "Residents were asked how they contact the council and most said by phone\n"
        "or in person at the office.\n"
        "Web contact has grown every year since the council put its forms online,\n"
        "and it now costs pennies a time.\n"
        "Residents who use the web forms say they are quicker than phoning the\n"
        "council and more likely to reach the right officer at the first attempt.\n"
        "This line runs on into the next one as a single sentence of the paragraph\n"
        "and ends here."
    )
    leads = paragraph_leads(text)
    assert {text[i : i + 12] for i in leads} == {"Web contact ", "Residents wh"}


def test_appendices_start_at_an_appendix_heading_in_the_second_half() -> None:
    def pages(*heads: str) -> list[PageText]:
        return typed(*(f"{head}\nText." for head in heads))

    assert appendix_start(pages("Contents", "Appendix I: Scope", "Findings", "Appendix II")) == 4
    assert appendix_start(pages("Contents", "Findings", "Appendix I: Methodology", "Notes")) == 3
    assert appendix_start(pages("Contents", "Findings", "Conclusions")) is None


# --- sections over a document ----------------------------------------------------------


def test_sections_summary_notes_and_appendix_over_typed_pages() -> None:
    pages = typed(
        "Executive summary\nCouncils answer residents online.\n\nBackground\nIt began in 2009.",
        "Context\nMost contact is by phone.",
        "Notes\n1 Ofcom, Communications Market Report, 2009.\n2 LGA, Connected councils.",
        "Appendix I: Methods\nWe interviewed 41 agents.",
    )
    layouts = decide_layout(pages)
    sections = [[line.section for line in layout.lines] for layout in layouts]
    assert sections[0] == ["summary", "summary", "body", "body"]
    assert sections[1] == ["body", "body"]
    assert sections[2] == ["notes", "notes", "notes"]
    assert layouts[2].section_openers == frozenset({0})
    # "Appendix" closes the notes section and opens the appendices
    assert sections[3] == ["appendix", "appendix"]
    assert [layout.appendix for layout in layouts] == [False, False, False, True]


def test_running_header_recurs_at_the_top_of_pages() -> None:
    pages = typed(
        *(
            f"Risk triggers report {n}\nAgents use software to file returns.\nPage end."
            for n in (1, 2, 3)
        )
    )
    for page, layout in zip(pages, decide_layout(pages), strict=True):
        assert line_texts(page, layout, "header") == [page.text.split("\n")[0]]
    two = typed("Risk triggers report\nText one.", "Risk triggers report\nText two.")
    assert all(line.kind != "header" for layout in decide_layout(two) for line in layout.lines)


# --- stored on the Doc -----------------------------------------------------------------


def test_layout_round_trips_through_bytes_and_docbin() -> None:
    nlp = spacy.blank("en")
    pages = typed("Executive Summary\nCouncils answer residents online every day.\n\nNotes")
    doc = nlp(pages[0].nlp_text)
    (layout,) = decide_layout(pages)
    set_layout(doc, layout)
    assert [span.label_ for span in doc.spans[LAYOUT_KEY]] == ["heading", "body", "heading"]
    assert [span._.get(SECTION_ATTR) for span in doc.spans[LAYOUT_KEY]] == [
        "summary",
        "summary",
        "notes",
    ]
    assert read_layout(doc) == layout
    assert read_layout(Doc(nlp.vocab).from_bytes(doc.to_bytes())) == layout
    docs = DocBin(store_user_data=True, docs=[doc])
    (restored,) = DocBin(store_user_data=True).from_bytes(docs.to_bytes()).get_docs(nlp.vocab)
    assert read_layout(restored) == layout


def test_docs_parsed_without_the_stage_get_it_on_first_read() -> None:
    nlp = spacy.blank("en")
    pages = typed("Findings\nMost contact is by phone.")
    page_docs = [PageDoc(page, nlp(page.nlp_text)) for page in pages]
    assert LAYOUT_KEY not in page_docs[0].doc.spans
    assert page_layouts(page_docs) == decide_layout(pages)
    assert LAYOUT_KEY in page_docs[0].doc.spans


BUILT = Document(
    footer="{number}",
    pages=[
        Page(
            [
                Heading("Why Councils Tweet", size=20),
                Paragraph("Councils answer residents on social media every working day."),
                Heading("What it costs", size=14, level=2),
                Paragraph("A web contact costs pennies where a call costs pounds."),
            ],
            footnotes=[Footnote("1", "Ofcom, Communications Market Report, 2009.")],
            number="1",
        ),
    ],
)


def test_the_pipeline_lays_out_a_built_pdf_before_the_components(tmp_path: Path, nlp: Any) -> None:
    pdf = read_pdf(build_pdf(BUILT, tmp_path / "built.pdf"))
    pages, warnings = prepare_pages(pdf)
    (page_doc,) = parse_pages(nlp, pages, warnings).page_docs
    layout = read_layout(page_doc.doc)
    text = page_doc.page.text
    headings = [
        (text[line.start : line.end], line.level) for line in layout.lines if line.kind == "heading"
    ]
    assert headings == [("Why Councils Tweet", 1), ("What it costs", 2)]
    assert line_texts(page_doc.page, layout, "note") == [
        "1 Ofcom, Communications Market Report, 2009."
    ]
    assert "Councils answer residents on social media every working day." in line_texts(
        page_doc.page, layout, "body"
    )


SMALL_BIBLIOGRAPHY = Document(
    font_size=10,
    pages=[
        Page(
            [
                Paragraph(" ".join(["Councils answer residents on social media every day."] * 6)),
                Paragraph("Notes", size=8),
                Paragraph("A web contact costs pennies where a call costs pounds."),
                Paragraph(
                    "References\nAdesso, G., and F. Illuminati, 2004, Phys. Rev. A 70, 022318.\n"
                    "Agarwal, G. S., 1971, Phys. Rev. A 3, 828.",
                    size=8,
                ),
            ]
        ),
    ],
)


def test_a_bibliography_set_in_small_print_opens_its_section(tmp_path: Path) -> None:
    pages, _ = prepare_pages(read_pdf(build_pdf(SMALL_BIBLIOGRAPHY, tmp_path / "small.pdf")))
    (layout,) = decide_layout(pages)
    text = pages[0].text
    sections = {text[line.start : line.end]: line.section for line in layout.lines}
    # "Notes" in small print before a body line is no heading of a section; "References"
    # in the small print of the entries after it is.
    assert sections["A web contact costs pennies where a call costs pounds."] == "body"
    assert sections["Agarwal, G. S., 1971, Phys. Rev. A 3, 828."] == "references"
    assert [text[start:].split("\n")[0] for start in layout.section_openers] == ["References"]


# --- real pages --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hmrc() -> list[tuple[PageText, PageLayout]]:
    require_corpus()
    pages, _ = prepare_pages(read_pdf(CORPUS_PDFS / "uk-hmrc-risk-triggers-report-2015.pdf"))
    pages = [page for page in pages if page.text.strip()]
    return list(zip(pages, decide_layout(pages), strict=True))


def test_corpus_headings_their_levels_and_the_summary(
    hmrc: list[tuple[PageText, PageLayout]],
) -> None:
    by_index = {page.index: (page, layout) for page, layout in hmrc}
    page, layout = by_index[4]
    first = layout.lines[0]
    assert (page.text[first.start : first.end], first.kind, first.section) == (
        "Executive Summary",
        "heading",
        "summary",
    )
    assert all(line.section == "summary" for line in layout.lines)
    bullets = line_texts(page, layout, "list_item")
    assert len(bullets) == 5 and all(text.startswith("• ") for text in bullets)
    assert line_texts(page, layout, "note")[0].startswith("1 Measuring Tax Gaps")
    page, layout = by_index[6]
    assert line_texts(page, layout, "heading")[0] == "Part 1: Introduction & Background"
    # the title (26 pt) ranks above the chapter headings (24 pt)
    title = by_index[1][1].lines[0]
    assert (title.kind, title.level) == ("heading", 1)
    assert layout.lines[0].level == 2
    assert all(line.section == "body" for line in layout.lines)


def test_a_journal_bibliography_in_small_print_is_read_as_references() -> None:
    pdf = (
        CORPUS.parent
        / "corpus-train"
        / "pdfs"
        / ("arxiv-quant-ph-0410100-continuous-variables-2004.pdf")
    )
    pages, _ = prepare_pages(read_pdf(pdf))
    layouts = decide_layout(pages)
    # Page 61 ends the body and opens the list (its heading in the entries' 9 pt, the body
    # is 10 pt); pages 62 to 65 are all entries.
    assert {line.section for line in layouts[59].lines} == {"body"}
    assert {line.section for line in layouts[60].lines} == {"body", "references"}
    assert all({line.section for line in layouts[k].lines} == {"references"} for k in range(61, 65))


def test_corpus_running_header_of_a_bibliography() -> None:
    require_corpus()
    pdf = read_pdf(CORPUS_PDFS / "us-gao-06-1046-grants-management-2006.pdf")
    pages, _ = prepare_pages(pdf)
    pages = [page for page in pages if page.text.strip()]
    headers = {
        page.index: line_texts(page, layout, "header")
        for page, layout in zip(pages, decide_layout(pages), strict=True)
    }
    assert {index: found for index, found in headers.items() if found} == {
        49: ["Bibliography"],
        50: ["Bibliography"],
        51: ["Bibliography"],
    }
