"""Footnotes, endnotes, reference lists and URLs, linked to the markers in the body text.

Two stages, as for every item type:

- The spaCy component `extractor_citations` marks the places in a page's text that may
  point to a note or a reference (`doc.spans["extractor_citations"]`, labelled with their
  form; the exact candidates, markers included, in `doc._.extractor_citation_candidates`,
  as plain (start, end, marker, form) tuples so that the Doc serialises):
  note markers after a word ("online. 1"), bracketed numbers ("[3, 5-7]"), "(Author,
  2009)" references and URLs. Text alone cannot tell a marker "1" from a quantity, so
  nothing is decided here.
- `read_citations` (and `collect_citations`) decides across the document, from the
  page's real lines (the Doc reads soft-wrapped lines as one) and the layout evidence
  the page carries: font sizes from the PDF (superscript markers, footnote lines in a
  smaller font) and the markers text.py separated from the word they were glued to.
  It reads footnotes (wherever pypdf put them on the page), endnotes and reference
  sections (after a "Notes" or "References" heading), notes running on to the next page,
  and links each note to the markers that call it. A note and its marker confirm each
  other: a number at a page foot that no marker calls, in a font no smaller than the
  body's, is not a note.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractor.labels import roman_value
from extractor.model import Anchor, CharSpan, Citation, CitationKind
from extractor.nlp.doctext import doc_text
from extractor.nlp.layout import (
    NOTE_SIZE_RATIO,
    Line,
    PageLayout,
    is_small,
    line_index,
    next_filled,
    page_layouts,
    page_lines,
)
from extractor.nlp.types import NoteRegions, PageDoc
from extractor.pages import PageText, item_id, locate
from extractor.text import collapse_whitespace

CITATIONS_KEY = "extractor_citations"

# Words after which a number is a reference to something else, not a note marker.
NUMBER_CONTEXT_WORDS: frozenset[str] = frozenset(
    [
        "figure",
        "fig",
        "figures",
        "table",
        "tables",
        "chart",
        "charts",
        "box",
        "boxes",
        "page",
        "pages",
        "p",
        "pp",
        "section",
        "sections",
        "chapter",
        "chapter",
        "chapters",
        "part",
        "parts",
        "phase",
        "phases",
        "step",
        "steps",
        "stage",
        "stages",
        "level",
        "levels",
        "tier",
        "tiers",
        "title",
        "titles",
        "article",
        "articles",
        "paragraph",
        "paragraphs",
        "para",
        "annex",
        "appendix",
        "note",
        "notes",
        "version",
        "no",
        "number",
        "vol",
        "volume",
        "issue",
        "round",
        "wave",
        "year",
        "years",
        "age",
        "aged",
        "grade",
        "class",
        "group",
        "type",
        "option",
        "options",
        "question",
        "questions",
        "q",
        "item",
        "items",
        "rule",
        "rules",
        "scenario",
        "model",
        "clause",
        "clauses",
        "schedule",
        "line",
        "lines",
        "column",
        "columns",
        "row",
        "rows",
        "exhibit",
        "map",
        "maps",
        "priority",
        "goal",
        "goals",
        "objective",
        "objectives",
        "recommendation",
        "recommendations",
        "key",
    ]
)
# Words after which a following number is a quantity ("20 percent", "3 agencies").
QUANTITY_WORDS: frozenset[str] = frozenset(
    [
        "percent",
        "per",
        "cent",
        "million",
        "millions",
        "billion",
        "billions",
        "thousand",
        "thousands",
        "hundred",
        "hundreds",
        "trillion",
        "times",
        "years",
        "year",
        "months",
        "month",
        "weeks",
        "week",
        "days",
        "day",
        "hours",
        "hour",
        "minutes",
        "people",
        "persons",
        "agencies",
        "states",
        "councils",
        "times",
    ]
)
# Symbols used as note markers, in their conventional order.
NOTE_SYMBOLS = "*†‡§¶‖#"
# A character is typeset as a superscript when its font is at most this share of the
# text's around it (a line's footnote font is the layout stage's NOTE_SIZE_RATIO).
SUPERSCRIPT_RATIO = 0.8
# Longest text run taken as one superscript (pypdf may report a marker and the words
# after it as one piece; the marker is its first token).
MAX_SUPERSCRIPT_RUN = 40
# Highest note number believed.
MAX_NOTE_NUMBER = 999
# A note that runs on to the next page: its first page's part ends without one of these.
NOTE_ENDINGS = (".", ")", "]", '"', "'", "!", "?")

_MARKER = r"(?:\d{1,3}|[ivxlc]{1,6}|[" + re.escape(NOTE_SYMBOLS) + r"]{1,3})"
_NOTE_START = re.compile(
    r"^(?:\[(?P<bracket>\d{1,3})\]|\((?P<paren>\d{1,3})\)|(?P<number>\d{1,3})[.)]?"
    r"|(?P<roman>[ivxlc]{1,6})[.)]?"
    r"|(?P<symbol>[" + re.escape(NOTE_SYMBOLS) + r"]{1,3}))(?:\s+|$)"
)
# A superscript letter or number glued to the note text: "aThe National Safety Council",
# "4GAO, Managing for Results" (pypdf drops the space after a raised marker).
_LETTER_NOTE_START = re.compile(
    r"^(?:(?P<letter>[a-h])|(?P<glued>\d{1,3}))(?=[A-Z][a-z]|[A-Z]{2}|[A-Z] [a-z])"
)
# A note number glued to a number that starts the note ("2129 U.S.C. § 2871": note 21).
_NUMBER_GLUED_START = re.compile(r"^(?P<digits>\d{2,6})\b")
# A marker at the end of a note's first line ("... 2860 (Oct. 28, 1998).1"): pypdf puts a
# raised marker at the end of its line.
_TRAILING_MARKER = re.compile(r"(?<=\S)(?P<marker>\d{1,3})$")
_BRACKET_REF = re.compile(r"\[(?P<refs>\d{1,3}(?:\s*[,;–-]\s*\d{1,3})*)\]")
_AUTHOR_YEAR = re.compile(
    r"\((?P<body>(?:[A-Z][A-Za-z'’-]+(?:\s+(?:et al\.?|and|&)\s*(?:[A-Z][A-Za-z'’-]+)?)?"
    r"(?:\s*\([^)]*\))?,?\s+(?:19|20)\d\d[a-z]?(?:,\s*(?:p|pp)\.\s*[\d-]+)?\s*;?\s*)+)\)"
)
_AUTHOR_YEAR_ITEM = re.compile(r"(?P<author>[A-Z][A-Za-z'’-]+)[^;]*?(?P<year>(?:19|20)\d\d)")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:)\]]", re.IGNORECASE)
# A marker token standing alone after a word or closing punctuation.
_TOKEN_MARKER = re.compile(
    r"(?<=[A-Za-z%)\]\"'.,;:])(?P<space>\s?)(?P<marker>\d{1,3}|[ivx]{1,5}|["
    + re.escape(NOTE_SYMBOLS)
    + r"]{1,3})(?=[\s.,;:)]|$)"
)
_LINE_MARKER = re.compile(r"^(?P<marker>\d{1,3}|[ivxlc]{1,6})$")
_AUTHOR_ENTRY = re.compile(
    r"^(?:[A-Z][A-Za-z'’-]+,\s+(?:[A-Z]\.|[A-Z][a-z]+)|[A-Z][A-Za-z&.,' -]{1,80}\(\s*(?:19|20)\d\d"
    r"|[A-Z][A-Za-z&'.-]+(?:\s+[A-Z][A-Za-z&'.-]+){0,6}[.,]\s+(?:19|20)\d\d)"
)


def is_marker(text: str) -> bool:
    """Whether `text` can be a note marker: a number, a roman numeral, a letter, a symbol."""
    if re.fullmatch(r"\d{1,3}", text):
        return 0 < int(text) <= MAX_NOTE_NUMBER
    if re.fullmatch(r"[ivxlc]{1,6}", text):
        return roman_value(text) is not None
    return bool(re.fullmatch(r"[a-z]|[" + re.escape(NOTE_SYMBOLS) + r"]{1,3}", text))


def split_markers(text: str) -> list[str]:
    """The markers in a marker group: "3" -> ["3"], "v,vi" -> ["v", "vi"], "1-3" -> 1, 2, 3."""
    out: list[str] = []
    for part in re.split(r"\s*[,;]\s*", text.strip()):
        bounds = re.fullmatch(r"(\d{1,3})\s*[–-]\s*(\d{1,3})", part)
        if bounds and int(bounds.group(1)) < int(bounds.group(2)) <= MAX_NOTE_NUMBER:
            out.extend(str(n) for n in range(int(bounds.group(1)), int(bounds.group(2)) + 1))
        elif is_marker(part):
            out.append(part)
    return out


# ---------------------------------------------------------------------------------------
# The spaCy component: candidates from one page's text.


def _register_extensions() -> None:
    if not Doc.has_extension(CANDIDATES_ATTR):
        Doc.set_extension(CANDIDATES_ATTR, default=None)


# The Doc attribute that holds every candidate with its exact offsets (a span may cover
# more than its candidate where a marker is glued to a word, and several candidates may
# share one span, e.g. the markers of "[3, 4]").
CANDIDATES_ATTR = "extractor_citation_candidates"

# At import too, so that a Doc read back from bytes in a process that built no pipeline
# (the parent of `extract --jobs`, a DocBin reader) has the attributes.
_register_extensions()


@dataclass(frozen=True)
class Candidate:
    """A candidate found in a page's text: a note start or an anchor."""

    start: int
    end: int
    marker: str | None
    # Note starts: "number", "bracket", "paren", "roman", "symbol", "letter", "glued", "line",
    # "trailing", "author"; anchors: "token", "line", "bracket", "author_year", "url".
    form: str


