"""The layout stage: what each line of a page is, decided once per document.

Before the components read a page, this stage decides for each of its non-blank lines
what kind of line it is (a heading and its level, body text, a list item, a caption, a
table row, a note, a running header or footer) and which section of the document it
sits in (a summary, the body, the appendices, a notes or references section). The
decisions go to `doc.spans["extractor_layout"]`, as spacy-layout hands on its layout:
one span per line, labelled with its kind, with the section and heading level as span
attributes; the group's attrs hold what is exact or page-wide (each line's offsets and
font size, the document's body size, whether the page is in the appendices, where
paragraphs begin and where notes sections open).

Every threshold the components used to apply each in their own way is a named constant
here. The components read the result through `page_layout` (nlp/claims.py,
nlp/citations.py); documents parsed without the stage get it on first read.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from spacy.tokens import Doc, Span, SpanGroup

from extractor.labels import is_bare_label_line
from extractor.model import CitationKind
from extractor.nlp.types import PageDoc
from extractor.pages import PageText
from extractor.text import collapse_whitespace, usual_line_length
from extractor.wordlists import every_language

LAYOUT_KEY = "extractor_layout"
SECTION_ATTR = "extractor_layout_section"
LEVEL_ATTR = "extractor_layout_level"

LineKind = Literal[
    "heading", "body", "list_item", "caption", "table_row", "note", "header", "footer"
]
SectionKind = Literal["summary", "body", "appendix", "notes", "references"]

# ---------------------------------------------------------------------------------------
# Thresholds, all in one place.

# A line in a font this much larger than the body's is a heading (at least as large, for
# the heading that closes a summary; larger, for one that closes a notes section).
HEADING_SIZE_RATIO = 1.15
# A heading line holds at most this many words; one that closes a notes or references
# section at most SECTION_END_HEADING_WORDS.
MAX_HEADING_WORDS = 12
SECTION_END_HEADING_WORDS = 6
# Deepest heading level told apart by font size (larger sizes are higher levels).
MAX_HEADING_LEVEL = 6
# A line is in a footnote's font at most at NOTE_SIZE_RATIO of the body size; text at most
# SMALL_PRINT_RATIO of it is small print (a box, a caption, a note).
NOTE_SIZE_RATIO = 0.95
SMALL_PRINT_RATIO = 0.9
# Two lines are in the same size where they differ by at most this share of it.
SAME_SIZE_TOLERANCE = 0.02
# Without font sizes, a line is a heading when it does not end a sentence and this share
# of its longer words are capitalised ("Why Councils Should Use Social Media").
HEADING_CAPITALS_SHARE = 0.7
# A line that ends a sentence and falls this short of a full line of its page ends its
# paragraph (the text keeps no blank line between paragraphs in many reports).
PARAGRAPH_END_SHARE = 0.85
# For `opens_paragraph`: a full line is the one at this quantile of the page's line
# lengths; a line without end punctuation this short, before a sentence, is a heading.
FULL_LINE_QUANTILE = 0.9
MAX_HEADING_LINE_CHARS = 60
# A table row: fewer than this share of its words are words of letters, and it holds at
# least MIN_TABLE_ROW_FIGURES figures.
MIN_ALPHA_SHARE = 0.6
MIN_TABLE_ROW_FIGURES = 2
# A line at the top or bottom of its page that recurs there on at least this many pages
# (digits aside), in at most RUNNING_MAX_WORDS words, is a running header or footer.
RUNNING_MIN_PAGES = 3
RUNNING_MAX_WORDS = 6

# A page whose first APPENDIX_HEADING_LINES non-empty lines hold a heading like this, in
# the second half of the document, starts the appendices.
APPENDIX_HEADING = re.compile(r"^(?:appendix|annex|annexe)\b(?:\s+[A-Z0-9IVX]{1,4}\b)?", re.I)
APPENDIX_HEADING_LINES = 3
# A caption or source line ("Figure 2: ...", "Table 1 ...").
CAPTION = re.compile(r"^(?:figure|fig\.|table|chart|exhibit|source|note)s?\s*[\dA-Z]", re.I)
# What follows a caption's first word: a number, a capital letter or a colon.
CAPTION_LABEL = re.compile(r"^\W*\w+\.?\s*(?:\d|[A-Z]\b|:)")
# A list item's bullet or number.
BULLET = re.compile(r"^\s*(?:[^\w\s(\[\"'$£€¥%&]|o|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")
# A line ending a sentence (with a note marker after it, perhaps): a paragraph may end.
SENTENCE_END_LINE = re.compile(r"[.!?:][\"'”’)\]]*(?:\s?\d{1,3})?\s*$")
# Characters that end a sentence, for `opens_paragraph`.
SENTENCE_END = re.compile(r"[.!?:;][\"')\]]*\s*$")
# A note's first line: a number or a note symbol, then its text.
NOTE_LINE = re.compile(r"^(?:\d{1,3}|[*†‡§¶])\s?\S")
# A figure in a table cell: "12", "3.5", "1,200", "-4".
FIGURE = re.compile(r"[-+]?\d[\d,.]*")
# Columns of a table row: runs of white space inside the line.
COLUMN_GAP = re.compile(r"\S\s{3,}(?=\S)")

# Headings that open a section of notes (numbered, cited by markers) or of references; the
# other languages' are in extractor/data/lang ("citations").
NOTE_SECTION_HEADINGS: frozenset[str] = frozenset(
    ["notes", "endnotes", "end notes", "footnotes", "notes and references", "chapter notes"]
) | every_language("citations", "note_headings")
REFERENCE_SECTION_HEADINGS: frozenset[str] = frozenset(
    [
        "references",
        "reference list",
        "references and notes",
        "bibliography",
        "select bibliography",
        "works cited",
        "literature",
        "literature cited",
        "sources",
        "sources and notes",
        "further reading",
        "citations",
    ]
) | every_language("citations", "reference_headings")
# Headings after which a notes or references section is over.
SECTION_END_HEADINGS = re.compile(
    r"^(?:appendix|annex|annexe|glossary|index|acknowledg|about (?:the )?(?:authors?|us)|"
    r"contents|chapter \d|part [ivx\d]|abbreviations|acronyms)",
    re.IGNORECASE,
)
# The words of summary headings and the section names that close a summary live with the
# claim cues (they were tuned with them); how many pages a summary may run at most.
CUES_FILE = "claim_cues.json"


@cache
def summary_words() -> dict[str, Any]:
    """`summary_headings`, `other_headings` and `max_summary_pages` of the claim cues."""
    text = (resources.files("extractor") / "data" / CUES_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    return {
        "summary_headings": frozenset(data["summary_headings"]),
        "other_headings": frozenset(data["other_headings"]),
        "max_summary_pages": int(data["max_summary_pages"]),
    }


# ---------------------------------------------------------------------------------------
# Lines and their fonts.


@dataclass(frozen=True)
class Line:
    """One line of a page's text: its offsets and its text."""

    start: int
    end: int
    text: str


