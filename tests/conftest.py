"""Shared fixtures: the real corpus, its gold annotations, and one spaCy pipeline per session."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def find_corpus() -> Path:
    """The shared corpus: $EXTRACTOR_CORPUS, else `shared/corpus` beside the checkout or one
    of its ancestors (the team's layout), else the workplace's /work/shared/corpus."""
    if os.environ.get("EXTRACTOR_CORPUS"):
        return Path(os.environ["EXTRACTOR_CORPUS"])
    for folder in ROOT.parents:
        if (folder / "shared" / "corpus" / "pdfs").is_dir():
            return folder / "shared" / "corpus"
    return Path("/work/shared/corpus")


CORPUS = find_corpus()
CORPUS_PDFS = CORPUS / "pdfs"
CORPUS_GOLD = CORPUS / "gold"


def corpus_manifest() -> list[dict[str, str]]:
    """Rows of the corpus MANIFEST.tsv (empty when the corpus is not beside the checkout)."""
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def corpus_gold() -> list[dict[str, Any]]:
    """Every gold annotation file of the corpus."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CORPUS_GOLD.glob("*.json"))]


def require_corpus() -> None:
    """Fail (not skip) when the shared corpus is missing: these tests must run in CI."""
    if not CORPUS_PDFS.is_dir():
        pytest.fail(
            f"the shared corpus is missing: expected it at {CORPUS_PDFS} "
            "(set EXTRACTOR_CORPUS to its folder)"
        )


@pytest.fixture(scope="session")
def nlp() -> Iterator[Any]:
    """The full pipeline (trained model plus our components), loaded once per test session."""
    from extractor.nlp.pipeline import build_pipeline

    yield build_pipeline()


@pytest.fixture(scope="session")
def pipelines(nlp: Any) -> Any:
    """The session's pipelines: its English one, and others built when a page needs them."""
    from extractor.nlp.pipeline import Pipelines

    return Pipelines(english=nlp)


@pytest.fixture
def shared_pipeline(pipelines: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let every `extract` command reuse the session's pipelines instead of loading its own."""
    import extractor.extract

    real = extractor.extract._pipelines
    monkeypatch.setattr(
        extractor.extract,
        "_pipelines",
        lambda nlp, model: real(nlp, model) if nlp is not None or model else pipelines,
    )
    yield


@pytest.fixture(scope="session")
def corpus_extractions(pipelines: Any) -> dict[str, Any]:
    """Every corpus PDF extracted once per session: file name -> Extraction or the error.

    Tests that check properties of real outputs share this, so the corpus is parsed once.
    """
    from extractor.errors import ExtractorError
    from extractor.extract import extract

    require_corpus()
    results: dict[str, Any] = {}
    for pdf in sorted(CORPUS_PDFS.glob("*.pdf")):
        try:
            results[pdf.name] = extract(pdf, nlp=pipelines)
        except ExtractorError as e:
            results[pdf.name] = e
    return results
