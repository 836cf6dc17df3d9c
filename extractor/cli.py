"""The command-line interface: Click commands that parse options, call the library and map
its errors to one `Error: <file>: <problem>` line and an exit code (listed in the README).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

import click

from extractor._version import __version__
from extractor.errors import (
    EXIT_BROKEN_PIPE,
    EXIT_CHECK_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID_OUTPUT,
    ExtractorError,
    NoTextLayerError,
    SchemaValidationError,
)

if TYPE_CHECKING:
    from extractor.model import Extraction
    from extractor.nlp.pipeline import ModelChoice

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0  success
  1  internal error (a bug: run with --debug and report it)
  2  usage error (bad option or argument)
  3  a JSON file does not validate against its schema
  4  input missing, a directory, unreadable or empty
  5  not a PDF, or a corrupt or truncated one
  6  encrypted PDF: password missing or wrong
  7  no text layer (scanned or image-only PDF); the output is still written
  8  no spaCy pipeline installed
  9  verify or check-citations found a quote, page or citation that does not hold
  10 batch: some files failed or timed out (the manifest says which)
  11 batch: Dask not installed, or its scheduler unreachable
  12 an output could not be written: the disk is full or turned read-only
  13 extract --jobs: a worker process died (out of memory, a crash)
  141 standard output was closed early (`| head`); ends quietly, as grep does
"""


class CommandError(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        # click declares exit_code on the class but reads it from the instance.
        self.exit_code = exit_code  # type: ignore[misc]


def _settings() -> dict[str, Any]:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return {}
    root = ctx.find_root()
    if not isinstance(root.obj, dict):
        root.obj = {"verbose": 0, "quiet": False, "debug": False}
    settings: dict[str, Any] = root.obj
    return settings


def _configure_logging() -> None:
    settings = _settings()
    if settings.get("debug") or settings.get("verbose", 0) >= 2:
        level = logging.DEBUG
    elif settings.get("verbose"):
        level = logging.INFO
    else:
        level = logging.CRITICAL if settings.get("quiet") else logging.ERROR
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)
    # pypdf's notes on the repairs it makes (warnings) show from -v on, as ours do.
    logging.getLogger("pypdf").setLevel(logging.NOTSET)


def _count_verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        _settings()["verbose"] = _settings().get("verbose", 0) + value
        _configure_logging()


def _set_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        assert param.name is not None
        _settings()[param.name] = True
        _configure_logging()


def global_options(func: F) -> F:
    """-v, -q and --debug, accepted before the command and after it alike."""
    func = click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        callback=_set_flag,
        help="Show tracebacks and debug logging.",
    )(func)
    func = click.option(
        "-q",
        "--quiet",
        is_flag=True,
        expose_value=False,
        callback=_set_flag,
        help="Say nothing but errors (no progress, no notes on what was written).",
    )(func)
    return click.option(
        "-v",
        "--verbose",
        count=True,
        expose_value=False,
        callback=_count_verbose,
        help="Say more (-vv for debug logging); pypdf's notes on damaged files show too.",
    )(func)


def quiet() -> bool:
    """Whether -q was given (before or after the command)."""
    return bool(_settings().get("quiet"))


def note(message: str) -> None:
    """A line for the user on standard error, unless -q."""
    if not quiet():
        click.echo(message, err=True)


def plural(count: int, noun: str) -> str:
    """`1 file`, `2 files`."""
    from extractor.output import plural as library_plural

    return library_plural(count, noun)


