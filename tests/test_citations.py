"""Footnotes, endnotes and references, and the markers that point to them.

Typed pages test the rules text alone can apply; PDFs built with tests/pdfbuild.py test
the layout evidence (superscript markers, notes in a smaller font at the page foot, a note
running on to the next page); the corpus tests check every real output's links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractor.extract import extract
from extractor.model import Extraction
from extractor.nlp.citations import (
    anchor_candidates,
    collect_citations,
    first_url,
    note_candidates,
    split_markers,
)
from extractor.nlp.types import PageDoc
from extractor.pages import PageText
from extractor.text import separate_markers
from tests.pdfbuild import Document, Footnote, Heading, Page, Paragraph, Sup, build_pdf


def typed_pages(nlp: Any, *texts: str) -> list[PageDoc]:
    """Pages as text.py would give them (glued markers separated), parsed by the pipeline."""
    out = []
    for index, raw in enumerate(texts, start=1):
        text, glued = separate_markers(raw)
        page = PageText(index, str(index), "printed", text, True, glued)
        out.append(PageDoc(page, nlp(page.nlp_text)))
    return out


def markers_at(page_text: str, extraction_anchors: Any) -> list[str]:
    return [page_text[a.char_span.start : a.char_span.end] for a in extraction_anchors]


# --- candidates from text --------------------------------------------------------------


def test_anchor_candidates_from_text() -> None:
    text = (
        "Tracing is fast [3, 5-7]. Councils use it (Smith and Jones, 2009). "
        "See www.example.org/data. Costs fell online. 4 Next, see Figure 3 and 20 percent."
    )
    found = [(c.form, c.marker) for c in anchor_candidates(text)]
    assert ("bracket", "3") in found and ("bracket", "6") in found and ("bracket", "7") in found
    assert ("author_year", None) in found
    assert ("url", None) in found
    assert ("token", "4") in found
    # a figure number and a quantity are not note markers
    assert ("token", "3") not in found and ("token", "20") not in found


def test_note_start_forms() -> None:
    text = "\n".join(
        [
            "1 Socitm, Better Connected 2009.",
            "[12] A. Gal. Tracing JITs.",
            "iv United Nations (2016). Report.",
            "aThe National Safety Council is a nonprofit.",
            "4GAO, Managing for Results.",
            "Pub. L. No. 105-304, 112 Stat. 2860 (Oct. 28, 1998).1",
            "7",
            "Smith, J. (2009) Local by social. London: NESTA.",
        ]
    )
    forms = [(c.form, c.marker) for c in note_candidates(text)]
    assert forms == [
        ("number", "1"),
        ("bracket", "12"),
        ("roman", "iv"),
        ("letter", "a"),
        ("glued", "4"),
        ("trailing", "1"),
        ("line", "7"),
        ("author", None),
    ]


def test_marker_groups_and_urls() -> None:
    assert split_markers("v,vi") == ["v", "vi"]
    assert split_markers("2-4") == ["2", "3", "4"]
    assert first_url("at http://lua-users.org/lists/lua-l/2008- 02/msg00051.html.") == (
        "http://lua-users.org/lists/lua-l/2008-02/msg00051.html"
    )


# --- the collector on typed pages (no font sizes: text alone) ---------------------------


def test_footnote_at_the_page_foot_is_linked_to_its_glued_marker(nlp: Any) -> None:
    pages = typed_pages(
        nlp,
        "Most councils are now online.1 They use Twitter and Facebook to reach residents.\n"
        "1 Ofcom, Communications Market Report, 2009.",
    )
    (note,) = collect_citations(pages)
    assert (note.kind, note.marker, note.text) == (
        "footnote",
        "1",
        "Ofcom, Communications Market Report, 2009.",
    )
    (anchor,) = note.anchors
    assert pages[0].page.text[anchor.char_span.start : anchor.char_span.end] == "1"
    assert pages[0].page.text[: anchor.char_span.start].endswith("online. ")


def test_notes_numbered_per_page(nlp: Any) -> None:
    pages = typed_pages(
        nlp,
        "Brent posts snow updates on Twitter.1 Residents reply within minutes.\n"
        "1 Brent Council, Winter report, 2010.",
        "Kent answers questions on Facebook.1 Its officers reply by name.\n"
        "1 Kent County Council, Annual review, 2009.",
    )
    notes = collect_citations(pages)
    assert [(n.page.index, n.marker) for n in notes] == [(1, "1"), (2, "1")]
    assert [a.page.index for n in notes for a in n.anchors] == [1, 2]


def test_endnotes_section_and_ibid(nlp: Any) -> None:
    pages = typed_pages(
        nlp,
        "A web transaction costs pennies.1 A visit costs several pounds.2 "
        "Phone calls cost less than visits.3",
        "Notes\n1 Socitm, Better Connected 2009.\n2 Ibid., p. 14.\n3 Ofcom, 2009.",
    )
    notes = collect_citations(pages)
    assert [(n.kind, n.marker, n.page.index) for n in notes] == [
        ("endnote", "1", 2),
        ("endnote", "2", 2),
        ("endnote", "3", 2),
    ]
    first, ibid, third = notes
    marker_of = {n.marker: markers_at(pages[0].page.text, n.anchors) for n in notes}
    assert marker_of == {"1": ["1", "2"], "2": ["2"], "3": ["3"]}
    # "Ibid." cites what note 1 cites: its marker points there too
    assert ibid.anchors[0] in first.anchors
    assert third.anchors[0] not in first.anchors


def test_reference_list_linked_to_author_year_citations(nlp: Any) -> None:
    pages = typed_pages(
        nlp,
        "Councils that listen online build trust (Smith, 2009). Others broadcast (Jones, 2010).",
        "References\nJones, A. (2010) Broadcast councils. London: LGA.\n"
        "Smith, B. (2009) Listening councils. Bristol: Policy Press.",
    )
    jones, smith = collect_citations(pages)
    assert (jones.kind, jones.marker) == ("reference", None)
    assert jones.text.startswith("Jones, A. (2010)") and smith.text.startswith("Smith, B.")
    text = pages[0].page.text
    assert markers_at(text, smith.anchors) == ["(Smith, 2009)"]
    assert markers_at(text, jones.anchors) == ["(Jones, 2010)"]


@pytest.mark.parametrize(
    "text",
    [
        "We recommend three steps:\n1 Publish the data every month.\n"
        "2 Answer residents by name.\n3 Measure the replies.",
        # In parentheses, as the Official Journal numbers points (its notes raise the digit).
        "The Regulation asks three things of a controller:\n(1) Keep a record of processing.\n"
        "(2) Report a breach within 72 hours.\n(3) Name a data protection officer.",
    ],
)
def test_a_numbered_list_in_the_body_is_not_a_set_of_notes(nlp: Any, text: str) -> None:
    assert collect_citations(typed_pages(nlp, text)) == []


# --- PDFs built with known layout ------------------------------------------------------

FOOTNOTED = Document(
    footer="{number}",
    pages=[
        Page(
            [
                Heading("Why councils go online"),
                Paragraph(
                    [
                        "A web transaction costs pennies, far less than a visit to an office",
                        Sup("1"),
                        ". Councils should listen more than they broadcast",
                        Sup("2"),
                        ".",
                    ]
                ),
                Paragraph("What is social media?"),
            ],
            number="1",
            footnotes=[
                Footnote("1", "Socitm, Better Connected 2009, p. 12."),
                Footnote("2", "Ofcom, Communications Market Report (2009), which surveyed"),
            ],
        ),
        Page(
            [
                Paragraph(
                    [
                        "Residents trust replies from named officers more than replies from "
                        "a corporate account",
                        Sup("3"),
                        ".",
                    ]
                )
            ],
            number="2",
            footnotes=[
                Footnote(None, "2,000 adults in England and Wales."),
                Footnote("3", "Ipsos MORI, Trust in local government, 2008."),
            ],
        ),
    ],
)


@pytest.fixture(scope="module")
def footnoted(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> Extraction:
    path = build_pdf(FOOTNOTED, tmp_path_factory.mktemp("pdf") / "footnoted.pdf")
    return extract(path, nlp=nlp)


def test_superscript_markers_and_notes_at_the_page_foot(footnoted: Extraction) -> None:
    notes = {c.marker: c for c in footnoted.citations}
    assert sorted(notes) == ["1", "2", "3"]
    assert {c.kind for c in notes.values()} == {"footnote"}
    assert notes["1"].text == "Socitm, Better Connected 2009, p. 12."
    assert (notes["1"].page.index, notes["3"].page.index) == (1, 2)
    assert notes["1"].page.label == "1"
    for marker, note in notes.items():
        (anchor,) = note.anchors
        text = footnoted.pages[anchor.page.index - 1].text or ""
        assert text[anchor.char_span.start : anchor.char_span.end] == marker
        assert anchor.page.index == note.page.index
        # the marker is in the body, not in the note itself
        assert not note.char_span.start <= anchor.char_span.start < note.char_span.end


def test_a_note_that_runs_on_to_the_next_page(footnoted: Extraction) -> None:
    (note,) = [c for c in footnoted.citations if c.marker == "2"]
    assert note.text == (
        "Ofcom, Communications Market Report (2009), which surveyed "
        "2,000 adults in England and Wales."
    )
    assert note.page.index == 1 and note.quote.endswith("which surveyed")
    # the run-on is not a note of its own, nor a claim
    assert all("2,000 adults" not in c.text for c in footnoted.citations if c is not note)
    assert all("2,000 adults" not in c.full_text for c in footnoted.claims)


def test_claims_cite_the_notes_their_markers_call(footnoted: Extraction) -> None:
    notes = {c.marker: c for c in footnoted.citations}
    cited = {c.full_text: c.citation_ids for c in footnoted.claims}
    assert any(
        text.startswith("A web transaction costs pennies") and ids == (notes["1"].id,)
        for text, ids in cited.items()
    )
    assert_links_are_symmetric(footnoted)


ENDNOTED = Document(
    footer="{number}",
    pages=[
        Page(
            [
                Heading("Summary"),
                Paragraph(
                    [
                        "Twitter is better described as personal media than as social media",
                        Sup("1"),
                        ". Councils should answer residents by name",
                        Sup("2"),
                        ".",
                    ]
                ),
            ],
            number="1",
        ),
        Page(
            [
                Heading("Notes"),
                Paragraph(
                    "1 Ofcom, Communications Market Report, 2009, available at\n"
                    "https://www.ofcom.org.uk/research.\n"
                    "2 Local Government Association, Connected councils, 2010."
                ),
            ],
            number="2",
        ),
    ],
)


def test_endnotes_section_in_a_built_pdf(tmp_path: Path, nlp: Any) -> None:
    result = extract(build_pdf(ENDNOTED, tmp_path / "endnoted.pdf"), nlp=nlp)
    notes = {c.marker: c for c in result.citations}
    assert sorted(notes) == ["1", "2"]
    assert {(c.kind, c.page.index) for c in notes.values()} == {("endnote", 2)}
    assert notes["1"].url == "https://www.ofcom.org.uk/research"
    body = result.pages[0].text or ""
    for marker, note in notes.items():
        assert [body[a.char_span.start : a.char_span.end] for a in note.anchors] == [marker]
    definition = [c for c in result.claims if c.kind == "definition"]
    assert definition and definition[0].citation_ids == (notes["1"].id,)
    assert_links_are_symmetric(result)


# --- every real output ------------------------------------------------------------------


def assert_links_are_symmetric(result: Extraction) -> None:
    """Every claim's citation_ids exist and list it back in cited_by, and vice versa."""
    claims = {c.id: c for c in result.claims}
    citations = {c.id: c for c in result.citations}
    for claim in claims.values():
        for cid in claim.citation_ids:
            assert cid in citations, f"{claim.id} cites missing {cid}"
            assert claim.id in citations[cid].cited_by, f"{cid} does not list {claim.id}"
    for citation in citations.values():
        for claim_id in citation.cited_by:
            assert claim_id in claims, f"{citation.id} cited by missing {claim_id}"
            assert citation.id in claims[claim_id].citation_ids, f"{claim_id} omits {citation.id}"