def note_candidates(text: str) -> list[Candidate]:
    """Lines of `text` that may start a note or a reference entry; span = the whole line."""
    out = []
    for line in page_lines(text):
        stripped = line.text.strip()
        if not stripped:
            continue
        match = _NOTE_START.match(stripped) or _LETTER_NOTE_START.match(stripped)
        if match:
            form = match.lastgroup or "number"
            marker = match.group(form)
            if stripped == marker or re.fullmatch(r"\[?\d{1,3}\]?[.)]?", stripped):
                form = "line"
            if is_marker(marker):
                out.append(Candidate(line.start, line.end, marker, form))
                continue
        trailing = _TRAILING_MARKER.search(stripped)
        if trailing and not stripped[: trailing.start()].rstrip()[-1:].isdigit():
            out.append(Candidate(line.start, line.end, trailing.group("marker"), "trailing"))
        if _AUTHOR_ENTRY.match(stripped):
            out.append(Candidate(line.start, line.end, None, "author"))
    return out


def anchor_candidates(text: str) -> list[Candidate]:
    """Places in `text` that may point to a note or reference: span = the marker itself."""
    out: list[Candidate] = []
    for match in _BRACKET_REF.finditer(text):
        for marker in split_markers(match.group("refs")):
            out.append(Candidate(match.start(), match.end(), marker, "bracket"))
    for match in _AUTHOR_YEAR.finditer(text):
        out.append(Candidate(match.start(), match.end(), None, "author_year"))
    for match in _URL.finditer(text):
        out.append(Candidate(match.start(), match.end(), None, "url"))
    for match in _TOKEN_MARKER.finditer(text):
        marker = match.group("marker")
        if not is_marker(marker) or _is_number_reference(text, match.start("marker")):
            continue
        out.append(Candidate(match.start("marker"), match.end("marker"), marker, "token"))
    return sorted(out, key=lambda c: (c.start, c.end))