def _password_prompt(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value == "-":
        return str(click.prompt("Password", hide_input=True, err=True))
    return value


def password_option(func: F) -> F:
    """--password PASSWORD, '-' to be asked for it without echo, or EXTRACTOR_PASSWORD."""
    return click.option(
        "--password",
        envvar=PASSWORD_ENVVAR,
        callback=_password_prompt,
        help="Password of an encrypted PDF; '-' asks for it without echo (ps shows no "
        f"password). Default: ${PASSWORD_ENVVAR}.",
    )(func)


def _parse_models(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, str] | None:
    from extractor.nlp.pipeline import parse_model_options

    try:
        return parse_model_options(values) or None
    except ValueError as e:
        raise click.BadParameter(str(e)) from e


def model_option(func: F) -> F:
    """--model [LANG=]NAME, repeatable: the trained spaCy pipeline of a language."""
    return click.option(
        "--model",
        multiple=True,
        metavar="[LANG=]NAME",
        callback=_parse_models,
        help="spaCy pipeline (an installed package name or a path) for pages in language "
        "LANG (ISO 639-1, e.g. fr=fr_core_news_md); a plain NAME is for English. Repeat for "
        "more languages. Default: en_core_web_sm and fr_core_news_sm; pages in other "
        "languages get cost figures and citations only.",
    )(func)


PASSWORD_ENVVAR = "EXTRACTOR_PASSWORD"
# `find` found nothing: grep's exit code for "no match".
EXIT_NOT_FOUND = 1
# How the CLI passes what a library parameter names.
PARAMETER_OPTIONS = {"password": f"--password or set {PASSWORD_ENVVAR}"}


def _silence_stdout() -> None:
    # Python's recipe (signal module documentation, "Note on SIGPIPE"): point standard output
    # at /dev/null so that the interpreter's last flush does not raise again on the way out.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file descriptor (a test's captured output)


# The parameter naming the file a command works on, in order of preference: an error that
# names no file of its own is reported as about this one (the batch's output folder, say).
SUBJECT_PARAMETERS = ("json_file", "pdf", "batch_dir", "output_dir", "text_file")


def fail(error: ExtractorError, subject: object = None) -> NoReturn:
    """Raise the CLI form of a library error (its traceback too, under --debug): one line
    `<file>: <problem>`, the file being the error's own or else the command's `subject`."""
    if _settings().get("debug"):
        traceback.print_exception(error, file=sys.stderr)
    remedy = PARAMETER_OPTIONS.get(error.parameter or "", error.parameter)
    message = error.describe(remedy)
    if error.path is None and subject is not None:
        message = f"{subject}: {message}"
    raise CommandError(message, error.exit_code) from error


def handle_errors(func: F) -> F:
    """Turn library errors, and unexpected ones, into one `Error:` line and an exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        subject = next((kwargs[p] for p in SUBJECT_PARAMETERS if kwargs.get(p) is not None), None)
        try:
            return func(*args, **kwargs)
        except ExtractorError as e:
            fail(e, subject)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            _silence_stdout()
            raise click.exceptions.Exit(EXIT_BROKEN_PIPE) from None
        except Exception as e:
            if _settings().get("debug"):
                raise
            where = f"{subject}: " if subject is not None else ""
            raise CommandError(
                f"{where}internal error: {type(e).__name__}: {e} (run with --debug for details)",
                EXIT_INTERNAL,
            ) from e

    return wrapper  # type: ignore[return-value]


class _Group(click.Group):
    """Adds the global options to every command, so that they may follow it too."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        global_options(cmd)
        super().add_command(cmd, name)


@click.group(
    cls=_Group, epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, "--version", prog_name="extractor")
@global_options
def cli() -> None:
    """Turn policy discussion papers in PDF into page-cited, schema-validated JSON.

    \b
    Example:
      extractor extract report.pdf -o report.json
      extractor validate report.json
    """
    _configure_logging()


@cli.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Where to write the JSON ('-' for standard output). Default: ./<PDF name>.json",
)
@password_option
@model_option
@click.option("--no-page-text", is_flag=True, help="Leave the text of each page out of the JSON.")
@click.option("--max-pages", type=click.IntRange(min=1), help="Only process the first N pages.")
@click.option("--compact", is_flag=True, help="Write JSON on one line instead of indented.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes that read and parse the pages, each with its own spaCy "
    "pipeline; the output is the same. One long report goes faster on N cores.",
)
@handle_errors
def extract(
    pdf: Path,
    output: Path | None,
    password: str | None,
    model: dict[str, str] | None,
    no_page_text: bool,
    max_pages: int | None,
    compact: bool,
    jobs: int,
) -> None:
    """Extract one PDF into JSON that validates against the extraction schema.

    \b
    Example:
      extractor extract samples/uk-hmrc-risk-triggers-report-2015.pdf -o hmrc.json
      extractor extract scan.pdf -o - | jq '.warnings'
      extractor extract long-report.pdf -o long.json --jobs 2
    """
    from extractor.extract import extract as run_extract
    from extractor.output import check_output_file, write_text_atomic

    to_stdout = output is not None and str(output) == "-"
    target = output if output is not None else Path(pdf.stem + ".json")
    if not to_stdout:
        check_output_file(target)  # before the work, not after it
    extract_file = functools.partial(
        run_extract,
        pdf,
        password=password,
        model=model,
        include_page_text=not no_page_text,
        max_pages=max_pages,
    )
    on_terminal = sys.stderr.isatty() and not quiet()
    result = _with_bar(extract_file, pdf, model, jobs) if on_terminal else None
    if result is None and jobs > 1:
        from extractor.pagejobs import PageWorkers

        with PageWorkers(jobs, model) as workers:
            result = extract_file(nlp=workers)
    if result is None:
        result = extract_file()
    text = result.to_json(indent=None if compact else 2)
    if to_stdout:
        click.echo(text, nl=False)
    else:
        write_text_atomic(target, text)
    if any(warning.code == "no_text_layer" for warning in result.warnings):
        where = "" if to_stdout else f"; {target} lists its pages only"
        raise NoTextLayerError(
            f"no text layer on any page (scanned or image-only PDF; run OCR first){where}", pdf
        )
    if not to_stdout:
        count = sum(1 for _ in result.items())
        note(
            f"Wrote {target} ({plural(len(result.pages), 'page')}, {plural(count, 'item')}, "
            f"{plural(len(result.warnings), 'warning')})"
        )


