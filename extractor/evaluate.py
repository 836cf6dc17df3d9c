"""Scoring extraction outputs against gold annotations, exactly as GOLD.md specifies.

A gold folder holds one `NAME.json` per PDF (format: schemas/gold.schema.json); a
prediction folder holds extraction outputs (schemas/extraction.schema.json), searched
recursively. Each gold file is paired with the extraction whose `source.sha256` equals its
`sha256`, else with the one whose `source.file` equals its `file`; a gold file with neither
is a failed document and scores zero recall. JSON files in the prediction folder that are
not extractions (a report, a manifest) are skipped with a note.

The rules, and the choices GOLD.md leaves to the implementation:

- Text comparisons use `fold`: Unicode NFC, typographic quotes, dashes and ligatures made
  plain (FOLD_CHARS), case folded (`str.casefold`), runs of white space made one space,
  ends stripped. An empty folded string is contained in nothing and contains nothing.
- Markers compare by `normalise_marker`: folded, then surrounding brackets, parentheses
  and quotes stripped, then other surrounding punctuation ("[12]", "(12)", "12." -> "12");
  a marker that is nothing but punctuation ("*", "†") is kept as it is.
- `pages_annotated` limits the gold items and the predictions of the four item types to
  those pages (absent: every page). Page labels are scored on the pages `page_labels` lists.
- Page labels compare exactly ("iii" is not "III"); null equals null. A page missing from
  the extraction does not match, even where the gold label is null.
- Predicted fields compared: cost figures `amount`, `amount_max`, `currency` (folded) and
  `unit` (folded; null or empty is no unit); examples `name` (against the gold name and
  each alias, containment either way or word-set Jaccard >= 0.5, words being runs of
  letters and digits with inner apostrophes); claims `text` or `quote` (either may contain
  the gold phrase: `text` may be a cleaned form of the sentence, `quote` is the exact page
  text); citations `marker`, and `text` where gold has no marker (`text` is the whole
  note, continued across a page break, where `quote` would be only its first page's part).
- Amounts are within tolerance when |predicted - gold| <= AMOUNT_TOLERANCE * |gold|. Where
  gold gives no `amount_max`, the predicted one is not looked at.
- Matching is one-to-one and greedy: gold items in page order (file order within a page)
  each take the first unmatched prediction that matches, predictions ordered by page, then
  by their start offset on the page, then output order.
- Scores are micro-averaged: counts are summed over all documents before dividing.
  precision = matched / predicted, recall = matched / gold, F1 = 2 matched / (gold +
  predicted) (the harmonic mean of the two, defined as 0 when nothing predicted matched),
  unit accuracy = matched pairs whose units agree / matched pairs, accuracy = labels equal /
  labelled pages; each is null where its denominator is 0.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from extractor.errors import InputFileError, SchemaValidationError
from extractor.output import read_json
from extractor.schema import validate, validation_error

GOLD_SCHEMA = "gold.schema.json"
REPORT_SCHEMA = "evaluation.schema.json"
ITEM_TYPES = ("cost_figures", "examples", "claims", "citations")
# A predicted amount matches when it is within this share of the gold amount.
AMOUNT_TOLERANCE = 0.005
# Word-set Jaccard similarity at or above which an example's names match.
EXAMPLE_JACCARD = 0.5

# Typographic characters and their plain forms, for text comparisons (GOLD.md: "treat
# typographic quotes, dashes and ligatures as their plain forms").
FOLD_CHARS: dict[str, str] = {
    # ligatures
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
    # single quotes and primes
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2039": "'",
    "\u203a": "'",
    "\uff07": "'",
    # double quotes
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\uff02": '"',
    # hyphens, dashes and minus signs
    "\u00ad": "",  # a soft hyphen is invisible
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\ufe58": "-",
    "\ufe63": "-",
    "\uff0d": "-",
}
_FOLD_TABLE = str.maketrans(FOLD_CHARS)
_WORD = re.compile(r"\w+(?:'\w+)*")
# Unicode categories of opening and closing brackets and quotes.
_BRACKETS = frozenset(["Ps", "Pe", "Pi", "Pf"])


def fold(text: str | None) -> str:
    """The form in which texts are compared: plain characters, case folded, spaces collapsed."""
    if not text:
        return ""
    plain = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).casefold()
    return " ".join(plain.split())


def contains(container: str | None, phrase: str | None) -> bool:
    """Whether the folded `phrase` occurs in the folded `container` (never for empty ones)."""
    folded_phrase, folded_container = fold(phrase), fold(container)
    return bool(folded_phrase) and bool(folded_container) and folded_phrase in folded_container


def normalise_marker(marker: str | None) -> str:
    """A note marker without its surrounding brackets and punctuation ("[12]" -> "12")."""
    folded = fold(marker)
    unbracketed = _strip_categories(folded, lambda c: c in _BRACKETS) or folded
    return _strip_categories(unbracketed, lambda c: c.startswith("P")) or unbracketed


def _strip_categories(text: str, strip: Callable[[str], bool]) -> str:
    def removable(char: str) -> bool:
        return char.isspace() or strip(unicodedata.category(char))

    start, end = 0, len(text)
    while start < end and removable(text[start]):
        start += 1
    while end > start and removable(text[end - 1]):
        end -= 1
    return text[start:end]


def words(text: str) -> frozenset[str]:
    """The set of words of a text, after folding."""
    return frozenset(_WORD.findall(fold(text)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """|a & b| / |a | b|, and 0 for two empty sets."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0


