"""Claims: sentences (or clauses) that assert something checkable or argue for something.

The component `extractor_claims` reads one page's Doc sentence by sentence. A sentence is
skipped when it is not prose a paper argues with: a heading, a question, a table-of-
contents line, a caption, a table row, boilerplate. The rest are scored by the cues that
fire in them (kept as data in extractor/data/claim_cues.json): numbers and quantities,
comparisons and superlatives, causal links, predictions, recommendations (modal verbs
and imperatives found with the dependency parse), definitions the paper argues for, and
findings (reporting verbs with a clause: "we found that ..."). A page keeps the claims
that score enough, at most one per `words_per_claim` words of its text, best first, so
that a page of prose does not yield every sentence. Results go to
`doc.spans["extractor_claims"]`, each span with its kind, cues and whether it is hedged.

`collect_claims` turns the spans of every page into Claim items (text completed across
a page break), leaving the links to citations and cost figures to `link_claims`.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

from spacy.attrs import IS_ALPHA
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from extractor.model import CharSpan, Citation, Claim, ClaimKind, CostFigure, claim_text
from extractor.nlp.decide import Features, Model, log_count
from extractor.nlp.doctext import doc_text
from extractor.nlp.layout import (
    BULLET,
    CAPTION_LABEL,
    MIN_ALPHA_SHARE,
    SMALL_PRINT_RATIO,
    LineLayout,
    PageLayout,
    is_small,
    looks_like_title,
    page_layouts,
)
from extractor.nlp.types import PageDoc
from extractor.pages import item_id, locate
from extractor.text import collapse_whitespace
from extractor.wordlists import with_language

CLAIMS_KEY = "extractor_claims"
# The page's other prose sentences (not skipped, too few cues to be candidates).
PROSE_KEY = "extractor_claim_prose"
CUES_FILE = "claim_cues.json"
# Cue categories whose phrases are matched, and the claim kind each one stands for.
CUE_KINDS: dict[str, ClaimKind] = {
    "hard_statistic": "statistic",
    "statistic": "statistic",
    "superlative": "comparison",
    "comparison": "comparison",
    "trend": "comparison",
    "causal": "causal",
    "prediction": "prediction",
    "recommendation": "recommendation",
    "definition": "definition",
    "finding": "assertion",
    "rule": "assertion",
    "stance": "assertion",
}
# Categories that do not make a claim by themselves but raise its rank.
BOOST_CATEGORIES = ("emphasis", "author_voice")
# Categories whose phrases are matched to lower a sentence's rank.
PENALTY_CATEGORIES = ("method",)
# Rules of place and shape that add their weight (claim_cues.json "weights") to a sentence's
# rank; each also reaches the learned decider as a feature of the same name.
LAYOUT_FLAGS = (
    "hedge",
    "list_item",
    "paragraph_start",
    "method",
    "aside",
    "list_lead_in",
    "long",
    "pointed",
    "negation",
)
# A number a claim rests on: a percentage, an amount of money, a multiple, "9 of the 26".
_HARD_NUMBER = re.compile(
    r"\d[\d,.]*\s?(?:%|per\s?cent|percent|percentage points?|x\b|times\b|fold\b)"
    r"|[£$€¥]\s?\d[\d,.]*(?:\s?(?:m|bn|k|million|billion|trillion)\b)?"
    r"|\b\d[\d,.]*\s(?:million|billion|trillion)\b"
    r"|\b\d+\s(?:out\s)?of\s(?:the\s)?\d+\b",
    re.IGNORECASE,
)
# A time limit a rule sets, a quantity a reader can check: "within 10-14 business days",
# "no later than six months after", "within 18 months of enactment".
_TIME_LIMIT = re.compile(
    r"\b(?:within|no later than|not later than|no more than|no less than)\s"
    r"(?:\d+(?:\s?[-–]\s?\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fifteen|eighteen|twenty|thirty|sixty|ninety)\s"
    r"(?:(?:business|working|calendar)\s)?(?:hours?|days?|weeks?|months?|years?)\b",
    re.IGNORECASE,
)
# A sentence that announces a list ("The following conditions must be met:") says what it
# says in the items that follow.
_LIST_LEAD_IN = re.compile(r"\b(?:the following|as follows)\b[^:]*:\W*$", re.IGNORECASE)
# Parts of speech that leave a sentence wanting its complement when a colon follows them
# ("we will:", "by:", "providing:"): the list below completes it.
_OPEN_BEFORE_COLON = frozenset(["AUX", "ADP", "VERB", "PART", "SCONJ"])
# A sentence that gives an example or an aside supports a claim rather than making one.
_ASIDE = re.compile(
    r"^\W*(?:for example|for instance|e\.g\.|note that|\(|in one case|as an example)", re.I
)
# Words that end a line in the middle of a sentence (a hard line break after one does not
# end the segment).
CONTINUING_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "for",
        "with",
        "by",
        "on",
        "at",
        "from",
        "that",
        "which",
        "as",
        "than",
        "is",
        "are",
        "was",
        "were",
        "be",
        "its",
        "their",
        "this",
    ]
)
# Characters that end a sentence (a segment that stops without one runs on).
SENTENCE_ENDINGS = (".", "!", "?", '"', "'", ")", ":", ";")
# Characters of a page a table-of-contents line ends with: dot leaders and a page number.
_TOC_LINE = re.compile(r"(?:\.{3,}|…|\s{3,}|\.\s\.\s\.)\s*\d{1,4}\s*$|^\s*\d{1,4}\s*$")


@cache
def cue_data(language: str | None = None) -> dict[str, Any]:
    """The cue words and thresholds, loaded once from extractor/data; the word lists of
    `language` where extractor/data/lang has them (see extractor/wordlists.py), else English."""
    text = (resources.files("extractor") / "data" / CUES_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return with_language(data, language, "claims")


def _register_extensions() -> None:
    for name, default in (
        ("extractor_claim_kind", None),
        ("extractor_claim_cues", ()),
        ("extractor_claim_hedged", False),
        ("extractor_claim_score", 0.0),
        ("extractor_claim_flags", ()),
    ):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


# At import too, so that a Doc read back from bytes in a process that built no pipeline
# (the parent of `extract --jobs`, a DocBin reader) has the attributes.
_register_extensions()


@dataclass(frozen=True)
class Scored:
    """A sentence with the cues that fired in it and its score."""

    start: int  # token indexes
    end: int
    kind: ClaimKind
    cues: tuple[str, ...]
    hedged: bool
    score: float
    candidate: bool = True  # its cues make it a claim candidate (else it is other prose)
    flags: tuple[str, ...] = ()  # every cue category and layout rule that fired


@dataclass(frozen=True)
class _PageMatches:
    """The token spans where each cue category's phrases, and the hedges, occur on a page,
    in the order the phrase matcher gives them."""

    categories: dict[str, list[tuple[int, int]]]
    hedges: list[tuple[int, int]]


def _inside(places: Sequence[tuple[int, int]], span: Span) -> list[tuple[int, int]]:
    """The places that lie wholly inside `span` (a phrase the sentence ends inside belongs
    to the next)."""
    return [(start, end) for start, end in places if span.start <= start and end <= span.end]


class ClaimFinder:
    """Finds the claims of one page's Doc."""

    def __init__(self, nlp: Language, data: dict[str, Any]) -> None:
        self.data = data
        self.weights: dict[str, float] = data["weights"]
        self.matchers: dict[str, PhraseMatcher] = {}
        for category in (*CUE_KINDS, *BOOST_CATEGORIES, *PENALTY_CATEGORIES):
            matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
            phrases = data[category].get("phrases", [])
            matcher.add(category, [nlp.make_doc(phrase) for phrase in phrases])
            self.matchers[category] = matcher
        self.hedges = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.hedges.add("hedge", [nlp.make_doc(phrase) for phrase in data["hedges"]])
        self.boilerplate = tuple(data["skip"]["boilerplate"])
        self.caption_starts = frozenset(data["skip"]["caption_starts"])
        self.key_intro_words = tuple(data["key_intro_words"])
        self.permission_lemmas = frozenset(data["permission_lemmas"])
        self.premise_marks = frozenset(data["premise_marks"])

    def __call__(self, doc: Doc) -> Doc:
        groups: dict[str, list[Span]] = {CLAIMS_KEY: [], PROSE_KEY: []}
        matches = self._matches(doc)
        for item in (self.score(segment, matches) for segment in segments(doc)):
            if item is None:
                continue
            span = Span(doc, item.start, item.end, label=item.kind)
            span._.extractor_claim_kind = item.kind
            span._.extractor_claim_cues = item.cues
            span._.extractor_claim_hedged = item.hedged
            span._.extractor_claim_score = item.score
            span._.extractor_claim_flags = item.flags
            groups[CLAIMS_KEY if item.candidate else PROSE_KEY].append(span)
        doc.spans.update(groups)
        return doc

    def _matches(self, doc: Doc) -> _PageMatches:
        """Where each category's phrases and the hedges occur on a page, found once: a
        sentence's cues are the matches that lie inside it."""
        return _PageMatches(
            {
                category: [(start, end) for _, start, end in matcher(doc)]
                for category, matcher in self.matchers.items()
            },
            [(start, end) for _, start, end in self.hedges(doc)],
        )

    def score(self, span: Span, matches: _PageMatches) -> Scored | None:
        """The cues of a sentence and its rank score, or None when it is not prose.

        A sentence is a candidate when the weights of its claim categories reach
        `min_score`; its rank adds emphasis, the author's voice ("we found", "this
        report"), its place (a summary section, a list item, a paragraph's first
        sentence) and takes off for hedging. Other prose is scored by the same rules
        without a kind (a summary paragraph's lead sentence may still be a claim).
        """
        if self.skip(span):
            return None
        found = self._cues(span, matches)
        kinds = [c for c in CUE_KINDS if c in found]
        candidate = sum(self.weights[c] for c in kinds) >= float(self.data["min_score"])
        hedges = self._hedges(span, matches)
        # The strongest kind counts in full, each further kind a little: a long sentence
        # that touches many kinds is not more of a claim than a pointed one.
        strongest = max((self.weights[c] for c in kinds), default=0.0)
        score = strongest + self.weights["further_kind"] * max(len(kinds) - 1, 0)
        score += sum(self.weights[c] for c in BOOST_CATEGORIES if c in found)
        flags = set(found) | self._flags(span)
        if hedges:
            flags.add("hedge")
        score += sum(self.weights[f] for f in LAYOUT_FLAGS if f in flags)
        if "after_key_intro" in flags:
            score += self.weights["summary_section"]
        order = self.data["kind_order"]
        best = max(kinds, key=lambda c: (self.weights[c], -order.index(c)), default=None)
        cues: list[str] = []
        for category in kinds:
            for cue in found[category]:
                if cue not in cues:
                    cues.append(cue)
        kind: ClaimKind = CUE_KINDS[best] if best is not None else "assertion"
        return Scored(
            span.start,
            span.end,
            kind,
            tuple(cues),
            bool(hedges),
            round(score, 2),
            candidate,
            tuple(sorted(flags)),
        )

    def _cues(self, span: Span, matches: _PageMatches) -> dict[str, list[str]]:
        """The cue phrases of each category that a sentence holds, from the phrase lists
        (the page's `matches` inside it) and from its parse (`_token_cues`)."""
        doc = span.doc
        found: dict[str, list[str]] = {}
        for category, places in matches.categories.items():
            for start, end in _inside(places, span):
                found.setdefault(category, []).append(doc[start:end].text.lower())
        for category, token_cues in self._token_cues(span).items():
            found.setdefault(category, []).extend(token_cues)
        return found

    def _hedges(self, span: Span, matches: _PageMatches) -> list[str]:
        """The hedge phrases that hedge the claim ("may", "suggests"), not those that give
        advice, leave or a premise (`_not_hedging`)."""
        doc = span.doc
        return sorted(
            {
                doc[start:end].text.lower()
                for start, end in _inside(matches.hedges, span)
                if not any(self._not_hedging(t, span) for t in doc[start:end])
            }
        )

    def _flags(self, span: Span) -> set[str]:
        """What a sentence's place and shape say: a list item or a paragraph's start, an
        aside, a list's lead-in, long or pointed, negated, after a key-points intro."""
        text = doc_text(span.doc)
        flags: set[str] = set()
        if BULLET.match(text[_line_start(text, span.start_char) :]):
            flags.add("list_item")
        elif _opens_line(text, span.start_char):
            flags.add("paragraph_start")
        if _ASIDE.match(span.text):
            flags.add("aside")
        if _is_list_lead_in(span):
            flags.add("list_lead_in")
        if len(span) > int(self.data["long_words"]):
            flags.add("long")
        elif len(span) <= int(self.data["pointed_words"]):
            flags.add("pointed")  # a key point is often put in few words
        if any(t.dep_ == "neg" for t in span):
            flags.add("negation")  # "does not prohibit", "cannot address"
        if self._after_key_intro(span):
            flags.add("after_key_intro")
        return flags

    def skip(self, span: Span) -> bool:
        """Whether a sentence is not prose to take claims from."""
        return self.skip_reason(span) is not None

    def skip_reason(self, span: Span) -> str | None:
        """Why a sentence is not prose to take claims from (None when it is)."""
        text = span.text.strip()
        words = [t for t in span if not t.is_punct and not t.is_space]
        if len(words) < int(self.data["min_words"]):
            return "short"
        if len(words) > int(self.data["max_words"]):
            return "long"
        if text.endswith("?") or _is_listed_question(span, text):
            return "question"
        if looks_like_title(text):
            return "heading"
        if _TOC_LINE.search(text):
            return "contents"
        if sum(1 for t in words if t.is_alpha) < MIN_ALPHA_SHARE * len(words):
            return "table"
        first = re.sub(r"^\W+", "", text).split(" ", 1)[0].lower().rstrip(".:")
        if first in self.caption_starts and CAPTION_LABEL.match(text):
            return "caption"
        lower = text.lower()
        if any(marker in lower for marker in self.boilerplate):
            return "boilerplate"
        if not text.endswith((".", "!")) and not any(
            t.pos_ in ("VERB", "AUX") or t.dep_ == "nsubj" for t in span
        ):
            return "no verb"  # a heading or a fragment (a full stop says a sentence, whatever
            # the parser made of it)
        letters = [c for c in text if c.isalpha()]
        if sum(1 for c in letters if c.isupper()) > 0.6 * len(letters):
            return "capitals"
        return None

    def _token_cues(self, span: Span) -> dict[str, list[str]]:
        """Cues the parse and tags give: numbers, comparatives, modals, imperatives."""
        data = self.data
        found: dict[str, list[str]] = {}

        def add(category: str, cue: str) -> None:
            found.setdefault(category, []).append(cue.lower())

        stat = data["statistic"]
        for ent in span.ents:
            if ent.label_ in stat["entity_labels"] and _is_quantity(ent):
                add("statistic", ent.text)
        for match in itertools.chain(
            _HARD_NUMBER.finditer(span.text), _TIME_LIMIT.finditer(span.text)
        ):
            add("hard_statistic", match.group().strip())
        for token in span:
            for category, cue in self._word_cues(token, span):
                add(category, cue)
        if data["recommendation"].get("imperative") and _is_imperative(span):
            add("recommendation", "imperative: " + span.root.text)
        if span.root.lemma_ == "mean" and any(c.dep_ == "nsubj" for c in span.root.children):
            add("definition", span.root.text)
        return found

    def _word_cues(self, token: Token, span: Span) -> Iterator[tuple[str, str]]:
        """The cues one word gives, in order: a number word or "%", a comparative or
        superlative, a modal of recommendation or prediction, a cue verb, a reporting verb
        with its clause ("we found that"), a mandative verb and what it asks for."""
        data = self.data
        lower = token.lower_
        if token.text == "%" or (
            lower in data["statistic"]["number_words"] and token.i > span.start
        ):
            yield "statistic", token.text
        if token.tag_ in data["comparison"]["tags"] and (
            lower not in data["comparison"]["exclude_words"] or _compares(token)
        ):
            superlative = token.tag_ in ("JJS", "RBS")
            yield "superlative" if superlative else "comparison", token.text
        if token.tag_ == "MD":
            if lower in data["recommendation"]["modals"]:
                yield "recommendation", token.text
            elif lower in data["prediction"]["modals"]:
                yield "prediction", token.text
        if token.pos_ == "VERB":
            yield from self._verb_cues(token)
        mandated = self._mandate(token)
        if mandated is not None:
            yield "recommendation", f"{token.lemma_} that ... {mandated.text}"

    def _verb_cues(self, token: Token) -> Iterator[tuple[str, str]]:
        """A verb's cues: its lemma in a category's list, a reporting verb with a clause
        ("found that"), and the author's voice when "we" or "I" reports."""
        data = self.data
        lemma = token.lemma_.lower()
        for category in CUE_KINDS:
            if lemma in data[category].get("lemmas", ()):
                yield category, token.lemma_
        if lemma in data["reporting_verbs"] and any(c.dep_ == "ccomp" for c in token.children):
            yield "finding", token.lemma_ + " that"
            if any(c.dep_ == "nsubj" and c.lower_ in ("we", "i") for c in token.children):
                yield "author_voice", "we " + token.lemma_

    def _mandate(self, token: Token) -> Token | None:
        """The verb a mandative verb asks for ("we suggest that the Congress *consider*").

        After "suggest", "recommend", "propose" or "urge", a that-clause in the base form
        (the subjunctive: "that the agency adopt", "that OMB offer") or with "should" asks
        for an action; "the data suggest that demand is rising" reports a finding.
        """
        if token.lemma_.lower() not in self.data["recommendation"]["mandative_lemmas"]:
            return None
        for clause in token.children:
            if clause.dep_ != "ccomp" or not clause.tag_.startswith("VB"):
                continue
            subjects = [c for c in clause.children if c.dep_ == "nsubj"]
            modals = {c.lower_ for c in clause.children if c.tag_ == "MD"}
            if clause.tag_ == "VB" and not modals:
                return clause
            if clause.tag_ == "VBP" and any(s.tag_ in ("NN", "NNP") for s in subjects):
                return clause  # "that the Congress consider": no -s, so a subjunctive
            if modals & {"should", "must"}:
                return clause
        return None

    def _not_hedging(self, token: Token, span: Span) -> bool:
        """Whether a hedge word does not hedge the claim: advice ("we suggest that X do"),
        leave a rule grants ("permits copies, which may be digital"), a premise put first
        ("Since X may be Y, the act does not prohibit Z")."""
        return (
            self._mandate(token) is not None
            or self._permission(token)
            or self._in_premise(token, span)
        )

    def _permission(self, token: Token) -> bool:
        """Whether a "may" grants leave under a verb of permitting, as a rule does ("section
        108 permits up to three copies, which may be digital"), rather than hedging ("this
        may allow councils to save": the permitting verb is its own, so a hedge)."""
        if token.lower_ != "may" or token.tag_ != "MD":
            return False
        return any(
            verb.pos_ == "VERB" and verb.lemma_.lower() in self.permission_lemmas
            for verb in token.head.ancestors
        )

    def _in_premise(self, token: Token, span: Span) -> bool:
        """Whether a word sits in a premise or concession put before the main clause
        ("Since copying may be a fair use, section 1201 does not prohibit it"; "Although
        costs may fall, ..."): a hedge there qualifies the ground, not the claim."""
        for clause in itertools.chain([token], token.ancestors):
            if clause.dep_ == "advcl" and clause.i < span.root.i:
                return any(
                    c.dep_ == "mark" and c.lower_ in self.premise_marks for c in clause.children
                )
        return False

    def _after_key_intro(self, span: Span) -> bool:
        """Whether a list item follows a line that announces findings or recommendations
        ("The main findings of the study are:")."""
        text = doc_text(span.doc)
        start = _line_start(text, span.start_char)
        if not BULLET.match(text[start:]):
            return False
        lines = text[:start].split("\n")
        for line in reversed(lines[-30:]):
            if not line.strip() or BULLET.match(line):
                continue
            line = line.strip().lower()
            return line.endswith(":") and any(word in line for word in self.key_intro_words)
        return False


