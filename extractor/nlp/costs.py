"""The `extractor_costs` component: every money amount on a page, with its unit and subject.

Rules over the text (extractor/money.py) find and normalise the amounts; the trained
model's MONEY entities add any amount the rules do not know, and its QUANTITY entities
veto "pounds" that weigh. The tokens, tags and dependency parse then give each amount what
it is paid per (`unit`), what it is the amount of (`subject`) and what it measures
(`kind`). Results: `doc.spans["extractor_costs"]`, each span's `._.extractor_cost` a
`CostValue`. The component also runs on `spacy.blank("en")`, with fewer clues.

The language of a page decides how its numbers and words read ("1.200" is 1200 on a
Spanish page, 1.2 on an English one): `doc.user_data["extractor_language"]` (ISO 639-1,
set by language identification), else the component's `language` config, else unknown.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extractor.locales import fold_words, money_locale
from extractor.model import CostFigure, CostKind
from extractor.money import (
    Money,
    alternatives,
    candidate_spans,
    find_money,
    lexicon,
    parse_money,
)
from extractor.nlp.doctext import doc_text
from extractor.nlp.types import PageDoc
from extractor.pages import item_id, locate

FACTORY = "extractor_costs"
SPANS_KEY = "extractor_costs"
EXTENSION = "extractor_cost"
ID_PREFIX = "cost"
# Where the page's language (ISO 639-1) reaches the component; absent or None: unknown.
LANGUAGE_KEY = "extractor_language"

# How far (characters) after an amount its unit may start, and before it a "cost per X".
UNIT_WINDOW_CHARS = 80
# Most words a unit noun phrase ("oil equivalent barrel") or a subject may have.
MAX_UNIT_WORDS = 4
MAX_SUBJECT_WORDS = 8
# Tokens either side of an amount searched for a kind cue when the parse gives none.
KIND_WINDOW_TOKENS = 12
# How many heads up from an amount to look for its verb or noun.
MAX_HEAD_HOPS = 4
# An amount whose text this far either side repeats an earlier amount's on the same page is
# a copy (some PDFs draw a passage twice, e.g. for a shadow or a highlights box).
DUPLICATE_CONTEXT_CHARS = 150
# A page's text after its last amount, if no longer than this, does not stop the amount's
# unit being read from the top of the next page (a margin heading, say).
PAGE_END_SLACK_WORDS = 2

NOUN_TAGS = frozenset({"NOUN", "PROPN"})
UNIT_TAGS = frozenset({"NOUN", "PROPN", "ADJ", "X"})
# Verbs whose subject is the thing that costs the amount ("a visit costs £5").
COST_VERBS = frozenset(
    {"cost", "be", "total", "amount", "come", "average", "run", "reach", "exceed", "require"}
)
# Prepositions after an amount or its verb that name what the money is for.
SUBJECT_PREPOSITIONS = frozenset({"on", "for", "in", "of"})
QUANTIFIER_DETS = frozenset({"each", "every", "a", "an", "per"})
# Dependencies by which an amount modifies a noun ("a 51-cent tax credit", "£2 bus fare").
MODIFIER_DEPS = frozenset({"compound", "nmod", "amod", "nummod", "quantmod"})
# Most words between an amount and a "for every gallon" that names its unit further on.
DISTANT_UNIT_WORDS = 12
# Objects of "in"/"for" that say when or how, not what the money is for.
NON_SUBJECT_ENTITIES = frozenset({"DATE", "TIME", "PERCENT", "CARDINAL", "MONEY", "QUANTITY"})
NON_SUBJECT_NOUNS = frozenset({"terms", "total", "year", "years", "addition", "part", "cash"})


@dataclass(frozen=True)
class CostValue:
    """The parsed value of one money amount, offsets into the Doc's text."""

    raw_start: int
    raw_end: int
    start: int
    end: int
    amount: float
    amount_max: float | None
    currency: str
    unit: str | None
    subject: str | None
    qualifier: str | None
    kind: CostKind
    warning: str | None = None


def register_extensions() -> None:
    """Register `Span._.extractor_cost` once: a getter over plain data in `doc.user_data`,
    so that a processed Doc still serialises (`to_bytes`, `DocBin`, multiprocessing)."""
    if not Span.has_extension(EXTENSION):
        Span.set_extension(EXTENSION, getter=_cost_value)


def _user_data_key(start: int, end: int) -> tuple[str, int, int]:
    return (EXTENSION, start, end)


