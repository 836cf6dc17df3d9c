"""A batch's outputs as tables that load anywhere: CSV, JSON Lines or one SQLite database.

`export_tables` reads a batch output folder (the extraction JSON files, one at a time so
memory stays bounded, and the manifest) and writes:

- `documents`: one row per input document, keyed by `sha256`: its path, title, authors,
  publishers, date, language, pages, status and warnings. Inputs that failed have a row
  too (status, error code and message), from the manifest; byte-identical copies of one
  file share a row (the other paths in `copies`).
- `pages`: one row per page, keyed by (sha256, page_index), with its label and text.
- `cost_figures`, `examples`, `claims`, `citations`: one row per item, keyed by
  (sha256, id): the file, its page (physical index and label), its quote and character
  span, where its quote's first line is on the page (a box in points), then the item's own
  fields in schema order, then the reviewer's decision.

Columns come from the dataclasses in extractor/model.py, so they follow the schema. Page
labels are text in every format ("iv", "A-1" and "12" alike), and lists and objects are
JSON in a CSV cell or an SQLite column. CSV cells that a spreadsheet would run as a formula
are guarded with a leading apostrophe. The SQLite database (written with sqlite-utils) has
foreign keys from every table to `documents` and full-text search on quotes, claim and
citation texts and page text, so `datasette export.db` serves it as a search engine.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import os
import tempfile
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO, Union

from extractor.batch import MANIFEST_NAME, read_manifest, written_status
from extractor.errors import InputFileError, OutputWriteError
from extractor.model import Citation, Claim, CostFigure, Example, claim_text
from extractor.output import TEMPORARY_SUFFIX, open_text_atomic, output_error, plural
from extractor.schema import validation_error

if TYPE_CHECKING:
    from sqlite_utils import Database

Format = Literal["csv", "jsonl", "sqlite"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "sqlite")
# The file name of the SQLite export in its output folder.
DATABASE_NAME = "export.db"
DOCUMENTS = "documents"
PAGES = "pages"

# Item table name (the key of the items in the extraction JSON) -> the item's dataclass.
TABLES: dict[str, type[Any]] = {
    "cost_figures": CostFigure,
    "examples": Example,
    "claims": Claim,
    "citations": Citation,
}
DOCUMENT_COLUMNS: dict[str, type] = {
    "sha256": str,
    "path": str,
    "copies": list,
    "output": str,
    "title": str,
    "authors": list,
    "publishers": list,
    "date": str,
    "language": str,
    "pages": int,
    "status": str,
    "error_code": str,
    "error_message": str,
    "warnings": list,
    "schema_version": str,
    "extractor_version": str,
}
PAGE_COLUMNS: dict[str, type] = {
    "sha256": str,
    "page_index": int,
    "page_label": str,
    "label_source": str,
    "word_count": int,
    "has_text_layer": bool,
    "language": str,
    "text": str,
}
LEADING_COLUMNS: dict[str, type] = {
    "sha256": str,
    "file": str,
    "output": str,
    "id": str,
    "page_index": int,
    "page_label": str,
    "quote": str,
    "char_start": int,
    "char_end": int,
    "box_x0": float,
    "box_top": float,
    "box_x1": float,
    "box_bottom": float,
    "page_language": str,
}
TRAILING_COLUMNS: dict[str, type] = {"review_status": str, "review_comment": str}
# Item fields that the leading and trailing columns already give.
_SPREAD_FIELDS = {"id", "page", "quote", "char_span", "boxes", "review"}
# Columns searched by SQLite full-text search (and so by Datasette's search box).
SEARCHED_COLUMNS: dict[str, tuple[str, ...]] = {
    PAGES: ("text",),
    "cost_figures": ("quote",),
    "examples": ("quote", "name", "summary"),
    "claims": ("quote", "text"),
    "citations": ("quote", "text"),
}
# What makes a spreadsheet take a cell for a formula (OWASP's list for CSV injection). A
# text cell that starts with one gets a leading apostrophe, as spreadsheet-safe writers do,
# so that text from a PDF ('=HYPERLINK(...)') shows as text and never runs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
# The byte order mark that tells Excel a CSV file is UTF-8.
BOM = "\ufeff"
# Rows buffered per table before they go to SQLite in one statement.
SQLITE_CHUNK_ROWS = 500


def columns(table: str) -> tuple[str, ...]:
    """The columns of one table, in order."""
    return tuple(column_types(table))


def column_types(table: str) -> dict[str, type]:
    """The columns of one table and the Python type of their values (list for a list or
    object, which CSV and SQLite hold as JSON)."""
    if table == DOCUMENTS:
        return dict(DOCUMENT_COLUMNS)
    if table == PAGES:
        return dict(PAGE_COLUMNS)
    hints = typing.get_type_hints(TABLES[table])
    own = {
        f.name: _value_type(hints[f.name])
        for f in dataclasses.fields(TABLES[table])
        if f.name not in _SPREAD_FIELDS
    }
    return {**LEADING_COLUMNS, **own, **TRAILING_COLUMNS}


def text_dtypes(table: str) -> dict[str, type]:
    """The `dtype` argument that makes pandas read a CSV table's text columns as text:
    `pd.read_csv(path, dtype=text_dtypes(table))`. CSV has no types, so without it pandas
    guesses, and a column of page labels such as "1", "2" becomes numbers (1.0 with a gap)."""
    return {name: str for name, kind in column_types(table).items() if kind is str}


def table_names() -> tuple[str, ...]:
    """Every table an export writes, documents first."""
    return (DOCUMENTS, PAGES, *TABLES)


def _value_type(hint: Any) -> type:
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return _value_type(next(a for a in typing.get_args(hint) if a is not type(None)))
    if origin is Literal:
        return str
    if origin is tuple or dataclasses.is_dataclass(hint):
        return list
    return hint if hint in (str, int, float, bool) else str


def item_rows(data: dict[str, Any], table: str, output: str) -> Iterator[dict[str, Any]]:
    """The rows of one item table from one extraction document."""
    names = columns(table)
    sha256 = data["source"]["sha256"]
    # Outputs before schema 1.2.0 have no page languages: empty cells.
    languages = {page["index"]: page.get("language") for page in data.get("pages", ())}
    for item in data.get(table, ()):
        review = item.get("review") or {}
        # The first line of the quote on the page (points from its top-left); empty cells
        # where the output has no boxes (an older version, or a page read without them).
        first_box = (item.get("boxes") or [{}])[0]
        row = {
            "sha256": sha256,
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
        if table == "claims":  # outputs before schema 1.2 repeat the quote as `text`
            row["text"] = claim_text(item["quote"], item.get("text"))
        yield {name: row[name] if name in row else item.get(name) for name in names}


def page_rows(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The rows of the pages table from one extraction document."""
    sha256 = data["source"]["sha256"]
    for page in data["pages"]:
        yield {
            "sha256": sha256,
            "page_index": page["index"],
            "page_label": page["label"],
            "label_source": page.get("label_source"),
            "word_count": page["word_count"],
            "has_text_layer": page["has_text_layer"],
            "language": page.get("language"),
            "text": page.get("text"),
        }