def _is_listed_question(span: Span, text: str) -> bool:
    """An item of a list of questions, without its question mark: it opens with a question
    word ("Which parties should be eligible;", "How councils will pay for it") and does not
    end as a sentence does. "What matters is X." ends with a full stop and is no question.
    """
    # the next item's bullet, read into this sentence ("...any exemption; !"), is no ending
    if re.sub(r"\s+\S$", "", text).endswith((".", "!")):
        return False
    first = next(
        (t for t in span if not (t.is_punct or t.is_space or _is_bullet_token(t.text))), None
    )
    return first is not None and first.tag_ in ("WDT", "WP", "WP$", "WRB")


def _is_list_lead_in(span: Span) -> bool:
    """A sentence that announces the list below it: "... the following conditions:", "...
    are as follows:", or one that stops at a colon before its complement ("In the next
    Parliament, we will:", "... by:")."""
    if _LIST_LEAD_IN.search(span.text):
        return True
    words = [t for t in span if not t.is_space]
    if len(words) < 2 or words[-1].text != ":":
        return False
    return words[-2].pos_ in _OPEN_BEFORE_COLON


def _is_quantity(ent: Span) -> bool:
    """Whether an entity is a quantity a claim can rest on, not a year or a list number."""
    text = ent.text.strip()
    if ent.label_ == "CARDINAL":
        if re.fullmatch(r"(?:19|20)\d\d", text) or re.fullmatch(r"\(?[a-z0-9]\)?\.?", text):
            return False
        head = ent.root.head
        return head.pos_ in ("NOUN", "PROPN") or ent.root.dep_ in ("nummod", "dobj", "attr", "pobj")
    return True


