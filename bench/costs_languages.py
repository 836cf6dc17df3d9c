"""Cost figures of non-English and English documents scored against their gold, per document.

Every annotated document of the corpus (`shared/corpus/gold`), of the training corpus
(`training/gold`) and the French plan's cost-figure annotation (`bench/gold`) is read, its
annotated pages run through the pipeline with the page language forced (the language each
document is written in, as its MANIFEST description says), and its cost figures scored the
way `extractor evaluate` scores them (same matching, same tolerance).

Until language identification reaches the pipeline, the language is handed to the costs
component through its `language` config (the documented hook; `doc.user_data
["extractor_language"]`, which detection sets per page, wins over it). `--no-language` runs
without it, as before this hook existed, so that the two runs can be compared; it also runs
on a checkout that predates the hook (`PYTHONPATH=that/checkout`).

Run with the project's Python: `.venv/bin/python bench/costs_languages.py [--json OUT]`.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from spacy.language import Language

from extractor.evaluate import (
    CostItem,
    GoldDocument,
    Tally,
    cost_matches,
    greedy_match,
    load_gold,
    ratio,
)
from extractor.nlp.costs import FACTORY, collect_cost_figures
from extractor.nlp.pipeline import COMPONENTS, build_pipeline
from extractor.nlp.types import PageDoc
from extractor.pages import prepare_pages
from extractor.pdf import read_pdf

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path("/work/shared")

# The language each annotated document is written in (the MANIFEST's descriptions: "French
# municipal policy plan", "Spanish municipal council minutes", "French-language academic
# paper"); every other annotated document is English.
LANGUAGES = {
    "fr-chelsea-active-transport-plan-2021.pdf": "fr",
    "es-la-zarza-acta-pleno-2025-02.pdf": "es",
    "es-la-zarza-acta-pleno-2025-06.pdf": "es",
    "fr-egc-olap-query-log-summaries-2010.pdf": "fr",
}
GOLD_FOLDERS = (
    (ROOT / "bench" / "gold", SHARED / "corpus" / "pdfs"),
    (SHARED / "corpus" / "gold", SHARED / "corpus" / "pdfs"),
    (ROOT / "training" / "gold", SHARED / "corpus-train" / "pdfs"),
)


def documents() -> list[tuple[GoldDocument, Path]]:
    """Every gold file with cost figures to score and the PDF it annotates."""
    found = []
    for gold_folder, pdf_folder in GOLD_FOLDERS:
        for path in sorted(gold_folder.glob("*.json")):
            gold = load_gold(path)
            pdf = pdf_folder / gold.file
            if pdf.exists() and all(gold.file != g.file for g, _ in found):
                found.append((gold, pdf))
    return found


def predicted_costs(pdf_path: Path, gold: GoldDocument, language: str | None) -> list[CostItem]:
    """The cost figures the pipeline finds on the annotated pages (and the page after each,
    where a figure's unit may be), with the costs component's `language` set."""
    nlp = _pipeline(language)
    pdf = read_pdf(pdf_path)
    pages, _warnings = prepare_pages(pdf)
    wanted = gold.pages_annotated
    pages = [
        page
        for page in pages
        if page.text.strip()
        and (wanted is None or page.index in wanted or page.index - 1 in wanted)
    ]
    ours = [name for name in COMPONENTS if name != FACTORY]
    with nlp.select_pipes(disable=ours):
        docs = list(nlp.pipe(page.nlp_text for page in pages))
    figures = collect_cost_figures([PageDoc(p, d) for p, d in zip(pages, docs, strict=True)])
    return [
        CostItem(f.page.index, f.amount, f.amount_max, f.currency, f.unit, f.char_span.start)
        for f in figures
    ]


@functools.cache
def _pipeline(language: str | None) -> Language:
    """The pipeline with the costs component's `language` config set (None: not set)."""
    config: dict[str, Any] = {} if language is None else {"language": language}
    nlp = build_pipeline()
    nlp.remove_pipe(FACTORY)
    nlp.add_pipe(FACTORY, config=config, before=COMPONENTS[1])
    return nlp


def score(gold: GoldDocument, predicted: list[CostItem]) -> Tally:
    """Matches of the predicted against the gold cost figures on the annotated pages."""
    pages = gold.pages_annotated

    def on_pages(items: Any) -> list[CostItem]:
        return [item for item in items if pages is None or item.page in pages]

    matching = greedy_match(on_pages(gold.items.cost_figures), on_pages(predicted), cost_matches)
    return Tally(len(matching.gold), len(matching.predicted), len(matching.pairs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-language", action="store_true", help="do not force a language")
    parser.add_argument("--only", help="score only documents whose file name contains this")
    parser.add_argument("--json", type=Path, help="write the scores here")
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    rows: list[dict[str, Any]] = []
    totals = {"en": Tally(), "other": Tally()}
    for gold, pdf in documents():
        if args.only and args.only not in gold.file:
            continue
        language = LANGUAGES.get(gold.file, "en")
        start = time.perf_counter()
        tally = score(gold, predicted_costs(pdf, gold, None if args.no_language else language))
        group = "en" if language == "en" else "other"
        totals[group] = totals[group] + tally
        rows.append(
            {
                "file": gold.file,
                "language": language,
                "gold": tally.gold,
                "predicted": tally.predicted,
                "matched": tally.matched,
                "precision": ratio(tally.matched, tally.predicted),
                "recall": ratio(tally.matched, tally.gold),
            }
        )
        print(_line(rows[-1], time.perf_counter() - start), flush=True)
    for group, tally in totals.items():
        print(
            f"{'all ' + group:<58} gold {tally.gold:4d} predicted {tally.predicted:4d} "
            f"matched {tally.matched:4d} P {_cell(ratio(tally.matched, tally.predicted))} "
            f"R {_cell(ratio(tally.matched, tally.gold))}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


def _cell(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _line(row: dict[str, Any], seconds: float) -> str:
    return (
        f"{row['file']:<55} {row['language']} gold {row['gold']:4d} predicted "
        f"{row['predicted']:4d} matched {row['matched']:4d} P {_cell(row['precision'])} "
        f"R {_cell(row['recall'])}  ({seconds:.0f} s)"
    )


if __name__ == "__main__":
    sys.exit(main())
