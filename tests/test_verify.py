"""`extractor verify`: an extraction's quotes, pages and file checked against its PDF."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from extractor.cli import cli
from extractor.errors import EXIT_CHECK_FAILED
from extractor.model import CharSpan, Extraction
from extractor.review import verify, verify_extraction
from tests.conftest import CORPUS_PDFS, SAMPLES, require_corpus
from tests.reviewdata import (
    GAO,
    HMRC,
    build_hostile_pdf,
    claim_on,
    page_ref,
    real_extraction,
    reviewed_extraction,
    write_extraction,
)


@pytest.fixture(scope="module")
def gao() -> Extraction:
    """The GAO report's real extraction, with items of every type quoted from its pages."""
    return reviewed_extraction(GAO)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_fixture_has_items_of_every_type_on_labelled_pages(gao: Extraction) -> None:
    assert all(len(getattr(gao, t)) >= 3 for t in ("examples", "claims", "cost_figures"))
    assert gao.citations
    assert any(item.page.label != str(item.page.index) for item in gao.items())


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.pdf")), ids=lambda p: p.stem)
def test_real_outputs_verify(sample: Path) -> None:
    report = verify_extraction(real_extraction(sample), sample)
    assert report.ok, report.failures
    assert report.pages_checked == len(real_extraction(sample).pages)


def test_an_untouched_extraction_verifies(gao: Extraction, tmp_path: Path) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", GAO)
    result = run("verify", path)
    assert result.exit_code == 0, result.output
    # every item's quote, and the quotes of the document metadata's evidence
    n = sum(1 for _ in gao.items()) + sum(
        1 for e in gao.document.evidence if e.page is not None and e.quote is not None
    )
    assert gao.document.evidence
    assert result.stdout == f"{path}: {GAO}: {n} quotes and 52 pages checked: all hold\n"


def test_a_moved_quote_fails(gao: Extraction, tmp_path: Path) -> None:
    claim = gao.claims[1]
    span = claim.char_span
    moved = dataclasses.replace(claim, char_span=CharSpan(span.start + 5, span.end + 5))
    tampered = dataclasses.replace(gao, claims=(gao.claims[0], moved, *gao.claims[2:]))
    result = run("verify", write_extraction(tampered, tmp_path / "t.json", GAO))
    assert result.exit_code == EXIT_CHECK_FAILED
    (line,) = result.stdout.splitlines()
    assert line.startswith(f"FAIL claims[1] {claim.id}: the quote ")
    assert f"is not at char_span {span.start + 5}-{span.end + 5} of page {claim.page.index}" in line
    assert f"the quote is at {span.start}-{span.end} of page {claim.page.index}" in line
    assert result.stderr.endswith("1 failure(s)\n")


def test_an_edited_quote_fails(gao: Extraction, tmp_path: Path) -> None:
    cost = gao.cost_figures[0]
    edited = dataclasses.replace(cost, quote=cost.quote.replace("$", "£"))
    tampered = dataclasses.replace(gao, cost_figures=(edited, *gao.cost_figures[1:]))
    report = verify(write_extraction(tampered, tmp_path / "t.json", GAO))
    assert [f.where for f in report.failures] == [f"cost_figures[0] {cost.id}"]
    assert "the quote is on no page" in report.failures[0].problem


def test_a_quote_on_the_wrong_page_fails(gao: Extraction, tmp_path: Path) -> None:
    example = gao.examples[0]
    other = page_ref(gao, example.page.index + 1)
    moved = dataclasses.replace(example, page=other, pages=(other,))
    tampered = dataclasses.replace(gao, examples=(moved, *gao.examples[1:]))
    report = verify(write_extraction(tampered, tmp_path / "t.json", GAO))
    assert len(report.failures) == 1
    failure = report.failures[0]
    assert failure.where == f"examples[0] {example.id}"
    assert f"of page {example.page.index}" in failure.problem  # where the quote really is


def test_a_wrong_page_label_fails(gao: Extraction, tmp_path: Path) -> None:
    citation = gao.citations[0]
    ref = dataclasses.replace(
        citation.page, label=str(citation.page.index)
    )  # physical, not printed
    tampered = dataclasses.replace(
        gao, citations=(dataclasses.replace(citation, page=ref), *gao.citations[1:])
    )
    report = verify(write_extraction(tampered, tmp_path / "t.json", GAO))
    assert [str(f) for f in report.failures] == [
        f"citations[0] {citation.id}: page {ref.index} is labelled "
        f'"{citation.page.label}" in the PDF, not "{ref.label}"'
    ]