def line_anchor_candidates(text: str) -> list[Candidate]:
    """Markers that pypdf put on a line of their own (a raised marker after a line's end)."""
    out = []
    for line in page_lines(text):
        match = _LINE_MARKER.match(line.text.strip())
        if match and is_marker(match.group("marker")):
            start = line.start + line.text.index(match.group("marker"))
            out.append(Candidate(start, start + len(match.group()), match.group(), "line"))
    return out


def _is_number_reference(text: str, start: int) -> bool:
    """Whether the number at `start` is "Figure 3", "page 12", "20 percent", "£1.2"..."""
    before = text[max(0, start - 30) : start]
    words = re.findall(r"[A-Za-z]+\.?", before)
    previous = words[-1].rstrip(".").lower() if words else ""
    if previous in NUMBER_CONTEXT_WORDS and re.search(r"[A-Za-z]\.?\s?$", before):
        return True
    if re.search(r"[£$€¥\d][\d,.]*\s?$", before):
        return True  # part of a number or an amount
    after = text[start:].split(None, 2)
    following = after[1].strip(".,;:").lower() if len(after) > 1 else ""
    return following in QUANTITY_WORDS


class CitationFinder:
    """Marks the places on a page's Doc that may point to a note or reference."""

    def __call__(self, doc: Doc) -> Doc:
        found = anchor_candidates(doc_text(doc))
        doc.spans[CITATIONS_KEY] = _spans(doc, found)
        # Plain data, not Candidates: a Doc's user data must go through msgpack (`to_bytes`,
        # DocBin, the worker processes of `extract --jobs`).
        doc._.set(CANDIDATES_ATTR, tuple(astuple(candidate) for candidate in found))
        return doc


def _spans(doc: Doc, candidates: Iterable[Candidate]) -> list[Span]:
    """Spans over the candidates (labelled with their form), one per place."""
    spans: dict[tuple[int, int], Span] = {}
    for candidate in candidates:
        span = doc.char_span(
            candidate.start, candidate.end, label=candidate.form, alignment_mode="expand"
        )
        if span is not None:
            spans.setdefault((span.start, span.end), span)
    return list(spans.values())


@Language.factory("extractor_citations", default_config={})
def make_citation_component(nlp: Language, name: str) -> CitationFinder:
    """Factory of the `extractor_citations` component."""
    _register_extensions()
    return CitationFinder()


def doc_anchors(doc: Doc) -> list[Candidate]:
    """The anchor candidates the component found on a page's Doc."""
    found = doc._.get(CANDIDATES_ATTR) if Doc.has_extension(CANDIDATES_ATTR) else None
    return [Candidate(*fields) for fields in found or ()]


# ---------------------------------------------------------------------------------------
# The collector: document-level decisions.


