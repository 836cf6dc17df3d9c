"""`extractor check-citations`: a third party's "(p. 8)" citations checked against the paper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.citecheck import CitationChecker, coverage, parse_citations
from extractor.cli import cli
from extractor.errors import EXIT_CHECK_FAILED
from extractor.find import load_pages, words
from extractor.pages import PageText
from tests.reviewdata import GAO

# A reviewer's notes on the GAO report, citing it by its printed page numbers (which run
# four behind the physical pages). Each citation's verdict below was checked by reading the
# report.
CITING_TEXT = Path(__file__).parent / "data" / "citing-gao-06-1046.txt"
EXPECTED = [
    ("31", "ok"),  # "step-by-step approach" is on printed page 31 (physical 35)
    ("5", "ok"),  # "third-party environment": pages 5 and 22
    ("12", "wrong_page"),  # "high-performing organizations" is on 5, 22 and 33, not 12
    ("9", "ok"),  # "On page 9 the report recalls that ...": the citation opens its sentence
    ("5-6", "ok"),  # a quote that runs from page 5 onto page 6, past page 5's footnotes
    ("8", "wrong_page"),  # the quote is on page 6
    ("40-41", "not_found"),  # nothing about councils in England
]


@pytest.fixture(scope="module")
def checker() -> CitationChecker:
    return CitationChecker(load_pages(GAO))


def test_parse_the_usual_forms_of_page_citation() -> None:
    text = (
        'They call it "personal media" (p. 8). A web transaction costs pennies, p.10. '
        "Devon's work is described at length (pages 12-13); see also page 8 and pp. 123-5. "
        "The front matter says so too (p. iv). The meeting ended at 5 p.m. on Monday."
    )
    cited = [(c.cited, c.labels) for c in parse_citations(text)]
    assert cited == [
        ("8", ("8",)),
        ("10", ("10",)),
        ("12-13", ("12", "13")),
        ("8", ("8",)),
        ("123-125", ("123", "124", "125")),
        ("iv", ("iv",)),
    ]


def test_a_range_follows_the_papers_own_labels() -> None:
    (citation,) = parse_citations("As argued (pp. iii-2).", ["i", "ii", "iii", "iv", "1", "2"])
    assert citation.labels == ("iii", "iv", "1", "2")


def test_the_words_a_citation_supports() -> None:
    text = (
        "The pamphlet is short. They advocate 'personal media' as the name (p. 8). "
        "As the authors note, a web transaction costs pennies (p. 10). "
        'Kent\'s approach is "open by default" (Leadbeater 2010, p. 12). '
        "On page 14 the authors describe FixMyStreet in detail. "
        "Councils should listen. (p. 15)"
    )
    found = [(c.text, c.quoted) for c in parse_citations(text)]
    assert found == [
        ("personal media", True),
        ("As the authors note, a web transaction costs pennies", False),
        ("open by default", True),
        ("the authors describe FixMyStreet in detail", False),
        ("Councils should listen", False),
    ]


def test_coverage_counts_runs_of_words_close_together() -> None:
    page = words("We should call it personal media. A face-to-face contact costs several pounds.")
    assert coverage(words("call it personal media"), page) == 1.0
    assert coverage(words("the authors say we should call it personal media"), page) == 6 / 9
    assert coverage(words("media personal it call"), page) == 0.0  # no run of three in order


def test_citations_of_a_real_report_are_marked_right_and_wrong(
    checker: CitationChecker,
) -> None:
    checks = checker.check_text(CITING_TEXT.read_text(encoding="utf-8"))
    assert [(c.cited, c.status) for c in checks] == EXPECTED
    by_cited = {c.cited: c for c in checks}
    assert set(by_cited["12"].found_labels) >= {"5", "22", "33"}
    assert "12" not in by_cited["12"].found_labels
    assert by_cited["8"].found_labels == ("6",)
    assert by_cited["40-41"].found_labels == ()


def test_physical_page_numbers_are_not_what_citations_mean(checker: CitationChecker) -> None:
    """The step-by-step passage is on physical page 35, printed 31: citing 35 is wrong."""
    (check,) = checker.check_text("They recommend a step-by-step approach to the process (p. 35).")
    assert check.status == "wrong_page"
    assert check.found_labels == ("31",)


def test_cli_json_and_exit_code() -> None:
    result = CliRunner().invoke(cli, ["check-citations", str(CITING_TEXT), str(GAO), "--json"])
    assert result.exit_code == EXIT_CHECK_FAILED
    rows = json.loads(result.stdout)
    assert [(r["cited"], r["status"]) for r in rows] == EXPECTED
    assert all(set(r) == {"cited", "text", "status", "found_labels"} for r in rows)
    assert result.stderr.startswith(f"Error: {CITING_TEXT}: 7 citations: 4 ok, 2 on another")


def test_cli_exits_0_when_every_citation_is_ok(tmp_path: Path) -> None:
    text = tmp_path / "good.txt"
    text.write_text(
        'The report speaks of a "third-party environment" (p. 5) and of a step-by-step '
        "approach to the process (p. 31).\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check-citations", str(text), str(GAO)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("ok\tp. 5\tthird-party environment")
    assert "2 citations: 2 ok" in result.stderr


def test_cli_reads_standard_input() -> None:
    result = CliRunner().invoke(
        cli, ["check-citations", "-", str(GAO)], input='a "third-party environment" (p. 22)'
    )
    assert result.exit_code == 0, result.output


def test_words_on_a_page_without_a_printed_number_are_on_no_citable_page() -> None:
    pages = [
        PageText(1, None, None, "Councils should listen to residents.", True),
        PageText(2, "1", "printed", "Another page entirely.", True),
    ]
    (check,) = CitationChecker(pages).check_text("Councils should listen to residents (p. 1).")
    assert (check.status, check.found_labels) == ("not_found", ())
