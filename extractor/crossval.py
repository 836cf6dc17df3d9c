"""Cross-validation by document: the number every change to claims and examples is judged by.

`python -m extractor.crossval` (`make crossval`) scores the whole design on every annotated
document (the corpus's gold and the project's own, training/gold/):

1. Each document is extracted once and its candidates recorded with their features and
   gold labels (claims: every prose sentence of an annotated page; examples: every named
   mention). Rows are cached under the output folder, keyed by the PDF and the source of
   the extractor, so a run after a change recomputes what the change touched.
2. The documents are split into folds (one per document by default). For each fold the
   deciders are fitted on the other folds only, and the held-out documents are extracted
   with them, as `extractor extract` would with shipped models fitted the same way.
3. `extractor evaluate` scores the held-out extractions against the gold; the pooled table,
   the per-document scores and the claims per text page are printed, and the report is
   written as JSON (`report.json`, the evaluation report plus `crossval`).

`--rules` skips the learning and scores the rules alone (the baseline). Examples are chosen
by the rules unless `--learn-examples`: the learned examples decider is measured here but
not shipped while it scores below them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.evaluate import (
    ClaimItem,
    ExampleItem,
    GoldDocument,
    claim_matches,
    evaluate,
    example_matches,
    format_table,
    load_gold,
)
from extractor.nlp.decide import Deciders, Features, model_from_dict
from extractor.output import write_text_atomic
from extractor.train import DocumentRows, Row, fit_claims, fit_examples, inner_folds

if TYPE_CHECKING:
    from extractor.nlp.claims import ClaimCandidate
    from extractor.nlp.types import PageDoc

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"
DEFAULT_TRAINING = HERE.parent / "training" / "gold"
DEFAULT_OUTPUT = HERE.parent / "build" / "crossval"
# A page with at least this many words is a page of text for the claims density.
TEXT_PAGE_WORDS = 40
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class AnnotatedDocument:
    """A gold file and the PDF it annotates."""

    gold_path: Path
    pdf_path: Path
    gold: GoldDocument


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say where the annotated documents are (shared with train)."""
    corpus = Path(os.environ.get("EXTRACTOR_CORPUS", DEFAULT_CORPUS))
    parser.add_argument(
        "--gold",
        type=Path,
        action="append",
        help="a folder of gold files (repeatable; default: the corpus's and training/gold)",
    )
    parser.add_argument(
        "--pdfs",
        type=Path,
        action="append",
        help="a folder the gold files' PDFs are in (repeatable)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes")
    parser.add_argument(
        "--cache", type=Path, default=DEFAULT_OUTPUT / "rows", help="candidate rows cache"
    )
    parser.set_defaults(
        default_gold=[corpus / "gold", DEFAULT_TRAINING],
        default_pdfs=[corpus / "pdfs", corpus.parent / "corpus-train" / "pdfs"],
    )


def annotated_documents(args: argparse.Namespace) -> list[AnnotatedDocument]:
    """Every gold file of the gold folders with its PDF, in file-name order."""
    gold_folders = args.gold or args.default_gold
    pdf_folders = args.pdfs or args.default_pdfs
    found = []
    for folder in gold_folders:
        for gold_path in sorted(Path(folder).glob("*.json")):
            gold = load_gold(gold_path)
            pdf = next((f / gold.file for f in pdf_folders if (f / gold.file).exists()), None)
            if pdf is None:
                raise SystemExit(f"Error: {gold_path}: no PDF named {gold.file} in {pdf_folders}")
            found.append(AnnotatedDocument(gold_path, pdf, gold))
    return sorted(found, key=lambda d: d.gold.file)


