"""Text clean-up: characters, running headers and footers, hyphenation, split words, markers."""

from __future__ import annotations

from collections import Counter

from extractor.model import CharSpan
from extractor.text import (
    clean_document,
    document_vocabulary,
    find_running_shapes,
    join_hyphenated,
    nlp_text,
    normalise_chars,
    repair_split_words,
    separate_markers,
)


def test_ligatures_quotes_dashes_and_spaces_are_made_plain() -> None:
    raw = (
        "The \ufb01rst of\ufb02ine \u201cpersonal media\u201d "
        "\u2013 it\u2019s\u00a0\u00a0here\u00ad"
    )
    assert normalise_chars(raw) == 'The first offline "personal media" - it\'s here'


def test_symbol_font_bullets_become_bullets() -> None:
    assert normalise_chars("\uf0b7 Agents reported") == "• Agents reported"


BODIES = [
    "Brent tweeted gritting updates during the snow.",
    "Devon asked residents to rate its services online.",
    "Kent ran a blog for its leader.",
    "FixMyStreet lets residents report potholes.",
    "A web transaction costs pennies.",
    "Call it personal media, not social media.",
]


def test_running_header_and_footer_shapes_are_found_across_pages() -> None:
    pages = [
        ["Local by Social", body, BODIES[-n], f"Page {n} NESTA"] for n, body in enumerate(BODIES, 1)
    ]
    shapes = find_running_shapes(pages)
    assert shapes == {"local by social", "page # nesta"}


def test_clean_document_drops_running_lines_but_not_body_text() -> None:
    pages = [["Local by Social", body, f"Page {n}"] for n, body in enumerate(BODIES, 1)]
    cleaned = clean_document(pages, [frozenset()] * len(pages))
    assert [page.text for page in cleaned[1:]] == BODIES[1:]
    # The first page keeps its top lines (a title there looks like the running header).
    assert cleaned[0].text == f"Local by Social\n{BODIES[0]}"


def test_hyphenated_line_break_is_joined_without_the_hyphen() -> None:
    lines = ["Councils can use the inter-", "net to talk to residents."]
    assert join_hyphenated(lines, Counter()) == [
        "Councils can use the internet",
        "to talk to residents.",
    ]


def test_hyphen_of_a_compound_seen_elsewhere_is_kept() -> None:
    vocabulary = document_vocabulary([["a face-to-face contact costs more"]])
    lines = ["the cost of a face-to-", "face contact"]
    assert join_hyphenated(lines, vocabulary) == ["the cost of a face-to-face", "contact"]


def test_hyphen_before_a_capital_is_kept() -> None:
    assert join_hyphenated(["Soekarno-", "Hatta airport"], Counter()) == [
        "Soekarno-Hatta",
        "airport",
    ]


def test_words_split_by_a_stray_space_are_rejoined_only_into_known_words() -> None:
    vocabulary = Counter({"technical": 3, "the": 40, "in": 30, "to": 30, "into": 2, "wipo": 4})
    assert repair_split_words("makes certain technica l", vocabulary) == "makes certain technical"
    assert repair_split_words("links to th e", vocabulary) == "links to the"
    assert repair_split_words("The WIP O treaty", vocabulary) == "The WIPO treaty"
    assert repair_split_words("went in to see", vocabulary) == "went in to see"
    assert repair_split_words("Title V and Plan B", vocabulary) == "Title V and Plan B"


def test_glued_note_markers_are_separated_and_recorded() -> None:
    text, spans = separate_markers("is available online.1 The survey,4 we ran and project9 to")
    assert text == "is available online. 1 The survey, 4 we ran and project 9 to"
    assert [text[s.start : s.end] for s in spans] == ["1", "4", "9"]
    assert all(isinstance(s, CharSpan) for s in spans)


def test_numbers_that_are_not_markers_are_left_alone() -> None:
    for text in ["costs £7.81 per contact", "in 2009.", "version 3.8 of it", "COP26 talks"]:
        assert separate_markers(text) == (text, ())


def test_nlp_text_keeps_length_and_joins_only_soft_wraps() -> None:
    text = (
        "Executive Summary\n"
        "Councils that use social media well can reach residents who never\n"
        "come to a meeting, and they can do it at a fraction of the cost of\n"
        "a leaflet.\n"
        "• Brent tweeted gritting updates\n"
        "• Kent ran a blog"
    )
    result = nlp_text(text)
    assert len(result) == len(text)
    assert result.startswith("Executive Summary\n")
    assert "never come to a meeting" in result
    assert "cost of a leaflet.\n• Brent" in result
    assert "updates\n• Kent" in result


def test_nlp_text_keeps_dot_leader_rows_on_their_own_lines() -> None:
    text = (
        "The agency estimates the following costs to comply with this proposed AD:\n"
        "Action Labor cost Parts cost Cost per product Cost on U.S. operators\n"
        "FCC OPS installation and verification ........ 1 work-hour × $85 = $85 ...... $0\n"
        "AFM revisions ................................ 1 work-hour × $85 = $85 ...... $0\n"
        "The FAA has received no definitive data that would enable the agency to\n"
        "provide cost estimates for the operational readiness flight."
    )
    result = nlp_text(text)
    assert len(result) == len(text)
    assert "operators\nFCC OPS" in result
    assert "$0\nAFM revisions" in result
    assert "$0\nThe FAA" in result
    assert "agency to provide" in result


def test_nlp_text_ends_a_caption_where_a_capitalised_line_follows() -> None:
    text = (
        "Face-to-face contact costs the council several pounds a time; a transaction on\n"
        "the web costs pennies, which is why so many councils now move services online.\n"
        "Figure 3. Cost of a contact by channel, including staff time and overheads, 2009\n"
        "Contrary to perceptions, residents are happy to report a pothole on the web and\n"
        "Table 2: Contacts by channel in a district council, with the cost of each, and\n"
        "their share of the total in the year to March 2009 as reported to the council\n"
    )
    result = nlp_text(text)
    assert len(result) == len(text)
    assert "2009\nContrary to perceptions" in result  # the caption is its own paragraph
    assert "online.\nFigure 3." in result or "online. Figure 3." in result
    assert "each, and their share" in result  # a caption wrapped in lower case goes on


def test_nlp_text_reads_an_unmapped_glyph_before_a_capital_as_a_full_stop() -> None:
    text = (
        "The measures in this plan are fully funded and would lower borrowing by 2030\ufffd\n"
        "Backing business to invest and grow \ufffd\ufffd our plan \ufffd1 in a year"
    )
    result = nlp_text(text)
    assert len(result) == len(text)
    assert "by 2030.\nBacking" in result or "by 2030. Backing" in result
    assert "grow \ufffd\ufffd our plan \ufffd1" in result  # icons and the rest stay


def test_the_cover_keeps_a_title_that_the_running_header_repeats() -> None:
    pages = [["Local by Social", "How councils can use social media", "NESTA 2010"]] + [
        ["Local by Social", body, "NESTA 2010"] for body in BODIES
    ]
    cleaned = clean_document(pages, [frozenset()] * len(pages))
    # The title stays; the running footer goes even from the first page.
    assert cleaned[0].text == "Local by Social\nHow councils can use social media"
    assert [page.text for page in cleaned[1:]] == BODIES