def document_row(
    data: dict[str, Any], output: str, path: str | None, line: dict[str, Any] | None
) -> dict[str, Any]:
    """The documents row of one extraction output, the input `path` the manifest gives
    for it, and that input's last manifest line (which may be a later, failed run)."""
    document = data["document"]
    warnings = list(dict.fromkeys(w["code"] for w in data["warnings"]))
    outcome = dict.fromkeys(_OUTCOME_FIELDS)
    if line is not None and line.get("status") in FAILED_STATUSES:
        outcome = {name: line.get(name) for name in _OUTCOME_FIELDS}
    else:  # ok, no_text, or skipped as up to date: the output says how it stands
        outcome["status"] = written_status(warnings)
    return {
        "sha256": data["source"]["sha256"],
        "path": path or data["source"]["path"],
        "copies": [],
        "output": output,
        "title": document.get("title"),
        "authors": document.get("authors", []),
        "publishers": document.get("publishers", []),
        "date": document.get("date"),
        "language": document.get("language"),
        "pages": data["source"]["page_count"],
        **outcome,
        "warnings": warnings,
        "schema_version": data["schema_version"],
        "extractor_version": data["extractor"]["version"],
    }


def failed_document_row(line: dict[str, Any]) -> dict[str, Any]:
    """The documents row of an input that has no output: it failed or timed out."""
    row: dict[str, Any] = dict.fromkeys(DOCUMENT_COLUMNS)
    row.update(
        sha256=line.get("sha256"),
        path=line.get("path"),
        copies=[],
        authors=[],
        publishers=[],
        status=line.get("status"),
        error_code=line.get("error_code"),
        error_message=line.get("error_message"),
        warnings=list(line.get("warnings") or []),
        extractor_version=line.get("extractor_version"),
    )
    return row


