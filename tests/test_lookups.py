"""Compact lookup tables (issue 17): every table of a trained pipeline's lemmatizer answers
exactly as spaCy's Table did, and the French pipeline that build_pipeline makes gives the
same lemmas as spaCy's own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.lookups import Lookups, Table

from extractor.nlp.lookups import (
    COMPACT_FROM_BYTES,
    MIN_COMPACT_LIST,
    CompactLookups,
    CompactStringList,
    CompactStringMap,
    CompactTable,
    compact_lookups,
    load_compact,
)

FRENCH_PARAGRAPH = (
    "Le plan de mobilité active de la Ville de Chelsea prévoit 12,5 millions de dollars pour "
    "les pistes cyclables. Les élus ont été consultés en 2021; ils avaient demandé que les "
    "trottoirs soient élargis et que les enfants puissent aller à l'école à pied. Nous "
    "sommes allés voir les travaux : les ouvrières posaient des bordures, les camions "
    "reculaient, et personne n'aurait cru qu'on finirait avant l'hiver. Aux intersections, "
    "les feux piétons seront plus longs, les arrêts d'autobus mieux éclairés."
)
# Keys no table holds: strings (one a spaCy symbol, one empty) and hashes.
MISSES: tuple[str | int, ...] = ("zzqxw", "ADJ", "", "Ville-de-Chelsea", 0, 1, 2**64 - 1, 405)


@pytest.fixture(scope="module")
def spacy_french() -> Iterator[Language]:
    """fr_core_news_sm as spaCy loads it: the reference tables and lemmas."""
    yield spacy.load("fr_core_news_sm")


def table_strings(table: Table) -> Iterator[str]:
    """The strings inside `table`'s values, to use as string keys of it and its values."""
    for value in table.values():
        if isinstance(value, dict):
            yield from value
            for lemmas in value.values():
                yield from lemmas
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    yield item


def assert_same_value(compact: Any, original: Any) -> None:
    """A compact value answers as the original dict or list does, hits and misses."""
    if isinstance(original, dict):
        assert isinstance(compact, CompactStringMap)
        assert len(compact) == len(original) and list(compact) == list(original)
        for key, lemmas in original.items():
            assert compact[key] == lemmas
        assert all(key in compact for key in original)
        for miss in ("zzqxw", "", *(key.upper() for key in list(original)[:100])):
            if miss not in original:
                assert miss not in compact and compact.get(miss, []) == []
    elif isinstance(original, list) and len(original) >= MIN_COMPACT_LIST:
        assert isinstance(compact, CompactStringList)
        assert list(compact) == original and len(compact) == len(original)
        for form in original:
            assert form in compact
        for miss in ("zzqxw", "", *(form + "zz" for form in original[:200])):
            assert (miss in compact) == (miss in original)
    else:
        assert compact == original


@pytest.mark.parametrize("name", ["lemma_lookup", "lemma_rules", "lemma_exc", "lemma_index"])
def test_compact_table_answers_as_spacy_table(spacy_french: Language, name: str) -> None:
    table = spacy_french.get_pipe("lemmatizer").lookups.get_table(name)  # type: ignore[attr-defined]
    compact = CompactTable(table)
    assert compact.name == table.name and len(compact) == len(table)
    assert list(compact) == list(table)
    for key, value in table.items():
        assert key in compact
        assert_same_value(compact[key], value)
    for key in list(table)[:1000]:
        got = compact.get(key)
        if isinstance(got, CompactStringMap | CompactStringList):
            assert got is compact[key]  # checked above
        else:
            assert got == table[key]
    # String keys, hashed as Table hashes them: every string the tables hold and the symbols.
    strings = {*table_strings(table), "noun", "verb", "adj", "adv", "VERB", "être"}
    for text in strings:
        assert (text in compact) == (text in table)
        if text in table:
            assert_same_value(compact[text], table[text])
        else:
            assert compact.get(text) is None and compact.get(text, "default") == "default"
    for miss in MISSES:
        if miss not in table:
            assert miss not in compact and compact.get(miss) is None
            with pytest.raises(KeyError):
                compact[miss]
    assert compact.to_dict() == dict(table)