@dataclass
class _Note:
    """A note or reference entry being built, line by line, possibly over two pages."""

    page: PageText
    start: int
    end: int
    marker: str | None
    kind: CitationKind
    body: list[str] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)
    anchors: list[tuple[PageText, int, int]] = field(default_factory=list)
    ibid_of: _Note | None = None

    @property
    def text(self) -> str:
        return collapse_whitespace(" ".join(self.body))

    def add_line(self, page: PageText, line: Line, text: str | None = None) -> None:
        body = line.text.strip() if text is None else text.strip()
        if body:
            self.body.append(body)
        self.spans.append((page.index, line.start, line.end))
        if page.index == self.page.index:
            self.end = max(self.end, line.end)


# The layout stage's sections that are the citations' kinds of section.
SECTION_KINDS: dict[str, CitationKind] = {"notes": "endnote", "references": "reference"}


@dataclass
class _Layout:
    """One page's lines, and what the fonts say about them."""

    page: PageText
    lines: list[Line]
    line_sizes: list[float | None]
    body_size: float | None
    decided: PageLayout

    def known(self) -> bool:
        """Whether the page has font sizes to go by."""
        return self.body_size is not None and bool(self.page.font_runs)

    def small(self, i: int) -> bool:
        """Whether line `i` is set in a smaller font than the body text (a footnote's)."""
        return is_small(self.line_sizes[i], self.body_size, NOTE_SIZE_RATIO)

    def section(self, i: int) -> CitationKind | None:
        """The notes or references section line `i` is in, as the layout stage decided."""
        section = self.decided.section_of(self.lines[i].start)
        return SECTION_KINDS.get(section) if section is not None else None

    def superscript(self, start: int, end: int) -> bool:
        """Whether text[start:end] is set smaller than the text around it: a raised marker."""
        sizes = [self.page.size_at(k) for k in range(start, end) if not self.page.text[k].isspace()]
        if not sizes or any(size is None for size in sizes):
            return False
        around = self.size_around(start, end)
        return around is not None and max(s for s in sizes if s) <= around * SUPERSCRIPT_RATIO

    def size_around(self, start: int, end: int) -> float | None:
        """The usual font size of the rest of the line of text[start:end], else of its
        neighbouring lines (for a marker that pypdf put on a line of its own)."""
        i = line_index(self.lines, start)
        line = self.lines[i]
        counts: Counter[float] = Counter()
        for k in (*range(line.start, start), *range(end, line.end)):
            size = self.page.size_at(k)
            if size is not None and not self.page.text[k].isspace():
                counts[size] += 1
        if counts:
            return counts.most_common(1)[0][0]
        near = [
            self.line_sizes[j]
            for j in (self.previous_filled(i), self.next_filled(i))
            if j is not None and self.line_sizes[j] is not None
        ]
        return max(s for s in near if s is not None) if near else None

    def previous_filled(self, i: int) -> int | None:
        """Index of the last non-blank line before `i`."""
        for j in range(i - 1, -1, -1):
            if self.lines[j].text.strip():
                return j
        return None

    def next_filled(self, i: int) -> int | None:
        """Index of the first non-blank line after `i`."""
        return next_filled(self.lines, i)


@dataclass
class _State:
    """What carries over from page to page while reading the notes."""

    section: CitationKind | None = None  # inside an endnotes or references section
    numbered: bool | None = None  # whether the section's entries are numbered
    last_marker: str | None = None
    entry: _Note | None = None  # the section entry that may run on to the next page
    footnote: _Note | None = None  # the previous page's last footnote
    footnote_numbers: list[int] = field(default_factory=list)
    page_numbering: bool = True  # every page with footnotes so far started at 1
    page_has_footnote: bool = False


def collect_citations(page_docs: Sequence[PageDoc]) -> list[Citation]:
    """Notes, references and URLs of one document, each with the markers that point to it."""
    return read_citations(page_docs)[0]


def read_citations(page_docs: Sequence[PageDoc]) -> tuple[list[Citation], NoteRegions]:
    """The citations of a document, and where its notes are (for `link_claims`)."""
    layouts: dict[int, _Layout] = {}
    anchors: dict[int, list[Candidate]] = {}
    notes: list[_Note] = []
    state = _State()
    for pd, decided in zip(page_docs, page_layouts(page_docs), strict=True):
        lines = page_lines(pd.page.text)
        sizes = [decided.size_of(line.start) for line in lines]
        layout = _Layout(pd.page, lines, sizes, decided.body_size, decided)
        layouts[pd.page.index] = layout
        anchors[pd.page.index] = page_anchors(pd.doc, layout)
        notes.extend(_read_notes(pd.doc, layout, state, anchors[pd.page.index]))
    covered: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for note in notes:
        for index, start, end in note.spans:
            covered[index].append((start, end))
    body_anchors = {
        index: [c for c in found if not _inside(c.start, covered[index])]
        for index, found in anchors.items()
    }
    _link(notes, [pd.page for pd in page_docs], body_anchors, layouts)
    citations = [_citation(note) for note in notes]
    citations.extend(_url_citations(page_docs, body_anchors))
    citations.sort(key=lambda c: (c.page.index, c.char_span.start))
    return citations, dict(covered)


