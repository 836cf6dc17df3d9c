"""Money expressions in plain text: find them and normalise their amounts (pure str -> values).

This is the rule half of the `extractor_costs` component, kept free of spaCy so that it can
be tested and reused on any string. It knows the forms money takes in reports:

- a currency before the number: "£7.81", "US$3m", "GBP 1.2 million", "£(4,500)", "-£5";
- a currency after it: "15p", "1.8 cents", "three million pounds", "50 000 $", "3,5 M€";
- multipliers ("k", "m", "bn", "million", "billion"...) and pence or cents;
- ranges: "£10-15k", "4.5 to 5.5 cents", "between £2 and £3", "from £8.62 to 15p", where a
  bare first number takes the currency and multiplier of the second and the other way round.

Everything it knows is named data in `extractor/data/costs.json`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from extractor.locales import SPACES, MoneyLocale, fold_words, money_locale, page_number_style

LEXICON_PATH = Path(__file__).resolve().parent / "data" / "costs.json"

# Four-digit whole numbers in this range read as years ("2005 dollars", "2023 $$$").
YEAR_RANGE = (1900, 2099)
# How far (characters) to look back for a range lead word or a qualifier.
LOOKBACK_CHARS = 60


@dataclass(frozen=True)
class Lexicon:
    """The named data the money rules run on, loaded once from costs.json."""

    data: dict[str, Any]

    def section(self, *keys: str) -> Any:
        """The value at `keys` in the JSON (e.g. section("units", "aliases"))."""
        value: Any = self.data
        for key in keys:
            value = value[key]
        return value


@functools.cache
def lexicon() -> Lexicon:
    """The money lexicon of extractor/data/costs.json."""
    return Lexicon(json.loads(LEXICON_PATH.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Money:
    """One money expression in a text: a single amount or a range, normalised.

    `start`/`end` delimit the amount as printed (the `raw`, e.g. "£10-15k" or "£8.62 to
    15p"); `lead_start`/`tail_end` widen that to the qualifier and range words around it
    ("between ... and ...", "up to", "or more").
    """

    start: int
    end: int
    lead_start: int
    tail_end: int
    amount: float
    amount_max: float | None
    currency: str
    qualifier: str | None
    words_currency: bool = False
    warning: str | None = None


@dataclass(frozen=True)
class _Atom:
    """A single amount before ranges are formed."""

    start: int
    end: int
    number: float
    multiplier: float | None
    scale: float
    currency: str
    prefix: bool
    negative: bool = False
    words_currency: bool = False
    warning: str | None = None

    @property
    def value(self) -> float:
        value = self.number * (self.multiplier or 1.0) * self.scale
        return -value if self.negative else value


@functools.cache
def currency_codes() -> tuple[str, ...]:
    """The ISO 4217 codes read as currencies beside a number: the lexicon's own, and every
    one CLDR lists as legal tender still in use (Babel's data, so the same for a Babel
    version), less those that are also words or abbreviations (`codes_not_read`)."""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    cur = lexicon().section("currency")
    codes = set(cur["codes"])
    for territory in get_global("territory_currencies"):
        for found in get_territory_currencies(territory, tender=True, include_details=True):
            if found.get("to") is None:  # `to`: the date it stopped being legal tender
                codes.add(str(found["currency"]))
    return tuple(sorted(codes - set(cur["codes_not_read"])))


def alternatives(items: Iterable[str]) -> str:
    """A regex alternation of `items` (a list, or a dict's keys), longest first, escaped."""
    return "|".join(re.escape(item) for item in sorted(items, key=len, reverse=True))


_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
# After-the-number notation of French, German and others: "50 000 $", "1.000.000 €", "3,5 M$".
_NUM_CONTINENTAL = r"\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?(?!\d)|\d+,\d{1,2}(?!\d)"
_NOT_NUMBER_AFTER = r"(?![\w%$£€#]|[.,]\d)"
# Any number in a language that is not English: groups of three after ".", "," or a space
# ("64.209,65", "50 000", "1,234.5"), or digits with one decimal mark ("64209.65", "3,5");
# `read_number` decides which mark is which.
_NUM_LOCAL = r"\d{1,3}(?:[.,\u00a0\u202f\u2009 ]\d{3})+(?:[.,]\d+)?(?![\d])|\d+(?:[.,]\d+)?(?![\d])"
_GROUPED_CONTINENTAL = re.compile(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+,\d{1,2}")


@dataclass(frozen=True)
class Reading:
    """A number's value and, where its style is ambiguous, a warning that says so."""

    value: float
    warning: str | None = None


def read_number(
    text: str,
    locale: MoneyLocale,
    assumed_decimal: str = ".",
    page_style: str | None = None,
) -> Reading:
    """The value of a number as `locale` writes it: "64.209,65" is 64209.65 in Spanish.

    Only "1.200" and "1,234" (one mark, three digits after it, at most three before) read
    two ways; they follow the page's language, and where that is unknown the mark is
    `assumed_decimal`'s. Such a figure gets a warning unless the language groups thousands
    with that mark, or, the language unknown, the page's unambiguous numbers
    (`page_style`) show the style assumed. Marks that can only be one thing need no
    language: "64209.65" and "3,5" are decimals, "1.234.567" and "50 000" are grouped.
    """
    marks = [(i, " " if c in SPACES else c) for i, c in enumerate(text) if not c.isdigit()]
    if not marks:
        return Reading(float(text))
    index, last = marks[-1]
    warning = None
    if last == " " or sum(c == last for _, c in marks) > 1:
        point: str | None = None
    elif len({c for _, c in marks}) > 1:
        point = last
    else:
        before, after = text[:index], text[index + 1 :]
        if len(after) != 3 or not 1 <= len(before) <= 3 or before.startswith("0"):
            point = last
        else:
            known = locale.decimal is not None
            chosen = locale.decimal if known else assumed_decimal
            point = last if last == chosen else None
            trusted = last in locale.groups if known else page_style == chosen
            if not trusted:
                warning = _ambiguity(text, last, point is not None, locale)
    digits = "".join(
        c if c.isdigit() else ("." if i == index and point is not None else "")
        for i, c in enumerate(text)
    )
    reading = Reading(float(digits), warning)
    return reading


def _ambiguity(text: str, mark: str, as_decimal: bool, locale: MoneyLocale) -> str:
    whole = float(re.sub(r"\D", "", text))
    read, other = (whole / 1000, whole) if as_decimal else (whole, whole / 1000)
    role = "the decimal mark" if as_decimal else "a thousands separator"
    why = (
        f"the page's language, {locale.language}, writes it so"
        if locale.language
        else "the page's language is unknown"
    )
    return (
        f"ambiguous number {text!r}: read as {_round(read):g}, {mark!r} taken as {role} "
        f"({why}); {_round(other):g} in the other style"
    )


@dataclass(frozen=True)
class _Vocabulary:
    """The words and symbols of one language's money: the English lexicon, with the
    language's own scale words, currency names and symbols (CLDR) over it."""

    locale: MoneyLocale
    multiplier_words: dict[str, float]
    currency_words: dict[str, tuple[str, float]]
    prefix_symbols: dict[str, str]
    suffix_symbols: dict[str, str]

    @property
    def local(self) -> bool:
        """True for a language other than English, whose numbers `_NUM_LOCAL` reads."""
        return self.locale.language not in (None, "en")


@functools.cache
def vocabulary(language: str | None) -> _Vocabulary:
    """The money words of `language` (None: unknown, the English lexicon alone)."""
    cur = lexicon().section("currency")
    codes = tuple(cur["codes"])
    locale = money_locale(language, codes)
    multipliers: dict[str, float] = lexicon().section("multipliers", "words")
    words = {fold_words(word): float(value) for word, value in multipliers.items()}
    names = {fold_words(name): (str(c), float(scale)) for name, (c, scale) in cur["words"].items()}
    prefix = dict(cur["prefix_symbols"])
    suffix = dict(cur["suffix_symbols"])
    if locale.language not in (None, "en"):
        words.update(locale.scale_words)
        names.update(locale.currency_names)
        for symbol, code in locale.currency_symbols.items():
            prefix.setdefault(symbol, code)
            suffix.setdefault(symbol, code)
    return _Vocabulary(locale, words, names, prefix, suffix)


def _word_alternatives(items: Iterable[str]) -> str:
    """`alternatives`, with any white space inside a word matching any run of it."""
    return alternatives(items).replace(r"\ ", r"\s+")


@dataclass(frozen=True)
class _Patterns:
    atom: re.Pattern[str]
    bare_after: re.Pattern[str]
    bare_before: re.Pattern[str]
    between_atoms: re.Pattern[str]
    qualifier_before: re.Pattern[str]
    qualifier_after: re.Pattern[str]
    lead_before: re.Pattern[str]


@functools.cache
def _patterns(language: str | None = None) -> _Patterns:
    lex = lexicon()
    vocab = vocabulary(language)
    cur = lex.section("currency")
    mult = lex.section("multipliers")
    prefix_symbols = alternatives(vocab.prefix_symbols)
    codes = alternatives(currency_codes())
    suffix_symbols = alternatives(vocab.suffix_symbols)
    words = _word_alternatives(vocab.currency_words)
    pence = alternatives(cur["pence_letters"])
    mult_words = _word_alternatives(vocab.multiplier_words)
    mult_abbr = alternatives(mult["abbreviations"])
    mult_letters = alternatives(mult["letters"])
    mult_symbol = alternatives(mult["before_suffix_symbol"])
    # "1,2 million d'euros", "3,5 miliardi di euro": the word between scale and currency.
    links = alternatives(mult["links_to_currency"])
    number_words = alternatives([*lex.section("number_words"), *lex.section("number_scales")])
    number = _NUM_LOCAL if vocab.local else _NUM
    suffix_number = _NUM_LOCAL if vocab.local else f"{_NUM_CONTINENTAL}|{_NUM}"
    # A local table's dot leaders ("Valor del solar.......12.580,00 €") may run up to an
    # amount; a lone "." before digits is part of a number.
    suffix_start = r"(?<![\w,$£€#/])(?<!(?<!\.)\.)" if vocab.local else r"(?<![\w.,$£€#/])"
    # "-19.440,42 €" in a local table is negative; English keeps its rules for "-".
    suffix_sign = r"(?P<s_neg>[-−](?=\d))?" if vocab.local else r"(?P<s_neg>(?!))?"

    def multiplier(name: str) -> str:
        return (
            rf"(?:\s{{0,2}}(?P<{name}mw>(?i:{mult_words}))\b|\s?(?P<{name}ma>(?i:{mult_abbr}))\b"
            rf"|(?:(?P<{name}ml>{mult_letters})|[ ](?P<{name}ms>[mM]))(?![A-Za-z]))"
        )

    atom = rf"""
        (?P<prefix>
            (?<![A-Za-z0-9$£€¥#%&@_])
            (?P<p_cur>{prefix_symbols}|(?:{codes})(?=\s?[\d(-]))
            [ ]?(?P<p_paren>\()?(?P<p_neg>-)?
            (?P<p_num>{number})
            (?(p_paren)\))
            (?:{multiplier("p_")}|{_NOT_NUMBER_AFTER})
            (?:[ ](?P<p_sterling>sterling)\b)?
        )
        |(?P<pence>
            (?<![\w.,$£€])(?P<c_num>\d+(?:\.\d+)?)(?P<c_cur>{pence})(?![\w%]|\.m\.)
        )
        |(?P<suffix>
            {suffix_start}
            {suffix_sign}
            (?P<s_num>{suffix_number})
            (?:\s{{0,2}}(?P<s_mw>(?i:{mult_words}))(?:\s+(?i:{links})\s*|\s+|\b)
              |\s?(?P<s_ms>{mult_symbol})(?=[$€£])
              |\s?(?P<s_ma>(?i:{mult_abbr}))\s+
              |\s?|-)
            (?:
                (?P<s_sym>{suffix_symbols})(?![$\w])
                |(?P<s_code>{codes})\b
                |(?P<s_word>(?i:{words}))(?![\w])
            )
        )
        |(?P<words>
            (?<![\w-])
            (?P<w_num>(?i:{number_words})\b(?:(?:\s+|-)(?:and\s+)?(?i:{number_words})\b)*)
            \s+(?P<w_cur>(?i:{words}))(?![\w])
        )
    """
    connectors = lex.section("range", "connectors")
    connector = "|".join(
        r"\s?[-–—]\s?" if c == "-" else rf"\s+{re.escape(c)}\s+" for c in connectors
    )
    qualifiers = alternatives(lex.section("qualifiers", "before"))
    after = alternatives(lex.section("qualifiers", "after"))
    leads = alternatives(lex.section("range", "leads"))
    return _Patterns(
        atom=re.compile(atom, re.VERBOSE),
        bare_after=re.compile(
            rf"(?P<conn>{connector})(?P<num>{number})"
            rf"(?:{multiplier('')}|{_NOT_NUMBER_AFTER})"
            r"(?!\s*(?:per\s*cent|percent|%))"
        ),
        bare_before=re.compile(
            rf"(?<![\w.,$£€/-])(?P<num>{suffix_number})"
            rf"(?:{multiplier('')})?(?P<conn>{connector})$"
        ),
        between_atoms=re.compile(rf"(?P<conn>{connector})"),
        qualifier_before=re.compile(rf"(?<![\w])(?P<q>(?i:{qualifiers}))\s*$"),
        qualifier_after=re.compile(rf"(?:\s+|(?=\+))(?P<q>(?i:{after}))(?![\w])"),
        lead_before=re.compile(
            rf"(?<![\w])(?P<lead>(?i:{leads}))\s+(?:(?P<q>(?i:{qualifiers}))\s+)?$"
        ),
    )


def parse_number(text: str, continental: bool = False) -> float:
    """Parse "1,234.5" (or, with `continental`, "1 234,5" / "1.234.567") to a float."""
    return read_number(text, money_locale(None), _assumed_decimal(text, continental)).value


def _assumed_decimal(text: str, continental: bool) -> str:
    """The decimal mark a number of unknown language is read with: "," for one after its
    currency that is grouped the continental way ("1.500 €", "3,5 €"), else "."."""
    return "," if continental and _GROUPED_CONTINENTAL.fullmatch(text) else "."


@dataclass(frozen=True)
class _Context:
    """What reading one text's money depends on: its language's words and patterns, the
    dollars a bare "$" means, and the number style the page shows where its language is
    unknown."""

    vocab: _Vocabulary
    patterns: _Patterns
    dollar: str
    suffix_dollar: str
    page_style: str | None

    def number(self, text: str, continental: bool = False) -> Reading:
        assumed = _assumed_decimal(text, continental)
        return read_number(text, self.vocab.locale, assumed, self.page_style)


def _context(text: str, dollar: str, suffix_dollar: str, language: str | None) -> _Context:
    vocab = vocabulary(language)
    style = page_number_style(text) if vocab.locale.decimal is None else None
    return _Context(vocab, _patterns(language), dollar, suffix_dollar, style)


def parse_number_words(text: str) -> float | None:
    """Value of an English number in words ("three million", "half a million"), or None.

    None when the words hold no real number ("a", "an" alone), so "a pound" is not money.
    """
    lex = lexicon()
    units: dict[str, float] = lex.section("number_words")
    scales: dict[str, float] = lex.section("number_scales")
    tokens = [t for t in re.split(r"[\s-]+", text.lower()) if t and t != "and"]
    if not any(t not in ("a", "an") for t in tokens):
        return None
    total, current = 0.0, 0.0
    for token in tokens:
        if token in ("a", "an"):
            current = current or 1.0
        elif token == "half":
            current += 0.5
        elif token == "hundred":
            current = (current or 1.0) * 100
        elif token in scales:
            total += (current or 1.0) * scales[token]
            current = 0.0
        elif token in units:
            current += units[token]
        else:
            return None
    return total + current


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}", text)) and YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]


def _multiplier(match: re.Match[str], prefix: str, vocab: _Vocabulary) -> float | None:
    mult = lexicon().section("multipliers")
    groups = match.groupdict()
    if word := groups.get(f"{prefix}mw"):
        return vocab.multiplier_words[fold_words(word)]
    if abbr := groups.get(f"{prefix}ma"):
        return float(mult["abbreviations"][abbr.lower()])
    if letter := groups.get(f"{prefix}ml") or groups.get(f"{prefix}ms"):
        return float(mult["letters"][letter])
    return None


def _word_currency(word: str, vocab: _Vocabulary) -> tuple[str, float]:
    return vocab.currency_words[fold_words(word)]


def _atom(match: re.Match[str], text: str, context: _Context) -> _Atom | None:
    """The amount of one match of the atom pattern, or None where it is not money."""
    cur = lexicon().section("currency")
    vocab, dollar, suffix_dollar = context.vocab, context.dollar, context.suffix_dollar
    start, end = match.span()

    def code(symbol_code: str, default_dollar: str) -> str:
        return default_dollar if symbol_code == cur["dollar_symbol"] else symbol_code

    if match.group("prefix"):
        if re.fullmatch(r"0\d+", match.group("p_num")):
            return None  # "£000" heads a table in thousands; it is not an amount
        symbol = match.group("p_cur")
        currency = vocab.prefix_symbols.get(symbol, symbol)
        negative = bool(match.group("p_paren") or match.group("p_neg"))
        if not negative and start >= 1 and text[start - 1] == "-":
            # "-£5" is negative; "£20-£45" is a range.
            negative = start == 1 or text[start - 2] in " \t\n(["
            start -= 1 if negative else 0
        reading = context.number(match.group("p_num"))
        return _Atom(
            start,
            end,
            reading.value,
            _multiplier(match, "p_", vocab),
            1.0,
            code(currency, dollar),
            prefix=True,
            negative=negative,
            warning=reading.warning,
        )
    if match.group("pence"):
        currency, scale = cur["pence_letters"][match.group("c_cur")]
        return _Atom(start, end, float(match.group("c_num")), None, scale, currency, prefix=False)
    if match.group("suffix"):
        number_text = match.group("s_num")
        multiplier = _multiplier(match, "s_", vocab)
        if sym := match.group("s_ms"):
            multiplier = float(lexicon().section("multipliers", "before_suffix_symbol")[sym])
        if match.group("s_sym"):
            currency, scale, words_currency = (
                code(vocab.suffix_symbols[match.group("s_sym")], suffix_dollar),
                1.0,
                False,
            )
        elif match.group("s_code"):
            currency, scale, words_currency = match.group("s_code"), 1.0, False
        else:
            word_code, scale = _word_currency(match.group("s_word"), vocab)
            currency, words_currency = code(word_code, dollar), True
        if multiplier is None and _is_year(number_text):
            return None  # "fiscal year 2005 dollars", "2023 $$$"
        # "1.500 €" is 1500, but "2.250 million dollars" is English: 2.25 million.
        continental = not words_currency or not re.fullmatch(r"\d{1,3}\.\d{3}", number_text)
        reading = context.number(number_text, continental=continental)
        return _Atom(
            start,
            end,
            reading.value,
            multiplier,
            scale,
            currency,
            prefix=False,
            negative=bool(match.group("s_neg")),
            words_currency=words_currency,
            warning=reading.warning,
        )
    value = parse_number_words(match.group("w_num"))
    if value is None:
        return None
    word_code, scale = _word_currency(match.group("w_cur"), vocab)
    return _Atom(
        start, end, value, None, scale, code(word_code, dollar), prefix=False, words_currency=True
    )


def _weighs(text: str, atom: _Atom, currency_word: str) -> bool:
    """True for pounds of weight: "2 million pounds of mercury", "pounds per square inch"."""
    cur = lexicon().section("currency")
    if currency_word.lower() not in cur["weight_words"]:
        return False
    after = re.match(r"\s*(/|[A-Za-z]+)\s*([\w']*)", text[atom.end : atom.end + 40])
    if not after or after.group(1).lower() not in cur["weight_after"]:
        return False
    return after.group(1).lower() != "of" or after.group(2).lower() not in cur["money_nouns"]


def _change_before(text: str, position: int) -> bool:
    """True when a word of change ("increased", "fell") comes shortly before `position`.

    "raised the threshold from £50,000 to £60,000" names two amounts, not a range.
    """
    rng = lexicon().section("range")
    clause = re.split(r"[.;:!?\n]", text[max(0, position - 200) : position])[-1]
    words = clause.lower().split()[-int(rng["change_window_words"]) :]
    window = " ".join(words)
    return any(re.search(rf"(?<![\w]){re.escape(cue)}", window) for cue in rng["change_cues"])


def _lead(text: str, start: int) -> tuple[str, int, str | None] | None:
    """The range lead word before `start` ("between", "from"), its offset and a qualifier."""
    match = _patterns().lead_before.search(text, max(0, start - LOOKBACK_CHARS), start)
    if not match:
        return None
    return match.group("lead").lower(), match.start("lead"), match.group("q")


def _connector_allowed(conn: str, lead: str | None) -> bool:
    word = conn.strip().lower() or "-"
    needs: dict[str, list[str]] = lexicon().section("range", "needs_lead")
    return word not in needs or lead in needs[word]


def _bare_number_after(text: str, atom: _Atom, context: _Context) -> tuple[_Atom, _Atom] | None:
    """ "£10-15k", "$5 to 10 million": a bare number after `atom` that ends a range."""
    if not atom.prefix or atom.negative:
        return None
    match = context.patterns.bare_after.match(text, atom.end)
    if not match:
        return None
    lead = _lead(text, atom.start)
    if not _connector_allowed(match.group("conn"), lead[0] if lead else None):
        return None
    number_text = match.group("num")
    multiplier = _multiplier(match, "", context.vocab)
    if multiplier is None and match.group("conn").strip() == "-" and _is_year(number_text):
        return None
    reading = context.number(number_text)
    high = _Atom(
        match.start("num"),
        match.end(),
        reading.value,
        multiplier if multiplier is not None else atom.multiplier,
        atom.scale,
        atom.currency,
        prefix=False,
        warning=reading.warning,
    )
    low = atom if atom.multiplier is not None else _with_multiplier(atom, high.multiplier)
    if low.value > high.value:
        return None
    return low, high


def _bare_number_before(text: str, atom: _Atom, context: _Context) -> _Atom | None:
    """ "4.5 to 5.5 cents", "0 à 50 000 $": a bare number before `atom` that starts a range."""
    if atom.prefix or atom.negative:
        return None
    window = max(0, atom.start - LOOKBACK_CHARS)
    match = context.patterns.bare_before.search(text, window, atom.start)
    if not match:
        return None
    lead = _lead(text, match.start())
    if not _connector_allowed(match.group("conn"), lead[0] if lead else None):
        return None
    number_text = match.group("num")
    multiplier = _multiplier(match, "", context.vocab) or atom.multiplier
    reading = context.number(number_text, continental=True)
    low = _Atom(
        match.start(),
        match.end("num"),
        reading.value,
        multiplier,
        atom.scale,
        atom.currency,
        prefix=False,
        warning=reading.warning,
    )
    if _is_year(number_text) and atom.multiplier is None:
        return None
    if low.value > atom.value:
        return None
    return low


def _with_multiplier(atom: _Atom, multiplier: float | None) -> _Atom:
    return replace(atom, multiplier=multiplier)


def _joins(text: str, left: _Atom, right: _Atom) -> bool:
    """True when `left` and `right` are the two ends of one range ("£2 to £3", "£20 - £45")."""
    if left.currency != right.currency or left.negative or right.negative:
        return False
    match = _patterns().between_atoms.fullmatch(text, left.end, right.start)
    if not match:
        return False
    lead = _lead(text, left.start)
    lead_word = lead[0] if lead else None
    if not _connector_allowed(match.group("conn"), lead_word):
        return False
    if match.group("conn").strip().lower() == "to":
        return not _change_before(text, lead[1] if lead else left.start)
    return True


def _find_atoms(text: str, context: _Context) -> list[_Atom]:
    atoms = []
    for match in context.patterns.atom.finditer(text):
        atom = _atom(match, text, context)
        word = match.group("s_word") or match.group("w_cur")
        if atom is not None and not (word and _weighs(text, atom, word)):
            atoms.append(atom)
    return atoms


def _accounting_negative(text: str, atom: _Atom) -> _Atom:
    """ "(4,500)" wrapped tight in a table row is negative; "($13 million)" in prose is not."""
    if atom.negative or atom.start == 0 or text[atom.start - 1] != "(":
        return atom
    if atom.end >= len(text) or text[atom.end] != ")":
        return atom
    line_start = text.rfind("\n", 0, atom.start) + 1
    line_end = text.find("\n", atom.end)
    before = text[line_start : atom.start - 1].rstrip()
    after = text[atom.end + 1 : line_end if line_end >= 0 else len(text)].strip()
    in_row = (not before or re.search(r"[\d.)]$", before)) and (
        not after or re.match(r"[\d($£€-]", after)
    )
    if not in_row:
        return atom
    return replace(atom, start=atom.start - 1, end=atom.end + 1, negative=True)


def find_money(
    text: str, dollar: str = "USD", suffix_dollar: str = "CAD", language: str | None = None
) -> list[Money]:
    """Every money expression in `text`, in order, ranges joined.

    `dollar` is the currency of a bare "$" before a number; `suffix_dollar` of one after it
    ("50 000 $", the Canadian French notation). `language` (ISO 639-1, None if unknown) is
    the language `text` is written in: its number style, scale words and currency names
    (`extractor.locales`) are read besides the English ones.
    """
    context = _context(text, dollar, suffix_dollar, language)
    atoms = [_accounting_negative(text, a) for a in _find_atoms(text, context)]
    found: list[Money] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        low, high = atom, None
        if i + 1 < len(atoms) and _joins(text, atom, atoms[i + 1]):
            high = atoms[i + 1]
            if low.multiplier is None and high.multiplier is not None and low.number <= high.number:
                # "£10-15k", "$3 to $5 million": the scale is said once, after the range; not
                # "between £100,000 and £5 million", whose first amount is whole already.
                low = _with_multiplier(low, high.multiplier)
            i += 1
        elif pair := _bare_number_after(text, atom, context):
            low, high = pair
        elif (before := _bare_number_before(text, atom, context)) and (
            not found or found[-1].end <= before.start
        ):
            low, high = before, atom
        found.append(_money(text, low, high))
        i += 1
    return found


def _money(text: str, low: _Atom, high: _Atom | None) -> Money:
    patterns = _patterns()
    qualifiers: dict[str, str] = lexicon().section("qualifiers", "before")
    after: dict[str, str] = lexicon().section("qualifiers", "after")
    start, end = low.start, (high or low).end
    lead_start, qualifier = start, None
    lead = _lead(text, start) if high is not None else None
    if lead is not None:
        lead_start = lead[1]
        qualifier = qualifiers[lead[2].lower()] if lead[2] else None
    if qualifier is None:
        window = max(0, lead_start - LOOKBACK_CHARS)
        if match := patterns.qualifier_before.search(text, window, lead_start):
            qualifier = qualifiers[match.group("q").lower()]
            lead_start = match.start("q")
    tail_end = end
    if tail := patterns.qualifier_after.match(text, end):
        qualifier = qualifier or after[tail.group("q").lower()]
        tail_end = tail.end()
    values = sorted(a.value for a in (low, high) if a is not None)
    return Money(
        start=start,
        end=end,
        lead_start=lead_start,
        tail_end=tail_end,
        amount=_round(values[0]),
        amount_max=_round(values[-1]) if high is not None else None,
        currency=low.currency,
        qualifier=qualifier,
        words_currency=low.words_currency or bool(high and high.words_currency),
        warning=low.warning or (high.warning if high is not None else None),
    )


def _round(value: float) -> float:
    """Remove float noise (0.07 not 0.07000000000000001) without losing real precision."""
    return float(f"{value:.10g}")


def candidate_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Where the rules see something money-shaped, kept or not (a year, a weight...)."""
    return [match.span() for match in _patterns(language).atom.finditer(text)]


def parse_money(
    text: str, dollar: str = "USD", suffix_dollar: str = "CAD", language: str | None = None
) -> Money | None:
    """The one money expression that makes up `text` (e.g. an entity's text), or None."""
    found = find_money(text, dollar, suffix_dollar, language)
    return found[0] if len(found) == 1 else None