def _compares(token: Token) -> bool:
    """Whether 'more'/'most'/'less' in a sentence compares (more than, most of, less likely)."""
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if following is not None and following.lower_ in ("than", "of"):
        return True
    return token.head.pos_ in ("ADJ", "ADV") and token.dep_ == "advmod"


def _is_imperative(span: Span) -> bool:
    """A sentence that starts with a bare verb and has no subject: "Cut taxes for workers"."""
    root = span.root
    words = [t for t in span if not t.is_punct and not t.is_space and not _is_bullet_token(t.text)]
    if not words or root != words[0] or root.tag_ != "VB":
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children)


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _opens_line(text: str, offset: int) -> bool:
    """Whether only white space comes before `offset` on its line (or on the page)."""
    before = text[:offset].rstrip(" ")
    return not before.strip() or before.endswith("\n")


def segments(doc: Doc) -> Iterable[Span]:
    """The sentences of a page, split at line breaks that end a heading or a sentence.

    spaCy's sentences may run a heading into the sentence below it, or over a list; a hard
    line break (soft wraps are spaces in the text spaCy reads) after a heading-like line
    or after closing punctuation ends a segment. Lines that are only a marker or a number
    are dropped from the ends.
    """
    text = doc_text(doc)
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if "\n" in token.text_with_ws and token.i + 1 < sent.end:
                line_begin = _line_start(text, token.idx)
                line = text[line_begin : token.idx + len(token.text)]
                following = text[token.idx + len(token.text) :].lstrip().split("\n", 1)[0]
                if _breaks_after(line, following):
                    yield from _trim(doc[start : token.i + 1])
                    start = token.i + 1
        if start < sent.end:
            yield from _trim(doc[start : sent.end])


