"""pypdf's errors in a reader's words: what `extractor.pdf.plain_words` makes of the
messages pypdf raises on damaged files (collected from mutated corpus files)."""

from __future__ import annotations

import pytest
from pypdf.errors import LimitReachedError, PdfReadError, PdfStreamError

from extractor.pdf import PLAIN_DEFAULT, plain_words


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (
            OverflowError("cannot fit 'NumberObject' into an index-sized integer"),
            "a number too large to be real",
        ),
        (
            OverflowError("Python int too large to convert to C ssize_t"),
            "a number too large to be real",
        ),
        (PdfStreamError("Stream has ended unexpectedly"), "data that ends too early"),
        (PdfReadError("Invalid object in /Pages"), "a damaged page tree"),
        (PdfReadError("Detected cyclic page references."), "a loop in the file's structure"),
        (
            LimitReachedError("Detected loop with self reference for IndirectObject(71, 0, 1)."),
            "a loop in the file's structure",
        ),
        (
            LimitReachedError("Limit reached while decompressing. 4864 bytes remaining."),
            "content that would decompress past the PDF reader's safety limit",
        ),
        (
            LimitReachedError("Reached maximum array element count."),
            "more content than the PDF reader's safety limits allow",
        ),
        (NotImplementedError("Encryption V=0 NOT supported"), "a damaged encryption dictionary"),
        (ValueError("Invalid key size (0) for RC4."), "a damaged encryption dictionary"),
        (PdfReadError("Cannot find Root object in pdf"), "a missing or damaged catalogue (/Root)"),
        (PdfReadError("startxref not found"), "a damaged cross-reference table"),
        (PdfReadError("Could not read Boolean object"), PLAIN_DEFAULT),
        (PdfStreamError("Invalid hexadecimal character b'T' in hex string"), PLAIN_DEFAULT),
        (TypeError("'>=' not supported between 'DictionaryObject' and 'int'"), PLAIN_DEFAULT),
    ],
)
def test_pypdf_errors_in_a_readers_words(error: Exception, words: str) -> None:
    assert plain_words(error) == words