def _with_bar(
    extract_file: Callable[..., Extraction], pdf: Path, model: ModelChoice, jobs: int
) -> Extraction | None:
    """Run `extract_file` under a bar of its pages on standard error (a terminal), the
    pipeline loaded first under a line that says so; None, doing nothing, if the PDF's
    pages cannot be counted: it may be bad, and its error should not wait for a load.
    With `jobs` workers, the workers load the pipelines once they have read the pages,
    and the bar counts pages from the start."""
    from extractor.nlp.pipeline import Pipelines
    from extractor.pdf import count_pdf_pages
    from extractor.progress import FileProgress, loading_text

    if count_pdf_pages(pdf) is None:
        return None
    if jobs > 1:
        from extractor.pagejobs import PageWorkers

        # Started before the bar: its drawing thread would keep them from being forked.
        with (
            PageWorkers(jobs, model) as workers,
            FileProgress(sys.stderr, pdf.name, loading_text(model, jobs)) as bar,
        ):
            return extract_file(nlp=workers, progress=bar)
    with FileProgress(sys.stderr, pdf.name, loading_text(model)) as bar:
        bar.loading_pipeline()
        pipelines = Pipelines(model)
        pipelines.english  # noqa: B018  (loaded under the loading line, not the page bar)
        return extract_file(nlp=pipelines, progress=bar)


@cli.command()
@click.option(
    "--name",
    default="extraction",
    show_default=True,
    help="Which schema: extraction (of the output), manifest (of a batch's manifest.jsonl "
    "lines), or another shipped under schemas/ (gold, review...).",
)
@handle_errors
def schema(name: str) -> None:
    """Print the JSON Schema that every output validates against (or another, by name).

    \b
    Example:
      extractor schema > extraction.schema.json
      extractor schema --name manifest > manifest.schema.json
    """
    from extractor.schema import schema_names, schema_text

    names = schema_names()
    if name not in names:
        raise click.BadParameter(f"choose from {', '.join(names)}", param_hint="'--name'")
    click.echo(schema_text(names[name]), nl=False)


BATCH_EXIT_CODES_HELP = """\b
Exit codes:
  0  every input is ok, or was skipped as up to date
  10 some inputs failed or timed out (see manifest.jsonl); the others are written
  4  the inputs name no file at all, another run holds the output folder, or the
     output folder cannot be made or written to (checked before any work)
  8  no spaCy pipeline installed
  11 Dask not installed, or the scheduler cannot be reached
  12 an output could not be written (disk full or turned read-only): the batch
     stopped with its manifest whole; run the same command again to resume
  130 interrupted (Ctrl-C); run the same command again to resume
"""


