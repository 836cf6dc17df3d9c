"""Exact ground truth: a pamphlet built by the test, run through `extractor extract`.

The pamphlet has a cover and a front-matter page without printed numbers, so the printed
numbers run two behind the physical index; a running header and a two-line running footer
(text, then the number); a word hyphenated across a line end; ligature characters; and
footnote markers set as superscripts glued to the word (and to the full stop) before them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.schema import validation_error
from tests.pdfbuild import (
    Document,
    Footnote,
    Heading,
    Page,
    Paragraph,
    Sup,
    build_pdf,
    running_lines,
)

HEADER = "Local by Social"
FOOTER = "NESTA Public Services Lab\n{number}"
SENTENCES = [
    "Councils up and down the country are starting to use social media with their public.",
    "Some of them have been doing so for years, with blogs, forums and video channels.",
    "A resident who reports a broken street light expects to see what happened to it.",
    "Officers in several authorities now answer questions on Twitter during the day.",
    "Most of this work costs little, but it changes how a council thinks about its public.",
    "The snow of February brought the first real test of these channels for many areas.",
]
HYPHENATED = ("engage-", "ment")  # printed at a line end and the start of the next line
LIGATURES = {"\ufb01nal": "final", "e\ufb00ective": "effective", "\ufb02ows": "flows"}


def pamphlet_pages() -> list[Page]:
    cover = Page(
        [Heading("A Pamphlet About Councils", size=28), Paragraph("How councils use the web")],
        running=False,
    )
    contents = Page([Heading("Contents"), Paragraph("Foreword\nCase studies\nNotes")])
    first = Page(
        [
            Paragraph(
                [
                    "Most residents are now online",
                    Sup("1"),
                    " and many use social networks. The \ufb01nal report of the group found"
                    f" that {HYPHENATED[0]}\n{HYPHENATED[1]} rose. {SENTENCES[0]}",
                ]
            ),
            Paragraph(SENTENCES[1]),
        ],
        number="1",
        footnotes=[Footnote("1", "Ofcom, Communications Market Report, 2009.")],
    )
    second = Page(
        [
            Paragraph(
                [
                    "An e\ufb00ective council listens, as one officer said.",
                    Sup("2"),
                    f" Information \ufb02ows both ways. {SENTENCES[2]}",
                ]
            )
        ],
        number="2",
        footnotes=[Footnote("2", "Interview with the authors, 2009.")],
    )
    rest = [Page([Paragraph(text)], number=str(n)) for n, text in enumerate(SENTENCES[3:], 3)]
    return [cover, contents, first, second, *rest]


@pytest.fixture(scope="module")
def extraction(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("pamphlet")
    pdf = build_pdf(
        Document(pamphlet_pages(), header=HEADER, footer=FOOTER, title="Local by Social"),
        folder / "pamphlet.pdf",
    )
    out = folder / "pamphlet.json"
    result = CliRunner().invoke(cli, ["extract", str(pdf), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def page_texts(extraction: dict[str, Any]) -> list[str]:
    return [page["text"] for page in extraction["pages"]]


def flat(texts: Sequence[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(texts))


def test_the_output_validates(extraction: dict[str, Any]) -> None:
    assert validation_error(extraction) is None


def test_labels_are_the_printed_numbers(extraction: dict[str, Any]) -> None:
    pages = pamphlet_pages()
    assert [page["index"] for page in extraction["pages"]] == list(range(1, len(pages) + 1))
    assert [page["label"] for page in extraction["pages"]] == [page.number for page in pages]
    # Two behind: physical page 3 is printed "1".
    assert extraction["pages"][2]["label"] == "1"
    assert [page["label_source"] for page in extraction["pages"]] == [
        None if page.number is None else "printed" for page in pages
    ]


def test_running_header_and_footer_lines_are_removed(extraction: dict[str, Any]) -> None:
    for page, text in zip(pamphlet_pages(), page_texts(extraction), strict=True):
        lines = text.split("\n")
        running = running_lines(HEADER, page.number) + running_lines(FOOTER, page.number)
        if page.running:
            assert running  # the page printed them...
        for line in running:
            assert line not in lines  # ...and they are gone from its text
    # The body text is all still there.
    body = flat(page_texts(extraction))
    for sentence in SENTENCES:
        assert sentence in body


def test_the_hyphenated_word_is_joined(extraction: dict[str, Any]) -> None:
    text = extraction["pages"][2]["text"]
    assert "".join(HYPHENATED).replace("-", "") in text
    assert HYPHENATED[0] not in text


def test_ligatures_are_expanded(extraction: dict[str, Any]) -> None:
    body = flat(page_texts(extraction))
    for plain in LIGATURES.values():
        assert plain in body
    assert not re.search("[\ufb00-\ufb06]", body)


def test_footnote_markers_are_separated_from_their_words(extraction: dict[str, Any]) -> None:
    first, second = extraction["pages"][2]["text"], extraction["pages"][3]["text"]
    assert "online 1 and" in first
    assert "online1" not in first
    assert "said. 2 Information" in second
    # The notes themselves stay at the foot of their pages.
    assert first.split("\n")[-1] == "1 Ofcom, Communications Market Report, 2009."
    assert second.split("\n")[-1] == "2 Interview with the authors, 2009."


def test_the_source_and_no_warnings(extraction: dict[str, Any]) -> None:
    assert extraction["source"]["file"] == "pamphlet.pdf"
    assert extraction["source"]["page_count"] == len(pamphlet_pages())
    assert extraction["warnings"] == []
