"""Printed page labels found as sequences in running headers and footers."""

from __future__ import annotations

import pytest

from extractor.labels import infer_labels, roman_value, to_roman
from extractor.pages import prepare_pages
from extractor.pdf import read_pdf
from tests.conftest import CORPUS


def pages_with_footers(
    footers: list[str | None], body: str = "Some text of the page."
) -> list[list[str]]:
    return [[body, body, footer] if footer is not None else [body, body] for footer in footers]


@pytest.mark.parametrize(("numeral", "value"), [("i", 1), ("iv", 4), ("xiv", 14), ("XL", 40)])
def test_roman_values(numeral: str, value: int) -> None:
    assert roman_value(numeral) == value
    assert to_roman(value) == numeral.lower()


def test_malformed_roman_is_rejected() -> None:
    assert roman_value("iiii") is None
    assert roman_value("page") is None


def test_printed_numbers_two_behind_the_physical_index() -> None:
    pages = pages_with_footers([None, None, "1", "2", "3", "4", "5"])
    labels = infer_labels(pages)
    assert [label.label for label in labels] == [None, None, "1", "2", "3", "4", "5"]
    assert {label.source for label in labels[2:]} == {"printed"}


def test_roman_front_matter_then_arabic() -> None:
    pages = pages_with_footers(
        [None, "Page i Report", "Page ii Report", "Page 1 Report", "Page 2 Report", "Page 3 Report"]
    )
    assert [label.label for label in infer_labels(pages)] == [None, "i", "ii", "1", "2", "3"]


def test_numbers_that_do_not_advance_with_the_page_are_not_labels() -> None:
    # A year at the foot of every page, and scattered note numbers.
    pages = pages_with_footers(["2015", "2015", "7", "2015", "12", "2015"])
    assert [label.label for label in infer_labels(pages)] == [None] * 6


def test_informative_page_labels_fill_pages_without_printed_numbers() -> None:
    pages = pages_with_footers([None, None, "1", "2", "3", None])
    labels = infer_labels(pages, pdf_labels=["i", "ii", "1", "2", "3", "4"])
    assert [label.label for label in labels] == ["i", "ii", "1", "2", "3", "4"]
    assert [label.source for label in labels] == ["page_labels"] * 2 + ["printed"] * 3 + [
        "page_labels"
    ]


def test_printed_numbers_beat_contradicting_page_labels() -> None:
    pages = pages_with_footers(["10", "11", "12", "13"])
    labels = infer_labels(pages, pdf_labels=["A", "B", "C", "D"])
    assert [label.label for label in labels] == ["10", "11", "12", "13"]


def test_page_word_of_another_language() -> None:
    # An e-signature stamp at the foot of Spanish council minutes, read before the
    # page's language is told.
    footers = [f"Documento firmado electrónicamente | Página {n} de 6" for n in range(1, 7)]
    labels = infer_labels(pages_with_footers(footers))
    assert [label.label for label in labels] == ["1", "2", "3", "4", "5", "6"]
    assert {label.source for label in labels} == {"printed"}


def test_page_within_an_issue_after_a_slash() -> None:
    # The Official Journal's running header names the issue, then the page: "L 119/5".
    headers = [f"4.5.2016 L 119/{n} Official Journal of the European Union EN" for n in range(1, 6)]
    pages = [[header, "Some text of the page.", "More text."] for header in headers]
    assert [label.label for label in infer_labels(pages)] == ["1", "2", "3", "4", "5"]


def test_a_fixed_number_after_a_slash_is_not_a_label() -> None:
    # A report's number and a date in every footer: they do not advance with the page.
    footers = ["Report 2021/22, 04/05/2016"] * 6
    assert [label.label for label in infer_labels(pages_with_footers(footers))] == [None] * 6


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Official Journal headers "L 119/N" (the gold cites N).
        ("eu-gdpr-regulation-2016-679.pdf", {5: "5", 40: "40", 88: "88"}),
        # "Página N de 25" stamped in the margin of every page.
        ("es-la-zarza-acta-pleno-2025-02.pdf", {1: "1", 13: "13", 25: "25"}),
    ],
)
def test_real_running_labels(name: str, expected: dict[int, str]) -> None:
    pages, _ = prepare_pages(read_pdf(CORPUS.parent / "corpus-train" / "pdfs" / name))
    by_index = {page.index: page.label for page in pages}
    assert {index: by_index[index] for index in expected} == expected