def _cost_value(span: Span) -> CostValue | None:
    # spaCy keys its own extension data by tuples too; its stubs say str.
    user_data: dict[Any, Any] = span.doc.user_data
    data = user_data.get(_user_data_key(span.start_char, span.end_char))
    return CostValue(**data) if isinstance(data, dict) else None


register_extensions()


@Language.factory(
    FACTORY,
    default_config={
        "spans_key": SPANS_KEY,
        "use_entities": True,
        "dollar_currency": "USD",
        "suffix_dollar_currency": "CAD",
        "language": None,
    },
)
def make_cost_component(
    nlp: Language,
    name: str,
    spans_key: str,
    use_entities: bool,
    dollar_currency: str,
    suffix_dollar_currency: str,
    language: str | None,
) -> CostFinder:
    """Build the component. A "$" before a number is `dollar_currency`; one after it
    ("50 000 $", as Canadian French prints it) is `suffix_dollar_currency`. `language`
    (ISO 639-1) is that of every page whose Doc does not name its own in
    `doc.user_data["extractor_language"]`; None leaves such pages' language unknown."""
    return CostFinder(spans_key, use_entities, dollar_currency, suffix_dollar_currency, language)


class CostFinder:
    """Finds money amounts in a Doc and stores them as spans with parsed values."""

    def __init__(
        self,
        spans_key: str = SPANS_KEY,
        use_entities: bool = True,
        dollar_currency: str = "USD",
        suffix_dollar_currency: str = "CAD",
        language: str | None = None,
    ) -> None:
        self.spans_key = spans_key
        self.use_entities = use_entities
        self.dollar = dollar_currency
        self.suffix_dollar = suffix_dollar_currency
        self.language = language

    def language_of(self, doc: Doc) -> str | None:
        """The language of `doc`'s page: what identification set, else the configured one."""
        named = doc.user_data.get(LANGUAGE_KEY)
        return named if isinstance(named, str) and named else self.language

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        taken: set[tuple[int, int]] = set()
        for value in self.values(doc):
            span = doc.char_span(value.start, value.end, alignment_mode="expand")
            if span is None or (span.start, span.end) in taken:
                continue
            taken.add((span.start, span.end))
            user_data: dict[Any, Any] = doc.user_data
            user_data[_user_data_key(span.start_char, span.end_char)] = asdict(value)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc

    def values(self, doc: Doc) -> list[CostValue]:
        """The parsed value of every money amount in `doc`, in text order."""
        found = self.find(doc)
        if not found:
            return []
        view = _DocView(doc, self.language_of(doc))
        limits = [m.lead_start for m in found[1:]] + [len(doc_text(doc))] if found else []
        return [_value(view, money, limit) for money, limit in zip(found, limits, strict=True)]

    def find(self, doc: Doc) -> list[Money]:
        """The money expressions of `doc`: the rules' matches plus the model's MONEY entities."""
        language = self.language_of(doc)
        found = find_money(doc_text(doc), self.dollar, self.suffix_dollar, language)
        if not (self.use_entities and doc.has_annotation("ENT_IOB")):
            return found
        ents = [e for e in doc.ents if e.label_ in ("MONEY", "QUANTITY")]
        quantities = [e for e in ents if e.label_ == "QUANTITY"]
        if quantities:
            found = [m for m in found if not _weighed(doc, m, quantities)]
        # A MONEY entity where the rules saw nothing money-shaped at all: the tokens
        # found what the characters did not (text glued to a word, say).
        seen = [*candidate_spans(doc_text(doc), language), *((m.start, m.end) for m in found)]
        extra = []
        for ent in ents:
            if ent.label_ != "MONEY" or any(
                start < ent.end_char and ent.start_char < end for start, end in seen
            ):
                continue
            money = parse_money(ent.text, self.dollar, self.suffix_dollar, language)
            if money is not None:
                extra.append(_shifted(money, ent.start_char))
        return sorted(found + extra, key=lambda m: m.start)


def _weighed(doc: Doc, money: Money, quantities: Sequence[Span]) -> bool:
    """True for "pounds" the model calls a QUANTITY ("the baby weighed 7 pounds"), unless
    the sentence speaks of money ("half a million pounds was spent")."""
    weights = lexicon().section("currency", "weight_words")
    if not money.words_currency or doc_text(doc)[money.start : money.end].split()[
        -1
    ].lower() not in (weights):
        return False
    quantity = next((e for e in quantities if _overlaps(e, money.start, money.end)), None)
    if quantity is None:
        return False
    cues = _kind_cues()
    sentence = quantity.sent if doc.has_annotation("SENT_START") else quantity
    return not any(t.lower_ in cues or t.lemma_.lower() in cues for t in sentence)


