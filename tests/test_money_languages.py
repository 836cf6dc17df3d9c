"""Money in each language's own style: separators, scale words and currency names from CLDR
(through Babel), Welsh words from extractor/data/money/cy.json, and a warning wherever a
number reads two ways and nothing settles which.

The money rules take the language as a plain argument (no spaCy); the component takes it
from `doc.user_data["extractor_language"]`, else from its `language` config.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import spacy
from jsonschema import Draft202012Validator
from spacy.language import Language

from extractor.locales import DATA_FOLDER, UNKNOWN, money_locale, page_number_style
from extractor.model import SCHEMA_VERSION, CharSpan, CostFigure, PageRef, to_jsonable
from extractor.money import find_money, read_number
from extractor.nlp.costs import LANGUAGE_KEY, cost_values
from extractor.schema import load_schema

# Text, page language, then (amount, amount_max, currency) of every figure in it.
STYLES: list[tuple[str, str | None, list[tuple[float, float | None, str]]]] = [
    # Welsh: CLDR's scale words, so no billion-fold error
    ("Bydd £9 biliwn yn cael ei wario.", "cy", [(9e9, None, "GBP")]),
    ("cyllideb o £740 miliwn", "cy", [(740e6, None, "GBP")]),
    ("£1.5 triliwn", "cy", [(1.5e12, None, "GBP")]),
    ("gwerth 300 punnoedd", "cy", [(300, None, "GBP")]),
    ("cost o 20 punt", "cy", [(20, None, "GBP")]),
    # French
    ("un budget de 1,2 million d'euros", "fr", [(1.2e6, None, "EUR")]),
    ("un budget de 1,2 million d’euros", "fr", [(1.2e6, None, "EUR")]),
    ("Le projet coûte 50 000 $.", "fr", [(50000, None, "CAD")]),
    ("Le projet coûte 50\u202f000 $.", "fr", [(50000, None, "CAD")]),
    ("Le projet coûte 50\u00a0000 $.", "fr", [(50000, None, "CAD")]),
    ("de 0 à 50 000 $", "fr", [(0, 50000, "CAD")]),
    ("3 milliards d'euros", "fr", [(3e9, None, "EUR")]),
    ("2 billions d'euros", "fr", [(2e12, None, "EUR")]),  # French billion is 10^12
    ("12 livres sterling", "fr", [(12, None, "GBP")]),
    ("1 234,56 €", "fr", [(1234.56, None, "EUR")]),
    # German
    ("Kosten von 3,5 Mrd. €", "de", [(3.5e9, None, "EUR")]),
    ("rund 3,5 Mrd. Euro", "de", [(3.5e9, None, "EUR")]),
    ("12 Millionen Euro", "de", [(12e6, None, "EUR")]),
    ("2,4 Mio. €", "de", [(2.4e6, None, "EUR")]),
    # Spanish
    ("por importe de 64.209,65 €", "es", [(64209.65, None, "EUR")]),
    ("por importe de 64209.65 euros", "es", [(64209.65, None, "EUR")]),
    ("asciende a 348786,48 euros", "es", [(348786.48, None, "EUR")]),
    ("un total de 1.200 €", "es", [(1200, None, "EUR")]),
    ("presupuesto de 4.231.371 €", "es", [(4231371, None, "EUR")]),
    ("2 mil millones de euros", "es", [(2e9, None, "EUR")]),
    ("casi 2 MILLONES DE EUROS", "es", [(2e6, None, "EUR")]),
    ("ajuste de -19.440,42 € en el capítulo 1", "es", [(-19440.42, None, "EUR")]),
    ("10 libras esterlinas", "es", [(10, None, "GBP")]),
    ("- Valor del solar..............12.580,00 €", "es", [(12580, None, "EUR")]),  # leaders
    # Italian and Portuguese from the same CLDR data
    ("3,5 miliardi di euro", "it", [(3.5e9, None, "EUR")]),
    ("2 milhões de euros", "pt", [(2e6, None, "EUR")]),
    # English stays as it was
    ("a grant of £1.200", "en", [(1.2, None, "GBP")]),
    ("a grant of £1,200", "en", [(1200, None, "GBP")]),
    ("£9 billion and £740 million", "en", [(9e9, None, "GBP"), (740e6, None, "GBP")]),
]


@pytest.mark.parametrize(("text", "language", "expected"), STYLES)
def test_money_in_each_language_style(
    text: str, language: str | None, expected: list[tuple[float, float | None, str]]
) -> None:
    found = find_money(text, language=language)
    assert [(m.amount, m.amount_max, m.currency) for m in found] == expected


def test_scale_words_of_a_language_are_its_own() -> None:
    """Without the page's language the Welsh scale word is not read: £9, a billion-fold
    error, the issue's failure; with it, £9 billion."""
    assert [m.amount for m in find_money("£9 biliwn", language=None)] == [9]
    assert [m.amount for m in find_money("£9 biliwn", language="cy")] == [9e9]


