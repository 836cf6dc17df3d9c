"""The examples component on typed text, and `collect_examples` on typed pages.

Typed text shows each signal on its own: a cue phrase, a named subject doing something, a
case-study heading, and the things that must not count (a bare list of names, a promise,
a saying). The PDF-level behaviour (a box across a page break) is in test_examples_pdf.py.
"""

from __future__ import annotations

from typing import Any

import pytest
import tomllib

from extractor.model import Example
from extractor.nlp import examples
from extractor.nlp.examples import (
    MENTION_ATTR,
    SPAN_KEY,
    ExampleMention,
    GazetteerRuler,
    candidate_names,
    collect_examples,
    find_platforms,
    has_symbols,
    load_gazetteer,
    name_key,
)
from extractor.nlp.pipeline import COMPONENTS
from extractor.nlp.types import PageDoc
from extractor.pages import PageText
from tests.conftest import ROOT


def mentions(nlp: Any, text: str) -> list[ExampleMention]:
    doc = nlp(text)
    return [span._.get(MENTION_ATTR) for span in doc.spans[SPAN_KEY]]


def names(nlp: Any, text: str) -> list[str]:
    return [m.name for m in mentions(nlp, text)]


def page(index: int, text: str) -> PageText:
    return PageText(
        index=index, label=str(index), label_source=None, text=text, has_text_layer=True
    )


def collect(nlp: Any, texts: list[str]) -> list[Example]:
    pages = [page(i, text) for i, text in enumerate(texts, start=1)]
    return collect_examples([PageDoc(p, nlp(p.nlp_text)) for p in pages])


def test_component_is_registered_listed_and_declared_as_an_entry_point(nlp: Any) -> None:
    assert "extractor_examples" in COMPONENTS
    assert "extractor_examples" in nlp.pipe_names
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    factories = project["project"]["entry-points"]["spacy_factories"]
    assert factories["extractor_examples"] == "extractor.nlp.examples:make_examples_component"


def test_for_example_sentence_names_its_case_and_cue(nlp: Any) -> None:
    found = mentions(
        nlp,
        "Councils use social media in many ways. For example, Brent Council tweeted "
        "road-gritting updates during the snow last winter.",
    )
    assert [m.name for m in found] == ["Brent Council"]
    assert "for example" in found[0].cues
    assert "Twitter" in found[0].platforms
    assert found[0].kind == "example"


def test_named_organisation_doing_something_is_an_example(nlp: Any) -> None:
    found = mentions(
        nlp, "Last year Kent County Council launched a YouTube channel for its libraries."
    )
    assert [m.name for m in found] == ["Kent County Council"]
    assert found[0].subject
    assert "YouTube" in found[0].platforms


def test_named_service_as_subject_is_an_example(nlp: Any) -> None:
    assert names(nlp, "FixMyStreet lets residents report potholes and broken lights.") == [
        "FixMyStreet"
    ]


def test_place_then_the_council_is_a_cue(nlp: Any) -> None:
    found = mentions(nlp, "In Devon, the council opened an online forum for parents of pupils.")
    assert [m.name for m in found] == ["Devon"]
    assert any(c.startswith("in <place>") for c in found[0].cues)


def test_bulleted_list_of_bare_names_is_not_an_example(nlp: Any) -> None:
    text = (
        "The councils we spoke to were:\n"
        "• Brent Council\n"
        "• Devon County Council\n"
        "• Kent County Council\n"
    )
    assert names(nlp, text) == []


def test_promises_sayings_and_definitions_are_not_examples(nlp: Any) -> None:
    assert names(nlp, "Kent County Council will launch a new website next year.") == []
    assert names(nlp, "Devon County Council said that the results were encouraging.") == []
    assert names(nlp, "MCAS is a function of the flight control system of the airplane.") == []


def test_figure_captions_and_contents_lines_are_not_examples(nlp: Any) -> None:
    assert names(nlp, "Figure 2: Brent Council Website Visits Rose Sharply After Launch") == []
    assert names(nlp, "Background 5 Kent County Council Launched Services 12 Notes 30") == []