def _overlaps(span: Span, start: int, end: int) -> bool:
    return span.start_char < end and start < span.end_char


def _shifted(money: Money, offset: int) -> Money:
    return replace(
        money,
        start=money.start + offset,
        end=money.end + offset,
        lead_start=money.lead_start + offset,
        tail_end=money.tail_end + offset,
    )


class _DocView:
    """A Doc with what the rules ask of it: token lookup by offset and which layers it has."""

    def __init__(self, doc: Doc, language: str | None = None) -> None:
        self.doc = doc
        self.language = language
        self.text = doc_text(doc)
        # Read from the Doc's arrays, not token by token: a page has thousands of tokens.
        starts = doc.to_array("IDX").tolist()
        self.starts: list[int] = starts
        self.ends: list[int] = [
            s + n for s, n in zip(starts, doc.to_array("LENGTH").tolist(), strict=True)
        ]
        self.tagged = doc.has_annotation("POS") or doc.has_annotation("TAG")
        self.parsed = doc.has_annotation("DEP")

    def token_at(self, char: int) -> int:
        """Index of the token that contains (or, in white space, follows) `char`."""
        i = bisect.bisect_right(self.starts, char) - 1
        if i >= 0 and char >= self.ends[i]:
            i += 1
        return max(0, min(i, len(self.starts) - 1))

    def tokens(self, start: int, end: int) -> list[Token]:
        """The tokens that overlap text[start:end]."""
        if not self.starts:
            return []
        first, last = self.token_at(start), self.token_at(max(start, end - 1))
        return [self.doc[i] for i in range(first, last + 1)]


def _value(view: _DocView, money: Money, limit: int) -> CostValue:
    """The parsed value of `money`; `limit` is where the next amount starts."""
    unit, end = unit_after(view, money.tail_end)
    root = _root(view, money)
    quote = (money.lead_start, max(end, money.tail_end))
    subject = _table_label(view, money) or (_subject(view, root, quote) if root else None)
    if unit is None:
        unit = (
            _unit_before(view, money.lead_start)
            or _distant_unit_after(view, money.tail_end, limit)
            or (_unit_from_parse(view, root) if root else None)
        )
    if unit == "each":
        unit = _singular(subject.split()[-1]) if subject else "each"
    qualifier = money.qualifier
    if qualifier is None and subject:
        # "the average cost per operator is $7,650"
        in_subject: dict[str, str] = lexicon().section("qualifiers", "in_subject")
        qualifier = in_subject.get(subject.split()[0].lower())
    scale = _table_scale(view, money) or 1.0
    return CostValue(
        raw_start=money.start,
        raw_end=money.end,
        start=money.lead_start,
        end=max(end, money.tail_end),
        amount=money.amount * scale,
        amount_max=money.amount_max * scale if money.amount_max is not None else None,
        currency=money.currency,
        unit=unit,
        subject=subject,
        qualifier=qualifier,
        kind=_kind(view, root, money),
        warning=money.warning,
    )


def _root(view: _DocView, money: Money) -> Token | None:
    """The token of the amount that attaches it to the rest of the sentence."""
    tokens = view.tokens(money.start, money.end)
    if not tokens:
        return None
    if not view.parsed:
        return tokens[-1]
    inside = {t.i for t in tokens}
    for token in tokens:
        if token.head.i not in inside or token.head.i == token.i:
            return token
    return tokens[-1]


# ---------------------------------------------------------------------------------- units


@dataclass(frozen=True)
class _UnitPatterns:
    after: re.Pattern[str]
    of_period: re.Pattern[str]
    per_before: re.Pattern[str]
    period_before: re.Pattern[str]
    distant: re.Pattern[str]


