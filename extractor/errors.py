"""Exceptions raised by the library; the CLI turns each into one `Error:` line and an exit code.

Every error that concerns an input file carries the file's path, so that the one-line message
names the file and the problem: ``report.pdf: encrypted; a password is needed``. An error
that a parameter of the call could cure names that parameter (``parameter``), in the library's
words (``the password parameter``); the CLI names its own option for it instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Exit codes, documented in the README. The CLI maps each error class to one of these.
EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_INVALID_OUTPUT = 3
EXIT_BAD_INPUT = 4
EXIT_CORRUPT_PDF = 5
EXIT_ENCRYPTED = 6
EXIT_NO_TEXT = 7
EXIT_NO_MODEL = 8
EXIT_CHECK_FAILED = 9  # verify / check-citations: some quote, page or citation does not hold
EXIT_BATCH_FAILURES = 10  # a batch ran to the end, but some files failed or timed out
EXIT_CLUSTER = 11  # batch: Dask is not installed, or its scheduler cannot be reached
EXIT_WRITE_FAILED = 12  # an output could not be written: the disk filled up, or turned read-only
EXIT_WORKER_DIED = 13  # extract --jobs: a worker process died (out of memory, a crash)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)
EXIT_BROKEN_PIPE = 141  # the reader of standard output went away (128 + SIGPIPE, as for grep)


class ExtractorError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = EXIT_INTERNAL

    def __init__(
        self, problem: str, path: str | Path | None = None, parameter: str | None = None
    ) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        self.parameter = parameter
        super().__init__(self.describe(f"the {parameter} parameter" if parameter else None))

    def describe(self, remedy: str | None) -> str:
        """The one-line message, with `remedy` (how to pass what is missing) if given."""
        problem = f"{self.problem} (pass {remedy})" if remedy else self.problem
        return f"{self.path}: {problem}" if self.path else problem

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (a Dask worker's, say) with their path intact.
        return type(self), (self.problem, self.path, self.parameter)


class InputFileError(ExtractorError):
    """The input is missing, a directory, unreadable or empty."""

    exit_code = EXIT_BAD_INPUT


class OutputLocationError(ExtractorError):
    """The output cannot go where it was asked to: its folder cannot be made or written to
    (read-only, no permission), or a directory stands where a file is wanted."""

    exit_code = EXIT_BAD_INPUT


class OutputWriteError(ExtractorError):
    """Writing an output failed part-way: no space left on the device (or quota), or the
    file system turned read-only. The temporary file is removed; nothing half-written stays."""

    exit_code = EXIT_WRITE_FAILED

    def __init__(self, reason: str, path: str | Path | None = None) -> None:
        self.reason = reason
        super().__init__(f"cannot be written: {reason}", path)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.reason, self.path)


class PdfFormatError(ExtractorError):
    """The file is not a PDF, or is too damaged (truncated, corrupt) to be read."""

    exit_code = EXIT_CORRUPT_PDF


class EncryptedPdfError(ExtractorError):
    """The PDF is encrypted and no password, or a wrong one, was given."""

    exit_code = EXIT_ENCRYPTED


class NoTextLayerError(ExtractorError):
    """No page of the PDF has a text layer (a scan or an image-only file)."""

    exit_code = EXIT_NO_TEXT


class SchemaValidationError(ExtractorError):
    """A JSON document does not validate against its schema."""

    exit_code = EXIT_INVALID_OUTPUT


class ModelNotFoundError(ExtractorError):
    """No usable spaCy pipeline is installed."""

    exit_code = EXIT_NO_MODEL


class BatchBusyError(ExtractorError):
    """Another batch run is writing to the same output folder."""

    exit_code = EXIT_BAD_INPUT


class MemoryLimitError(ExtractorError):
    """--max-memory is below what a batch worker needs to load the spaCy pipeline."""

    exit_code = EXIT_USAGE


class PageNumberError(ExtractorError):
    """A page asked for by number is not in the PDF (a usage error: the file is fine)."""

    exit_code = EXIT_USAGE


class WorkerStartError(ExtractorError):
    """A batch worker process could not start (it died, or could not load the pipeline)."""


class WorkerDiedError(ExtractorError):
    """A worker process of `extract --jobs` died before it had done its pages."""

    exit_code = EXIT_WORKER_DIED


class ClusterError(ExtractorError):
    """Dask is not installed, or the Dask scheduler named cannot be reached."""

    exit_code = EXIT_CLUSTER
