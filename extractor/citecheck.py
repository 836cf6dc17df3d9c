"""Checking a third party's page citations of a paper ("they call it 'personal media' (p. 8)").

A citing text (a review, a blog post, an email) names pages by their printed numbers: "(p. 8)",
"p.10", "pp. 12-13", "pages 12 and 14", "page iv". For each citation we take the words it
supports, the quoted phrase just before it or else the clause before it, look for them in
the paper, and say whether they are on the cited page, on another page (which), or nowhere.

A quoted phrase must occur as written (up to case, punctuation, line breaks and hyphens;
near matches are accepted at a high score). A clause is usually a paraphrase with words of
its own ("The authors argue that ..."), so it counts as found on a page when most of its
words occur there in runs, in order and close together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from extractor.find import DocumentText, Match, words
from extractor.pages import PageText
from extractor.text import collapse_whitespace, normalise_chars

CitationStatus = Literal["ok", "wrong_page", "not_found"]

# A quoted phrase that is not found as written is accepted at this fuzzy score or above.
QUOTE_FUZZY_THRESHOLD = 0.9
# A clause is found on a page when this share of its words occurs there in runs...
CLAUSE_MIN_COVERAGE = 0.6
# ...of at least this many words in a row (shorter runs are common words by chance).
CLAUSE_MIN_RUN = 3
# Matched runs further apart on the page than this many words times the clause's length
# are not the same passage.
CLAUSE_SPREAD = 2
# A clause shorter than this many words is not worth checking alone (e.g. "however").
MIN_CLAUSE_WORDS = 3

_PAGE_NUMBER = r"(?:\d{1,4}|[ivxlcdm]{1,7})\b"
# "p. 8", "p.10", "pp. 12-13", "page 8", "pages 12 and 14", "pg. 3", "p. iv".
_CITATION = re.compile(
    rf"(?<![\w.])(?P<keyword>pp?\.|pgs?\.|pages?)(?P<space>\s*)(?P<first>{_PAGE_NUMBER})"
    rf"(?P<more>(?:\s*(?:-|to|and|&|,)\s*{_PAGE_NUMBER})*)",
    re.IGNORECASE,
)
_MORE_NUMBER = re.compile(rf"(?P<sep>-|to|and|&|,)\s*(?P<number>{_PAGE_NUMBER})", re.IGNORECASE)
_RANGE_SEPARATORS = frozenset({"-", "to"})
# Where a sentence ends: . ! or ? (and closing quotes or brackets), space, then a capital,
# a quote or a bracket; or a blank line.
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[A-Z\"'(\[])|\n\s*\n")
# Where a clause inside a sentence starts, for the candidates tried after the whole one.
_CLAUSE_START = re.compile(r"[,;:]\s+|\bthat\s+|\s-\s", re.IGNORECASE)
_DOUBLE_QUOTED = re.compile(r'"([^"]+)"')
_SINGLE_QUOTED = re.compile(r"(?<![\w])'([^']+?)'(?![\w])")
# What may stand between a closing quote and its citation: punctuation, a bracket opening,
# an author and year ("'personal media' (Leadbeater 2010, p. 8)").
_QUOTE_TO_CITATION = re.compile(r"[\s,.;:]*(?:\([^()]*)?$")
_ROMAN = re.compile(r"[ivxlcdm]+", re.IGNORECASE)


@dataclass(frozen=True)
class PageCitation:
    """One page citation in a citing text: the labels it names and the words it supports."""

    cited: str  # as written, tidied: "8", "12-13", "12, 14"
    labels: tuple[str, ...]  # the labels it names, ranges expanded where the paper allows
    text: str
    quoted: bool
    offset: int  # where the citation is in the (normalised) citing text


@dataclass(frozen=True)
class CitationCheck:
    """The verdict on one citation."""

    cited: str
    text: str
    status: CitationStatus
    found_labels: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """The JSON form `check-citations --json` prints."""
        return {
            "cited": self.cited,
            "text": self.text,
            "status": self.status,
            "found_labels": list(self.found_labels),
        }


def parse_citations(text: str, labels: Sequence[str | None] = ()) -> list[PageCitation]:
    """Find the page citations in `text` and the words each supports.

    `labels` (the paper's page labels in order) lets a range such as "iv-2" or "12-3" be
    expanded as the paper numbers its pages.
    """
    text = normalise_chars(text)
    citations = []
    previous_end = 0
    for m in _CITATION.finditer(text):
        numbers = [(None, m.group("first"))] + [
            (sep.group("sep").lower(), sep.group("number"))
            for sep in _MORE_NUMBER.finditer(m.group("more"))
        ]
        if _is_roman(m.group("first")) and not m.group("space"):
            continue  # "p.m." and the like, not a page
        cited, cited_labels = _cited_labels(numbers, labels)
        end = _end_of_citation(text, m.end())
        supported, quoted = _supported_words(text, previous_end, m.start(), end)
        previous_end = end
        citations.append(
            PageCitation(cited, cited_labels, collapse_whitespace(supported), quoted, m.start())
        )
    return citations


def _is_roman(number: str) -> bool:
    return bool(_ROMAN.fullmatch(number))


def _cited_labels(
    numbers: list[tuple[str | None, str]], labels: Sequence[str | None]
) -> tuple[str, tuple[str, ...]]:
    parts: list[str] = []
    cited: list[str] = []
    for separator, number in numbers:
        if separator in _RANGE_SEPARATORS and cited:
            first = cited[-1]
            last = _complete_abbreviated(first, number)
            cited.extend(_label_range(first, last, labels)[1:])
            parts[-1] = f"{parts[-1]}-{last}"
        else:
            cited.append(number)
            parts.append(number)
    return ", ".join(parts), tuple(dict.fromkeys(cited))


def _complete_abbreviated(first: str, last: str) -> str:
    """ "123-5" means 123-125: fill in the leading digits the writer left out."""
    if first.isdigit() and last.isdigit() and len(last) < len(first) and int(last) < int(first):
        return first[: len(first) - len(last)] + last
    return last


def _label_range(first: str, last: str, labels: Sequence[str | None]) -> list[str]:
    """The labels from `first` to `last`: in the paper's page order, else by number."""
    lowered = [label.lower() if label else None for label in labels]
    if first.lower() in lowered and last.lower() in lowered:
        start, end = lowered.index(first.lower()), lowered.index(last.lower())
        if start <= end:
            return [label for label in labels[start : end + 1] if label]
    if first.isdigit() and last.isdigit() and int(first) <= int(last):
        return [str(n) for n in range(int(first), int(last) + 1)]
    return [first, last]


def _end_of_citation(text: str, end: int) -> int:
    """Where the citation's own words end: after the closing bracket, if it is bracketed."""
    closing = re.match(r"[^()\n]{0,40}?\)", text[end:])
    return end + closing.end() if closing else end


def _supported_words(text: str, floor: int, at: int, end: int) -> tuple[str, bool]:
    """The quoted phrase or the clause before the citation at `at` (not before `floor`).

    A citation that opens its sentence ("On page 8 the authors call it ...") supports the
    rest of the sentence instead.
    """
    before = text[floor:at]
    bracket = before.rfind("(")
    inside_bracket = bracket != -1 and ")" not in before[bracket:]
    before_bracket = before[:bracket] if inside_bracket else before
    quote = _last_quote(before)
    if quote is not None and _QUOTE_TO_CITATION.match(before[quote[1] :]):
        return quote[0], True
    sentence = _last_sentence(before_bracket)
    if len(words(sentence)) < MIN_CLAUSE_WORDS and not before_bracket.rstrip().endswith("."):
        following = _first_sentence(text[end:])
        if len(words(following)) >= MIN_CLAUSE_WORDS:
            sentence = following
    if not words(sentence):  # "... pennies. (p. 10)": the citation follows its sentence
        sentence = _last_sentence(before_bracket.rstrip()[:-1])
    quote = _last_quote(sentence)
    if quote is not None:
        return quote[0], True
    return sentence.strip().rstrip(",;:-.").strip(), False


def _last_quote(text: str) -> tuple[str, int] | None:
    """The last quoted phrase in `text` and the offset just after its closing quote."""
    found = [
        (m.group(1).strip(), m.end())
        for pattern in (_DOUBLE_QUOTED, _SINGLE_QUOTED)
        for m in pattern.finditer(text)
        if words(m.group(1))
    ]
    return max(found, key=lambda f: f[1]) if found else None


def _first_sentence(text: str) -> str:
    end = _SENTENCE_END.search(text)
    next_citation = _CITATION.search(text)
    stops = [m.start() for m in (end, next_citation) if m is not None]
    return text[: min(stops)].rstrip(" .") if stops else text


def _last_sentence(text: str) -> str:
    ends = list(_SENTENCE_END.finditer(text))
    return text[ends[-1].end() :] if ends else text


def _clause_candidates(clause: str) -> list[list[str]]:
    """The clause's words, and those of each shorter tail of it that starts a clause."""
    candidates = [words(clause)]
    for m in _CLAUSE_START.finditer(clause):
        tail = words(clause[m.end() :])
        if len(tail) >= MIN_CLAUSE_WORDS:
            candidates.append(tail)
    return candidates


def coverage(clause_words: Sequence[str], page_words: Sequence[str]) -> float:
    """The share of `clause_words` that occurs in `page_words` in runs, in order, close by."""
    if not clause_words:
        return 0.0
    matcher = SequenceMatcher(None, list(clause_words), list(page_words), autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= CLAUSE_MIN_RUN]
    if not blocks:
        return 0.0
    anchor = max(blocks, key=lambda b: b.size)
    reach = CLAUSE_SPREAD * len(clause_words)
    near = [b for b in blocks if abs(b.b - anchor.b) <= reach]
    return sum(b.size for b in near) / len(clause_words)


class CitationChecker:
    """Checks citations against one paper, whose pages are read once."""

    def __init__(self, pages: Sequence[PageText]) -> None:
        self.document = DocumentText(pages)
        self.pages = list(pages)
        self._page_words: list[list[str]] = [[] for _ in self.pages]
        for token in self.document.tokens:
            self._page_words[token.page].append(token.folded)

    @property
    def labels(self) -> list[str | None]:
        """The pages' labels, in order."""
        return [page.label for page in self.pages]

    def check_text(self, text: str) -> list[CitationCheck]:
        """Parse `text` for page citations and check each one."""
        return [self.check(citation) for citation in parse_citations(text, self.labels)]

    def check(self, citation: PageCitation) -> CitationCheck:
        """Whether the words `citation` supports are on its pages, on others, or nowhere."""
        cited = {label.lower() for label in citation.labels}
        found = self._quote_pages(citation.text) if citation.quoted else set()
        ok = bool(found & cited)
        if not ok:
            # A clause; or a quote broken by what the PDF puts between its parts (notes at
            # a page foot, a running header), which is then looked for as a clause is.
            clause_found, ok = self._clause_pages(citation.text, cited)
            found = found | clause_found if ok else (found or clause_found)
        found_labels = tuple(
            page.label for page in self.pages if page.label and page.label.lower() in found
        )
        status: CitationStatus = "ok" if ok else "wrong_page" if found_labels else "not_found"
        return CitationCheck(citation.cited, citation.text, status, found_labels)

    def _quote_pages(self, quote: str) -> set[str]:
        matches = self.document.find(quote) or self.document.find_fuzzy(
            quote, QUOTE_FUZZY_THRESHOLD
        )
        return {label.lower() for match in matches for label in _match_labels(match)}

    def _clause_pages(self, clause: str, cited: set[str]) -> tuple[set[str], bool]:
        candidates = [c for c in _clause_candidates(clause) if c]
        found: set[str] = set()
        for position, page in enumerate(self.pages):
            score = max((coverage(c, self._page_words[position]) for c in candidates), default=0)
            if score >= CLAUSE_MIN_COVERAGE and page.label:
                found.add(page.label.lower())
        if found & cited:
            return found, True
        # A passage may start on the cited page and run over onto the next.
        for position, page in enumerate(self.pages[:-1]):
            if not page.label or page.label.lower() not in cited:
                continue
            here, there = self._page_words[position], self._page_words[position + 1]
            for candidate in candidates:
                joined = coverage(candidate, here + there)
                if joined >= CLAUSE_MIN_COVERAGE and coverage(candidate, here) > 0:
                    following = self.pages[position + 1].label
                    spread = {page.label.lower(), *([following.lower()] if following else [])}
                    return found | spread, True
        return found, False


def _match_labels(match: Match) -> list[str]:
    labels = [match.page.label, match.end_page.label]
    return [label for label in labels if label]


__all__ = [
    "CitationCheck",
    "CitationChecker",
    "PageCitation",
    "coverage",
    "parse_citations",
]