@functools.cache
def _unit_patterns() -> _UnitPatterns:
    units = lexicon().section("units")

    adverbs = alternatives(units["adverbs"])
    a_units = alternatives(units["a_units"])
    not_after = alternatives(units["not_after_a_unit"])
    periods = alternatives(units["period_adjectives"])
    skip_of = r"(?:\s+of\s+(?:[A-Za-z][\w'&-]*\s+){1,4}?)?"
    return _UnitPatterns(
        after=re.compile(
            rf"""(?ix)
            {skip_of}\s*
            (?:
                (?P<adverb>{adverbs})(?![\w])
              | (?P<percent>per\s*cent)\b
              | (?P<slash>/\s?)(?=\w)
              | (?P<per>per|for\s+each|for\s+every|each|every)\s+(?:single\s+)?(?=\w)
              | -(?P<hyphen>per)-(?=\w)
              | an?\s+(?P<aunit>{a_units})\b(?!\s+(?:{not_after})\b)
              | in\s+the\s+(?P<inthe>pound|dollar|euro)\b
              | (?P<each>each)\b
              | (?P<period>{periods})\s+(?=[A-Za-z])
            )"""
        ),
        of_period=re.compile(
            rf"(?i)\s+of\s+(?:[A-Za-z][\w'-]*\s+){{0,2}}?(?P<adj>{periods})\b(?:\s+[A-Za-z][\w-]*)?"
        ),
        per_before=re.compile(
            r"(?i)(?<![\w-])per\s+(?P<unit>(?!cent\b)[A-Za-z][\w-]*)\s+"
            r"(?:(?:is|was|are|were|will\s+be|would\s+be|to\s+be|of|at|be|totals?|comes\s+to)\s+)?$"
        ),
        period_before=re.compile(
            rf"(?i)(?<![\w-])(?P<adj>{periods})\s+(?:[A-Za-z][\w&'-]*\s+){{1,3}}?"
            r"(?:of|is|was|were|are|at|totall?ing|worth)\s+$"
        ),
        distant=re.compile(r"(?i)(?<![\w-])for\s+(?:each|every)\s+(?:single\s+)?(?=\w)"),
    )


def unit_after(view: _DocView, char: int) -> tuple[str | None, int]:
    """The unit named right after offset `char` ("per contact", "a year") and its end."""
    units = lexicon().section("units")
    patterns = _unit_patterns()
    text = view.text
    end_limit = min(len(text), char + UNIT_WINDOW_CHARS)
    if view.language not in (None, "en") and (
        local := _local_unit_pattern(view.language).match(text, char, end_limit)
    ):
        # "£10 yr awr", "12 € por hora": the language's own "per" phrase.
        per_units = money_locale(view.language).per_units
        return per_units[fold_words(local.group("phrase"))], local.end()
    if match := patterns.of_period.match(text, char, end_limit):
        return units["period_adjectives"][match.group("adj").lower()], match.end()
    match = patterns.after.match(text, char, end_limit)
    if match is None or match.group("percent"):
        return None, char
    if adverb := match.group("adverb"):
        return units["adverbs"][" ".join(adverb.lower().split())], match.end()
    if aunit := match.group("aunit"):
        return _normal_unit(aunit), match.end()
    if period := match.group("period"):
        # "a £3m annual budget": the unit, but the quote stays the amount.
        return units["period_adjectives"][period.lower()], char
    if inthe := match.group("inthe"):
        return inthe.lower(), match.end()
    if match.group("each"):
        return "each", match.end()
    slash = bool(match.group("slash"))
    phrase = _unit_phrase(view, match.end(), first_word_only=slash)
    if phrase is None:
        if (match.group("per") or "").lower() == "each":
            return "each", match.start("per") + len("each")
        return None, char
    return phrase


@functools.cache
def _local_unit_pattern(language: str | None) -> re.Pattern[str]:
    """The "per" phrases of `language` right after an amount ("yr awr", "por hora")."""
    phrases = money_locale(language).per_units
    if not phrases:
        return re.compile(r"(?!)")
    words = alternatives(phrases).replace(r"\ ", r"\s+")
    return re.compile(rf"(?i)\s*(?P<phrase>{words})(?![\w])")


