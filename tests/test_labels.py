"""Printed page labels found as sequences in running headers and footers."""

from __future__ import annotations

import pytest

from extractor.labels import infer_labels, roman_value, to_roman


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
