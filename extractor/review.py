"""Reviewer tools: prove an extraction's quotes against its PDF, and record review decisions.

`verify_extraction` re-reads the PDF, re-creates the page texts exactly as extraction made
them (`read_pdf` + `prepare_pages`, no NLP) and checks the promise every output makes: the
file is the one extracted (sha256), and every quote is the slice of its page's text that its
`char_span` names, on a page whose label is the one stated. `apply_decisions` records the
accept/reject/comment decisions a reviewer downloaded from the review page
(`schemas/review.schema.json`) in the items' `review` fields.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from extractor.errors import ExtractorError, InputFileError
from extractor.model import (
    Anchor,
    CharSpan,
    Citation,
    Claim,
    CostFigure,
    Example,
    Extraction,
    PageRef,
    Review,
    ReviewStatus,
    from_jsonable,
)
from extractor.output import read_json
from extractor.pages import PageText, prepare_pages
from extractor.pdf import read_pdf
from extractor.schema import EXTRACTION_SCHEMA, validate

logger = logging.getLogger(__name__)

REVIEW_SCHEMA = "review.schema.json"
REVIEW_SCHEMA_VERSION = "1.0.0"
# Characters of a wrong quote shown in a failure message.
SHOWN_CHARS = 80

Item = Example | Claim | CostFigure | Citation
ItemT = TypeVar("ItemT", Example, Claim, CostFigure, Citation)
# The JSON arrays that hold items, in output order.
ITEM_ARRAYS = ("examples", "claims", "cost_figures", "citations")


def load_extraction(path: str | Path) -> Extraction:
    """Read an extraction JSON file, check it against the schema and build the Extraction."""
    data = read_json(path)
    validate(data, EXTRACTION_SCHEMA, path=str(path))
    return Extraction.from_dict(data)


def find_pdf(extraction: Extraction, json_path: str | Path) -> Path:
    """The PDF an extraction was made from: `source.path` as given, or beside the JSON file."""
    json_dir = Path(json_path).parent
    source = extraction.source
    candidates = [Path(source.path), json_dir / source.path, json_dir / source.file]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise InputFileError(
        f"cannot find the PDF it was extracted from ({source.path}); give its path", json_path
    )


@dataclass(frozen=True)
class VerifyFailure:
    """One promise of the extraction that the PDF does not bear out."""

    where: str  # "claims[3] claim-8-120", "source", "pages[4]"
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of verifying one extraction against its PDF."""

    pdf: str
    quotes_checked: int
    pages_checked: int
    failures: tuple[VerifyFailure, ...]

    @property
    def ok(self) -> bool:
        """Whether every check held."""
        return not self.failures

    def summary(self) -> str:
        """One line: what was checked and how many checks failed."""
        verdict = "all hold" if self.ok else f"{len(self.failures)} failure(s)"
        return (
            f"{self.pdf}: {self.quotes_checked} quotes and {self.pages_checked} pages "
            f"checked: {verdict}"
        )


def verify(
    json_path: str | Path, pdf_path: str | Path | None = None, password: str | None = None
) -> VerifyReport:
    """Verify the extraction in `json_path` against its PDF (found from the JSON if not given)."""
    extraction = load_extraction(json_path)
    pdf = Path(pdf_path) if pdf_path is not None else find_pdf(extraction, json_path)
    return verify_extraction(extraction, pdf, password)