def test_case_study_heading_opens_a_case_study(nlp: Any) -> None:
    found = mentions(
        nlp,
        "Case study 2: Kent County Council\n"
        "The council set up a blog where the leader answers questions every week.",
    )
    assert found[0].kind == "case_study"
    assert found[0].name == "Kent County Council"
    assert found[0].cues == ("heading: case study",)


def test_heading_on_its_own_line_takes_the_next_line_as_name(nlp: Any) -> None:
    found = mentions(nlp, "Case study\nFixMyStreet\nResidents report problems on a map.")
    assert [(m.kind, m.name) for m in found[:1]] == [("case_study", "FixMyStreet")]


def test_gazetteer_marks_councils_and_public_bodies(nlp: Any) -> None:
    doc = nlp("Officers from Wokingham Borough Council met the Environment Agency in Swindon.")
    entities = {(e.text, e.label_) for e in doc.ents}
    assert ("Wokingham Borough Council", "ORG") in entities
    assert ("Environment Agency", "ORG") in entities
    assert ("Swindon", "GPE") in entities
    gazetteer = load_gazetteer()
    # Place names that are also common words are kept out of the bare place patterns.
    assert "Reading" not in gazetteer.places
    assert "Reading Borough Council" in gazetteer.organisations


def test_gazetteer_ruler_marks_what_spacy_entity_ruler_marks(nlp: Any) -> None:
    """Names added as token words give the entities phrase patterns give, with no warning
    that the ruler is empty."""
    import warnings

    from spacy.pipeline import EntityRuler

    names = {"ORG": ["Kent County Council", "Environment Agency"], "GPE": ["Kent", "Devon"]}
    ours = GazetteerRuler(nlp, name="ours", overwrite_ents=True)
    spacys = EntityRuler(nlp, name="spacys", overwrite_ents=True)
    for label, group in names.items():
        ours.add_names(label, group)
    with nlp.select_pipes(disable=nlp.pipe_names):
        spacys.add_patterns(
            [{"label": k, "pattern": n} for k, group in names.items() for n in group]
        )
    assert len(ours) == len(spacys) == 4
    text = "Kent County Council and the Environment Agency met in Devon; Kent's roads flooded."
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = [(e.text, e.label_) for e in ours(nlp.make_doc(text)).ents]
    assert found == [(e.text, e.label_) for e in spacys(nlp.make_doc(text)).ents]
    assert ("Kent County Council", "ORG") in found and ("Devon", "GPE") in found
    assert ("Kent", "GPE") in found  # the longest match wins; the second "Kent" is its own


def test_platforms_are_found_by_their_words() -> None:
    assert find_platforms("The mayor tweeted and posted videos on YouTube and a blog.") == (
        "Twitter",
        "YouTube",
        "blog",
    )
    assert find_platforms("The council appointed a new chief executive.") == ()


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("the BIC program", "bic"),
        ("DOE's", "doe"),
        ("Kent County Council", "kent county council"),
        ("Google\u2019s V8", "google v8"),
    ],
)
def test_name_key_folds_article_possessive_and_lower_case_tail(name: str, key: str) -> None:
    assert name_key(name) == key


def test_one_example_per_case_across_sentences(nlp: Any) -> None:
    examples = collect(
        nlp,
        [
            "For example, Brent Council tweeted gritting updates during the snow. "
            "Brent Council also answered questions from residents. It posted photos too.\n\n"
            "Later, Brent Council opened a blog for its leader."
        ],
    )
    assert [e.name for e in examples] == ["Brent Council"]
    example = examples[0]
    assert "answered questions" in example.summary and "posted photos" in example.summary
    assert example.quote.startswith("For example, Brent Council tweeted")
    assert example.id == f"ex-1-{example.char_span.start}"


def test_parallel_cases_in_one_paragraph_are_separate(nlp: Any) -> None:
    examples = collect(
        nlp,
        [
            "States have tried many things. Since 1980, Minnesota has enacted mandates to "
            "stimulate the use of ethanol. Texas extended its renewable portfolio standard in "
            "2005. Similarly, California launched a solar initiative in 2006."
        ],
    )
    assert [e.name for e in examples] == ["Minnesota", "Texas", "California"]


