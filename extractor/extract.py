"""One PDF in, one Extraction out: the pipeline stages in order.

PDF -> raw pages (pdf.py) -> cleaned, labelled pages (pages.py) -> each line's kind and
section (nlp/layout.py) -> one spaCy Doc per page with our components -> items (each
component's `collect`) -> Extraction, validated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from spacy import about as spacy_about
from spacy.language import Language

from extractor._version import __version__
from extractor.metadata import document_info
from extractor.model import (
    SCHEMA_VERSION,
    Citation,
    Claim,
    CostFigure,
    Evidence,
    Example,
    Extraction,
    ExtractionWarning,
    ExtractorInfo,
    ModelInfo,
    Options,
    Page,
    PageRef,
    Section,
    Source,
)
from extractor.nlp.citations import read_citations
from extractor.nlp.claims import collect_claims, link_claims
from extractor.nlp.costs import collect_cost_figures
from extractor.nlp.decide import Deciders, shipped_deciders
from extractor.nlp.examples import collect_examples
from extractor.nlp.layout import decide_layout, set_layout
from extractor.nlp.pipeline import build_pipeline
from extractor.nlp.types import PageDoc
from extractor.pages import PageText, prepare_pages, quote_boxes
from extractor.pdf import PdfDocument, read_pdf
from extractor.schema import validate

logger = logging.getLogger(__name__)

# Pages handed to spaCy at once; bounds memory on long documents.
NLP_BATCH_SIZE = 16

# Told how far extraction is: (pages done, pages in all). A page counts half once read and
# whole once parsed: reading takes from a fifth to two fifths of the time on the corpus,
# parsing most of the rest, so a display moves through both.
PageProgress = Callable[[float, int], None]


def extract(
    path: str | Path,
    *,
    password: str | None = None,
    nlp: Language | None = None,
    model: str | None = None,
    include_page_text: bool = True,
    max_pages: int | None = None,
    deciders: Deciders | None = None,
    progress: PageProgress | None = None,
) -> Extraction:
    """Extract pages, labels, items and metadata from the PDF at `path`.

    Pass a pipeline from `build_pipeline()` as `nlp` to reuse it across files; otherwise one
    is built from `model` (default: en_core_web_sm). `deciders` are the learned models that
    choose claims and examples (default: those shipped with the package). `progress` is
    told how far it is, page by page. Raises an ExtractorError subclass for a file that
    cannot be read; a file that reads but has no text gives an Extraction whose warnings
    say so.
    """
    on_page = None if progress is None else lambda read, count: progress(read / 2, count)
    pdf = read_pdf(path, password=password, max_pages=max_pages, on_page=on_page)
    if nlp is None:
        nlp = build_pipeline(model)
    options = Options(
        include_page_text=include_page_text,
        max_pages=max_pages,
        password_given=password is not None,
    )
    return extract_document(pdf, nlp, options, deciders, progress)


def extract_document(
    pdf: PdfDocument,
    nlp: Language,
    options: Options,
    deciders: Deciders | None = None,
    progress: PageProgress | None = None,
) -> Extraction:
    """Run the stages after reading on an opened PDF (`progress`: see `extract`)."""
    if deciders is None:
        deciders = shipped_deciders()
    pages, warnings = prepare_pages(pdf)
    count = len(pages)
    on_parsed = None if progress is None else lambda parsed: progress((count + parsed) / 2, count)
    page_docs = run_nlp(nlp, pages, warnings, on_parsed)
    cost_figures = tuple(collect_cost_figures(page_docs))
    citations, note_regions = read_citations(page_docs)
    claims, citations = link_claims(
        collect_claims(page_docs, deciders.claims), citations, cost_figures, note_regions
    )
    document = document_info(pdf.metadata, pages, [page.lines for page in pdf.pages])
    examples = collect_examples(page_docs, deciders.examples)
    result = Extraction(
        schema_version=SCHEMA_VERSION,
        source=_source(pdf),
        document=replace(document, evidence=_with_boxes(document.evidence, pages)),
        pages=tuple(_page(page, options.include_page_text) for page in pages),
        sections=_sections(pdf, pages),
        examples=_with_boxes(examples, pages),
        claims=_with_boxes(claims, pages),
        cost_figures=_with_boxes(cost_figures, pages),
        citations=_with_boxes(citations, pages),
        warnings=tuple(warnings),
        extractor=ExtractorInfo("extractor", __version__, _model_info(nlp), options),
    )
    logger.debug("%s: %d items", pdf.path, sum(1 for _ in result.items()))
    validate(result.to_dict(), path=str(pdf.path))
    return result


Located = TypeVar("Located", CostFigure, Example, Claim, Citation, Evidence)


def _with_boxes(items: Iterable[Located], pages: Sequence[PageText]) -> tuple[Located, ...]:
    """The items with the boxes their quotes cover on their page (`quote_boxes`); made here,
    once every component has placed its items, so that no component deals in positions."""
    by_index = {page.index: page for page in pages}
    out = []
    for item in items:
        page = by_index.get(item.page.index) if item.page is not None else None
        if page is None or item.char_span is None or not page.glyphs:
            out.append(item)
            continue
        out.append(replace(item, boxes=quote_boxes(page, item.char_span.start, item.char_span.end)))
    return tuple(out)


def run_nlp(
    nlp: Language,
    pages: Sequence[PageText],
    warnings: list[ExtractionWarning],
    on_parsed: Callable[[int], None] | None = None,
) -> list[PageDoc]:
    """Lay out and parse the text of each page that has some; one Doc per page, in page
    order.

    `on_parsed(n)` is called as the Docs come (spaCy parses NLP_BATCH_SIZE pages at a
    time): the first n pages are parsed, or had nothing to parse."""
    todo = []
    for page in pages:
        if not page.text.strip():
            continue
        if len(page.text) > nlp.max_length:
            warnings.append(
                ExtractionWarning(
                    "page_too_long",
                    f"page {page.index} has {len(page.text)} characters, more than the "
                    f"{nlp.max_length} spaCy parses; no items were extracted from it",
                    page.index,
                )
            )
            continue
        todo.append(page)
    # The layout stage decides once, for the whole document, what each line is; the
    # components then read it from `doc.spans["extractor_layout"]`.
    made = [nlp.make_doc(page.nlp_text) for page in todo]
    for doc, layout in zip(made, decide_layout(todo), strict=True):
        set_layout(doc, layout)
    docs = nlp.pipe(made, batch_size=NLP_BATCH_SIZE)
    page_docs = []
    position = {id(page): n for n, page in enumerate(pages, 1)}
    for page, doc in zip(todo, docs, strict=True):
        page_docs.append(PageDoc(page, doc))
        if on_parsed is not None:
            on_parsed(position[id(page)])
    if on_parsed is not None:
        on_parsed(len(pages))
    return page_docs


def _source(pdf: PdfDocument) -> Source:
    return Source(
        file=pdf.path.name,
        path=str(pdf.path),
        sha256=pdf.sha256,
        bytes=pdf.size,
        page_count=pdf.page_count,
        encrypted=pdf.encrypted,
        pdf_version=pdf.pdf_version,
        metadata=pdf.metadata,
    )


def _page(page: PageText, include_text: bool) -> Page:
    return Page(
        index=page.index,
        label=page.label,
        label_source=page.label_source,
        text=page.text if include_text else None,
        word_count=page.word_count,
        has_text_layer=page.has_text_layer,
        width=page.width,
        height=page.height,
    )


def _sections(pdf: PdfDocument, pages: Sequence[PageText]) -> tuple[Section, ...]:
    by_index = {page.index: page for page in pages}

    def ref(index: int | None) -> PageRef | None:
        if index is None:
            return None
        page = by_index.get(index)
        return page.ref if page else PageRef(index, None)

    return tuple(Section(e.title, e.level, ref(e.page_index)) for e in pdf.outline)


def _model_info(nlp: Language) -> ModelInfo:
    meta = nlp.meta
    lang, name = meta.get("lang", ""), meta.get("name", "")
    return ModelInfo(
        name=f"{lang}_{name}" if lang and name and not name.startswith(lang) else name,
        version=str(meta.get("version", "")),
        spacy_version=spacy_about.__version__,
        components=tuple(nlp.pipe_names),
    )
