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

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from extractor.model import Citation, Claim, ClaimKind, CostFigure
from extractor.pages import item_id, locate
from extractor.text import collapse_whitespace

if TYPE_CHECKING:
    from extractor.extract import PageDoc

CLAIMS_KEY = "extractor_claims"
CUES_FILE = "claim_cues.json"
# Cue categories whose phrases are matched, and the claim kind each one stands for.
CUE_KINDS: dict[str, ClaimKind] = {
    "statistic": "statistic",
    "comparison": "comparison",
    "causal": "causal",
    "prediction": "prediction",
    "recommendation": "recommendation",
    "definition": "definition",
    "finding": "assertion",
}
# Characters that end a sentence (a segment that stops without one runs on).
SENTENCE_ENDINGS = (".", "!", "?", '"', "'", ")", ":", ";")
# A line is heading-like when it has at most this many words and no closing punctuation.
MAX_HEADING_WORDS = 12
# A sentence whose words are less than this share alphabetic is a table row or a list of
# figures, not prose.
MIN_ALPHA_SHARE = 0.6
# Characters of a page a table-of-contents line ends with: dot leaders and a page number.
_TOC_LINE = re.compile(r"(?:\.{3,}|…|\s{3,}|\.\s\.\s\.)\s*\d{1,4}\s*$|^\s*\d{1,4}\s*$")
_BULLET = re.compile(r"^\s*(?:[•●▪■◦‣*·o!-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")