def page_lines(text: str) -> list[Line]:
    """The lines of `text` with their offsets."""
    lines, position = [], 0
    for part in text.split("\n"):
        lines.append(Line(position, position + len(part), part))
        position += len(part) + 1
    return lines


def line_index(lines: Sequence[Line], offset: int) -> int:
    """Index of the line that holds `offset`."""
    lo, hi = 0, len(lines) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if lines[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def next_filled(lines: Sequence[Line], i: int) -> int | None:
    """Index of the first non-blank line after line `i`, or None."""
    return next((j for j in range(i + 1, len(lines)) if lines[j].text.strip()), None)


def heading_key(text: str) -> str:
    """A line as a heading would be compared: lower case, no numbering or trailing colon."""
    key = re.sub(r"^\s*(?:\d+(?:\.\d+)*|[ivxIVX]+)[.)]?\s+", "", text).strip().rstrip(":").strip()
    return collapse_whitespace(key.lower())


def note_section_kind(line: str) -> CitationKind | None:
    """'endnote' or 'reference' when `line` is a heading that opens such a section."""
    key = heading_key(line)
    if key in NOTE_SECTION_HEADINGS:
        return "endnote"
    if key in REFERENCE_SECTION_HEADINGS:
        return "reference"
    return None


def document_body_size(pages: Iterable[PageText]) -> float | None:
    """The font size of most of the document's characters, or None without font sizes."""
    counts: Counter[float] = Counter()
    for page in pages:
        for run in page.font_runs:
            counts[run.size] += sum(1 for c in page.text[run.start : run.end] if not c.isspace())
    return counts.most_common(1)[0][0] if counts else None


def line_sizes(page: PageText, lines: Sequence[Line]) -> list[float | None]:
    """The font size of most characters of each line (None where unknown)."""
    out: list[float | None] = []
    runs = page.font_runs
    first = 0
    for line in lines:
        counts: Counter[float] = Counter()
        while first < len(runs) and runs[first].end <= line.start:
            first += 1
        k = first
        while k < len(runs) and runs[k].start < line.end:
            lo, hi = max(runs[k].start, line.start), min(runs[k].end, line.end)
            counts[runs[k].size] += sum(1 for c in page.text[lo:hi] if not c.isspace())
            k += 1
        out.append(counts.most_common(1)[0][0] if counts else None)
    return out


def is_small(size: float | None, body_size: float | None, ratio: float = NOTE_SIZE_RATIO) -> bool:
    """Whether text of `size` is set smaller than the body: at most `ratio` of it."""
    return size is not None and body_size is not None and size <= body_size * ratio


def looks_like_title(text: str) -> bool:
    """A title-case line that does not end like a sentence."""
    if text.rstrip().endswith((".", "!", "?", ";", ":", '."', ".'", '"', ")")):
        return False
    words = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*", text) if len(w) > 3]
    capitalised = sum(1 for w in words if w[0].isupper())
    return bool(words) and capitalised >= HEADING_CAPITALS_SHARE * len(words)


def is_heading_shaped(text: str) -> bool:
    """Short enough for a heading and not ending as a sentence or a clause does."""
    return len(text.split()) <= MAX_HEADING_WORDS and not text.rstrip().endswith((".", ",", ";"))


def ends_notes_section(text: str, size: float | None, body_size: float | None) -> bool:
    """Whether a line is a heading that closes a notes or references section: a section
    name such as "Appendix" or "Glossary", or a short line in a larger font."""
    text = text.strip()
    if len(text.split()) > SECTION_END_HEADING_WORDS:
        return False
    if SECTION_END_HEADINGS.match(text):
        return True
    return body_size is not None and size is not None and size > body_size * HEADING_SIZE_RATIO


# ---------------------------------------------------------------------------------------
# Paragraphs.


def paragraph_leads(text: str) -> frozenset[int]:
    """Offsets of the page text where a paragraph begins after a line wrap the text kept.

    spaCy reads soft wraps as spaces, so a paragraph whose last line is fairly long looks
    like a run-on; on the page, that line ends a sentence short of the right margin.
    """
    lines = text.split("\n")
    usual = usual_line_length(lines)
    leads: set[int] = set()
    position = 0
    for line, following in itertools.pairwise(lines):
        position += len(line) + 1
        if (
            usual is not None
            and following.strip()
            and len(line.rstrip()) < PARAGRAPH_END_SHARE * usual
            and SENTENCE_END_LINE.search(line)
        ):
            leads.add(position + len(following) - len(following.lstrip()))
    return frozenset(leads)


def opens_paragraph(text: str, start: int) -> bool:
    """Whether the sentence at `start` opens a paragraph: it starts a line, and the line
    before is a heading or the short last line of a finished paragraph.

    Unlike `paragraph_leads`, a full line here is the FULL_LINE_QUANTILE longest (of the
    stripped lines) and a short unpunctuated line before is a heading: the examples'
    decider was fitted on this reading.
    """
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        return False
    lines = text[:line_start].rstrip("\n").split("\n")
    previous = lines[-1].strip() if lines else ""
    if not previous:
        # The top of a page: a paragraph opens there unless a sentence runs on into it.
        return text[start : start + 1].isupper()
    if not SENTENCE_END.search(previous):
        return len(previous) <= MAX_HEADING_LINE_CHARS and previous[:1].isupper()
    lengths = sorted(len(line.strip()) for line in text.split("\n") if line.strip())
    full = lengths[int(len(lengths) * FULL_LINE_QUANTILE)] if lengths else 0
    return len(previous) < PARAGRAPH_END_SHARE * full


# ---------------------------------------------------------------------------------------
# Sections.


def appendix_start(pages: Sequence[PageText]) -> int | None:
    """The index of the page where a document's appendices begin, or None.

    Appendices come at the end: the first page in the second half of the document whose
    first lines start with "Appendix" or "Annex" (a title or a running header) opens them.
    """
    if not pages:
        return None
    half = pages[-1].index / 2
    for page in pages:
        if page.index <= half:
            continue
        lines = [line.strip() for line in page.text.split("\n") if line.strip()]
        if any(APPENDIX_HEADING.match(line) for line in lines[:APPENDIX_HEADING_LINES]):
            return page.index
    return None


def opens_summary(line: str, headings: frozenset[str]) -> bool:
    """Whether a line is a summary heading, or starts with one ("SUMMARY: ...")."""
    if heading_key(line) in headings:
        return True
    stripped = line.strip()
    if ":" in stripped:
        prefix = stripped.split(":", 1)[0]
        if heading_key(prefix) in headings and prefix.strip().isupper():
            return True
    # A side heading pypdf ran into its paragraph: "Results in Brief Agencies can ...".
    words = stripped.split()
    for n in range(2, min(len(words), 5)):
        head = " ".join(words[:n])
        if (
            heading_key(head) in headings
            and all(w[:1].isupper() or (w.islower() and len(w) <= 3) for w in words[:n])
            and words[n][:1].isupper()
        ):
            return True
    return False


@dataclass
class _SummaryState:
    """The summary section open while reading a document page by page."""

    opened: int | None = None  # page index where the open section began
    level: float | None = None  # font size of its heading


def summary_ranges(
    pages: Sequence[PageText], sizes: Sequence[Sequence[float | None]], body: float | None
) -> list[list[tuple[int, int]]]:
    """Where each page is inside a summary section, as (start, end) offsets of its text.

    A summary section opens at a heading such as "Executive summary", "Key findings" or
    "What GAO Found" (alone on its line, or starting it: "SUMMARY: The FAA proposes",
    "Results in Brief Agencies can ..."; at the top of its page where pypdf read the
    heading last) and closes at the next heading of its rank (a line in a font at least
    as large, where the fonts are known, or a common section name), or after
    `max_summary_pages` pages. `sizes` are each page's line sizes.
    """
    words = summary_words()
    state = _SummaryState()
    out: list[list[tuple[int, int]]] = []
    for page, page_sizes in zip(pages, sizes, strict=True):
        ranges = _page_summary(page, page_sizes, body, state, words)
        out.append([r for r in ranges if r[1] > r[0]])
    return out


def _page_summary(
    page: PageText,
    sizes: Sequence[float | None],
    body: float | None,
    state: _SummaryState,
    words: dict[str, Any],
) -> list[tuple[int, int]]:
    """One page's summary ranges; `state` carries the open section to the next page."""
    start = 0 if state.opened is not None else None
    if state.opened is not None and page.index - state.opened >= words["max_summary_pages"]:
        start = state.opened = None
    lines = page_lines(page.text)
    ranges: list[tuple[int, int]] = []
    for i, (line, size) in enumerate(zip(lines, sizes, strict=True)):
        if opens_summary(line.text, words["summary_headings"]):
            if start is None:
                start, state.opened, state.level = line.start, page.index, size
                if sum(1 for rest in lines[i + 1 :] if rest.text.strip()) < 2:
                    # pypdf put a side or title heading after the text it heads
                    start = 0
            continue
        if start is not None and _closes_summary(line.text, size, body, state.level, words):
            ranges.append((start, line.start))
            start = state.opened = None
    if start is not None:
        ranges.append((start, len(page.text)))
    return ranges


def _closes_summary(
    text: str, size: float | None, body: float | None, level: float | None, words: dict[str, Any]
) -> bool:
    """Whether a line is the next heading of the summary heading's rank, or a common
    section name: a heading-shaped line in a font at least as large as the summary's
    heading and HEADING_SIZE_RATIO of the body's."""
    large = (
        is_heading_shaped(text)
        and body is not None
        and size is not None
        and size >= body * HEADING_SIZE_RATIO
        and (level is None or size >= level)
    )
    return large or heading_key(text) in words["other_headings"]


def opens_notes_section(
    i: int, lines: Sequence[Line], sizes: Sequence[float | None], body: float | None
) -> bool:
    """Whether line `i`, a notes or references heading, opens its section: where it is set
    in the body's font or larger, or where it is in small print and so is the line after
    it, in the same size (journals set a bibliography, heading and entries, smaller than
    the body). A heading word alone in small print among body lines, in a footnote or a
    caption, opens nothing."""
    size = sizes[i]
    if not is_small(size, body):
        return True
    following = next_filled(lines, i)
    after = sizes[following] if following is not None else None
    if size is None or after is None:
        return False
    return abs(after - size) <= SAME_SIZE_TOLERANCE * size


@dataclass
class _NotesState:
    """The notes or references section open while reading a document page by page."""

    section: CitationKind | None = None


def _notes_sections(
    page: PageText,
    lines: Sequence[Line],
    sizes: Sequence[float | None],
    body: float | None,
    state: _NotesState,
) -> tuple[list[CitationKind | None], list[int]]:
    """Each line's notes section ("endnote", "reference" or None), and the starts of the
    lines that open one. A section opens at its heading (`opens_notes_section`) and closes
    at the next heading that ends it (`ends_notes_section`)."""
    known = body is not None and bool(page.font_runs)
    out: list[CitationKind | None] = []
    openers: list[int] = []
    for i, (line, size) in enumerate(zip(lines, sizes, strict=True)):
        if not line.text.strip():
            out.append(state.section)
            continue
        kind = note_section_kind(line.text)
        if kind is not None and (not known or opens_notes_section(i, lines, sizes, body)):
            state.section = kind
            openers.append(line.start)
        elif state.section is not None and ends_notes_section(line.text, size, body):
            state.section = None
        out.append(state.section)
    return out, openers


# ---------------------------------------------------------------------------------------
# Kinds of line: an ordered tuple of named rules, each saying yes or declining; the
# first that says yes names the line's kind.


@dataclass(frozen=True)
class LineFacts:
    """What the kind rules read of one line."""

    text: str
    size: float | None
    body_size: float | None
    edge: Literal["top", "bottom"] | None  # first or last non-blank line of its page
    running: bool  # recurs at the page edge on other pages


def is_running_line(facts: LineFacts) -> LineKind | None:
    """A running header or footer: a bare page number, or a line that recurs at the same
    edge of RUNNING_MIN_PAGES pages or more."""
    if facts.edge is None or not (facts.running or is_bare_label_line(facts.text.strip())):
        return None
    return "header" if facts.edge == "top" else "footer"


def is_note_line(facts: LineFacts) -> LineKind | None:
    """A footnote's line: set in a footnote's font and starting with a marker."""
    small = is_small(facts.size, facts.body_size)
    return "note" if small and NOTE_LINE.match(facts.text.strip()) else None


def is_caption_line(facts: LineFacts) -> LineKind | None:
    """A figure or table caption, or a source line ("Figure 2: ...", "Table 1 ..."): a
    caption word and its label ("Notes" alone heads a section; "Figures show" is prose)."""
    text = facts.text.strip()
    return "caption" if CAPTION.match(text) and CAPTION_LABEL.match(text) else None


def is_heading_line(facts: LineFacts) -> LineKind | None:
    """A heading: heading-shaped and in a font HEADING_SIZE_RATIO of the body's, or, where
    the fonts are not known, a title-case line."""
    text = facts.text.strip()
    if not is_heading_shaped(text):
        return None
    if facts.body_size is not None and facts.size is not None:
        large = facts.size >= facts.body_size * HEADING_SIZE_RATIO
        return "heading" if large else None
    return "heading" if looks_like_title(text) else None


def is_list_item_line(facts: LineFacts) -> LineKind | None:
    """A list item: the line opens with a bullet or an item number."""
    return "list_item" if BULLET.match(facts.text) else None


def is_table_row_line(facts: LineFacts) -> LineKind | None:
    """A table row: cells apart by wide gaps, or figures more than words (at least
    MIN_TABLE_ROW_FIGURES of them, so that a date line is no row)."""
    if len(COLUMN_GAP.findall(facts.text)) >= 2:
        return "table_row"
    words = [word.strip(".,;:()%$£€") for word in facts.text.split()]
    alpha = sum(1 for word in words if word.isalpha())
    figures = sum(1 for word in words if FIGURE.fullmatch(word))
    if figures < MIN_TABLE_ROW_FIGURES or alpha >= MIN_ALPHA_SHARE * len(words):
        return None
    return "table_row"


KIND_RULES: tuple[Callable[[LineFacts], LineKind | None], ...] = (
    is_running_line,
    is_note_line,
    is_caption_line,
    is_heading_line,
    is_list_item_line,
    is_table_row_line,
)


def line_kind(facts: LineFacts) -> LineKind:
    """The kind of a line: the first of KIND_RULES that names one, else body text."""
    for rule in KIND_RULES:
        kind = rule(facts)
        if kind is not None:
            return kind
    return "body"


def _edge_key(text: str) -> str:
    """A line as it recurs at the edge of pages: lower case, digits aside."""
    return re.sub(r"\d+", "#", heading_key(text))


def _edges(lines: Sequence[Line]) -> dict[int, Literal["top", "bottom"]]:
    """Indices of a page's first and last non-blank lines."""
    filled = [i for i, line in enumerate(lines) if line.text.strip()]
    if not filled:
        return {}
    return {filled[-1]: "bottom", filled[0]: "top"}


def _running_keys(all_lines: Sequence[Sequence[Line]]) -> set[tuple[str, str]]:
    """(edge, key) of the short lines that recur at the same edge of RUNNING_MIN_PAGES
    pages or more."""
    counts: Counter[tuple[str, str]] = Counter()
    for lines in all_lines:
        for i, edge in _edges(lines).items():
            if len(lines[i].text.split()) <= RUNNING_MAX_WORDS:
                counts[(edge, _edge_key(lines[i].text))] += 1
    return {key for key, count in counts.items() if count >= RUNNING_MIN_PAGES}


def heading_levels(sizes: Iterable[float]) -> dict[float, int]:
    """The level of each heading font size: the largest is 1, down to MAX_HEADING_LEVEL."""
    return {
        size: min(rank, MAX_HEADING_LEVEL)
        for rank, size in enumerate(sorted(set(sizes), reverse=True), start=1)
    }


# ---------------------------------------------------------------------------------------
# The stage: decide, store on the Doc, read back.


@dataclass(frozen=True)
class LineLayout:
    """One non-blank line of a page as the layout stage decided it."""

    start: int
    end: int
    kind: LineKind
    section: SectionKind
    level: int  # heading level (1 is the highest); 0 for a line that is no heading
    size: float | None


@dataclass(frozen=True)
class PageLayout:
    """A page's lines as the layout stage decided them, and what holds for the page."""

    lines: tuple[LineLayout, ...]
    body_size: float | None
    appendix: bool  # the page is in the document's appendices
    paragraph_leads: frozenset[int]  # offsets where a paragraph begins (`paragraph_leads`)
    section_openers: frozenset[int]  # starts of the headings that open a notes section
    # Starts of the lines inside a summary section, also where a notes section (which
    # takes precedence in a line's `section`) overlaps it.
    summary_starts: frozenset[int] = frozenset()

    def size_of(self, start: int) -> float | None:
        """The font size of the line that starts at `start` (None where unknown)."""
        return self._by_start().get(start, (None, None))[0]

    def section_of(self, start: int) -> SectionKind | None:
        """The section of the line that starts at `start` (None for a blank line)."""
        return self._by_start().get(start, (None, None))[1]

    def summary_ranges(self) -> list[tuple[int, int]]:
        """The stretches of the page inside a summary section, line by line."""
        return [
            (line.start, line.end + 1) for line in self.lines if line.start in self.summary_starts
        ]

    def _by_start(self) -> dict[int, tuple[float | None, SectionKind]]:
        return {line.start: (line.size, line.section) for line in self.lines}


def _section(notes: CitationKind | None, summary: bool, appendix: bool) -> SectionKind:
    """A line's section: a notes or references section first, then a summary, then the
    appendices, else the body."""
    if notes is not None:
        return "notes" if notes == "endnote" else "references"
    if summary:
        return "summary"
    return "appendix" if appendix else "body"


def decide_layout(pages: Sequence[PageText]) -> list[PageLayout]:
    """The layout of each page of a document, in page order (the pages the NLP reads)."""
    body = document_body_size(pages)
    all_lines = [page_lines(page.text) for page in pages]
    sizes = [line_sizes(page, lines) for page, lines in zip(pages, all_lines, strict=True)]
    summaries = summary_ranges(pages, sizes, body)
    appended = appendix_start(pages)
    running = _running_keys(all_lines)
    levels = heading_levels(
        size
        for page, lines, page_sizes in zip(pages, all_lines, sizes, strict=True)
        for line, size in zip(lines, page_sizes, strict=True)
        if size is not None
        and line.text.strip()
        and is_heading_line(LineFacts(line.text, size, body, None, False)) is not None
    )
    notes_state = _NotesState()
    out: list[PageLayout] = []
    for page, lines, page_sizes, ranges in zip(pages, all_lines, sizes, summaries, strict=True):
        notes, openers = _notes_sections(page, lines, page_sizes, body, notes_state)
        appendix = appended is not None and page.index >= appended
        edges = _edges(lines)
        decided: list[LineLayout] = []
        summary_starts: set[int] = set()
        for i, (line, size) in enumerate(zip(lines, page_sizes, strict=True)):
            if not line.text.strip():
                continue
            edge = edges.get(i)
            facts = LineFacts(line.text, size, body, edge, (edge, _edge_key(line.text)) in running)
            kind = line_kind(facts)
            summary = any(lo <= line.start < hi for lo, hi in ranges)
            if summary:
                summary_starts.add(line.start)
            level = (levels.get(size, 1) if size is not None else 1) if kind == "heading" else 0
            section = _section(notes[i], summary, appendix)
            decided.append(LineLayout(line.start, line.end, kind, section, level, size))
        out.append(
            PageLayout(
                tuple(decided),
                body,
                appendix,
                paragraph_leads(page.text),
                frozenset(openers),
                frozenset(summary_starts),
            )
        )
    return out


def register_extensions() -> None:
    """The span attributes of the layout spans (kept in `doc.user_data`, so they serialise)."""
    for name in (SECTION_ATTR, LEVEL_ATTR):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


# At import too, so that a Doc read back from bytes in a process that built no pipeline
# (the parent of `extract --jobs`, a DocBin reader) has the attributes.
register_extensions()


def set_layout(doc: Doc, layout: PageLayout) -> None:
    """Store a page's layout on its Doc as `doc.spans["extractor_layout"]`."""
    register_extensions()
    spans: list[Span] = []
    kept: list[LineLayout] = []
    for line in layout.lines:
        span = doc.char_span(line.start, line.end, label=line.kind, alignment_mode="expand")
        if span is None or not len(span):
            continue
        span._.set(SECTION_ATTR, line.section)
        span._.set(LEVEL_ATTR, line.level)
        spans.append(span)
        kept.append(line)
    attrs = {
        "lines": [[line.start, line.end, line.size] for line in kept],
        "body_size": layout.body_size,
        "appendix": layout.appendix,
        "paragraph_leads": sorted(layout.paragraph_leads),
        "section_openers": sorted(layout.section_openers),
        "summary_starts": sorted(layout.summary_starts),
    }
    doc.spans[LAYOUT_KEY] = SpanGroup(doc, name=LAYOUT_KEY, attrs=attrs, spans=spans)


def read_layout(doc: Doc) -> PageLayout:
    """The layout the stage stored on a Doc (see `set_layout`)."""
    group = doc.spans[LAYOUT_KEY]
    attrs = group.attrs
    lines = tuple(
        LineLayout(
            int(start),
            int(end),
            span.label_,
            span._.get(SECTION_ATTR),
            int(span._.get(LEVEL_ATTR) or 0),
            size,
        )
        for span, (start, end, size) in zip(group, attrs["lines"], strict=True)
    )
    return PageLayout(
        lines,
        attrs["body_size"],
        bool(attrs["appendix"]),
        frozenset(attrs["paragraph_leads"]),
        frozenset(attrs["section_openers"]),
        frozenset(attrs["summary_starts"]),
    )


def annotate(page_docs: Sequence[PageDoc]) -> None:
    """Run the layout stage over a document's parsed pages (before or after the
    components), storing each page's layout on its Doc."""
    for pd, layout in zip(page_docs, decide_layout([pd.page for pd in page_docs]), strict=True):
        set_layout(pd.doc, layout)


def page_layouts(page_docs: Sequence[PageDoc]) -> list[PageLayout]:
    """Each page's layout, as the stage stored it; decided now for Docs parsed without it
    (a Doc built outside `extract`)."""
    if any(LAYOUT_KEY not in pd.doc.spans for pd in page_docs):
        annotate(page_docs)
    return [read_layout(pd.doc) for pd in page_docs]
