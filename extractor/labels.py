"""Page labels: the page number a reader would cite for each physical page.

A label is the number printed in a page's running header or footer ("12", "iii", "Page 4",
"Página 4 de 9", "47699", the 4 of the Official Journal's "L 119/4"); where a page prints
none, the PDF's /PageLabels entry when the file defines informative labels; else None.
Printed numbers are found as sequences: a number is taken as a page's label only when
several pages carry numbers that advance with the physical index by the same offset, which
rules out years, table values and note numbers that happen to sit at the top or bottom of a page.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.model import LabelSource
from extractor.text import edge_positions
from extractor.wordlists import every_language

# A sequence of printed numbers needs this many pages that agree before it is believed
# (fewer in a very short document).
MIN_SEQUENCE_PAGES = 3
MIN_SEQUENCE_PAGES_SHORT = 2
SHORT_DOCUMENT_PAGES = 6
# Largest roman numeral taken as a page number (front matter rarely runs past lx).
MAX_ROMAN = 60
# Weights of the ways a number can be printed: alone on its line or after "Page" is strong
# evidence; at the start or end of a header line is weaker.
STRONG, WEAK = 3, 1

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
_ROMAN = r"(?:[ivxlc]{1,7}|[IVXLC]{1,7})"
_NUMBER = rf"(\d{{1,5}}|{_ROMAN})"
# The word printed before a page number: English's, and every language file's
# ("Página 5 de 25"), since pages are labelled before their language is told.
PAGE_WORDS = frozenset({"page"}) | every_language("labels", "page_words")
_WORD = "(?:" + "|".join(re.escape(w) for w in sorted(PAGE_WORDS, key=len, reverse=True)) + ")"
_BARE = re.compile(rf"^[-–—|\s]*(?:{_WORD}\s+)?{_NUMBER}[-–—|\s]*$", re.IGNORECASE)
_PAGE_WORD = re.compile(rf"\b{_WORD}\s+{_NUMBER}\b(?!\s*[-/.,]\s*\d)", re.IGNORECASE)
_LEADING = re.compile(rf"^{_NUMBER}\s+\S")
_TRAILING = re.compile(rf"\S\s+{_NUMBER}$")
# A page within an issue, after a slash ("L 119/5", the Official Journal's "issue/page").
_AFTER_SLASH = re.compile(r"(?<=\w/)(\d{1,5})\b(?![/.,]\d)")


@dataclass(frozen=True)
class PageLabel:
    """The label of one page, where it came from, and the line that printed it."""

    label: str | None
    source: LabelSource | None
    line: int | None


@dataclass(frozen=True)
class _Candidate:
    page: int  # 0-based position in the document
    line: int
    text: str  # as printed
    system: str  # "arabic" or "roman"
    offset: int  # value - physical index
    weight: int
    explicit: bool  # printed as "Page N"


def roman_value(text: str) -> int | None:
    """Value of a roman numeral, or None if `text` is not a well-formed one."""
    lower = text.lower()
    if not lower or any(c not in _ROMAN_VALUES for c in lower):
        return None
    total = 0
    for i, c in enumerate(lower):
        value = _ROMAN_VALUES[c]
        if i + 1 < len(lower) and _ROMAN_VALUES[lower[i + 1]] > value:
            total -= value
        else:
            total += value
    return total if to_roman(total) == lower else None


def to_roman(value: int) -> str:
    """Lower-case roman numeral of a positive integer."""
    numerals = [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ]  # fmt: skip
    out = []
    for number, numeral in numerals:
        while value >= number:
            out.append(numeral)
            value -= number
    return "".join(out)


def _candidate(
    page: int, line: int, printed: str, weight: int, explicit: bool = False
) -> _Candidate | None:
    if printed.isdigit():
        value = int(printed)
        system = "arabic"
    elif printed.islower() or printed.isupper():
        value = roman_value(printed) or 0
        system = "roman"
        if value > MAX_ROMAN:
            return None
    else:
        return None
    if value == 0:
        return None
    return _Candidate(page, line, printed, system, value - (page + 1), weight, explicit)


def _line_candidates(page: int, line_no: int, line: str) -> list[_Candidate]:
    found: list[_Candidate | None] = []
    bare = _BARE.match(line)
    if bare:
        explicit = line.strip(" -–—|").lower().startswith(tuple(PAGE_WORDS))
        found.append(_candidate(page, line_no, bare.group(1), STRONG, explicit))
    else:
        found.extend(
            _candidate(page, line_no, m.group(1), STRONG, explicit=True)
            for m in _PAGE_WORD.finditer(line)
        )
        for pattern in (_LEADING, _TRAILING, _AFTER_SLASH):
            match = pattern.search(line)
            if match:
                found.append(_candidate(page, line_no, match.group(1), WEAK))
    return [c for c in found if c is not None]


def _page_candidates(page: int, lines: Sequence[str], everywhere: bool) -> list[_Candidate]:
    positions = range(len(lines)) if everywhere else edge_positions(lines)
    out: list[_Candidate] = []
    for i in positions:
        out.extend(_line_candidates(page, i, lines[i]))
    return out


def infer_labels(
    pages: Sequence[Sequence[str]],
    pdf_labels: Sequence[str] | None = None,
) -> list[PageLabel]:
    """Label every page from its lines (after normalise_chars) and the file's /PageLabels.

    `pdf_labels` is the file's /PageLabels, one per page, only when they are informative
    (not a plain 1, 2, 3... count); pdf.py decides that.
    """
    count = len(pages)
    candidates = [_page_candidates(i, lines, everywhere=False) for i, lines in enumerate(pages)]
    groups: dict[tuple[str, int], dict[int, _Candidate]] = defaultdict(dict)
    for page_candidates in candidates:
        for c in page_candidates:
            best = groups[(c.system, c.offset)].get(c.page)
            if best is None or c.weight > best.weight:
                groups[(c.system, c.offset)][c.page] = c
    needed = MIN_SEQUENCE_PAGES if count > SHORT_DOCUMENT_PAGES else MIN_SEQUENCE_PAGES_SHORT
    believable = [key for key, members in groups.items() if _is_sequence(members, needed)]
    believable.sort(key=lambda key: -sum(c.weight for c in groups[key].values()))
    # The strongest sequences claim their pages first. A weaker one may not label pages
    # inside the span of a stronger one: there, a number that does not fit the stronger
    # sequence is a note number or a table value, not a page number.
    chosen: dict[int, _Candidate] = {}
    spans: list[tuple[int, int]] = []
    for key in believable:
        members = groups[key]
        inside = [p for p in members if not any(lo <= p <= hi for lo, hi in spans)]
        if not _is_sequence({p: members[p] for p in inside}, needed):
            continue
        for page in inside:
            chosen.setdefault(page, members[page])
        spans.append((min(inside), max(inside)))
    _fill_gaps(pages, chosen)

    labels = []
    for i in range(count):
        printed = chosen.get(i)
        if printed is not None:
            labels.append(PageLabel(printed.text, "printed", printed.line))
        elif pdf_labels is not None and i < len(pdf_labels):
            labels.append(PageLabel(pdf_labels[i], "page_labels", None))
        else:
            labels.append(PageLabel(None, None, None))
    return labels


def _is_sequence(members: dict[int, _Candidate], needed: int) -> bool:
    """Whether the pages of one (system, offset) group make a believable page sequence.

    Enough pages must agree; two consecutive pages also suffice when both print the number
    unmistakably as a page number: "Page 3", or a roman numeral alone ("i", "ii" of short
    front matter). Two bare arabic numbers could be note numbers.
    """
    if len(members) >= needed:
        return True
    pages = sorted(members)
    return (
        len(pages) == 2
        and pages[1] == pages[0] + 1
        and all(
            c.weight == STRONG and (c.explicit or c.system == "roman") for c in members.values()
        )
    )


def _fill_gaps(pages: Sequence[Sequence[str]], chosen: dict[int, _Candidate]) -> None:
    """Label pages inside a sequence whose number was printed away from the page edges.

    A page between two labelled pages of the same sequence gets the number the sequence
    predicts for it only if that number is printed on it somewhere.
    """
    labelled = sorted(chosen)
    for before, after in itertools.pairwise(labelled):
        a, b = chosen[before], chosen[after]
        if (a.system, a.offset) != (b.system, b.offset):
            continue
        for page in range(before + 1, after):
            for c in _page_candidates(page, pages[page], everywhere=True):
                if (c.system, c.offset) == (a.system, a.offset):
                    chosen[page] = c
                    break
    # Pages before the first and after the last labelled page of a sequence, likewise.
    for page in range(len(pages)):
        if page in chosen:
            continue
        neighbours = [chosen[p] for p in (page - 1, page + 1) if p in chosen]
        for n in neighbours:
            match = next(
                (
                    c
                    for c in _page_candidates(page, pages[page], everywhere=True)
                    if (c.system, c.offset) == (n.system, n.offset) and c.weight == STRONG
                ),
                None,
            )
            if match:
                chosen[page] = match
                break


def is_bare_label_line(line: str) -> bool:
    """Whether a line holds nothing but a page number ("12", "- iv -", "Page 3")."""
    return _BARE.match(line) is not None
