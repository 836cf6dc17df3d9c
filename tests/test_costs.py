"""The extractor_costs component: money amounts found, normalised and described.

Typed sentences run through `spacy.blank("en")` (the rules alone) and through the real
pipeline (rules, entities, tags and parse); real corpus PDFs and a small PDF built here
check the collector's provenance.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.extract import extract
from extractor.money import find_money, parse_money, parse_number_words
from extractor.nlp.costs import SPANS_KEY, CostValue, cost_values
from extractor.nlp.pipeline import COMPONENTS
from tests.conftest import CORPUS_PDFS, require_corpus
from tests.pdfbuild import Document, Page, Paragraph, Table, build_pdf


class Fig(NamedTuple):
    """An expected figure: amount, upper bound, ISO currency, unit."""

    amount: float
    amount_max: float | None
    currency: str
    unit: str | None


@pytest.fixture(scope="module")
def blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_costs")
    return nlp


@pytest.fixture(params=["blank", "model"])
def any_nlp(request: pytest.FixtureRequest, blank: Language) -> Language:
    """Each normalisation case runs on the rules alone and on the full pipeline."""
    if request.param == "blank":
        return blank
    model: Language = request.getfixturevalue("nlp")
    return model


def figures(nlp: Language, text: str) -> list[CostValue]:
    return cost_values(nlp(text))


def as_figs(values: list[CostValue]) -> list[Fig]:
    return [Fig(v.amount, v.amount_max, v.currency, v.unit) for v in values]


# Sentence, then every figure it holds. Amounts are in units of the currency.
CASES: list[tuple[str, list[Fig]]] = [
    # The eight.
    ("A face-to-face contact costs £7.81 per contact.", [Fig(7.81, None, "GBP", "contact")]),
    ("The council saved £1.2m.", [Fig(1_200_000, None, "GBP", None)]),
    ("Congress approved $3 billion for the programme.", [Fig(3e9, None, "USD", None)]),
    ("Savings reached £3.5bn a year.", [Fig(3.5e9, None, "GBP", "year")]),
    ("The new website cost between £10,000 and £15,000.", [Fig(10_000, 15_000, "GBP", None)]),
    ("Each event costs £10-15k.", [Fig(10_000, 15_000, "GBP", None)]),
    (
        "Transaction costs range from £8.62 to 15p per transaction.",
        [Fig(0.15, 8.62, "GBP", "transaction")],
    ),
    ("The service costs around £400,000 per annum.", [Fig(400_000, None, "GBP", "year")]),
    # Several amounts in one sentence.
    (
        "A phone call costs £4.00 and a web transaction £0.17.",
        [Fig(4.0, None, "GBP", None), Fig(0.17, None, "GBP", None)],
    ),
    (
        "A tax cut of £1,350 for the average worker on £35,000.",
        [Fig(1350, None, "GBP", None), Fig(35_000, None, "GBP", None)],
    ),
    # Pence and cents.
    ("Printing costs 7p per page.", [Fig(0.07, None, "GBP", "page")]),
    ("Each letter costs 15 pence to send.", [Fig(0.15, None, "GBP", None)]),
    ("The state pension rose by 75p per week.", [Fig(0.75, None, "GBP", "week")]),
    ("The taper was cut by 10p in the pound.", [Fig(0.1, None, "GBP", "pound")]),
    ("It costs 1.8 cents per kilowatt-hour.", [Fig(0.018, None, "USD", "kilowatt-hour")]),
    ("The law gives a 51-cent tax credit.", [Fig(0.51, None, "USD", None)]),
    ("Corn sold for 30 cents a bushel.", [Fig(0.3, None, "USD", "bushel")]),
    ("Fuel duty is 20 euro cents per litre.", [Fig(0.2, None, "EUR", "litre")]),
    # Words.
    ("The scheme will cost three million pounds.", [Fig(3e6, None, "GBP", None)]),
    ("Half a million pounds was spent.", [Fig(500_000, None, "GBP", None)]),
    ("The fine was twenty-five dollars.", [Fig(25, None, "USD", None)]),
    ("It paid one hundred and fifty euros.", [Fig(150, None, "EUR", None)]),
    ("A project worth 10 million US dollars.", [Fig(1e7, None, "USD", None)]),
    ("The ticket costs 5 Canadian dollars.", [Fig(5, None, "CAD", None)]),
    ("Profits of 2 million Swiss francs.", [Fig(2e6, None, "CHF", None)]),
    # Symbols and codes.
    ("The budget is €250,000.", [Fig(250_000, None, "EUR", None)]),
    ("Revenue was 300 EUR per visitor.", [Fig(300, None, "EUR", "visitor")]),
    ("The grant is GBP 1.2 million.", [Fig(1.2e6, None, "GBP", None)]),
    ("The council saved GBP5m.", [Fig(5e6, None, "GBP", None)]),
    ("They raised USD 45m.", [Fig(45e6, None, "USD", None)]),
    ("The project received US$3m.", [Fig(3e6, None, "USD", None)]),
    ("Sydney spent A$5 billion.", [Fig(5e9, None, "AUD", None)]),
    ("Ontario gave C$20 per head.", [Fig(20, None, "CAD", "head")]),
    ("Fares rose to NZ$4.50.", [Fig(4.5, None, "NZD", None)]),
    ("The fund holds ¥500 million.", [Fig(5e8, None, "JPY", None)]),
    ("India spent ₹2,000 crore on roads.", [Fig(2e10, None, "INR", None)]),
    ("Debt reached $1.5 trillion.", [Fig(1.5e12, None, "USD", None)]),
    ("It cost $US2.5 million.", [Fig(2.5e6, None, "USD", None)]),
    ("Revenue of £1m+ is expected.", [Fig(1e6, None, "GBP", None)]),
    ("A grant of £1.2 m was agreed.", [Fig(1.2e6, None, "GBP", None)]),
    # Negative and accounting amounts.
    ("The balance was -£5,000 in March.", [Fig(-5000, None, "GBP", None)]),
    ("Net position £(4,500)", [Fig(-4500, None, "GBP", None)]),
    ("Net saving ........ (£1,200)", [Fig(-1200, None, "GBP", None)]),
    # Units.
    ("Gasoline prices exceeded $3 per gallon.", [Fig(3, None, "USD", "gallon")]),
    ("Oil cost $15 per barrel (in real terms).", [Fig(15, None, "USD", "barrel")]),
    ("Tax credits are $3 per oil equivalent barrel.", [Fig(3, None, "USD", "barrel")]),
    ("The labour rate is $85 per work-hour.", [Fig(85, None, "USD", "work-hour")]),
    ("The average cost per operator is $7,650.", [Fig(7650, None, "USD", "operator")]),
    ("Gas prices of $4.50/million Btu are expected.", [Fig(4.5, None, "USD", "million btu")]),
    ("A carbon tax of $50/ton applies.", [Fig(50, None, "USD", "ton")]),
    ("The minimum wage is £11.44 per hour.", [Fig(11.44, None, "GBP", "hour")]),
    ("Childcare saves families £6,900 per year.", [Fig(6900, None, "GBP", "year")]),
    ("It will raise £6 billion a year.", [Fig(6e9, None, "GBP", "year")]),
    ("Increases of £1,685 a\nyear are planned.", [Fig(1685, None, "GBP", "year")]),
    ("Measures raised £6.7 billion for each year.", [Fig(6.7e9, None, "GBP", "year")]),
    ("Funding of £2.5 million annually is planned.", [Fig(2.5e6, None, "GBP", "year")]),
    ("The programme costs £300k per month.", [Fig(300_000, None, "GBP", "month")]),
    ("The post pays £20,000 pa.", [Fig(20_000, None, "GBP", "year")]),
    ("Rooms cost £600 pcm.", [Fig(600, None, "GBP", "month")]),
    ("A £3m annual budget was set.", [Fig(3e6, None, "GBP", "year")]),
    ("Hours are billed at £30/hr.", [Fig(30, None, "GBP", "hour")]),
    ("Support of £40 per visit to the surgery.", [Fig(40, None, "GBP", "visit")]),
    ("It removed £1 million of barriers every single hour.", [Fig(1e6, None, "GBP", "hour")]),
    ("Reform would deliver £20 billion of annual savings.", [Fig(2e10, None, "GBP", "year")]),
    ("Care costs £900 per person per week.", [Fig(900, None, "GBP", "person")]),
    ("Fees of £2 per web transaction apply.", [Fig(2, None, "GBP", "transaction")]),
    ("A 25p-per-minute call.", [Fig(0.25, None, "GBP", "minute")]),
    ("It costs £5m a year ago.", [Fig(5e6, None, "GBP", None)]),
    ("The rate fell 5 per cent to £12.", [Fig(12, None, "GBP", None)]),
    # Ranges.
    ("Bills fell by £20 - £45 per household.", [Fig(20, 45, "GBP", "household")]),
    ("Costs of £5-10 per head were reported.", [Fig(5, 10, "GBP", "head")]),
    ("A budget of $1 to $2 billion.", [Fig(1e9, 2e9, "USD", None)]),
    ("Councils spend £1bn–£1.5bn on it.", [Fig(1e9, 1.5e9, "GBP", None)]),
    ("Estimates range from $5 to 10 million.", [Fig(5e6, 1e7, "USD", None)]),
    (
        "Costs fell from about 4.5 to 5.5 cents per kilowatt-hour.",
        [Fig(0.045, 0.055, "USD", "kilowatt-hour")],
    ),
    ("The fee is between 5 and 10 pence.", [Fig(0.05, 0.1, "GBP", None)]),
    (
        "We raised the threshold from £50,000 to £60,000.",
        [Fig(50_000, None, "GBP", None), Fig(60_000, None, "GBP", None)],
    ),
    # Qualifiers do not change the amount.
    ("The fine is up to £5m.", [Fig(5e6, None, "GBP", None)]),
    ("At least £2 billion is needed.", [Fig(2e9, None, "GBP", None)]),
    ("Staff earn £35,000 or more.", [Fig(35_000, None, "GBP", None)]),
    # The scale after a range is the high end's alone where the low one is whole already.
    ("A fine of between £100,000 and £5 million.", [Fig(1e5, 5e6, "GBP", None)]),
    # Every ISO code in use names its currency (CLDR), not only the lexicon's.
    ("It announced a QAR 75 billion stimulus.", [Fig(75e9, None, "QAR", None)]),
    ("A fee of 150 AED per visit.", [Fig(150, None, "AED", "visit")]),
    ("Wages of THB 300 a day.", [Fig(300, None, "THB", "day")]),
    # Continental notation.
    ("Budget : 0 à 50 000 $", [Fig(0, 50_000, "CAD", None)]),
    ("Coût : 50 000 $ à 100 000 $", [Fig(50_000, 100_000, "CAD", None)]),
    ("Le projet coûte 1 200 000 € au total.", [Fig(1.2e6, None, "EUR", None)]),
    ("Der Zuschuss beträgt 1.500 €.", [Fig(1500, None, "EUR", None)]),
    ("Le coût est de 12,50 € par personne.", [Fig(12.5, None, "EUR", None)]),
    ("Une enveloppe de 3,5 M€.", [Fig(3.5e6, None, "EUR", None)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_amounts_are_found_and_normalised(
    any_nlp: Language, text: str, expected: list[Fig]
) -> None:
    found = as_figs(figures(any_nlp, text))
    assert len(found) == len(expected), found
    for got, want in zip(found, expected, strict=True):
        assert got.currency == want.currency
        assert got.amount == pytest.approx(want.amount)
        if want.amount_max is None:
            assert got.amount_max is None
        else:
            assert got.amount_max == pytest.approx(want.amount_max)
        assert got.unit == want.unit


NOT_MONEY = [
    "In 2019, 45% of councils replied (see page 12).",
    "Call 020 7946 0000 or +44 20 7946 0000 before 5pm.",
    "Costs in £\nOverview of spending",
    "Figures are adjusted to fiscal year 2005 dollars to account for inflation.",
    "Rates were 3.5 per cent in 2010-15 and 4 percent after.",
    "It lost billions of pounds and millions of dollars.",
    "The rating scale runs from $ to $$$.",
    "2023 $$$ Conseil municipal",
    "It emitted 2 million pounds of mercury.",
    "Tyres need 30 pounds per square inch.",
    "Mercury emissions (pounds/year) 45 29 29 26",
    "This cost was high.12 It rose again in 2015.3",
    "#3$4%56# 0$1$23# glyph noise $4%",
    "Table 4: Dollars in millions",
    "Costs (£000) 2009 2010",
    "Doors open at 2p.m. on Friday.",
    "A pound of butter and a dollar sign.",
    # ISO codes that are also words or abbreviations (costs.json, codes_not_read).
    "Progress on SDG 4 was slow after COP 26 and COP27.",
    "Patch CVE-2021-44228 first; an IRR 12% is expected.",
    "ALL 3 options follow the SSP 2-4.5 pathway.",
]


@pytest.mark.parametrize("text", NOT_MONEY)
def test_things_that_are_not_money_give_no_figure(any_nlp: Language, text: str) -> None:
    assert figures(any_nlp, text) == []


# ----------------------------------------------------- subject, qualifier, kind (parsed)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("A face-to-face contact costs £7.81.", "face-to-face contact"),
        ("Congress approved a budget of $3 billion for road repairs.", "road repairs"),
        ("The council will invest £36 billion in local roads.", "local roads"),
        ("Gasoline prices exceeded $3 per gallon.", "Gasoline prices"),
        ("It cost $3 billion.", None),
        ("The government offers a £2 bus fare.", "bus fare"),
        ("The cost of the new website was £50,000.", "new website"),
    ],
)
def test_subject_comes_from_the_parse(nlp: Language, text: str, subject: str | None) -> None:
    (figure,) = figures(nlp, text)
    assert figure.subject == subject


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("The service costs around £400,000 per annum.", "around"),
        ("The fine is up to £5m.", "up to"),
        ("An estimated £7 billion in tax is lost.", "estimated"),
        ("At least £2 billion is needed.", "at least"),
        ("Families save an average of £6,900 per year.", "average"),
        ("Each visit costs £12 on average.", "average"),
        ("Staff earn £35,000 or more.", "at least"),
        ("Prices reached nearly $70 per barrel.", "nearly"),
        ("Revenue of £1m+ is expected.", "at least"),
        ("The council spent £3m.", None),
    ],
)
def test_qualifier(any_nlp: Language, text: str, qualifier: str | None) -> None:
    (figure,) = figures(any_nlp, text)
    assert figure.qualifier == qualifier


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("A face-to-face contact costs £7.81.", "cost"),
        ("The reforms will save taxpayers £12 billion a year.", "saving"),
        ("Savings of £1.2m a year are expected.", "saving"),
        ("Congress approved a budget of $3 billion.", "budget"),
        ("We will invest £36 billion in local roads.", "budget"),
        ("Gasoline prices exceeded $3 per gallon.", "price"),
        ("The entry fee is £12.", "price"),
        ("Average earnings are £35,000.", "income"),
        ("Tax revenue reached £6 billion.", "income"),
        ("The plant was sold for $40 million.", "price"),
        ("The figure was £3m.", "other"),
    ],
)
def test_kind(nlp: Language, text: str, kind: str) -> None:
    (figure,) = figures(nlp, text)
    assert figure.kind == kind


def test_qualifier_named_in_the_subject(nlp: Language) -> None:
    (figure,) = figures(nlp, "The FAA estimates the average total cost per operator to be $7,650.")
    assert (figure.qualifier, figure.unit, figure.kind) == ("average", "operator", "cost")


def test_unit_named_in_the_subject(nlp: Language) -> None:
    (figure,) = figures(nlp, "The cost per transaction via the web is £0.32.")
    assert figure.unit == "transaction"


def test_each_takes_its_unit_from_the_subject(nlp: Language) -> None:
    (figure,) = figures(nlp, "Additional copies are $2 each.")
    assert (figure.subject, figure.unit) == ("Additional copies", "copy")


def test_each_without_a_subject_stays_each(blank: Language) -> None:
    (figure,) = figures(blank, "Additional copies are $2 each.")
    assert figure.unit == "each"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        (
            "Each year, Congress has appropriated more than $1.1 billion in grants to states.",
            "year",
        ),
        ("Annual budget authority for the program has not exceeded $6 million.", "year"),
        (
            "The act provides a 51-cent tax credit, through 2010, for every gallon of ethanol.",
            "gallon",
        ),
        ("The paltry 75p per week increase angered pensioners.", "week"),
        ("Electricity cost 12 cents per kilowatt-hour today.", "kilowatt-hour"),
    ],
)
def test_units_named_away_from_the_amount(nlp: Language, text: str, unit: str) -> None:
    (figure,) = figures(nlp, text)
    assert figure.unit == unit


def test_table_rows_take_their_label_as_subject(any_nlp: Language) -> None:
    text = "Cost per contact\nFace-to-face £7.81\nTelephone £4.00\nWeb £0.17\n"
    found = figures(any_nlp, text)
    assert [(f.subject, f.amount) for f in found] == [
        ("Face-to-face", 7.81),
        ("Telephone", 4.0),
        ("Web", 0.17),
    ]


def test_dot_leader_rows_take_their_label_as_subject(any_nlp: Language) -> None:
    text = (
        "AFM revisions ........ 1 work-hour × $85 per hour = $85 ...... $0 ...... $6,205.\n"
        "The FAA has received no definitive data."
    )
    found = figures(any_nlp, text)
    assert [(f.amount, f.unit) for f in found] == [
        (85, "hour"),
        (85, None),
        (0, None),
        (6205, None),
    ]
    assert {f.subject for f in found} == {"AFM revisions"}


def test_a_table_header_in_millions_scales_bare_amounts(any_nlp: Language) -> None:
    text = (
        "Table 2: Federal tax expenditures\n"
        "Dollars in millions\n"
        "Capital gains treatment of royalties on coal $90\n"
        "Total $5,700\n"
        "Source: GAO analysis.\n"
        "The agency charges $85 per hour and spent $2 billion."
    )
    assert [f.amount for f in figures(any_nlp, text)] == [90e6, 5700e6, 85, 2e9]


def test_prose_is_not_a_table_row(nlp: Language) -> None:
    found = figures(nlp, "A face-to-face contact costs £7.81, a phone call £4.00 and a web £0.17.")
    assert all(f.subject is None or "costs" not in f.subject for f in found)


# --------------------------------------------------------------------- spans and quotes


def test_component_writes_spans_with_values(blank: Language) -> None:
    text = "We will spend around £400,000 per annum on it."
    doc = blank(text)
    (span,) = doc.spans[SPANS_KEY]
    value = span._.extractor_cost
    assert isinstance(value, CostValue)
    assert text[value.start : value.end] == "around £400,000 per annum"
    assert text[value.raw_start : value.raw_end] == "£400,000"
    assert span.start_char <= value.start and value.end <= span.end_char


def test_processed_docs_still_serialise(blank: Language) -> None:
    doc = blank("Printing costs 7p per page.")
    restored = Doc(blank.vocab).from_bytes(doc.to_bytes())
    assert cost_values(restored) == cost_values(doc)
    assert cost_values(restored)[0].unit == "page"


def test_range_quote_keeps_its_lead_word(blank: Language) -> None:
    text = "Costs were between £10,000 and £15,000 last year."
    (value,) = figures(blank, text)
    assert text[value.start : value.end] == "between £10,000 and £15,000"
    assert text[value.raw_start : value.raw_end] == "£10,000 and £15,000"


def test_component_is_in_the_default_pipeline(nlp: Language) -> None:
    assert "extractor_costs" in COMPONENTS
    assert "extractor_costs" in nlp.pipe_names


def test_model_money_entities_add_what_the_rules_cannot_see(blank: Language) -> None:
    """Text glued to a word ("costs£5") hides the amount from the character rules; a MONEY
    entity over its own token brings it back. Entities over rejected shapes do not."""
    doc = Doc(blank.vocab, words=["It", "costs", "£5", "in", "2005", "dollars"])
    doc = Doc(
        blank.vocab, words=[t.text for t in doc], spaces=[True, False, True, True, True, False]
    )
    assert doc.text == "It costs£5 in 2005 dollars"
    doc.ents = [Span(doc, 2, 3, label="MONEY"), Span(doc, 4, 6, label="MONEY")]
    found = cost_values(blank.get_pipe("extractor_costs")(doc))
    assert [(f.amount, f.currency, doc.text[f.start : f.end]) for f in found] == [
        (5.0, "GBP", "£5")
    ]


def test_currency_of_a_bare_dollar_is_configurable() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_costs", config={"dollar_currency": "AUD"})
    (figure,) = figures(nlp, "Canberra spent $5 million.")
    assert figure.currency == "AUD"


# ----------------------------------------------------------------------- money.py alone


@pytest.mark.parametrize(
    ("words", "value"),
    [("three million", 3e6), ("half a million", 5e5), ("one hundred and fifty", 150), ("a", None)],
)
def test_number_words(words: str, value: float | None) -> None:
    assert parse_number_words(words) == value


def test_parse_money_needs_exactly_one_amount() -> None:
    money = parse_money("£3.5bn")
    assert money is not None and money.amount == 3.5e9
    assert parse_money("£3 and £4") is None
    assert parse_money("three") is None


def test_find_money_offsets_are_exact() -> None:
    text = "Costs ranged from £8.62 to 15p per transaction."
    (money,) = find_money(text)
    assert text[money.start : money.end] == "£8.62 to 15p"
    assert text[money.lead_start : money.tail_end] == "from £8.62 to 15p"


# ------------------------------------------------------------------------- real PDFs


def _page_texts(result: Any) -> dict[int, str]:
    return {page.index: page.text for page in result.pages}


@pytest.mark.parametrize(
    "name",
    [
        "us-federal-register-2020-17221.pdf",
        "uk-hmrc-risk-triggers-report-2015.pdf",
        "us-gao-06-1046-grants-management-2006.pdf",
    ],
)
def test_corpus_quotes_are_exact(nlp: Language, name: str) -> None:
    require_corpus()
    result = extract(CORPUS_PDFS / name, nlp=nlp)
    assert result.cost_figures, "every one of these reports prints money amounts"
    texts = _page_texts(result)
    ids = [figure.id for figure in result.cost_figures]
    assert len(ids) == len(set(ids))
    for figure in result.cost_figures:
        text = texts[figure.page.index]
        assert text[figure.char_span.start : figure.char_span.end] == figure.quote
        assert figure.raw and figure.raw in figure.quote
        assert figure.id == f"cost-{figure.page.index}-{figure.char_span.start}"


def test_table_in_a_pdf_gives_row_labels(tmp_path: Path, nlp: Language) -> None:
    doc = Document(
        pages=[
            Page(
                [
                    Paragraph(
                        "What a contact costs the council depends on the channel the resident "
                        "chooses: a visit to the office takes a member of staff away from other "
                        "work for a quarter of an hour, a telephone call for a few minutes and a "
                        "web transaction for no time at all, as the table below shows."
                    ),
                    Table(
                        [
                            ["Channel", "Cost per contact"],
                            ["Face-to-face", "£7.81"],
                            ["Telephone", "£4.00"],
                            ["Web", "£0.17"],
                        ]
                    ),
                ]
            )
        ]
    )
    result = extract(build_pdf(doc, tmp_path / "table.pdf"), nlp=nlp)
    assert [(f.subject, f.amount, f.currency) for f in result.cost_figures] == [
        ("Face-to-face", 7.81, "GBP"),
        ("Telephone", 4.0, "GBP"),
        ("Web", 0.17, "GBP"),
    ]


def test_unit_on_the_next_page_is_joined(tmp_path: Path, nlp: Language) -> None:
    doc = Document(
        pages=[
            Page([Paragraph("By 2004, most of the oil used was imported and cost $38")]),
            Page([Paragraph("per barrel in real terms. A second plan costs £250 in total.")]),
        ]
    )
    result = extract(build_pdf(doc, tmp_path / "break.pdf"), nlp=nlp)
    found = [(f.page.index, f.amount, f.currency, f.unit) for f in result.cost_figures]
    assert found == [(1, 38.0, "USD", "barrel"), (2, 250.0, "GBP", None)]
    texts = _page_texts(result)
    for figure in result.cost_figures:
        span = figure.char_span
        assert texts[figure.page.index][span.start : span.end] == figure.quote


def test_a_passage_drawn_twice_gives_its_amounts_once(tmp_path: Path, nlp: Language) -> None:
    passage = (
        "U.S. energy companies reduced their investments in developing alternative energy "
        "technologies over the following two decades. More recently, crude oil prices more "
        "than doubled and gasoline prices exceeded $3 per gallon in August 2006 as a result "
        "of increased world demand, the disruption of supply and the rising costs of "
        "refining that followed the hurricanes in the Gulf of Mexico the year before."
    )
    doc = Document(pages=[Page([Paragraph(passage), Paragraph(passage), Paragraph("It cost £5.")])])
    result = extract(build_pdf(doc, tmp_path / "twice.pdf"), nlp=nlp)
    assert [(f.amount, f.currency) for f in result.cost_figures] == [(3.0, "USD"), (5.0, "GBP")]
