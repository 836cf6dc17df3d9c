"""The `extractor_examples` component: sentences that describe a named, concrete case.

A discussion paper persuades with examples: "Brent Council tweeted gritting updates", a
boxed "Case study: Kent County Council", "For example, FixMyStreet lets residents report
potholes". This component marks, on one page's Doc, every sentence or heading that
introduces such a case, with the case's name, in `doc.spans["extractor_examples"]`; each
span carries an `ExampleMention` in `span._.extractor_example`.

Signals, each general rather than tuned to one paper:
- a case-study heading ("Case study 2: ...", "Box 3 - ...");
- a cue phrase ("for example", "for instance", "one council", "building on the success
  of", "in <place>, the council ...") followed by a name;
- a named organisation, place, service or scheme as the subject of a verb that reports
  something done or offered (not "will", "should", "said").

A bare name in a list is not an example: a mention needs a verb or a cue. Merging
mentions into one example per case, across sentences and page breaks, is document-level
work and happens in `collect_examples`, at the end of this module.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span, Token

from extractor.model import Example, ExampleKind, PageRef
from extractor.nlp.decide import Features, Model, log_count
from extractor.nlp.doctext import doc_text
from extractor.nlp.layout import CAPTION, SENTENCE_END, opens_paragraph
from extractor.nlp.types import PageDoc
from extractor.pages import PageText, item_id, locate
from extractor.text import collapse_whitespace
from extractor.wordlists import language_lists

SPAN_KEY = "extractor_examples"
# The names no rule chose, left for the learned decider.
CANDIDATES_KEY = "extractor_example_candidates"
MENTION_ATTR = "extractor_example"

# Entity labels that can name a case (people are not cases; dates and amounts never are).
NAME_LABELS = frozenset({"ORG", "PRODUCT", "EVENT", "LAW", "FAC", "GPE", "LOC", "WORK_OF_ART"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
ORGANISATION_LABELS = frozenset({"ORG"})
NON_NAME_LABELS = frozenset(
    {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "PERSON", "NORP"}
)

# Small words that may sit inside a name ("Department of Health", "Click It or Ticket").
NAME_CONNECTORS = frozenset({"of", "for", "and", "or", "the", "&", "'s", "'", "-", "upon"})

# Words that start a heading of a boxed or numbered case.
CASE_HEADING = re.compile(
    r"^(?P<cue>case\s+stud(?:y|ies)|case\s+example|example|box|spotlight|in\s+practice)"
    r"(?:\s+(?P<number>\d{1,3}|[ivxIVX]{1,4}|[A-Z]))?\s*(?:[:.\u2013\u2014-]\s*|\s+)"
    r"(?P<name>[A-Z0-9\"'].{1,118})$",
    re.IGNORECASE,
)
# A heading line that is only the cue ("Case study"), the name being on the next line.
BARE_CASE_HEADING = re.compile(
    r"^(case\s+stud(?:y|ies)|case\s+example)(?:\s+\d{1,3})?\s*:?$", re.IGNORECASE
)
# Longest heading line taken as a case-study heading (longer lines are running text).
MAX_HEADING_CHARS = 120

# Word lists, kept as data in extractor/data/example_words.json (each says there what it
# is for): cue phrases, verbs that show no action, nouns of roles, schemes, titles...
_WORDS: dict[str, Any] = json.loads(
    resources.files("extractor").joinpath("data").joinpath("example_words.json").read_text("utf-8")
)


def _words(key: str) -> frozenset[str]:
    return frozenset(_WORDS[key]["words"])


EXAMPLE_CUES: tuple[str, ...] = tuple(_WORDS["example_cues"]["words"])
WEAK_CUES: tuple[str, ...] = tuple(_WORDS["weak_cues"]["words"])
NON_ACTION_VERBS = _words("non_action_verbs")
QUANTITY_VERBS = _words("quantity_verbs")
REPORTING_VERBS = _words("reporting_verbs")
MODAL_AUXILIARIES = _words("modal_auxiliaries")
AUTHOR_PRONOUNS = _words("author_pronouns")
ROLE_NOUNS = _words("role_nouns")
SOURCE_NOUNS = _words("source_nouns")
TITLE_WORDS = _words("title_words")
SCHEME_HEADS = _words("scheme_heads")
LOWER_CASE_SCHEME_HEADS = _words("lower_case_scheme_heads")
DOCUMENT_PART_WORDS = _words("document_part_words")
GENERIC_NAME_WORDS = _words("generic_name_words")
ORGANISATION_HEADS = _words("organisation_heads")

# "In Kent, the council ..." / "In Brent, residents ...": a place, then what happened there.
PLACE_THEN_ACTOR = re.compile(
    r"\bIn (?P<place>[A-Z][\w'.-]*(?: (?:and |upon |on |of |the )?[A-Z][\w'.-]*){0,4}), "
    r"(?:the |its |a |local )?(?P<actor>council|authority|borough|city|county|police|"
    r"residents|officers|team|service|trust|government|mayor|state)\b"
)

# Item markers of a list run into a sentence: "(1) ...; (2) ...".
ENUMERATION_MARKER = re.compile(r"\((?:\d{1,2}|[a-h])\)\s")
# Words by which a paper says it is listing its cases, looked for just before such a list.
CASE_WORDS = re.compile(
    r"\b(?:cases?|case studies|case examples?|examples|illustrations?|comparisons?)\b", re.I
)
CASE_CONTEXT_CHARS = 400
# What may come before a sentence's first word: punctuation, a bullet, an item mark "(ii)".
LEADING_MARKS = re.compile(r"[\W_]*(?:\(?(?:[ivxlcdm]{1,6}|[a-zA-Z]|\d{1,3})[.)]\s*)?[\W_]*")
# A sentence shaped like a reference or a footnote source line, not running text.
CITATION_SHAPE = re.compile(
    r"\bet al\b|\bpp?\.\s*\d|\bvol\.\s*\d|\bibid\b|https?://|www\.|\bISBN\b|\bPub\. ?L\."
    r"|\b\d+ FR \d|\([^()]*:\s*[^()]*\b(?:1[89]|20)\d\d\)",
    re.IGNORECASE,
)
# A footnote line: a note number glued to or just before its text, at the start of a line.
FOOTNOTE_LINE = re.compile(r"\d{1,3} ?[A-Z\"'][a-z]")
# The end of a sentence on the same line, just before a note number.
NOTE_REFERENCE_BEFORE = re.compile(r"[.!?][\"')\]\u201d]? +$")
# A contents line: a heading, its page number, the next heading ("Background 5 Agencies ...").
CONTENTS_ENTRY = re.compile(r"[A-Za-z] \d{1,3}(?= [A-Z0-9]|$)")
# A numeric reference right after a name: "Salib (17)", "Smith [4, 5]".
CITED_NUMBER = re.compile(r"\s*[(\[]\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*[)\]]")
# A surname as printed: "Salib", "McCloskey", "O'Neil", "Smith-Jones".
SURNAME = re.compile(r"(?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?")
# An author-year reference right after a surname: "Gisin and Bechmann-Pasquinucci, 1998",
# "Simon, 2000", "Braunstein et al. (1998)", "Mermin (1990a)".
CITED_YEAR = re.compile(
    r"(?:\s+et\s+al\.?|\s+(?:and|&)\s+(?:van\s+|de\s+)?[A-Z][\w'-]+)?"
    r"(?:,\s*|\s*\()(?:1[89]|20)\d\d[a-z]?\b"
)
# Unicode categories of characters no name is printed with: modifier letters and symbols
# ("ˆx", a formula's hat), detached accents ("K¨artner", a glyph the text layer split) and
# mathematical symbols ("Fav > 1/2").
NOT_IN_NAMES = frozenset(["Lm", "Sk", "Sm"])
# Verbs that state a claim or a rule when a clause follows ("X shows that ...").
CLAIM_VERBS = _words("claim_verbs")
# What a source gives ("X provided the data"): giving it is not doing anything.
DATA_NOUNS = _words("data_nouns")
GIVING_VERBS = frozenset({"contribute", "give", "provide", "share", "supply"})
# Last words of the names of laws.
LAW_HEADS = _words("law_heads")
# Nouns of events that happened somewhere: "the accident at X" makes X a case.
EVENT_NOUNS = _words("event_nouns")
# Verbs that give a thing its name: what the paper names so is a case, even its own.
NAMING_VERBS = frozenset({"call", "name", "dub", "christen"})
# Shortest sentence (in tokens) that can describe a case.
MIN_SENTENCE_TOKENS = 5
# An acronym defined right after a name: "Performance Enhancement Project (PEP)".
ACRONYM = re.compile(r"(?:'s)?\s*\((?P<acronym>[A-Z][A-Za-z&]{1,9}s?)\)")
# "a project called FutureGen", "a scheme known as Pharmacy First": the name of a scheme;
# "technologies, commonly known as Macrovision": what anything goes by.
NAMING = re.compile(
    r"(?:\b(?:project|programme|program|initiative|scheme|campaign|service|website|app|pilot"
    r"|partnership|network|plant|facility|fund),?\s+(?:called|named|known as|dubbed)"
    r"|\b(?:commonly|widely|popularly|generally)\s+(?:known as|called|referred to as))\s+"
    r"(?:the\s+)?(?=[A-Z])"
)


@dataclass(frozen=True)
class ExampleMention:
    """One sentence or heading that introduces a case, and what it says about it."""

    name: str
    name_start: int
    name_end: int
    start: int
    end: int
    kind: ExampleKind
    cues: tuple[str, ...]
    aliases: tuple[str, ...]
    alternatives: tuple[str, ...]
    actor: str | None
    organisations: tuple[str, ...]
    places: tuple[str, ...]
    platforms: tuple[str, ...]
    subject: bool
    # What the learned decider reads of the mention (see mention_features), sorted.
    features: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    """Entity patterns from extractor/data/uk_public_bodies.json."""

    places: tuple[str, ...]
    organisations: tuple[str, ...]


# How a local authority is named, with its place name as {}.
AUTHORITY_FORMS: tuple[str, ...] = (
    "{} Council",
    "{} County Council",
    "{} City Council",
    "{} Borough Council",
    "{} District Council",
    "{} Metropolitan Borough Council",
    "{} Council's",
    "London Borough of {}",
    "Royal Borough of {}",
    "City of {} Council",
)


def _data(name: str) -> Any:
    return json.loads(
        resources.files("extractor").joinpath("data").joinpath(name).read_text("utf-8")
    )


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """UK local authorities (as places and as councils) and public bodies, from data."""
    data = _data("uk_public_bodies.json")
    ambiguous = set(data["ambiguous_place_names"])
    places = sorted({p for group in data["local_authorities"].values() for p in group})
    organisations = {form.format(p) for p in places for form in AUTHORITY_FORMS}
    organisations.update(data["combined_authorities"])
    organisations.update(data["public_bodies"])
    return Gazetteer(
        places=tuple(p for p in places if p not in ambiguous),
        organisations=tuple(sorted(organisations)),
    )


@lru_cache(maxsize=1)
def load_platforms() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(canonical name, pattern of the words that name it) for each platform in the data."""
    data = _data("platforms.json")["platforms"]
    result = []
    for canonical, words in data.items():
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        result.append((canonical, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)))
    return tuple(result)