@cli.command(epilog=BATCH_EXIT_CODES_HELP)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "-o",
    "--output-dir",
    required=True,
    metavar="DIR",
    type=click.Path(path_type=Path),
    help="Folder for one JSON per PDF and the manifest.jsonl.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes, each with its own spaCy pipeline.  [default: number of CPUs]",
)
@click.option(
    "--resume/--force",
    default=True,
    show_default=True,
    help="Skip files whose output exists for the same bytes and extractor version, "
    "or redo every file.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="Seconds one file may take before its worker is killed (0: no limit).",
)
@click.option(
    "--retry-failed",
    is_flag=True,
    help="On resume, try again the files that failed as corrupt or encrypted (by default a "
    "file that failed so with the same bytes is not tried again: its failure is repeated).",
)
@click.option("--max-pages", type=click.IntRange(min=1), help="Only process the first N pages.")
@click.option(
    "--glob",
    "glob",
    default="*.pdf",
    show_default=True,
    help="Which files to take from folders (case-insensitive; 'reports/*.pdf' works too).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar.  [default: a bar on a terminal, else a line per problem]",
)
@model_option
@click.option(
    "--max-memory",
    type=click.IntRange(min=1),
    metavar="MB",
    help="Memory limit (address space) of each worker; a file that needs more fails as "
    "out_of_memory. A worker needs about 340 MB to load the default pipeline (a limit below "
    "the need is a usage error that says it, measured); 700 leaves room for long papers.",
)
@click.option(
    "--dask-scheduler",
    metavar="tcp://HOST:PORT",
    help="Run on this Dask distributed cluster (workers must see the input paths).",
)
@handle_errors
def batch(
    inputs: tuple[Path, ...],
    output_dir: Path,
    jobs: int | None,
    resume: bool,
    retry_failed: bool,
    timeout: float,
    max_pages: int | None,
    glob: str,
    progress: bool | None,
    model: dict[str, str] | None,
    max_memory: int | None,
    dask_scheduler: str | None,
) -> None:
    """Extract every PDF in files and folders into one JSON each, in parallel.

    INPUT is a PDF, a folder (searched recursively), or '-' for a list of paths on
    standard input. Each run appends one line per input to OUTPUT_DIR/manifest.jsonl
    (`extractor schema --name manifest`); a file that raises, hangs past --timeout or
    runs out of memory is recorded and the batch goes on. Run the same command again
    after an interruption: finished files are skipped.

    \b
    Example:
      extractor batch library/ -o out/ --jobs 4
      find . -name '*.pdf' -newer last-run | extractor batch - -o out/
      extractor batch /shared/pdfs -o out/ --dask-scheduler tcp://10.0.0.5:8786
    """
    from extractor.batch import (
        MANIFEST_NAME,
        BatchSettings,
        check_inputs,
        count_inputs,
        run_batch,
        usable_cpus,
    )
    from extractor.output import check_output_dir
    from extractor.progress import ProgressBar, ProgressLines, loading_text

    check_inputs(inputs, glob)  # a mistyped folder: exit 4, and nothing written
    check_output_dir(output_dir)  # before a worker is started

    settings = BatchSettings(
        output_dir=output_dir,
        jobs=jobs or usable_cpus(),
        resume=resume,
        retry_failed=retry_failed,
        timeout=timeout or None,
        max_pages=max_pages,
        glob=glob,
        model=model,
        max_memory_mb=max_memory,
        dask_scheduler=dask_scheduler,
    )
    stderr = sys.stderr
    show_bar = stderr.isatty() and not quiet() if progress is None else progress
    loading = loading_text(model, settings.jobs, on_cluster=dask_scheduler is not None)
    observer = (
        ProgressBar(stderr, loading)
        if show_bar
        else ProgressLines(stderr, loading)
        if progress is None and not quiet()
        else None
    )
    # The totals, for the bar's and the log lines' "done/total" and ETA: the files now, their
    # pages in a thread while the work goes on.
    total = count_inputs(inputs, glob) if observer is not None else None
    try:
        report = run_batch(inputs, settings, observer, total=total, count_pages=total is not None)
    except KeyboardInterrupt:
        raise CommandError(
            f"{output_dir}: interrupted; run the same command again to resume", EXIT_INTERRUPTED
        ) from None
    click.echo(report.summary())
    if report.failures:
        raise CommandError(
            f"{output_dir / MANIFEST_NAME}: {plural(report.failures, 'file')} failed or timed out",
            report.exit_code,
        )


