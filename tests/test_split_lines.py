"""Words that pypdf puts on lines of their own although they are drawn on one baseline
(`join_split_lines`): they are read as one line, and nothing else moves."""

from __future__ import annotations

import pytest

from extractor.pages import prepare_pages
from extractor.pdf import GlyphRun, join_split_lines, read_pdf
from tests.conftest import CORPUS, require_corpus

# A 12-point line: glyph boxes 14 points high, from the font's ascent and descent.
TOP, BOTTOM = 100.0, 114.0


def word(start: int, text: str, left: float, top: float = TOP, bottom: float = BOTTOM) -> GlyphRun:
    """The glyph run of `text` at offset `start`, 6 points a character from `left`."""
    lefts = tuple(left + 6.0 * k for k in range(len(text)))
    return GlyphRun(start, start + len(text), top, bottom, lefts, tuple(x + 6.0 for x in lefts))


def runs_of(text: str, lefts: list[float], **where: float) -> list[GlyphRun]:
    """One run per word of `text` (words apart by white space), at the given lefts."""
    runs, position = [], 0
    for left, token in zip(lefts, text.split(), strict=True):
        position = text.index(token, position)
        runs.append(word(position, token, left, **where))
        position += len(token)
    return runs


def test_words_a_space_apart_on_one_baseline_join_and_offsets_hold() -> None:
    text = "People\n \nsaw\n \nit"
    runs = runs_of(text, [10.0, 10.0 + 36 + 4, 10.0 + 36 + 4 + 18 + 4])
    joined = join_split_lines(text, runs)
    assert joined == "People   saw   it"
    assert len(joined) == len(text)
    assert all(joined[r.start : r.end] == text[r.start : r.end] for r in runs)


@pytest.mark.parametrize(
    ("second", "why"),
    [
        (word(8, "7.2", 36 + 40.0), "a table's column gap"),
        (word(8, "7.2", 0.0), "back to the left: a new line"),
        (word(8, "7.2", 40.0, TOP + 14, BOTTOM + 14), "the next baseline"),
        (word(8, "7.2", 40.0, TOP + 4, BOTTOM - 2), "a smaller size: a marker"),
    ],
)
def test_breaks_between_runs_not_a_word_space_apart_stay(second: GlyphRun, why: str) -> None:
    text = "Travel\n \n7.2"
    assert join_split_lines(text, [word(0, "Travel", 0.0), second]) == text, why


def test_a_break_with_text_between_the_runs_stays() -> None:
    text = "Travel\n*\n7.2"
    runs = [word(0, "Travel", 0.0), word(10, "7.2", 40.0)]
    assert join_split_lines(text, runs) == text


def test_a_report_drawn_word_by_word_reads_as_lines_of_words() -> None:
    """A real report whose generator draws every word apart: pypdf gives a word a line."""
    require_corpus()
    path = (
        CORPUS.parent
        / "corpus-train"
        / "pdfs"
        / "uk-iai-consult-ai-social-readiness-label-2025.pdf"
    )
    if not path.exists():
        pytest.fail(f"training PDF missing: {path}")
    pdf = read_pdf(path, max_pages=11)
    pages, _ = prepare_pages(pdf)
    text = pages[10].text
    assert "People saw the potential for AI to address current inefficiencies and" in text
    # Lines still break where the page's lines do, and the page's glyphs still match.
    assert "inconsistencies in the consultation analysis process." in text
    raw = pdf.pages[10]
    assert all(raw.text[g.start : g.end].strip() for g in raw.glyphs)