def find_platforms(text: str) -> tuple[str, ...]:
    """Canonical names of the platforms and media that `text` names, in data order."""
    return tuple(name for name, pattern in load_platforms() if pattern.search(text))


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)


_EXAMPLE_CUE = _cue_pattern(EXAMPLE_CUES)
_WEAK_CUE = _cue_pattern(WEAK_CUES)


@cache
def cue_patterns(language: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The example cues and weak cues of `language` (extractor/data/lang; English where the
    language has none), as patterns."""
    lists = language_lists(language, "examples")
    if not lists:
        return _EXAMPLE_CUE, _WEAK_CUE
    return (
        _cue_pattern(lists.get("example_cues", EXAMPLE_CUES)),
        _cue_pattern(lists.get("weak_cues", WEAK_CUES)),
    )


class GazetteerRuler(EntityRuler):
    """spaCy's EntityRuler, its phrase patterns added as the tokenizer's words alone.

    `EntityRuler.add_patterns` makes a Doc of each phrase through the pipeline (every pipe
    disabled, the tokenizer alone) and the phrase matcher checks each Doc's annotations:
    for the ~4,400 names of the gazetteer that is 0.1 s of every pipeline's start-up, a
    third of spaCy's own load. `add_names` hands the phrase matcher each name's token
    words (ORTH, what the ruler matches on) instead: the same matches, the same entities."""

    def __init__(self, nlp: Language, name: str, overwrite_ents: bool) -> None:
        super().__init__(nlp, name=name, overwrite_ents=overwrite_ents)
        self._names = 0

    def add_names(self, label: str, names: Iterable[str]) -> None:
        """Mark each of `names`, as the tokenizer splits it, as an entity `label`."""
        tokenizer: Any = self.nlp.tokenizer
        keys = [[token.orth for token in doc] for doc in tokenizer.pipe(names)]
        keys = [key for key in keys if key]
        # The matcher takes a pattern as a Doc or as the attribute values of its tokens (its
        # stub names Docs only); it turns a Doc into those values itself.
        self.phrase_matcher.add(label, keys)  # type: ignore[arg-type]
        self._names += len(keys)

    def __len__(self) -> int:
        # EntityRuler counts its patterns from the Docs it keeps, which `add_names` does not
        # make; it warns on every call that finds none.
        return super().__len__() + self._names


class ExamplesComponent:
    """Marks sentences and headings that introduce a named case (see the module docstring)."""

    def __init__(self, nlp: Language, name: str, use_gazetteer: bool) -> None:
        self.name = name
        self.ruler: EntityRuler | None = None
        if use_gazetteer:
            gazetteer = load_gazetteer()
            ruler = GazetteerRuler(nlp, name=f"{name}_gazetteer", overwrite_ents=True)
            ruler.add_names("ORG", gazetteer.organisations)
            ruler.add_names("GPE", gazetteer.places)
            self.ruler = ruler

    def __call__(self, doc: Doc) -> Doc:
        if self.ruler is not None and doc.has_annotation("ENT_IOB"):
            doc = self.ruler(doc)
        groups: dict[str, list[Span]] = {SPAN_KEY: [], CANDIDATES_KEY: []}
        for span, mention in find_mentions(doc):
            set_mention(span, mention)
            groups[CANDIDATES_KEY if CANDIDATE_CUE in mention.cues else SPAN_KEY].append(span)
        doc.spans.update(groups)
        return doc


def set_mention(span: Span, mention: ExampleMention) -> None:
    """Attach a mention to its name's span as plain data in `doc.user_data`, so that a
    processed Doc still serialises (`to_bytes`, `DocBin(store_user_data=True)`)."""
    user_data: dict[Any, Any] = span.doc.user_data
    user_data[(MENTION_ATTR, span.start_char, span.end_char)] = dataclasses.asdict(mention)


def _as_tuples(value: list[Any]) -> tuple[Any, ...]:
    """A list read back from msgpack as the tuple (of tuples) it was."""
    return tuple(_as_tuples(item) if isinstance(item, list) else item for item in value)


def _mention_value(span: Span) -> ExampleMention | None:
    user_data: dict[Any, Any] = span.doc.user_data
    data = user_data.get((MENTION_ATTR, span.start_char, span.end_char))
    if not isinstance(data, dict):
        return None
    fields: dict[str, Any] = {
        key: _as_tuples(value) if isinstance(value, list) else value for key, value in data.items()
    }
    return ExampleMention(**fields)


if not Span.has_extension(MENTION_ATTR):
    Span.set_extension(MENTION_ATTR, getter=_mention_value)


@Language.factory(
    "extractor_examples",
    default_config={"use_gazetteer": True},
    requires=["token.dep", "token.pos", "doc.ents", "doc.sents"],
    assigns=["doc.spans", f"span._.{MENTION_ATTR}"],
)
def make_examples_component(nlp: Language, name: str, use_gazetteer: bool) -> ExamplesComponent:
    """Create the examples component (registered with spaCy as `extractor_examples`)."""
    return ExamplesComponent(nlp, name, use_gazetteer)


def find_mentions(doc: Doc) -> Iterator[tuple[Span, ExampleMention]]:
    """Every case-study heading and example sentence of `doc`, in text order, each as the
    span of the case's name (the mention says which sentence or heading introduced it)."""
    heading_ends: list[int] = []
    found: list[ExampleMention] = []
    for span, mention in case_headings(doc):
        heading_ends.append(span.end_char)
        found.append(mention)
    if doc.has_annotation("DEP"):
        for segment in segments(doc):
            if any(segment.start_char < end <= segment.end_char for end in heading_ends):
                continue
            found.extend(_segment_mentions(segment))
    for mention in sorted(found, key=lambda m: (m.start, m.name_start)):
        name_span = doc.char_span(mention.name_start, mention.name_end, alignment_mode="expand")
        if name_span is not None:
            yield name_span, mention


def segments(doc: Doc) -> Iterator[Span]:
    """The sentences of `doc`, cut again at hard line breaks.

    The text spaCy reads keeps a line break only where a line really ends (a heading, a
    list item, a table row, a paragraph end), so no name or clause runs across one.
    """
    text = doc_text(doc)
    for sent in doc.sents:
        start = sent.start_char
        while start < sent.end_char:
            newline = text.find("\n", start, sent.end_char)
            end = sent.end_char if newline < 0 else newline
            piece = doc.char_span(start, end, alignment_mode="contract")
            if piece is not None and len(piece) > 0:
                yield piece
            start = end + 1


def case_headings(doc: Doc, text: str | None = None) -> list[tuple[Span, ExampleMention]]:
    """Case-study headings ("Case study 2: Kent County Council") of `doc`, read line by line.

    `text` is the page text when the caller has it: it keeps every line break, where the
    text spaCy reads joins lines of similar length (a heading in a box of short lines).
    Both have the same length, so offsets agree.
    """
    text = doc_text(doc) if text is None else text
    lines = text.split("\n")
    found = []
    position = 0
    for i, line in enumerate(lines):
        start = position
        position += len(line) + 1
        stripped = line.strip()
        if not stripped or len(stripped) > MAX_HEADING_CHARS:
            continue
        match = CASE_HEADING.match(stripped)
        name: str | None = None
        name_start = start + len(line) - len(line.lstrip())
        if match and _is_heading_name(match.group("name")):
            name = match.group("name").strip()
            cue = match.group("cue")
            name_start += match.start("name")
        elif BARE_CASE_HEADING.match(stripped) and i + 1 < len(lines):
            following = lines[i + 1].strip()
            if following and len(following) <= MAX_HEADING_CHARS and _is_heading_name(following):
                name = following
                cue = stripped.rstrip(":")
                name_start = position + len(lines[i + 1]) - len(lines[i + 1].lstrip())
        if name is None:
            continue
        name = name.rstrip(" .:")
        span = doc.char_span(start, name_start + len(name), alignment_mode="expand")
        if span is None:
            continue
        mention = ExampleMention(
            name=name,
            name_start=name_start,
            name_end=name_start + len(name),
            start=span.start_char,
            end=span.end_char,
            kind="case_study",
            cues=(f"heading: {' '.join(cue.lower().split())}",),
            aliases=(),
            alternatives=(),
            actor=None,
            organisations=_entity_texts(span, ORGANISATION_LABELS),
            places=_entity_texts(span, PLACE_LABELS),
            platforms=find_platforms(span.text),
            subject=False,
        )
        found.append((span, mention))
    return found


def _is_heading_name(name: str) -> bool:
    """Whether the rest of a heading line names a case (not running text after 'Example')."""
    words = name.split()
    if not words or name.rstrip().endswith((",", ";")):
        return False
    # Running text ("for example, the council...") has many lower-case words.
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return len(words) <= 12 and capitalised >= max(1, len(words) // 3)


def _segment_mentions(segment: Span) -> list[ExampleMention]:
    """The cases one sentence introduces: usually none, one, or a few in parallel."""
    if _not_a_telling_sentence(segment):
        return []
    text = segment.text
    cue_match = cue_patterns(segment.doc.lang_)[0].search(text)
    finite = any(_is_finite(t) for t in segment)
    imperative = _imperative_verb(segment)
    # An imperative ("Reopen lines, building on the success of X") counts only with a cue,
    # or for a named scheme it acts on ("Deliver our plan for Northern Powerhouse Rail").
    cued_verb = cue_match is not None and any(t.pos_ == "VERB" for t in segment)
    if not finite and not cued_verb and imperative is None:
        return []
    names = candidate_names(segment)
    if not names:
        return []
    if not finite and not cue_match:
        names = [
            n
            for n in names
            if _is_scheme(n) and _in_subtree(n, imperative) and _told_as_done(n, segment)
        ]
        if not names:
            return []
        return _mentions(segment, [(names[0], ["named scheme"])], None, [], {})
    sentence = _Sentence(segment, names, _acting_names(names, imperative), cue_match)
    chosen = next((found for rule in CASE_RULES if (found := rule(sentence))), [])
    actor = sentence.acting[0] if sentence.acting else None
    alternatives = _alternatives(sentence, actor)
    # Every other name of the sentence goes on as a candidate, for the learned decider.
    chosen_starts = {name.start for name, _ in chosen}
    chosen += [(n, [CANDIDATE_CUE]) for n in names if n.start not in chosen_starts]
    return _mentions(segment, chosen, actor, alternatives, sentence.item_names, sentence.acting)


def _not_a_telling_sentence(segment: Span) -> bool:
    """A segment that cannot tell a case: too short, a citation, a footnote, a caption or
    a contents entry."""
    if len(segment) < MIN_SENTENCE_TOKENS or CITATION_SHAPE.search(segment.sent.text):
        return True
    if _is_footnote(segment):
        return True
    return bool(CAPTION.match(segment.text) or len(CONTENTS_ENTRY.findall(segment.text)) >= 2)


def _acting_names(names: Sequence[Span], imperative: Token | None) -> list[Span]:
    """The names through which the sentence's subjects act, one per subject ("Officials
    in the Office of X at the Y Administration told us ...": the first name it is given).
    What an imperative asks for ("Ensure that X does Y") is not shown done."""
    acting: list[Span] = []
    subjects: set[int] = set()
    for candidate in names if imperative is None else []:
        subject = _acting_subject_token(candidate)
        if subject is not None and subject.i not in subjects:
            subjects.add(subject.i)
            acting.append(candidate)
    return acting


@dataclass
class _Sentence:
    """A sentence's names, as the case rules read them."""

    segment: Span
    names: list[Span]
    acting: list[Span]  # the names its subjects act through (`_acting_names`)
    cue_match: re.Match[str] | None  # its example cue ("for example"), if any
    # The other names of an enumerated case's item, by the start of its first name.
    item_names: dict[int, list[str]] = field(default_factory=dict)

    @property
    def schemes(self) -> list[Span]:
        return [n for n in self.names if _is_scheme(n)]


Chosen = list[tuple[Span, list[str]]]


def case_in_place(sentence: _Sentence) -> Chosen:
    """ "In Kent, the council ...": the place whose actor did something."""
    place_match = PLACE_THEN_ACTOR.search(sentence.segment.text)
    if not place_match:
        return []
    place_start = sentence.segment.start_char + place_match.start("place")
    place = next((n for n in sentence.names if n.start_char == place_start), None)
    if place is None:
        return []
    return [(place, [f"in <place>, the {place_match.group('actor')}"])]


def case_called(sentence: _Sentence) -> Chosen:
    """ "a scheme called X": each name the sentence gives something."""
    chosen: Chosen = []
    for naming in NAMING.finditer(sentence.segment.text):
        named_start = sentence.segment.start_char + naming.end()
        named = next((n for n in sentence.names if n.start_char == named_start), None)
        if named is not None:
            chosen.append((named, ["called"]))
    return chosen


def case_introduced(sentence: _Sentence) -> Chosen:
    """ "for an existing JavaScript interpreter, SpiderMonkey": the paper names what it
    introduces, as it does with "called"."""
    return [(n, ["introduced by name", "called"]) for n in sentence.names if _introduced(n)][:1]


def case_after_cue(sentence: _Sentence) -> Chosen:
    """ "For example, X did ...": the first name after the cue (a subject or a scheme
    first), and the names listed with it ("projects such as X and Y were ...")."""
    cue_match = sentence.cue_match
    if not cue_match:
        return []
    cue = cue_match.group(0).lower()
    cue_end = sentence.segment.start_char + cue_match.end()
    # A law's effect is not a case ("grants authorized by the X Act"), nor is what a
    # product is used for ("to alter their Excel template").
    after = [
        n
        for n in sentence.names
        if n.end_char > cue_end and not is_law(_name_text(n)) and not _owned_tool(n)
    ]
    schemes = sentence.schemes
    ranked = [n for n in after if n in sentence.acting or n in schemes] or after
    if not ranked:
        return []
    first = ranked[0]
    chosen: Chosen = [(first, [cue, *(["named subject"] if first in sentence.acting else [])])]
    chosen += [(n, [cue]) for n in after if n is not first and _listed_with(n, first)]
    return chosen


def case_enumerated(sentence: _Sentence) -> Chosen:
    """ "(1) X did ...; (2) Y did ...": the first name of each enumerated item."""
    chosen: Chosen = []
    for first, others in _enumerated_cases(sentence.segment, sentence.names):
        chosen.append((first, ["enumerated case"]))
        sentence.item_names[first.start] = [_name_text(n) for n in others]
    return chosen


def case_host(sentence: _Sentence) -> Chosen:
    """ "At X, staff ...": the organisation where the clause happens."""
    host = next((n for n in sentence.names if _hosts_the_clause(n, sentence.segment)), None)
    return [(host, ["at <organisation>"])] if host is not None else []


def case_named_subject(sentence: _Sentence) -> Chosen:
    """A named subject that acts, each not listed with one taken; where a single actor
    acts through a named scheme ("Through the Performance Enhancement Project, the Office
    ... has used"), the scheme is the case its actor is an example of."""
    chosen: Chosen = []
    schemes = sentence.schemes
    for name in sentence.acting:
        if any(_listed_with(name, other) for other, _ in chosen):
            continue
        scheme = next(
            (n for n in schemes if n != name and not _is_scheme(name) and _done_by(n, name)),
            None,
        )
        if scheme is not None and len(sentence.acting) == 1:
            chosen.append((scheme, ["named scheme", "named subject"]))
        else:
            chosen.append((name, ["named subject"]))
    return chosen


def case_at_event(sentence: _Sentence) -> Chosen:
    """Names of events the sentence tells of ("at the X Summit")."""
    return [(name, ["event"]) for name in sentence.names if _at_event(name)]


def case_in_an_event(sentence: _Sentence) -> Chosen:
    """ "a 737 operated by Lion Air (Lion Air Flight 610) was involved in an accident":
    what the event happened to, a named scheme or flight before a plain name."""
    involved = [n for n in sentence.names if _in_an_event(n)]
    involved.sort(key=lambda n: not _is_scheme(n))
    return [(n, ["event"]) for n in involved[:1]]


def case_named_object(sentence: _Sentence) -> Chosen:
    """The first name acted on by an unnamed actor ("the council launched X")."""
    for name in sentence.names:
        if _acted_on(name) and _actor_is_unnamed(name):
            return [(name, ["named object", *(["called"] if _is_naming(name) else [])])]
    return []


# The rules that choose the cases a sentence introduces, in order: the first that
# chooses any decides; the cues they give are the labels that reach the output.
CASE_RULES: tuple[Callable[[_Sentence], Chosen], ...] = (
    case_in_place,
    case_called,
    case_introduced,
    case_after_cue,
    case_enumerated,
    case_host,
    case_named_subject,
    case_at_event,
    case_in_an_event,
    case_named_object,
)


def _alternatives(sentence: _Sentence, actor: Span | None) -> list[str]:
    """What the sentence is about besides its subject: what the subject acted on ("the
    Department launched the X programme"), else what anyone acted on or a named scheme;
    a law is not a case in its own right ("promoted ... by reauthorizing funding")."""
    schemes = sentence.schemes
    names = sentence.names
    if actor is not None:
        others = [n for n in [*schemes, *names] if n != actor and _done_by(n, actor)]
    else:
        others = [n for n in [*schemes, *names] if _acted_on(n) or n in schemes]
    return [_name_text(n) for n in others if not is_law(_name_text(n))]


def _mentions(
    segment: Span,
    chosen: list[tuple[Span, list[str]]],
    actor: Span | None,
    alternatives: list[str],
    item_names: dict[int, list[str]],
    acting: Sequence[Span] = (),
) -> list[ExampleMention]:
    """The mentions of the names chosen in a segment, with what the segment says of them."""
    text = segment.text
    example_cue, weak_cue = cue_patterns(segment.doc.lang_)
    weak = weak_cue.search(text)
    cue = example_cue.search(text)
    mentions = []
    for name, cues in chosen:
        features = mention_features(name, segment, cues, len(chosen), cue, weak, acting)
        if weak:
            cues = [*cues, weak.group(0).lower()]
        # "Nissan is investing ... and BMW made ...": each subject is its own case's actor.
        name_actor = name if "named subject" in cues and name in acting else actor
        name_text = _name_text(name)
        name_start = name.start_char + max(name.text.find(name_text), 0)
        acronym = ACRONYM.match(doc_text(segment.doc), _printed_end(name, name_text))
        mentions.append(
            ExampleMention(
                name=name_text,
                name_start=name_start,
                name_end=name_start + len(name_text),
                start=segment.start_char,
                end=segment.end_char,
                kind="example",
                cues=tuple(dict.fromkeys(cues)),
                aliases=(acronym.group("acronym"),) if acronym else (),
                alternatives=tuple(
                    dict.fromkeys(
                        a for a in item_names.get(name.start, alternatives) if a != name_text
                    )
                ),
                actor=_name_text(name_actor) if name_actor is not None else None,
                organisations=_entity_texts(segment, ORGANISATION_LABELS),
                places=_entity_texts(segment, PLACE_LABELS),
                platforms=find_platforms(text),
                subject="named subject" in cues,
                features=tuple(sorted(features.items())),
            )
        )
    return mentions


# The cue of a name no rule chose: the learned decider alone says whether it is a case.
CANDIDATE_CUE = "candidate"
# The rules' labels that reach the decider as features by name; a cue phrase ("for
# example", "such as") reaches it as its kind (strong or weak cue), not its words.
RULE_CUES = frozenset(
    {
        "named subject",
        "called",
        "introduced by name",
        "enumerated case",
        "at <organisation>",
        "event",
        "named object",
        "named scheme",
        CANDIDATE_CUE,
    }
)
_NAME_ENTITY_LABELS = ("ORG", "PRODUCT", "EVENT", "LAW", "FAC", "GPE", "LOC", "WORK_OF_ART")


def mention_features(
    name: Span,
    segment: Span,
    cues: Sequence[str],
    names_in_sentence: int,
    cue: re.Match[str] | None,
    weak: re.Match[str] | None,
    acting: Sequence[Span],
) -> dict[str, float]:
    """What the learned decider reads of one named span in its sentence: which rule chose
    it, the entity label and shape of the name, its role in the parse, and the sentence's
    tense, modality and cue words."""
    features: dict[str, float] = {}
    for label in cues:
        if label in RULE_CUES:
            features[f"rule:{label}"] = 1.0
        elif label.startswith("in <place>"):
            features["rule:in <place>"] = 1.0
        else:
            features["rule:cue"] = 1.0
    labels = [t.ent_type_ for t in name if t.ent_type_]
    # The most frequent label; on a tie the first in the name (a set would pick by hash).
    label = max(labels, key=labels.count) if labels else "none"
    features[f"ent:{label if label in _NAME_ENTITY_LABELS else 'other'}"] = 1.0
    text = _name_text(name)
    words = text.split()
    features["name_words"] = log_count(len(words))
    features["acronym"] = float(bool(re.fullmatch(r"[A-Z][A-Z&]{1,7}s?", text)))
    features["has_digit"] = float(any(c.isdigit() for c in text))
    features["all_capitalised"] = float(all(w[:1].isupper() for w in words if w.isalpha()))
    features["scheme"] = float(_is_scheme(name))
    features["law"] = float(is_law(text))
    features["organisation_head"] = float(bool(words) and words[-1].lower() in ORGANISATION_HEADS)
    features["person"] = float(any(t.ent_type_ == "PERSON" for t in name))
    features["acting_subject"] = float(any(n.start == name.start for n in acting))
    features["passive_subject"] = float(name.root.dep_ == "nsubjpass")
    features["acted_on"] = float(_acted_on(name))
    features["in_list"] = float(_in_a_list(name))
    features["possessive"] = float(any(t.dep_ == "case" and t.lower_ in ("'s", "’s") for t in name))
    features["cue_in_sentence"] = float(cue is not None)
    features["cue_before_name"] = float(
        cue is not None and cue.end() <= name.start_char - segment.start_char
    )
    features["weak_cue"] = float(weak is not None)
    features["past_tense"] = float(any(t.tag_ == "VBD" for t in segment))
    features["present_perfect"] = float(
        any(t.lower_ in ("has", "have") and t.head.tag_ == "VBN" for t in segment)
    )
    features["future"] = float(any(t.lower_ in MODAL_AUXILIARIES for t in segment))
    features["sentence_tokens"] = log_count(len(segment))
    features["names_in_sentence"] = log_count(names_in_sentence)
    features["name_position"] = (name.start - segment.start) / max(len(segment), 1)
    features["sentence_start"] = float(name.start == segment.start)
    return features


def _printed_end(name: Span, name_text: str) -> int:
    """Where the printed name ends in the text: the span may run on into "(DMA" that the
    name's text leaves out."""
    last = name_text.split()[-1] if name_text.split() else ""
    for token in reversed(name):
        if token.text == last:
            return token.idx + len(token.text)
    return name.end_char


def _hosts_the_clause(name: Span, segment: Span) -> bool:
    """Whether the segment opens with "At <organisation>," and goes on to say what happened
    there ("At the Department of Veterans Affairs (VA), managers review ...")."""
    root = name.root
    preposition = root.head
    if root.dep_ != "pobj" or preposition.lower_ not in ("at", "within") or root.ent_type_ != "ORG":
        return False
    first = next((t for t in segment if t.is_alpha), None)
    if first is None or first.i != preposition.i:
        return False
    verb = preposition.head
    if any(c.dep_.startswith("aux") and c.lower_ in MODAL_AUXILIARIES for c in verb.children):
        return False
    return _is_finite_clause(verb)


def _imperative_verb(segment: Span) -> Token | None:
    """The verb of an imperative bullet or sentence ("Deliver our plan for X"): a base form
    that heads the segment, is its first word, and has no subject."""
    first = next((t for t in segment if t.is_alpha), None)
    if first is None or first.tag_ != "VB" or first.dep_ != "ROOT":
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass", "aux") for c in first.children):
        return None
    return first


def _owned_tool(name: Span) -> bool:
    """Whether a one-word name only says what kind of thing someone's common noun is
    ("their Excel template", "our Twitter account")."""
    root = name.root
    head = root.head
    return (
        len(name) == 1
        and root.dep_ == "compound"
        and head.pos_ == "NOUN"
        and head.lower_ not in SCHEME_HEADS
        and any(c.dep_ == "poss" and c.pos_ == "PRON" for c in head.children)
    )


def _defined_by_its_parent(subject: Token) -> bool:
    """Whether the subject says what it is part of ("The Office of X (OX), an office of the
    Department of Y, administers ..."): the sentence introduces an organisation and its
    remit, not a case."""
    return any(
        token.dep_ == "appos"
        and token.lemma_.lower() in ORGANISATION_HEADS
        and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children)
        and any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children)
        for token in subject.subtree
    )


