"""The command line behaves as the tools its users already know: a closed pipe ends quietly,
`find` exits 1 on no match as grep does, a mistyped batch input is exit 4 before anything is
written, -q/-v go before or after the command, a password need not be on the command line,
messages count in English, and pypdf's notes go through logging."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from extractor import errors
from extractor.batch import ManifestEntry
from extractor.cli import cli
from extractor.progress import problem_line
from extractor.workers import TEST_HOOKS_ENV
from tests.batch_helpers import make_pdf, manifest_lines, run_batch_cli
from tests.conftest import CORPUS_PDFS, require_corpus

ENCRYPTED = CORPUS_PDFS / "encrypted-password-example.pdf"  # user password "test"


def run(*args: str | Path, **kwargs: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "small.pdf", ["The board met on Tuesday to discuss the budget."])


@pytest.fixture
def damaged_xref(pdf: Path) -> Path:
    """A PDF whose startxref points a few bytes off: pypdf repairs it and logs a warning."""
    data = pdf.read_bytes()
    match = re.search(rb"startxref\s+(\d+)", data)
    assert match is not None
    damaged = pdf.with_name("damaged-xref.pdf")
    moved = str(int(match.group(1)) + 7).encode()
    damaged.write_bytes(data[: match.start(1)] + moved + data[match.end(1) :])
    return damaged


def test_a_pipe_closed_early_ends_quietly(tmp_path: Path) -> None:
    # More than a pipe's buffer of lines, so that writing goes on after the reader has gone.
    invalid = tmp_path / "a.json"
    invalid.write_text("{}")
    process = subprocess.Popen(
        [sys.executable, "-m", "extractor", "validate", *[str(invalid)] * 3000],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    stderr = process.stderr.read()
    assert process.wait(timeout=120) == errors.EXIT_BROKEN_PIPE
    assert first.startswith(f"{invalid}: invalid: ".encode())
    assert stderr == b""


def test_find_exits_1_when_nothing_matches(pdf: Path) -> None:
    result = run("find", pdf, "quarterly dividend")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"{pdf}: not found: quarterly dividend\n"
    as_json = run("find", pdf, "quarterly dividend", "--json")
    assert (as_json.exit_code, json.loads(as_json.stdout)) == (1, [])
    assert run("find", pdf, "the board met").exit_code == 0
    assert run("find", pdf, "quarterly dividend", "-q").stderr == ""


@pytest.mark.parametrize("given", ["missing-folder", "missing.pdf"])
def test_a_mistyped_batch_input_is_exit_4_and_writes_nothing(
    tmp_path: Path, pdf: Path, given: str
) -> None:
    out = tmp_path / "out"
    result = run_batch_cli(pdf, tmp_path / given, "-o", out)
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert result.stderr == f"Error: {tmp_path / given}: no such file or folder\n"
    assert not out.exists()


def test_a_batch_folder_without_pdfs_is_exit_4_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("no PDFs here")
    out = tmp_path / "out"
    result = run_batch_cli(tmp_path / "in", "-o", out)
    assert result.exit_code == errors.EXIT_BAD_INPUT
    assert result.stderr == (
        f"Error: {tmp_path / 'in'}: no input files found (looking for '*.pdf' in folders)\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_before_or_after_the_command_shows_pypdf_notes(
    damaged_xref: Path, where: str
) -> None:
    command = ["find", str(damaged_xref), "board"]
    args = ["-v", *command] if where == "before" else [*command, "-v"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "WARNING pypdf" in result.stderr and "startxref" in result.stderr
    assert run(*command).stderr == ""  # not without -v


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_before_or_after_the_command(tmp_path: Path, pdf: Path, where: str) -> None:
    out = tmp_path / "small.json"
    command = ["extract", str(pdf), "-o", str(out), "--max-pages", "1"]
    loud = run(*command)
    assert loud.exit_code == 0, loud.output
    assert re.fullmatch(rf"Wrote {out} \(1 page, \d+ items?, \d+ warnings?\)\n", loud.stderr)
    quiet = run(*(["-q", *command] if where == "before" else [*command, "-q"]))
    assert (quiet.exit_code, quiet.stderr) == (0, "")


def test_the_api_logs_pypdf_notes_instead_of_printing_them(damaged_xref: Path) -> None:
    script = (
        "import logging, sys\n"
        "from extractor.pdf import read_pdf\n"
        "read_pdf(sys.argv[1])\n"
        "logging.basicConfig(format='%(name)s: %(message)s')\n"
        "read_pdf(sys.argv[1])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(damaged_xref)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # Only the second read, once the application configured logging, says anything.
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("pypdf") for line in lines)
    assert sum("startxref" in line for line in lines) == 1


def test_the_library_names_its_parameter_and_the_cli_its_option() -> None:
    require_corpus()
    from extractor.extract import extract

    with pytest.raises(errors.EncryptedPdfError) as raised:
        extract(ENCRYPTED)
    assert str(raised.value) == (
        f"{ENCRYPTED}: encrypted; a password is needed (pass the password parameter)"
    )
    result = run("find", ENCRYPTED, "backup")
    assert result.exit_code == errors.EXIT_ENCRYPTED
    assert result.stderr == (
        f"Error: {ENCRYPTED}: encrypted; a password is needed "
        "(pass --password or set EXTRACTOR_PASSWORD)\n"
    )


def test_the_password_from_the_environment() -> None:
    require_corpus()
    result = run("find", ENCRYPTED, "backup", env={"EXTRACTOR_PASSWORD": "test"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("page ")


def test_password_dash_asks_without_echo() -> None:
    require_corpus()
    result = run("find", ENCRYPTED, "backup", "--password", "-", input="test\n")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Password: \n"  # the prompt, and no echo of what was typed
    assert "test\n" not in result.stdout
    wrong = run("find", ENCRYPTED, "backup", "--password", "-", input="guess\n")
    assert wrong.exit_code == errors.EXIT_ENCRYPTED
    assert wrong.stderr.endswith(
        f"Error: {ENCRYPTED}: encrypted, and the password given is wrong\n"
    )


def test_counts_are_in_english(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    result = run("validate", broken)
    assert result.stderr == "Error: 1 of 1 file does not validate\n"


def test_a_failed_file_line_does_not_repeat_its_code() -> None:
    def failed(code: str, message: str) -> ManifestEntry:
        return ManifestEntry(
            "a.pdf", None, "failed", code, message, None, None, 0.0, (), "0", "run"
        )

    assert problem_line(failed("encrypted", "encrypted; a password is needed")) == (
        "failed: a.pdf: encrypted; a password is needed"
    )
    assert problem_line(failed("worker_died", "the worker process died")) == (
        "failed: a.pdf: worker_died: the worker process died"
    )


def test_resume_does_not_retry_a_permanent_failure_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "web-page.pdf").write_text("<html>a web page saved as .pdf</html>")
    out = tmp_path / "out"
    first = run_batch_cli(inputs, "-o", out, "--jobs", "1")
    # From now on a worker given the file raises: a line that says so proves it was tried.
    monkeypatch.setenv(TEST_HOOKS_ENV, json.dumps({"web-page.pdf": "raise"}))
    second = run_batch_cli(inputs, "-o", out, "--jobs", "1")
    third = run_batch_cli(inputs, "-o", out, "--jobs", "1", "--retry-failed")
    for result in (first, second, third):
        assert result.exit_code == errors.EXIT_BATCH_FAILURES
        assert result.stderr.endswith(
            f"Error: {out / 'manifest.jsonl'}: 1 file failed or timed out\n"
        )
    lines = manifest_lines(out)
    assert [line["error_code"] for line in lines] == ["corrupt_pdf", "corrupt_pdf", "internal"]
    assert lines[1]["error_message"] == lines[0]["error_message"]