@cli.command()
@click.argument("batch_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "sqlite"]),
    default="csv",
    show_default=True,
    help="Tables as CSV or JSON Lines files, or one SQLite database (export.db).",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the tables.  [default: BATCH_DIR]",
)
@click.option(
    "--bom", is_flag=True, help="Start each CSV file with a UTF-8 byte order mark (Excel)."
)
@handle_errors
def export(batch_dir: Path, fmt: str, output_dir: Path | None, bom: bool) -> None:
    """Turn a batch's outputs into tables: documents, pages and one per item type.

    The documents table has one row per input (failed ones too, from the manifest), keyed
    by sha256; the pages table is keyed by sha256 and page_index, and the cost_figures,
    examples, claims and citations tables (one row per item, with page index, page label
    and quote first) by sha256 and id. Exits 3 if some JSON file in BATCH_DIR is not an
    extraction output (the others are exported).

    \b
    Examples:
      extractor export out/ --format csv --bom -o tables/
      extractor export out/ --format sqlite -o review/ && datasette review/export.db
    """
    from extractor.export import export_tables
    from extractor.output import check_output_dir

    if bom and fmt != "csv":
        raise click.UsageError(f"--bom is for CSV files only, not --format {fmt}")
    check_output_dir(output_dir or batch_dir)
    report = export_tables(batch_dir, _export_format(fmt), output_dir, bom=bom)
    for path in report.written:
        note(f"Wrote {path}")
    click.echo(report.summary())
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
    if report.problems:
        raise CommandError(
            f"{batch_dir}: {plural(len(report.problems), 'file')} left out: not extraction outputs",
            EXIT_INVALID_OUTPUT,
        )


def _export_format(fmt: str) -> Literal["csv", "jsonl", "sqlite"]:
    from extractor.export import FORMATS

    return next(f for f in FORMATS if f == fmt)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@handle_errors
def validate(files: tuple[Path, ...]) -> None:
    """Check that JSON files validate against the extraction schema.

    Prints one line per file (with -q, only those that do not validate); exits 3 if any
    file is not valid.

    \b
    Example:
      extractor validate out/*.json
    """
    from extractor.schema import validation_error

    failures = 0
    for path in files:
        problem = _validation_problem(path, validation_error)
        if problem is None:
            if not quiet():
                click.echo(f"{path}: valid")
        else:
            failures += 1
            click.echo(f"{path}: invalid: {problem}")
    if failures:
        raise CommandError(
            f"{failures} of {plural(len(files), 'file')} "
            f"{'does' if failures == 1 else 'do'} not validate",
            EXIT_INVALID_OUTPUT,
        )


@cli.command()
@click.argument("json_file", metavar="OUT.json", type=click.Path(path_type=Path))
@click.argument("pdf", required=False, type=click.Path(path_type=Path))
@password_option
@handle_errors
def verify(json_file: Path, pdf: Path | None, password: str | None) -> None:
    """Check an extraction against its PDF: sha256, page labels and every quote.

    Re-reads the PDF (the path in the JSON's source.path unless PDF is given), re-creates
    each page's text as extraction did, and checks that every item's quote is the text at
    its char_span on its page. Prints each failure and a summary; exits 9 if any fails.

    \b
    Example:
      extractor verify report.json
      extractor verify report.json moved/report.pdf
    """
    from extractor.review import verify as run_verify

    report = run_verify(json_file, pdf, password)
    for failure in report.failures:
        click.echo(f"FAIL {failure}")
    if not report.ok:
        raise CommandError(f"{json_file}: {report.summary()}", EXIT_CHECK_FAILED)
    click.echo(f"{json_file}: {report.summary()}")