def _told_as_done(name: Span, segment: Span) -> bool:
    """Whether the paragraph of a pledge ("Deliver our plan for X") goes on to say what was
    already done for the scheme it names ("We have committed £12 billion to X"): a pledge
    alone promises a case, it does not describe one."""
    doc = segment.doc
    text = doc_text(doc)
    end = text.find("\n", segment.end_char)
    words = " ".join(_name_text(name).split())
    for sent in doc.sents:
        if end >= 0 and sent.start_char > end:
            break
        if sent.start_char < segment.end_char:
            continue
        if words not in " ".join(sent.text.split()):
            continue
        for token in sent:
            if token.tag_ == "VBD" or (
                token.tag_ == "VBN" and any(c.lemma_ == "have" for c in token.children)
            ):
                return True
    return False


def _in_subtree(name: Span, head: Token | None) -> bool:
    return head is not None and head.left_edge.i <= name.root.i <= head.right_edge.i


def _at_event(name: Span) -> bool:
    """Whether the name is where an event happened ("the accident at Fukushima Daiichi")."""
    root = name.root
    if root.dep_ != "pobj" or root.head.i == 0:
        return False
    if root.head.lower_ in TEMPORAL_PREPOSITIONS and root.ent_type_ in PLACE_LABELS:
        return True  # "exposure following Chernobyl": a place that names what happened there
    if root.head.lower_ != "at":
        return False
    # Read on the words, not the parse, which often hangs "at X" on the verb.
    return root.head.nbor(-1).lemma_.lower() in EVENT_NOUNS


