"""Entity labels in OntoNotes' scheme for every pipeline (nlp/entities.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
import tomllib
from spacy.tokens import Doc, Span

from extractor.nlp.entities import COMPONENT, EntityLabels, needs_entity_labels
from extractor.nlp.pipeline import build_pipeline
from tests.conftest import ROOT


def test_a_wikiner_person_becomes_an_ontonotes_person_and_the_rest_stays() -> None:
    doc = spacy.blank("fr")("Le maire Jean Dupont visite Chelsea avec SAFE Chelsea .")
    doc.ents = [
        Span(doc, 2, 4, label="PER"),
        Span(doc, 5, 6, label="LOC"),
        Span(doc, 7, 9, label="MISC"),
    ]
    doc = EntityLabels()(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Jean Dupont", "PERSON"),
        ("Chelsea", "LOC"),
        ("SAFE Chelsea", "MISC"),
    ]
    assert [t.ent_iob_ for t in doc] == ["O", "O", "B", "I", "O", "B", "O", "B", "I", "O"]


def test_only_pipelines_trained_on_wikiner_get_the_component(nlp: Any) -> None:
    assert not needs_entity_labels(nlp) and COMPONENT not in nlp.pipe_names
    french = build_pipeline("fr_core_news_sm")
    names = french.pipe_names
    assert names.index(COMPONENT) == names.index("ner") + 1 < names.index("extractor_examples")
    doc = french("Le maire Jean Dupont a inauguré la nouvelle piste cyclable de Chelsea.")
    people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert people == ["Jean Dupont"] and not [e for e in doc.ents if e.label_ == "PER"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    factories = project["project"]["entry-points"]["spacy_factories"]
    assert factories[COMPONENT] == "extractor.nlp.entities:make_entity_labels_component"


def test_a_french_pipeline_with_the_component_serialises(tmp_path: Path) -> None:
    french = build_pipeline("fr_core_news_sm")
    french.to_disk(tmp_path / "fr")
    again = spacy.load(tmp_path / "fr")
    assert again.pipe_names == french.pipe_names
    doc = again("Le maire Jean Dupont a inauguré la nouvelle piste cyclable de Chelsea.")
    read = Doc(again.vocab).from_bytes(doc.to_bytes())
    assert [(e.text, e.label_) for e in read.ents if e.label_ == "PERSON"] == [
        ("Jean Dupont", "PERSON")
    ]