@pytest.mark.parametrize(
    ("text", "language", "amount", "warned"),
    [
        ("1.200 €", "es", 1200, False),  # Spanish groups with "."
        ("£1.200", "en", 1.2, True),  # English decimal, but 3 decimals read two ways
        ("£1,200", "en", 1200, False),
        ("1,234 €", "fr", 1.234, True),  # French decimal comma, English grouping
        ("1.200 €", None, 1200, True),  # unknown language: read as before, but warned
        ("£1.200", None, 1.2, True),
        ("£25,600", None, 25600, True),
        ("64.209,65 €", None, 64209.65, False),  # both marks: no doubt
        ("64209.65 euros", "es", 64209.65, False),  # five digits before: a decimal
        ("50 000 $", None, 50000, False),  # a space only groups
        ("3,5 Mrd. €", "de", 3.5e9, False),
    ],
)
def test_ambiguous_numbers_carry_a_warning(
    text: str, language: str | None, amount: float, warned: bool
) -> None:
    (money,) = find_money(text, language=language)
    assert money.amount == amount
    assert (money.warning is not None) == warned
    if warned:
        assert money.warning is not None and repr(text.strip("£€$ ").split()[0]) in money.warning


def test_a_page_showing_its_style_settles_its_ambiguous_numbers() -> None:
    """Language unknown: "£25,600" beside "£1,234.50" reads the English way without doubt;
    beside a continental "1.234,50 €" it keeps its warning (the page contradicts it)."""
    english = find_money("It cost £1,234.50 and then £25,600.")
    assert [(m.amount, m.warning) for m in english] == [(1234.5, None), (25600, None)]
    mixed = find_money("It cost 1.234,50 € and then £25,600.")
    assert mixed[1].amount == 25600 and mixed[1].warning is not None


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("£1,234.50", "."),
        ("1,234,567", "."),
        ("1.234,50 €", ","),
        ("1.234.567", ","),
        ("1 234,50 €", ","),
        ("£1,200 and 1.200 €", None),
        ("£1,234.50 and 1.234,50 €", None),
    ],
)
def test_page_number_style(text: str, style: str | None) -> None:
    assert page_number_style(text) == style


def test_read_number_follows_the_language() -> None:
    spanish, english = money_locale("es"), money_locale("en")
    assert read_number("1.200", spanish).value == 1200
    assert read_number("1.200", english).value == 1.2
    assert read_number("1.234.567,89", spanish).value == 1234567.89
    assert read_number("1,234,567.89", english).value == 1234567.89
    assert read_number("0.500", spanish).value == 0.5  # a group never follows a lone 0


