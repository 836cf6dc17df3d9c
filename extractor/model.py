"""Frozen dataclasses of the output, and their conversion to and from JSON-ready dicts.

The field names here are the JSON keys of `schemas/extraction.schema.json`; a test checks
that the two agree. Lists are tuples so that a result, once built, cannot change under a
caller's feet.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar, Union

SCHEMA_VERSION = "1.2.0"

CostKind = Literal["cost", "saving", "budget", "price", "income", "other"]
ClaimKind = Literal[
    "statistic", "comparison", "causal", "prediction", "recommendation", "definition", "assertion"
]
CitationKind = Literal["footnote", "endnote", "reference", "url"]
ExampleKind = Literal["case_study", "example"]
LabelSource = Literal["printed", "page_labels"]
ReviewStatus = Literal["accepted", "rejected", "pending"]

# Fields whose value is left out of the JSON when it is None (optional in the schema).
_OMIT_WHEN_NONE = {"omit_none": True}


@dataclass(frozen=True)
class PageRef:
    """Where an item is: the 1-based physical page index and the label a reader would cite."""

    index: int
    label: str | None


@dataclass(frozen=True)
class CharSpan:
    """Half-open character offsets into the text of one page, as emitted in `pages[].text`."""

    start: int
    end: int


@dataclass(frozen=True)
class Box:
    """A rectangle on a page in PDF points from its top-left corner (pdfplumber's
    convention): where one line of a quote is drawn."""

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class Review:
    """A reviewer's decision on one item."""

    status: ReviewStatus
    comment: str | None = None


@dataclass(frozen=True)
class CostFigure:
    """One money amount, normalised, with what it is the cost of and per what."""

    id: str
    page: PageRef
    quote: str
    char_span: CharSpan
    raw: str
    amount: float
    amount_max: float | None
    currency: str
    unit: str | None
    subject: str | None
    qualifier: str | None
    kind: CostKind
    # Why the amount may be misread ("1.200" on a page of unknown language); absent if none.
    warning: str | None = field(default=None, metadata=_OMIT_WHEN_NONE)
    boxes: tuple[Box, ...] = ()
    review: Review | None = field(default=None, metadata=_OMIT_WHEN_NONE)


@dataclass(frozen=True)
class Example:
    """A named, concrete case the paper describes (a council, project, service, campaign)."""

    id: str
    page: PageRef
    pages: tuple[PageRef, ...]
    quote: str
    char_span: CharSpan
    name: str
    kind: ExampleKind
    organisations: tuple[str, ...]
    places: tuple[str, ...]
    platforms: tuple[str, ...]
    summary: str
    cues: tuple[str, ...]
    boxes: tuple[Box, ...] = ()
    review: Review | None = field(default=None, metadata=_OMIT_WHEN_NONE)


@dataclass(frozen=True)
class Claim:
    """A sentence or clause that asserts something checkable or argues for something.

    `quote` is the provenance; `text` is set only where the claim says more than its quote
    with white space collapsed (a sentence completed over a page break), else None (left
    out of the JSON). `full_text` gives the claim's text either way.
    """

    id: str
    page: PageRef
    quote: str
    char_span: CharSpan
    text: str | None = field(metadata=_OMIT_WHEN_NONE)
    kind: ClaimKind
    hedged: bool
    cues: tuple[str, ...]
    citation_ids: tuple[str, ...]
    cost_figure_ids: tuple[str, ...]
    boxes: tuple[Box, ...] = ()
    review: Review | None = field(default=None, metadata=_OMIT_WHEN_NONE)

    @property
    def full_text(self) -> str:
        """The claim's text: `text` where given, else the quote with white space collapsed."""
        return self.text if self.text is not None else _collapse_whitespace(self.quote)


def claim_text(quote: str, text: str | None) -> str | None:
    """What a claim's `text` field holds for this quote and text: None where the text is
    the quote with white space collapsed (the quote says it; schema 1.2), else the text.
    Outputs of schema 1.0 and 1.1 always hold both; this is how to read them as 1.2."""
    return None if text is None or text == _collapse_whitespace(quote) else text


def _collapse_whitespace(text: str) -> str:
    # extractor.text imports this module, so its function is imported where it is used.
    from extractor.text import collapse_whitespace

    return collapse_whitespace(text)


@dataclass(frozen=True)
class Anchor:
    """A place in the body text that points at a citation (a note marker, say)."""

    page: PageRef
    char_span: CharSpan


@dataclass(frozen=True)
class Citation:
    """A footnote, endnote, reference-list entry or URL the paper gives as a source."""

    id: str
    page: PageRef
    quote: str
    char_span: CharSpan
    kind: CitationKind
    marker: str | None
    text: str
    url: str | None
    cited_by: tuple[str, ...]
    anchors: tuple[Anchor, ...]
    boxes: tuple[Box, ...] = ()
    review: Review | None = field(default=None, metadata=_OMIT_WHEN_NONE)