def test_claim_and_citation_links_are_symmetric_on_every_corpus_output(
    corpus_extractions: dict[str, Any],
) -> None:
    outputs = {k: v for k, v in corpus_extractions.items() if isinstance(v, Extraction)}
    linked = 0
    for result in outputs.values():
        assert_links_are_symmetric(result)
        linked += sum(len(c.citation_ids) for c in result.claims)
    assert linked > 0  # the corpus has claims that cite notes


def test_claims_hold_the_cost_figures_they_list_on_every_corpus_output(
    corpus_extractions: dict[str, Any],
) -> None:
    """A claim's cost_figure_ids name existing cost figures whose span lies inside its own,
    and every cost figure inside it."""
    linked = 0
    for name, result in corpus_extractions.items():
        if not isinstance(result, Extraction):
            continue
        costs = {c.id: c for c in result.cost_figures}
        for claim in result.claims:
            for cost_id in claim.cost_figure_ids:
                assert cost_id in costs, f"{name} {claim.id} lists missing {cost_id}"
                cost = costs[cost_id]
                assert cost.page.index == claim.page.index, f"{name} {claim.id} {cost_id}"
                assert claim.char_span.start <= cost.char_span.start, f"{name} {claim.id}"
                assert cost.char_span.end <= claim.char_span.end, f"{name} {claim.id}"
                linked += 1
            inside = {
                c.id
                for c in result.cost_figures
                if c.page.index == claim.page.index
                and claim.char_span.start <= c.char_span.start
                and c.char_span.end <= claim.char_span.end
            }
            assert set(claim.cost_figure_ids) == inside, f"{name} {claim.id} misses some"
    assert linked > 0  # the corpus has claims that rest on money amounts