def _introduced(name: Span) -> bool:
    """Whether the name renames a common noun phrase that introduces it, set off by commas
    ("an existing JavaScript interpreter, SpiderMonkey, ...", "The trace compilation
    subsystem, NANOJIT, is ...")."""
    root = name.root
    head = root.head
    if root.dep_ != "appos" or head.pos_ != "NOUN" or head.i >= name.start:
        return False
    if head.lemma_.lower() in ROLE_NOUNS or head.dep_ not in ("nsubj", "dobj", "pobj"):
        return False
    if not any(c.dep_ == "det" and c.lower_ in ("a", "an", "the") for c in head.children):
        return False
    between = name.doc[head.i + 1 : name.start]
    if len(between) != 1 or between[0].text != ",":
        return False
    return name.end >= len(name.doc) or name.doc[name.end].text in (",", ".", ";")


def _in_an_event(name: Span) -> bool:
    """Whether the name is in the subject of a clause that says an event happened to it
    ("X was involved in an accident", "X suffered a fire")."""
    token = name.root
    while token.dep_ not in ("nsubj", "nsubjpass") and token.head != token:
        if token.dep_ in ("ROOT", "ccomp", "advcl", "relcl", "xcomp", "conj"):
            return False
        token = token.head
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = token.head
    if not _is_finite_clause(verb):
        return False
    for child in verb.children:
        if child.dep_ == "dobj":
            objects = [child]
        elif child.dep_ == "prep":
            objects = [g for g in child.children if g.dep_ == "pobj"]
        else:
            continue
        if any(o.lemma_.lower() in EVENT_NOUNS for o in objects):
            return True
    return False


def _enumerated_cases(segment: Span, names: list[Span]) -> list[tuple[Span, list[Span]]]:
    """The first name of each item of "(1) ...; (2) ..." where the paper says it is listing
    its cases ("We selected four cases: (1) the X program ...; (2) ..."), with the item's
    other names (the same case goes on under them: "the contract between ORC and ProFac")."""
    text = doc_text(segment.doc)
    markers = list(ENUMERATION_MARKER.finditer(text, segment.start_char, segment.end_char))
    if len(markers) < 2:
        return []
    context = text[max(0, segment.start_char - CASE_CONTEXT_CHARS) : markers[0].start()]
    if not CASE_WORDS.search(context):
        return []
    bounds = [m.end() for m in markers] + [segment.end_char]
    items = []
    for start, end in itertools.pairwise(bounds):
        inside = [n for n in names if start <= n.start_char < end]
        if inside:
            items.append((inside[0], inside[1:]))
    return items


def _done_by(scheme: Span, actor: Span) -> bool:
    """Whether the scheme is what the actor's verb acted on: its object ("NHTSA piloted the
    X campaign") or the means ("Through the X Project, the Office has used ...")."""
    verbs = {actor.root.head}
    verbs |= {c for v in list(verbs) for c in v.children if c.dep_ == "conj"}
    root = scheme.root
    if root.dep_ in ("dobj", "attr") and root.head in verbs:
        return True
    return root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.head in verbs


def _listed_with(name: Span, other: Span) -> bool:
    """Whether two names are items of one list ("X and Y", "X, Y and Z")."""
    a, b = name.root, other.root
    return (
        (a.dep_ == "conj" and a.head == b)
        or (b.dep_ == "conj" and b.head == a)
        or (a.dep_ == "conj" and b.dep_ == "conj" and a.head == b.head)
    )


def _is_footnote(segment: Span) -> bool:
    """Whether the segment is a note: it starts with a note number ("7 Ethiopian Aircraft").

    A number right after a finished sentence on the same line is that sentence's note
    reference ("... from states. 10 Officials in ..."), and what follows is running text.
    """
    if not FOOTNOTE_LINE.match(segment.text):
        return False
    before = doc_text(segment.doc)[max(0, segment.start_char - 4) : segment.start_char]
    return not NOTE_REFERENCE_BEFORE.search(before)


def candidate_names(segment: Span) -> list[Span]:
    """Names in `segment` that could name a case: entities and runs of proper nouns, merged."""
    doc = segment.doc
    pieces = [(ent.start, ent.end) for ent in segment.ents if ent.label_ in NAME_LABELS]
    pieces += _proper_noun_runs(segment)
    names = []
    for start, end in _merged(pieces):
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        if start == end:
            continue
        span = _with_scheme_head(doc[start:end], segment)
        if _acceptable_name(span, segment):
            names.append(span)
    return names