def _unit_phrase(view: _DocView, char: int, first_word_only: bool) -> tuple[str, int] | None:
    """The unit noun phrase starting at `char`: its head noun, singular, and its end."""
    stop_words = set(lexicon().section("units", "stop_words"))
    known = set(lexicon().section("units", "nouns"))
    modifiers = set(lexicon().section("units", "modifiers"))
    words = _word_groups(view, view.token_at(char))
    number: str | None = None
    number_words = set(lexicon().section("number_scales"))
    if words and (words[0][0].replace(",", "").isdigit() or words[0][0].lower() in number_words):
        number = words[0][0]
        words = words[1:]
    phrase: list[tuple[str, str, int]] = []
    for text, tag, end in words:
        if text.lower() in stop_words or not re.fullmatch(r"[A-Za-z][A-Za-z-]*", text):
            break
        if view.tagged and tag not in UNIT_TAGS:
            break
        phrase.append((text, tag, end))
        # "per week increase": a unit noun ends the phrase; "per web transaction" goes on.
        if first_word_only or len(phrase) == MAX_UNIT_WORDS or _singular(text) in known:
            break
    if not phrase:
        return None
    if view.tagged:
        nouns = [i for i, (_t, tag, _e) in enumerate(phrase) if tag in NOUN_TAGS]
        head = nouns[-1] if nouns else 0
    else:
        listed = [i for i, (t, _g, _e) in enumerate(phrase) if _singular(t) in known]
        head = listed[-1] if listed else 0
    unit = _singular(phrase[head][0]) if number is None else phrase[head][0].lower()
    if head > 0 and phrase[head - 1][0].lower() in modifiers:
        unit = f"{phrase[head - 1][0].lower()} {unit}"
    if number is not None:
        unit = f"{number.lower()} {unit}"
    return _normal_unit(unit), phrase[head][2]


def _word_groups(view: _DocView, start: int) -> list[tuple[str, str, int]]:
    """Words from token `start` on, hyphenated compounds joined ("kilowatt-hour"), with the
    tag of their last token and their end offset; at most a few."""
    doc = view.doc
    groups: list[tuple[str, str, int]] = []
    i = start
    while i < len(doc) and len(groups) <= MAX_UNIT_WORDS:
        j = i
        while (
            j + 2 < len(doc)
            and doc[j + 1].text == "-"
            and not doc[j].whitespace_
            and not doc[j + 1].whitespace_
        ):
            j += 2
        text = doc[i : j + 1].text
        groups.append((text, doc[j].pos_ if view.tagged else "", doc[j].idx + len(doc[j])))
        if doc[j].text in ".,;:()" or "\n" in doc[j].whitespace_:
            break
        i = j + 1
    return groups


