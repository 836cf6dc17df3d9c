"""Finding a phrase in a document's page texts, the way a reader would, not byte for byte.

A phrase and the pages are compared as runs of word characters: case, accents, ligatures,
punctuation, white space, line breaks and hyphens (a word hyphenated across a line end,
"well-being" against "wellbeing") do not matter, but a match must begin and end at word
boundaries, so that "art" is not found in "start". `--fuzzy` also accepts near matches
(a changed letter, a missing word) and scores them. The page texts are the ones extraction
emits (`extractor.pages.prepare_pages`), so the labels are the printed page numbers.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from extractor.model import CharSpan, PageRef
from extractor.pages import PageText, prepare_pages
from extractor.pdf import read_pdf
from extractor.text import collapse_whitespace, normalise_chars

# Near matches scoring below this (0..1: rapidfuzz's ratio of the two letter runs, out of 1
# rather than 100) are dropped.
FUZZY_THRESHOLD = 0.8
# A fuzzy window may have this many words more or fewer than the phrase.
FUZZY_WORD_SLACK = 2
# Characters of page text shown on each side of a match.
CONTEXT_CHARS = 60

# A word: letters and digits, joined through a hyphen and any white space after it
# ("pro-\ngramme", "high- performing", "well-being" are each one word).
_WORD = re.compile(r"[^\W_]+(?:-\s*[^\W_]+)*")


@dataclass(frozen=True)
class Token:
    """One word of a page: its folded letters and where it is in the page text."""

    folded: str
    page: int  # position of the page in the document's page list (0-based)
    start: int
    end: int


@dataclass(frozen=True)
class Match:
    """One place where a phrase was found: the pages it starts and ends on, and its score."""

    page: PageRef
    end_page: PageRef
    char_span: CharSpan  # start on `page`, end on `end_page`
    score: float
    context: str


@functools.cache
def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if c.isalnum()).casefold()


def fold(text: str) -> str:
    """The letters and digits of `text`, lower case, without accents or ligatures."""
    return "".join(_fold_char(c) for c in text)


def words(text: str) -> list[str]:
    """The folded words of `text` (a phrase a user typed, or a clause of a citing text)."""
    folded = (fold(m.group()) for m in _WORD.finditer(normalise_chars(text)))
    return [w for w in folded if w]


def load_pages(
    path: str | Path, password: str | None = None, max_pages: int | None = None
) -> list[PageText]:
    """Read a PDF and return its page texts exactly as extraction makes them."""
    pages, _warnings = prepare_pages(read_pdf(path, password=password, max_pages=max_pages))
    return pages


class DocumentText:
    """The words of every page of a document, searchable as one run across page breaks."""

    def __init__(self, pages: Sequence[PageText]) -> None:
        self.pages = list(pages)
        tokens: list[Token] = []
        for position, page in enumerate(self.pages):
            for m in _WORD.finditer(page.text):
                folded = fold(m.group())
                if folded:
                    tokens.append(Token(folded, position, m.start(), m.end()))
        self.tokens = tokens
        # The folded letters of all tokens, end to end; token k is letters[starts[k]:ends[k]].
        self.starts: list[int] = []
        self.ends: list[int] = []
        length = 0
        for token in tokens:
            self.starts.append(length)
            length += len(token.folded)
            self.ends.append(length)
        self.letters = "".join(token.folded for token in tokens)
        self._start_set = {start: k for k, start in enumerate(self.starts)}

    def find(self, phrase: str) -> list[Match]:
        """Every place where the words of `phrase` occur, starting and ending on word bounds."""
        target = "".join(words(phrase))
        if not target:
            return []
        matches = []
        at = self.letters.find(target)
        while at != -1:
            first = self._start_set.get(at)
            end = at + len(target)
            last = bisect.bisect_right(self.starts, end - 1) - 1
            if first is not None and self.ends[last] == end:
                matches.append(self._match(first, last, 1.0))
            at = self.letters.find(target, at + 1)
        return matches

    def find_fuzzy(self, phrase: str, threshold: float = FUZZY_THRESHOLD) -> list[Match]:
        """The best near match of `phrase` on each stretch of text scoring at least `threshold`.

        Windows of about as many words as the phrase are compared letter by letter (the
        score is their normalised Indel similarity, 2 * matching letters / letters of both,
        as difflib's ratio); of overlapping windows only the best scoring one is kept.
        """
        target = "".join(words(phrase))
        count = len(words(phrase))
        if not target:
            return []
        sizes = range(max(1, count - FUZZY_WORD_SLACK), count + FUZZY_WORD_SLACK + 1)
        best: dict[int, tuple[float, int, int]] = {}
        # Shorter windows first, so that a tie keeps the shorter one.
        for size in sizes:
            ends = self.ends[size - 1 :]
            windows = [self.letters[s:e] for s, e in zip(self.starts, ends, strict=False)]
            hits = process.extract(
                target, windows, scorer=fuzz.ratio, score_cutoff=threshold * 100, limit=None
            )
            for _window, percent, first in hits:
                score = percent / 100
                if first not in best or score > best[first][0]:
                    best[first] = (score, first, first + size - 1)
        kept = _best_of_overlaps(best.values())
        return [self._match(first, last, score) for score, first, last in kept]

    def _match(self, first: int, last: int, score: float) -> Match:
        start_token, end_token = self.tokens[first], self.tokens[last]
        start_page, end_page = self.pages[start_token.page], self.pages[end_token.page]
        before = start_page.text[max(0, start_token.start - CONTEXT_CHARS) : start_token.start]
        if start_page is end_page:
            middle = start_page.text[start_token.start : end_token.end]
        else:
            middle = start_page.text[start_token.start :] + " " + end_page.text[: end_token.end]
        after = end_page.text[end_token.end : end_token.end + CONTEXT_CHARS]
        context = collapse_whitespace(before + middle + after)
        if start_token.start > CONTEXT_CHARS:
            context = "..." + context
        if end_token.end + CONTEXT_CHARS < len(end_page.text):
            context += "..."
        return Match(
            page=start_page.ref,
            end_page=end_page.ref,
            char_span=CharSpan(start_token.start, end_token.end),
            score=round(score, 3),
            context=context,
        )


def _best_of_overlaps(found: Iterable[tuple[float, int, int]]) -> list[tuple[float, int, int]]:
    """Keep, of windows that overlap, the best scoring (the earliest on a tie)."""
    kept: list[tuple[float, int, int]] = []
    for candidate in sorted(found, key=lambda f: (-f[0], f[1])):
        if all(candidate[2] < k[1] or candidate[1] > k[2] for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda k: k[1])


@dataclass(frozen=True)
class PageHit:
    """A page where a phrase occurs: the best match that starts on it."""

    index: int
    label: str | None
    score: float
    context: str


def find_phrase(
    pages: Sequence[PageText] | DocumentText,
    phrase: str,
    *,
    fuzzy: bool = False,
    threshold: float = FUZZY_THRESHOLD,
) -> list[PageHit]:
    """The pages where `phrase` occurs (exactly, or with `fuzzy` nearly), in page order."""
    document = pages if isinstance(pages, DocumentText) else DocumentText(pages)
    matches = document.find_fuzzy(phrase, threshold) if fuzzy else document.find(phrase)
    best: dict[int, Match] = {}
    for match in matches:
        held = best.get(match.page.index)
        if held is None or match.score > held.score:
            best[match.page.index] = match
    return [
        PageHit(m.page.index, m.page.label, m.score, m.context)
        for _index, m in sorted(best.items())
    ]


__all__ = [
    "CONTEXT_CHARS",
    "FUZZY_THRESHOLD",
    "DocumentText",
    "Match",
    "PageHit",
    "find_phrase",
    "fold",
    "load_pages",
    "words",
]