def _proper_noun_runs(segment: Span) -> list[tuple[int, int]]:
    """Runs of name-like tokens, as (start, end) token offsets, joined over title words
    ("Digital Performance Right in Sound Recordings Act") and connectors ("of", "&")
    unless the connector joins two entities."""
    pieces: list[tuple[int, int]] = []
    run_start: int | None = None
    last_namey: int | None = None
    for token in segment:
        if _is_namey(token, segment):
            if run_start is None:
                run_start = token.i
            last_namey = token.i
        elif run_start is not None and _joins_title_words(token):
            continue
        elif run_start is not None and token.lower_ in NAME_CONNECTORS:
            if _joins_two_entities(token):
                if last_namey is not None:
                    pieces.append((run_start, last_namey + 1))
                run_start = last_namey = None
            continue
        else:
            if run_start is not None and last_namey is not None:
                pieces.append((run_start, last_namey + 1))
            run_start = last_namey = None
    if run_start is not None and last_namey is not None:
        pieces.append((run_start, last_namey + 1))
    return pieces


def _merged(pieces: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching (start, end) pieces merged, in order."""
    merged: list[list[int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _joins_title_words(token: Token) -> bool:
    """Whether "in"/"on" sits inside a title-case name rather than before a place or an
    acronym ("... Right in Sound Recordings Act", not "... Investment in DOL")."""
    if token.lower_ not in ("in", "on") or token.i + 1 >= len(token.doc) or token.i == 0:
        return False
    before, after = token.nbor(-1), token.nbor(1)
    return (
        before.is_title
        and after.is_title
        and after.ent_type_ not in PLACE_LABELS
        and not after.is_sent_start
    )


def _joins_two_entities(token: Token) -> bool:
    """Whether "and"/"or" stands between two whole entities ("Chernobyl and Fukushima")."""
    if token.lower_ not in ("and", "or", "&") or token.i == 0 or token.i + 1 >= len(token.doc):
        return False
    before, after = token.nbor(-1), token.nbor(1)
    if after.lower_ == "the":
        return True  # "Oregon Option and the National Performance Review": a new name
    if all(t.is_upper and t.is_alpha and len(t) > 1 for t in (before, after)):
        return True  # "DMA and MBHP": two acronyms, two names
    return bool(before.ent_type_) and after.ent_iob_ == "B"


def _with_scheme_head(span: Span, segment: Span) -> Span:
    """Extend a name over the lower-case words that say what it is ("X safety campaign")."""
    doc = span.doc
    end = span.end
    for i in range(span.end, min(span.end + 4, segment.end)):
        token = doc[i]
        if (not token.text.isalpha() and token.text != "-") or token.text[:1].isupper():
            break
        if token.pos_ not in ("NOUN", "ADJ", "PUNCT"):
            break
        if token.lower_ in SCHEME_HEADS:
            end = i + 1
            break
    return doc[span.start : end]


def _is_namey(token: Token, segment: Span) -> bool:
    """Whether a token can be part of a name: a proper noun, a capitalised or CamelCase word."""
    word = token.text
    if token.ent_type_ in NON_NAME_LABELS - {"PERSON"}:
        return False
    if word[:1].isdigit():
        # "Flight 610", "Title VI", "Circular A-110": a number goes on a name, never starts one.
        return token.i > segment.start and _is_namey(token.nbor(-1), segment)
    if not word[:1].isalpha():
        return False
    prefix = doc_text(segment.doc)[segment.start_char : token.idx]
    at_start = bool(LEADING_MARKS.fullmatch(prefix))
    if at_start:
        # A capitalised first word is a name only where the model found an entity there.
        return (
            token.ent_type_ in NAME_LABELS | {"PERSON"}
            or _is_camel(word)
            or (word.isupper() and len(word) > 1)
        )
    if token.ent_type_ in NAME_LABELS or _is_camel(word):
        return True
    return word[:1].isupper() and word != "I"


def _is_camel(word: str) -> bool:
    """FixMyStreet, LuaJIT, iPhone: capitals inside a word that also has small letters."""
    return any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)


def _is_source(span: Span) -> bool:
    """Whether the name is given as a source ("according to the EIA"), not as a case."""
    root = span.root
    return (
        root.dep_ == "pobj"
        and root.head.lower_ == "to"
        and root.head.head.lower_ in ("according", "thanks", "due")
    )


def _is_cited_author(span: Span) -> bool:
    """Whether the name is an author cited by number ("Salib (17) designed ...") or by year
    ("(Gisin and Bechmann-Pasquinucci, 1998)", "Werner (1989) showed"): one plain
    capitalised word with the reference right after it and no owner before it (a system
    is "Rigo's Psyco (16)", "LuaJIT", "SFX"). A source in a citation is not a case."""
    if not SURNAME.fullmatch(span.text):  # one word, or two joined by a hyphen
        return False
    if any(c.dep_ == "poss" for c in span[0].children):
        return False
    text = doc_text(span.doc)
    return bool(CITED_NUMBER.match(text, span.end_char) or CITED_YEAR.match(text, span.end_char))


def has_symbols(text: str) -> bool:
    """Whether a name holds a character no name is printed with (NOT_IN_NAMES): a formula
    or a word the text layer garbled, not the name of anything."""
    return any(unicodedata.category(c) in NOT_IN_NAMES for c in text)


def _acceptable_name(span: Span, segment: Span) -> bool:
    if _is_source(span) or _is_cited_author(span):
        return False
    text = _name_text(span)
    if len(text) < 2 or not any(c.isalpha() for c in text) or has_symbols(text):
        return False
    before = doc_text(span.doc)[max(0, span.start_char - 2) : span.start_char]
    if len(before) == 2 and before[1] == "-" and before[0].islower():
        return False  # "from a resource-Geothermal": words of a chart run together
    last = span[-1]
    if last.is_alpha and last.text.islower() and last.lower_ not in SCHEME_HEADS:
        return False  # "AOA Sensor System Test Before further flight": a heading run on
    lowered = text.lower()
    words = re.findall(r"[a-z0-9]+", lowered)
    if not words or lowered in GENERIC_NAME_WORDS or " ".join(words) in GENERIC_NAME_WORDS:
        return False
    if words[0] in DOCUMENT_PART_WORDS and not _part_named_scheme(span):
        return False
    if words[0] in TITLE_WORDS or words[-1] in TITLE_WORDS:
        return False
    # "The U.S. Government", "Scottish Government": a generic word with a place in front.
    unplaced = [t.lower_ for t in span if t.is_alpha and t.ent_type_ not in ("GPE", "NORP")]
    if unplaced and " ".join(unplaced) in GENERIC_NAME_WORDS:
        return False
    content = [t for t in span if t.is_alpha and not t.is_stop]
    if not content or not any(t.text[:1].isupper() or _is_camel(t.text) for t in content):
        return False
    if any(t.tag_ in VERB_FORMS and t.lower_ not in NAME_CONNECTORS for t in span[1:]):
        # "Percentage of Federal Managers Who Reported Using ...": a heading, not a name.
        return False
    if sum(1 for t in span if t.is_alpha and t.is_upper and len(t) >= 4) >= 3:
        # "ONLINE COPYRIGHT INFRINGEMENT LIABILITY Title II": a heading read into the text.
        return False
    if len(span) == 1 and _is_common_word(span[0]):
        # "Value of the risk triggers", "the Revenue": a common noun capitalised by a
        # heading or by habit, not the name of anything.
        return False
    if len(content) == 1 and content[0].text.isupper() and len(content[0]) <= 6:
        # A bare acronym ("MCAS", "FFI") is a term of art unless it names an organisation.
        return content[0].ent_type_ in ("ORG", "GPE")
    # A person is not a case; a one-word "person" is usually a product the model misread.
    # "Family Hubs", which the model read as a person, are what their last word says.
    people = [
        e
        for e in span.ents
        if e.label_ == "PERSON" and len(e) > 1 and not _is_head(e[-1], SCHEME_HEADS)
    ]
    return not (len(people) == 1 and len(people[0]) >= len(content))


def _part_named_scheme(span: Span) -> bool:
    """Whether a name that opens with a document part's word is a scheme named after a
    part of a law ("Title VI Innovative Education grants"), not the part itself."""
    words = [t for t in span if t.is_alpha]
    named = [t for t in words[1:] if t.text[:1].isupper() and not t.is_upper]
    return len(named) >= 2 and _is_head(words[-1], SCHEME_HEADS)


def _is_head(token: Token, heads: frozenset[str]) -> bool:
    """Whether a word is one of `heads`, in the singular or plural ("Hubs", "grants")."""
    word = token.lower_
    return word in heads or token.lemma_.lower() in heads or word.removesuffix("s") in heads


def _is_common_word(token: Token) -> bool:
    """Whether a capitalised word is a common noun or adjective: the model reads it as
    one and finds no entity in it, and it has no inner capitals or acronym shape."""
    word = token.text
    return (
        token.pos_ in ("NOUN", "ADJ")
        and not token.ent_type_
        and not _is_camel(word)
        and not (word.isupper() and len(word) > 1)
    )


def _name_text(span: Span) -> str:
    """The name as printed, without a leading article or trailing connector."""
    tokens = list(span)
    role = next((i for i, t in enumerate(tokens[:2]) if t.lemma_.lower() in ROLE_NOUNS), None)
    if (
        role is not None
        and len(tokens) > role + 2
        and tokens[role + 1].lower_ in ("in", "at", "of")
    ):
        tokens = tokens[role + 2 :]  # "Officials in the Veterans Health Administration"
    while tokens and (
        tokens[0].lower_ in ("the", "a", "an")
        or tokens[0].lower_ in NAME_CONNECTORS
        or not tokens[0].text[:1].isalnum()
        or (len(tokens) > 1 and len(tokens[0]) == 1 and tokens[0].is_alpha)
    ):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1].lower_ in NAME_CONNECTORS - {"'s", "'"} or tokens[-1].text in ("(", "[")
    ):
        tokens = tokens[:-1]
    if not tokens:
        return ""
    doc = span.doc
    text = " ".join(doc_text(doc)[tokens[0].idx : tokens[-1].idx + len(tokens[-1])].split())
    if text.count("(") > text.count(")"):
        text = text[: text.rfind("(")].rstrip()  # "Division of Medical Assistance (DMA"
    return text


def _is_scheme(name: Span) -> bool:
    """A named scheme: "Performance Enhancement Project", "Click It or Ticket campaign".

    A lower-case head makes a scheme only of a name that is not an organisation or place
    itself ("a European Union program" is the EU's, not a programme's name).
    """
    tokens = [t for t in name if t.is_alpha]
    if len(tokens) < 2 or not _is_head(tokens[-1], SCHEME_HEADS):
        return False
    if tokens[-1].text[:1].isupper():
        return True
    named = [t for t in tokens if t.text[:1].isupper()]
    return (
        tokens[-1].lower_ in LOWER_CASE_SCHEME_HEADS
        and bool(named)
        and all(t.ent_type_ not in ORGANISATION_LABELS | PLACE_LABELS for t in named)
    )


FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Prepositions that place an action in time, not on a thing ("recovering after Covid").
TEMPORAL_PREPOSITIONS = frozenset({"after", "before", "since", "during", "until", "following"})
VERB_FORMS = frozenset({"VBD", "VBZ", "VBP", "VBG", "VBN", "MD"})


def _is_finite(token: Token) -> bool:
    """Whether a token is a finite verb: a heading or a table row has none."""
    return token.tag_ in FINITE_TAGS


def _is_finite_clause(verb: Token) -> bool:
    """Whether a verb is finite itself or through an auxiliary ("has used", "was piloted")."""
    return _is_finite(verb) or any(_is_finite(c) for c in verb.children if c.dep_.startswith("aux"))


def _is_action(verb: Token) -> bool:
    """A verb that reports something done or offered: not modal, not a saying or seeming."""
    if verb.pos_ not in ("VERB", "AUX"):
        return False
    finite = _is_finite_clause(verb)
    # "X developed and piloted Y": the second verb is finite through the first.
    if not finite and not (verb.dep_ == "conj" and _is_finite(verb.head)):
        return False
    lemma = verb.lemma_.lower()
    if lemma in NON_ACTION_VERBS:
        return False
    if lemma == "be":
        # "X is a Y" defines a term or an abbreviation; it does not show X doing anything.
        return False
    if lemma in CLAIM_VERBS and any(
        c.dep_ == "ccomp" or (c.lower_ == "that" and c.dep_ in ("dobj", "mark"))
        for c in verb.children
    ):
        return False  # "The Plan shows that ...", "Circular A-110 provides that ..."
    if lemma in GIVING_VERBS and any(
        c.dep_ == "dobj" and c.lemma_.lower() in DATA_NOUNS for c in verb.children
    ):
        return False  # "The Institute provided all other data": a source
    return not any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in MODAL_AUXILIARIES for c in verb.children
    )


def is_law(name: str) -> bool:
    """Whether a name is a law's ("Energy Policy Act", "Finance Bill", "X Act of 2005")."""
    words = re.sub(r"\s+of\s+\d{4}$", "", name.strip()).split()
    return len(words) >= 2 and words[-1].lower() in LAW_HEADS and words[-1][:1].isupper()


def _reports_action(verb: Token) -> bool:
    """Whether a finite reporting verb reports an action ("officials told us that ... they
    changed a process"): what its subject says it did is shown as done."""
    if verb.lemma_.lower() not in REPORTING_VERBS:
        return False
    finite = _is_finite_clause(verb)
    if not finite or any(c.lower_ in MODAL_AUXILIARIES for c in verb.children):
        return False
    return any(c.dep_ == "ccomp" and _is_action(c) for c in verb.children)


def _in_a_list(name: Span, joined_after: bool = True) -> bool:
    """Whether the name is one item of a list of names ("Brazil, Denmark and France"); the
    words a name joins inside itself ("WIPO Copyright and Performances ... Act") are not one.
    With `joined_after` False, only a name followed by other items counts."""
    root = name.root
    outside = [c for c in root.children if c.dep_ == "conj" and not name.start <= c.i < name.end]
    joined = joined_after and root.dep_ == "conj" and not name.start <= root.head.i < name.end
    return joined or bool(outside)


def _acting_subject(name: Span) -> bool:
    """Whether the name is the subject of a verb that reports something done or offered."""
    return _acting_subject_token(name) is not None


def _acting_subject_token(name: Span) -> Token | None:
    """The subject through which the name acts (itself, or "officials" of it), if it does."""
    root = name.root
    subject: Token | None = None
    second_clause = _clause_verb_after(name)
    verb = second_clause
    # A passive subject ("X was established in 1975") is not shown doing anything.
    if root.dep_ == "nsubj" or second_clause is not None:
        subject = root
    elif root.dep_ in ("poss", "compound", "appos") and root.head.dep_ == "nsubj":
        subject = root.head
    elif (
        root.dep_ == "pobj"
        and root.head.dep_ == "prep"
        and root.head.head.dep_ == "nsubj"
        and root.head.lower_ in ("in", "at", "from", "of", "by")
        and root.head.head.lemma_.lower() in ROLE_NOUNS | SOURCE_NOUNS
    ):
        subject = root.head.head
    if verb is None and subject is not None:
        verb = subject.head
    if subject is None or verb is None or not (_is_action(verb) or _reports_action(verb)):
        return None
    if verb.lemma_.lower() in QUANTITY_VERBS and not any(c.dep_ == "dobj" for c in verb.children):
        return None  # "the new State Pension increased by £900": an amount, not a case
    if _defined_by_its_parent(subject):
        return None
    if subject is root and is_law(_name_text(name)):
        # "The Energy Policy Act of 2005 promoted ...": what a law does is its effect, not a
        # case; the case is whoever acts under it.
        return None
    # One of a list of names ("43 states, the District of Columbia, and Puerto Rico had
    # participated") is not shown doing anything of its own.
    if _in_a_list(name) and second_clause is None:
        return None
    return subject


def _clause_verb_after(name: Span) -> Token | None:
    """The verb of a second clause that the name opens but the parse hung elsewhere
    ("Nissan is investing in Sunderland and BMW made ...": BMW read as a second place)."""
    root = name.root
    doc = name.doc
    if root.dep_ != "conj" or name.end >= len(doc) or name.start == 0:
        return None
    if doc[name.start - 1].lower_ != "and":
        return None
    verb = doc[name.end]
    if verb.dep_ != "conj" or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None
    return verb


def _object_verb(name: Span) -> Token | None:
    """The verb whose object the name is ("signed the X", "invested in X"), also where the
    name renames that object ("for an existing interpreter, SpiderMonkey")."""
    root = name.root
    if root.dep_ == "appos" and root.head.dep_ in ("dobj", "pobj"):
        root = root.head
    if root.dep_ in ("dobj", "attr", "oprd"):
        return root.head
    if (
        root.dep_ == "pobj"
        and root.head.dep_ == "prep"
        and root.head.lower_ not in TEMPORAL_PREPOSITIONS
    ):
        return root.head.head
    return None


def _acted_on(name: Span) -> bool:
    """Whether the name is what a verb acted on ("signed the X", "invested in X")."""
    verb = _object_verb(name)
    if verb is None:
        return False
    if _in_a_list(name, joined_after=False):
        return False  # a list of names ("we selected Brazil, Denmark and France")
    lemma = verb.lemma_.lower()
    # "We have increased Carer's Allowance by £1,500": an amount changed, not a case.
    return verb.pos_ == "VERB" and lemma not in NON_ACTION_VERBS and lemma not in QUANTITY_VERBS


def _is_naming(name: Span) -> bool:
    """Whether the verb acting on the name gives it its name ("we call the VM TraceMonkey")."""
    verb = _object_verb(name)
    # "We call the resulting VM TraceMonkey": the parse may hang the name on a word between.
    while (
        verb is not None
        and verb.lemma_.lower() not in NAMING_VERBS
        and verb.dep_ in ("xcomp", "oprd")
    ):
        verb = verb.head
    return verb is not None and verb.lemma_.lower() in NAMING_VERBS


def _actor_is_unnamed(name: Span) -> bool:
    """Whether whoever acted on `name` goes unnamed: the authors ("we signed X") or, for a
    named scheme, a common noun ("the administration announced the X Initiative")."""
    verb = _object_verb(name)
    if verb is None:
        return False
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            subject = subjects[0]
            if not _is_action(verb):
                return False
            if subject.lower_ in AUTHOR_PRONOUNS:
                return True
            return subject.pos_ == "NOUN" and _is_scheme(name)
        if verb.dep_ not in ("xcomp", "oprd", "acl", "advcl", "relcl", "conj") or verb.head == verb:
            return False
        verb = verb.head
    return False


def _entity_texts(span: Span, labels: frozenset[str]) -> tuple[str, ...]:
    found = (" ".join(e.text.split()) for e in span.ents if e.label_ in labels)
    return tuple(dict.fromkeys(t for t in found if t))


# ---------------------------------------------------------------------------------------
# The collector: document-level work on examples, one `Example` per case, from the
# component's mentions.
# - a case-study heading opens a box that runs to the next case heading or the end of the
#   page, and on over the page break when its text goes on there;
# - an example sentence takes in the sentences after it in the same paragraph (also over a
#   page break) until another case is introduced;
# - a case the paper has already introduced is not introduced again: later mentions of the
#   same name (or of its acronym) are the same case;
# - the paper's own subject ("the Department", "the Council" of a council's report), named on
#   a large share of its pages, is what the paper is about rather than an example of it.


# A name found on at least this share of the pages with text (and on at least
# TOPIC_MIN_PAGES of them) is the paper's subject, not an example.
TOPIC_PAGE_SHARE = 0.3
TOPIC_MIN_PAGES = 4
# A case already introduced comes back as a new case (the same council's second scheme)
# only this many pages later, as the subject of a new "for example".
RETOLD_AFTER_PAGES = 3
# How many sentences after the introducing one an example takes in, at most.
MAX_FOLLOWING_SENTENCES = 8
# Longest summary kept, in characters (cut at a sentence end where possible).
MAX_SUMMARY_CHARS = 700
# How far into the next page a case-study box may run when nothing there ends it.
MAX_BOX_CARRY_CHARS = 2500


@dataclass
class _Case:
    """An example being built: where it starts and what text describes it, page by page."""

    mention: ExampleMention
    name: str
    key: str
    aliases: set[str]
    start_page: int
    start: int
    # (position in page_docs, start, end) of each described stretch, in order.
    stretches: list[tuple[int, int, int]] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def name_key(name: str) -> str:
    """The form of a name that decides whether two mentions are one case.

    Case, a leading article, possessives and lower-case words after the name go: "the BIC
    program" and "BIC" are one case, and so are "DOE's" and "DOE".
    """
    name = name.replace("\u2019", "'")
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.IGNORECASE)
    name = re.sub(r"(?:\s+[a-z][\w-]*)+$", "", name) or name
    key = re.sub(r"'s?\b", "", name.lower())
    key = re.sub(r"[^\w&]+", " ", key)
    return " ".join(key.split())


