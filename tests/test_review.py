"""`extractor review`: the review page as written, and decisions applied with --apply."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from extractor.cli import cli
from extractor.model import Extraction
from extractor.review_html import render_review
from extractor.schema import validation_error
from tests.reviewdata import (
    GAO,
    HOSTILE_TEXT,
    real_extraction,
    synthetic_extraction,
    with_items,
    write_extraction,
)

# Extra markup for the page text, beyond what a built PDF carries.
HOSTILE = HOSTILE_TEXT + ' "><svg onload=alert(3)> </script><b>bold</b> & more'


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def gao() -> Extraction:
    from extractor.find import load_pages

    return with_items(real_extraction(GAO), load_pages(GAO))


class Tags(HTMLParser):
    """Every start tag of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def test_every_item_is_listed_under_its_page_with_a_link(gao: Extraction) -> None:
    page = render_review(gao, "gao%20report.pdf")
    tags = tags_of(page)
    articles = [attrs for tag, attrs in tags if tag == "article"]
    assert [a["data-id"] for a in articles] == [
        i.id for i in sorted(gao.items(), key=lambda i: (i.page.index, i.char_span.start, i.id))
    ]
    assert {a["data-type"] for a in articles} == {"example", "claim", "cost", "citation"}
    hrefs = {attrs["href"] for tag, attrs in tags if tag == "a"}
    for item in gao.items():
        assert f"gao%20report.pdf#page={item.page.index}" in hrefs
    marks = re.findall(r"<mark>(.*?)</mark>", page, re.S)
    assert len(marks) == len(articles)  # each quote once, marked in its context
    # each page's whole text once, in its section (not again under every item), marked
    # with its language, which the page's heading shows too
    pages_with_items = len({i.page.index for i in gao.items()})
    assert page.count('<div class="page-text" lang="en">') == pages_with_items
    assert page.count('<span class="page-language" title="language of the page">in en</span>') == (
        pages_with_items
    )


def test_the_page_is_self_contained(gao: Extraction) -> None:
    page = render_review(gao, "gao.pdf")
    tags = tags_of(page)
    assert not [t for t, attrs in tags if t in ("link", "iframe", "img", "object", "embed")]
    assert not [attrs for t, attrs in tags if t == "script" and "src" in attrs]
    # the page texts may mention web addresses (escaped text); nothing points at one
    links = [v for _, attrs in tags for v in attrs.values() if v and "://" in v]
    assert not links
    (csp,) = [
        attrs["content"]
        for t, attrs in tags
        if t == "meta" and attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp is not None and csp.startswith("default-src 'none'")
    assert "connect-src 'none'" in csp and "'unsafe-inline'" not in csp


def test_hostile_page_text_is_escaped(gao: Extraction) -> None:
    hostile = synthetic_extraction(gao, [("8", HOSTILE), ("9", f"Quote: {HOSTILE}")])
    page = render_review(hostile, "x.pdf")
    tags = tags_of(page)
    assert [t for t, _ in tags].count("script") == 1  # the page's own
    assert not [t for t, _ in tags if t in ("img", "svg", "b")]
    assert not [attrs for _, attrs in tags if any(k.startswith("on") for k in attrs)]
    assert "&lt;script&gt;window.pwned = 1; alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;window.pwned = 2; alert(2)&quot;&gt;" in page


def test_bidi_controls_are_shown_as_marks_everywhere_pdf_text_appears(gao: Extraction) -> None:
    import dataclasses

    from extractor.review_html import BIDI_CONTROLS

    spoof = "Open the attached \u202egnp.exe\u202c now; \u2066see\u2069 \u200fhere\u200e."
    bidi = synthetic_extraction(gao, [("8\u202e", spoof), ("9", f"Quote: {spoof}")])
    source = dataclasses.replace(bidi.source, file="report\u202efdp.exe")
    page = render_review(dataclasses.replace(bidi, source=source), "x.pdf")
    # Only data-file keeps the name exactly (it goes into the decisions, and is never shown).
    assert 'data-file="report\u202efdp.exe"' in page
    shown = page.replace('data-file="report\u202efdp.exe"', "")
    assert not [char for char in BIDI_CONTROLS if char in shown]
    assert '<span class="bidi" title="U+202E RIGHT-TO-LEFT OVERRIDE">[RLO]</span>gnp.exe' in page
    assert "<title>Review: report[RLO]fdp.exe</title>" in page  # text only in a title
    assert '<option value="1">p. 8[RLO] (page 1 of the PDF)</option>' in page
    assert 'data-decisions-file="reportfdp.decisions.json"' in page


def test_hostile_file_name_and_pdf_link_are_escaped(gao: Extraction) -> None:
    import dataclasses

    source = dataclasses.replace(gao.source, file='a"><script>alert(1)</script>.pdf')
    page = render_review(dataclasses.replace(gao, source=source), "x.pdf")
    assert [t for t, _ in tags_of(page)].count("script") == 1


def test_cli_writes_the_page_with_a_relative_link_to_the_pdf(
    gao: Extraction, tmp_path: Path
) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", GAO)
    out = tmp_path / "pages" / "review.html"
    result = run("review", path, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out} ({sum(1 for _ in gao.items())} items)\n"
    hrefs = {attrs["href"] for t, attrs in tags_of(out.read_text("utf-8")) if t == "a"}
    link = next(h for h in hrefs if h and h.endswith("#page=5"))
    assert (out.parent / link.split("#")[0]).resolve() == GAO.resolve()


def decisions_for(extraction: Extraction, decisions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "schema_version": "1.0.0",
        "source": {"file": extraction.source.file, "sha256": extraction.source.sha256},
        "reviewer": "A. Reviewer",
        "created": "2026-01-01T10:00:00Z",
        "decisions": decisions,
    }


def test_apply_records_decisions_and_the_result_validates(gao: Extraction, tmp_path: Path) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", GAO)
    claim, cost = gao.claims[0], gao.cost_figures[1]
    decisions = tmp_path / "d.json"
    decisions.write_text(
        json.dumps(
            decisions_for(
                gao,
                [
                    {"id": claim.id, "status": "accepted", "comment": None},
                    {"id": cost.id, "status": "rejected", "comment": "not a cost: a total"},
                ],
            )
        ),
        encoding="utf-8",
    )
    out = tmp_path / "reviewed.json"
    result = run("review", "--apply", decisions, path, "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stderr == f"Wrote {out} (1 accepted, 1 rejected, 0 pending)\n"
    data = json.loads(out.read_text("utf-8"))
    assert validation_error(data) is None
    reviews = {
        item["id"]: item.get("review")
        for array in ("examples", "claims", "cost_figures", "citations")
        for item in data[array]
    }
    assert reviews.pop(claim.id) == {"status": "accepted", "comment": None}
    assert reviews.pop(cost.id) == {"status": "rejected", "comment": "not a cost: a total"}
    assert set(reviews.values()) == {None}
    assert run("verify", out).exit_code == 0  # a review changes no quote


def test_apply_refuses_decisions_about_another_pdf(gao: Extraction, tmp_path: Path) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", GAO)
    other = decisions_for(gao, [{"id": gao.claims[0].id, "status": "accepted"}])
    other["source"]["sha256"] = "f" * 64
    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps(other), encoding="utf-8")
    result = run("review", "--apply", decisions, path, "-o", tmp_path / "r.json")
    assert result.exit_code == 4
    assert result.stderr.startswith(f"Error: {decisions}: the decisions are about {GAO.name}")
    assert not (tmp_path / "r.json").exists()


def test_apply_refuses_unknown_items(gao: Extraction, tmp_path: Path) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", GAO)
    decisions = tmp_path / "d.json"
    decisions.write_text(
        json.dumps(decisions_for(gao, [{"id": "claim-1-999999", "status": "rejected"}])),
        encoding="utf-8",
    )
    result = run("review", "--apply", decisions, path, "-o", tmp_path / "r.json")
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {decisions}: 1 decision(s) name items the extraction does not have "
        "(claim-1-999999)\n"
    )


