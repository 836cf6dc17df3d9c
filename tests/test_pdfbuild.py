"""The test PDF builder: each feature, read back from the built file with pypdf."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pypdf.generic import ContentStream

from tests.pdfbuild import (
    Box,
    BulletList,
    Document,
    Footnote,
    Heading,
    Image,
    LabelRange,
    LayoutError,
    Page,
    Paragraph,
    Sup,
    Table,
    build_pdf,
    pdf_bytes,
    running_lines,
)


def read(doc: Document, password: str | None = None) -> pypdf.PdfReader:
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(doc)))
    if password is not None:
        assert reader.decrypt(password)
    return reader


def lines(reader: pypdf.PdfReader, index: int) -> list[str]:
    """Lines of the text of 1-based physical page `index`."""
    return [line.strip() for line in reader.pages[index - 1].extract_text().split("\n")]


def runs(reader: pypdf.PdfReader, index: int) -> list[tuple[str, float, float]]:
    """(text, baseline y, font size) of each text run on a page, in content order."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            found.append((text, float(tm[5]), float(size)))

    reader.pages[index - 1].extract_text(visitor_text=visit)
    return found


def pamphlet() -> Document:
    return Document(
        header="Local by Social",
        footer="{number}",
        pages=[
            Page([Heading("Local by Social")], running=False),
            Page([Paragraph("Contents\nForeword")]),
            Page([Paragraph("The first numbered page.")], number="1"),
            Page([Paragraph("The second numbered page.")], number="2"),
        ],
    )


def test_printed_numbers_run_two_behind_the_physical_index() -> None:
    reader = read(pamphlet())
    assert len(reader.pages) == 4
    assert lines(reader, 1) == ["Local by Social"]  # the cover: no header, no number
    assert lines(reader, 2) == ["Local by Social", "Contents", "Foreword"]
    assert lines(reader, 3)[-1] == "1"
    assert lines(reader, 4)[-1] == "2"


def test_running_header_and_footer_are_the_first_and_last_lines() -> None:
    doc = Document(
        header="Local by Social | {number}",
        footer="NESTA 2010",
        pages=[Page([Paragraph("Body text.")], number=str(n)) for n in (7, 8)],
    )
    reader = read(doc)
    assert lines(reader, 1) == ["Local by Social | 7", "Body text.", "NESTA 2010"]
    assert lines(reader, 2)[0] == "Local by Social | 8"


@pytest.mark.parametrize(
    ("template", "number", "printed"),
    [
        (None, "1", []),
        ("{number}", None, []),
        ("Page {number}", None, ["Page"]),
        ("- {number} -", "3", ["- 3 -"]),
        ("NESTA\n{number}", "3", ["NESTA", "3"]),
        ("NESTA\n{number}", None, ["NESTA"]),
    ],
)
def test_running_line_templates(
    template: str | None, number: str | None, printed: list[str]
) -> None:
    assert running_lines(template, number) == printed


def test_a_two_line_footer() -> None:
    doc = Document(
        footer="Local by Social\n{number}",
        pages=[Page([Paragraph("Front.")]), Page([Paragraph("Body.")], number="1")],
    )
    reader = read(doc)
    assert lines(reader, 1) == ["Front.", "Local by Social"]
    assert lines(reader, 2) == ["Body.", "Local by Social", "1"]


def test_a_forced_line_break_keeps_the_hyphen_at_the_line_end() -> None:
    reader = read(Document([Page([Paragraph("a new pro-\ngramme of work")])]))
    assert lines(reader, 1) == ["a new pro-", "gramme of work"]


def test_long_paragraphs_wrap_inside_the_margins() -> None:
    text = " ".join(["word"] * 200)
    reader = read(Document([Page([Paragraph(text)])]))
    wrapped = lines(reader, 1)
    assert len(wrapped) > 5
    assert " ".join(wrapped) == text


@pytest.mark.parametrize("ligature", ["\ufb00", "\ufb01", "\ufb02", "\ufb03", "\ufb04"])
def test_ligatures_come_back_as_ligature_characters(ligature: str) -> None:
    reader = read(Document([Page([Paragraph(f"the {ligature}nal word")])]))
    assert lines(reader, 1) == [f"the {ligature}nal word"]


def test_superscript_marker_is_glued_smaller_and_raised() -> None:
    doc = Document([Page([Paragraph(["Councils are online", Sup("1"), " today."])])], font_size=10)
    reader = read(doc)
    assert lines(reader, 1) == ["Councils are online1 today."]
    marker = [run for run in runs(reader, 1) if run[0] == "1"]
    assert len(marker) == 1
    assert marker[0][2] < 10  # smaller
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    rises = [float(args[0]) for args, op in operations if op == b"Ts"]
    assert rises and max(rises) > 0  # raised by a text rise


def test_footnotes_sit_at_the_page_foot_above_the_footer() -> None:
    doc = Document(
        footer="{number}",
        pages=[
            Page(
                [Paragraph(["A claim", Sup("1"), "."])],
                number="4",
                footnotes=[Footnote("1", "Ofcom, Communications Market Report, 2009.")],
            )
        ],
    )
    reader = read(doc)
    assert lines(reader, 1) == ["A claim1.", "1 Ofcom, Communications Market Report, 2009.", "4"]
    y = {text.strip(): baseline for text, baseline, _ in runs(reader, 1)}
    page_height = float(reader.pages[0].mediabox.height)
    note_y = y["1 Ofcom, Communications Market Report, 2009."]
    assert note_y < page_height / 4 < y["A claim"]  # in the bottom quarter
    assert y["4"] < note_y