@cache
def cue_data() -> dict[str, Any]:
    """The cue words and thresholds, loaded once from extractor/data."""
    text = (resources.files("extractor") / "data" / CUES_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _register_extensions() -> None:
    for name, default in (
        ("extractor_claim_kind", None),
        ("extractor_claim_cues", ()),
        ("extractor_claim_hedged", False),
        ("extractor_claim_score", 0.0),
    ):
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


@dataclass(frozen=True)
class Scored:
    """A sentence with the cues that fired in it and its score."""

    start: int  # token indexes
    end: int
    kind: ClaimKind
    cues: tuple[str, ...]
    hedged: bool
    score: float


class ClaimFinder:
    """Finds the claims of one page's Doc."""

    def __init__(self, nlp: Language, data: dict[str, Any]) -> None:
        self.data = data
        self.weights: dict[str, float] = data["weights"]
        self.matchers: dict[str, PhraseMatcher] = {}
        for category in (*CUE_KINDS, "emphasis"):
            matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
            phrases = data[category].get("phrases", [])
            matcher.add(category, [nlp.make_doc(phrase) for phrase in phrases])
            self.matchers[category] = matcher
        self.hedges = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.hedges.add("hedge", [nlp.make_doc(phrase) for phrase in data["hedges"]])
        self.boilerplate = tuple(data["skip"]["boilerplate"])
        self.caption_starts = frozenset(data["skip"]["caption_starts"])
        self.summary_headings = frozenset(data["summary_headings"])

    def __call__(self, doc: Doc) -> Doc:
        scored = [s for s in (self.score(seg) for seg in segments(doc)) if s is not None]
        words = sum(1 for token in doc if token.is_alpha)
        allowed = max(int(self.data["min_per_page"]), words // int(self.data["words_per_claim"]))
        chosen = sorted(scored, key=lambda s: (-s.score, s.start))[:allowed]
        spans = []
        for item in sorted(chosen, key=lambda s: s.start):
            span = Span(doc, item.start, item.end, label=item.kind)
            span._.extractor_claim_kind = item.kind
            span._.extractor_claim_cues = item.cues
            span._.extractor_claim_hedged = item.hedged
            span._.extractor_claim_score = item.score
            spans.append(span)
        doc.spans[CLAIMS_KEY] = spans
        return doc

    def score(self, span: Span) -> Scored | None:
        """The cues of a sentence and its score, or None when it is not a claim candidate."""
        if self.skip(span):
            return None
        found: dict[str, list[str]] = {}
        sub = span.as_doc()
        for category, matcher in self.matchers.items():
            for _, start, end in matcher(sub):
                found.setdefault(category, []).append(sub[start:end].text.lower())
        for category, cues in self._token_cues(span).items():
            found.setdefault(category, []).extend(cues)
        hedges = sorted({sub[s:e].text.lower() for _, s, e in self.hedges(sub)})
        kinds = [c for c in CUE_KINDS if c in found]
        if not kinds:
            return None
        score = sum(self.weights[c] for c in kinds)
        if "emphasis" in found:
            score += self.weights["emphasis"]
        if hedges:
            score += self.weights["hedge"]
        if _BULLET.match(span.doc.text[_line_start(span.doc.text, span.start_char) :]):
            score += self.weights["list_item"]
        if self._in_summary(span):
            score += self.weights["summary_section"]
        if score < float(self.data["min_score"]):
            return None
        order = self.data["kind_order"]
        best = max(kinds, key=lambda c: (self.weights[c], -order.index(c)))
        cues = []
        for category in kinds:
            for cue in found[category]:
                if cue not in cues:
                    cues.append(cue)
        return Scored(
            span.start, span.end, CUE_KINDS[best], tuple(cues), bool(hedges), round(score, 2)
        )

    def skip(self, span: Span) -> bool:
        """Whether a sentence is not prose to take claims from."""
        text = span.text.strip()
        words = [t for t in span if not t.is_punct and not t.is_space]
        if len(words) < int(self.data["min_words"]) or len(words) > int(self.data["max_words"]):
            return True
        if text.endswith("?") or _TOC_LINE.search(text):
            return True
        alpha = sum(1 for t in words if t.is_alpha)
        if alpha < MIN_ALPHA_SHARE * len(words):
            return True
        first = re.sub(r"^\W+", "", text).split(" ", 1)[0].lower().rstrip(".:")
        if first in self.caption_starts and re.match(r"^\W*\w+\.?\s*(?:\d|[A-Z]\b|:)", text):
            return True
        lower = text.lower()
        if any(marker in lower for marker in self.boilerplate):
            return True
        if not any(t.pos_ in ("VERB", "AUX") for t in span):
            return True
        letters = [c for c in text if c.isalpha()]
        return sum(1 for c in letters if c.isupper()) > 0.6 * len(letters)

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
        for token in span:
            lower = token.lower_
            if token.text == "%" or (lower in stat["number_words"] and token.i > span.start):
                add("statistic", token.text)
            if token.tag_ in data["comparison"]["tags"] and (
                lower not in data["comparison"]["exclude_words"] or _compares(token)
            ):
                add("comparison", token.text)
            if token.tag_ == "MD":
                if lower in data["recommendation"]["modals"]:
                    add("recommendation", token.text)
                elif lower in data["prediction"]["modals"]:
                    add("prediction", token.text)
            for category in ("causal", "prediction", "finding", "definition"):
                if (
                    token.lemma_.lower() in data[category].get("lemmas", ())
                    and token.pos_ == "VERB"
                ):
                    add(category, token.lemma_)
        if data["recommendation"].get("imperative") and _is_imperative(span):
            add("recommendation", "imperative: " + span.root.text)
        if span.root.lemma_ == "mean" and any(c.dep_ == "nsubj" for c in span.root.children):
            add("definition", span.root.text)
        return found

    def _in_summary(self, span: Span) -> bool:
        """Whether a summary heading ("Key findings", "Conclusions") is above it on its page."""
        before = span.doc.text[: span.start_char]
        for line in reversed(before.split("\n")[-60:]):
            key = re.sub(r"^\W*(?:\d+(?:\.\d+)*\.?\s+)?", "", line).strip().rstrip(":").lower()
            if key in self.summary_headings:
                return True
        return False


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
    words = [t for t in span if not t.is_punct and not t.is_space and t.text not in "•●▪■◦‣*·-!"]
    if not words or root != words[0] or root.tag_ != "VB":
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children)


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def segments(doc: Doc) -> Iterable[Span]:
    """The sentences of a page, split at line breaks that end a heading or a sentence.

    spaCy's sentences may run a heading into the sentence below it, or over a list; a hard
    line break (soft wraps are spaces in the text spaCy reads) after a heading-like line
    or after closing punctuation ends a segment. Lines that are only a marker or a number
    are dropped from the ends.
    """
    text = doc.text
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if "\n" in token.text_with_ws and token.i + 1 < sent.end:
                line_begin = _line_start(text, doc[start].idx)
                line = text[line_begin : token.idx + len(token.text)].strip()
                if _breaks_after(line):
                    yield from _trim(doc[start : token.i + 1])
                    start = token.i + 1
        if start < sent.end:
            yield from _trim(doc[start : sent.end])


def _breaks_after(line: str) -> bool:
    """Whether a hard line break after `line` ends a segment."""
    stripped = line.strip()
    if not stripped:
        return True
    if stripped.endswith((".", "!", "?", ":", ";")):
        return True
    words = stripped.split()
    return len(words) <= MAX_HEADING_WORDS and stripped[0].isupper() and not stripped.endswith(",")


def _trim(span: Span) -> Iterable[Span]:
    """Drop white space, bullets and lone markers at the ends of a segment."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (
        doc[start].is_space
        or doc[start].text in "•●▪■◦‣*·-!"
        or _is_leading_marker(doc, start, end)
    ):
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if end > start:
        yield doc[start:end]


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
    return ClaimFinder(nlp, cue_data())


# ---------------------------------------------------------------------------------------
# The collector and the links.


def collect_claims(page_docs: Sequence[PageDoc]) -> list[Claim]:
    """The claims of every page, each quoted from its page; text runs on over a page break."""
    claims: list[Claim] = []
    skip_first: set[tuple[int, int]] = set()
    for n, pd in enumerate(page_docs):
        spans = list(pd.doc.spans.get(CLAIMS_KEY, []))
        for span in spans:
            if (pd.page.index, span.start_char) in skip_first:
                continue
            ref, quote, char_span = locate(pd.page, span.start_char, span.end_char)
            text = collapse_whitespace(quote)
            if not text.endswith(SENTENCE_ENDINGS) and span.end_char >= len(pd.doc.text.rstrip()):
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
                    text=text,
                    kind=span._.extractor_claim_kind,
                    hedged=bool(span._.extractor_claim_hedged),
                    cues=tuple(span._.extractor_claim_cues),
                    citation_ids=(),
                    cost_figure_ids=(),
                )
            )
    return claims


def _run_on(doc: Doc) -> Span | None:
    """The start of a page that finishes the sentence the page before broke off."""
    for segment in segments(doc):
        if segment.text[:1].islower():
            return segment
        return None
    return None


# A note marker may sit this many characters after the end of its sentence ("report.12").
MARKER_REACH = 3


def link_claims(
    claims: Sequence[Claim], citations: Sequence[Citation], cost_figures: Sequence[CostFigure]
) -> tuple[list[Claim], list[Citation]]:
    """Link claims to the citations whose markers they hold and the cost figures inside them.

    A claim cites a citation when one of its anchors lies in the claim's span on the same
    page, or just after it (a marker after the full stop). A claim that falls inside a note
    is not a claim of the paper's body and is dropped. Returns new claims and citations
    with `citation_ids` and `cited_by` filled, symmetric by construction.
    """
    note_spans = {
        (c.page.index, c.char_span.start, c.char_span.end) for c in citations if c.kind != "url"
    }
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
    for claim in kept:
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
