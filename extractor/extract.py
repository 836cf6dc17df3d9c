"""One PDF in, one Extraction out: the pipeline stages in order.

PDF -> raw pages (pdf.py) -> cleaned, labelled pages (pages.py) -> the language of each
page (language.py) -> each line's kind and section (nlp/layout.py) -> one spaCy Doc per
page, made by the pipeline of its language, with our components -> items (each component's
`collect`) -> Extraction, validated.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol, TypeVar

from spacy import about as spacy_about
from spacy.language import Language
from spacy.tokens import Doc

from extractor._version import __version__
from extractor.language import PageLanguage, document_languages, page_language
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
from extractor.nlp.pipeline import ModelChoice, Pipelines
from extractor.nlp.types import PageDoc
from extractor.pages import PageText, prepare_pages, quote_boxes
from extractor.pdf import PdfDocument, read_pdf
from extractor.schema import validate

logger = logging.getLogger(__name__)

# Pages handed to spaCy at once. One: the parser's working arrays grow with the tokens of a
# batch (16 dense pages took 250 MB at once, one takes 35 MB), and batching saved no CPU time.
NLP_BATCH_SIZE = 1
# Where a page's Doc carries the language it was read as (ISO 639-1, or None when unknown),
# for the components that read numbers and words by language.
LANGUAGE_KEY = "extractor_language"

# Told how far extraction is: (pages done, pages in all). A page counts half once read and
# whole once parsed: reading takes from a fifth to two fifths of the time on the corpus,
# parsing most of the rest, so a display moves through both.
PageProgress = Callable[[float, int], None]


def extract(
    path: str | Path,
    *,
    password: str | None = None,
    nlp: Language | Pipelines | PageParser | None = None,
    model: ModelChoice = None,
    include_page_text: bool = True,
    max_pages: int | None = None,
    deciders: Deciders | None = None,
    progress: PageProgress | None = None,
) -> Extraction:
    """Extract pages, labels, items and metadata from the PDF at `path`.

    Pass `Pipelines` (or an English pipeline from `build_pipeline()`) as `nlp` to reuse them
    across files; otherwise they are built from `model`: a package name or path for English
    (default: en_core_web_sm), or a mapping of language to one. `deciders` are the learned
    models that choose claims and examples (default: those shipped with the package).
    `progress` is told how far it is, page by page. Pass `PageWorkers(N)`
    (extractor.pagejobs) as `nlp` to read and parse the pages in N worker processes, for
    the same result. Raises an ExtractorError subclass for a
    file that cannot be read; a file that reads but has no text gives an Extraction whose
    warnings say so.
    """
    options = Options(
        include_page_text=include_page_text,
        max_pages=max_pages,
        password_given=password is not None,
    )
    if nlp is not None and not isinstance(nlp, (Language, Pipelines)):
        return nlp.extract(path, password, options, deciders, progress)
    on_page = None if progress is None else lambda read, count: progress(read / 2, count)
    pdf = read_pdf(path, password=password, max_pages=max_pages, on_page=on_page)
    pipelines = _pipelines(nlp, model)
    return extract_document(pdf, pipelines, options, deciders, progress)


def _pipelines(nlp: Language | Pipelines | None, model: ModelChoice) -> Pipelines:
    if isinstance(nlp, Pipelines):
        return nlp
    if nlp is None:
        return Pipelines(model)
    return Pipelines.around(nlp, model)


def extract_document(
    pdf: PdfDocument,
    nlp: Language | Pipelines | PageParser,
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
    parsed = parse_pages(nlp, pages, warnings, on_parsed)
    page_docs, languages, shares = parsed.page_docs, parsed.languages, parsed.shares
    cost_figures = tuple(collect_cost_figures(page_docs))
    citations, note_regions = read_citations(page_docs)
    claims, citations = link_claims(
        _own_language(collect_claims(page_docs, deciders.claims), parsed),
        citations,
        cost_figures,
        note_regions,
    )
    document = document_info(pdf.metadata, pages, [page.lines for page in pdf.pages], shares)
    examples = _own_language(collect_examples(page_docs, deciders.examples), parsed)
    result = Extraction(
        schema_version=SCHEMA_VERSION,
        source=_source(pdf),
        document=replace(document, evidence=_with_boxes(document.evidence, pages)),
        pages=tuple(
            _page(page, language, options.include_page_text)
            for page, language in zip(pages, languages, strict=True)
        ),
        sections=_sections(pdf, pages),
        examples=_with_boxes(examples, pages),
        claims=_with_boxes(claims, pages),
        cost_figures=_with_boxes(cost_figures, pages),
        citations=_with_boxes(citations, pages),
        warnings=tuple(warnings),
        extractor=ExtractorInfo("extractor", __version__, parsed.model, options),
    )
    logger.debug("%s: %d items", pdf.path, sum(1 for _ in result.items()))
    validate(result.to_dict(), path=str(pdf.path))
    return result


Located = TypeVar("Located", CostFigure, Example, Claim, Citation, Evidence)
Item = TypeVar("Item", Example, Claim)


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


@dataclass(frozen=True)
class ParsedPages:
    """Every page's language (in page order, and by page index), the document's share of
    each, and the Docs of the pages."""

    languages: list[PageLanguage]
    by_index: dict[int, PageLanguage]
    shares: dict[str, float]
    page_docs: list[PageDoc]
    # The pipeline that read the most pages (what `extractor.model` names).
    model: ModelInfo


class PageParser(Protocol):
    """Reads and parses the pages elsewhere, for the same result: the worker processes of
    `extract --jobs` (extractor.pagejobs.PageWorkers)."""

    def extract(
        self,
        path: str | Path,
        password: str | None,
        options: Options,
        deciders: Deciders | None = None,
        progress: PageProgress | None = None,
    ) -> Extraction:
        """`extract`'s result."""

    def run_nlp(
        self,
        pages: Sequence[PageText],
        languages: Sequence[PageLanguage],
        dominant: str | None,
        warnings: list[ExtractionWarning],
        on_parsed: Callable[[int], None] | None = None,
    ) -> tuple[list[PageDoc], ModelInfo]:
        """`run_nlp`'s Docs, with what the output says of the pipeline that read most."""


