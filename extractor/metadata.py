"""The paper's own metadata (`document`): title, authors, date, language.

This module reads what the PDF says about itself and judges whether it is worth
believing: a title such as "Microsoft Word - draft3.doc" or an author "7225547" tells a
cataloguer nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS

from extractor.model import DocumentInfo, Evidence, PdfMetadata
from extractor.pages import PageText

# Titles that word processors and scanners write on their own.
_GENERIC_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel) - |untitled|document\d*$|slide \d+$)"
    r"|\.(docx?|pptx?|xlsx?|rtf|odt|indd|qxd|pdf|tiff?|jpe?g)$",
    re.IGNORECASE,
)
# Share of English stop words among the words of a text above which it is taken as English.
ENGLISH_STOPWORD_SHARE = 0.25
# How many words of the document to look at to tell its language.
LANGUAGE_SAMPLE_WORDS = 5000


def is_informative_title(title: str | None) -> bool:
    """Whether a PDF metadata title names the paper (not a file name or a scanner's code)."""
    if not title or _GENERIC_TITLE.search(title.strip()):
        return False
    words = re.findall(r"[^\W\d_]{2,}", title)
    # "S25C-0i25080113320": a code, not a title.
    return len(words) >= 2 or (len(words) == 1 and " " not in title.strip() and title.isalpha())


def is_informative_name(name: str) -> bool:
    """Whether an author field holds a name rather than a login or a number."""
    return len(re.findall(r"[^\W\d_]", name)) >= 3 and not re.fullmatch(r"[\w.-]*\d[\w.-]*", name)


def detect_language(pages: Sequence[PageText]) -> str | None:
    """'en' when the text reads as English (by its share of stop words), else None."""
    words: list[str] = []
    for page in pages:
        words.extend(w.lower() for w in re.findall(r"[^\W\d_]+", page.text))
        if len(words) >= LANGUAGE_SAMPLE_WORDS:
            break
    if len(words) < 20:
        return None
    share = sum(w in STOP_WORDS for w in words) / len(words)
    return "en" if share >= ENGLISH_STOPWORD_SHARE else None


def document_info(metadata: PdfMetadata, pages: Sequence[PageText]) -> DocumentInfo:
    """The paper's metadata, from the PDF's own where that is informative."""
    evidence: list[Evidence] = []

    def from_pdf(field: str, value: str) -> str:
        evidence.append(Evidence(field, value, "pdf_info", None, None, None))
        return value

    title = metadata.title if is_informative_title(metadata.title) else None
    if title:
        from_pdf("title", title)
    authors = tuple(from_pdf("authors", a) for a in metadata.authors if is_informative_name(a))
    date = metadata.created[:10] if metadata.created else None
    if date:
        from_pdf("date", date)
    language = _primary_language(metadata.language) or detect_language(pages)
    return DocumentInfo(
        title=title,
        subtitle=None,
        authors=authors,
        publishers=(),
        commissioners=(),
        date=date,
        isbn=(),
        issn=(),
        licence=None,
        language=language,
        evidence=tuple(evidence),
    )


def _primary_language(tag: str | None) -> str | None:
    if not tag:
        return None
    primary = tag.split("-")[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None