def test_paragraph_running_over_a_page_break_lists_both_pages(nlp: Any) -> None:
    examples = collect(
        nlp,
        [
            "Councils have tried many channels. For example, Devon County Council launched "
            "a video channel on YouTube and its officers",
            "answered questions from residents every week. Other councils waited.",
        ],
    )
    assert len(examples) == 1
    assert [p.index for p in examples[0].pages] == [1, 2]
    assert "answered questions" in examples[0].summary


def test_the_papers_own_subject_is_not_an_example(nlp: Any) -> None:
    texts = [
        f"The Agency reviewed {topic} this year. The Environment Agency published guidance "
        "for councils on flood risk."
        for topic in ("rivers", "coasts", "reservoirs", "wetlands", "drains")
    ]
    assert [e.name for e in collect(nlp, texts)] == []


def test_case_study_box_runs_to_the_next_heading(nlp: Any) -> None:
    examples = collect(
        nlp,
        [
            "Case study 1: Brent Council\nThe council tweeted gritting updates.\n"
            "Case study 2: Kent County Council\nThe council set up a blog for its leader.",
        ],
    )
    assert [(e.kind, e.name) for e in examples] == [
        ("case_study", "Brent Council"),
        ("case_study", "Kent County Council"),
    ]
    assert "blog" not in examples[0].summary
    assert examples[1].platforms == ("blog",)


def test_a_common_noun_capitalised_by_a_heading_is_not_a_name(nlp: Any) -> None:
    assert names(nlp, "3.2.7 Value of the risk triggers was shown by the survey in 2015.") == []
    assert "Brent Council" in names(nlp, "Brent Council tweeted gritting updates in 2010.")


def test_an_author_cited_by_number_is_not_a_case(nlp: Any) -> None:
    text = "Salib (17) designed a type inference algorithm for Python in 2004."
    assert names(nlp, text) == []
    assert names(nlp, "Rigo's Psyco (16) traced every loop of the program.") == ["Rigo's Psyco"]


def test_an_author_cited_by_year_is_not_a_case(nlp: Any) -> None:
    for text in (
        "Similarly, Werner (1989) showed that a mixed state need not violate the inequality.",
        "For example, the bound is reached (Gisin and Bechmann-Pasquinucci, 1998) in theory.",
    ):
        assert names(nlp, text) == [], text
    # A name followed by a year that is part of it is still a name.
    assert names(nlp, "For example, Brent Council tweeted gritting updates in 2010.") == [
        "Brent Council"
    ]


def test_a_formula_or_a_garbled_word_is_not_a_name() -> None:
    assert has_symbols("Var\u02c6x")  # "Varˆx": a hat from a formula
    assert has_symbols("K\u00a8artner")  # a detached diaeresis the text layer split off
    assert has_symbols("Fav > 1/2")
    assert not has_symbols("Homes for Ukraine")
    assert not has_symbols("Caf\u00e9 Direct")  # a composed accent is a letter


def test_officials_reporting_what_their_organisation_did_make_it_a_case(nlp: Any) -> None:
    reported = (
        "Officials in the Office of Participant Assistance (OPA) at the Employee Benefits "
        "Security Administration told us that they changed a process to improve results."
    )
    # One subject, so one case, named by the first organisation it is given.
    assert names(nlp, reported) == ["Office of Participant Assistance"]
    # A saying that reports no action shows nothing done.
    assert (
        names(nlp, "Officials in the Office of Participant Assistance told us that data matter.")
        == []
    )


def test_a_known_organisation_opening_a_paragraph_pages_later_is_a_new_case(nlp: Any) -> None:
    first = "The Small Business Administration (SBA) used performance data to move resources."
    filler = "Agencies can use performance information in many ways to manage programs."
    later = (
        "Managers said that leadership matters a great deal to them.\n"
        "SBA conducts monthly meetings with each office to review its performance."
    )
    examples = collect(nlp, [first, filler, filler, filler, later])
    assert [(e.name, e.page.index) for e in examples] == [
        ("Small Business Administration", 1),
        ("Small Business Administration (SBA)", 5),
    ]
    # Within the same paragraph, or soon after, it is the same case.
    assert [e.page.index for e in collect(nlp, [first, filler, later])] == [1]