def _breaks_after(line: str, following: str) -> bool:
    """Whether a hard line break after `line`, before `following`, ends a segment.

    Soft wraps are spaces in the text spaCy reads, so a line break there ends a
    paragraph, a heading, a caption or a list item, unless the line stops mid-sentence
    (a comma, a hyphen, a word such as "the") or the next line goes on in lower case.
    """
    stripped = line.strip()
    if not stripped:
        return True
    if stripped.endswith((".", "!", "?", ":", ";")):
        return True
    nxt = following.lstrip()
    if not nxt or nxt[0].islower() or stripped.endswith((",", "-", "(", "/")):
        return False
    last_word = stripped.split()[-1].lower()
    return last_word not in CONTINUING_WORDS


def _trim(span: Span) -> Iterable[Span]:
    """Drop white space, bullets and lone markers at the ends of a segment."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].is_space
        or _is_bullet_token(doc[start].text)
        or _is_leading_marker(doc, start, end)
    ):
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if end > start:
        yield doc[start:end]


def _is_bullet_token(text: str) -> bool:
    """A token that is a list bullet: one symbol character that is not a bracket or quote."""
    return len(text) == 1 and not text.isalnum() and text not in "([{\"'$£€¥%&"


def _is_leading_marker(doc: Doc, i: int, end: int) -> bool:
    """A note marker left at the start of a sentence ("online. 1 The next ...")."""
    token = doc[i]
    return (
        token.text.isdigit()
        and len(token.text) <= 3
        and i + 1 < end
        and doc[i + 1].text[:1].isupper()
    )


@Language.factory("extractor_claims", default_config={})
def make_claim_component(nlp: Language, name: str) -> ClaimFinder:
    """Factory of the `extractor_claims` component."""
    _register_extensions()
    return ClaimFinder(nlp, cue_data(nlp.lang))


# ---------------------------------------------------------------------------------------
# The collector and the links.


# The cue recorded for a claim chosen as the lead sentence of a summary paragraph.
SUMMARY_LEAD_CUE = "leads a summary paragraph"


def collect_claims(page_docs: Sequence[PageDoc], model: Model | None = None) -> list[Claim]:
    """The claims of a document: each page's best candidates, quoted from their page.

    A page keeps at most one claim per `words_per_claim` words (at least `min_per_page`),
    best first; candidates in a summary section rank higher. A claim's text runs on over
    a page break when its sentence does.
    """
    data = cue_data()
    chosen = choose_claims(page_docs, data, model)
    claims: list[Claim] = []
    skip_first: set[tuple[int, int]] = set()
    for n, pd in enumerate(page_docs):
        for span in chosen[pd.page.index]:
            if (pd.page.index, span.start_char) in skip_first:
                continue
            ref, quote, char_span = locate(pd.page, span.start_char, span.end_char)
            text = collapse_whitespace(quote)
            if not text.endswith(SENTENCE_ENDINGS) and span.end_char >= len(
                doc_text(pd.doc).rstrip()
            ):
                following = page_docs[n + 1] if n + 1 < len(page_docs) else None
                if following is not None and following.page.index == pd.page.index + 1:
                    rest = _run_on(following.doc)
                    if rest is not None:
                        text = f"{text} {collapse_whitespace(rest.text)}"
                        skip_first.add((following.page.index, rest.start_char))
            claims.append(
                Claim(
                    id=item_id("claim", pd.page, char_span.start),
                    page=ref,
                    quote=quote,
                    char_span=char_span,
                    text=claim_text(quote, text),
                    kind=span._.extractor_claim_kind,
                    hedged=bool(span._.extractor_claim_hedged),
                    cues=tuple(span._.extractor_claim_cues) or (SUMMARY_LEAD_CUE,),
                    citation_ids=(),
                    cost_figure_ids=(),
                )
            )
    return claims


@dataclass(frozen=True)
class ClaimCandidate:
    """A prose sentence of a page that may become a claim, with what decides it.

    `rank` is the rules' rank; `rule_candidate` says whether the rules consider it at all
    (its cues weigh enough, or it leads a summary paragraph); `features` describe it to
    the learned decider (extractor/nlp/decide.py).
    """

    order: int  # position of its page among the page docs
    span: Span
    rank: float
    rule_candidate: bool
    features: Features


# A page with fewer words than this is not a text page (a cover, a divider, a chart).
MIN_TEXT_PAGE_WORDS = 40
# Where a model carries no tuned budget: claims per text page, and at most per page.
DEFAULT_CLAIMS_PER_TEXT_PAGE = 3.5
DEFAULT_MAX_CLAIMS_PER_PAGE = 8
_STRONG_MODALS = frozenset(["should", "must", "need", "shall", "ought"])
_WEAK_MODALS = frozenset(["may", "might", "could", "would", "can"])
_FIRST_PERSON = frozenset(["we", "our", "us", "i"])
_MONEY = re.compile(r"[£$€¥]\s?\d|\b(?:USD|EUR|GBP)\b")


def claim_candidates(
    page_docs: Sequence[PageDoc],
    data: dict[str, Any],
    summary: Mapping[int, Sequence[tuple[int, int]]] | None = None,
    layouts: Sequence[PageLayout] | None = None,
) -> list[ClaimCandidate]:
    """Every prose sentence of the document with its rule rank and features, page by page.

    The rules rank a candidate by its cue score, plus `summary_section` inside a summary
    section (in the first half of the document, where summaries are, a paragraph's lead
    sentence there is a candidate even without a cue), `paragraph_start` where a paragraph
    starts after a soft wrap, and less in the appendices or in small print. `summary` and
    `layouts` are those of `summary_ranges` and `page_layouts`, where the caller has them.
    """
    if layouts is None:
        layouts = page_layouts(page_docs)
    if summary is None:
        summary = summary_ranges(page_docs, layouts)
    weights = data["weights"]
    found: list[ClaimCandidate] = []
    for order, (pd, layout) in enumerate(zip(page_docs, layouts, strict=True)):
        ranges = summary.get(pd.page.index, [])
        text = doc_text(pd.doc)
        leads = layout.paragraph_leads
        front = pd.page.index <= (page_docs[-1].page.index + 1) / 2  # where summaries are
        rule_spans = {span.start for span in _candidates(pd, ranges if front else (), leads)}
        prose = sorted(
            [*pd.doc.spans.get(CLAIMS_KEY, []), *pd.doc.spans.get(PROSE_KEY, [])],
            key=lambda span: span.start,
        )
        page_words = alpha_words(pd.doc)
        roles = _PageRoles(prose, layout)
        for span in prose:
            inside = any(lo <= span.start_char < hi for lo, hi in ranges)
            place = {
                "in_summary": inside and front,
                "soft_paragraph_start": span.start_char in leads
                and not _opens_line(text, span.start_char),
                "no_cue": not span._.extractor_claim_cues,
                "appendix": layout.appendix,
                "small_print": _small_print(pd, span, layout),
            }
            rank = float(span._.extractor_claim_score)
            rank += weights["summary_section"] if inside else 0.0
            rank += weights["paragraph_start"] if place["soft_paragraph_start"] else 0.0
            rank += weights["summary_lead"] if place["no_cue"] else 0.0
            rank += weights["appendix"] if place["appendix"] else 0.0
            rank += weights["small_print"] if place["small_print"] else 0.0
            features = _claim_features(span, place, rank)
            features.update(roles.features(span))
            features["page_position"] = order / max(len(page_docs) - 1, 1)
            features["offset_on_page"] = span.start_char / max(len(text), 1)
            features["page_words"] = log_count(page_words)
            features["page_sentences"] = log_count(len(prose))
            features["first_page"] = float(order == 0)
            found.append(ClaimCandidate(order, span, rank, span.start in rule_spans, features))
    add_document_features(found)
    return found


def add_document_features(candidates: Sequence[ClaimCandidate]) -> None:
    """What a sentence is in its document: how central its words are (cosine of its
    TF-IDF vector of content lemmas with the document's mean), and whether another page
    says much the same (a summary restated in the body). The lemmas themselves are no
    features: fitted on 26 documents they matched those documents' words and lowered
    cross-validated recall from 0.51 to 0.36."""
    import numpy as np

    lemmas = [
        sorted({t.lemma_.lower() for t in c.span if t.is_alpha and not t.is_stop and len(t) > 2})
        for c in candidates
    ]
    vocabulary = {word: n for n, word in enumerate(sorted({w for ws in lemmas for w in ws}))}
    if not candidates or not vocabulary:
        return
    matrix = np.zeros((len(candidates), len(vocabulary)))
    for row, words in enumerate(lemmas):
        for word in words:
            matrix[row, vocabulary[word]] = 1.0
    idf = np.log((1 + len(candidates)) / (1 + matrix.sum(axis=0))) + 1.0
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms == 0, 1.0, norms)
    centroid = matrix.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    centrality = matrix @ centroid
    similarity = matrix @ matrix.T
    pages = np.array([c.order for c in candidates])
    similarity[pages[:, None] == pages[None, :]] = 0.0
    restated = similarity.max(axis=1)
    for row, candidate in enumerate(candidates):
        candidate.features["centrality"] = float(centrality[row])
        candidate.features["restated"] = float(restated[row])


class _PageRoles:
    """A sentence's role on its page, as the layout stage decided the page: the kind and
    section of the line it starts on, where it stands in its paragraph (a paragraph's
    first sentence states its point, its last often concludes), and whether it follows a
    heading closely (the sentence that opens a section). Paragraphs are told apart by
    their leads after a short finished line (`paragraph_leads`), so the stretch under a
    heading, up to the first lead, has no first sentence: `after_heading_first` marks it.

    Built once per page: each sentence's features are then binary searches over the
    page's line starts, paragraph leads and sentence starts."""

    def __init__(self, prose: Sequence[Span], layout: PageLayout) -> None:
        self.lines = layout.lines
        self.line_starts = [line.start for line in layout.lines]
        self.leads = sorted(layout.paragraph_leads)
        self.sentence_starts = [span.start_char for span in prose]  # prose is in page order
        heading: LineLayout | None = None
        self.heading_at: list[LineLayout | None] = []  # the last heading at or before a line
        for line in layout.lines:
            heading = line if line.kind == "heading" else heading
            self.heading_at.append(heading)

    def features(self, span: Span) -> Features:
        features: Features = {}
        at = bisect.bisect_right(self.line_starts, span.start_char) - 1
        here = bisect.bisect_left(self.sentence_starts, span.start_char)
        if at >= 0:
            line = self.lines[at]
            features[f"line_kind:{line.kind}"] = 1.0
            features[f"section:{line.section}"] = 1.0
            heading = self.heading_at[at]
            if heading is not None:
                between = max(here - bisect.bisect_left(self.sentence_starts, heading.end), 0)
                features["after_heading_first"] = float(between == 0)
                features["after_heading_second"] = float(between == 1)
                features["heading_level"] = float(heading.level)
        lead_at = bisect.bisect_right(self.leads, span.start_char) - 1
        lead = self.leads[lead_at] if lead_at >= 0 else 0
        first_at = bisect.bisect_left(self.sentence_starts, lead)
        end_at = len(self.sentence_starts)
        if lead_at + 1 < len(self.leads):
            end_at = bisect.bisect_left(self.sentence_starts, self.leads[lead_at + 1])
        first = lead_at >= 0 and first_at == here
        last = end_at - 1 == here
        features["paragraph_first"] = float(first)
        features["paragraph_last"] = float(last)
        features["paragraph_single"] = float(first and last)
        features["paragraph_sentences"] = log_count(max(end_at - first_at, 0))
        return features


def _grammar_features(span: Span, root: Token) -> Features:
    """What the parse says of a sentence's grammar: negation, comparison, a reported or
    argued clause, an adverbial clause (a condition, a cause), the tense of its main verb
    and the share of each part of speech (a claim is verbs and adjectives, a description
    names and numbers). One pass over the tokens; `root` is the span's (`span.root`, which
    costs a pass of its own)."""
    size = max(len(span), 1)
    deps: set[str] = set()
    comparative = pronoun_subject = False
    counts = dict.fromkeys(_POS_GROUPS, 0)
    numbers = 0
    for token in span:
        dep = token.dep_
        deps.add(dep)
        comparative = comparative or token.tag_ in _COMPARATIVE_TAGS
        pronoun_subject = pronoun_subject or (
            dep in ("nsubj", "nsubjpass") and token.pos_ == "PRON"
        )
        pos = token.pos_
        for name, tags in _POS_GROUPS.items():
            if pos in tags:
                counts[name] += 1
        numbers += token.like_num
    features: Features = {
        "negation": float("neg" in deps),
        "comparative": float(comparative),
        "clausal_complement": float("ccomp" in deps),
        "adverbial_clause": float("advcl" in deps),
        "root_be": float(root.lemma_ == "be"),
        "root_past": float(root.tag_ in ("VBD", "VBN")),
        "root_present": float(root.tag_ in ("VBZ", "VBP")),
        "pronoun_subject": float(pronoun_subject),
    }
    for name, count in counts.items():
        features[f"share:{name}"] = count / size
    features["share:number"] = numbers / size
    return features


_COMPARATIVE_TAGS = frozenset({"JJR", "RBR", "JJS", "RBS"})
_POS_GROUPS = {
    "adjective": ("ADJ",),
    "noun": ("NOUN", "PROPN"),
    "proper_noun": ("PROPN",),
    "verb": ("VERB", "AUX"),
}


def _small_print(pd: PageDoc, span: Span, layout: PageLayout) -> bool:
    """Whether a sentence is in smaller type than the body (a box, a caption, a note)."""
    return is_small(pd.page.size_at(span.start_char), layout.body_size, SMALL_PRINT_RATIO)


def summary_ranges(
    page_docs: Sequence[PageDoc], layouts: Sequence[PageLayout] | None = None
) -> dict[int, list[tuple[int, int]]]:
    """Where each page is inside a summary section (as the layout stage decided, or as
    `layouts` say), as (start, end) offsets of its text."""
    if layouts is None:
        layouts = page_layouts(page_docs)
    return {
        pd.page.index: layout.summary_ranges()
        for pd, layout in zip(page_docs, layouts, strict=True)
    }


def _claim_features(span: Span, place: Mapping[str, bool], rank: float) -> Features:
    """What the learned decider reads of one sentence: the rules' cues and rank, its place,
    and its grammar (modal verbs, tense of its main verb, person, numbers)."""
    features: Features = {f"flag:{flag}": 1.0 for flag in span._.extractor_claim_flags}
    features.update({f"place:{name}": 1.0 for name, on in place.items() if on})
    features[f"kind:{span._.extractor_claim_kind}"] = 1.0
    features["rule_score"] = float(span._.extractor_claim_score)
    features["rule_rank"] = rank
    features["rule_cue_count"] = log_count(len(span._.extractor_claim_cues))
    features["hedged"] = float(bool(span._.extractor_claim_hedged))
    words = [token for token in span if token.is_alpha]
    features["words"] = log_count(len(words))
    lowers = {token.lower_ for token in span}
    features["modal_strong"] = float(bool(lowers & _STRONG_MODALS))
    features["modal_weak"] = float(bool(lowers & _WEAK_MODALS))
    features["modal_will"] = float("will" in lowers)
    features["first_person"] = float(bool(lowers & _FIRST_PERSON))
    root = span.root
    features[f"root_tag:{root.tag_}"] = 1.0
    features["passive"] = float(any(t.dep_ in ("nsubjpass", "auxpass") for t in span))
    features["number"] = float(any(t.like_num for t in span))
    features["percent"] = float("%" in span.text or "per cent" in span.text.lower())
    features["money"] = float(bool(_MONEY.search(span.text)))
    features["demonstrative_start"] = float(span[0].lower_ in ("this", "these", "such"))
    features["entities"] = log_count(len(span.ents))
    features["capitalised_share"] = (
        sum(1 for t in words if t.text[:1].isupper()) / len(words) if words else 0.0
    )
    features.update(_grammar_features(span, root))
    return features


def choose_claims(
    page_docs: Sequence[PageDoc], data: dict[str, Any], model: Model | None = None
) -> dict[int, list[Span]]:
    """Each page's claims among its candidates, within a budget for the document.

    With a `model`, the learned decider ranks every prose sentence and the document keeps
    the most probable, `claims_per_text_page` (a setting tuned with the model) per page
    of text, at most `max_per_page` on one page. Without one, the rules decide (see
    `choose_by_rules`).
    """
    layouts = page_layouts(page_docs)  # read once: both steps below want them
    summary = summary_ranges(page_docs, layouts)
    candidates = claim_candidates(page_docs, data, summary, layouts)
    if model is None:
        rule_candidates = [c for c in candidates if c.rule_candidate]
        return choose_by_rules(page_docs, rule_candidates, data, summary)
    return choose_by_model(page_docs, candidates, model)


def alpha_words(doc: Doc) -> int:
    """The words of letters on a page (spaCy's IS_ALPHA), counted in one C-level pass."""
    return int(doc.count_by(IS_ALPHA).get(1, 0))


def text_page_count(page_docs: Sequence[PageDoc]) -> float:
    """How many pages of text the document holds: a page of MIN_TEXT_PAGE_WORDS words or
    more counts one, a shorter one (a slide, a one-paragraph letter) its share of that."""
    return sum(min(1.0, alpha_words(pd.doc) / MIN_TEXT_PAGE_WORDS) for pd in page_docs)


def choose_by_model(
    page_docs: Sequence[PageDoc], candidates: Sequence[ClaimCandidate], model: Model
) -> dict[int, list[Span]]:
    """The document's most probable claims under `model`, within its budget."""
    per_page = model.setting("claims_per_text_page", DEFAULT_CLAIMS_PER_TEXT_PAGE)
    page_cap = int(model.setting("max_per_page", DEFAULT_MAX_CLAIMS_PER_PAGE))
    budget = max(1, int(per_page * text_page_count(page_docs)))
    ranked = sorted(
        candidates,
        key=lambda c: (-round(model.probability(c.features), 9), c.order, c.span.start),
    )
    chosen: dict[int, list[Span]] = {pd.page.index: [] for pd in page_docs}
    count = 0
    for candidate in ranked:
        if count >= budget:
            break
        page = chosen[page_docs[candidate.order].page.index]
        if len(page) < page_cap:
            page.append(candidate.span)
            count += 1
    return {index: sorted(spans, key=lambda span: span.start) for index, spans in chosen.items()}


def choose_by_rules(
    page_docs: Sequence[PageDoc],
    candidates: Sequence[ClaimCandidate],
    data: dict[str, Any],
    summary: Mapping[int, Sequence[tuple[int, int]]],
) -> dict[int, list[Span]]:
    """Each page's claims among the rules' candidates, by rank within a budget.

    The document gets one claim per `words_per_claim` words, one per
    `words_per_claim_summary` in its summary sections, where a paper states its key
    claims. Every page first gets its best candidates up to `page_share` of what its own
    words allow (at least `min_per_page`), so that the claims spread over the paper
    rather than all coming from a few pages of strong sentences (pledges, figures); the
    rest of the budget goes to the best candidates of the whole document, a page taking
    at most one per `words_per_claim_max` words.
    """
    page_max: dict[int, int] = {}
    page_min: dict[int, int] = {}
    allowance = 0.0
    for pd in page_docs:
        ranges = summary.get(pd.page.index, [])
        words = alpha_words(pd.doc)
        in_summary = sum(
            1
            for token in pd.doc
            if token.is_alpha and any(lo <= token.idx < hi for lo, hi in ranges)
        )
        own = in_summary / float(data["words_per_claim_summary"])
        own += (words - in_summary) / float(data["words_per_claim"])
        allowance += own
        page_max[pd.page.index] = max(
            int(data["min_per_page"]), words // int(data["words_per_claim_max"])
        )
        page_min[pd.page.index] = min(
            page_max[pd.page.index],
            max(int(data["min_per_page"]), int(own * float(data["page_share"]))),
        )
    ranked = sorted(candidates, key=lambda c: (-c.rank, c.order, c.span.start))
    budget = max(1, int(allowance))
    chosen: dict[int, list[Span]] = {pd.page.index: [] for pd in page_docs}
    taken: set[tuple[int, int]] = set()
    for candidate in ranked:
        index = page_docs[candidate.order].page.index
        if len(chosen[index]) < page_min[index]:
            chosen[index].append(candidate.span)
            taken.add((candidate.order, candidate.span.start))
    count = len(taken)
    for candidate in ranked:
        index = page_docs[candidate.order].page.index
        if count >= budget:
            break
        key = (candidate.order, candidate.span.start)
        if key in taken or len(chosen[index]) >= page_max[index]:
            continue
        chosen[index].append(candidate.span)
        taken.add(key)
        count += 1
    return {index: sorted(spans, key=lambda span: span.start) for index, spans in chosen.items()}


def _candidates(
    pd: PageDoc, ranges: Sequence[tuple[int, int]], leads: frozenset[int]
) -> list[Span]:
    """A page's claim candidates, and the prose sentences that lead a paragraph of a
    summary section (`ranges`): there a report states its findings, cue words or not."""
    spans = list(pd.doc.spans.get(CLAIMS_KEY, []))
    for span in pd.doc.spans.get(PROSE_KEY, []):
        if any(lo <= span.start_char < hi for lo, hi in ranges) and (
            span.start_char in leads or _opens_line(doc_text(pd.doc), span.start_char)
        ):
            spans.append(span)
    return spans


def _run_on(doc: Doc) -> Span | None:
    """The start of a page that finishes the sentence the page before broke off."""
    for segment in segments(doc):
        if segment.text[:1].islower():
            return segment
        return None
    return None


def _cut_at_notes(claim: Claim, note_spans: set[tuple[int, int, int]]) -> Claim:
    """A claim whose sentence runs into a note below it (the sentence goes on over the page
    break, the notes come first) ends where the note begins."""
    start, end = claim.char_span.start, claim.char_span.end
    cut = min(
        (lo for index, lo, _ in note_spans if index == claim.page.index and start < lo < end),
        default=None,
    )
    if cut is None:
        return claim
    quote = claim.quote[: cut - start].rstrip()
    return replace(
        claim,
        quote=quote,
        char_span=CharSpan(start, start + len(quote)),
        text=None,  # the quote says it all: the run-on over the page break is cut off
    )


# A note marker may sit this many characters after the end of its sentence ("report.12").
MARKER_REACH = 3


def link_claims(
    claims: Sequence[Claim],
    citations: Sequence[Citation],
    cost_figures: Sequence[CostFigure],
    note_regions: Mapping[int, Sequence[tuple[int, int]]] | None = None,
) -> tuple[list[Claim], list[Citation]]:
    """Link claims to the citations whose markers they hold and the cost figures inside them.

    A claim cites a citation when one of its anchors lies in the claim's span on the same
    page, or just after it (a marker after the full stop); it holds a cost figure whose
    span lies inside its own on the same page. A claim that starts inside a note is not a
    claim of the paper's body and is dropped; one that runs into a note ends where the
    note begins. Notes are where `note_regions` says (page index -> spans, from
    `read_citations`), else where the notes' quotes are. Returns new claims and
    citations with `citation_ids`, `cost_figure_ids` and `cited_by` filled, symmetric by
    construction.
    """
    note_spans = {
        (c.page.index, c.char_span.start, c.char_span.end) for c in citations if c.kind != "url"
    }
    for index, spans in (note_regions or {}).items():
        note_spans.update((index, start, end) for start, end in spans)
    kept = [
        claim
        for claim in claims
        if not any(
            index == claim.page.index and lo <= claim.char_span.start < hi
            for index, lo, hi in note_spans
        )
    ]
    cited_by: dict[str, list[str]] = {c.id: [] for c in citations}
    out_claims = []
    for claim in (_cut_at_notes(claim, note_spans) for claim in kept):
        lo, hi = claim.char_span.start, claim.char_span.end + MARKER_REACH
        cites = [
            citation.id
            for citation in citations
            if any(
                a.page.index == claim.page.index and lo <= a.char_span.start < hi
                for a in citation.anchors
            )
        ]
        costs = [
            cost.id
            for cost in cost_figures
            if cost.page.index == claim.page.index
            and claim.char_span.start <= cost.char_span.start
            and cost.char_span.end <= claim.char_span.end
        ]
        for cid in cites:
            cited_by[cid].append(claim.id)
        out_claims.append(replace(claim, citation_ids=tuple(cites), cost_figure_ids=tuple(costs)))
    out_citations = [replace(c, cited_by=tuple(cited_by[c.id])) for c in citations]
    return out_claims, out_citations