def test_anchors_on_the_corpus_are_markers_in_the_body(corpus_extractions: dict[str, Any]) -> None:
    anchors = 0
    for name, result in corpus_extractions.items():
        if not isinstance(result, Extraction):
            continue
        for citation in result.citations:
            for anchor in citation.anchors:
                text = result.pages[anchor.page.index - 1].text or ""
                marker = text[anchor.char_span.start : anchor.char_span.end]
                assert marker and marker == marker.strip(), f"{name} {citation.id}"
                if citation.marker is not None and citation.kind == "footnote":
                    assert marker == citation.marker, f"{name} {citation.id}: {marker!r}"
                anchors += 1
    assert anchors > 50


def test_official_journal_footnotes_with_a_raised_number_in_parentheses(nlp: Any) -> None:
    from extractor.extract import parse_pages
    from extractor.pages import prepare_pages
    from extractor.pdf import read_pdf
    from tests.conftest import CORPUS

    # The GDPR as the EU's Official Journal prints it: "... of the Council (1)" in the
    # recital, "(1) Regulation (EU) No 182/2011 ..." at the page foot, the 1 raised in both.
    pdf = read_pdf(CORPUS.parent / "corpus-train" / "pdfs" / "eu-gdpr-regulation-2016-679.pdf")
    pages, warnings = prepare_pages(pdf)
    page_docs = parse_pages(nlp, pages[19:20], warnings).page_docs
    (note,) = collect_citations(page_docs)
    assert (note.kind, note.marker, note.page.index) == ("footnote", "1", 20)
    assert note.text.startswith("Regulation (EU) No 182/2011 of the European Parliament")
    text = page_docs[0].page.text
    (anchor,) = note.anchors
    assert text[anchor.char_span.start - 13 : anchor.char_span.end + 1] == "the Council (1)"
