"""Font sizes from the PDF layer, carried exactly onto the cleaned page text."""

from __future__ import annotations

from pathlib import Path

from extractor.pages import prepare_pages
from extractor.pdf import TextRun, _text_runs, read_pdf
from extractor.text import align_to_source, normalise_chars_mapped
from tests.pdfbuild import Document, Footnote, Page, Paragraph, Sup, build_pdf


def test_runs_need_pieces_that_add_up_to_the_text() -> None:
    pieces = [("Costs fell", 11.0), (" ", 0.0), ("online", 11.0), ("1", 6.5), ("\n", 1.0)]
    assert _text_runs("Costs fell online1\n", pieces) == (
        TextRun(0, 17, 11.0),
        TextRun(17, 18, 6.5),
    )
    assert _text_runs("something else", pieces) == ()


def test_alignment_skips_dropped_lines_hyphens_and_inserted_spaces() -> None:
    source = "Page 4 Header\nthe pro-\ngramme costs ﬁve pounds.1\n"
    target = "the programme costs five pounds. 1"
    normalised, origin = normalise_chars_mapped(source)
    mapped = align_to_source(normalised, target)
    for j, i in enumerate(mapped):
        if i >= 0:
            assert normalised[i] == target[j]
    assert source[origin[mapped[target.index("pro")]]] == "p"
    assert source[origin[mapped[target.index("five")]]] == "\ufb01"  # the ligature
    assert mapped[target.index(" 1")] == -1  # white space is never aligned
    assert source[origin[mapped[len(target) - 1]]] == "1"


def test_superscripts_and_footnotes_have_their_sizes_on_the_cleaned_text(tmp_path: Path) -> None:
    doc = Document(
        footer="{number}",
        pages=[
            Page(
                [Paragraph(["Most councils are online", Sup("1"), " and answer residents."])],
                number="1",
                footnotes=[Footnote("1", "Ofcom, Communications Market Report, 2009.")],
            )
        ],
    )
    pdf = read_pdf(build_pdf(doc, tmp_path / "sizes.pdf"))
    assert pdf.pages[0].runs
    (page,), _ = prepare_pages(pdf)
    text = page.text
    marker = text.index("online") + len("online ")
    assert text[marker] == "1"
    body = page.size_at(text.index("councils"))
    note = page.size_at(text.index("Ofcom"))
    sup = page.size_at(marker)
    assert body is not None and note is not None and sup is not None
    assert sup < note < body
    assert page.size_at(len(text) + 10) is None
    for run in page.font_runs:
        assert 0 <= run.start < run.end <= len(text)
