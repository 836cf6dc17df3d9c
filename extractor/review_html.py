"""The review page: one self-contained HTML file to browse an extraction and decide on items.

Every item (examples, claims, cost figures, citations) is listed under its page with its
quote highlighted in the page text and a link that opens the PDF at that page. Filters
narrow the list by type, page and decision; accept / reject / comment controls keep their
state in the browser, and a button downloads the decisions as JSON
(`schemas/review.schema.json`) for `extractor review --apply`.

Safety: every string that comes from the PDF or the JSON is HTML-escaped here, on the
server side; the page's script only reads attributes and writes with `textContent`. A
Content-Security-Policy allows only this page's own style and script (by hash) and no
network at all, so even text that slipped through could not run or fetch anything. Text
from the PDF shown on the page has its bidirectional control characters (U+202E and its
kin) replaced by visible marks such as [RLO], so that they cannot reorder what a reviewer
reads ("gnp.exe" shown as "exe.png"); the download's file name loses them.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from extractor.model import Citation, Claim, CostFigure, Example, Extraction, Page, claim_text
from extractor.review import REVIEW_SCHEMA_VERSION, Item

# The cost chart: its size in SVG units and how many colours its currencies take in turn.
CHART_WIDTH = 300
CHART_HEIGHT = 60
CHART_COLOURS = 6  # classes c0 ... c5 in review.css
# Characters of page text shown around a quote before the full page text is opened.
CONTEXT_CHARS = 240
# How each item type is named on the page and in `data-type`.
ITEM_TYPES: dict[type[Any], tuple[str, str]] = {
    Example: ("example", "Example"),
    Claim: ("claim", "Claim"),
    CostFigure: ("cost", "Cost figure"),
    Citation: ("citation", "Citation"),
}
# Fields shown in the header, the quote box or the decision controls, not in the field list.
_NOT_LISTED = frozenset({"id", "page", "quote", "char_span", "review", "anchors", "boxes"})
_STATUSES = (("accepted", "Accept"), ("rejected", "Reject"), ("pending", "Undecided"))
# The bidirectional formatting characters (Unicode UAX #9): embeddings, overrides, isolates
# and the invisible marks, with the short names the page shows in their place.
BIDI_CONTROLS = {
    "\u061c": "ALM",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
}
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")


def _asset(name: str) -> str:
    return resources.files("extractor").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def esc(value: object) -> str:
    """HTML-escape any value for quoted attributes (and content that is not PDF text)."""
    return html.escape(str(value), quote=True)


def show(value: object) -> str:
    """PDF or JSON text as element content: escaped, each bidi control a visible mark."""
    return _BIDI.sub(_bidi_mark, esc(value))


def show_plain(value: object) -> str:
    """As `show`, for elements that hold text only (<title>, <option>): marks as text."""
    return _BIDI.sub(lambda m: f"[{BIDI_CONTROLS[m[0]]}]", esc(value))


def _bidi_mark(match: re.Match[str]) -> str:
    char = match[0]
    return (
        f'<span class="bidi" title="U+{ord(char):04X} {unicodedata.name(char, "")}">'
        f"[{BIDI_CONTROLS[char]}]</span>"
    )


def render_review(
    extraction: Extraction, pdf_href: str, images: Mapping[int, bytes] | None = None
) -> str:
    """The review page of `extraction`; `pdf_href` is the (URL-quoted) link to its PDF and
    `images` JPEG pictures of its pages by index (render.page_jpegs), drawn beside the
    list with every item's box on them."""
    style, script = _asset("review.css"), _asset("review.js")
    csp = (
        f"default-src 'none'; style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )
    source = extraction.source
    items = sorted(extraction.items(), key=lambda i: (i.page.index, i.char_span.start, i.id))
    pages = {page.index: page for page in extraction.pages}
    counts = {
        name: sum(1 for i in items if ITEM_TYPES[type(i)][0] == key)
        for key, name in ITEM_TYPES.values()
    }
    summary = ", ".join(f"{n} {name.lower()}(s)" for name, n in counts.items())
    stem = Path(source.file).stem or "extraction"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>Review: {show_plain(source.file)}</title>",
        f"<style>{style}</style>",
        "</head>",
        f'<body data-sha256="{esc(source.sha256)}" data-file="{esc(source.file)}" '
        f'data-decisions-file="{esc(_BIDI.sub("", stem))}.decisions.json" '
        f'data-review-schema-version="{esc(REVIEW_SCHEMA_VERSION)}">',
        "<header>",
        f"<h1>Review of {show(source.file)}</h1>",
        f"<p>{esc(source.page_count)} pages, sha256 <code>{esc(source.sha256)}</code>; "
        f'{esc(summary)}. <a href="{esc(pdf_href)}" target="_blank" rel="noopener">'
        "Open the PDF</a></p>",
        *_filters(items, pages),
        "</header>",
        '<div class="split">',
        '<aside id="viewer">',
        *_chart(extraction.cost_figures),
        *_page_views(items, pages, images or {}),
        "</aside>",
        "<main>",
        *_sections(items, pages, pdf_href),
        "</main>",
        "</div>",
        f"<script>{script}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _page_language(page: Page | None) -> str:
    """The page's language as the heading shows it ("in cy "), or nothing where unknown."""
    if page is None or not page.language:
        return ""
    return (
        f'<span class="page-language" title="language of the page">in {esc(page.language)}</span> '
    )


def _page_name(page: Page | None, index: int) -> str:
    if page is not None and page.label:
        return f"p. {page.label} (page {index} of the PDF)"
    return f"page {index} of the PDF"


def _filters(items: list[Item], pages: dict[int, Page]) -> Iterator[str]:
    yield '<form id="filters">'
    yield '<fieldset><legend class="type">Show</legend>'
    for key, name in ITEM_TYPES.values():
        yield (
            f'<label><input type="checkbox" name="type" value="{key}" checked> {esc(name)}s</label>'
        )
    yield "</fieldset>"
    yield '<label>Page <select name="page"><option value="">all pages</option>'
    for index in sorted({item.page.index for item in items}):
        yield f'<option value="{index}">{show_plain(_page_name(pages.get(index), index))}</option>'
    yield "</select></label>"
    yield _select(
        "Decision",
        "status",
        [("pending", "undecided"), ("accepted", "accepted"), ("rejected", "rejected")],
    )
    kinds = sorted({item.kind for item in items if isinstance(item, Claim)})
    yield _select("Claim kind", "kind", [(k, k) for k in kinds])
    yield _select("Hedged", "hedged", [("yes", "hedged claims"), ("no", "plain claims")])
    currencies = sorted({item.currency for item in items if isinstance(item, CostFigure)})
    yield _select("Currency", "currency", [(c, c) for c in currencies])
    yield (
        '<label>Search <input type="search" name="q" size="18" '
        'placeholder="quotes and page text"></label>'
    )
    yield (
        f'<span>Showing <span id="shown-count">{len(items)}</span> of {len(items)}</span>'
        '<label>Reviewer <input id="reviewer" type="text" size="14"></label>'
        '<button id="download" type="button">Download decisions</button>'
        '<span id="download-status" class="note"></span>'
    )
    yield "</form>"


def _select(label: str, name: str, options: Sequence[tuple[str, str]]) -> str:
    """A filter's drop-down: "any", then each (value, text)."""
    choices = "".join(f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in options)
    return (
        f'<label>{esc(label)} <select name="{esc(name)}"><option value="">any</option>'
        f"{choices}</select></label>"
    )


def _sections(items: list[Item], pages: dict[int, Page], pdf_href: str) -> Iterator[str]:
    if not items:
        yield '<p class="note">This extraction has no items to review.</p>'
        return
    current: int | None = None
    for item in items:
        index = item.page.index
        if index != current:
            if current is not None:
                yield "</section>"
            current = index
            page = pages.get(index)
            yield f'<section class="page" data-page="{index}">'
            yield (
                f"<h2>{show(_page_name(page, index))} "
                f"{_page_language(page)}"
                f'<a href="{esc(pdf_href)}#page={index}" target="_blank" rel="noopener">'
                "open in the PDF</a></h2>"
            )
            if page is not None and page.text is not None:
                lang = f' lang="{esc(page.language)}"' if page.language else ""
                yield (
                    "<details><summary>Whole page text</summary>"
                    f'<div class="page-text"{lang}>{show(page.text)}</div></details>'
                )
        yield from _article(item, pages.get(index), pdf_href)
    yield "</section>"


def _article(item: Item, page: Page | None, pdf_href: str) -> Iterator[str]:
    key, name = ITEM_TYPES[type(item)]
    index = item.page.index
    review = item.review
    initial = ""
    if review is not None:
        initial = f' data-initial-status="{esc(review.status)}"'
        if review.comment:
            initial += f' data-initial-comment="{esc(review.comment)}"'
    facets = ""
    if isinstance(item, Claim):
        facets = f' data-kind="{esc(item.kind)}" data-hedged="{"yes" if item.hedged else "no"}"'
    elif isinstance(item, CostFigure):
        facets = f' data-currency="{esc(item.currency)}"'
    yield (
        f'<article class="item" id="item-{esc(item.id)}" data-id="{esc(item.id)}" '
        f'data-type="{key}" data-page="{index}" data-status="pending"{facets}{initial} '
        'tabindex="-1">'
    )
    label = item.page.label
    where = f"p. {label}" if label else f"page {index}"
    yield (
        f'<h3><span class="type">{esc(name)}</span>{show(_title(item))} '
        f"<code>{esc(item.id)}</code> <small>{show(where)}, characters "
        f"{item.char_span.start}-{item.char_span.end}</small></h3>"
    )
    text = page.text if page is not None else None
    span = item.char_span
    quote = f'<blockquote class="quote"><mark>{show(item.quote)}</mark></blockquote>'
    if text is not None and text[span.start : span.end] == item.quote:
        # The quote once, marked in its context.
        start, end = _context_window(text, span.start, span.end)
        yield (
            '<div class="context">'
            + ("..." if start > 0 else "")
            + show(text[start : span.start])
            + quote
            + show(text[span.end : end])
            + ("..." if end < len(text) else "")
            + "</div>"
        )
    else:
        yield f'<div class="context">{quote}</div>'
        if text is None:
            yield '<p class="note">The JSON does not include the page text (--no-page-text).</p>'
        else:
            yield (
                '<p class="note">The quote is not at its char_span in the page text: '
                "run extractor verify.</p>"
            )
    yield from _fields(item)
    yield (
        f'<p><a href="{esc(pdf_href)}#page={index}" target="_blank" rel="noopener">'
        f"Open page {index} of the PDF</a></p>"
    )
    yield from _decision(item)
    yield "</article>"


def _page_views(
    items: list[Item], pages: dict[int, Page], images: Mapping[int, bytes]
) -> Iterator[str]:
    """One picture per page with items, in PDF points (an SVG whose viewBox is the page),
    with every item's boxes as rectangles. The JPEG waits in `data-src` as a data: URI
    until the page is first shown, so a long report opens without decoding every page."""
    by_page: dict[int, list[Item]] = {}
    for item in items:
        by_page.setdefault(item.page.index, []).append(item)
    for index, page_items in by_page.items():
        page = pages.get(index)
        if page is None or not page.width or not page.height or index not in images:
            continue
        width, height = page.width, page.height
        data = base64.b64encode(images[index]).decode("ascii")
        yield (
            f'<figure class="page-view" data-page="{index}" hidden>'
            f'<svg class="page-svg" viewBox="0 0 {width:g} {height:g}" '
            f'data-width="{width:g}" data-height="{height:g}" role="img" '
            f'aria-label="{esc(_page_name(page, index))}">'
            f'<image data-src="data:image/jpeg;base64,{data}" x="0" y="0" '
            f'width="{width:g}" height="{height:g}" preserveAspectRatio="none"/>'
        )
        for item in page_items:
            key = ITEM_TYPES[type(item)][0]
            for box in item.boxes:
                yield (
                    f'<rect class="box {key}" data-id="{esc(item.id)}" x="{box.x0:g}" '
                    f'y="{box.top:g}" width="{box.x1 - box.x0:g}" '
                    f'height="{box.bottom - box.top:g}"/>'
                )
        yield f"</svg><figcaption>{show(_page_name(page, index))}</figcaption></figure>"


def _chart(figures: Sequence[CostFigure]) -> Iterator[str]:
    """A small bar chart of how many cost figures each page has, stacked by currency;
    a bar filters the list to its page and currency when clicked."""
    if not figures:
        return
    counts: dict[int, dict[str, int]] = {}
    for figure in figures:
        per_page = counts.setdefault(figure.page.index, {})
        per_page[figure.currency] = per_page.get(figure.currency, 0) + 1
    currencies = sorted({figure.currency for figure in figures})
    colours = {c: f"c{i % CHART_COLOURS}" for i, c in enumerate(currencies)}
    pages = sorted(counts)
    tallest = max(sum(per_page.values()) for per_page in counts.values())
    bar = CHART_WIDTH / max(len(pages), 1)
    yield (
        f'<figure id="chart"><svg viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" '
        'aria-label="Cost figures by page and currency">'
    )
    for slot, index in enumerate(pages):
        y = float(CHART_HEIGHT)
        for currency in currencies:
            count = counts[index].get(currency, 0)
            if not count:
                continue
            height = count / tallest * (CHART_HEIGHT - 4)
            y -= height
            yield (
                f'<rect class="bar {colours[currency]}" data-page="{index}" '
                f'data-currency="{esc(currency)}" x="{slot * bar + 0.5:.2f}" y="{y:.2f}" '
                f'width="{max(bar - 1, 1):.2f}" height="{height:.2f}">'
                f"<title>page {index}: {count} {esc(currency)}</title></rect>"
            )
    yield "</svg><figcaption>Cost figures by page: "
    yield " ".join(f'<span class="swatch {colours[c]}">{esc(c)}</span>' for c in currencies)
    yield "</figcaption></figure>"


def _context_window(text: str, start: int, end: int) -> tuple[int, int]:
    """About CONTEXT_CHARS on each side of text[start:end], cut at white space."""
    before, after = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    if before > 0:
        space = text.find(" ", before, start)
        before = space + 1 if space != -1 else before
    if after < len(text):
        space = text.rfind(" ", end, after)
        after = space if space != -1 else after
    return before, after


def _title(item: Item) -> str:
    if isinstance(item, Example):
        return item.name
    if isinstance(item, CostFigure):
        return item.raw
    if isinstance(item, Citation):
        return item.marker or item.kind
    return item.kind


def _repeats_quote(item: Item, text: str | None) -> bool:
    """Whether an item's `text` says no more than its quote (absent, as in a claim of
    schema 1.2 whose text is its quote, or the quote again, as in older outputs)."""
    if isinstance(item, Claim):
        return claim_text(item.quote, text) is None
    return text is None or text == item.quote


def _fields(item: Item) -> Iterator[str]:
    yield '<dl class="fields">'
    for f in dataclasses.fields(item):
        if f.name in _NOT_LISTED:
            continue
        value = getattr(item, f.name)
        if f.name == "boxes" or (f.name == "text" and _repeats_quote(item, value)):
            continue  # drawn on the page image; the quote is shown once already
        if f.name == "pages":
            value = [ref.label or f"page {ref.index}" for ref in value]
        yield f"<dt>{esc(f.name.replace('_', ' '))}</dt><dd>{show(_show_value(value))}</dd>"
    yield "</dl>"


def _show_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else "-"
    return str(value)


def _decision(item: Item) -> Iterator[str]:
    group = f"decision-{item.id}"
    yield '<fieldset class="decision"><legend class="type">Decision</legend>'
    for value, label in _STATUSES:
        yield (f'<label><input type="radio" name="{esc(group)}" value="{value}"> {label}</label>')
    yield (
        f'<textarea name="comment" aria-label="Comment on {esc(item.id)}" '
        'placeholder="Comment (optional)"></textarea>'
    )
    yield "</fieldset>"


__all__ = ["render_review"]
