"""How widely each claim cue fires: `python training/cue_spread.py [--show 0|1|2]`.

Issue 12 asks that word-list entries written for one document be retired. This reads every
annotated document (the corpus's and training/gold, as `make crossval` does), finds the
cues of each prose sentence on the annotated pages, and counts, for every phrase and lemma
of extractor/data/claim_cues.json, in how many documents it fires and in how many it fires
in a gold key claim. An entry that fires in one document only is one to look at: kept, it
must be general usage, not that document's wording. Prints the counts by spread and lists
the entries of the spreads asked for (default: those firing in exactly one document).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from extractor import crossval
from extractor.nlp.claims import cue_data

# One sentence's cues and whether it is a gold key claim.
Sentence = tuple[tuple[str, ...], bool]


def document_cues(document: crossval.AnnotatedDocument) -> tuple[str, list[Sentence]]:
    """The cues of every prose sentence on the annotated pages of one document (in a worker)."""
    page_docs = crossval.parse_document(document)
    found = [
        (tuple(candidate.span._.extractor_claim_cues), key)
        for candidate, _, key in crossval.labelled_claims(document.gold, page_docs)
    ]
    return document.gold.file, found


def cue_entries(data: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(category, entry) for every phrase and verb lemma of the English claim cues."""
    for category, lists in data.items():
        if not isinstance(lists, dict):
            continue
        for key in ("phrases", "lemmas", "mandative_lemmas"):
            for entry in lists.get(key) or ():
                yield category, str(entry).lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    crossval.add_corpus_arguments(parser)
    parser.add_argument("--show", type=int, action="append", help="list entries of this spread")
    args = parser.parse_args(argv)
    documents = crossval.annotated_documents(args)
    fires: dict[str, set[str]] = defaultdict(set)
    in_claims: dict[str, set[str]] = defaultdict(set)
    for file, sentences in crossval.run_in_workers(document_cues, documents, args.jobs):
        for cues, key in sentences:
            for cue in set(cues):
                fires[cue].add(file)
                if key:
                    in_claims[cue].add(file)
    entries = sorted(set(cue_entries(cue_data())))
    spread = Counter(min(len(fires.get(entry, ())), 2) for _, entry in entries)
    print(f"{len(documents)} annotated documents, {len(entries)} cue entries")
    for count, label in ((0, "no document"), (1, "one document"), (2, "two or more")):
        print(f"  fire in {label}: {spread[count]}")
    for show in args.show or [1]:
        print(f"\nentries that fire in {'two or more' if show >= 2 else show} document(s):")
        for category, entry in entries:
            if min(len(fires.get(entry, ())), 2) == min(show, 2):
                where = sorted(fires.get(entry, ()))
                claims = len(in_claims.get(entry, ()))
                print(
                    f"  {category:15} {json.dumps(entry, ensure_ascii=False):30} {claims} "
                    f"in key claims  {', '.join(Path(w).stem[:40] for w in where[:3])}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
