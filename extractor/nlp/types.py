"""Types the orchestrator and the components share, below both.

`extract.py` builds a `PageDoc` per page and hands the list to each component's collector;
the collectors import it from here, so that no component imports the orchestrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from extractor.pages import PageText


@dataclass(frozen=True)
class PageDoc:
    """A page and the spaCy Doc of its `nlp_text` (same length as its text)."""

    page: PageText
    doc: Doc


# Where the notes are: page index -> (start, end) spans of the lines notes take up, on
# every page a note covers (a note's quote holds only its first page's part).
NoteRegions = dict[int, list[tuple[int, int]]]

__all__ = ["NoteRegions", "PageDoc"]