def test_a_name_hyphenated_by_a_line_break_is_one_word_where_printed_whole(nlp: Any) -> None:
    text = (
        "We evaluated our tracing implementation using Sun-Spider, the benchmark suite. "
        "SunSpider consists of 26 short programs."
    )
    assert [e.name for e in collect(nlp, [text])] == ["SunSpider"]
    # Printed nowhere without its hyphen, a name keeps it.
    assert [e.name for e in collect(nlp, ["Since 2004, Anglo-Saxon Trust has run a museum."])] == [
        "Anglo-Saxon Trust"
    ]


def test_the_place_of_an_accident_is_a_case_of_its_own(nlp: Any) -> None:
    text = (
        "The Banqiao Dam failure in 1975 led to at least 26,000 deaths. In comparison, no "
        "deaths due to radiation are likely to occur from the accident at Fukushima Daiichi."
    )
    assert [e.name for e in collect(nlp, [text])] == ["Banqiao Dam", "Fukushima Daiichi"]


def test_a_place_after_a_time_word_names_what_happened_there(nlp: Any) -> None:
    text = (
        "Radiation exposure following Chernobyl caused 54 deaths, while no deaths are "
        "likely to occur from the accident at Fukushima Daiichi."
    )
    assert [(m.name, m.cues) for m in mentions(nlp, text)] == [
        ("Chernobyl", ("event",)),
        ("Fukushima Daiichi", ("event",)),
    ]
    # A date after a time word is no place.
    assert names(nlp, "Since 2010, residents have reported potholes online.") == []


def test_federal_register_citations_are_not_running_text(nlp: Any) -> None:
    text = "AD 2018-23-51, Amendment 39-19512 (83 FR 62697, December 6, 2018), was published."
    assert names(nlp, text) == []


def test_a_name_renaming_what_the_authors_worked_on_is_a_case(nlp: Any) -> None:
    text = "We implemented these techniques for an existing JavaScript interpreter, SpiderMonkey."
    assert names(nlp, text) == ["SpiderMonkey"]


def test_what_the_paper_names_itself_is_a_case_where_it_is_named(nlp: Any) -> None:
    pages = [f"TraceMonkey runs loop {n} faster than before on every benchmark." for n in range(5)]
    pages[1] = "We built a tracing compiler for loops. We call the resulting VM TraceMonkey."
    examples = collect(nlp, pages)
    assert [(e.name, e.page.index) for e in examples] == [("VM TraceMonkey", 2)]


@pytest.mark.parametrize(
    "text",
    [
        "The NHS Productivity Plan shows that the public sector can plan for productivity.",
        "OMB Circular A-110 provides that grants to nonprofits may be withheld.",
        "The Electric Power Research Institute provided all other data for the study.",
        "TITLE II: ONLINE COPYRIGHT INFRINGEMENT LIABILITY Title II of the DMCA adds a section.",
    ],
)
def test_claims_rules_sources_and_headings_are_not_cases(nlp: Any, text: str) -> None:
    assert names(nlp, text) == []


def test_a_law_acting_is_its_effect_not_a_case(nlp: Any) -> None:
    assert names(nlp, "The Energy Policy Act of 2005 promoted a diverse energy portfolio.") == []
    assert names(nlp, "Similarly, the Finance Act of 2005 promoted a diverse energy mix.") == []
    assert names(nlp, "In 2006, the Education Act of 2006 became law after a long debate.") == []
    # A law named as what a title of an act is, is still one of the act's parts.
    text = 'Title II, the "Online Copyright Infringement Act," creates limits on liability.'
    assert names(nlp, text) == ["Online Copyright Infringement Act"]


def test_words_a_name_joins_inside_itself_do_not_make_it_a_list(nlp: Any) -> None:
    text = (
        'Title I, the "WIPO Copyright and Performances and Phonograms Treaties Implementation '
        'Act of 1998," implements the WIPO treaties.'
    )
    assert names(nlp, text) == [
        "WIPO Copyright and Performances and Phonograms Treaties Implementation Act"
    ]
    listed = "By 2003, Kent, Devon, and Brent had joined the Safer Roads campaign."
    assert "Kent" not in names(nlp, listed)
    # Two acronyms joined by "and" are two names, not one.
    assert "DMA and MBHP" not in names(nlp, "In 2001, DMA and MBHP renewed their contract.")