@dataclass
class ExportReport:
    """What an export read and wrote, and the files it had to leave out."""

    files: int = 0
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(table_names(), 0))
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: documents, then rows per table (tables by name: `1 claims`)."""
        counts = ", ".join(f"{n} {table}" for table, n in self.rows.items() if table != DOCUMENTS)
        return f"{plural(self.rows[DOCUMENTS], 'document')}: {counts}"


def export_tables(
    batch_dir: Path, fmt: Format = "csv", output_dir: Path | None = None, bom: bool = False
) -> ExportReport:
    """Write the documents, pages and item tables of the batch output folder `batch_dir`.

    A JSON file that does not validate against the extraction schema is left out and
    named in `problems`. Tables are written atomically, to `output_dir` (default:
    `batch_dir`) as <table>.csv or <table>.jsonl, or as one database, `export.db`.
    `bom` starts each CSV file with a byte order mark, for Excel.
    """
    if not batch_dir.is_dir():
        raise InputFileError("is not a folder of batch outputs", batch_dir)
    target = output_dir or batch_dir
    last_lines, output_paths = _read_manifest(batch_dir / MANIFEST_NAME)
    report = ExportReport()
    documents: dict[str, dict[str, Any]] = {}
    read: set[str] = set()  # the input paths whose output was read
    with _sink(target, fmt, bom) as sink:
        for path in sorted(batch_dir.glob("*.json")):
            data = _load(path, report)
            if data is None:
                continue
            report.files += 1
            input_path = output_paths.get(path.name) or data["source"]["path"]
            read.add(input_path)
            sha256 = data["source"]["sha256"]
            if sha256 in documents:  # a copy of a file already read: the same items
                documents[sha256]["copies"].append(input_path)
                continue
            documents[sha256] = document_row(
                data, path.name, input_path, last_lines.get(input_path)
            )
            for row in page_rows(data):
                sink.write(PAGES, row)
            for table in TABLES:
                for row in item_rows(data, table, path.name):
                    sink.write(table, row)
        # Inputs without an output: they failed or timed out.
        failed: list[dict[str, Any]] = []
        for line in last_lines.values():
            if line["path"] in read:
                continue
            sha256 = line.get("sha256")
            if sha256 and sha256 in documents:
                documents[sha256]["copies"].append(line["path"])
            else:
                failed.append(failed_document_row(line))
        for row in [*documents.values(), *failed]:
            sink.write(DOCUMENTS, row)
        for table, count in sink.counts.items():
            report.rows[table] = count
    report.written = sink.paths
    return report


# What a manifest line says of an input's last run, named as in the documents table.
_OUTCOME_FIELDS = ("status", "error_code", "error_message")
# Statuses of a run that wrote no output.
FAILED_STATUSES = ("failed", "timeout")


def _read_manifest(path: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """The last manifest line for each input path (where each file stands), in order, and
    the input path of each output named by any line (a later run may have failed)."""
    last: dict[str, dict[str, Any]] = {}
    output_paths: dict[str, str] = {}
    if path.is_file():
        for line in read_manifest(path):
            if isinstance(line, dict) and isinstance(line.get("path"), str):
                last.pop(line["path"], None)
                last[line["path"]] = line
                if isinstance(line.get("output"), str):
                    output_paths[line["output"]] = line["path"]
    return last, output_paths


def _load(path: Path, report: ExportReport) -> dict[str, Any] | None:
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


# ---------------------------------------------------------------- writers


class _Sink:
    """Where rows go, table by table; counts them and knows the files it writes."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(table_names(), 0)
        self.paths: list[Path] = []

    def write(self, table: str, row: dict[str, Any]) -> None:
        self.counts[table] += 1
        self._write(table, row)

    def _write(self, table: str, row: dict[str, Any]) -> None:
        raise NotImplementedError


