"""Flatten the outputs of a batch into one table per item type, for spreadsheets.

`export_tables` reads every extraction JSON in a folder (one at a time, so memory stays
bounded) and writes cost_figures, examples, claims and citations tables as CSV or JSON
Lines. Each row is one item: the file it came from, its page (physical index and label),
its quote and character span, where its quote's first line is on the page (a box
in points), the page's language, then the item's own fields in schema order. The columns
come from the dataclasses in extractor/model.py, so they follow the schema. CSV cells that
a spreadsheet would run as a formula are guarded with a leading apostrophe.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO

from extractor.batch import MANIFEST_NAME
from extractor.errors import InputFileError
from extractor.model import Citation, Claim, CostFigure, Example
from extractor.output import open_text_atomic
from extractor.schema import validation_error

Format = Literal["csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl")

# Table name (the key of the items in the extraction JSON) -> the item's dataclass.
TABLES: dict[str, type[Any]] = {
    "cost_figures": CostFigure,
    "examples": Example,
    "claims": Claim,
    "citations": Citation,
}
LEADING_COLUMNS = (
    "file",
    "output",
    "id",
    "page_index",
    "page_label",
    "quote",
    "char_start",
    "char_end",
    "box_x0",
    "box_top",
    "box_x1",
    "box_bottom",
    "page_language",
)
# Item fields that the leading (and trailing review) columns already give.
_SPREAD_FIELDS = {"id", "page", "quote", "char_span", "boxes", "review"}
# How a list of plain values is joined into one CSV cell.
CSV_LIST_SEPARATOR = "; "
# What makes a spreadsheet take a cell for a formula (OWASP's list for CSV injection). A
# text cell that starts with one gets a leading apostrophe, as spreadsheet-safe writers do,
# so that text from a PDF ('=HYPERLINK(...)') shows as text and never runs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"


def columns(table: str) -> tuple[str, ...]:
    """The columns of one table, in order."""
    own = tuple(f.name for f in dataclasses.fields(TABLES[table]) if f.name not in _SPREAD_FIELDS)
    return (*LEADING_COLUMNS, *own, "review_status", "review_comment")


def rows(data: dict[str, Any], table: str, output: str) -> Iterator[dict[str, Any]]:
    """The rows of one table from one extraction document."""
    names = columns(table)
    # Outputs before schema 1.2.0 have no page languages: empty cells.
    languages = {page["index"]: page.get("language") for page in data.get("pages", ())}
    for item in data.get(table, ()):
        review = item.get("review") or {}
        # The first line of the quote on the page (points from its top-left); empty cells
        # where the output has no boxes (an older version, or a page read without them).
        first_box = (item.get("boxes") or [{}])[0]
        row = {
            "file": data["source"]["path"],
            "output": output,
            "id": item["id"],
            "page_index": item["page"]["index"],
            "page_label": item["page"]["label"],
            "quote": item["quote"],
            "char_start": item["char_span"]["start"],
            "char_end": item["char_span"]["end"],
            "box_x0": first_box.get("x0"),
            "box_top": first_box.get("top"),
            "box_x1": first_box.get("x1"),
            "box_bottom": first_box.get("bottom"),
            "page_language": languages.get(item["page"]["index"]),
            "review_status": review.get("status"),
            "review_comment": review.get("comment"),
        }
        yield {name: row[name] if name in row else item.get(name) for name in names}


@dataclass
class ExportReport:
    """What an export read and wrote, and the files it had to leave out."""

    files: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def export_tables(
    batch_dir: Path, fmt: Format = "csv", output_dir: Path | None = None
) -> ExportReport:
    """Write one table per item type from the extraction JSON files in `batch_dir`.

    A JSON file that does not validate against the extraction schema is left out and
    named in `problems`. Tables are written atomically, to `output_dir` (default:
    `batch_dir`) as <table>.csv or <table>.jsonl.
    """
    if not batch_dir.is_dir():
        raise InputFileError("is not a folder of batch outputs", batch_dir)
    target = output_dir or batch_dir
    report = ExportReport()
    with contextlib.ExitStack() as stack:
        writers = {
            table: _TableWriter(
                stack.enter_context(open_text_atomic(target / f"{table}.{fmt}", newline="")),
                fmt,
                columns(table),
            )
            for table in TABLES
        }
        for path in sorted(batch_dir.glob("*.json")):
            data = _load(path, report)
            if data is None:
                continue
            report.files += 1
            for table, writer in writers.items():
                for row in rows(data, table, path.name):
                    writer.write(row)
                    report.rows[table] += 1
    report.written = [target / f"{table}.{fmt}" for table in TABLES]
    return report


def _load(path: Path, report: ExportReport) -> dict[str, Any] | None:
    if path.name == MANIFEST_NAME:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        report.problems.append(f"{path}: not readable JSON ({e})")
        return None
    problem = validation_error(data)
    if problem is not None:
        report.problems.append(f"{path}: not an extraction output: {problem}")
        return None
    result: dict[str, Any] = data
    return result


class _TableWriter:
    """Rows to one open file, as CSV (with a header) or as JSON Lines."""

    def __init__(self, stream: TextIO, fmt: Format, names: tuple[str, ...]) -> None:
        self.stream = stream
        self.fmt = fmt
        self.names = names
        self._csv: Any = None
        if fmt == "csv":
            self._csv = csv.DictWriter(stream, fieldnames=names, lineterminator="\r\n")
            self._csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        if self._csv is not None:
            self._csv.writerow({name: _cell(row[name]) for name in self.names})
        else:
            self.stream.write(json.dumps(row, ensure_ascii=False) + "\n")


def _cell(value: Any) -> Any:
    """A CSV cell: lists of plain values joined, other structures as JSON, None empty;
    numbers as they are, and text that a spreadsheet would run as a formula guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        text = CSV_LIST_SEPARATOR.join(str(v) for v in value)
    elif isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    return FORMULA_GUARD + text if text.startswith(FORMULA_STARTS) else text