Mentions = list[tuple[Span, ExampleMention]]


def page_mentions(page_doc: PageDoc) -> Mentions:
    """The component's mentions on one page, each with the span of the sentence or heading
    that introduced it, plus the case-study headings of the page text (whose line breaks
    the text spaCy read may have joined), in text order."""
    doc = page_doc.doc
    found: Mentions = []
    text = page_doc.page.text
    proposed = [*doc.spans.get(SPAN_KEY, []), *doc.spans.get(CANDIDATES_KEY, [])]
    for name_span in sorted(proposed, key=lambda span: span.start):
        mention = name_span._.get(MENTION_ATTR)
        if mention is None or _runs_on_from_a_heading(text, mention):
            continue
        sentence = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if sentence is not None:
            found.append((sentence, mention))
    heading_starts = {span.start_char for span, m in found if m.kind == "case_study"}
    for span, mention in case_headings(doc, page_doc.page.text):
        if span.start_char not in heading_starts:
            # A sentence the heading was read into is the heading's box, not a case.
            found = [(s, m) for s, m in found if not s.start_char <= span.start_char < s.end_char]
            found.append((span, mention))
    return sorted(found, key=lambda pair: (pair[0].start_char, pair[1].name_start))


def _runs_on_from_a_heading(text: str, mention: ExampleMention) -> bool:
    """Whether a name is a heading line read on into the next line's first words
    ("Integrity of Copyright Management Information / Article 12 of the WCT provides")."""
    if mention.kind != "example":
        return False
    name = text[mention.name_start : mention.name_end]
    line_start = text.rfind("\n", 0, mention.name_start) + 1
    if "\n" not in name or text[line_start : mention.name_start].strip():
        return False
    # A heading starts after a finished sentence (or at the top); a name that wraps from
    # the start of a line in running text follows the line that led up to it ("the").
    previous = text[:line_start].rstrip()
    return not previous or previous.endswith((".", "!", "?", ":"))