@dataclass(frozen=True)
class PdfMetadata:
    """What the PDF says about itself, from its info dictionary and XMP packet."""

    title: str | None
    authors: tuple[str, ...]
    subject: str | None
    keywords: str | None
    creator: str | None
    producer: str | None
    created: str | None
    modified: str | None
    language: str | None


@dataclass(frozen=True)
class Source:
    """The input file."""

    file: str
    path: str
    sha256: str
    bytes: int
    page_count: int
    encrypted: bool
    pdf_version: str | None
    metadata: PdfMetadata


@dataclass(frozen=True)
class Evidence:
    """Where a value of `document` was found."""

    field: str
    value: str
    source: Literal["page", "pdf_info", "xmp"]
    page: PageRef | None
    quote: str | None
    char_span: CharSpan | None
    boxes: tuple[Box, ...] = ()


@dataclass(frozen=True)
class LanguageShare:
    """One language of the text and its share of the words of the pages that have one."""

    language: str
    share: float


@dataclass(frozen=True)
class DocumentInfo:
    """The paper's own metadata, as a cataloguer would record it."""

    title: str | None
    subtitle: str | None
    authors: tuple[str, ...]
    publishers: tuple[str, ...]
    commissioners: tuple[str, ...]
    date: str | None
    isbn: tuple[str, ...]
    issn: tuple[str, ...]
    licence: str | None
    language: str | None
    languages: tuple[LanguageShare, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Page:
    """One physical page: its label, its cleaned text, whether it had any text at all and
    its language (ISO 639-1; None when it has too little text to tell)."""

    index: int
    label: str | None
    label_source: LabelSource | None
    text: str | None
    word_count: int
    has_text_layer: bool
    width: float | None = None
    height: float | None = None
    language: str | None = None


@dataclass(frozen=True)
class Section:
    """A heading of the paper, from the PDF outline."""

    title: str
    level: int
    page: PageRef | None


@dataclass(frozen=True)
class ExtractionWarning:
    """Something the reader of the output should know: a broken page, a page without text."""

    code: str
    message: str
    page: int | None


@dataclass(frozen=True)
class ModelInfo:
    """The spaCy pipeline that produced the output."""

    name: str
    version: str
    spacy_version: str
    components: tuple[str, ...]


@dataclass(frozen=True)
class Options:
    """The options of the run that affect the output."""

    include_page_text: bool
    max_pages: int | None
    password_given: bool


@dataclass(frozen=True)
class ExtractorInfo:
    """Which extractor, model and options made the output."""

    name: str
    version: str
    model: ModelInfo
    options: Options


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one PDF; `to_json()` gives the schema-valid document."""

    schema_version: str
    source: Source
    document: DocumentInfo
    pages: tuple[Page, ...]
    sections: tuple[Section, ...]
    examples: tuple[Example, ...]
    claims: tuple[Claim, ...]
    cost_figures: tuple[CostFigure, ...]
    citations: tuple[Citation, ...]
    warnings: tuple[ExtractionWarning, ...]
    extractor: ExtractorInfo

    def to_dict(self) -> dict[str, Any]:
        """Return the output as plain dicts and lists, in schema key order."""
        result: dict[str, Any] = to_jsonable(self)
        return result

    def to_json(self, indent: int | None = 2) -> str:
        """Return the output as a JSON string (UTF-8 text, not ASCII-escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Extraction:
        """Build an Extraction from a dict such as `json.load` returns for an output file."""
        return from_jsonable(cls, data)

    def items(self) -> typing.Iterator[CostFigure | Example | Claim | Citation]:
        """Every extracted item, of every type, in output order."""
        yield from self.examples
        yield from self.claims
        yield from self.cost_figures
        yield from self.citations


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, tuples and scalars to JSON-ready values, keeping field order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None and f.metadata.get("omit_none"):
                continue
            out[f.name] = to_jsonable(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


T = TypeVar("T")


def from_jsonable(target: type[T], data: Any) -> T:
    """Build an instance of the dataclass `target` from JSON-ready data (inverse of to_jsonable)."""
    result: T = _convert(target, data)
    return result


def _convert(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        return _convert(non_none[0], value)
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(tp)
        return tuple(_convert(item_type, v) for v in value)
    if origin is Literal:
        return value
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        # A field left out of the JSON when None (optional in the schema) reads as None.
        kwargs = {
            f.name: _convert(hints[f.name], value[f.name]) if f.name in value else None
            for f in dataclasses.fields(tp)
            if f.name in value or f.metadata.get("omit_none")
        }
        return tp(**kwargs)
    if tp is float and isinstance(value, int):
        return float(value)
    return value
