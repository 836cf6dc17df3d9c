"""Every real corpus PDF: it extracts (or fails as documented), validates, carries the
gold page labels, and every quote is exactly where its page and span say."""

from __future__ import annotations

from typing import Any

import pytest

from extractor.errors import EncryptedPdfError
from extractor.model import Extraction
from extractor.schema import validation_error
from tests.conftest import corpus_gold, corpus_manifest

MANIFEST = {row["file"]: row for row in corpus_manifest()}


def readable(corpus_extractions: dict[str, Any]) -> dict[str, Extraction]:
    return {k: v for k, v in corpus_extractions.items() if isinstance(v, Extraction)}


def test_every_pdf_with_a_text_layer_extracts_and_validates(
    corpus_extractions: dict[str, Any],
) -> None:
    with_text = [name for name, row in MANIFEST.items() if row["text_layer"] in ("yes", "partial")]
    assert len(with_text) >= 9
    for name in with_text:
        result = corpus_extractions[name]
        if MANIFEST[name]["encrypted"] == "yes" and isinstance(result, EncryptedPdfError):
            continue  # needs a password: tested below
        assert isinstance(result, Extraction), f"{name}: {result}"
        assert validation_error(result.to_dict()) is None, name
        assert any(page.has_text_layer for page in result.pages), name


def test_files_match_the_manifest(corpus_extractions: dict[str, Any]) -> None:
    for name, result in readable(corpus_extractions).items():
        row = MANIFEST[name]
        assert result.source.sha256 == row["sha256"], name
        assert result.source.bytes == int(row["bytes"]), name
        assert result.source.page_count == int(row["pages"]) == len(result.pages), name


def test_the_other_corpus_files_give_their_documented_error_or_warning(
    corpus_extractions: dict[str, Any],
) -> None:
    encrypted = corpus_extractions["encrypted-password-example.pdf"]
    assert isinstance(encrypted, EncryptedPdfError)
    assert "password is needed" in str(encrypted)

    scan = corpus_extractions["de-archivgesetz-statement-scan-2025.pdf"]
    assert [w.code for w in scan.warnings] == ["no_text_layer"]

    corrupt = corpus_extractions["corrupt-wikipedia-cabinet-office.pdf"]
    assert [w.page for w in corrupt.warnings if w.code == "page_error"] == [3]

    manifesto = corpus_extractions["uk-conservative-manifesto-2024.pdf"]
    blank = [w.page for w in manifesto.warnings if w.code == "image_only_page"]
    assert blank and all(not manifesto.pages[p - 1].has_text_layer for p in blank)


# Languages of the corpus files, as their names and MANIFEST rows say (the rest: English).
FILE_LANGUAGES = {"fr-": "fr", "es-": "es", "de-": "de"}


def file_language(name: str) -> str:
    return next((lang for prefix, lang in FILE_LANGUAGES.items() if name.startswith(prefix)), "en")


def test_page_languages_match_the_files(corpus_extractions: dict[str, Any]) -> None:
    told = wrong = 0
    for name, result in readable(corpus_extractions).items():
        expected = file_language(name)
        pages = [page for page in result.pages if page.language is not None]
        told += len(pages)
        wrong += sum(page.language != expected for page in pages)
        if pages:
            assert result.document.language == expected, name
            assert result.document.languages[0].language == expected, name
    assert told > 300
    assert wrong / told <= 0.02


@pytest.mark.parametrize("gold", corpus_gold(), ids=lambda g: g["file"])
def test_page_labels_match_gold(gold: dict[str, Any], corpus_extractions: dict[str, Any]) -> None:
    result = corpus_extractions[gold["file"]]
    labels = {str(page.index): page.label for page in result.pages}
    wrong = {k: (v, labels.get(k)) for k, v in gold["page_labels"].items() if labels.get(k) != v}
    accuracy = 1 - len(wrong) / len(gold["page_labels"])
    assert accuracy >= 0.95, f"(gold, found) where they differ: {wrong}"


def test_every_quote_is_at_its_span_on_its_page(corpus_extractions: dict[str, Any]) -> None:
    checked = 0
    for name, result in readable(corpus_extractions).items():
        texts = {page.index: page.text or "" for page in result.pages}
        labels = {page.index: page.label for page in result.pages}
        located = [(item.id, item.page, item.quote, item.char_span) for item in result.items()] + [
            (f"document.{e.field}", e.page, e.quote, e.char_span)
            for e in result.document.evidence
            if e.page is not None
        ]
        for item_id, page, quote, span in located:
            assert span is not None and quote, f"{name} {item_id}"
            assert texts[page.index][span.start : span.end] == quote, f"{name} {item_id}"
            assert labels[page.index] == page.label, f"{name} {item_id}"
            checked += 1
    print(f"{checked} quotes checked")


def test_item_ids_are_unique(corpus_extractions: dict[str, Any]) -> None:
    for name, result in readable(corpus_extractions).items():
        ids = [item.id for item in result.items()]
        assert len(ids) == len(set(ids)), name


def test_page_text_has_no_unnormalised_typography(corpus_extractions: dict[str, Any]) -> None:
    for name, result in readable(corpus_extractions).items():
        for page in result.pages:
            text = page.text or ""
            for char in "\ufb01\ufb02\u2019\u201c\u00ad\u00a0\t":
                assert char not in text, f"{name} p{page.index}: {char!r}"
