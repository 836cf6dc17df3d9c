"""doc_text: the text of a Doc, built once and kept with the Doc."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

from extractor.nlp.doctext import doc_text


def test_doc_text_is_the_docs_text_and_is_built_once() -> None:
    nlp = spacy.blank("en")
    doc = nlp("Brent Council tweeted gritting updates.\nKent ran a blog.")
    first = doc_text(doc)
    assert first == doc.text
    assert doc_text(doc) is first  # kept, not joined from the tokens again


def test_a_doc_with_its_text_kept_still_serialises() -> None:
    nlp = spacy.blank("en")
    doc = nlp("A web transaction costs pennies.")
    doc_text(doc)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again.text == doc.text
    assert doc_text(again) == doc.text
