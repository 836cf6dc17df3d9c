"""Pure str -> str clean-up of the text pypdf extracts.

What is done, in order (see `clean_document`):
1. characters: ligatures expanded, typographic quotes, dashes and spaces made plain,
   soft hyphens and zero-width characters dropped, runs of spaces collapsed;
2. running headers and footers (lines that repeat, numbers aside, at the top or bottom of
   many pages) and the page-number line are removed from the body text;
3. words pypdf split with a stray space ("technica l") are rejoined, and words hyphenated
   across a line end are joined, keeping the hyphen of a real compound;
4. note markers glued to the word before them ("online.1") are separated ("online. 1")
   and their positions kept.

The text this produces is the text every quote and `char_span` refers to. `nlp_text`
turns it into the text spaCy reads without changing its length, so offsets carry over.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractor.model import CharSpan

# Characters replaced one for one (or by a short plain string).
CHAR_REPLACEMENTS: dict[str, str] = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2212": "-",  # minus sign
    "\u2026": "...",
    "\u00a0": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\t": " ",
    "\r": "\n",
    "\f": "\n",
    # Bullets drawn from the Symbol and Wingdings fonts land in the private use area.
    "\uf0b7": "•",
    "\uf0a7": "•",
    "\uf076": "•",
    "\uf0d8": "•",
    "\uf0fc": "•",
    "\uf0a8": "•",
    "\u00ad": "",  # soft hyphen
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
}
_CHAR_TABLE = str.maketrans(CHAR_REPLACEMENTS)

# How many lines at the top and at the bottom of a page may hold running headers/footers.
EDGE_LINES = 4
# A line is a running header/footer when its shape repeats on at least this share of the
# pages with text, and on at least MIN_RUNNING_PAGES pages.
RUNNING_SHARE = 0.3
MIN_RUNNING_PAGES = 3
# Prefixes after which a line-end hyphen belongs to a compound word, not to hyphenation.
COMPOUND_PREFIXES = frozenset(
    [
        "all",
        "anti",
        "co",
        "cross",
        "e",
        "ex",
        "face",
        "half",
        "high",
        "long",
        "low",
        "multi",
        "non",
        "one",
        "part",
        "post",
        "pre",
        "pro",
        "re",
        "self",
        "short",
        "so",
        "two",
        "three",
        "four",
        "five",
        "well",
        "wide",
        "year",
        "day",
        "week",
        "month",
    ]
)

# Two pieces of a split word are each used at most this often in the document.
RARE_PIECE = 2

_SPACES = re.compile(r"[ ]{2,}")
_DIGITS = re.compile(r"\d+")
_ROMAN_TOKEN = re.compile(r"\b[ivxlcdm]{1,7}\b")
_HYPHEN_END = re.compile(r"([A-Za-z]+)-$")
_NEXT_WORD = re.compile(r"^([A-Za-z]+)([^\sA-Za-z]*)(\s*)")
# "online.1 " / "survey,4 " / 'report".12 ': a marker after a word and its punctuation.
_MARKER_AFTER_PUNCT = re.compile(r"(?<=[a-z]{3})([.,;:!?)\"'\]]{1,2})(\d{1,3})(?=\s|$)")
# "project9 to": a marker glued straight to a lower-case word.
_MARKER_AFTER_WORD = re.compile(r"(?<![\w-])([a-z]{3,})(\d{1,3})(?=[\s.,;:)]|$)")


@dataclass(frozen=True)
class CleanPage:
    """The cleaned text of one page and the note markers that were separated in it."""

    text: str
    glued_markers: tuple[CharSpan, ...]


def normalise_chars(text: str) -> str:
    """Expand ligatures, make quotes, dashes and spaces plain, and tidy white space."""
    text = unicodedata.normalize("NFC", text).translate(_CHAR_TABLE)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines)


def line_shape(line: str) -> str:
    """A key under which a running header or footer repeats: lower case, numbers as '#'."""
    key = _DIGITS.sub("#", line.lower())
    key = _ROMAN_TOKEN.sub("#", key)
    return re.sub(r"\s+", " ", key).strip()


def edge_positions(lines: Sequence[str], edge: int = EDGE_LINES) -> list[int]:
    """Indexes of the first and last `edge` non-empty lines of a page."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if len(filled) <= 2 * edge:
        return filled
    return filled[:edge] + filled[-edge:]