def test_a_later_short_name_with_the_cases_acronym_is_the_same_case(nlp: Any) -> None:
    first = (
        "We selected two cases: (1) the contract between the Massachusetts "
        "Division of Medical Assistance (DMA) and a partnership; and (2) the contract "
        "between Kent County Council and a charity."
    )
    later = "Beginning in 1996, the Massachusetts DMA entered into a 5-year contract with MBHP."
    examples = collect(nlp, [first, later])
    assert [e.name for e in examples] == [
        "Massachusetts Division of Medical Assistance",
        "Kent County Council",
    ]


def test_a_subjects_other_names_are_what_it_acted_on(nlp: Any) -> None:
    bought = mentions(nlp, "The Environment Agency bought Cobham Farm from Kent County Council.")
    assert [(m.name, m.alternatives) for m in bought] == [
        ("Environment Agency", ("Cobham Farm", "Kent County Council"))
    ]
    elsewhere = mentions(
        nlp,
        "We will build on the policies set out in the Edinburgh Reforms so that the "
        "Environment Agency continues to protect the coast.",
    )
    assert all("Edinburgh Reforms" not in m.alternatives for m in elsewhere)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An imperative bullet names the scheme it acts on where its paragraph says what
        # was already done for it...
        (
            "Deliver our plan for Northern Powerhouse Rail bringing more frequent trains. "
            "We have committed £12 billion to deliver Northern Powerhouse Rail.",
            [("Northern Powerhouse Rail", ("named scheme",))],
        ),
        # ...a pledge alone promises a case, it does not describe one.
        ("Deliver our plan for Northern Powerhouse Rail bringing more frequent trains.", []),
        ("Electrify the North Wales Main Line with £1 billion of investment.", []),
        # ...but what an imperative asks for is not shown done.
        ("Ensure that Brent Council uses Twitter for all its services.", []),
        # At an organisation, what happened there makes it a case; a promise does not.
        (
            "At the Department of Veterans Affairs (VA), managers are involved in reviews.",
            [("Department of Veterans Affairs", ("at <organisation>",))],
        ),
        ("At Brent Council, officers will review the data next year.", []),
    ],
)
def test_imperatives_and_organisations_hosting_a_clause(
    nlp: Any, text: str, expected: list[tuple[str, tuple[str, ...]]]
) -> None:
    assert [(m.name, m.cues) for m in mentions(nlp, text)] == expected


def test_a_note_number_after_a_sentence_does_not_make_the_next_one_a_footnote(nlp: Any) -> None:
    text = (
        "Tutorials were developed in response to requests from states. 10 Officials in the "
        "Veterans Health Administration stated that the facilities adopted a new process."
    )
    assert names(nlp, text) == ["Veterans Health Administration"]
    assert names(nlp, "10 Officials in the Veterans Health Administration adopted a process.") == []


def test_a_second_clause_with_its_own_named_subject_is_its_own_case(nlp: Any) -> None:
    # The parse hangs "BMW" on "Sunderland" as a second place; it opens the second clause.
    text = (
        "Nissan is delivering up to £2 billion of new investment to produce two new models "
        "in Sunderland and Rolls-Royce Holdings made a £600 million investment in Derby."
    )
    found = mentions(nlp, text)
    assert [(m.name, m.actor) for m in found] == [
        ("Nissan", "Nissan"),
        ("Rolls-Royce Holdings", "Rolls-Royce Holdings"),
    ]


def test_a_scheme_its_actor_took_on_is_the_same_case_further_down_the_page(nlp: Any) -> None:
    text = (
        "Over 20 years, the National Highway Traffic Safety Administration (NHTSA) has used "
        "performance information to raise seat belt use.\n\n"
        "Building on these studies, NHTSA then developed and piloted the Click It or Ticket "
        "safety belt campaign in three states.\n\n"
        "By 2003, 43 states had participated in the national Click It or Ticket campaign."
    )
    examples = collect(nlp, [text])
    assert [e.name for e in examples] == ["National Highway Traffic Safety Administration"]