def verify_extraction(
    extraction: Extraction, pdf_path: str | Path, password: str | None = None
) -> VerifyReport:
    """Check the sha256, the pages and every quote of `extraction` against the PDF."""
    pdf = read_pdf(pdf_path, password=password, max_pages=extraction.extractor.options.max_pages)
    pages, _warnings = prepare_pages(pdf)
    checker = _Checker(pages)
    if pdf.sha256 != extraction.source.sha256:
        checker.fail(
            "source",
            f"sha256 of {pdf.path.name} is {pdf.sha256}, not {extraction.source.sha256}: "
            "it is not the file that was extracted",
        )
    if pdf.page_count != extraction.source.page_count:
        checker.fail(
            "source",
            f"the PDF has {pdf.page_count} pages, not {extraction.source.page_count}",
        )
    checker.check_pages(extraction)
    for array, item_index, item in _items(extraction):
        where = f"{array}[{item_index}] {item.id}"
        checker.check_quote(where, item.page, item.quote, item.char_span)
        if isinstance(item, Example):
            for k, ref in enumerate(item.pages):
                checker.check_ref(f"{where} pages[{k}]", ref)
        if isinstance(item, Citation):
            for k, anchor in enumerate(item.anchors):
                checker.check_anchor(f"{where} anchors[{k}]", anchor)
    for k, evidence in enumerate(extraction.document.evidence):
        if evidence.page is not None and evidence.quote is not None and evidence.char_span:
            checker.check_quote(
                f"document.evidence[{k}] {evidence.field}",
                evidence.page,
                evidence.quote,
                evidence.char_span,
            )
    for k, section in enumerate(extraction.sections):
        if section.page is not None:
            checker.check_ref(f"sections[{k}]", section.page)
    return VerifyReport(
        pdf=str(pdf.path),
        quotes_checked=checker.quotes,
        pages_checked=len(extraction.pages),
        failures=tuple(checker.failures),
    )


def _items(extraction: Extraction) -> Iterator[tuple[str, int, Item]]:
    for array in ITEM_ARRAYS:
        items: Sequence[Item] = getattr(extraction, array)
        for k, item in enumerate(items):
            yield array, k, item


class _Checker:
    """Runs the checks against the re-created pages and collects the failures."""

    def __init__(self, pages: Sequence[PageText]) -> None:
        self.pages = list(pages)
        self.failures: list[VerifyFailure] = []
        self.quotes = 0

    def fail(self, where: str, problem: str) -> None:
        self.failures.append(VerifyFailure(where, problem))

    def check_pages(self, extraction: Extraction) -> None:
        if len(extraction.pages) != len(self.pages):
            self.fail(
                "pages",
                f"{len(extraction.pages)} pages listed, but {len(self.pages)} were read "
                "from the PDF",
            )
        for k, (listed, page) in enumerate(zip(extraction.pages, self.pages, strict=False)):
            where = f"pages[{k}]"
            if listed.index != page.index:
                self.fail(where, f"index {listed.index}, but this is page {page.index}")
            elif listed.label != page.label:
                self.fail(
                    where, f"label {_show(listed.label)}, but the PDF's is {_show(page.label)}"
                )
            elif listed.text is not None and listed.text != page.text:
                self.fail(
                    where,
                    f"text differs from the text of page {page.index} as re-created from the "
                    f"PDF, from character {_first_difference(listed.text, page.text)} on",
                )

    def page(self, where: str, ref: PageRef) -> PageText | None:
        if not 1 <= ref.index <= len(self.pages):
            self.fail(where, f"page {ref.index} does not exist (the PDF has {len(self.pages)})")
            return None
        page = self.pages[ref.index - 1]
        if ref.label != page.label:
            self.fail(
                where,
                f"page {ref.index} is labelled {_show(page.label)} in the PDF, "
                f"not {_show(ref.label)}",
            )
        return page

    def check_ref(self, where: str, ref: PageRef) -> None:
        self.page(where, ref)

    def check_anchor(self, where: str, anchor: Anchor) -> None:
        page = self.page(where, anchor.page)
        span = anchor.char_span
        if page is not None and not 0 <= span.start <= span.end <= len(page.text):
            self.fail(
                where,
                f"char_span {span.start}-{span.end} is outside page {page.index} "
                f"({len(page.text)} characters)",
            )

    def check_quote(self, where: str, ref: PageRef, quote: str, span: CharSpan) -> None:
        self.quotes += 1
        page = self.page(where, ref)
        if page is None:
            return
        found = page.text[span.start : span.end] if 0 <= span.start <= span.end else ""
        if found == quote and span.end <= len(page.text):
            return
        self.fail(
            where,
            f"the quote {_show(quote)} is not at char_span {span.start}-{span.end} of page "
            f"{page.index}, which has {_show(found)} there{self._whereabouts(quote)}",
        )

    def _whereabouts(self, quote: str) -> str:
        """Where the quote really is, to help whoever debugs the extractor."""
        if not quote:
            return ""
        for page in self.pages:
            at = page.text.find(quote)
            if at != -1:
                return f"; the quote is at {at}-{at + len(quote)} of page {page.index}"
        return "; the quote is on no page"