def find_running_shapes(pages: Sequence[Sequence[str]]) -> frozenset[str]:
    """Shapes of lines that recur at the top or bottom of many pages."""
    with_text = [lines for lines in pages if any(line.strip() for line in lines)]
    counts: Counter[str] = Counter()
    for lines in with_text:
        counts.update({line_shape(lines[i]) for i in edge_positions(lines)})
    needed = max(MIN_RUNNING_PAGES, int(RUNNING_SHARE * len(with_text) + 0.999))
    return frozenset(
        shape
        for shape, count in counts.items()
        if count >= needed and shape and not _is_bare_number_shape(shape)
    )


def _is_bare_number_shape(shape: str) -> bool:
    # A lone number is the page number; labels.py decides which of those to drop.
    return shape.replace("#", "").strip(" .-") == ""


def document_vocabulary(pages: Iterable[Sequence[str]]) -> Counter[str]:
    """How often each lower-case word, and each hyphenated pair, occurs inside lines.

    A hyphen at a line end is left out: it is what the vocabulary is used to judge.
    """
    words: Counter[str] = Counter()
    for lines in pages:
        for line in lines:
            tokens = line.split()
            for token in tokens[:-1] if tokens and tokens[-1].endswith("-") else tokens:
                word = _bare_word(token)
                if not word:
                    continue
                words[word] += 1
                parts = word.split("-")
                words.update(f"{a}-{b}" for a, b in itertools.pairwise(parts))
    return words


def _bare_word(token: str) -> str:
    return token.strip(".,;:!?()[]{}\"'").lower()


def repair_split_words(line: str, vocabulary: Counter[str]) -> str:
    """Rejoin words that pypdf split with a stray space ("technica l", "th e", "publ ished").

    Two neighbouring pieces are joined when the joined word occurs elsewhere in the
    document and the pieces do not read as words: a lone letter other than "a" and "I"
    (English has no other one-letter words; "Title V" stays apart because "titlev" is no
    word of the document), or two pieces the document hardly uses on their own. "in to"
    stays apart; "an d" and "technica l" are joined.
    """
    tokens = line.split(" ")
    if len(tokens) < 2:
        return line
    out = [tokens[0]]
    for token in tokens[1:]:
        previous = out[-1]
        if _should_join(previous, token, vocabulary):
            out[-1] = previous + token
        else:
            out.append(token)
    return " ".join(out)


def _should_join(left: str, right: str, vocabulary: Counter[str]) -> bool:
    if not (left and right and left[-1].isalpha() and right[0].isalpha()):
        return False
    left_word, right_word = _bare_word(left), _bare_word(right)
    core = re.sub(r"[^\w-]", "", right)
    if not left_word or not right_word or not re.fullmatch(r"[^\W\d_]+", core):
        return False
    joined = vocabulary[_bare_word(left + right)]
    if joined == 0:
        return False
    if len(core) == 1:
        # "a" and "I" are words of their own; "F." is an initial ("John F. Kennedy").
        return core not in ("a", "A", "I") and not right.endswith(".")
    # The pieces are counted too, each time the split occurs; real words occur elsewhere.
    return max(vocabulary[left_word], vocabulary[right_word]) <= min(joined, RARE_PIECE)