# Where a model carries no tuned threshold: the probability a mention needs to be a case.
DEFAULT_EXAMPLE_THRESHOLD = 0.5
# Called with each mention the decider weighs: page position, the mention, its features.
MentionObserver = Callable[[int, ExampleMention, Features], None]


def collect_examples(
    page_docs: Sequence[PageDoc],
    model: Model | None = None,
    observe: MentionObserver | None = None,
) -> list[Example]:
    """One Example per case introduced in the document, in page order.

    With a `model`, the learned decider says which mentions (every name the component
    proposed) introduce a case; without one, the rules' choice stands. `observe` sees
    every mention weighed, with its features (cross-validation and training record them).
    """
    topic = _TopicNames([pd.page for pd in page_docs])
    acronyms = defined_acronyms([pd.page.text for pd in page_docs])
    proposed = [page_mentions(pd) for pd in page_docs]
    first_pages = _first_pages(proposed)
    threshold = model.setting("threshold", DEFAULT_EXAMPLE_THRESHOLD) if model is not None else 0.0

    def introduces_a_case(position: int, mention: ExampleMention) -> bool:
        features = document_features(mention, topic, first_pages, position, len(proposed))
        if observe is not None:
            observe(position, mention, features)
        if model is None:
            return CANDIDATE_CUE not in mention.cues
        return model.probability(features) >= threshold

    mentions = [
        [(span, mention) for span, mention in page_found if introduces_a_case(position, mention)]
        for position, page_found in enumerate(proposed)
    ]
    cases: list[_Case] = []
    seen: dict[str, _Case] = {}
    for position, page_found in enumerate(mentions):
        for span, mention in page_found:
            if _inside(cases, position, span.start_char):
                continue
            mention = replace(mention, name=topic.unhyphenated(mention.name))
            opens = opens_paragraph(page_docs[position].page.text, span.start_char)
            name = _case_name(mention, seen, topic, position, opens)
            if name is None:
                _absorb(mention, seen, position)
                continue
            name = topic.unhyphenated(name)
            if BARE_ACRONYM.fullmatch(name) and "called" not in mention.cues:
                # A bare acronym is a case only where the paper spells it out as the name of
                # an organisation or a scheme; the example then carries that name.
                long_form = acronyms.get(name)
                if long_form is not None and mention.subject and is_law(long_form):
                    continue  # "WIA also established ...": a law's effect, not a case
                told = name_key(name) in seen  # a case told again under its acronym
                if long_form is None or (name_key(long_form) in seen and not told):
                    continue
                mention = replace(mention, aliases=(*mention.aliases, name))
                name = f"{long_form} ({name})"
            key = name_key(name)
            case = _Case(
                mention=mention,
                name=name,
                key=key,
                aliases=_case_aliases(mention, name),
                start_page=position,
                start=span.start_char,
                cues=list(mention.cues),
                organisations=list(mention.organisations),
                places=list(mention.places),
            )
            if mention.kind == "case_study":
                _extend_box(case, page_docs, mentions, position, span)
            else:
                _extend_paragraph(case, page_docs, mentions, position, span)
            if any(c.start_page == position and c.start == span.start_char for c in cases):
                # A second case of one sentence ("X and Y did ..."): quote it from its name.
                _, first_start, first_end = case.stretches[0]
                case.stretches[0] = (position, max(first_start, mention.name_start), first_end)
            cases.append(case)
            seen[key] = case
            for alias in case.aliases:
                seen.setdefault(alias, case)
    return [_example(case, page_docs) for case in cases]


def _first_pages(mentions: Sequence[Mentions]) -> dict[str, int]:
    """The first page position on which each name (by its key) is mentioned."""
    first: dict[str, int] = {}
    for position, page_found in enumerate(mentions):
        for _, mention in page_found:
            first.setdefault(name_key(mention.name), position)
    return first


def document_features(
    mention: ExampleMention,
    topic: _TopicNames,
    first_pages: dict[str, int],
    position: int,
    page_count: int,
) -> Features:
    """The mention's own features and what the document says of its name: how many of its
    pages name it (a name on most pages is the paper's subject), whether this is its first
    page, where in the document it is."""
    features: Features = dict(mention.features)
    if mention.kind == "case_study":
        features["rule:case study heading"] = 1.0
    naming = topic.page_share(mention.name)
    features["page_share"] = naming
    features["topic"] = float(topic.is_topic(mention.name, mention.aliases))
    features["first_page"] = float(first_pages.get(name_key(mention.name)) == position)
    features["document_position"] = position / max(page_count - 1, 1)
    return features


# An acronym standing alone: "EBSA", "MCAS", "KPIs".
BARE_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}s?")
# "Employee Benefits Security Administration (EBSA)": a name, then its acronym.
ACRONYM_DEFINITION = re.compile(
    r"\b(?P<long>[A-Z][\w&'-]*(?:\s+(?:of|and|for|the|on|in|&|[A-Z][\w&'-]*)){1,9})"
    r"(?:'s)?\s*\((?P<short>[A-Z][A-Z&]{1,7}s?)\)"
)


def defined_acronyms(texts: Sequence[str]) -> dict[str, str]:
    """Acronyms the paper defines as names of organisations or schemes, with their long form."""
    found: dict[str, str] = {}
    for text in texts:
        for match in ACRONYM_DEFINITION.finditer(text):
            long_form = re.sub(r"'s?$", "", " ".join(match.group("long").split()))
            # "Officials in the Veterans Health Administration (VHA)": the name starts later.
            long_form = re.sub(r"^(?:\w+\s+(?:in|at|of|from)\s+)?(?:The|the)\s+", "", long_form)
            last = long_form.split()[-1].lower()
            if last in ORGANISATION_HEADS | SCHEME_HEADS:
                found.setdefault(match.group("short"), long_form)
    return found


def _case_aliases(mention: ExampleMention, name: str) -> set[str]:
    """Other names of the case: its acronym, and the actor whose scheme it is (a sentence
    about "NHTSA" goes on with the case of "the Click It or Ticket campaign NHTSA piloted")."""
    aliases = {name_key(a) for a in mention.aliases}
    if "enumerated case" in mention.cues:
        aliases |= {name_key(a) for a in mention.alternatives}
    if mention.actor:
        aliases.add(name_key(mention.actor))
    acronym = re.search(r"\(([A-Z][A-Z&]{1,7}s?)\)$", name)
    if acronym:
        aliases.add(name_key(acronym.group(1)))
    aliases.discard(name_key(name))
    return aliases


def _absorb(mention: ExampleMention, seen: dict[str, _Case], position: int) -> None:
    """Give a scheme that an actor's case on the same page acts on to that case ("NHTSA then
    piloted the Click It or Ticket campaign"): where the page names it again, the
    same case goes on."""
    owner = seen.get(name_key(mention.actor)) if mention.actor else None
    if owner is None or owner.start_page != position:
        return
    for key in (name_key(mention.name), *(name_key(a) for a in mention.aliases)):
        if key and key not in seen:
            seen[key] = owner
            owner.aliases.add(key)


def _unowned(name: str) -> str:
    """A name without its owner in front ("DOL's Office of Workforce Investment")."""
    return re.sub(r"^[^\s']+['\u2019]s?\s+(?=[A-Z])", "", name)


def _shortened(key: str, seen: dict[str, _Case]) -> bool:
    """Whether a name is a known case's name cut short with its acronym ("Massachusetts DMA"
    for "Massachusetts Division of Medical Assistance (DMA)")."""
    words = set(key.split())
    if len(words) < 2:
        return False
    for case in {id(c): c for c in seen.values()}.values():
        known = set(case.key.split()) | {w for alias in case.aliases for w in alias.split()}
        if words <= known and words & {w for alias in case.aliases for w in alias.split()}:
            return True
    return False


