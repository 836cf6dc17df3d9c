"""Claims: which sentences are claims, of what kind, how many a page keeps, and their links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractor.extract import extract
from extractor.model import Anchor, CharSpan, Citation, Claim, CostFigure, PageRef
from extractor.nlp.claims import (
    CLAIMS_KEY,
    SUMMARY_LEAD_CUE,
    claim_candidates,
    collect_claims,
    cue_data,
    link_claims,
    segments,
)
from extractor.nlp.types import PageDoc
from extractor.pages import PageText
from tests.pdfbuild import Document, Heading, Page, Paragraph, build_pdf


def candidates(nlp: Any, text: str) -> dict[str, Any]:
    """The claim candidates of a typed page: sentence text -> span."""
    doc = nlp(text)
    return {span.text: span for span in doc.spans[CLAIMS_KEY]}


@pytest.mark.parametrize(
    ("sentence", "kind", "cue"),
    [
        ("Councils spent £1.2 million on their websites in 2009.", "statistic", "£1.2 million"),
        (
            "A web transaction is far cheaper than a visit to the council office.",
            "comparison",
            "cheaper",
        ),
        (
            "Residents complain less because the council answers them on Twitter.",
            "causal",
            "because",
        ),
        ("Most councils will use social media to talk to residents by 2015.", "prediction", "will"),
        (
            "Councils should answer residents by name rather than as an institution.",
            "recommendation",
            "should",
        ),
        (
            "Publish every planning decision online within a week of the meeting.",
            "recommendation",
            "imperative: publish",
        ),
        (
            "Twitter is better described as personal media than as a broadcast channel.",
            "definition",
            "better described as",
        ),
        (
            "We found that councils with a named officer on Twitter get more replies.",
            "assertion",
            "found that",
        ),
    ],
)
def test_claim_kinds_and_cues(nlp: Any, sentence: str, kind: str, cue: str) -> None:
    (span,) = candidates(nlp, sentence).values()
    assert span.text == sentence
    assert span._.extractor_claim_kind == kind
    assert cue in span._.extractor_claim_cues


def test_hedged_claims_are_marked(nlp: Any) -> None:
    text = (
        "Social media may reduce the cost of contact for most councils. "
        "Social media reduces the cost of contact for most councils."
    )
    hedged = {t: s._.extractor_claim_hedged for t, s in candidates(nlp, text).items()}
    assert hedged == {
        "Social media may reduce the cost of contact for most councils.": True,
        "Social media reduces the cost of contact for most councils.": False,
    }


def test_a_subjunctive_after_suggest_or_recommend_is_advice_not_a_hedge(nlp: Any) -> None:
    text = (
        "To cut its costs, we suggest that the council move routine contact to the web. "
        "The survey data suggest that residents are answered faster on the web."
    )
    spans = candidates(nlp, text)
    advice = spans["To cut its costs, we suggest that the council move routine contact to the web."]
    assert advice._.extractor_claim_kind == "recommendation"
    assert "suggest that ... move" in advice._.extractor_claim_cues
    assert advice._.extractor_claim_hedged is False
    finding = spans["The survey data suggest that residents are answered faster on the web."]
    assert finding._.extractor_claim_kind != "recommendation"
    assert finding._.extractor_claim_hedged is True


def test_may_granting_leave_under_a_rule_is_not_a_hedge(nlp: Any) -> None:
    text = (
        "As amended, section 108 permits up to three copies, which may be digital. "
        "The new rule may allow libraries to make three copies of a work. "
        "Councils may find that residents prefer to report problems on the web."
    )
    hedged = {t: s._.extractor_claim_hedged for t, s in candidates(nlp, text).items()}
    assert hedged == {
        "As amended, section 108 permits up to three copies, which may be digital.": False,
        "The new rule may allow libraries to make three copies of a work.": True,
        "Councils may find that residents prefer to report problems on the web.": True,
    }


def test_a_hedge_in_a_premise_put_first_does_not_hedge_the_claim(nlp: Any) -> None:
    text = (
        "Since copying may be a fair use, section 1201 does not prohibit circumventing "
        "a measure that prevents copying. "
        "Section 1201 does not prohibit circumventing a measure that prevents copying, "
        "because copying may be a fair use."
    )
    hedged = {t[:20]: s._.extractor_claim_hedged for t, s in candidates(nlp, text).items()}
    assert hedged == {"Since copying may be": False, "Section 1201 does no": True}


def test_a_time_limit_is_a_figure_to_check(nlp: Any) -> None:
    text = (
        "The service provider must put the material back up within 10-14 business days "
        "after receiving the counter notification."
    )
    (span,) = candidates(nlp, text).values()
    assert "within 10-14 business days" in span._.extractor_claim_cues
    assert span._.extractor_claim_kind == "statistic"


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        (
            "The risks of low radiation doses pale in comparison to the risks of smoking.",
            "pale in comparison",
        ),
        ("The cost of doing nothing dwarfs the cost of the new contact centre.", "dwarfs"),
    ],
)
def test_comparison_idioms_are_comparisons(nlp: Any, sentence: str, cue: str) -> None:
    (span,) = candidates(nlp, sentence).values()
    assert span._.extractor_claim_kind == "comparison"
    assert cue in span._.extractor_claim_cues


def test_a_sentence_that_only_announces_a_list_ranks_lower(nlp: Any) -> None:
    text = (
        "The service provider must meet the following conditions:\n"
        "The service provider must meet these strict conditions.\n"
    )
    scores = {t: s._.extractor_claim_score for t, s in candidates(nlp, text).items()}
    lead_in = scores["The service provider must meet the following conditions:"]
    assert lead_in < scores["The service provider must meet these strict conditions."]
    text = (
        "We will build new homes in every region by:\n"
        "We will build new homes in every region by then.\n"
    )
    scores = {t: s._.extractor_claim_score for t, s in candidates(nlp, text).items()}
    lead_in = scores["We will build new homes in every region by:"]
    assert lead_in < scores["We will build new homes in every region by then."]


def test_a_proportion_of_the_people_asked_is_a_statistic(nlp: Any) -> None:
    (span,) = candidates(nlp, "The triggers are valued by the majority of agents.").values()
    assert span._.extractor_claim_kind == "statistic"
    assert "the majority of" in span._.extractor_claim_cues


def test_headings_questions_contents_captions_and_boilerplate_are_not_claims(nlp: Any) -> None:
    text = "\n".join(
        [
            "Why Councils Should Use Social Media More Than Ever Before",
            "Should councils spend more than £1 million on websites every year?",
            "Chapter 2: costs of contact compared ........................ 14",
            "Figure 3: Councils using Twitter rose from 20% to 80% in two years",
            "© Crown copyright 2015. All rights reserved, and copies cost £5 more than before.",
            "A web transaction costs far less than a visit, so councils should move it online.",
        ]
    )
    assert list(candidates(nlp, text)) == [
        "A web transaction costs far less than a visit, so councils should move it online."
    ]


def test_a_list_of_questions_without_question_marks_gives_no_claims(nlp: Any) -> None:
    text = "\n".join(
        [
            "The Office must report to Congress on these issues within six months:",
            "! Which councils should be eligible for more than £1 million of funding;",
            "! How the councils should report the savings they make each year",
            "What matters most is that councils should publish every payment over £500.",
        ]
    )
    found = list(candidates(nlp, text))
    assert not [text for text in found if "Which councils" in text or "How the" in text]
    assert any(text.startswith("What matters most") for text in found)  # a full stop: a claim


def test_a_heading_and_a_question_in_a_built_pdf_are_not_claims(tmp_path: Path, nlp: Any) -> None:
    doc = Document(
        pages=[
            Page(
                [
                    Heading("Councils Should Spend Less On Contact Centres"),
                    Paragraph("Should councils spend more on websites than on contact centres?"),
                    Paragraph(
                        "A face-to-face contact costs several pounds, while a web transaction "
                        "costs pennies. Councils should therefore move routine contact online."
                    ),
                ]
            )
        ]
    )
    result = extract(build_pdf(doc, tmp_path / "heading.pdf"), nlp=nlp)
    texts = [claim.full_text for claim in result.claims]
    assert texts, "the prose has claims"
    assert all("Spend Less On" not in t and "?" not in t for t in texts)
    page = result.pages[0].text or ""
    for claim in result.claims:
        assert page[claim.char_span.start : claim.char_span.end] == claim.quote


def test_a_page_of_prose_does_not_yield_every_sentence(nlp: Any) -> None:
    sentences = [
        f"In {year}, council {n} spent {n * 3} percent more on its website than before, "
        f"because residents asked for it."
        for n, year in zip(range(1, 25), range(1990, 2014), strict=True)
    ]
    text = " ".join(sentences)
    page = PageText(1, "1", "printed", text, True)
    doc = nlp(page.nlp_text)
    assert len(doc.spans[CLAIMS_KEY]) == len(sentences)  # every one is a candidate
    claims = collect_claims([PageDoc(page, doc)])
    words = sum(1 for t in doc if t.is_alpha)
    assert 1 <= len(claims) <= words // int(cue_data()["words_per_claim"]) + 1
    assert len(claims) < len(sentences) / 2


def test_every_page_gets_its_share_of_the_claims(nlp: Any) -> None:
    strong = " ".join(
        f"Council {n} spent {n * 3}% more on its website in {year}, because residents asked."
        for n, year in zip(range(1, 25), range(1990, 2014), strict=True)
    )
    weak = " ".join(
        f"The council provides a web form for service number {n} on its own site."
        for n in range(1, 25)
    )
    pages = [PageText(i, str(i), "printed", t, True) for i, t in ((1, strong), (2, weak))]
    page_docs = [PageDoc(page, nlp(page.nlp_text)) for page in pages]
    weak_doc = page_docs[1].doc
    assert len(weak_doc.spans[CLAIMS_KEY]) > 10  # candidates, all ranking below the strong
    claims = collect_claims(page_docs)
    data = cue_data()
    per_claim, share = float(data["words_per_claim"]), float(data["page_share"])
    words = [sum(1 for t in pd.doc if t.is_alpha) for pd in page_docs]
    weak_share = int(words[1] / per_claim * share)
    assert weak_share >= 3
    assert sum(1 for c in claims if c.page.index == 2) >= weak_share
    assert sum(1 for c in claims if c.page.index == 1) >= int(words[0] / per_claim * share)
    assert len(claims) <= sum(words) / per_claim  # shares of the budget, not more claims


def test_a_summary_paragraph_lead_is_a_claim_without_cue_words(nlp: Any) -> None:
    line = "Councils in the study answer residents on social media every working day. "
    text = (
        "Executive summary\n"
        "Advanced web services all face key barriers to their take-up by\n"
        "residents. " + line * 6 + "\n\nBackground\n" + line * 3
    )
    page = PageText(1, "1", "printed", text, True)
    doc = nlp(page.nlp_text)
    claims = collect_claims([PageDoc(page, doc)])
    leads = [c for c in claims if c.cues == (SUMMARY_LEAD_CUE,)]
    assert [c.full_text for c in leads] == [
        "Advanced web services all face key barriers to their take-up by residents."
    ]
    assert leads[0].kind == "assertion"
    assert page.text[leads[0].char_span.start : leads[0].char_span.end] == leads[0].quote


def test_candidates_carry_their_paragraph_role_and_grammar(nlp: Any) -> None:
    text = (
        "Findings\n"
        "Councils that answer residents online save money on every contact they handle.\n"
        "The savings grew each year of the study. Residents did not complain about the\n"
        "service.\n"
        "    A second paragraph starts here and says more about the councils in the study.\n"
    )
    page = PageText(1, "1", "printed", text, True)
    page_docs = [PageDoc(page, nlp(page.nlp_text))]
    found = {c.span.text.split()[0]: c.features for c in claim_candidates(page_docs, cue_data())}
    first, middle, last, second = (found[w] for w in ("Councils", "The", "Residents", "A"))
    assert first["after_heading_first"] == 1.0 and middle.get("after_heading_first") == 0.0
    assert middle["after_heading_second"] == 1.0
    # A paragraph is told by its lead after a short finished line (`paragraph_leads`); the
    # one under the heading is told by `after_heading_first`.
    assert first["paragraph_first"] == 0.0 and first["paragraph_last"] == 0.0
    assert last["paragraph_last"] == 1.0 and middle["paragraph_last"] == 0.0
    assert second["paragraph_first"] == 1.0 and second["paragraph_single"] == 1.0
    assert last["negation"] == 1.0 and first["negation"] == 0.0
    assert middle["root_past"] == 1.0 and first["root_past"] == 0.0
    assert first["line_kind:body"] == 1.0
    assert [k for k in first if k.startswith("section:")] == ["section:summary"]  # "Findings"


# --- links -----------------------------------------------------------------------------

PAGE = PageRef(3, "1")


def claim(start: int, end: int, page: PageRef = PAGE) -> Claim:
    return Claim(
        f"claim-{page.index}-{start}",
        page,
        "x" * (end - start),
        CharSpan(start, end),
        "x",
        "statistic",
        False,
        (),
        (),
        (),
    )


def cost(start: int, end: int, page: PageRef = PAGE) -> CostFigure:
    return CostFigure(
        f"cost-{page.index}-{start}",
        page,
        "£7.81",
        CharSpan(start, end),
        "£7.81",
        7.81,
        None,
        "GBP",
        "contact",
        None,
        None,
        "cost",
    )


def note(start: int, anchor_at: int, page: PageRef = PAGE) -> Citation:
    return Citation(
        f"cit-{page.index}-{start}",
        page,
        "1 Socitm, 2009.",
        CharSpan(start, start + 15),
        "footnote",
        "1",
        "Socitm, 2009.",
        None,
        (),
        (Anchor(page, CharSpan(anchor_at, anchor_at + 1)),),
    )


def test_claims_list_the_cost_figures_inside_them() -> None:
    claims = [claim(100, 200), claim(300, 400)]
    costs = [cost(150, 155), cost(195, 205), cost(350, 355, PageRef(4, "2")), cost(320, 325)]
    linked, _ = link_claims(claims, [], costs)
    assert [c.cost_figure_ids for c in linked] == [("cost-3-150",), ("cost-3-320",)]


def test_claims_and_citations_link_both_ways() -> None:
    claims = [claim(100, 200), claim(300, 400)]
    notes = [note(900, anchor_at=150), note(950, anchor_at=401), note(990, anchor_at=600)]
    linked_claims, linked_notes = link_claims(claims, notes, [])
    assert [c.citation_ids for c in linked_claims] == [("cit-3-900",), ("cit-3-950",)]
    assert [n.cited_by for n in linked_notes] == [("claim-3-100",), ("claim-3-300",), ()]


def test_claims_inside_notes_are_dropped_and_claims_stop_where_a_note_starts() -> None:
    inside, running_on = claim(905, 920), claim(850, 940)
    linked, _ = link_claims([inside, running_on], [note(900, anchor_at=100)], [])
    assert [(c.id, c.char_span) for c in linked] == [("claim-3-850", CharSpan(850, 900))]
    # a run-on note's lines on the next page count as the note's too
    later = claim(10, 50, PageRef(4, "2"))
    linked, _ = link_claims([later], [], [], {4: [(0, 60)]})
    assert linked == []


def test_flags_say_where_a_sentence_sits_and_what_shape_it_has(nlp: Any) -> None:
    finder = nlp.get_pipe("extractor_claims")
    doc = nlp(
        "The main findings of the study are:\n"
        "• Agents do not check returns when the triggers fire.\n"
        "Councils should publish their spending every month, which costs £7.81 per contact."
    )
    found = {span.text: sorted(finder._flags(span)) for span in segments(doc)}
    assert found == {
        "The main findings of the study are:": ["list_lead_in", "paragraph_start", "pointed"],
        "Agents do not check returns when the triggers fire.": [
            "after_key_intro",
            "list_item",
            "negation",
            "pointed",
        ],
        "Councils should publish their spending every month, which costs £7.81 per contact.": [
            "paragraph_start",
            "pointed",
        ],
    }


def test_word_cues_name_the_category_each_word_gives(nlp: Any) -> None:
    finder = nlp.get_pipe("extractor_claims")
    doc = nlp("We found that councils should spend more than 40% of the budget.")
    (span,) = segments(doc)
    cues = [cue for token in span for cue in finder._word_cues(token, span)]
    assert ("finding", "find that") in cues and ("author_voice", "we find") in cues
    assert ("recommendation", "should") in cues
    assert ("comparison", "more") in cues and ("statistic", "%") in cues