def _show(value: str | None) -> str:
    if value is None:
        return "null"
    text = value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 3] + "..."
    return json.dumps(text, ensure_ascii=False)


def _first_difference(a: str, b: str) -> int:
    return next(
        (k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


# ---- review decisions ----------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A reviewer's decision on one item, as the review page downloads it."""

    id: str
    status: ReviewStatus
    comment: str | None = None


@dataclass(frozen=True)
class DecisionSource:
    """The PDF the decisions are about."""

    file: str
    sha256: str


@dataclass(frozen=True)
class ReviewDecisions:
    """A file of decisions (`schemas/review.schema.json`)."""

    schema_version: str
    source: DecisionSource
    decisions: tuple[Decision, ...]
    reviewer: str | None = None
    created: str | None = None


def load_decisions(path: str | Path) -> ReviewDecisions:
    """Read a decisions file and check it against the review schema."""
    data = read_json(path)
    validate(data, REVIEW_SCHEMA, path=str(path))
    return from_jsonable(ReviewDecisions, data)


def apply_decisions(
    extraction: Extraction, decisions: ReviewDecisions, decisions_path: str | Path | None = None
) -> Extraction:
    """Record each decision in its item's `review`; the result is validated.

    Decisions about another PDF, or naming items the extraction does not have, are refused
    rather than half applied: they belong to another file or another run of extractor.
    """
    if decisions.source.sha256 != extraction.source.sha256:
        raise InputFileError(
            f"the decisions are about {decisions.source.file} (sha256 "
            f"{decisions.source.sha256[:12]}...), not about {extraction.source.file} "
            f"(sha256 {extraction.source.sha256[:12]}...)",
            decisions_path,
        )
    by_id = {d.id: d for d in decisions.decisions}
    known = {item.id for item in extraction.items()}
    unknown = sorted(set(by_id) - known)
    if unknown:
        shown = ", ".join(unknown[:5]) + (", ..." if len(unknown) > 5 else "")
        raise InputFileError(
            f"{len(unknown)} decision(s) name items the extraction does not have ({shown})",
            decisions_path,
        )

    def reviewed(item: ItemT) -> ItemT:
        decision = by_id.get(item.id)
        if decision is None:
            return item
        comment = decision.comment if decision.comment else None
        return dataclasses.replace(item, review=Review(decision.status, comment))

    result = dataclasses.replace(
        extraction,
        examples=tuple(reviewed(item) for item in extraction.examples),
        claims=tuple(reviewed(item) for item in extraction.claims),
        cost_figures=tuple(reviewed(item) for item in extraction.cost_figures),
        citations=tuple(reviewed(item) for item in extraction.citations),
    )
    validate(result.to_dict(), EXTRACTION_SCHEMA)
    return result


def pdf_href(
    extraction: Extraction,
    json_path: str | Path,
    html_path: str | Path,
    pdf: str | Path | None = None,
) -> str:
    """A relative link from the review page (at `html_path`) to the PDF.

    The PDF is `pdf` if given, else the one `find_pdf` finds, else just its file name (the
    reviewer can put the page beside it).
    """
    if pdf is None:
        try:
            pdf = find_pdf(extraction, json_path)
        except InputFileError:
            return quote(extraction.source.file)
    relative = os.path.relpath(Path(pdf).resolve(), Path(html_path).resolve().parent)
    return quote(Path(relative).as_posix())


def page_images(
    extraction: Extraction, json_path: str | Path, pdf: str | Path | None = None
) -> dict[int, bytes]:
    """Pictures of the pages that have items, for the review page (render.page_jpegs), from
    `pdf` or the PDF `find_pdf` finds; none when it cannot be found or drawn (the page
    then lists items without pictures)."""
    from extractor.render import page_jpegs

    try:
        path = Path(pdf) if pdf is not None else find_pdf(extraction, json_path)
        return page_jpegs(path, sorted({item.page.index for item in extraction.items()}))
    except ExtractorError:
        logger.debug("no page pictures for the review page", exc_info=True)
        return {}


__all__ = [
    "REVIEW_SCHEMA",
    "Decision",
    "ReviewDecisions",
    "VerifyFailure",
    "VerifyReport",
    "apply_decisions",
    "find_pdf",
    "load_decisions",
    "load_extraction",
    "page_images",
    "pdf_href",
    "verify",
    "verify_extraction",
]
