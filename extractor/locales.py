"""How a language writes money: separators, scale words, currency names and symbols, "per" units.

Everything comes from the Unicode CLDR through Babel where CLDR has it: the decimal and
group symbols (`get_decimal_symbol`, `get_group_symbol`), the scale words of the compact
decimal formats ("mil millones", "Mrd.", "milliards", "miliwn"), the names of currencies in
the language and their plurals ("euros", "livres sterling") and local currency symbols
("$US", "US$"), and the "per hour" / "per year" patterns of duration units ("por hora",
"yr awr"). What CLDR lacks is a small data file per language, `extractor/data/money/LL.json`,
which names its source. Each language is read once and cached.

Unknown or absent languages give `UNKNOWN`: no local words, and numbers read as before.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import babel
from babel.numbers import (
    get_currency_name,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)
from babel.units import format_compound_unit

DATA_FOLDER = Path(__file__).resolve().parent / "data" / "money"

# Numbers that between them select every plural form CLDR has (Welsh has six), so that
# every spelling of a currency name is read ("punt", "bunt", "punnoedd"...).
PLURAL_SAMPLES = (0, 1, 2, 3, 6, 100)
# CLDR duration units whose "per" pattern names a unit ("{0} por hora" -> "hour").
PER_UNITS = {
    "duration-hour": "hour",
    "duration-day": "day",
    "duration-week": "week",
    "duration-month": "month",
    "duration-year": "year",
}
# White space that groups thousands where CLDR says a space (French "50 000", "50 000").
SPACES = frozenset({" ", "\u00a0", "\u202f", "\u2009"})


@dataclass(frozen=True)
class MoneyLocale:
    """The money conventions of one language (ISO 639-1 code), or of none (`UNKNOWN`).

    `decimal` is the decimal symbol and `groups` the thousands separators ("," and "." in
    English, "." and "," in Spanish, spaces in French); None when the language is unknown.
    The word maps hold lower-case keys.
    """

    language: str | None
    decimal: str | None = None
    groups: frozenset[str] = frozenset()
    scale_words: Mapping[str, float] = field(default_factory=dict)
    currency_names: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    currency_symbols: Mapping[str, str] = field(default_factory=dict)
    per_units: Mapping[str, str] = field(default_factory=dict)

    @property
    def decimal_comma(self) -> bool:
        """True for languages that write "3,5" for three and a half."""
        return self.decimal == ","


UNKNOWN = MoneyLocale(None)


@functools.cache
def money_locale(language: str | None, currencies: tuple[str, ...] = ()) -> MoneyLocale:
    """The conventions of `language` ("fr", "es", "cy"...) for the ISO `currencies` named;
    `UNKNOWN` when it is None or not a language CLDR knows."""
    if not language:
        return UNKNOWN
    try:
        locale = babel.Locale.parse(language)
    except (ValueError, babel.UnknownLocaleError):
        return UNKNOWN
    extra = _data_file(locale.language)
    decimal = get_decimal_symbol(locale)
    group = get_group_symbol(locale)
    groups = SPACES if group in SPACES else frozenset({group})
    names: dict[str, tuple[str, float]] = {}
    symbols: dict[str, str] = {}
    for code in currencies:
        for count in PLURAL_SAMPLES:
            names.setdefault(fold_words(get_currency_name(code, count, locale)), (code, 1.0))
        symbol = get_currency_symbol(code, locale)
        if symbol != code and not symbol.isalpha():
            symbols.setdefault(symbol, code)
    for name, (code, scale) in extra.get("currency_names", {}).items():
        names[fold_words(name)] = (str(code), float(scale))
    per_units = {_per_phrase(locale, cldr_unit): unit for cldr_unit, unit in PER_UNITS.items()}
    per_units.update({fold_words(k): str(v) for k, v in extra.get("per_units", {}).items()})
    scales = _scale_words(locale)
    scales.update({fold_words(k): float(v) for k, v in extra.get("scale_words", {}).items()})
    return MoneyLocale(
        language=locale.language,
        decimal=decimal,
        groups=groups,
        scale_words=scales,
        currency_names=names,
        currency_symbols=symbols,
        per_units={k: v for k, v in per_units.items() if k},
    )


def _per_phrase(locale: babel.Locale, cldr_unit: str) -> str:
    """The words of CLDR's "{0} per hour" pattern of a unit: "por hora", "yr awr"."""
    pattern = format_compound_unit(0, None, 1, cldr_unit, locale=locale)
    return fold_words((pattern or "").replace("0", "", 1))


def _scale_words(locale: babel.Locale) -> dict[str, float]:
    """Scale words of the compact decimal formats: "0 mil millones" under 10^9 is
    "mil millones" = 10^9; "00 M" under 10^7 is "M" = 10^6. Single letters are left to
    the English letter rules ("k", "M"), which know their case."""
    words: dict[str, float] = {}
    formats = locale.compact_decimal_formats
    for width in ("long", "short"):
        for patterns in formats.get(width, {}).values():
            for magnitude, pattern in sorted(patterns.items(), key=lambda kv: int(kv[0])):
                text = str(getattr(pattern, "pattern", pattern)).replace("'", "")
                zeros = text.count("0")
                word = fold_words(text.replace("0", ""))
                if zeros == 0 or len(word.replace(".", "")) < 2:
                    continue
                words.setdefault(word, int(magnitude) / 10 ** (zeros - 1))
    return words


def fold_words(text: str) -> str:
    """Lower case, every run of white space (no-break and thin spaces too) one space."""
    return " ".join(text.lower().split())


def _data_file(language: str) -> dict[str, Any]:
    path = DATA_FOLDER / f"{language}.json"
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def page_number_style(text: str) -> str | None:
    """The decimal symbol a page's unambiguous numbers show ("1,234.56" and "1,234,567"
    say "."; "1.234,56", "1.234.567" and "1 234,56" say ","), or None if they show none
    or both."""
    point = bool(_POINT_STYLE.search(text))
    comma = bool(_COMMA_STYLE.search(text))
    if point == comma:
        return None
    return "." if point else ","


_POINT_STYLE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+\.\d|(?<![\d.,])\d{1,3},\d{3},\d{3}(?!\d)")
_COMMA_STYLE = re.compile(
    r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d|(?<![\d.,])\d{1,3}\.\d{3}\.\d{3}(?!\d)"
    r"|(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+,\d"
)
