"""`extractor export` of a real batch (corpus PDFs, a PDF with roman and prefixed page
labels, a copy, a broken file), read back the ways people will: sqlite3, Datasette's
Python API and pandas."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.export import TABLES, columns, text_dtypes
from tests.batch_helpers import FILLER, copy_corpus, run_batch_cli
from tests.pdfbuild import Document, LabelRange, Page, Paragraph, build_pdf

CORPUS_NAME = "uk-hmrc-risk-triggers-report-2015.pdf"
# The labelled PDF's pages: i, ii, then 1, 2, then an annex page A-1.
LABELS = ["i", "ii", "1", "2", "A-1"]
PAGE_TEXTS = [
    "Councils should move routine contact online, because a web transaction costs "
    "pennies and a face-to-face contact costs several pounds.",
    *(" ".join(FILLER[(n + k) % len(FILLER)] for k in range(4)) for n in range(4)),
]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A batch output folder: a corpus PDF, a labelled PDF and its copy, a broken PDF."""
    root = tmp_path_factory.mktemp("export_batch")
    inputs = root / "in"
    copy_corpus([CORPUS_NAME], inputs)
    labelled = build_pdf(
        Document(
            pages=[Page([Paragraph(text)]) for text in PAGE_TEXTS],
            page_labels=[LabelRange(1, "r"), LabelRange(3, "D"), LabelRange(5, "D", "A-")],
        ),
        inputs / "labelled.pdf",
    )
    (inputs / "copies").mkdir()
    shutil.copy(labelled, inputs / "copies" / "labelled.pdf")
    (inputs / "truncated.pdf").write_bytes(labelled.read_bytes()[:600])
    out = root / "out"
    result = run_batch_cli(
        inputs, "-o", out, "--jobs", "1", "--max-pages", "5", "--timeout", "120", "--no-progress"
    )
    assert result.exit_code == 10, result.output  # the truncated file failed
    return out


@pytest.fixture(scope="module")
def database(batch: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("export_db")
    result = CliRunner().invoke(cli, ["export", str(batch), "--format", "sqlite", "-o", target])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Wrote {target / 'export.db'}"
    assert list(target.iterdir()) == [target / "export.db"]  # no temporary file left
    return target / "export.db"


def test_the_database_opens_in_sqlite3_with_documents_joined_to_every_item_table(
    batch: Path, database: Path
) -> None:
    with sqlite3.connect(database) as db:
        documents = db.execute(
            "select path, status, error_code, copies, pages from documents order by path"
        ).fetchall()
        assert sorted((Path(p).name, s, e) for p, s, e, _, _ in documents) == [
            ("labelled.pdf", "ok", None),
            ("truncated.pdf", "failed", "corrupt_pdf"),
            (CORPUS_NAME, "ok", None),
        ]
        (path, _, _, copies, pages) = next(d for d in documents if d[0].endswith("labelled.pdf"))
        # the copy shares its original's row
        assert sorted(Path(p).parent.name for p in [path, *json.loads(copies)]) == ["copies", "in"]
        assert pages == 5
        assert db.execute("pragma foreign_key_check").fetchall() == []
        outputs = [json.loads(p.read_text(encoding="utf-8")) for p in batch.glob("*.json")]
        for table in TABLES:
            assert [row[2] for row in db.execute(f"pragma foreign_key_list({table})")] == [
                "documents"
            ]
            assert [row[1] for row in db.execute(f"pragma table_info({table})")] == list(
                columns(table)
            )
            joined = db.execute(
                f"select d.title, d.path, t.id, t.page_label, t.quote from {table} t "
                "join documents d on d.sha256 = t.sha256"
            ).fetchall()
            # every item of every distinct document, once (the copy adds none)
            distinct = {o["source"]["sha256"]: o for o in outputs}
            assert len(joined) == sum(len(o[table]) for o in distinct.values())
        assert db.execute("select count(*) from claims").fetchone()[0] > 0
        readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
        recipe = readme.split("```sql\n", 1)[1].split("```", 1)[0]  # hedged claims, titled
        hedged = db.execute("select count(*) from claims where hedged").fetchone()[0]
        assert len(db.execute(recipe).fetchall()) == hedged
        labels = db.execute(
            "select p.page_label, typeof(p.page_label) from pages p join documents d "
            "using (sha256) where d.path like '%labelled.pdf' order by p.page_index"
        ).fetchall()
        assert labels == [(label, "text") for label in LABELS]
        hits = db.execute(
            "select pages.page_label from pages_fts join pages on pages.rowid = pages_fts.rowid "
            "where pages_fts match 'potholes'"
        ).fetchall()
        assert hits and all(label in LABELS for (label,) in hits)


def test_datasette_serves_the_joins_and_full_text_search(database: Path) -> None:
    from datasette.app import Datasette

    async def ask() -> tuple[list[Any], Any, Any]:
        ds = Datasette([str(database)])
        await ds.invoke_startup()
        db = ds.get_database("export")
        joined = await db.execute(
            "select d.path, c.id, c.quote from claims c join documents d using (sha256)"
        )
        claim_word = max(joined.rows[0]["quote"].split(), key=len).strip(".,;:()")
        claims = await ds.client.get(f"/export/claims.json?_search={claim_word}&_shape=array")
        pages = await ds.client.get("/export/pages.json?_search=potholes&_shape=array")
        return [dict(row) for row in joined.rows], (claim_word, claims), pages

    joined, (claim_word, claims), pages = asyncio.run(ask())
    assert joined and all(row["path"] and row["id"].startswith("claim-") for row in joined)
    assert claims.status_code == 200
    found = claims.json()
    assert joined[0]["id"] in [row["id"] for row in found]
    assert all(claim_word.lower() in (row["quote"] + (row["text"] or "")).lower() for row in found)
    assert pages.status_code == 200
    assert {row["page_label"] for row in pages.json()} <= set(LABELS)
    assert all("potholes" in row["text"] for row in pages.json())


def test_pandas_reads_page_labels_as_strings(batch: Path, tmp_path: Path) -> None:
    args = ["export", str(batch), "--format", "csv", "-o", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    pages = pd.read_csv(tmp_path / "pages.csv", dtype=text_dtypes("pages"))
    labels_by_document = pages.groupby("sha256", sort=False)["page_label"].apply(list)
    assert LABELS in list(labels_by_document)
    for table in ("pages", *TABLES):
        frame = pd.read_csv(tmp_path / f"{table}.csv", dtype=text_dtypes(table))
        labels = frame["page_label"].dropna()
        assert all(isinstance(label, str) for label in labels), table
    claims = pd.read_csv(tmp_path / "claims.csv", dtype=text_dtypes("claims"))
    assert all(json.loads(cues) for cues in claims["cues"])  # lists are JSON arrays
    jsonl = tmp_path / "jsonl"
    args = ["export", str(batch), "--format", "jsonl", "-o", str(jsonl)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    rows = [json.loads(line) for line in (jsonl / "pages.jsonl").read_text().splitlines()]
    assert {type(row["page_label"]) for row in rows} <= {str, type(None)}