def test_locales_come_from_cldr() -> None:
    french = money_locale("fr", ("EUR", "GBP", "USD"))
    assert french.decimal == "," and "\u202f" in french.groups and " " in french.groups
    assert french.scale_words["milliards"] == 1e9 and french.scale_words["billion"] == 1e12
    assert french.currency_names["livres sterling"] == ("GBP", 1.0)
    assert french.per_units["par heure"] == "hour"
    spanish = money_locale("es", ("EUR",))
    assert spanish.scale_words["mil millones"] == 1e9 and spanish.groups == {"."}
    assert money_locale("de").scale_words["mrd."] == 1e9
    welsh = money_locale("cy", ("GBP",))
    assert welsh.scale_words["biliwn"] == 1e9 and welsh.per_units["yr awr"] == "hour"
    assert welsh.per_units["y pen"] == "head"  # from the data file, not CLDR


@pytest.mark.parametrize("language", [None, "", "xx", "not a language"])
def test_unknown_languages_read_as_before(language: str | None) -> None:
    assert money_locale(language) is UNKNOWN
    assert [m.amount for m in find_money("1.500 € and £2,000", language=language)] == [1500, 2000]


def test_the_welsh_data_file_names_its_source() -> None:
    data = json.loads((DATA_FOLDER / "cy.json").read_text(encoding="utf-8"))
    assert "Geiriadur Prifysgol Cymru" in data["_about"]
    assert data["per_units"]["y pen"] == "head"


# The component: language from the Doc, else from its config.


@pytest.fixture(scope="module")
def blank_costs() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_costs")
    return nlp


def _figures(nlp: Language, text: str, language: str | None) -> list[tuple[float, str | None]]:
    doc = nlp.make_doc(text)
    if language is not None:
        doc.user_data[LANGUAGE_KEY] = language
    for _name, component in nlp.pipeline:
        doc = component(doc)
    return [(v.amount, v.unit) for v in cost_values(doc)]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Yr isafswm cyflog yw £10 yr awr.", "cy", [(10, "hour")]),
        ("Mae'n costio £5 y pen.", "cy", [(5, "head")]),
        ("Bydd £9 biliwn a £740 miliwn yn cael eu gwario.", "cy", [(9e9, None), (740e6, None)]),
        ("El servicio cuesta 12 € por hora.", "es", [(12, "hour")]),
        ("Un total de 1.200 € por año.", "es", [(1200, "year")]),
        ("A grant of £1.200 was paid.", "en", [(1.2, None)]),
        ("Bydd £9 biliwn yn cael ei wario.", None, [(9, None)]),
    ],
)
def test_component_reads_the_page_language(
    blank_costs: Language, text: str, language: str | None, expected: list[tuple[float, str]]
) -> None:
    assert _figures(blank_costs, text, language) == expected


def test_component_config_language_is_the_fallback() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("extractor_costs", config={"language": "es"})
    assert _figures(nlp, "Un total de 1.200 €.", None) == [(1200, None)]
    # The page's own language, once identification names it, wins over the config.
    assert _figures(nlp, "A grant of £1.200.", "en") == [(1.2, None)]


def test_component_keeps_the_warning(blank_costs: Language) -> None:
    (value,) = cost_values(blank_costs("A grant of £1.200 was paid."))
    assert value.warning is not None and "'1.200'" in value.warning


def test_a_warning_reaches_the_schema() -> None:
    """`warning` is an optional string of a cost figure in schema 1.2.0; absent when None."""
    assert SCHEMA_VERSION == "1.2.0"
    figure = CostFigure(
        id="cost-1-0",
        page=PageRef(1, None),
        quote="£1.200",
        char_span=CharSpan(0, 6),
        raw="£1.200",
        amount=1.2,
        amount_max=None,
        currency="GBP",
        unit=None,
        subject=None,
        qualifier=None,
        kind="other",
    )
    assert "warning" not in to_jsonable(figure)
    warned = to_jsonable(replace(figure, warning="ambiguous number '1.200'"))
    assert warned["warning"] == "ambiguous number '1.200'"
    cost_schema = Draft202012Validator(
        {"$defs": load_schema()["$defs"], "$ref": "#/$defs/cost_figure"}
    )
    assert cost_schema.is_valid(warned)
    assert not cost_schema.is_valid({**warned, "warning": ""})