def parse_pages(
    nlp: Language | Pipelines | PageParser,
    pages: Sequence[PageText],
    warnings: list[ExtractionWarning],
    on_parsed: Callable[[int], None] | None = None,
) -> ParsedPages:
    """Tell the language of each page, then parse each with its language's pipeline."""
    languages = [page_language(page.text) for page in pages]
    shares = document_languages(languages)
    dominant = next(iter(shares), None)
    if isinstance(nlp, (Language, Pipelines)):
        page_docs, used = run_nlp(
            _pipelines(nlp, None), pages, languages, dominant, warnings, on_parsed
        )
        model = model_info(used)
    else:
        page_docs, model = nlp.run_nlp(pages, languages, dominant, warnings, on_parsed)
    by_index = {page.index: found for page, found in zip(pages, languages, strict=True)}
    return ParsedPages(languages, by_index, shares, page_docs, model)


def run_nlp(
    pipelines: Pipelines,
    pages: Sequence[PageText],
    languages: Sequence[PageLanguage],
    dominant: str | None,
    warnings: list[ExtractionWarning],
    on_parsed: Callable[[int], None] | None = None,
) -> tuple[list[PageDoc], Language]:
    """Parse the text of each page that has some with the pipeline of its language (a page
    too short to tell is read in the document's `dominant` language); one Doc per page, in
    page order. Returns them with the pipeline that read the most pages.

    Each Doc carries its language in `doc.user_data[LANGUAGE_KEY]`. A page that mixes
    languages (two columns, say) is read by the pipeline of the language most of its words
    are in (`_own_language` then drops what it found in the other blocks). Pages of a
    language with no trained pipeline go through a light one, and one
    `language_unsupported` warning names them. The layout stage (nlp/layout.py) decides
    once, for the whole document, what each line is; the components read it from
    `doc.spans["extractor_layout"]`. `on_parsed(n)` is told that n pages are parsed (or had
    nothing to parse) as the Docs come.
    """
    todo: dict[int, list[tuple[int, Doc]]] = defaultdict(list)
    by_id: dict[int, Language] = {}
    read = plan_pages(pages, languages, dominant, pipelines.for_language, warnings)
    layouts = decide_layout([pages[position] for position, _ in read])
    for (position, nlp), layout in zip(read, layouts, strict=True):
        doc = nlp.make_doc(pages[position].nlp_text)
        doc.user_data[LANGUAGE_KEY] = languages[position].language or dominant
        set_layout(doc, layout)
        todo[id(nlp)].append((position, doc))
        by_id[id(nlp)] = nlp
    parsed: dict[int, Doc] = {}
    skipped = len(pages) - len(read)
    for key, docs in todo.items():
        piped = by_id[key].pipe((doc for _, doc in docs), batch_size=NLP_BATCH_SIZE)
        for (position, _), doc in zip(docs, piped, strict=True):
            parsed[position] = doc
            if on_parsed is not None:
                on_parsed(min(len(pages), skipped + len(parsed)))
    if on_parsed is not None:
        on_parsed(len(pages))
    used = max(by_id.values(), key=lambda nlp: len(todo[id(nlp)]), default=None)
    page_docs = [PageDoc(pages[position], parsed[position]) for position in sorted(parsed)]
    return page_docs, used if used is not None else pipelines.english


