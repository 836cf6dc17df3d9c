"""The project's own gold (training/gold/): valid, and every quoted phrase on its page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.goldcheck import check_gold
from tests.conftest import CORPUS, ROOT

TRAINING_GOLD = ROOT / "training" / "gold"
TRAINING_PDFS = CORPUS.parent / "corpus-train" / "pdfs"
GOLD_FILES = sorted(TRAINING_GOLD.glob("*.json"))


def _listed(manifest: Path) -> set[str]:
    lines = manifest.read_text(encoding="utf-8").splitlines()[1:]
    return {line.split("\t")[0] for line in lines if line.strip()}


def test_every_training_pdf_has_its_gold_and_no_corpus_gold_is_repeated() -> None:
    listed = _listed(CORPUS.parent / "corpus-train" / "MANIFEST.tsv")
    annotated = {json.loads(p.read_text(encoding="utf-8"))["file"] for p in GOLD_FILES}
    assert listed and listed <= annotated
    # The rest are corpus PDFs that the corpus's own gold leaves unannotated.
    corpus_gold = {json.loads(p.read_text(encoding="utf-8"))["file"] for p in CORPUS.glob("gold/*")}
    extra = annotated - listed
    assert extra <= _listed(CORPUS / "MANIFEST.tsv") and not extra & corpus_gold


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_holds_on_its_pdf(gold_path: Path) -> None:
    name = json.loads(gold_path.read_text(encoding="utf-8"))["file"]
    pdf = next(p for p in (TRAINING_PDFS / name, CORPUS / "pdfs" / name) if p.exists())
    assert check_gold(gold_path, pdf) == []


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_annotates_a_run_of_at_least_15_pages_or_the_whole_file(gold_path: Path) -> None:
    data = json.loads(gold_path.read_text(encoding="utf-8"))
    pages = data["pages_annotated"]
    assert pages == list(range(pages[0], pages[0] + len(pages)))
    assert len(pages) >= min(15, data["page_count"])
    assert len(data["page_labels"]) == data["page_count"]


def test_check_gold_reports_a_phrase_that_is_not_on_its_page(tmp_path: Path) -> None:
    source = TRAINING_GOLD / "wna-recalibrating-risk-2021.json"
    corpus_gold = CORPUS / "gold" / "wna-recalibrating-risk-2021.json"
    data = json.loads(corpus_gold.read_text(encoding="utf-8"))
    assert not source.exists()
    data["claims"] = [{"page": 3, "contains": "a phrase this paper never prints"}]
    data["cost_figures"] = [{"page": 99, "amount": 1, "currency": "USD", "raw": "$1"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    problems = [str(p) for p in check_gold(bad, CORPUS / "pdfs" / data["file"])]
    assert "$.claims[0].contains: 'a phrase this paper never prints' is not on page 3" in problems
    assert any(p.startswith("$.cost_figures[0]: page 99") for p in problems)