def _inside(offset: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= offset < hi for lo, hi in spans)


def page_anchors(doc: Doc, layout: _Layout) -> list[Candidate]:
    """The page's anchor candidates, with the superscripts the fonts show and text misses."""
    found = doc_anchors(doc)
    found += line_anchor_candidates(layout.page.text)
    seen = {(c.start, c.marker) for c in found}
    extra: list[Candidate] = []
    if layout.known():
        for start, end, marker in _superscript_markers(layout):
            if (start, marker) not in seen:
                extra.append(Candidate(start, end, marker, "token"))
    for span in layout.page.glued_markers:
        marker = layout.page.text[span.start : span.end]
        if (span.start, marker) not in seen and is_marker(marker):
            extra.append(Candidate(span.start, span.end, marker, "token"))
    return sorted(found + extra, key=lambda c: (c.start, c.end))


def _superscript_markers(layout: _Layout) -> Iterable[tuple[int, int, str]]:
    """Marker tokens at the start of runs set smaller than the text around them."""
    text = layout.page.text
    for run in layout.page.font_runs:
        if run.end - run.start > MAX_SUPERSCRIPT_RUN:
            continue
        lead = re.match(
            r"\s*(" + _MARKER + r"(?:\s*,\s*" + _MARKER + r")*|[a-z])(?![A-Za-z0-9])",
            text[run.start : run.end],
        )
        if not lead:
            continue
        base = run.start + lead.start(1)
        for piece in re.finditer(r"[^,\s]+", lead.group(1)):
            start, end = base + piece.start(), base + piece.end()
            if is_marker(piece.group()) and layout.superscript(start, end):
                yield start, end, piece.group()


def _strong(candidate: Candidate, layout: _Layout) -> bool:
    """Whether the layout shows a marker as one: a superscript, or glued to its word."""
    if candidate.form in ("bracket", "author_year", "url"):
        return True
    if layout.superscript(candidate.start, candidate.end):
        return True
    return any(span.start == candidate.start for span in layout.page.glued_markers)


def _read_notes(doc: Doc, layout: _Layout, state: _State, anchors: list[Candidate]) -> list[_Note]:
    """The notes and entries that start on one page; those that run on are extended."""
    page, lines = layout.page, layout.lines
    starts, author_lines = _note_starts(page, lines)
    state.page_has_footnote = False
    notes: list[_Note] = []
    current: _Note | None = state.entry if state.section else None
    runover = state.footnote
    if runover is not None and runover.text.endswith(NOTE_ENDINGS):
        runover = None
    state.footnote = None
    for i, line in enumerate(lines):
        if not line.text.strip():
            if current is not None and current.kind == "footnote" and not layout.known():
                current = None
            continue
        section = layout.section(i)
        if line.start in layout.decided.section_openers:
            state.section, state.numbered, state.last_marker = section, None, None
            current = runover = None
            continue
        if state.section is not None and section is None:
            state.section = None  # the layout stage closed the section at this heading
            current = None
        if state.section is not None:
            current = _section_line(layout, i, starts.get(i), i in author_lines, state, current)
            if current is not None and current.spans[0][:2] == (page.index, line.start):
                notes.append(current)
            continue
        candidate = _footnote_candidate(layout, i, state, current, starts.get(i), notes)
        if candidate is not None and _is_footnote_start(layout, i, candidate, anchors, state):
            current = _start_note(layout, i, candidate, "footnote")
            notes.append(current)
            runover = None
            continue
        if current is not None and current.kind == "footnote" and _continues(layout, i, current):
            current.add_line(page, line)
            continue
        current = None
        runover = _extend_runover(layout, i, runover, notes)
    footnotes = [note for note in notes if note.kind == "footnote"]
    state.footnote = footnotes[-1] if footnotes else None
    state.entry = current if state.section else None
    return notes


def _note_starts(page: PageText, lines: Sequence[Line]) -> tuple[dict[int, Candidate], set[int]]:
    """The lines of a page that may start a note (by line index, the first candidate of
    each), and those that may start an author's reference entry."""
    starts: dict[int, Candidate] = {}
    author_lines: set[int] = set()
    for found in note_candidates(page.text):
        i = line_index(lines, found.start)
        if found.form == "author":
            author_lines.add(i)
        else:
            starts.setdefault(i, found)
    return starts, author_lines


def _footnote_candidate(
    layout: _Layout,
    i: int,
    state: _State,
    current: _Note | None,
    start: Candidate | None,
    notes: Sequence[_Note],
) -> Candidate | None:
    """The marker that may start a footnote on line `i`: its note start, else a number
    glued to the note's first number; none when the page already has a footnote of that
    number (one page does not number two footnotes alike)."""
    candidate = start or _number_glued_start(layout, i, state, current)
    if candidate is not None and any(
        n.marker == candidate.marker for n in notes if n.kind == "footnote"
    ):
        return None
    return candidate


