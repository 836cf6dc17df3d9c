"""Helpers for the batch tests: small PDFs with known text, and reading a batch's results."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import psutil
from click.testing import CliRunner, Result

from extractor.cli import cli
from extractor.workers import WORKER_COMMAND
from tests.conftest import CORPUS_PDFS
from tests.pdfbuild import Document, Page, Paragraph, build_pdf

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
    its number in the footer. The bytes are the same every time (tests/pdfbuild.py)."""
    if isinstance(pages, int):
        pages = [
            " ".join(FILLER[(number + k) % len(FILLER)] for k in range(3))
            + f"\nThis is page {number} of {path.stem}."
            for number in range(1, pages + 1)
        ]
    document = Document(
        footer="{number}",
        pages=[Page([Paragraph(text)], number=str(n)) for n, text in enumerate(pages, 1)],
    )
    return build_pdf(document, path)


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


def run_batch_cli(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["batch", *map(str, args)], catch_exceptions=False)


def worker_processes() -> list[psutil.Process]:
    """Worker processes started by this test process (directly or through a child)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if WORKER_COMMAND in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found