def test_an_owned_name_of_a_known_case_is_that_case(nlp: Any) -> None:
    text = (
        "Through the Performance Enhancement Project (PEP), the Office of Workforce "
        "Investment in DOL has used performance information to target assistance.\n"
        "DOL's Office of Workforce Investment sent a questionnaire to all regional offices."
    )
    assert [e.name for e in collect(nlp, [text])] == ["Performance Enhancement Project"]


def test_what_the_paper_introduces_by_name_is_a_case_even_its_own_subject(nlp: Any) -> None:
    pages = [f"NANOJIT compiles loop {n} faster than before on every benchmark." for n in range(5)]
    pages[1] = (
        "This section explains how a trace is compiled. The trace compilation subsystem, "
        "NANOJIT, is separate from the VM and can be used for other applications."
    )
    examples = collect(nlp, pages)
    assert [(e.name, e.page.index) for e in examples] == [("NANOJIT", 2)]
    # A thing renamed by a definite description of a person is not introduced so.
    assert names(nlp, "The director, Jane Smith, is separate from the board.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Recorders must conform to technologies commonly known as Macrovision.", "Macrovision"),
        ("A scheme widely known as Pharmacy First opened in 2024.", "Pharmacy First"),
    ],
)
def test_what_a_thing_is_commonly_known_as_names_it(nlp: Any, text: str, expected: str) -> None:
    assert names(nlp, text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        # An amount changed is not a case; a scheme introduced is.
        "This year, the new State Pension increased by £900.",
        "We have increased Carer's Allowance by almost £1,500 since 2010.",
        "In the first half of this year, we began cutting National Insurance.",
        # An organisation introduced with its place in government, and its remit.
        "The Office of Vocational and Adult Education (OVAE), an office of the Department of "
        "Education, administers the grants.",
        # What a product is used for, and a law's effect, after a cue.
        "For example, none of them planned to alter their Excel template.",
        "For example, mechanisms are present in grants authorized by the Job Training Act.",
    ],
)
def test_amounts_remits_tools_and_laws_are_not_cases(nlp: Any, text: str) -> None:
    assert names(nlp, text) == []


def test_a_law_is_not_the_other_name_a_case_could_go_by(nlp: Any) -> None:
    text = (
        "Similarly, the Energy Policy Act of 2005 promoted a diverse energy portfolio by "
        "reauthorizing DOE's R&D funding."
    )
    found = mentions(nlp, text)
    assert found
    assert all("Energy Policy Act" not in m.alternatives for m in found)


def test_a_scheme_introduced_is_a_case(nlp: Any) -> None:
    assert names(nlp, "We introduced the Triple Lock, which has seen pensions rise.") == [
        "Triple Lock"
    ]


def test_a_flight_an_event_happened_to_is_a_case(nlp: Any) -> None:
    text = (
        "On October 29, 2018, a Boeing Model 737-8 airplane operated by Lion Air (Lion Air "
        "Flight 610) was involved in an accident after takeoff from Jakarta."
    )
    assert [(m.name, m.cues) for m in mentions(nlp, text)] == [("Lion Air Flight 610", ("event",))]
    assert names(nlp, "On Monday, a Boeing airplane operated by Lion Air was inspected.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A scheme named after a part of a law is a scheme, the part alone is not.
        (
            "For example, the objective of Title VI Innovative Education grants is to "
            "provide funds to support local reform.",
            ["Title VI Innovative Education grants"],
        ),
        ("For example, Title VI of the act provides funds to support local reform.", []),
        # A scheme the model read as a person ("Family Hubs") is still a scheme.
        (
            "Our plan has already delivered Family Hubs in over 75 local authorities.",
            ["Family Hubs"],
        ),
    ],
)
def test_schemes_named_after_parts_and_misread_as_people(
    nlp: Any, text: str, expected: list[str]
) -> None:
    assert names(nlp, text) == expected


def test_words_of_a_chart_run_together_are_not_a_name(nlp: Any) -> None:
    doc = nlp("The agency moved its research over time from a resource-Geothermal approach.")
    assert "Geothermal" not in [n.text for n in candidate_names(doc[:])]
    assert names(nlp, "The program moved its money to the Geothermal Fund.") == ["Geothermal Fund"]