# Gold and predicted items, reduced to what is compared. `order` places a prediction on its
# page (its start offset); gold items keep their file order.


@dataclass(frozen=True)
class CostItem:
    """A cost figure, gold or predicted."""

    page: int
    amount: float
    amount_max: float | None
    currency: str
    unit: str | None
    order: int = 0


@dataclass(frozen=True)
class ExampleItem:
    """An example: its names (gold: name and aliases; predicted: name)."""

    page: int
    names: tuple[str, ...]
    order: int = 0


@dataclass(frozen=True)
class ClaimItem:
    """A claim: gold gives a phrase; a prediction its `text` and `quote`."""

    page: int
    texts: tuple[str, ...]
    order: int = 0


@dataclass(frozen=True)
class CitationItem:
    """A citation: its marker and (gold: `contains`; predicted: `text`)."""

    page: int
    marker: str | None
    text: str | None
    order: int = 0


@dataclass(frozen=True)
class DocumentItems:
    """The items of one document, gold or predicted, and its page labels."""

    cost_figures: tuple[CostItem, ...] = ()
    examples: tuple[ExampleItem, ...] = ()
    claims: tuple[ClaimItem, ...] = ()
    citations: tuple[CitationItem, ...] = ()
    page_labels: dict[int, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class GoldDocument:
    """One gold annotation file."""

    path: Path
    file: str
    sha256: str | None
    pages_annotated: frozenset[int] | None
    items: DocumentItems


@dataclass(frozen=True)
class Prediction:
    """One extraction output, reduced to what is scored."""

    path: Path
    file: str | None
    sha256: str | None
    items: DocumentItems


# Matching rules: does prediction `p` match gold item `g`?


def cost_matches(g: CostItem, p: CostItem) -> bool:
    """Same page, same currency, amount (and amount_max where gold has one) within tolerance."""
    if g.page != p.page or fold(g.currency) != fold(p.currency):
        return False
    if not _within(p.amount, g.amount):
        return False
    return g.amount_max is None or (
        p.amount_max is not None and _within(p.amount_max, g.amount_max)
    )


def _within(predicted: float, gold: float) -> bool:
    return abs(predicted - gold) <= AMOUNT_TOLERANCE * abs(gold)


def unit_agrees(g: CostItem, p: CostItem) -> bool:
    """Whether a matched pair has the same unit (folded; null and empty are no unit)."""
    return fold(g.unit) == fold(p.unit)


def example_matches(g: ExampleItem, p: ExampleItem) -> bool:
    """Same page, and a gold name contains the predicted one, or the reverse, or Jaccard >= 0.5."""
    if g.page != p.page:
        return False
    for predicted in p.names:
        predicted_words = words(predicted)
        for name in g.names:
            if contains(predicted, name) or contains(name, predicted):
                return True
            if jaccard(words(name), predicted_words) >= EXAMPLE_JACCARD:
                return True
    return False


def claim_matches(g: ClaimItem, p: ClaimItem) -> bool:
    """Same page, and the predicted claim's text (or quote) contains the gold phrase."""
    return g.page == p.page and any(
        contains(text, phrase) for text in p.texts for phrase in g.texts
    )


def citation_matches(g: CitationItem, p: CitationItem) -> bool:
    """Same page, and the same marker where gold has one, else the text contains the phrase."""
    if g.page != p.page:
        return False
    gold_marker = normalise_marker(g.marker)
    if gold_marker:
        return gold_marker == normalise_marker(p.marker)
    return contains(p.text, g.text)


Item = TypeVar("Item", CostItem, ExampleItem, ClaimItem, CitationItem)


@dataclass(frozen=True)
class Matching(Generic[Item]):
    """The outcome of matching one type of item in one document."""

    gold: tuple[Item, ...]
    predicted: tuple[Item, ...]
    pairs: tuple[tuple[Item, Item], ...]


def greedy_match(
    gold: Sequence[Item], predicted: Sequence[Item], matches: Callable[[Item, Item], bool]
) -> Matching[Item]:
    """Match one-to-one, greedily: gold in page order takes the first matching prediction."""
    gold_order = sorted(gold, key=lambda item: item.page)  # stable: file order within a page
    pred_order = sorted(predicted, key=lambda item: (item.page, item.order))
    used = [False] * len(pred_order)
    pairs = []
    for g in gold_order:
        for i, p in enumerate(pred_order):
            if not used[i] and matches(g, p):
                used[i] = True
                pairs.append((g, p))
                break
    return Matching(tuple(gold), tuple(predicted), tuple(pairs))


# Counts and scores.


@dataclass(frozen=True)
class Tally:
    """Counts for one item type, summed over documents to micro-average."""

    gold: int = 0
    predicted: int = 0
    matched: int = 0
    units_agree: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.gold + other.gold,
            self.predicted + other.predicted,
            self.matched + other.matched,
            self.units_agree + other.units_agree,
        )


