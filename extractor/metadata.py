"""The paper's own metadata (`document`): title, subtitle, authors, publishers,
commissioning bodies, date, ISBN/ISSN, licence and language (the languages of the text are
told page by page in language.py; the dominant one is the document's).

Grey literature says who made it on its cover and imprint pages, not in the PDF's info
dictionary, which often holds "Microsoft Word - draft3.doc" or an author "7225547". So:
- the title is the block of the largest type on the cover or title page (found from the
  layout pypdf reports: font size and position), located in the page text so that it can
  be quoted; the PDF's own title is used only when no such block is found;
- publishers, commissioners, authors, date, ISBN/ISSN and licence come from statements on
  the first and last pages ("Published by", "commissioned by", "Report to", "©",
  "licensed under", ...), each with the page, exact quote and span it came from.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from extractor.model import DocumentInfo, Evidence, LanguageShare, PdfMetadata
from extractor.pages import PageText, locate
from extractor.pdf import StyledLine
from extractor.text import collapse_whitespace, normalise_chars

# Titles that word processors and scanners write on their own.
_GENERIC_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel) - |untitled|document\d*$|slide \d+$)"
    r"|\.(docx?|pptx?|xlsx?|rtf|odt|indd|qxd|pdf|tiff?|jpe?g)$",
    re.IGNORECASE,
)


def is_informative_title(title: str | None) -> bool:
    """Whether a PDF metadata title names the paper (not a file name or a scanner's code)."""
    if not title or _GENERIC_TITLE.search(title.strip()):
        return False
    words = re.findall(r"[^\W\d_]{2,}", title)
    # "S25C-0i25080113320": a code, not a title.
    return len(words) >= 2 or (len(words) == 1 and " " not in title.strip() and title.isalpha())


# Account names that word processors write as the author.
ACCOUNT_NAMES = frozenset({"administrator", "admin", "user", "owner", "author", "unknown", "root"})


def is_informative_name(name: str) -> bool:
    """Whether an author field holds a name rather than a login or a number."""
    if name.strip().casefold() in ACCOUNT_NAMES:
        return False
    return len(re.findall(r"[^\W\d_]", name)) >= 3 and not re.fullmatch(r"[\w.-]*\d[\w.-]*", name)


# Pages searched for imprint statements: this many from the front and from the back.
FRONT_PAGES = 4
BACK_PAGES = 3
# Of the first pages, how many may be the cover or title page.
TITLE_PAGES = 2
# A title is set at least this many times the size of the body text; a subtitle at least
# SUBTITLE_SIZE_RATIO times.
TITLE_SIZE_RATIO = 1.25
SUBTITLE_SIZE_RATIO = 1.15
# Lines of one block are at most this many font sizes apart (baseline to baseline), and a
# gap this much wider than the block's first one starts a new block.
BLOCK_MAX_GAP = 1.8
BLOCK_GAP_GROWTH = 1.3
# Lines after the title (and subtitle) looked at for author names.
AUTHOR_LINES = 8
# Longest licence statement kept, in characters.
MAX_LICENCE_CHARS = 500

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "janvier", "jan"),
            ("february", "fevrier", "février", "feb"),
            ("march", "mars", "mar"),
            ("april", "avril", "apr"),
            ("may", "mai"),
            ("june", "juin", "jun"),
            ("july", "juillet", "jul"),
            ("august", "aout", "août", "aug"),
            ("september", "septembre", "sep", "sept"),
            ("october", "octobre", "oct"),
            ("november", "novembre", "nov"),
            ("december", "decembre", "décembre", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_YEAR = re.compile(
    r"\b(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?P<month>"
    + "|".join(sorted(MONTHS, key=len, reverse=True))
    + r")\.?\s+(?:(?P<day2>\d{1,2}),?\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
# Last words of organisation names ("... Accountability Office", "... Association").
ORGANISATION_WORDS = frozenset(
    [
        "office",
        "association",
        "council",
        "department",
        "agency",
        "institute",
        "institution",
        "foundation",
        "trust",
        "party",
        "commission",
        "authority",
        "ministry",
        "administration",
        "government",
        "university",
        "college",
        "corporation",
        "society",
        "centre",
        "center",
        "bureau",
        "service",
        "group",
        "network",
        "company",
        "ltd",
        "limited",
        "inc",
        "llp",
        "plc",
        "partnership",
        "press",
        "publishing",
        "publishers",
        "board",
        "committee",
        "unit",
        "forum",
        "alliance",
        "federation",
        "league",
        "union",
        "organisation",
        "organization",
        "acm",
        "ieee",
    ]
)
# An organisation as written: capitalised words and the small words between them.
_WORD = r"[A-Z](?:[\w&'-]|\.(?=\w))*"
_ORGANISATION = rf"(?P<org>(?:the\s+)?{_WORD}(?:[ \t]+(?:of|and|for|the|on|in|&|{_WORD}))*)"
# The same, allowed to wrap onto the next line (a statement in running text).
_WRAPPED_ORGANISATION = (
    rf"(?P<org>(?:the\s+)?{_WORD}(?:(?:[ \t]+|[ \t]*\n[ \t]*)(?:of|and|for|the|on|in|&|{_WORD}))*)"
)
PUBLISHER_STATEMENTS = (
    re.compile(r"\bPublished\s+(?:in\s+\w+\s+\d{4}\s+)?by:?\s+" + _ORGANISATION),
    re.compile(
        r"(?:©|\(c\)|\bCopyright\s+(?:c\s*)?(?:©|\(c\))?(?=\s*(?:19|20)\d\d))\s*"
        r"(?:(?:19|20)\d\d,?\s+)?" + _ORGANISATION
    ),
)
COMMISSIONER_STATEMENTS = (
    re.compile(r"\b(?:[Cc]ommissioned|[Ff]unded|[Ss]ponsored)\s+by:?\s+" + _WRAPPED_ORGANISATION),
    re.compile(r"\b(?:[Pp]repared|[Pp]roduced|[Ww]ritten)\s+for:?\s+" + _WRAPPED_ORGANISATION),
)
# "Report to the Chairman, Subcommittee on ..., House of Representatives" on a cover.
REPORT_TO = re.compile(r"\bReport to (?:the )?(?P<org>[A-Z].*)$")
AUTHOR_STATEMENT = re.compile(
    r"\b(?:(?:[Ww]ritten|[Aa]uthored|[Cc]ompiled|[Ee]dited)\s+by|Authors?:)\s+(?P<names>[^\n.;]+)"
)
PERSON_NAME = re.compile(
    r"^(?:(?:Dr|Prof|Professor|Sir|Dame|Mr|Mrs|Ms)\.?\s+)?[A-Z][a-z'-]+"
    r"(?:\s+(?:[A-Z]\.|[A-Z][a-z'-]+|van|von|de|der|da|di|le|la)){1,3}$"
)
# Marks that tie an author to an affiliation ("Gal*+", "Smith#", "Jones1").
_AFFILIATION_MARKS = re.compile(r"[*∗†‡§#$+¹²³⁴⁵⁶⁷⁸⁹\d]+")
ISBN = re.compile(
    r"\b(?:ISBN(?:-1[03])?:?\s*)?(97[89][- ]?(?:\d[- ]?){9}\d|\d(?:[- ]?\d){8}[- ]?[\dX])\b"
)
ISSN = re.compile(r"\bISSN:?\s*(\d{4}-?\d{3}[\dXx])\b")
# Licence statements, strongest first: an explicit licence, public domain, permission to
# reproduce, then a bare copyright line.
LICENCE_STATEMENTS = (
    re.compile(r"licen[cs]ed under|Creative Commons|\bCC[ -]BY\b|Open Government Licen[cs]e", re.I),
    re.compile(r"not subject to copyright|is in the public domain", re.I),
    re.compile(
        r"may be (?:freely )?(?:re)?produced|(?:reproduced|reported|copied) free of charge"
        r"|[Pp]ermission to (?:make|copy|reproduce)|may be (?:freely )?(?:copied|reused)",
        re.I,
    ),
    re.compile(
        r"All rights reserved|Crown [Cc]opyright|©|\(c\) (?:19|20)\d\d"
        r"|\bCopyright\s+(?:©\s*)?(?:19|20)\d\d"
    ),
)
# A line that says what series a paper belongs to, not what it is about.
_SERIES_LINE = re.compile(r"\b(?:report|paper|series|no\.?|number|issue|vol\.?)\s*\d+\s*$", re.I)


def document_info(
    metadata: PdfMetadata,
    pages: Sequence[PageText],
    layout: Sequence[Sequence[StyledLine]] = (),
    languages: Mapping[str, float] | None = None,
) -> DocumentInfo:
    """The paper's metadata, from its cover and imprint pages and, failing those, the PDF's.

    `layout` holds the styled lines of the first pages (pdf.RawPage.lines), in page order;
    `languages` the share of each language of the text (language.document_languages),
    largest first.
    """
    languages = languages or {}
    found = _Found(pages)
    title_page = _title_from_layout(found, pages, layout)
    if found.first("title") is None and is_informative_title(metadata.title):
        found.from_pdf("title", " ".join((metadata.title or "").split()))
    if title_page is not None:
        _report_to(found, title_page)
        _authors_after_title(found, title_page)
    for page in _imprint_pages(pages):
        _statements(found, page)
    for author in metadata.authors:
        if is_informative_name(author):
            if _is_organisation(_strip_url(author)):
                found.from_pdf("publishers", _strip_url(author))
            else:
                found.from_pdf("authors", author)
    if found.first("date") is None and metadata.created:
        found.from_pdf("date", metadata.created[:10])
    # The text says which language it is in; a PDF's language tag is often the word
    # processor's default, so it is the answer only for a file with too little text.
    language = next(iter(languages), None) or _primary_language(metadata.language)
    return DocumentInfo(
        title=found.first("title"),
        subtitle=found.first("subtitle"),
        authors=found.all("authors"),
        publishers=found.all("publishers"),
        commissioners=found.all("commissioners"),
        date=found.first("date"),
        isbn=found.all("isbn"),
        issn=found.all("issn"),
        licence=found.first("licence"),
        language=language,
        languages=tuple(LanguageShare(code, share) for code, share in languages.items()),
        evidence=tuple(found.evidence),
    )


# Fields of `document` that hold one value (the first found wins).
SINGLE_VALUED = frozenset({"title", "subtitle", "date", "licence"})


class _Found:
    """Values found so far, each with its evidence; the first value of a field wins."""

    def __init__(self, pages: Sequence[PageText]) -> None:
        self.pages = pages
        self.evidence: list[Evidence] = []

    def values(self, field: str) -> list[str]:
        return [e.value for e in self.evidence if e.field == field]

    def first(self, field: str) -> str | None:
        values = self.values(field)
        return values[0] if values else None

    def all(self, field: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.values(field)))

    def _known(self, field: str, value: str) -> bool:
        return value.casefold() in (v.casefold() for v in self.values(field))

    def from_page(
        self, field: str, page: PageText, start: int, end: int, value: str | None = None
    ) -> None:
        if field in SINGLE_VALUED and self.first(field) is not None:
            return
        ref, quote, span = locate(page, start, end)
        value = value if value is not None else collapse_whitespace(quote)
        if quote and value and not self._known(field, value):
            self.evidence.append(Evidence(field, value, "page", ref, quote, span))

    def from_pdf(self, field: str, value: str) -> None:
        if field in SINGLE_VALUED and self.first(field) is not None:
            return
        if value and not self._known(field, value):
            self.evidence.append(Evidence(field, value, "pdf_info", None, None, None))


def _title_from_layout(
    found: _Found, pages: Sequence[PageText], layout: Sequence[Sequence[StyledLine]]
) -> _TitlePage | None:
    """Find the title (and subtitle) block on the cover or title page; quote it."""
    all_lines = [line for page_lines in layout for line in page_lines]
    body = body_size(all_lines)
    if body is None:
        return None
    by_index = {page.index: page for page in pages}
    for number, lines in enumerate(layout[:TITLE_PAGES], start=1):
        page = by_index.get(number)
        if page is None or not page.text.strip():
            continue
        blocks = text_blocks([line for line in lines if _is_title_text(line.text)])
        big = [b for b in blocks if b[0].size >= TITLE_SIZE_RATIO * body]
        if not big:
            continue
        title = max(big, key=lambda b: (b[0].size, -b[0].top))
        title_span = find_lines(page.text, [line.text for line in title])
        if title_span is None:
            return _TitlePage(page, 0)
        found.from_page("title", page, *title_span)
        end = title_span[1]
        below = [b for b in blocks if b[0].top > title[-1].top]
        if below:
            candidate = below[0]
            text = " ".join(line.text for line in candidate)
            if (
                candidate[0].size >= SUBTITLE_SIZE_RATIO * body
                and not _SERIES_LINE.search(text)
                and not _MONTH_YEAR.fullmatch(text.strip())
                and not any(len(_person_names(line.text)) >= 2 for line in candidate)
            ):
                span = find_lines(page.text, [line.text for line in candidate])
                if span is not None:
                    found.from_page("subtitle", page, *span)
                    end = max(end, span[1])
        return _TitlePage(page, end)
    return None


class _TitlePage:
    """The page that carries the title, and where the title (and subtitle) end on it."""

    def __init__(self, page: PageText, title_end: int) -> None:
        self.page = page
        self.title_end = title_end


def body_size(lines: Sequence[StyledLine]) -> float | None:
    """The font size most characters of the first pages are set in."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[line.size] = weights.get(line.size, 0) + len(line.text)
    if not weights:
        return None
    return max(weights, key=lambda size: (weights[size], -size))


def text_blocks(lines: Sequence[StyledLine]) -> list[list[StyledLine]]:
    """Group lines into blocks: consecutive lines of one size, set close together."""
    blocks: list[list[StyledLine]] = []
    for line in lines:
        block = blocks[-1] if blocks else None
        if block is not None and abs(block[-1].size - line.size) <= max(0.5, 0.05 * line.size):
            gap = line.top - block[-1].top
            first_gap = block[1].top - block[0].top if len(block) > 1 else None
            fits = 0 < gap <= BLOCK_MAX_GAP * line.size and (
                first_gap is None or gap <= BLOCK_GAP_GROWTH * first_gap
            )
            if fits:
                block.append(line)
                continue
        blocks.append([line])
    return blocks


def _is_title_text(text: str) -> bool:
    words = re.findall(r"[^\W\d_]+", text)
    letters = sum(len(w) for w in words)
    if letters < 3:
        return False
    # A logo in capitals ("GAO", "NESTA") is not a title.
    return not (len(words) == 1 and words[0].isupper() and len(words[0]) <= 5)


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", normalise_chars(text).casefold())


def find_lines(text: str, wanted: Sequence[str]) -> tuple[int, int] | None:
    """Offsets of the run of lines of `text` that says what `wanted` says (spacing aside)."""
    target = _key(" ".join(wanted))
    if not target:
        return None
    lines = text.split("\n")
    starts = []
    position = 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    for i in range(len(lines)):
        key = ""
        for j in range(i, len(lines)):
            key += _key(lines[j])
            if not target.startswith(key):
                break
            if key == target:
                return starts[i], starts[j] + len(lines[j])
    return None


def _report_to(found: _Found, title_page: _TitlePage) -> None:
    """'Report to the Chairman, Subcommittee on ...' on a cover names who asked for it."""
    page = title_page.page
    lines = page.text.split("\n")
    position = 0
    for i, line in enumerate(lines):
        match = REPORT_TO.search(line)
        if match:
            start = position + match.start("org")
            end = position + len(line)
            for following in lines[i + 1 :]:
                previous = page.text[:end].rstrip()
                if not (
                    previous.endswith((",", " of", " on", " and", " for"))
                    or following[:1].islower()
                ):
                    break
                end += 1 + len(following)
            found.from_page("commissioners", page, start, end)
            return
        position += len(line) + 1


def _authors_after_title(found: _Found, title_page: _TitlePage) -> None:
    """Lines of person names set after the title: "Andreas Gal, Brendan Eich, ..."."""
    page = title_page.page
    position = title_page.title_end
    for line in page.text[position:].split("\n")[: AUTHOR_LINES + 1]:
        start = position
        position += len(line) + 1
        by_line = re.match(r"\s*[Bb]y\s+", line)
        names = _person_names(line[by_line.end() :] if by_line else line)
        # One capitalised pair ("Enhancing Agency") is not yet a list of people.
        if len(names) >= 2 or (names and by_line):
            for name in names:
                found.from_page("authors", page, start, start + len(line), name)


def _person_names(text: str) -> list[str]:
    """The names in a line that lists only people ("A. Smith, B. Jones and C. Brown")."""
    parts = [p.strip() for p in re.split(r",|\band\b|&|;", _AFFILIATION_MARKS.sub("", text))]
    parts = [p for p in parts if p]
    if not parts or not all(PERSON_NAME.match(p) for p in parts):
        return []
    if any(_is_organisation(p) for p in parts):
        return []
    return parts


def _imprint_pages(pages: Sequence[PageText]) -> list[PageText]:
    with_text = [page for page in pages if page.text.strip()]
    front = with_text[:FRONT_PAGES]
    back = [page for page in with_text[-BACK_PAGES:] if page not in front]
    return front + back


def _statements(found: _Found, page: PageText) -> None:
    """What a page's imprint states: publishers and commissioners, authors, the date,
    ISBN and ISSN, the licence."""
    _organisation_statements(found, page)
    _author_statements(found, page)
    _date_statement(found, page)
    _serial_numbers(found, page)
    _licence_statement(found, page)


def _organisation_statements(found: _Found, page: PageText) -> None:
    """Publishers and commissioners named in a statement ("Published by X", "commissioned
    by Y")."""
    text = page.text
    for field, patterns in (
        ("publishers", PUBLISHER_STATEMENTS),
        ("commissioners", COMMISSIONER_STATEMENTS),
    ):
        for pattern in patterns:
            for match in pattern.finditer(text):
                span = _organisation_span(text, match.start("org"), match.end("org"))
                if span is not None:
                    found.from_page(field, page, *span)


def _author_statements(found: _Found, page: PageText) -> None:
    """The people an authors' statement names ("Written by A and B")."""
    for match in AUTHOR_STATEMENT.finditer(page.text):
        for name in _person_names(match.group("names")):
            found.from_page("authors", page, match.start("names"), match.end("names"), name)


def _date_statement(found: _Found, page: PageText) -> None:
    """The publication date: a month and year on a "Published" line, else, on a title
    page, one on a line of its own (a cover's "September 2005") before one in a sentence."""
    text = page.text
    date_match, offset = None, 0
    published = re.search(r"\bPublished\b[^\n]*", text)
    if published is not None:
        date_match, offset = _MONTH_YEAR.search(published.group(0)), published.start()
    if date_match is None and page.index <= TITLE_PAGES:
        alone = [m for m in _MONTH_YEAR.finditer(text) if _on_own_line(text, m.start(), m.end())]
        date_match, offset = (alone[0] if alone else _MONTH_YEAR.search(text)), 0
    if date_match is not None:
        month = MONTHS[date_match.group("month").lower()]
        day = date_match.group("day") or date_match.group("day2")
        value = f"{date_match.group('year')}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        found.from_page("date", page, offset + date_match.start(), offset + date_match.end(), value)


def _serial_numbers(found: _Found, page: PageText) -> None:
    """Valid ISBNs (labelled, or of 13 digits) and ISSNs."""
    text = page.text
    for match in ISBN.finditer(text):
        digits = re.sub(r"[- ]", "", match.group(1))
        labelled = match.group(0).upper().startswith("ISBN")
        if is_valid_isbn(digits) and (labelled or len(digits) == 13):
            found.from_page("isbn", page, match.start(1), match.end(1))
    for match in ISSN.finditer(text):
        if is_valid_issn(match.group(1)):
            found.from_page("issn", page, match.start(1), match.end(1))


def _licence_statement(found: _Found, page: PageText) -> None:
    """The first licence statement of the document, as the sentence that holds it."""
    text = page.text
    for pattern in LICENCE_STATEMENTS:
        statement = pattern.search(text)
        if statement and found.first("licence") is None:
            start, end = _sentence_around(text, statement.start(), statement.end())
            found.from_page("licence", page, start, end)


def _on_own_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return (
        not text[line_start:start].strip()
        and not text[end : line_end if line_end >= 0 else None].strip()
    )


# Words that open a licence or imprint statement at the start of a line.
_STATEMENT_OPENING = re.compile(
    r"(?m)^(?=(?:This|These|All|Copyright|©|Permission|Published|No part|Reproduction)\b)"
)
# Where a sentence ends: a full stop after a word (not after an initial, as in "U.S.").
_SENTENCE_BREAK = re.compile(r"(?<=[a-z0-9)\"']{2}[.!?])\s+(?=[A-Z])")


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or line, for a bare copyright line) that holds text[start:end]."""
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)]
    # A line that ends without a word's full stop ("... Incursions 32") ends a block too.
    breaks += [m.end() for m in re.finditer(r"[^\sa-z,;-]\n(?=[A-Z])", text[:start])]
    breaks += [m.start() for m in _STATEMENT_OPENING.finditer(text, 0, start)]
    paragraph = text.rfind("\n\n", 0, start)
    before = max([0, *breaks, paragraph + 2 if paragraph >= 0 else 0])
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip() == "" or text[line_start:start].strip() in "©":
        before = max(before, line_start)
    following = _SENTENCE_BREAK.search(text, end)
    paragraph_end = text.find("\n\n", end)
    stops = [i for i in (following.start() if following else -1, paragraph_end) if i >= 0]
    after = min(stops) if stops else len(text)
    if after - before > MAX_LICENCE_CHARS:
        line_end = text.find("\n", end)
        after = line_end if line_end >= 0 else len(text)
        before = max(before, line_start)
    return before, after


def _organisation_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim a matched organisation name: no leading article, nothing after a number or a
    web address, no trailing small word; None when what is left is not a name."""
    article = re.match(r"the\s+", text[start:end], re.IGNORECASE)
    if article:
        start += article.end()
    cut = re.search(r"\s+(?:\d|www\.|https?:)", text[start:end])
    if cut:
        end = start + cut.start()
    while True:
        trailing = re.search(r"(?:\s+(?:of|and|for|the|on|in|&)|[.,;])$", text[start:end])
        if not trailing:
            break
        end = start + trailing.start()
    words = text[start:end].split()
    if not words or " ".join(words).casefold() in {"crown", "crown copyright", "copyright"}:
        return None
    if len(words) == 1 and len(words[0]) < 3:
        return None
    return start, end


def _is_organisation(name: str) -> bool:
    words = re.findall(r"[^\W\d_]+", name.lower())
    return any(w in ORGANISATION_WORDS for w in words)


def _strip_url(name: str) -> str:
    name = re.split(r",?\s+(?:https?://|www\.)", name)[0]
    return re.split(r"\s+-\s+", name)[0].strip()


def is_valid_isbn(digits: str) -> bool:
    """Whether a 10- or 13-character ISBN (digits, final X allowed in ISBN-10) checks out."""
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits))
        return total % 10 == 0
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] in "Xx"):
        values = [int(d) for d in digits[:9]] + [10 if digits[9] in "Xx" else int(digits[9])]
        return sum((10 - i) * v for i, v in enumerate(values)) % 11 == 0
    return False


def is_valid_issn(issn: str) -> bool:
    """Whether an ISSN's check digit is right."""
    chars = issn.replace("-", "").upper()
    if len(chars) != 8 or not chars[:7].isdigit():
        return False
    total = sum(int(c) * (8 - i) for i, c in enumerate(chars[:7]))
    check = (11 - total % 11) % 11
    return chars[7] == ("X" if check == 10 else str(check))


def _primary_language(tag: str | None) -> str | None:
    if not tag:
        return None
    primary = tag.split("-")[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