def _extend_runover(
    layout: _Layout, i: int, runover: _Note | None, notes: Sequence[_Note]
) -> _Note | None:
    """Line `i`, which is no footnote of this page, goes on with the previous page's last
    footnote when it is in a footnote's font before any note of this page; the footnote
    returned is the one that may still run on (None once its run-on lines are over)."""
    if runover is None:
        return None
    if not notes and layout.known() and layout.small(i):
        runover.add_line(layout.page, layout.lines[i])
        return runover
    if runover.spans[-1][0] == layout.page.index:
        return None  # its run-on lines are over
    return runover


def _number_glued_start(
    layout: _Layout, i: int, state: _State, current: _Note | None
) -> Candidate | None:
    """A note number glued to a number that starts the note: "2129 U.S.C." is note 21
    when 21 comes next, on a line in a footnote's size after a finished note."""
    if not layout.known() or not state.footnote_numbers or not layout.small(i):
        return None
    if current is not None and not current.text.endswith(NOTE_ENDINGS):
        return None
    line = layout.lines[i]
    glued = _NUMBER_GLUED_START.match(line.text.strip())
    expected = str(state.footnote_numbers[-1] + 1)
    if glued is None or not glued.group("digits").startswith(expected):
        return None
    rest = glued.group("digits")[len(expected) :]
    if not rest or rest.startswith("0"):
        return None
    return Candidate(line.start, line.end, expected, "glued")


def _section_line(
    layout: _Layout,
    i: int,
    candidate: Candidate | None,
    author_line: bool,
    state: _State,
    current: _Note | None,
) -> _Note | None:
    """Read line `i` of a notes or references section: a new entry, or more of the last one."""
    assert state.section is not None
    line = layout.lines[i]
    numbered = candidate is not None and candidate.form in NUMBERED_FORMS
    if (
        numbered
        and candidate is not None
        and state.numbered is not False
        and (state.numbered is None or _follows(candidate.marker, state.last_marker))
    ):
        state.numbered, state.last_marker = True, candidate.marker
        return _start_note(layout, i, candidate, state.section)
    if author_line and state.numbered is not True and _entry_ended(current):
        state.numbered = False
        note = _Note(layout.page, line.start, line.end, None, state.section)
        note.add_line(layout.page, line)
        return note
    if current is not None:
        current.add_line(layout.page, line)
    return current


# Forms of a note start that carry a number or label.
NUMBERED_FORMS = frozenset(["number", "bracket", "paren", "roman", "symbol", "line", "glued"])


def _follows(marker: str | None, last: str | None) -> bool:
    """Whether `marker` can be the next note after `last` (or a restart at 1)."""
    if marker is None:
        return False
    value = _marker_value(marker)
    if value is None or last is None:
        return True
    previous = _marker_value(last)
    return previous is None or value in (1, previous + 1)


def _marker_value(marker: str) -> int | None:
    if marker.isdigit():
        return int(marker)
    return roman_value(marker)


def _entry_ended(note: _Note | None) -> bool:
    return note is None or note.text.endswith(NOTE_ENDINGS) or bool(_URL.search(note.text[-60:]))


def _is_footnote_start(
    layout: _Layout, i: int, candidate: Candidate, anchors: list[Candidate], state: _State
) -> bool:
    """Whether line `i`, which starts (or ends) with a marker, is a footnote."""
    accepted = _footnote_evidence(layout, i, candidate, anchors, state)
    if accepted and candidate.marker is not None and candidate.marker.isdigit():
        if not state.page_has_footnote and candidate.marker != "1":
            state.page_numbering = False
        state.footnote_numbers.append(int(candidate.marker))
    state.page_has_footnote = state.page_has_footnote or accepted
    return accepted


def _footnote_evidence(
    layout: _Layout, i: int, candidate: Candidate, anchors: list[Candidate], state: _State
) -> bool:
    marker = candidate.marker
    if marker is None or candidate.form in ("bracket", "author"):
        return False
    line = layout.lines[i]
    words = len(line.text.split())
    body_calls = [
        a
        for a in anchors
        if a.marker == marker
        and a.form in ("token", "line")
        and not line.start <= a.start < line.end
        and not (layout.known() and layout.small(line_index(layout.lines, a.start)))
    ]
    if layout.known():
        note_line = i
        if candidate.form == "line":
            following = layout.next_filled(i)
            if following is None or len(layout.lines[following].text.split()) < 2:
                return False  # a marker's line must be followed by the note's text
            note_line = following
        if not layout.small(note_line):
            return False
        if candidate.form == "trailing":
            at = line.start + line.text.rstrip().rfind(marker)
        else:
            at = line.start + line.text.index(marker)
        if layout.superscript(at, at + len(marker)):
            return True
        if candidate.form in ("glued", "letter") and (words >= 3 or body_calls):
            return True  # "4GAO, ...", "aThe ..." on a line in a footnote's size
        # "(1)" starts a note only raised, as the EU's Official Journal prints it ("(1)
        # Regulation ..."): in plain figures it numbers a list item, a recital or a point.
        if candidate.form in ("trailing", "letter", "line", "paren") or words < 2:
            return False
        # A marker in the note's own size: a marker in the body must call it, raised, or
        # at least in the numbering's order.
        if any(_strong(a, layout) for a in body_calls):
            return True
        return bool(body_calls) and _in_sequence(marker, state)
    # Text alone: a numbered line that a marker earlier on the page calls, in sequence.
    if candidate.form not in ("number", "roman", "glued") or words < 3:
        return False
    if not any(a.start < line.start for a in body_calls):
        return False
    return not marker.isdigit() or _in_sequence(marker, state)


