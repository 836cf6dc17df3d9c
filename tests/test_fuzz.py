"""A seeded mutation test: damaged copies of small built PDFs (bit flips, truncation, chunks
deleted and duplicated, xref and trailer damage, /Length lies, /Count and /Kids loops,
extreme numbers, a damaged /Encrypt) are extracted, and each must end as a valid
extraction or as one of extractor's errors: never another exception, never a message in
pypdf's words. Some go through the command line too: one `Error:` line and a documented
exit code, no temporary file, a whole output or none.

It runs in well under a minute. `make fuzz` does the same for 1,000 mutants of the corpus
PDFs through `extractor batch` (tests/fuzz.py). EXTRACTOR_FUZZ_SEED and
EXTRACTOR_FUZZ_COUNT explore other mutants; a failure names the seed, the mutant's number
and its mutators, which rebuild it.
"""

from __future__ import annotations

import json
import os
import random
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from click.testing import CliRunner

from extractor import errors
from extractor.cli import cli
from extractor.errors import ExtractorError
from extractor.model import Extraction
from tests.batch_helpers import make_pdf
from tests.fuzz import internal_wording
from tests.mutate import MUTATORS, mutate
from tests.pdfbuild import Document, Footnote, Heading, LabelRange, Page, Paragraph, Sup, build_pdf

SEED = int(os.environ.get("EXTRACTOR_FUZZ_SEED", "16"))
COUNT = int(os.environ.get("EXTRACTOR_FUZZ_COUNT", "500"))
# Every this-many-th mutant also goes through `extractor extract`.
CLI_EVERY = 10
# Longest one mutant may take before the test calls it a hang.
MUTANT_SECONDS = 30
# Exit codes a damaged PDF may give: ok, not a PDF or corrupt, encrypted, no text layer.
DAMAGE_EXIT_CODES = {
    errors.EXIT_OK,
    errors.EXIT_CORRUPT_PDF,
    errors.EXIT_ENCRYPTED,
    errors.EXIT_NO_TEXT,
}


@dataclass(frozen=True)
class Mutant:
    number: int
    mutators: str
    source: str
    path: Path

    def __str__(self) -> str:
        return f"mutant {self.number} of seed {SEED} ({self.mutators} of {self.source})"


def sources(folder: Path) -> list[Path]:
    """Small built PDFs with the structures the mutators damage: page labels, outline,
    footnotes, a running footer, and encryption with an empty user password."""
    rich = Document(
        header="Local by Social",
        footer="{number}",
        page_labels=[LabelRange(1, "r"), LabelRange(2, "D")],
        pages=[
            Page(
                [Heading("Summary", bookmark=True), Paragraph(["Councils are online", Sup("1")])],
                number="i",
                footnotes=[Footnote("1", "Ofcom, Communications Market Report, 2009.")],
            ),
            Page([Paragraph("A face-to-face contact costs £7.81 and a web one 17p.")], number="1"),
        ],
    )
    locked = Document(
        footer="{number}",
        user_password="",
        owner_password="owner",
        pages=[Page([Paragraph("Brent Council answered questions on Twitter.")], number="1")],
    )
    return [
        make_pdf(folder / "plain.pdf", pages=3),
        build_pdf(rich, folder / "rich.pdf"),
        build_pdf(locked, folder / "locked.pdf"),
    ]


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> list[Mutant]:
    folder = tmp_path_factory.mktemp("fuzz")
    originals = {path: path.read_bytes() for path in sources(folder / "sources")}
    rng = random.Random(SEED)
    made = []
    for number in range(COUNT):
        source = rng.choice(sorted(originals))
        names, data = mutate(originals[source], rng)
        path = folder / f"{number:03d}-{source.stem}.pdf"
        path.write_bytes(data)
        made.append(Mutant(number, names, source.name, path))
    return made


