"""Benchmark of the extractor_costs component.

1. A sentence set (money in every form the component knows, and sentences without any):
   figures per second for the component alone (on Docs the model has already parsed) and
   for the whole pipeline.
2. The corpus PDFs: the component's share of the spaCy pipeline's time (and of the whole
   extraction's), which must stay under 10 %.

Run with the project's Python: `.venv/bin/python bench/costs.py [--repeat N] [--corpus DIR]`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.nlp.costs import FACTORY, SPANS_KEY, collect_cost_figures
from extractor.nlp.pipeline import build_pipeline
from extractor.nlp.types import PageDoc
from extractor.pages import prepare_pages
from extractor.pdf import read_pdf

# The component's time may add at most this share to the pipeline's.
BUDGET_SHARE = 0.10

SENTENCES = [
    "A face-to-face contact costs £7.81 per contact, a phone call £4.00 and a web one 17p.",
    "The council saved £1.2m in its first year online.",
    "Congress approved a budget of $3 billion for road repairs.",
    "Savings of £3.5bn a year are expected by the end of the Parliament.",
    "The new website cost between £10,000 and £15,000 to build.",
    "Each event costs £10-15k, depending on the venue.",
    "Transaction costs range from £8.62 to 15p per transaction.",
    "The service costs around £400,000 per annum to run.",
    "It produced 2 million pounds of mercury emissions in 2005.",
    "Gasoline prices exceeded $3 per gallon in August 2006.",
    "Electricity from wind cost about 4.5 to 5.5 cents per kilowatt-hour in 2002.",
    "The fine is up to $500,000 or five years in prison.",
    "We will invest £36 billion in local roads, rail and buses.",
    "Le projet coûte entre 50 000 $ et 100 000 $ selon les options.",
    "Estimated costs: labour $85 per hour = $85; parts $0; total $6,205.",
    "Revenue of £1m+ is expected from advertising.",
    "In 2019, 45% of councils replied to the survey (see page 12).",
    "Call 020 7946 0000 for more information about the scheme.",
    "Figures are in fiscal year 2005 dollars, adjusted for inflation.",
    "The consultation closed on 3 May 2021 after 1,200 responses.",
]


def sentence_benchmark(repeat: int) -> None:
    """Figures per second on the sentence set, component alone and whole pipeline."""
    nlp = build_pipeline()
    texts = SENTENCES * repeat
    component = nlp.get_pipe(FACTORY)
    with nlp.select_pipes(disable=[FACTORY]):
        parsed = list(nlp.pipe(texts))
    start = time.perf_counter()
    figures = sum(len(component(doc).spans[SPANS_KEY]) for doc in parsed)
    alone = time.perf_counter() - start
    start = time.perf_counter()
    whole = sum(len(doc.spans[SPANS_KEY]) for doc in nlp.pipe(texts))
    pipeline = time.perf_counter() - start
    print(f"sentence set: {len(texts)} sentences, {figures} figures")
    print(f"  component alone : {figures / alone:10.0f} figures/s  ({alone:.3f} s)")
    print(f"  whole pipeline  : {whole / pipeline:10.0f} figures/s  ({pipeline:.3f} s)")


def corpus_benchmark(corpus: Path) -> bool:
    """The component's share of the time on every readable corpus PDF; True within budget."""
    nlp = build_pipeline()
    component = nlp.get_pipe(FACTORY)
    read_time = base_time = component_time = collect_time = 0.0
    pages_done = figures = 0
    for path in sorted(corpus.glob("*.pdf")):
        start = time.perf_counter()
        try:
            pdf = read_pdf(path)
        except ExtractorError:
            continue  # encrypted or broken: not part of a pipeline run
        pages, _warnings = prepare_pages(pdf)
        pages = [page for page in pages if page.text.strip()]
        read_time += time.perf_counter() - start
        start = time.perf_counter()
        with nlp.select_pipes(disable=[FACTORY]):
            docs = list(nlp.pipe(page.nlp_text for page in pages))
        base_time += time.perf_counter() - start
        start = time.perf_counter()
        docs = [component(doc) for doc in docs]
        component_time += time.perf_counter() - start
        start = time.perf_counter()
        figures += len(
            collect_cost_figures([PageDoc(p, d) for p, d in zip(pages, docs, strict=True)])
        )
        collect_time += time.perf_counter() - start
        pages_done += len(pages)
    ours = component_time + collect_time
    nlp_share = ours / (base_time + ours)
    total_share = ours / (read_time + base_time + ours)
    print(f"corpus: {pages_done} pages, {figures} figures")
    print(f"  PDF reading and clean-up : {read_time:8.2f} s")
    print(f"  spaCy model (no costs)   : {base_time:8.2f} s")
    print(f"  extractor_costs          : {component_time:8.2f} s")
    print(f"  collect_cost_figures     : {collect_time:8.2f} s")
    print(f"  share of the NLP time    : {nlp_share:8.1%}  (budget {BUDGET_SHARE:.0%})")
    print(f"  share of the extraction  : {total_share:8.1%}")
    return nlp_share < BUDGET_SHARE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="copies of the sentence set")
    default_corpus = os.environ.get("EXTRACTOR_CORPUS", "")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(default_corpus) if default_corpus else _find_corpus(),
        help="folder of the shared corpus (default: $EXTRACTOR_CORPUS or shared/corpus)",
    )
    args = parser.parse_args()
    # pypdf's notes on the corpus's damaged files are not benchmark output (the CLI hides
    # them too unless --verbose).
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    sentence_benchmark(args.repeat)
    within = corpus_benchmark(args.corpus / "pdfs")
    return 0 if within else 1


def _find_corpus() -> Path:
    """shared/corpus beside the checkout or one of its ancestors."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "shared" / "corpus" / "pdfs").is_dir():
            return folder / "shared" / "corpus"
    return Path("/work/shared/corpus")


if __name__ == "__main__":
    sys.exit(main())