def _in_sequence(marker: str, state: _State) -> bool:
    """Whether a note number comes next in the footnotes' numbering.

    Numbering starts at 1, and starts again at 1 on a new page only where every page so
    far has started its footnotes at 1 (notes numbered per page).
    """
    number = int(marker) if marker.isdigit() else None
    if number is None:
        return False
    if number == 1:
        return not state.footnote_numbers or (state.page_numbering and not state.page_has_footnote)
    return bool(state.footnote_numbers) and number == state.footnote_numbers[-1] + 1


def _start_note(layout: _Layout, i: int, candidate: Candidate, kind: CitationKind) -> _Note:
    """A note that starts on line `i`, its marker taken off its text."""
    line = layout.lines[i]
    text = line.text.strip()
    marker = candidate.marker
    assert marker is not None
    if candidate.form == "trailing":
        body = text[: text.rfind(marker)]
    elif candidate.form == "line":
        body = ""
    else:
        match = _NOTE_START.match(text) or _LETTER_NOTE_START.match(text)
        body = text[match.end() :] if match else text
    note = _Note(layout.page, line.start, line.end, marker, kind)
    note.add_line(layout.page, line, body)
    return note


def _continues(layout: _Layout, i: int, note: _Note) -> bool:
    """Whether line `i` goes on with the footnote begun above it."""
    if layout.known():
        return layout.small(i)
    text = layout.lines[i].text.strip()
    return not note.text.endswith(NOTE_ENDINGS) or text[:1].islower()


def _link(
    notes: Sequence[_Note],
    pages: Sequence[PageText],
    anchors: dict[int, list[Candidate]],
    layouts: dict[int, _Layout],
) -> None:
    """Attach to each note the body markers that point to it; resolve "ibid."."""
    links = _Links({page.index: page for page in pages})
    _link_footnotes(notes, anchors, layouts, links)
    _link_numbered(notes, anchors, layouts, links)
    _link_author_year(notes, anchors, links)
    _resolve_ibid(notes)


@dataclass
class _Links:
    """The markers already attached to a note, as (page index, offset)."""

    by_index: dict[int, PageText]
    used: set[tuple[int, int]] = field(default_factory=set)

    def attach(self, note: _Note, index: int, anchor: Candidate) -> None:
        self.used.add((index, anchor.start))
        note.anchors.append((self.by_index[index], anchor.start, anchor.end))


def _link_footnotes(
    notes: Sequence[_Note],
    anchors: dict[int, list[Candidate]],
    layouts: dict[int, _Layout],
    links: _Links,
) -> None:
    """A footnote is called from its own page: by the first free marker of its number,
    a marker the layout shows as one (raised or glued) first."""
    for note in notes:
        if note.kind != "footnote":
            continue
        layout = layouts[note.page.index]
        options = [
            a
            for a in anchors.get(note.page.index, [])
            if a.marker == note.marker
            and a.form in ("token", "line")
            and (note.page.index, a.start) not in links.used
        ]
        options.sort(key=lambda a: (not _strong(a, layout), a.start))
        if options:
            links.attach(note, note.page.index, options[0])


def _link_numbered(
    notes: Sequence[_Note],
    anchors: dict[int, list[Candidate]],
    layouts: dict[int, _Layout],
    links: _Links,
) -> None:
    """Endnotes and numbered references are called from anywhere: the k-th marker "3"
    calls the k-th note "3" (numbering that restarts in each chapter), a bracket "[3]"
    calls reference 3. A marker that only text suggests must come next in the numbering."""
    numbered: dict[str, list[_Note]] = defaultdict(list)
    for note in notes:
        if note.kind != "footnote" and note.marker is not None:
            numbered[note.marker].append(note)
    calls: Counter[str] = Counter()
    last_value: int | None = None
    for index in sorted(anchors):
        layout = layouts[index]
        for anchor in anchors[index]:
            marker = anchor.marker
            if marker is None or marker not in numbered or (index, anchor.start) in links.used:
                continue
            targets = numbered[marker]
            if anchor.form == "bracket":
                links.attach(targets[0], index, anchor)
                continue
            value = _marker_value(marker)
            strong = _strong(anchor, layout)
            if not strong and not (value is not None and value == (last_value or 0) + 1):
                continue
            target = targets[min(calls[marker], len(targets) - 1)]
            calls[marker] += 1
            last_value = value
            links.attach(target, index, anchor)


