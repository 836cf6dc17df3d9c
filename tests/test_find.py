"""`extractor find`: the pages where a phrase occurs, however the PDF broke or spelt it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.find import DocumentText, find_phrase, load_pages, words
from extractor.pages import PageText
from tests.reviewdata import GAO


def page(index: int, label: str | None, text: str) -> PageText:
    return PageText(index, label, "printed" if label else None, text, True)


PAGES = [
    page(1, None, "Local by Social\nCover"),
    page(2, "8", "We should call it personal\nmedia. A face-to-face con-\ntact costs pounds."),
    page(3, "9", "The \ufb01nal programme\nof work started in Brent.\nCouncils use social"),
    page(4, "10", "media well. A web transaction costs pennies."),
]


@pytest.fixture(scope="module")
def gao_pages() -> list[PageText]:
    return load_pages(GAO)


def labels(hits: list) -> list[str | None]:  # type: ignore[type-arg]
    return [hit.label for hit in hits]


def test_phrase_across_a_line_break_and_in_another_case() -> None:
    assert labels(find_phrase(PAGES, "Call it PERSONAL MEDIA")) == ["8"]


def test_phrase_split_by_a_hyphenated_line_break() -> None:
    hits = find_phrase(PAGES, "a face-to-face contact costs")
    assert labels(hits) == ["8"]
    assert hits[0].score == 1.0
    assert "con- tact" in hits[0].context


def test_ligature_in_the_text_or_in_the_phrase() -> None:
    assert labels(find_phrase(PAGES, "final programme")) == ["9"]
    assert labels(find_phrase(PAGES, "\ufb01nal programme")) == ["9"]


def test_a_match_starts_and_ends_on_word_boundaries() -> None:
    assert find_phrase(PAGES, "art") == []  # inside "started"
    assert find_phrase(PAGES, "ocial") == []
    assert labels(find_phrase(PAGES, "started")) == ["9"]


def test_phrase_across_a_page_break_is_on_the_page_where_it_starts() -> None:
    hits = find_phrase(PAGES, "councils use social media well")
    assert labels(hits) == ["9"]
    match = DocumentText(PAGES).find("councils use social media well")[0]
    assert (match.page.label, match.end_page.label) == ("9", "10")


def test_fuzzy_finds_a_misspelt_phrase_with_a_score() -> None:
    assert find_phrase(PAGES, "a web transacton cost pennies") == []
    hits = find_phrase(PAGES, "a web transacton cost pennies", fuzzy=True)
    assert labels(hits) == ["10"]
    assert 0.8 <= hits[0].score < 1.0
    assert find_phrase(PAGES, "entirely unrelated words here", fuzzy=True) == []


def test_a_fuzzy_score_is_the_share_of_letters_both_runs_have_in_common() -> None:
    """The letters "awebtransactoncostpennies" (25) in "awebtransactioncostspennies" (27): 25
    in common, so 2 * 25 / (25 + 27); a word more or less is within the window's slack."""
    hits = find_phrase(PAGES, "a web transacton cost pennies", fuzzy=True)
    assert [hit.score for hit in hits] == [round(50 / 52, 3)]
    shorter = find_phrase(PAGES, "a web transaction pennies", fuzzy=True)
    assert [(hit.label, hit.score) for hit in shorter] == [("10", round(2 * 22 / (22 + 27), 3))]


def test_every_hyphenated_line_break_of_a_real_report_is_found(
    gao_pages: list[PageText],
) -> None:
    """Each word the report breaks at a line end is found when written whole or hyphenated."""
    document = DocumentText(gao_pages)
    breaks = [(p, m) for p in gao_pages for m in re.finditer(r"(\w+) (\w+)-\n(\w+) (\w+)", p.text)]
    assert breaks, "the report has words hyphenated across a line end"
    for found_on, m in breaks:
        head, tail = m.group(2), m.group(3)
        for joined in (f"{head}-{tail}", f"{head}{tail}", f"{head} {tail}"):
            phrase = f"{m.group(1)} {joined} {m.group(4)}"
            assert found_on.index in [h.index for h in find_phrase(document, phrase)], phrase


def test_a_built_pdf_with_hyphenated_breaks_and_printed_numbers(tmp_path: Path) -> None:
    """Physical pages 2 and 3 print 1 and 2; phrases broken at line ends are found."""
    from tests.pdfbuild import Document, Page, Paragraph, build_pdf

    doc = Document(
        header="Local by Social",
        footer="{number}",
        pages=[
            Page([Paragraph("A pamphlet about councils")], running=False),
            Page([Paragraph("A face-to-\nface contact costs several pounds.")], number="1"),
            Page([Paragraph("The council ran a pro-\ngramme of \ufb01eld visits.")], number="2"),
        ],
    )
    pdf = build_pdf(doc, tmp_path / "pamphlet.pdf")
    for phrase, index, label in [
        ("face to face contact costs", 2, "1"),
        ("a face-to-face contact", 2, "1"),
        ("ran a programme of field visits", 3, "2"),
        ("a pro-gramme of FIELD visits", 3, "2"),
    ]:
        result = CliRunner().invoke(cli, ["find", str(pdf), phrase, "--json"])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout)
        assert [(r["index"], r["label"], r["score"]) for r in rows] == [(index, label, 1.0)]


def test_cli_json_lists_pages_with_index_label_score_and_context(tmp_path: Path) -> None:
    gao_text = load_pages(GAO)
    line = next(ln for p in gao_text if p.label == "9" for ln in p.text.split("\n") if len(ln) > 40)
    result = CliRunner().invoke(cli, ["find", str(GAO), line.upper(), "--json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows and all(set(row) == {"index", "label", "score", "context"} for row in rows)
    nine = [row for row in rows if row["label"] == "9"]
    assert nine and nine[0]["index"] == 13 and nine[0]["score"] == 1.0
    assert " ".join(words(line)) in " ".join(words(nine[0]["context"]))


def test_cli_text_output_and_nothing_found() -> None:
    result = CliRunner().invoke(cli, ["find", str(GAO), "step by step approach"])
    assert result.exit_code == 0
    assert result.stdout.startswith("page 35\tp. 31\t")
    result = CliRunner().invoke(cli, ["find", str(GAO), "zebra crossing in Kent"])
    assert result.exit_code == 1  # as grep: no match
    assert result.stdout == ""
    assert result.stderr == f"{GAO}: not found: zebra crossing in Kent\n"


def test_cli_fuzzy_prints_the_score_and_a_threshold_can_refuse_it() -> None:
    result = CliRunner().invoke(cli, ["find", str(GAO), "step by stap approach", "--fuzzy"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("page 35\tp. 31 score 0.94\t")
    strict = ["find", str(GAO), "step by stap approach", "--fuzzy", "--threshold", "0.95"]
    result = CliRunner().invoke(cli, strict)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"{GAO}: not found: step by stap approach\n"


def test_cli_missing_pdf_is_one_error_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["find", str(tmp_path / "no.pdf"), "x"])
    assert result.exit_code == 4
    assert result.stderr == f"Error: {tmp_path / 'no.pdf'}: no such file\n"