def test_apply_refuses_decisions_that_do_not_validate(gao: Extraction, tmp_path: Path) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", GAO)
    decisions = tmp_path / "d.json"
    decisions.write_text(
        json.dumps(decisions_for(gao, [{"id": gao.claims[0].id, "status": "maybe"}])),
        encoding="utf-8",
    )
    result = run("review", "--apply", decisions, path)
    assert result.exit_code == 3
    assert "review.schema.json" in result.stderr and "maybe" in result.stderr


def test_an_earlier_review_is_shown_on_the_page(gao: Extraction, tmp_path: Path) -> None:
    import dataclasses

    from extractor.model import Review

    claim = dataclasses.replace(gao.claims[0], review=Review("rejected", 'too "vague"'))
    page = render_review(dataclasses.replace(gao, claims=(claim, *gao.claims[1:])), "x.pdf")
    (article,) = [a for t, a in tags_of(page) if t == "article" and a["data-id"] == claim.id]
    assert article["data-initial-status"] == "rejected"
    assert article["data-initial-comment"] == 'too "vague"'


def test_a_claims_text_is_shown_only_where_it_says_more_than_its_quote(gao: Extraction) -> None:
    claim = gao.claims[0]
    completed = f"{claim.full_text} And the sentence ends on the next page."
    older = dataclasses.replace(claim, id="claim-1-1", text=" ".join(claim.quote.split()))
    longer = dataclasses.replace(claim, id="claim-1-2", text=completed)
    page = render_review(dataclasses.replace(gao, claims=(claim, older, longer)), "gao.pdf")
    articles = {
        m.group(1): m.group(0)
        for m in re.finditer(r'<article[^>]* data-id="(claim-[^"]+)".*?</article>', page, re.S)
    }
    assert "<dt>text</dt>" not in articles[claim.id]  # 1.2: no text, the quote says it
    assert "<dt>text</dt>" not in articles["claim-1-1"]  # 1.1: the quote again
    assert "<dt>text</dt>" in articles["claim-1-2"]
    assert "the sentence ends on the next page" in articles["claim-1-2"]