def test_a_note_continues_at_the_foot_of_the_next_page() -> None:
    doc = Document(
        [
            Page([Paragraph("Body one.")], footnotes=[Footnote("2", "This note starts here and")]),
            Page([Paragraph("Body two.")], footnotes=[Footnote(None, "ends on the next page.")]),
        ]
    )
    reader = read(doc)
    assert lines(reader, 1) == ["Body one.", "2 This note starts here and"]
    assert lines(reader, 2) == ["Body two.", "ends on the next page."]


def test_no_page_labels_unless_declared() -> None:
    reader = read(pamphlet())
    assert "/PageLabels" not in reader.root_object


def test_page_labels() -> None:
    doc = Document(
        [Page([Paragraph(f"page {n}")]) for n in range(1, 6)],
        page_labels=[
            LabelRange(1, "r"),
            LabelRange(3, "D"),
            LabelRange(5, "D", prefix="A-", start=3),
        ],
    )
    assert read(doc).page_labels == ["i", "ii", "1", "2", "A-3"]


def test_encrypted_with_a_user_password() -> None:
    doc = Document([Page([Paragraph("Secret text.")])], user_password="letmein")
    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes(doc)))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong")
    reader = read(doc, password="letmein")
    assert lines(reader, 1) == ["Secret text."]


def test_image_only_page_has_an_image_and_no_text() -> None:
    doc = Document(
        header="Running header",
        footer="{number}",
        pages=[Page([Paragraph("Text page.")], number="1"), Page([Image()], running=False)],
    )
    reader = read(doc)
    assert lines(reader, 1)[0] == "Running header"
    assert reader.pages[1].extract_text().strip() == ""
    assert len(reader.pages[1].images) == 1


def test_markup_in_text_comes_back_verbatim() -> None:
    hostile = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"
    reader = read(Document([Page([Paragraph(hostile)])]))
    assert lines(reader, 1) == [hostile]


def test_boxed_case_study_across_a_page_break() -> None:
    doc = Document(
        [
            Page(
                [
                    Paragraph("Before the box."),
                    Box("Brent used Twitter for", title="Case study: Brent", open_bottom=True),
                ]
            ),
            Page([Box("snow updates.", open_top=True), Paragraph("After the box.")]),
        ]
    )
    reader = read(doc)
    assert lines(reader, 1) == ["Before the box.", "Case study: Brent", "Brent used Twitter for"]
    assert lines(reader, 2) == ["snow updates.", "After the box."]

    def strokes(index: int) -> int:
        page = reader.pages[index - 1]
        return sum(op == b"l" for _, op in ContentStream(page.get_contents(), reader).operations)

    assert strokes(1) == 3  # two sides and the top: the bottom is open
    assert strokes(2) == 3  # two sides and the bottom


def test_bulleted_list() -> None:
    doc = Document([Page([BulletList(["Blogs", ["Twitter", Sup("3")], "Facebook"])])])
    assert lines(read(doc), 1) == ["• Blogs", "• Twitter3", "• Facebook"]


def test_table_rows_share_a_line() -> None:
    doc = Document([Page([Table([["Channel", "Cost"], ["Face-to-face", "£7.81"]])])])
    assert lines(read(doc), 1) == ["Channel Cost", "Face-to-face £7.81"]


def test_bookmarks_and_metadata() -> None:
    doc = Document(
        [Page([Heading("Front")]), Page([Heading("Summary", bookmark=True)])],
        title="Local by Social",
        author="Anthony Zacharzewski",
    )
    reader = read(doc)
    (entry,) = reader.outline
    assert isinstance(entry, pypdf.generic.Destination)
    assert entry.title == "Summary"
    assert reader.get_destination_page_number(entry) == 1
    assert reader.metadata is not None
    assert reader.metadata.title == "Local by Social"
    assert reader.metadata.author == "Anthony Zacharzewski"


def test_content_that_does_not_fit_is_an_error() -> None:
    too_long = "\n".join(f"line {n}" for n in range(200))
    with pytest.raises(LayoutError, match="page 1"):
        pdf_bytes(Document([Page([Paragraph(too_long)])]))


def test_builds_are_reproducible(tmp_path: Path) -> None:
    first = build_pdf(pamphlet(), tmp_path / "a.pdf").read_bytes()
    second = build_pdf(pamphlet(), tmp_path / "b.pdf").read_bytes()
    assert first == second


def test_the_docstring_example_runs(tmp_path: Path) -> None:
    import tests.pdfbuild

    doc = tests.pdfbuild.__doc__ or ""
    example = doc.split("Example::", 1)[1]
    code = "\n".join(line[4:] for line in example.splitlines())
    namespace: dict[str, Any] = {"tmp_path": tmp_path}
    exec(code, namespace)
    reader = pypdf.PdfReader(namespace["path"])
    assert lines(reader, 3)[-1] == "1"
