"""The pipeline and its Docs serialise: nlp.to_disk/from_disk, Doc.to_bytes and DocBin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc, DocBin

from extractor.nlp.claims import CLAIMS_KEY
from extractor.nlp.examples import CANDIDATES_KEY, MENTION_ATTR, SPAN_KEY

TEXT = (
    "For example, Brent Council tweeted road-gritting updates during the snow last winter. "
    "Kent County Council launched a YouTube channel for its libraries in 2009. "
    "Councils should publish their spending, which costs £7.81 per contact."
)


def items(doc: Doc) -> dict[str, list[Any]]:
    return {
        "examples": [(s.text, s._.get(MENTION_ATTR)) for s in doc.spans[SPAN_KEY]],
        "candidates": [(s.text, s._.get(MENTION_ATTR)) for s in doc.spans[CANDIDATES_KEY]],
        "claims": [
            (s.text, s._.extractor_claim_kind, tuple(s._.extractor_claim_flags))
            for s in doc.spans[CLAIMS_KEY]
        ],
        "costs": [(s.text, s._.extractor_cost) for s in doc.spans["extractor_costs"]],
    }


def test_processed_doc_round_trips_through_bytes_and_docbin(nlp: Any) -> None:
    doc = nlp(TEXT)
    found = items(doc)
    assert [name for name, _ in found["examples"]] == ["Brent Council", "Kent County Council"]
    assert found["examples"][0][1].cues[0] == "for example"
    assert found["claims"] and found["costs"]
    assert items(Doc(nlp.vocab).from_bytes(doc.to_bytes())) == found
    docs = DocBin(store_user_data=True, docs=[doc])
    (restored,) = DocBin(store_user_data=True).from_bytes(docs.to_bytes()).get_docs(nlp.vocab)
    assert items(restored) == found


def test_pipeline_saved_to_disk_loads_back_and_finds_the_same(nlp: Any, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "pipeline")
    again = spacy.load(tmp_path / "pipeline")
    assert again.pipe_names == nlp.pipe_names
    assert items(again(TEXT)) == items(nlp(TEXT))