def ratio(numerator: int, denominator: int) -> float | None:
    """numerator / denominator, or None where there was nothing to score."""
    return numerator / denominator if denominator else None


def scores(kind: str, tally: Tally) -> dict[str, Any]:
    """The report entry of one item type (or "page_labels"), in GOLD.md's key order."""
    if kind == "page_labels":
        return {
            "accuracy": ratio(tally.matched, tally.gold),
            "gold": tally.gold,
            "matched": tally.matched,
        }
    if kind == "claims":
        return {
            "recall": ratio(tally.matched, tally.gold),
            "gold": tally.gold,
            "matched": tally.matched,
            "predicted": tally.predicted,
        }
    out: dict[str, Any] = {
        "precision": ratio(tally.matched, tally.predicted),
        "recall": ratio(tally.matched, tally.gold),
        "f1": ratio(2 * tally.matched, tally.gold + tally.predicted),
    }
    if kind == "cost_figures":
        out["unit_accuracy"] = ratio(tally.units_agree, tally.matched)
    out.update(gold=tally.gold, predicted=tally.predicted, matched=tally.matched)
    return out


SCORED = (*ITEM_TYPES, "page_labels")


@dataclass(frozen=True)
class DocumentScore:
    """The counts of one gold file against its extraction (or none: a failed document)."""

    file: str
    gold_path: Path
    prediction_path: Path | None
    tallies: dict[str, Tally]

    @property
    def failed(self) -> bool:
        """Whether no extraction was paired with the gold file."""
        return self.prediction_path is None

    def to_dict(self) -> dict[str, Any]:
        """The per_document entry of the report."""
        out: dict[str, Any] = {
            "file": self.file,
            "failed": self.failed,
            "prediction": None if self.prediction_path is None else str(self.prediction_path),
        }
        out.update({kind: scores(kind, self.tallies[kind]) for kind in SCORED})
        return out