@pytest.fixture
def deadline() -> Iterator[None]:
    """Make a mutant that runs past MUTANT_SECONDS raise TimeoutError (a hang)."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"no result after {MUTANT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def outcome(mutant: Mutant, nlp: Any) -> Extraction | ExtractorError:
    from extractor.extract import extract

    signal.alarm(MUTANT_SECONDS)
    try:
        return extract(mutant.path, nlp=nlp)
    except ExtractorError as e:
        return e
    finally:
        signal.alarm(0)


def test_mutants_cover_every_mutator(mutants: list[Mutant]) -> None:
    used = {name for mutant in mutants for name in mutant.mutators.split("+")}
    assert used == {name for name, _ in MUTATORS}


@pytest.mark.usefixtures("deadline")
def test_every_mutant_ends_as_an_extraction_or_a_readers_error(
    mutants: list[Mutant], nlp: Any
) -> None:
    failures = []
    kinds: set[str] = set()
    for mutant in mutants:
        try:
            result = outcome(mutant, nlp)
        except Exception as e:  # anything but an ExtractorError is a bug
            failures.append(f"{mutant}: {type(e).__name__}: {e}")
            continue
        kinds.add(type(result).__name__)
        if isinstance(result, ExtractorError):
            messages = [result.problem]
            if result.exit_code == errors.EXIT_INTERNAL or "\n" in result.problem:
                failures.append(f"{mutant}: {type(result).__name__}: {result.problem}")
        else:
            messages = [warning.message for warning in result.warnings]
        for message in messages:
            if internal_wording(message):
                failures.append(f"{mutant}: in pypdf's words: {message}")
    assert failures == []
    # Damage of every kind was met: some mutants still read, some did not.
    assert {"Extraction", "PdfFormatError"} <= kinds


@pytest.mark.usefixtures("shared_pipeline")
def test_damaged_pdfs_on_the_command_line_give_one_line_and_a_documented_code(
    mutants: list[Mutant], tmp_path: Path
) -> None:
    for mutant in mutants[::CLI_EVERY]:
        out = tmp_path / f"{mutant.number}.json"
        result = CliRunner().invoke(cli, ["extract", str(mutant.path), "-o", str(out)])
        assert result.exit_code in DAMAGE_EXIT_CODES, f"{mutant}: {result.output}"
        assert "Traceback" not in result.output, mutant
        lines = result.stderr.splitlines()
        assert len(lines) == 1, f"{mutant}: {result.stderr}"
        if result.exit_code in (errors.EXIT_OK, errors.EXIT_NO_TEXT):
            assert json.loads(out.read_text(encoding="utf-8"))["source"]["file"] == mutant.path.name
        else:
            assert lines[0].startswith(f"Error: {mutant.path}: "), mutant
            assert not out.exists()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_the_fuzz_verdict_names_internal_errors_missing_inputs_and_half_written_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor.workers import TEST_HOOKS_ENV
    from tests.batch_helpers import run_batch_cli
    from tests.fuzz import check

    inputs = [make_pdf(tmp_path / "in" / name, pages=1) for name in ("a.pdf", "b-raise.pdf")]
    monkeypatch.setenv(TEST_HOOKS_ENV, json.dumps({"*-raise.pdf": "raise"}))
    out = tmp_path / "out"
    result = run_batch_cli(tmp_path / "in", "-o", out, "--jobs", "1", "--no-progress")
    (out / ".a.json.x1y2.tmp").write_text("{")  # as a write cut short would leave it
    summary = check([*inputs, tmp_path / "in" / "lost.pdf"], out, result.stderr, 10)
    raised = "RuntimeError: test hook raised on b-raise.pdf"
    assert summary["problems"] == [
        "lost.pdf: not in the manifest",
        f"b-raise.pdf: internal: {raised}",
        f"b-raise.pdf: internal wording 'RuntimeError': {raised}",
        ".a.json.x1y2.tmp: a temporary file was left",
    ]
    assert summary["status"] == {"ok": 1, "failed": 1}
