"""Helpers for the batch tests: small PDFs with known text, and reading a batch's results."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from fpdf import FPDF

from tests.conftest import CORPUS_PDFS

# Sentences for filler pages; pages get different ones, since clean-up takes lines that
# recur on many pages (numbers aside) for running headers and drops them.
FILLER = (
    "The council answered questions online.",
    "Its web team spent the winter on the new service.",
    "Residents reported potholes through a mobile application.",
    "Librarians ran workshops for older people.",
    "The youth service recruited volunteers on social networks.",
    "A pilot in two wards moved parking permits online.",
    "Officers blogged about planning decisions every week.",
)


def make_pdf(path: Path, pages: int | list[str] = 2) -> Path:
    """Write a small PDF: one page per text given (or `pages` pages of filler), each with
    its number in the footer."""
    if isinstance(pages, int):
        pages = [
            " ".join(FILLER[(number + k) % len(FILLER)] for k in range(3))
            + f"\nThis is page {number} of {path.stem}."
            for number in range(1, pages + 1)
        ]
    pdf = FPDF()
    # A fixed date: the same bytes every time, so outputs of two runs can be compared.
    pdf.set_creation_date(dt.datetime(2010, 4, 1, tzinfo=dt.timezone.utc))
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=11)
    for number, text in enumerate(pages, start=1):
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
        pdf.set_y(-15)
        pdf.cell(0, 10, str(number), align="C")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def copy_corpus(names: list[str], folder: Path) -> list[Path]:
    """Copy corpus PDFs into `folder` (tests must not write beside the shared corpus)."""
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(CORPUS_PDFS / name, folder / name)) for name in names]


def manifest_lines(out: Path) -> list[dict[str, Any]]:
    """Every line of a batch's manifest, parsed."""
    path = out / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def outputs(out: Path) -> dict[str, str]:
    """The extraction JSON files in a batch folder, by name, as text."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.json"))}