def _link_author_year(
    notes: Sequence[_Note], anchors: dict[int, list[Candidate]], links: _Links
) -> None:
    """ "(Smith, 2009)" calls the reference entry that starts with Smith and holds 2009."""
    entries = [note for note in notes if note.kind == "reference" and note.marker is None]
    for index in sorted(anchors) if entries else ():
        for anchor in anchors[index]:
            if anchor.form != "author_year":
                continue
            quoted = links.by_index[index].text[anchor.start : anchor.end]
            for item in _AUTHOR_YEAR_ITEM.finditer(quoted):
                for entry in entries:
                    if item.group("author") in entry.text[:80] and item.group("year") in entry.text:
                        links.attach(entry, index, anchor)
                        break


def _resolve_ibid(notes: Sequence[_Note]) -> None:
    """ "Ibid." points to the source of the note before it: its markers point there too."""
    for previous, note in itertools.pairwise(notes):
        if re.match(r"ibid(?:em)?\b", note.text, re.IGNORECASE):
            note.ibid_of = previous.ibid_of or previous
            note.ibid_of.anchors.extend(note.anchors)


def _citation(note: _Note) -> Citation:
    ref, quote, span = locate(note.page, note.start, note.end)
    text = note.text or collapse_whitespace(quote)
    url = first_url(text)
    if url is None and note.ibid_of is not None:
        url = first_url(note.ibid_of.text)
    anchors = tuple(
        Anchor(page.ref, CharSpan(start, end))
        for page, start, end in sorted(note.anchors, key=lambda a: (a[0].index, a[1]))
    )
    return Citation(
        id=item_id("cit", note.page, span.start),
        page=ref,
        quote=quote,
        char_span=span,
        kind=note.kind,
        marker=note.marker,
        text=text,
        url=url,
        cited_by=(),
        anchors=anchors,
    )


def first_url(text: str) -> str | None:
    """The first URL in `text`, joined where a line break split it, without end punctuation."""
    match = _URL.search(text)
    if match is None:
        return None
    url = match.group()
    rest = text[match.end() :]
    # A URL broken over two lines continues with a path piece ("lists/lua-l/2008- 02/msg").
    while (more := re.match(r"\s([\w./?=&%~-]*[/=&-][\w./?=&%~-]*)", rest)) and url[-1] in "/-_=&?":
        url += more.group(1)
        rest = rest[more.end() :]
    return url.rstrip(".,;:)]")


def _url_citations(
    page_docs: Sequence[PageDoc], anchors: dict[int, list[Candidate]]
) -> list[Citation]:
    """URLs the body text gives as a source: "(see www...)", "Source: http://...".

    Most URLs in a paper's body are addresses (for comments, orders, the publisher's site),
    not sources; only one in parentheses or after a source cue, in a sentence that is not
    about contacting or ordering, is a citation.
    """
    out = []
    for pd in page_docs:
        text = pd.page.text
        for candidate in anchors.get(pd.page.index, []):
            if candidate.form != "url" or not _cited_as_source(text, candidate.start):
                continue
            ref, quote, span = locate(pd.page, candidate.start, candidate.end)
            out.append(
                Citation(
                    id=item_id("cit", pd.page, span.start),
                    page=ref,
                    quote=quote,
                    char_span=span,
                    kind="url",
                    marker=None,
                    text=quote,
                    url=first_url(text[span.start :]),
                    cited_by=(),
                    anchors=(Anchor(ref, span),),
                )
            )
    return out


# Words right before a URL that give it as a source.
URL_SOURCE_CUES = re.compile(
    r"(?:\(\s*(?:see\s+(?:also\s+)?)?|\bsee\s+(?:also\s+)?|\bsources?:\s*|\bdata:\s*|"
    r"\bretrieved\s+from\s+|\baccessed\s+(?:at\s+)?|\bcited\s+in\s+)$",
    re.IGNORECASE,
)
# Words in the sentence of a URL that make it an address, not a source.
URL_ADDRESS_CUES = re.compile(
    r"\b(?:contact|telephone|phone|e-?mail|comments?|order|copies|web ?site|internet|go to|"
    r"visit|subscribe|portal|submit)\b",
    re.IGNORECASE,
)


def _cited_as_source(text: str, start: int) -> bool:
    before = text[max(0, start - 30) : start]
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n\n", 0, start), 0)
    sentence = text[sentence_start:start]
    return bool(URL_SOURCE_CUES.search(before)) and not URL_ADDRESS_CUES.search(sentence)
