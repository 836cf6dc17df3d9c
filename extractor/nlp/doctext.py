"""The text of a Doc, built once.

spaCy's `Doc.text` joins the text of every token on each access, so a component that reads
it once per candidate span does quadratic work on a long page (it was half of all
extraction time). `doc_text` keeps the joined text in `doc.user_data`: a Doc's text never
changes after tokenisation (retokenising merges and splits tokens, not characters).
"""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "extractor_text"


def doc_text(doc: Doc) -> str:
    """`doc.text`, computed on the first call for each Doc."""
    text = doc.user_data.get(_KEY)
    if not isinstance(text, str):
        text = doc.text
        doc.user_data[_KEY] = text
    return text


__all__ = ["doc_text"]