def _singular(word: str) -> str:
    """The singular of an English noun, lower case ("kilowatt-hours" -> "kilowatt-hour")."""
    word = word.lower()
    if "-" in word:
        head, _, last = word.rpartition("-")
        return f"{head}-{_singular(last)}"
    irregular: dict[str, str] = lexicon().section("units", "irregular_plurals")
    if word in irregular:
        return irregular[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _normal_unit(unit: str) -> str:
    aliases: dict[str, str] = lexicon().section("units", "aliases")
    unit = " ".join(unit.lower().split())
    return aliases.get(unit, _singular(unit) if " " not in unit else unit)


def _distant_unit_after(view: _DocView, char: int, limit: int) -> str | None:
    """ "a 51-cent tax credit, through 2010, for every gallon": a "for every X" later in the
    sentence, before any other amount."""
    end = min(limit, len(view.text))
    sentence_end = re.search(r"[.;!?](?:\s|$)", view.text[char:end])
    if sentence_end:
        end = char + sentence_end.start()
    match = _unit_patterns().distant.search(view.text, char, end)
    if not match or len(view.text[char : match.start()].split()) > DISTANT_UNIT_WORDS:
        return None
    phrase = _unit_phrase(view, match.end(), first_word_only=False)
    return phrase[0] if phrase else None


def _unit_before(view: _DocView, char: int) -> str | None:
    """A unit named before the amount: "the cost per operator to be $7,650", "an annual
    budget of $6 million"."""
    patterns = _unit_patterns()
    window = max(0, char - UNIT_WINDOW_CHARS)
    if match := patterns.per_before.search(view.text, window, char):
        return _normal_unit(match.group("unit"))
    if match := patterns.period_before.search(view.text, window, char):
        periods: dict[str, str] = lexicon().section("units", "period_adjectives")
        return periods[match.group("adj").lower()]
    return None


def _unit_from_parse(view: _DocView, root: Token) -> str | None:
    """A unit the parse ties to the amount from further away: "Each year, Congress has
    appropriated $1.1 billion", "a 51-cent credit ... for every gallon", "annual budget
    authority has not exceeded $6 million"."""
    if not view.parsed:
        return None
    units = lexicon().section("units")
    periods: dict[str, str] = units["period_adjectives"]
    adverbs: dict[str, str] = units["adverbs"]
    time_units = set(units["a_units"])
    modified = root.head if root.dep_ in MODIFIER_DEPS and root.head.pos_ in NOUN_TAGS else None
    for node in _heads(root):
        for child in node.children:
            lower = child.text.lower()
            if child.dep_ == "amod" and lower in periods and node.pos_ in NOUN_TAGS:
                return periods[lower]
            if child.dep_ == "advmod" and lower in adverbs:
                return adverbs[lower]
            if (
                child.dep_ in ("npadvmod", "obl")
                and _singular(lower) in time_units
                and any(d.text.lower() in QUANTIFIER_DETS for d in child.children)
            ):
                return _singular(lower)
            if child.dep_ == "prep" and lower in ("per", "for") and node is modified:
                unit = _quantified_object(child, require_det=lower == "for")
                if unit:
                    return unit
            if child.dep_ in ("nsubj", "nsubjpass") and node.pos_ in ("VERB", "AUX"):
                # "The annual cost ... is £5", "The cost per transaction via the web is £0.32"
                for grandchild in child.children:
                    if grandchild.dep_ == "amod" and grandchild.text.lower() in periods:
                        return periods[grandchild.text.lower()]
                    if grandchild.dep_ == "prep" and grandchild.lower_ == "per":
                        unit = _quantified_object(grandchild, require_det=False)
                        if unit:
                            return unit
    return None


def _quantified_object(prep: Token, require_det: bool) -> str | None:
    for obj in prep.children:
        quantified = any(
            d.text.lower() in ("each", "every") for d in obj.children if d.dep_ == "det"
        )
        if obj.dep_ == "pobj" and obj.pos_ in NOUN_TAGS and (quantified or not require_det):
            return _normal_unit(obj.text)
    return None


def _heads(token: Token) -> list[Token]:
    """The token and its heads, up to MAX_HEAD_HOPS, stopping at the sentence root."""
    chain = [token]
    while len(chain) <= MAX_HEAD_HOPS and chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


# -------------------------------------------------------------------------------- subject


def _table_label(view: _DocView, money: Money) -> str | None:
    """The row label of a table row that holds the amount ("Face-to-face ... £7.81")."""
    text = view.text
    table = lexicon().section("table")
    line_start = text.rfind("\n", 0, money.lead_start) + 1
    line_end = text.find("\n", money.tail_end)
    line_end = len(text) if line_end < 0 else line_end
    prefix = text[line_start : money.lead_start]
    leader = re.search(table["leader"], prefix)
    label = prefix[: leader.start()] if leader else prefix
    label = re.split(r"\d|[$£€¥]", label, maxsplit=1)[0]
    label = label.strip(" \t•❱▪■*-–:=×|")
    words = label.split()
    if not words or len(words) > int(table["max_label_words"]) or not re.search("[A-Za-z]", label):
        return None
    if words[-1].lower() in set(lexicon().section("units", "stop_words")):
        return None
    rest = text[money.tail_end : line_end].strip()
    line_has_leaders = bool(re.search(table["leader"], text[line_start:line_end]))
    row_like = line_has_leaders or (
        (not rest or re.match(r"[\d$£€(]", rest) is not None)
        and not re.search(r"\d|[$£€¥]|[.;!?]\s", prefix)
        and not (view.tagged and _has_verb(view, line_start, money.lead_start))
    )
    return label if row_like else None


@functools.cache
def _scale_patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str]]:
    table = lexicon().section("table")
    return [re.compile(p) for p in table["scale_headers"]], re.compile(table["scale_ends"])


def _table_scale(view: _DocView, money: Money) -> float | None:
    """The multiplier a table's header puts on the bare amounts in its rows: "$90" under
    "Dollars in millions" is $90 million. Only for a row-like line without a verb, between
    the header and the table's "Source:" or "Note:" line."""
    text = view.text
    headers, ends = _scale_patterns()
    header = None
    for pattern in headers:
        for match in pattern.finditer(text, 0, money.lead_start):
            if header is None or match.start() > header.start():
                header = match
    if header is None or ends.search(text, header.end(), money.lead_start):
        return None
    if re.search(r"[A-Za-z]", text[money.start : money.end]):
        return None  # "$5.5 billion", "US$90": the amount says its own size
    line_start = text.rfind("\n", 0, money.lead_start) + 1
    line_end = text.find("\n", money.tail_end)
    line_end = len(text) if line_end < 0 else line_end
    rest = text[money.tail_end : line_end].strip()
    if rest and not re.match(r"[\d$£€(]", rest):
        return None
    if view.tagged and _has_verb(view, line_start, money.lead_start):
        return None
    scales: dict[str, float] = lexicon().section("table", "scale_words")
    return float(scales[header.group("scale").lower()])


def _has_verb(view: _DocView, start: int, end: int) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in view.tokens(start, end))