def test_a_page_that_does_not_exist_fails(gao: Extraction, tmp_path: Path) -> None:
    claim = gao.claims[0]
    gone = dataclasses.replace(claim, page=dataclasses.replace(claim.page, index=99))
    tampered = dataclasses.replace(gao, claims=(gone, *gao.claims[1:]))
    report = verify(write_extraction(tampered, tmp_path / "t.json", GAO))
    assert [f.problem for f in report.failures] == ["page 99 does not exist (the PDF has 52)"]


def test_edited_page_text_fails(gao: Extraction, tmp_path: Path) -> None:
    page = gao.pages[4]
    assert page.text is not None
    edited = dataclasses.replace(page, text=page.text.replace("the", "a", 1))
    pages = (*gao.pages[:4], edited, *gao.pages[5:])
    report = verify(
        write_extraction(dataclasses.replace(gao, pages=pages), tmp_path / "t.json", GAO)
    )
    assert [f.where for f in report.failures] == ["pages[4]"]
    assert report.failures[0].problem.startswith("text differs from the text of page 5")


def test_another_pdf_fails(gao: Extraction, tmp_path: Path) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", GAO)
    result = run("verify", path, HMRC)
    assert result.exit_code == EXIT_CHECK_FAILED
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"FAIL source: sha256 of {HMRC.name} is ")
    assert lines[0].endswith("it is not the file that was extracted")
    assert any(line.startswith("FAIL claims[0]") for line in lines)
    assert result.stderr.startswith(f"Error: {path}: {HMRC}: ")


def test_a_changed_sha256_alone_fails(gao: Extraction, tmp_path: Path) -> None:
    source = dataclasses.replace(gao.source, sha256="0" * 64)
    report = verify(
        write_extraction(dataclasses.replace(gao, source=source), tmp_path / "t.json", GAO)
    )
    assert [f.where for f in report.failures] == ["source"]


def test_the_pdf_is_found_beside_the_json(gao: Extraction, tmp_path: Path) -> None:
    shutil.copy(GAO, tmp_path / GAO.name)
    path = write_extraction(gao, tmp_path / "gao.json", Path("elsewhere") / GAO.name)
    result = run("verify", path)
    assert result.exit_code == 0, result.output
    assert str(tmp_path / GAO.name) in result.stdout


def test_a_missing_pdf_is_one_error_line(gao: Extraction, tmp_path: Path) -> None:
    path = write_extraction(gao, tmp_path / "gao.json", tmp_path / "gone.pdf")
    result = run("verify", path)
    assert result.exit_code == 4
    assert result.stderr == (
        f"Error: {path}: cannot find the PDF it was extracted from "
        f"({tmp_path / 'gone.pdf'}); give its path\n"
    )


def test_an_invalid_json_is_refused(gao: Extraction, tmp_path: Path) -> None:
    data = gao.to_dict()
    data["claims"][0]["char_span"] = {"start": -1, "end": 4}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run("verify", path, GAO)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {path}: does not validate")


def test_an_encrypted_pdf_needs_its_password(tmp_path: Path, nlp: object) -> None:
    require_corpus()
    from extractor.extract import extract

    encrypted = CORPUS_PDFS / "encrypted-password-example.pdf"  # user password "test"
    path = write_extraction(extract(encrypted, password="test", nlp=nlp), tmp_path / "e.json")
    result = run("verify", path)
    assert result.exit_code == 6
    assert "pass --password" in result.stderr
    result = run("verify", path, "--password", "test")
    assert result.exit_code == 0, result.output


def test_a_built_pamphlet_with_a_claim_on_its_printed_page_verifies(
    tmp_path: Path, nlp: object
) -> None:
    from extractor.extract import extract

    pdf = build_hostile_pdf(tmp_path / "pamphlet.pdf")
    extraction = claim_on(extract(pdf, nlp=nlp), pdf, "Councils <script>")
    assert [(c.page.index, c.page.label) for c in extraction.claims][-1] == (2, "9")
    path = write_extraction(extraction, tmp_path / "pamphlet.json")
    assert run("verify", path).exit_code == 0
    claim = extraction.claims[-1]
    wrong = dataclasses.replace(claim, page=page_ref(extraction, 1))
    tampered = dataclasses.replace(extraction, claims=(*extraction.claims[:-1], wrong))
    result = run("verify", write_extraction(tampered, tmp_path / "t.json"))
    assert result.exit_code == EXIT_CHECK_FAILED
    assert f"the quote is at {claim.char_span.start}-{claim.char_span.end} of page 2" in (
        result.stdout
    )