@cli.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.argument("phrase")
@click.option("--fuzzy", is_flag=True, help="Also find near matches, with a score (0-1).")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    help="Lowest score a near match may have with --fuzzy (default 0.8).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of the pages found.")
@password_option
@handle_errors
def find(
    pdf: Path,
    phrase: str,
    fuzzy: bool,
    threshold: float | None,
    as_json: bool,
    password: str | None,
) -> None:
    """List the pages of PDF where PHRASE occurs, with their printed labels.

    Case, punctuation, line breaks, hyphenation and ligatures do not matter. With --json,
    prints a list of {"index", "label", "score", "context"}.

    \b
    Example:
      extractor find report.pdf "call it personal media"
      extractor find report.pdf "face to face contact costs" --fuzzy --json
    """
    from extractor.find import FUZZY_THRESHOLD, find_phrase, load_pages

    hits = find_phrase(
        load_pages(pdf, password),
        phrase,
        fuzzy=fuzzy,
        threshold=FUZZY_THRESHOLD if threshold is None else threshold,
    )
    if as_json:
        rows = [
            {"index": h.index, "label": h.label, "score": h.score, "context": h.context}
            for h in hits
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    for hit in [] if as_json else hits:
        where = f"p. {hit.label}" if hit.label else "(no label)"
        score = f" score {hit.score:.2f}" if fuzzy else ""
        click.echo(f"page {hit.index}\t{where}{score}\t{hit.context}")
    if not hits:
        # As grep: 1 says "no match", and scripts can test it (`if extractor find ...`).
        note(f"{pdf}: not found: {phrase}")
        raise click.exceptions.Exit(EXIT_NOT_FOUND)


@cli.command("check-citations")
@click.argument("text_file", metavar="TEXT", type=click.Path(path_type=Path, allow_dash=True))
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of the verdicts.")
@password_option
@handle_errors
def check_citations(text_file: Path, pdf: Path, as_json: bool, password: str | None) -> None:
    """Check a text's page citations of PDF ("(p. 8)", "pages 12-13") against the paper.

    For each citation, the quoted phrase or the clause before it is looked for in the paper:
    ok (on the cited printed page), wrong_page (found on other pages, listed) or not_found.
    Exits 9 unless every citation is ok. TEXT may be '-' for standard input.

    \b
    Example:
      extractor check-citations review.txt report.pdf
      extractor check-citations - report.pdf --json < email.txt
    """
    from extractor.citecheck import CitationChecker
    from extractor.find import load_pages

    text = _read_text(text_file)
    checks = CitationChecker(load_pages(pdf, password)).check_text(text)
    if as_json:
        click.echo(json.dumps([c.to_dict() for c in checks], ensure_ascii=False, indent=2))
    else:
        for check in checks:
            found = f" (found on p. {', '.join(check.found_labels)})" if check.found_labels else ""
            click.echo(f"{check.status}\tp. {check.cited}\t{check.text}{found}")
    bad = [c for c in checks if c.status != "ok"]
    summary = (
        f"{plural(len(checks), 'citation')}: {len(checks) - len(bad)} ok, "
        f"{sum(c.status == 'wrong_page' for c in checks)} on another page, "
        f"{sum(c.status == 'not_found' for c in checks)} not found"
    )
    if bad:
        raise CommandError(f"{text_file}: {summary}", EXIT_CHECK_FAILED)
    note(f"{text_file}: {summary}")


def _read_text(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    from extractor.output import read_text

    return read_text(path)


@cli.command()
@click.argument("json_file", metavar="OUT.json", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Where to write: the HTML page (default ./<OUT>.review.html), or with --apply the "
    "reviewed JSON ('-' for standard output; default ./<OUT>.reviewed.json).",
)
@click.option(
    "--apply",
    "decisions",
    metavar="DECISIONS.json",
    type=click.Path(path_type=Path),
    help="Record the decisions downloaded from the review page instead of writing the page.",
)
@click.option("--pdf", type=click.Path(path_type=Path), help="The PDF to link to.")
@handle_errors
def review(json_file: Path, output: Path | None, decisions: Path | None, pdf: Path | None) -> None:
    """Write a review page for an extraction, or apply the decisions made on it.

    The page is one HTML file that works offline: the PDF's pages as pictures with every
    item's box on them beside the item list (click a box or an item; j/k move, a/r/u
    decide), each quote marked in its page text, search, filters, a chart of cost figures,
    and accept / reject / comment controls whose decisions download as JSON
    (schemas/review.schema.json).

    \b
    Example:
      extractor review report.json -o report.review.html
      extractor review --apply report.decisions.json report.json -o report.json
    """
    from extractor.output import check_output_file, write_text_atomic
    from extractor.review import apply_decisions, load_decisions, load_extraction, pdf_href

    to_stdout = output is not None and str(output) == "-"
    default = ".reviewed.json" if decisions is not None else ".review.html"
    target = output if output is not None else Path(json_file.stem + default)
    if not to_stdout:
        check_output_file(target)
    extraction = load_extraction(json_file)
    if decisions is not None:
        reviewed = apply_decisions(extraction, load_decisions(decisions), decisions)
        text = reviewed.to_json()
        if to_stdout:
            click.echo(text, nl=False)
            return
        write_text_atomic(target, text)
        statuses = [item.review.status for item in reviewed.items() if item.review is not None]
        note(
            f"Wrote {target} ({statuses.count('accepted')} accepted, "
            f"{statuses.count('rejected')} rejected, {statuses.count('pending')} pending)"
        )
        return
    from extractor.review import page_images
    from extractor.review_html import render_review

    images = page_images(extraction, json_file, pdf)
    if to_stdout:
        assert output is not None
        href = pdf_href(extraction, json_file, output, pdf)
        click.echo(render_review(extraction, href, images), nl=False)
        return
    href = pdf_href(extraction, json_file, target, pdf)
    write_text_atomic(target, render_review(extraction, href, images))
    note(f"Wrote {target} ({plural(sum(1 for _ in extraction.items()), 'item')})")


@cli.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option(
    "--page",
    "page_index",
    type=click.IntRange(min=1),
    required=True,
    help="The page to draw (1-based physical index).",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="Where to write the PNG."
)
@click.option(
    "--boxes",
    "json_file",
    metavar="OUT.json",
    type=click.Path(path_type=Path),
    help="An extraction of this PDF: outline its items' boxes on the page.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0.1, max=8),
    default=2.0,
    show_default=True,
    help="Pixels per PDF point (2 is 144 dpi).",
)
@click.option("--password", help="Password of an encrypted PDF.")
@handle_errors
def render(
    pdf: Path,
    page_index: int,
    output: Path,
    json_file: Path | None,
    scale: float,
    password: str | None,
) -> None:
    """Draw one page of a PDF as a PNG, with the boxes of an extraction's items on it.

    \b
    Example:
      extractor render report.pdf --page 3 -o page3.png
      extractor render report.pdf --page 3 -o page3.png --boxes report.json
    """
    from extractor.model import Box
    from extractor.output import check_output_file
    from extractor.render import render_png
    from extractor.review import load_extraction

    check_output_file(output)
    boxes: list[Box] = []
    if json_file is not None:
        extraction = load_extraction(json_file)
        for item in extraction.items():
            if item.page.index == page_index:
                boxes.extend(item.boxes)
    render_png(pdf, page_index, output, boxes, scale, password)
    click.echo(f"Wrote {output} (page {page_index}, {len(boxes)} boxes)", err=True)


@cli.command()
@click.option(
    "--gold",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of gold annotation files (NAME.json, format in GOLD.md).",
)
@click.option(
    "--pred",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder of extraction outputs (searched recursively).",
)
@click.option(
    "--json", "report_path", type=click.Path(path_type=Path), help="Also write the report here."
)
@click.option("--per-document", is_flag=True, help="Print one line of scores per document.")
@handle_errors
def evaluate(gold: Path, pred: Path, report_path: Path | None, per_document: bool) -> None:
    """Score extraction outputs against gold annotations (micro-averaged, as in GOLD.md).

    Pairs each gold file with the extraction of the same PDF (by sha256, else file name);
    a gold file without one counts as a failed document.

    \b
    Example:
      extractor evaluate --gold corpus/gold --pred out --json report.json
    """
    from extractor.evaluate import evaluate as run_evaluate
    from extractor.evaluate import format_table
    from extractor.output import check_output_file, write_text_atomic

    if report_path is not None:
        check_output_file(report_path)
    report = run_evaluate(gold, pred)
    for line in report.notes:
        note(f"Note: {line}")
    click.echo(format_table(report, per_document=per_document), nl=False)
    if report_path is not None:
        write_text_atomic(report_path, report.to_json())
        note(f"Wrote {report_path}")


def _validation_problem(path: Path, check: Callable[[Any], str | None]) -> str | None:
    from extractor.output import read_json

    try:
        data = read_json(path, invalid=SchemaValidationError)
    except ExtractorError as e:
        return e.problem
    return check(data)


def main() -> None:
    """Entry point for `python -m extractor` and the console script."""
    try:
        cli(prog_name="extractor")
    finally:
        # Output still buffered when the command returns is flushed here, not at exit, where
        # a reader gone away (`| head -1`) would print "Exception ignored ... BrokenPipeError".
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            raise SystemExit(EXIT_BROKEN_PIPE) from None