# --- the case rules, one by one ---------------------------------------------------------


def rule_choices(nlp: Any, text: str) -> dict[str, list[tuple[str, list[str]]]]:
    """What each case rule would choose in the one segment of `text` that has names."""
    (segment,) = [s for s in examples.segments(nlp(text)) if examples.candidate_names(s)]
    names = examples.candidate_names(segment)
    sentence = examples._Sentence(
        segment,
        names,
        examples._acting_names(names, examples._imperative_verb(segment)),
        examples._EXAMPLE_CUE.search(segment.text),
    )
    return {
        rule.__name__: [(name.text, cues) for name, cues in rule(sentence)]
        for rule in examples.CASE_RULES
    }


@pytest.mark.parametrize(
    ("rule", "text", "chosen"),
    [
        (
            "case_in_place",
            "In Kent, the council launched a new app for reporting potholes last year.",
            [("Kent", ["in <place>, the council"])],
        ),
        (
            "case_called",
            "The council launched a scheme called Street Aware to report potholes.",
            [("Street Aware", ["called"])],
        ),
        (
            "case_introduced",
            "TraceMonkey is built for an existing JavaScript interpreter, SpiderMonkey, "
            "which runs the code.",
            [("SpiderMonkey", ["introduced by name", "called"])],
        ),
        (
            "case_after_cue",
            "For example, Brent Council tweeted road-gritting updates during the snow last winter.",
            [("Brent Council", ["for example", "named subject"])],
        ),
        (
            "case_enumerated",
            "We selected four cases: (1) the Street Aware program of Kent County Council; (2) "
            "the Data Hub program of Brent Council.",
            [
                ("Street Aware program", ["enumerated case"]),
                ("Data Hub program", ["enumerated case"]),
            ],
        ),
        (
            "case_host",
            "At the Department of Veterans Affairs (VA), managers are involved in reviews.",
            [("Department of Veterans Affairs", ["at <organisation>"])],
        ),
        (
            "case_named_subject",
            "Kent County Council launched a YouTube channel for its libraries in 2009.",
            [("Kent County Council", ["named subject"])],
        ),
        (
            "case_at_event",
            "Radiation exposure following Chernobyl caused 54 deaths, while no deaths are "
            "likely to occur from the accident at Fukushima Daiichi.",
            [("Chernobyl", ["event"]), ("Fukushima Daiichi", ["event"])],
        ),
        (
            "case_in_an_event",
            "In 2018 a 737 operated by Lion Air (Lion Air Flight 610) was involved in an accident.",
            [("Lion Air Flight 610", ["event"])],
        ),
        (
            "case_named_object",
            "The administration announced the Clean Water Initiative to fund repairs.",
            [("Clean Water Initiative", ["named object"])],
        ),
    ],
)
def test_each_case_rule_chooses_its_own_cases(
    nlp: Any, rule: str, text: str, chosen: list[tuple[str, list[str]]]
) -> None:
    choices = rule_choices(nlp, text)
    assert choices[rule] == chosen
    # the rule decides: no rule before it in CASE_RULES chooses anything
    names = [r.__name__ for r in examples.CASE_RULES]
    assert all(not choices[earlier] for earlier in names[: names.index(rule)])
    # and its labels reach the mentions
    assert [(m.name, list(m.cues)) for m in mentions(nlp, text)][: len(chosen)] == chosen


@pytest.mark.parametrize(("first", "second"), [("GPE", "ORG"), ("ORG", "GPE")])
def test_a_tie_of_entity_labels_takes_the_first_in_the_name(first: str, second: str) -> None:
    """The decider's entity feature is the name's most frequent label; on a tie, its first
    (not whichever a set yields, which changed from one process to the next)."""
    import spacy
    from spacy.tokens import Span

    doc = spacy.blank("en")("The Kent Digital works well.")
    doc.ents = [Span(doc, 1, 2, label=first), Span(doc, 2, 3, label=second)]
    features = examples.mention_features(doc[1:3], doc[0:6], (), 1, None, None, ())
    assert [key for key in features if key.startswith("ent:")] == [f"ent:{first}"]