def _subject(view: _DocView, root: Token, quote: tuple[int, int]) -> str | None:
    """What the amount is the cost of, from the dependency parse; `quote` is the figure's
    own text (start, end), which the subject may not overlap."""
    subject = _parsed_subject(view, root, quote)
    if subject is None or re.search(r"[$£€¥]|\d", subject):
        return None
    # "a face-to-face contact costs £7.81" when the tagger took "costs" for a noun.
    words = subject.split()
    verb_before = re.search(r"(?i)\bcosts?\s*$", view.text[max(0, quote[0] - 10) : quote[0]])
    if verb_before and len(words) > 1 and words[-1].lower() in ("cost", "costs"):
        words.pop()
    while len(words) > 1 and words[0].lower() in ("a", "an", "the"):
        words.pop(0)
    return " ".join(words)


def _parsed_subject(view: _DocView, root: Token, quote: tuple[int, int]) -> str | None:
    if not view.parsed:
        return None
    cues = _kind_cues()
    head = root.head
    if root.dep_ in ("dobj", "attr", "oprd", "npadvmod", "dative", "acomp") and head.pos_ in (
        "VERB",
        "AUX",
    ):
        if head.lemma_.lower() in COST_VERBS:
            for child in head.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    inner = _prepositional_object(child) if child.lower_ in cues else None
                    return _noun_phrase(inner or child, quote)
        target = _prepositional_object(head, after=root.i) or _prepositional_object(root)
        return _noun_phrase(target, quote) if target is not None else None
    if root.dep_ == "pobj" and head.lower_ in ("of", "for", "at") and head.head.pos_ in NOUN_TAGS:
        noun = head.head
        if noun.lower_ in cues:
            # "a budget of $3 billion for road repairs": what the budget is for.
            inner = (
                _prepositional_object(root)
                or _prepositional_object(noun, exclude=head)
                or (
                    _prepositional_object(noun.head, after=root.i)
                    if noun.head.pos_ in ("VERB", "AUX")
                    else None
                )
            )
            return _noun_phrase(inner, quote) if inner is not None else _noun_phrase(noun, quote)
        return _noun_phrase(noun, quote)
    if target := _prepositional_object(root):
        return _noun_phrase(target, quote)
    if (root.dep_ in MODIFIER_DEPS or root.dep_ in ("appos", "npadvmod")) and (
        head.pos_ in NOUN_TAGS
    ):
        # "A visit costs £5" with "costs" mis-tagged as a noun: the subject is left of it.
        drop_head = head.dep_ == "ROOT" and head.lemma_.lower() in COST_VERBS
        return _noun_phrase(head, quote, drop_head=drop_head)
    return None


def _prepositional_object(
    token: Token, after: int = -1, exclude: Token | None = None
) -> Token | None:
    """The object of the first "on"/"for"/"in"/"of" phrase hanging from `token`, unless it
    names a time or a measure ("in fiscal year 2006", "in real terms")."""
    for child in token.children:
        if (
            child.dep_ == "prep"
            and child.lower_ in SUBJECT_PREPOSITIONS
            and child.i > after
            and child is not exclude
        ):
            for obj in child.children:
                if (
                    obj.dep_ == "pobj"
                    and obj.pos_ in NOUN_TAGS
                    and obj.ent_type_ not in NON_SUBJECT_ENTITIES
                    and obj.lower_ not in NON_SUBJECT_NOUNS
                ):
                    return obj
    return None


def _noun_phrase(noun: Token | None, quote: tuple[int, int], drop_head: bool = False) -> str | None:
    """The noun with its modifiers to the left, without determiners or the figure itself."""
    if noun is None or noun.pos_ == "PRON":
        return None
    last = noun.i - 1 if drop_head else noun.i
    doc = noun.doc
    tokens = [t for t in doc[noun.left_edge.i : last + 1] if not (quote[0] <= t.idx < quote[1])]
    # Keep the contiguous run that ends at the noun.
    run: list[Token] = []
    for token in reversed(tokens):
        if run and token.i != run[-1].i - 1:
            break
        run.append(token)
    run.reverse()
    while run and (run[0].dep_ in ("det", "poss", "punct", "case", "cc") or run[0].is_punct):
        run = run[1:]
    run = run[-MAX_SUBJECT_WORDS:]
    if not run or not any(t.is_alpha for t in run):
        return None
    return " ".join(doc_text(doc)[run[0].idx : run[-1].idx + len(run[-1])].split())


# ---------------------------------------------------------------------------------- kinds