def _case_name(
    mention: ExampleMention,
    seen: dict[str, _Case],
    topic: _TopicNames,
    position: int,
    opens: bool = False,
) -> str | None:
    """The name of the new case a mention introduces, or None when it introduces none.

    A mention of a case already introduced (by name or acronym) introduces nothing. When its
    name is the paper's own subject ("the Department ... launched the X programme"), the
    named scheme or object in the same sentence is the case, if there is one.
    """
    keys = [
        name_key(mention.name),
        name_key(_unowned(mention.name)),
        *(name_key(a) for a in mention.aliases),
    ]
    known = [seen[k] for k in keys if k in seen]
    if known and not (
        mention.subject
        and (opens or any(c in EXAMPLE_CUES for c in mention.cues))
        and all(position - case.start_page >= RETOLD_AFTER_PAGES for case in known)
    ):
        return None
    if _shortened(name_key(mention.name), seen):
        return None
    actor = seen.get(name_key(mention.actor)) if mention.actor else None
    if actor is not None and actor.start_page == position:
        return None  # the same actor's case, told on the same page
    if mention.kind == "case_study":
        return mention.name
    if "called" in mention.cues or not topic.is_topic(mention.name, mention.aliases):
        # What the paper names itself ("we call the resulting VM TraceMonkey") is a case
        # where it is named, however often it comes back.
        return mention.name
    for alternative in mention.alternatives:
        key = name_key(alternative)
        if key and key not in seen and not topic.is_topic(alternative, ()):
            return alternative
    return None


# A CamelCase word with a hyphen inside it ("Sun-Spider", "Trace-Monkey").
BROKEN_CAMEL_WORD = re.compile(r"\b([A-Z][a-z]+)-([A-Z][a-z]+)\b")


class _TopicNames:
    """Decides which names the paper is about, by the share of pages that name them."""

    def __init__(self, pages: Sequence[PageText]) -> None:
        self.texts = [page.text for page in pages if page.text.strip()]
        # Each text as the name search sees it: hyphens out, case folded.
        self.folded = [_fold_for_search(text) for text in self.texts]
        self.cache: dict[str, bool] = {}
        self.shares: dict[str, float] = {}
        self.counts: dict[str, int] = {}

    def unhyphenated(self, name: str) -> str:
        """The name with a CamelCase word that a line break hyphenated ("Sun-Spider") made
        whole again, where the paper prints it whole elsewhere ("SunSpider")."""

        def join(match: re.Match[str]) -> str:
            whole = match.group(1) + match.group(2)
            pattern = re.compile(rf"(?<![\w-]){re.escape(whole)}(?![\w-])")
            return whole if any(pattern.search(t) for t in self.texts) else match.group(0)

        return BROKEN_CAMEL_WORD.sub(join, name)

    def pages_naming(self, name: str) -> int:
        """How many pages name `name` (cached)."""
        if name not in self.counts:
            self.counts[name] = self._pages_naming(name)
        return self.counts[name]

    def _pages_naming(self, name: str) -> int:
        # A hyphen a line break left inside a name ("Trace-Monkey") does not make it another.
        letters = name.replace("-", "")
        pattern = re.compile(
            rf"(?<!\w){'-?'.join(re.escape(c) for c in letters)}(?!\w)", re.IGNORECASE
        )
        # The pattern is slow (a hyphen may come between any two letters), so it reads only
        # the pages whose folded text holds the name's letters in a row: every page it
        # matches does. The folding is exact for ASCII names only; others read every page.
        if not letters.isascii():
            return sum(1 for text in self.texts if pattern.search(text))
        key = letters.lower()
        return sum(
            1
            for text, folded in zip(self.texts, self.folded, strict=True)
            if key in folded and pattern.search(text)
        )

    def page_share(self, name: str) -> float:
        """The share of the pages with text that name `name` (cached)."""
        if name not in self.shares:
            count = self.pages_naming(name) if name.strip() else 0
            self.shares[name] = count / len(self.texts) if self.texts else 0.0
        return self.shares[name]

    def is_topic(self, name: str, aliases: Sequence[str]) -> bool:
        # "DOE's R&D" is the paper's DOE again, unless what follows is a named scheme
        # ("HMRC's Tax Agent Strategy").
        possessor = re.match(r"(?P<owner>.+?)'s?\s+(?P<rest>.+)$", name)
        if possessor and self.is_topic(possessor.group("owner"), ()):
            last = possessor.group("rest").split()[-1]
            if not (last[:1].isupper() and last.lower() in SCHEME_HEADS):
                return True
        # "GAO report", "DOE's" and "the DOE" are all the paper's own DOE.
        core = re.sub(r"^(?:the|The)\s+", "", name)
        core = re.sub(r"(?:'s?)?(?:\s+[a-z][\w-]*)+$|'s?$", "", core) or core
        if core not in self.cache:
            count = max([self.pages_naming(core), *(self.pages_naming(a) for a in aliases)])
            self.cache[core] = count >= TOPIC_MIN_PAGES and count >= TOPIC_PAGE_SHARE * len(
                self.texts
            )
        return self.cache[core]


# The characters outside ASCII that a case-blind pattern matches to an ASCII letter
# (U+0130 and U+0131 to i, the long s to s, the Kelvin sign to k).
_ASCII_CASE_FOLDS = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _fold_for_search(text: str) -> str:
    """`text` with its hyphens removed and its case folded as `re.IGNORECASE` folds ASCII
    letters: where a case-blind pattern of ASCII letters (hyphens allowed between them)
    matches `text`, its letters lower-cased appear in a row in the result."""
    return text.replace("-", "").translate(_ASCII_CASE_FOLDS).lower()


def _inside(cases: Sequence[_Case], position: int, offset: int) -> bool:
    """Whether a mention falls inside the text an earlier case already covers (a case the
    same sentence introduced too, "X and Y did ...", does not cover it)."""
    return any(
        page == position and start <= offset < end
        for case in cases
        if not (case.start_page == position and case.start == offset)
        for page, start, end in case.stretches
    )


def _heading_starts(page_found: Mentions) -> list[int]:
    return [span.start_char for span, mention in page_found if mention.kind == "case_study"]


def _extend_box(
    case: _Case,
    page_docs: Sequence[PageDoc],
    mentions: Sequence[Mentions],
    position: int,
    heading: Span,
) -> None:
    doc = page_docs[position].doc
    later = [s for s in _heading_starts(mentions[position]) if s > heading.start_char]
    end = min(later) if later else len(doc_text(doc))
    case.stretches.append((position, heading.start_char, end))
    if later or position + 1 >= len(page_docs):
        return
    following = page_docs[position + 1]
    if following.page.index != page_docs[position].page.index + 1:
        return
    next_text = doc_text(following.doc)
    headings = _heading_starts(mentions[position + 1])
    if headings and min(headings) < len(next_text) // 20:
        return
    if headings:
        carry = min(min(headings), MAX_BOX_CARRY_CHARS)
    else:
        # Nothing on the next page says where the box ends: take the sentence the page
        # break cut, no more.
        first = next(iter(following.doc.sents), None)
        carry = min(first.end_char if first is not None else 0, MAX_BOX_CARRY_CHARS)
    if carry > 0 and next_text[:carry].strip():
        case.stretches.append((position + 1, 0, carry))


def _extend_paragraph(
    case: _Case,
    page_docs: Sequence[PageDoc],
    mentions: Sequence[Mentions],
    position: int,
    first: Span,
) -> None:
    sentences = list(first.doc.sents)
    index = next(i for i, s in enumerate(sentences) if s.end_char > first.start_char)
    end = first.end_char
    taken = 0
    for sent in sentences[index + 1 :]:
        if taken >= MAX_FOLLOWING_SENTENCES or not _continues(
            first.doc, mentions[position], end, sent, case
        ):
            break
        end = sent.end_char
        taken += 1
        # What the case's sentences name along the way is part of the case from now on.
        case.aliases |= {
            name_key(m.name) for s, m in mentions[position] if s.start_char == sent.start_char
        }
    case.stretches.append((position, first.start_char, end))
    runs_on = end >= len(doc_text(first.doc).rstrip()) and taken < MAX_FOLLOWING_SENTENCES
    if not runs_on or position + 1 >= len(page_docs):
        return
    following = page_docs[position + 1]
    if following.page.index != page_docs[position].page.index + 1:
        return
    ended = SENTENCE_END.search(doc_text(first.doc)[:end]) is not None
    next_sents = list(following.doc.sents)
    if not next_sents:
        return
    opener = next_sents[0]
    if ended and not opener.text[:1].islower():
        return
    case.stretches.append((position + 1, opener.start_char, opener.end_char))


def _continues(doc: Doc, page_found: Mentions, end: int, sent: Span, case: _Case) -> bool:
    """Whether `sent` goes on describing the case whose text ends at `end`."""
    if "\n" in doc_text(doc)[end : sent.start_char] or "\n" in doc_text(doc)[end - 1 : end]:
        return False
    keys = {case.key, *case.aliases}
    for span, mention in page_found:
        if sent.start_char <= span.start_char < sent.end_char:
            if mention.kind == "case_study":
                return False
            # Still this case while it is the actor ("NHTSA then piloted the X campaign"),
            # and while what is named is only named along the way (an object, "called X"):
            # a new subject or a new "for example" starts a new case.
            actor = name_key(mention.actor) if mention.actor else None
            if name_key(mention.name) not in keys and actor not in keys and _opens_case(mention):
                return False
    return True


def _opens_case(mention: ExampleMention) -> bool:
    """Whether a mention inside another case's paragraph starts a case of its own."""
    return mention.subject or any(
        cue in EXAMPLE_CUES or cue in ("enumerated case", "event", "called") for cue in mention.cues
    )


def _example(case: _Case, page_docs: Sequence[PageDoc]) -> Example:
    first_position, start, end = case.stretches[0]
    page = page_docs[first_position].page
    ref, quote, span = locate(page, start, end)
    pages: list[PageRef] = []
    texts: list[str] = []
    for position, s_start, s_end in case.stretches:
        stretch_page = page_docs[position].page
        if stretch_page.ref not in pages:
            pages.append(stretch_page.ref)
        texts.append(stretch_page.text[s_start:s_end])
    summary = _summary(" ".join(texts))
    mention = case.mention
    return Example(
        id=item_id("ex", page, span.start),
        page=ref,
        pages=tuple(pages),
        quote=quote,
        char_span=span,
        name=case.name,
        kind=mention.kind,
        organisations=tuple(dict.fromkeys(case.organisations)),
        places=tuple(dict.fromkeys(case.places)),
        platforms=find_platforms(" ".join(texts)),
        summary=summary,
        cues=tuple(dict.fromkeys(case.cues)),
    )


def _summary(text: str) -> str:
    text = collapse_whitespace(text)
    if len(text) <= MAX_SUMMARY_CHARS:
        return text
    cut = text[:MAX_SUMMARY_CHARS]
    stop = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: stop + 1] if stop > MAX_SUMMARY_CHARS // 3 else cut.rstrip() + "..."