@contextlib.contextmanager
def _sink(target: Path, fmt: Format, bom: bool) -> Iterator[_Sink]:
    if fmt == "sqlite":
        with _sqlite_sink(target / DATABASE_NAME) as sink:
            yield sink
        return
    with contextlib.ExitStack() as stack:
        streams = {
            table: stack.enter_context(open_text_atomic(target / f"{table}.{fmt}", newline=""))
            for table in table_names()
        }
        sink = _TextSink(streams, fmt, bom)
        sink.paths = [target / f"{table}.{fmt}" for table in table_names()]
        yield sink


class _TextSink(_Sink):
    """Rows to one open file per table, as CSV (with a header) or as JSON Lines."""

    def __init__(self, streams: dict[str, TextIO], fmt: Format, bom: bool) -> None:
        super().__init__()
        self.streams = streams
        self.writers: dict[str, Any] = {}
        if fmt == "csv":
            for table, stream in streams.items():
                if bom:
                    stream.write(BOM)
                writer = csv.DictWriter(stream, fieldnames=columns(table), lineterminator="\r\n")
                writer.writeheader()
                self.writers[table] = writer

    def _write(self, table: str, row: dict[str, Any]) -> None:
        writer = self.writers.get(table)
        if writer is not None:
            writer.writerow({name: _cell(value) for name, value in row.items()})
        else:
            self.streams[table].write(json.dumps(row, ensure_ascii=False) + "\n")


def _cell(value: Any) -> Any:
    """A CSV cell: lists and objects as JSON, None empty, booleans true/false, numbers as
    they are, and text that a spreadsheet would run as a formula guarded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return FORMULA_GUARD + text if text.startswith(FORMULA_STARTS) else text


class _SqliteSink(_Sink):
    """Rows to the tables of one SQLite database, in chunks."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.pending: dict[str, list[dict[str, Any]]] = {table: [] for table in table_names()}

    def _write(self, table: str, row: dict[str, Any]) -> None:
        pending = self.pending[table]
        pending.append({name: _sqlite_value(value) for name, value in row.items()})
        if len(pending) >= SQLITE_CHUNK_ROWS:
            self.flush(table)

    def flush(self, table: str) -> None:
        rows, self.pending[table] = self.pending[table], []
        if rows:
            self.db.table(table).insert_all(rows, batch_size=SQLITE_CHUNK_ROWS)


_SQLITE_TYPES: dict[type, type] = {str: str, int: int, float: float, bool: int, list: str}


def _sqlite_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value


@contextlib.contextmanager
def _sqlite_sink(path: Path) -> Iterator[_Sink]:
    """A new database, built in a temporary file beside `path` and renamed to it once
    whole: tables with their keys first, rows, then indexes and full-text search."""
    import sqlite3

    import sqlite_utils

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX, dir=path.parent
        )
        os.close(fd)
    except OSError as e:
        raise output_error(e, path) from e
    db: Database | None = None
    try:
        db = sqlite_utils.Database(tmp_name, recreate=True)
        _create_tables(db)
        sink = _SqliteSink(db)
        sink.paths = [path]
        yield sink
        for table in table_names():
            sink.flush(table)
        _index(db)
        db.close()
        os.replace(tmp_name, path)
    except BaseException as e:
        if db is not None:
            db.close()
        for name in (tmp_name, f"{tmp_name}-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name)
        if isinstance(e, OSError):
            raise output_error(e, path) from e
        if isinstance(e, sqlite3.Error):  # "database or disk is full", say
            raise OutputWriteError(str(e), path) from e
        raise


def _create_tables(db: Database) -> None:
    db.table(DOCUMENTS).create(
        {name: _SQLITE_TYPES[kind] for name, kind in DOCUMENT_COLUMNS.items()}, pk="sha256"
    )
    references = [("sha256", DOCUMENTS, "sha256")]
    db.table(PAGES).create(
        {name: _SQLITE_TYPES[kind] for name, kind in PAGE_COLUMNS.items()},
        pk=("sha256", "page_index"),
        foreign_keys=references,
    )
    for table in TABLES:
        db.table(table).create(
            {name: _SQLITE_TYPES[kind] for name, kind in column_types(table).items()},
            pk=("sha256", "id"),
            foreign_keys=references,
        )


def _index(db: Database) -> None:
    for table, searched in SEARCHED_COLUMNS.items():
        db.table(table).enable_fts(list(searched), create_triggers=True)
    for table in TABLES:
        db.table(table).create_index(["sha256", "page_index"])
    db.table(DOCUMENTS).create_index(["status"])