def join_hyphenated(lines: list[str], vocabulary: Counter[str]) -> list[str]:
    """Join words split by a hyphen at a line end; keep the hyphen of real compounds."""
    out = list(lines)
    for i in range(len(out) - 1):
        match = _HYPHEN_END.search(out[i])
        if not match:
            continue
        j = i + 1
        while j < len(out) and not out[j].strip():
            j += 1
        if j >= len(out) or j > i + 1:
            continue  # a blank line between: not a wrapped word
        nxt = _NEXT_WORD.match(out[j])
        if not nxt:
            continue
        head, tail = match.group(1), nxt.group(1)
        keep_hyphen = _is_compound(head, tail, vocabulary)
        joined = head + ("-" if keep_hyphen else "") + tail + nxt.group(2)
        out[i] = out[i][: match.start()] + joined
        out[j] = out[j][nxt.end() :]
    return out


def _is_compound(head: str, tail: str, vocabulary: Counter[str]) -> bool:
    if tail[0].isupper() or head.isupper() or len(head) == 1:
        return True
    pair, word = f"{head}-{tail}".lower(), f"{head}{tail}".lower()
    if vocabulary[pair]:
        return True
    if vocabulary[word]:
        return False
    return head.lower() in COMPOUND_PREFIXES


def separate_markers(text: str) -> tuple[str, tuple[CharSpan, ...]]:
    """Put a space before note markers glued to a word ("online.1" -> "online. 1").

    Returns the new text and the spans of the separated markers in it.
    """
    spans: list[CharSpan] = []
    pieces: list[str] = []
    last = 0
    edits = sorted(
        [(m.end(1), m.start(2), m.end(2)) for m in _MARKER_AFTER_PUNCT.finditer(text)]
        + [(m.end(1), m.start(2), m.end(2)) for m in _MARKER_AFTER_WORD.finditer(text)]
    )
    shift = 0
    for split_at, start, end in edits:
        if split_at < last:
            continue
        pieces.append(text[last:split_at])
        pieces.append(" ")
        shift += 1
        spans.append(CharSpan(start + shift, end + shift))
        last = split_at
    pieces.append(text[last:])
    return "".join(pieces), tuple(spans)


def tidy_lines(lines: Iterable[str]) -> str:
    """Join lines into page text: no leading or trailing blank lines, at most one in a row."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def clean_document(
    pages: Sequence[Sequence[str]],
    drop_lines: Sequence[frozenset[int]],
) -> list[CleanPage]:
    """Clean the normalised lines of every page of one document.

    `pages` holds each page's lines after `normalise_chars`; `drop_lines` the indexes of
    lines to remove from each page (its printed page number, found by labels.py). Running
    headers and footers are found here, across the whole document.
    """
    running = find_running_shapes(pages)
    vocabulary = document_vocabulary(pages)
    result = []
    for number, (lines, dropped) in enumerate(zip(pages, drop_lines, strict=True)):
        edges = set(edge_positions(lines))
        if number == 0:
            # On the first page, a title that the running header repeats on every later
            # page ("Local by Social") is the title, not a header: keep its top lines.
            filled = [i for i, line in enumerate(lines) if line.strip()]
            edges -= set(filled[: min(EDGE_LINES, len(filled) // 2)])
        kept = [
            repair_split_words(line, vocabulary)
            for i, line in enumerate(lines)
            if i not in dropped and not (i in edges and line_shape(line) in running)
        ]
        text = tidy_lines(join_hyphenated(kept, vocabulary))
        result.append(CleanPage(*separate_markers(text)))
    return result


# A line ends a paragraph (its newline is kept for spaCy) when it is much shorter than the
# page's usual line, when the next line starts a list item, or when either line is a table
# row or contents entry drawn with dot leaders ("AFM revisions ........ $85").
SHORT_LINE_SHARE = 0.6
_LIST_START = re.compile(r"^(?:[•●▪■◦‣*·o-]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")
_DOT_LEADER = re.compile(r"\.{4,}|…{2,}")
# A caption's first line ("Figure 3. ...", "Table 2: ...", "Box 1 ..."): the text after a
# caption is another paragraph even when the caption line runs the full width.
_CAPTION_START = re.compile(
    r"^(?:Figure|Fig\.|Table|Chart|Box|Exhibit|Graph|Map|Plate)\s+[A-Z]?\d+(?:\.\d+)*[.:]?\s"
)


# pypdf gives U+FFFD for a glyph its font does not map to Unicode. Between the end of a word
# and a capitalised word such a glyph is nearly always the full stop (a symbol font's
# "."), so spaCy reads it as one; the page text keeps what pypdf gave.
_UNMAPPED_STOP = re.compile(r"(?<=[A-Za-z0-9)])\ufffd(?=\s+[A-Z])")


def usual_line_length(lines: Sequence[str]) -> int | None:
    """The length of a full line of the page: its longer lines' (upper quartile) length."""
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return None
    return lengths[int(len(lengths) * 0.75)] if len(lengths) >= 4 else lengths[-1]