def test_compact_lookups_serialise_as_spacy_lookups(spacy_french: Language) -> None:
    lookups: Lookups = spacy_french.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    compact = CompactLookups.from_lookups(lookups)
    assert compact.tables == lookups.tables
    # The same bytes: what a pipeline writes to disk with the compact tables reads back as
    # the tables spaCy loaded.
    assert compact.to_bytes() == lookups.to_bytes()


def test_compact_lookups_read_spacy_bytes(spacy_french: Language) -> None:
    """What a pipeline's lookups.bin holds, read one entry at a time, is the same data."""
    lookups: Lookups = spacy_french.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]
    read = CompactLookups().from_bytes(lookups.to_bytes())
    assert read.tables == lookups.tables
    assert all(isinstance(read.get_table(name), CompactTable) for name in read.tables)
    assert read.to_bytes() == lookups.to_bytes()


def test_load_compact_is_spacy_load_with_compact_tables(spacy_french: Language) -> None:
    """The lemmatizer comes back where it was, of the same class and settings."""
    nlp = load_compact("fr_core_news_sm")
    assert nlp.component_names == spacy_french.component_names
    assert nlp.pipe_names == spacy_french.pipe_names and nlp.disabled == spacy_french.disabled
    assert nlp.config == spacy_french.config
    lemmatizer = nlp.get_pipe("lemmatizer")
    assert type(lemmatizer) is type(spacy_french.get_pipe("lemmatizer"))
    assert isinstance(lemmatizer.lookups, CompactLookups)  # type: ignore[attr-defined]


def test_small_table_with_string_keys() -> None:
    table = Table.from_dict({"chevaux": ["cheval"], "yeux": ["œil"], "VERB": ["verbe"]}, "t")
    compact = CompactTable(table)
    assert compact["chevaux"] == ["cheval"] and compact.get("yeux") == ["œil"]
    assert "VERB" in compact and compact["VERB"] == table["VERB"]
    assert "cheval" not in compact and compact.get("cheval", ["x"]) == ["x"]
    # A caller may change the list it is given; the table does not change.
    compact["chevaux"].append("autre")
    assert compact["chevaux"] == ["cheval"]


def test_build_pipeline_french_lemmas_as_spacy(spacy_french: Language, pipelines: Any) -> None:
    expected = [(token.text, token.pos_, token.lemma_) for token in spacy_french(FRENCH_PARAGRAPH)]
    french = pipelines.full("fr")  # built by build_pipeline, as a run builds it
    assert isinstance(french.get_pipe("lemmatizer").lookups, CompactLookups)
    assert [(token.text, token.pos_, token.lemma_) for token in french(FRENCH_PARAGRAPH)] == (
        expected
    )


def test_compact_lookups_leaves_pipelines_without_lookups() -> None:
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    assert compact_lookups(nlp) is nlp and nlp.pipe_names == ["sentencizer"]


def test_small_tables_stay_spacy_lookups(nlp: Any) -> None:
    """English's lemmatizer tables are under COMPACT_FROM_BYTES: they stay spaCy's own,
    whether read by `load_compact` or swapped by `compact_lookups`, and its lemmas are
    spaCy's."""
    lookups = nlp.get_pipe("lemmatizer").lookups
    assert type(lookups) is Lookups and len(lookups.to_bytes()) < COMPACT_FROM_BYTES
    assert compact_lookups(nlp).get_pipe("lemmatizer").lookups is lookups
    reference = spacy.load(nlp.path or str(nlp.meta["lang"] + "_" + nlp.meta["name"]))
    text = "The councils were running services that residents had asked for."
    assert [t.lemma_ for t in nlp(text)] == [t.lemma_ for t in reference(text)]
    assert "run" in [t.lemma_ for t in nlp(text)]