def source_digest() -> str:
    """A digest of the extractor's code and data (not its models): rows depend on it."""
    digest = hashlib.sha256()
    for path in sorted(HERE.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file() and not _fitting_only(path):
            digest.update(str(path.relative_to(HERE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _fitting_only(path: Path) -> bool:
    """Files that fit or hold the models: candidate rows do not depend on them."""
    return "models" in path.parts or path.name == "train.py"


# Work done in worker processes, each with the pipeline loaded once.

_NLP: Any = None


def _worker_init() -> None:
    global _NLP
    from extractor.nlp.pipeline import Pipelines

    _NLP = Pipelines()
    _NLP.english  # noqa: B018  (loaded here, once per worker, not inside the first document)


def parse_document(document: AnnotatedDocument) -> list[PageDoc]:
    """The parsed pages of an annotated document, as extraction parses them (in a worker)."""
    from extractor.extract import parse_pages
    from extractor.pages import prepare_pages
    from extractor.pdf import read_pdf

    pages, warnings = prepare_pages(read_pdf(document.pdf_path))
    return parse_pages(_NLP, pages, warnings).page_docs


def labelled_claims(
    gold: GoldDocument, page_docs: Sequence[PageDoc]
) -> Iterator[tuple[ClaimCandidate, int, bool]]:
    """Every claim candidate on the annotated pages, with its page index and whether it
    holds a gold key claim's phrase."""
    from extractor.nlp.claims import claim_candidates, cue_data

    annotated = gold.pages_annotated
    for candidate in claim_candidates(page_docs, cue_data()):
        index = page_docs[candidate.order].page.index
        if annotated is None or index in annotated:
            item = ClaimItem(index, (candidate.span.text,))
            yield candidate, index, any(claim_matches(g, item) for g in gold.items.claims)


def document_rows(document: AnnotatedDocument) -> DocumentRows:
    """The labelled candidates of one document (in a worker)."""
    from extractor.nlp.examples import collect_examples

    gold = document.gold
    annotated = gold.pages_annotated
    page_docs = parse_document(document)

    def scored(index: int) -> bool:
        return annotated is None or index in annotated

    claim_rows: list[Row] = []
    claim_where: list[tuple[int, str]] = []
    for candidate, index, label in labelled_claims(gold, page_docs):
        claim_rows.append((candidate.features, label))
        claim_where.append((index, candidate.span.text))
    example_rows: list[Row] = []
    example_where: list[tuple[int, str]] = []

    def observe(position: int, mention: Any, features: Features) -> None:
        index = page_docs[position].page.index
        if scored(index):
            item = ExampleItem(index, (mention.name,))
            label = any(example_matches(g, item) for g in gold.items.examples)
            example_rows.append((features, label))
            example_where.append((index, mention.name))

    collect_examples(page_docs, None, observe)
    return DocumentRows(
        gold.file, tuple(claim_rows), tuple(example_rows), tuple(claim_where), tuple(example_where)
    )


def extract_with(job: tuple[AnnotatedDocument, dict[str, Any] | None, Path]) -> Path:
    """Extract a held-out document with the fold's models (in a worker); write its JSON."""
    from extractor.extract import extract

    document, models, folder = job
    if models is None:
        deciders = Deciders()
    else:
        deciders = Deciders(
            claims=model_from_dict(models["claims"]),
            examples=model_from_dict(models["examples"]) if "examples" in models else None,
        )
    result = extract(document.pdf_path, nlp=_NLP, deciders=deciders)
    return write_text_atomic(folder / f"{Path(document.gold.file).stem}.json", result.to_json())


def gather_rows(args: argparse.Namespace) -> list[DocumentRows]:
    """The rows of every annotated document, from the cache where it is current."""
    documents = annotated_documents(args)
    cache = Path(args.cache) / source_digest()
    cache.mkdir(parents=True, exist_ok=True)
    todo = [d for d in documents if not _cache_path(cache, d).exists()]
    if todo:
        print(f"reading candidates of {len(todo)} documents", file=sys.stderr)
        for document, rows in zip(
            todo, run_in_workers(document_rows, todo, args.jobs), strict=True
        ):
            write_text_atomic(_cache_path(cache, document), json.dumps(rows.to_dict()))
    out = []
    for document in documents:
        data = json.loads(_cache_path(cache, document).read_text(encoding="utf-8"))
        out.append(DocumentRows.from_dict(data))
    return out


def _cache_path(cache: Path, document: AnnotatedDocument) -> Path:
    key = hashlib.sha256(document.gold_path.read_bytes()).hexdigest()[:12]
    return cache / f"{Path(document.gold.file).stem}.{key}.json"


def run_in_workers(function: Any, jobs: Sequence[Any], workers: int) -> Iterator[Any]:
    """`function` over `jobs` in worker processes that hold the pipeline, results in order."""
    with ProcessPoolExecutor(max_workers=max(1, workers), initializer=_worker_init) as pool:
        yield from pool.map(function, jobs)


def claims_density(folder: Path) -> tuple[int, int]:
    """Claims and pages of text over the extractions in `folder`."""
    claims = pages = 0
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        claims += len(data["claims"])
        pages += sum(
            1
            for page in data["pages"]
            if len(_WORD.findall(page.get("text") or "")) >= TEXT_PAGE_WORDS
        )
    return claims, pages


def main(argv: Sequence[str] | None = None) -> int:
    """Run the cross-validation and print its tables."""
    parser = argparse.ArgumentParser(prog="python -m extractor.crossval", description=__doc__)
    add_corpus_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--folds", type=int, default=0, help="folds (default: one per document)")
    parser.add_argument("--rules", action="store_true", help="score the rules alone (baseline)")
    parser.add_argument(
        "--learn-examples",
        action="store_true",
        help="let a fitted model choose examples too (not shipped: below the rules so far)",
    )
    args = parser.parse_args(argv)
    documents = annotated_documents(args)
    rows = {r.file: r for r in gather_rows(args)} if not args.rules else {}
    output = Path(args.output)
    predictions = output / ("rules" if args.rules else "pred")
    gold_copy = output / "gold"
    for folder in (predictions, gold_copy):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for document in documents:
        shutil.copyfile(document.gold_path, gold_copy / document.gold_path.name)

    jobs: list[tuple[AnnotatedDocument, dict[str, Any] | None, Path]] = []
    fold_count = args.folds or len(documents)
    folds = inner_folds([rows.get(d.gold.file) or _empty(d) for d in documents], fold_count)
    for group in folds:
        models: dict[str, Any] | None = None
        if not args.rules:
            held = {documents[i].gold.file for i in group}
            training = [rows[d.gold.file] for d in documents if d.gold.file not in held]
            models = {"claims": fit_claims(training).to_dict()}
            if args.learn_examples:
                models["examples"] = fit_examples(training).to_dict()
        jobs += [(documents[i], models, predictions) for i in group]
    print(f"extracting {len(jobs)} held-out documents in {len(folds)} folds", file=sys.stderr)
    for _ in run_in_workers(extract_with, jobs, args.jobs):
        pass

    report = evaluate(gold_copy, predictions)
    claim_count, text_pages = claims_density(predictions)
    data = report.to_dict()
    data["crossval"] = {
        "design": "rules"
        if args.rules
        else ("learned claims and examples" if args.learn_examples else "learned claims"),
        "folds": len(folds),
        "claims": claim_count,
        "text_pages": text_pages,
        "claims_per_text_page": round(claim_count / text_pages, 3) if text_pages else None,
    }
    name = "report-rules.json" if args.rules else "report.json"
    write_text_atomic(output / name, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(format_table(report, per_document=True))
    print(
        f"claims per text page: {data['crossval']['claims_per_text_page']} "
        f"({claim_count} claims on {text_pages} pages of {TEXT_PAGE_WORDS}+ words)"
    )
    print(f"Wrote {output / name}")
    return 0


def _empty(document: AnnotatedDocument) -> DocumentRows:
    return DocumentRows(document.gold.file, (), ())


if __name__ == "__main__":
    sys.exit(main())
