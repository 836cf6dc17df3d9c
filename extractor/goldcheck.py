"""Checks of a gold annotation file against its PDF, for annotators and for the tests.

A gold file is usable only where it validates against `schemas/gold.schema.json`, names
the PDF it annotates (sha256, page count), and where every phrase it quotes (a claim's
`contains`, a cost figure's `raw`, an example's `name`, a citation's `contains`) can be
found again, after the scoring rules' folding, in the text of the page it names. That is
the same text the extractor reads, so a phrase that fails here could never be matched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.evaluate import GOLD_SCHEMA, fold
from extractor.output import read_json
from extractor.pages import prepare_pages
from extractor.pdf import read_pdf
from extractor.schema import validation_error

# The gold lists whose items quote their page, and the field each quotes.
QUOTED_FIELDS = (
    ("cost_figures", "raw"),
    ("examples", "name"),
    ("claims", "contains"),
    ("citations", "contains"),
)


@dataclass(frozen=True)
class GoldProblem:
    """One thing wrong with a gold file: where (a JSON path) and what."""

    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def check_gold(gold_path: str | Path, pdf_path: str | Path) -> list[GoldProblem]:
    """Every problem of the gold file at `gold_path` as an annotation of `pdf_path`."""
    data = read_json(Path(gold_path))
    invalid = validation_error(data, GOLD_SCHEMA)
    if invalid is not None:
        return [GoldProblem("$", f"does not validate: {invalid}")]
    pdf = read_pdf(pdf_path)
    pages, _ = prepare_pages(pdf)
    folded_pages = {page.index: fold(page.text) for page in pages}
    problems = list(_file_problems(data, pdf.sha256, pdf.page_count))
    problems.extend(_quote_problems(data, folded_pages))
    return problems


def _file_problems(data: dict[str, Any], sha256: str, page_count: int) -> Iterator[GoldProblem]:
    if data.get("sha256", "").lower() != sha256:
        yield GoldProblem("$.sha256", f"is not the PDF's sha256 ({sha256})")
    if data.get("page_count") != page_count:
        yield GoldProblem("$.page_count", f"the PDF has {page_count} pages")
    annotated = set(data.get("pages_annotated", range(1, page_count + 1)))
    for index in sorted(annotated):
        if not 1 <= index <= page_count:
            yield GoldProblem("$.pages_annotated", f"page {index} is not in the PDF")
    for index in data.get("page_labels", {}):
        if not 1 <= int(index) <= page_count:
            yield GoldProblem(f"$.page_labels.{index}", "is not a page of the PDF")
    for list_name, _ in QUOTED_FIELDS:
        for position, item in enumerate(data.get(list_name, ())):
            if item["page"] not in annotated:
                where = f"$.{list_name}[{position}]"
                yield GoldProblem(where, f"page {item['page']} is not an annotated page")


def _quote_problems(data: dict[str, Any], folded_pages: dict[int, str]) -> Iterator[GoldProblem]:
    for list_name, field in QUOTED_FIELDS:
        for position, item in enumerate(data.get(list_name, ())):
            phrase = item.get(field)
            if phrase is None:
                continue
            if fold(phrase) not in folded_pages.get(item["page"], ""):
                where = f"$.{list_name}[{position}].{field}"
                yield GoldProblem(where, f"{phrase!r} is not on page {item['page']}")