def nlp_text(text: str) -> str:
    """Replace soft line wraps with spaces (same length), keeping paragraph breaks; an
    unmapped glyph (U+FFFD) between a word and a capitalised word becomes a full stop.

    spaCy parses wrapped lines better as one run of text; headings, list items and table
    rows keep their own lines. Offsets into the result are offsets into `text`.
    """
    text = _UNMAPPED_STOP.sub(".", text)
    lines = text.split("\n")
    usual = usual_line_length(lines)
    if usual is None:
        return text
    chars = list(text)
    position = 0
    for i, line in enumerate(lines[:-1]):
        position += len(line)
        following = lines[i + 1]
        soft = (
            bool(line)
            and bool(following)
            and len(line) >= SHORT_LINE_SHARE * usual
            and not _LIST_START.match(following)
            and not _DOT_LEADER.search(line)
            and not _DOT_LEADER.search(following)
            # a caption ends where a capitalised line follows it; a wrapped caption goes on
            # in lower case
            and not (_CAPTION_START.match(line) and following[:1].isupper())
        )
        if soft:
            chars[position] = " "
        position += 1
    return "".join(chars)


# When the characters of two texts stop agreeing, this many characters of the target are
# looked for further on in the source to find where they agree again (the longer first:
# it is less likely to be found in the wrong place).
ALIGN_WINDOWS = (8, 4)


def align_to_source(source: str, target: str) -> list[int]:
    """For each character of `target`, the index of the same character in `source`, or -1.

    `target` is `source` cleaned: characters translated one for one, white space changed,
    lines dropped, hyphens removed, spaces inserted. White space is never aligned. Where the
    two stop agreeing, the next few characters of the target (ALIGN_WINDOWS) are looked
    for in the source to agree again; target characters found nowhere map to -1.
    """
    source_at = [i for i, c in enumerate(source) if not c.isspace()]
    target_at = [j for j, c in enumerate(target) if not c.isspace()]
    src = "".join(source[i] for i in source_at)
    tgt = "".join(target[j] for j in target_at)
    out = [-1] * len(target)
    i = j = 0
    while i < len(src) and j < len(tgt):
        if src[i] == tgt[j]:
            out[target_at[j]] = source_at[i]
            i += 1
            j += 1
            continue
        for window in ALIGN_WINDOWS:
            found = src.find(tgt[j : j + window], i)
            if found > i:
                i = found
                break
        else:
            j += 1
    return out


def normalise_chars_mapped(text: str) -> tuple[str, list[int]]:
    """`text` with characters translated as `normalise_chars` does, and each one's source index.

    White space is kept as it is (alignment ignores it), so only the one-for-one and
    one-for-several replacements matter here.
    """
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        for d in unicodedata.normalize("NFC", c).translate(_CHAR_TABLE):
            chars.append(d)
            origin.append(i)
    return "".join(chars), origin


def collapse_whitespace(text: str) -> str:
    """Collapse every run of white space to one space and strip the ends."""
    return re.sub(r"\s+", " ", text).strip()