@functools.cache
def _kind_cues() -> dict[str, CostKind]:
    kinds: dict[str, list[str]] = lexicon().section("kinds")
    cues: dict[str, CostKind] = {}
    for kind, words in kinds.items():
        for word in words:
            cues.setdefault(word, _as_kind(kind))
    return cues


def _as_kind(kind: str) -> CostKind:
    for known in ("cost", "saving", "budget", "price", "income", "other"):
        if kind == known:
            return known
    raise ValueError(f"unknown cost kind {kind!r} in the money lexicon")


def _kind(view: _DocView, root: Token | None, money: Money) -> CostKind:
    """What the amount measures, from the nearest cue word: the words it hangs from in the
    parse first, then the nearest in its sentence."""
    cues = _kind_cues()

    def cue(token: Token) -> CostKind | None:
        return cues.get(token.lower_) or (cues.get(token.lemma_.lower()) if token.lemma_ else None)

    if root is not None and view.parsed:
        for node in _heads(root)[1:]:
            if found := cue(node):
                return found
            for child in node.children:
                if child.dep_ in ("nsubj", "nsubjpass", "dobj") and (found := cue(child)):
                    return found
    tokens = view.tokens(money.start, money.end)
    if not tokens:
        return "other"
    first, last = tokens[0].i, tokens[-1].i
    doc = view.doc
    low = max(0, first - KIND_WINDOW_TOKENS)
    high = min(len(doc), last + KIND_WINDOW_TOKENS + 1)
    if view.parsed:
        sent = tokens[0].sent
        low, high = max(low, sent.start), min(high, sent.end)
    best: tuple[int, CostKind] | None = None
    for i in range(low, high):
        if first <= i <= last:
            continue
        found = cue(doc[i])
        if found:
            distance = first - i if i < first else i - last
            if best is None or distance < best[0]:
                best = (distance, found)
    return best[1] if best else "other"


# ------------------------------------------------------------------------------ collector


def collect_cost_figures(page_docs: Sequence[PageDoc]) -> list[CostFigure]:
    """Every cost figure of a document, in page and text order.

    Document-level work: an amount that ends its page without a unit takes one that opens
    the next page ("cost $38" / "per barrel"); a passage the PDF draws twice on one page
    gives its amounts once.
    """
    figures: list[CostFigure] = []
    for position, page_doc in enumerate(page_docs):
        page = page_doc.page
        following = page_docs[position + 1] if position + 1 < len(page_docs) else None
        seen: dict[str, int] = {}
        for span in page_doc.doc.spans.get(SPANS_KEY, []):
            value: CostValue | None = span._.get(EXTENSION)
            if value is None:
                continue
            window = max(0, value.start - DUPLICATE_CONTEXT_CHARS)
            context = page.text[window : value.end + DUPLICATE_CONTEXT_CHARS]
            if context in seen and seen[context] + len(context) <= window:
                continue  # the same passage, drawn again further down the page
            seen.setdefault(context, window)
            unit = value.unit
            if (
                unit is None
                and following is not None
                and following.page.index == page.index + 1
                and _ends_page(page.text, value.end)
            ):
                following_view = _DocView(following.doc, following.doc.user_data.get(LANGUAGE_KEY))
                unit, _end = unit_after(following_view, 0)
                unit = None if unit == "each" else unit
            ref, quote, char_span = locate(page, value.start, value.end)
            figures.append(
                CostFigure(
                    id=item_id(ID_PREFIX, page, char_span.start),
                    page=ref,
                    quote=quote,
                    char_span=char_span,
                    raw=page.text[value.raw_start : value.raw_end],
                    amount=value.amount,
                    amount_max=value.amount_max,
                    currency=value.currency,
                    unit=unit,
                    subject=value.subject,
                    qualifier=value.qualifier,
                    kind=value.kind,
                    warning=value.warning,
                )
            )
    return figures


def _ends_page(text: str, end: int) -> bool:
    """True when nothing but a short fragment (a margin heading) follows `end` on the page."""
    rest = text[end:].strip()
    return not re.search(r"[\d.;:!?]", rest) and len(rest.split()) <= PAGE_END_SLACK_WORDS


def cost_values(doc: Doc, spans_key: str = SPANS_KEY) -> list[CostValue]:
    """The parsed values of the cost spans of a processed Doc."""
    values: list[Any] = [span._.get(EXTENSION) for span in doc.spans.get(spans_key, [])]
    return [v for v in values if isinstance(v, CostValue)]