class Limited(Protocol):
    """A pipeline, or what is known of one: the longest text it parses."""

    @property
    def max_length(self) -> int:
        """Characters."""


Reader = TypeVar("Reader", bound=Limited)


def plan_pages(
    pages: Sequence[PageText],
    languages: Sequence[PageLanguage],
    dominant: str | None,
    for_language: Callable[[str | None], tuple[Reader, bool]],
    warnings: list[ExtractionWarning],
) -> list[tuple[int, Reader]]:
    """The pages to parse (positions in `pages`) and what reads each (`for_language`: the
    pipeline of a language and whether it is a trained one); a page with no text is left
    out, a page too long for its pipeline too, with a `page_too_long` warning, and pages of
    languages with no trained pipeline get one `language_unsupported` warning."""
    unsupported: dict[str, list[int]] = defaultdict(list)
    read: list[tuple[int, Reader]] = []
    for position, (page, found) in enumerate(zip(pages, languages, strict=True)):
        if not page.text.strip():
            continue
        language = found.language or dominant
        nlp, trained = for_language(language)
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
        if not trained and found.language is not None:
            unsupported[found.language].append(page.index)
        read.append((position, nlp))
    if unsupported:
        warnings.append(_unsupported_warning(unsupported))
    return read


def _own_language(items: Iterable[Item], parsed: ParsedPages) -> list[Item]:
    """The items that lie in text of the language their page's pipeline reads: on a page
    that mixes languages (two columns), what a pipeline found in the other language's
    blocks is dropped."""
    read_as = {pd.page.index: pd.doc.user_data.get(LANGUAGE_KEY) for pd in parsed.page_docs}
    kept = []
    for item in items:
        found = parsed.by_index.get(item.page.index)
        if found is not None and found.mixed and item.char_span is not None:
            start = item.char_span.start
            block = next((b for b in found.blocks if b.span.start <= start < b.span.end), None)
            if block is not None and block.language not in (None, read_as.get(item.page.index)):
                continue
        kept.append(item)
    return kept


def _unsupported_warning(pages_by_language: dict[str, list[int]]) -> ExtractionWarning:
    """One warning naming each language without a trained pipeline and its pages (the
    warning's `page` is that page where there is only one)."""
    every_page = [index for found in pages_by_language.values() for index in found]
    parts = [
        f"{language} on page{'s' if len(indexes) > 1 else ''} "
        + ", ".join(str(index) for index in indexes)
        for language, indexes in sorted(pages_by_language.items())
    ]
    return ExtractionWarning(
        "language_unsupported",
        f"no trained pipeline is installed for {'; '.join(parts)}: those pages give cost "
        "figures and citations but no examples or claims (install one and name it with "
        "--model LANG=NAME)",
        every_page[0] if len(every_page) == 1 else None,
    )


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


def _page(page: PageText, language: PageLanguage, include_text: bool) -> Page:
    return Page(
        index=page.index,
        language=language.language,
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


def model_info(nlp: Language) -> ModelInfo:
    """What the output says of a pipeline (`extractor.model`)."""
    meta = nlp.meta
    lang, name = meta.get("lang", ""), meta.get("name", "")
    return ModelInfo(
        name=f"{lang}_{name}" if lang and name and not name.startswith(lang) else name,
        version=str(meta.get("version", "")),
        spacy_version=spacy_about.__version__,
        components=tuple(nlp.pipe_names),
    )