@dataclass(frozen=True)
class EvaluationReport:
    """Scores of a prediction folder against a gold folder, and notes on skipped files."""

    documents: tuple[DocumentScore, ...]
    notes: tuple[str, ...] = ()

    def total(self, kind: str) -> Tally:
        """The micro-averaging counts of one type over all documents."""
        return sum((document.tallies[kind] for document in self.documents), Tally())

    def to_dict(self) -> dict[str, Any]:
        """The report in the shape of GOLD.md (schemas/evaluation.schema.json)."""
        out: dict[str, Any] = {
            "documents": len(self.documents),
            "failed_documents": sum(document.failed for document in self.documents),
        }
        out.update({kind: scores(kind, self.total(kind)) for kind in SCORED})
        out["per_document"] = [document.to_dict() for document in self.documents]
        return out

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text, validated against its schema."""
        data = self.to_dict()
        validate(data, REPORT_SCHEMA)
        return json.dumps(data, ensure_ascii=False, indent=indent) + "\n"


def score_document(gold: GoldDocument, prediction: Prediction | None) -> DocumentScore:
    """Count gold items, predictions and matches of every type in one document."""
    predicted = prediction.items if prediction is not None else DocumentItems()

    def on_pages(items: Iterable[Item]) -> list[Item]:
        pages = gold.pages_annotated
        return [item for item in items if pages is None or item.page in pages]

    def tally(matching: Matching[Any], units: int = 0) -> Tally:
        return Tally(len(matching.gold), len(matching.predicted), len(matching.pairs), units)

    g, p = gold.items, predicted
    costs = greedy_match(on_pages(g.cost_figures), on_pages(p.cost_figures), cost_matches)
    tallies = {
        "cost_figures": tally(costs, sum(unit_agrees(a, b) for a, b in costs.pairs)),
        "examples": tally(
            greedy_match(on_pages(g.examples), on_pages(p.examples), example_matches)
        ),
        "claims": tally(greedy_match(on_pages(g.claims), on_pages(p.claims), claim_matches)),
        "citations": tally(
            greedy_match(on_pages(g.citations), on_pages(p.citations), citation_matches)
        ),
        "page_labels": Tally(
            gold=len(g.page_labels),
            matched=sum(
                index in p.page_labels and p.page_labels[index] == label
                for index, label in g.page_labels.items()
            ),
        ),
    }
    return DocumentScore(
        gold.file, gold.path, prediction.path if prediction is not None else None, tallies
    )


# Reading the folders.


def load_gold_folder(folder: str | Path) -> list[GoldDocument]:
    """Read and check every `*.json` gold file directly in `folder`, in name order."""
    folder = Path(folder)
    if not folder.exists():
        raise InputFileError("no such directory", folder)
    if not folder.is_dir():
        raise InputFileError("is not a directory", folder)
    paths = sorted(folder.glob("*.json"))
    if not paths:
        raise InputFileError("no gold files (*.json) in this directory", folder)
    return [load_gold(path) for path in paths]


def load_gold(path: str | Path) -> GoldDocument:
    """Read one gold file; raise InputFileError or SchemaValidationError naming it."""
    path = Path(path)
    data = read_json(path, invalid=SchemaValidationError)
    problem = validation_error(data, GOLD_SCHEMA)
    if problem is not None:
        raise SchemaValidationError(f"not a valid gold file: {problem}", path)
    annotated = data.get("pages_annotated")
    items = DocumentItems(
        cost_figures=tuple(
            CostItem(
                page=c["page"],
                amount=float(c["amount"]),
                amount_max=None if c.get("amount_max") is None else float(c["amount_max"]),
                currency=c["currency"],
                unit=c.get("unit"),
            )
            for c in data.get("cost_figures", ())
        ),
        examples=tuple(
            ExampleItem(e["page"], (e["name"], *e.get("aliases", ())))
            for e in data.get("examples", ())
        ),
        claims=tuple(ClaimItem(c["page"], (c["contains"],)) for c in data.get("claims", ())),
        citations=tuple(
            CitationItem(c["page"], c.get("marker"), c.get("contains"))
            for c in data.get("citations", ())
        ),
        page_labels={int(index): label for index, label in data.get("page_labels", {}).items()},
    )
    sha = data.get("sha256")
    return GoldDocument(
        path=path,
        file=data["file"],
        sha256=sha.lower() if sha else None,
        pages_annotated=None if annotated is None else frozenset(annotated),
        items=items,
    )


def load_predictions(folder: str | Path) -> tuple[list[Prediction], list[str]]:
    """Read every extraction under `folder`; return them and notes on files skipped."""
    folder = Path(folder)
    if not folder.exists():
        raise InputFileError("no such directory", folder)
    if not folder.is_dir():
        raise InputFileError("is not a directory", folder)
    predictions, notes = [], []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = read_json(path, invalid=SchemaValidationError)
        except (InputFileError, SchemaValidationError) as e:
            notes.append(f"{e}; skipped")
            continue
        prediction = prediction_from_dict(path, data)
        if prediction is None:
            notes.append(f"{path}: not an extraction output; skipped")
        else:
            predictions.append(prediction)
    return predictions, notes


def prediction_from_dict(path: Path, data: Any) -> Prediction | None:
    """Reduce an extraction output to what is scored; None if it is not one."""
    try:
        source = data["source"]
        pages = data.get("pages", [])
        items = DocumentItems(
            cost_figures=tuple(
                CostItem(
                    page=_page(c),
                    amount=float(c["amount"]),
                    amount_max=None if c.get("amount_max") is None else float(c["amount_max"]),
                    currency=str(c.get("currency") or ""),
                    unit=c.get("unit"),
                    order=_start(c),
                )
                for c in data.get("cost_figures", [])
            ),
            examples=tuple(
                ExampleItem(_page(e), (str(e.get("name") or ""),), _start(e))
                for e in data.get("examples", [])
            ),
            claims=tuple(
                ClaimItem(_page(c), _texts(c.get("text"), c.get("quote")), _start(c))
                for c in data.get("claims", [])
            ),
            citations=tuple(
                CitationItem(_page(c), c.get("marker"), c.get("text"), _start(c))
                for c in data.get("citations", [])
            ),
            page_labels={int(page["index"]): page.get("label") for page in pages},
        )
        file, sha = source.get("file"), source.get("sha256")
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if not file and not sha:
        return None
    return Prediction(path, file, sha.lower() if sha else None, items)


def _page(item: dict[str, Any]) -> int:
    return int(item["page"]["index"])


def _start(item: dict[str, Any]) -> int:
    span = item.get("char_span") or {}
    return int(span.get("start", 0))


def _texts(*texts: Any) -> tuple[str, ...]:
    return tuple(text for text in texts if isinstance(text, str) and text)


def pair(
    gold: Sequence[GoldDocument], predictions: Sequence[Prediction]
) -> Iterator[tuple[GoldDocument, Prediction | None]]:
    """Pair each gold file with its extraction: by sha256, else by PDF file name."""
    by_sha: dict[str, Prediction] = {}
    by_name: dict[str, Prediction] = {}
    for prediction in predictions:  # the first in path order wins
        if prediction.sha256:
            by_sha.setdefault(prediction.sha256, prediction)
        if prediction.file:
            by_name.setdefault(prediction.file, prediction)
    for document in gold:
        found = by_sha.get(document.sha256 or "") or by_name.get(document.file)
        yield document, found


def evaluate(gold_folder: str | Path, prediction_folder: str | Path) -> EvaluationReport:
    """Score the extractions in `prediction_folder` against the gold files in `gold_folder`."""
    gold = load_gold_folder(gold_folder)
    predictions, notes = load_predictions(prediction_folder)
    documents = tuple(score_document(g, p) for g, p in pair(gold, predictions))
    return EvaluationReport(documents, tuple(notes))


# The table printed by the CLI.


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def format_table(report: EvaluationReport, per_document: bool = False) -> str:
    """A readable table of the scores (and, optionally, one line per document)."""
    data = report.to_dict()
    lines = [
        f"{data['documents']} documents scored, {data['failed_documents']} failed "
        "(no extraction found)",
        "",
        f"{'':14} {'gold':>6} {'pred':>6} {'match':>6} {'prec':>6} {'recall':>6} {'F1':>6}  other",
    ]
    for kind in SCORED:
        entry = data[kind]
        other = ""
        if kind == "cost_figures":
            other = f"unit accuracy {_cell(entry['unit_accuracy'])}"
        elif kind == "page_labels":
            other = f"accuracy {_cell(entry['accuracy'])}"
        predicted = entry.get("predicted")
        lines.append(
            f"{kind:14} {entry['gold']:>6} {'-' if predicted is None else predicted:>6} "
            f"{entry['matched']:>6} {_cell(entry.get('precision')):>6} "
            f"{_cell(entry.get('recall')):>6} {_cell(entry.get('f1')):>6}  {other}".rstrip()
        )
    if per_document:
        lines += [
            "",
            f"{'document':46} {'costs':>6} {'examp':>6} {'claims':>6} {'cites':>6} {'labels':>6}",
        ]
        for document in data["per_document"]:
            cells = [
                document["cost_figures"]["f1"],
                document["examples"]["f1"],
                document["claims"]["recall"],
                document["citations"]["f1"],
                document["page_labels"]["accuracy"],
            ]
            row = f"{document['file'][:46]:46} " + " ".join(f"{_cell(c):>6}" for c in cells)
            lines.append(row + ("  failed: no extraction" if document["failed"] else ""))
        lines.append("(F1 per type; recall for claims; accuracy for page labels)")
    return "\n".join(lines) + "\n"
