"""extractor: turn policy discussion papers in PDF into page-cited, schema-validated JSON.

    >>> import extractor
    >>> result = extractor.extract("report.pdf")          # doctest: +SKIP
    >>> result.cost_figures[0].page.label                  # doctest: +SKIP
    '10'

`extract` reads one PDF; `Pipelines` holds the spaCy pipelines (one per language, each
loaded the first time a page needs it) so that many files can share them
(`extract(path, nlp=pipelines)`); `build_pipeline` loads the English one alone. Every
result validates against `schemas/extraction.schema.json` before it is returned.
"""

import importlib
from typing import TYPE_CHECKING, Any

from extractor._version import __version__
from extractor.errors import (
    EncryptedPdfError,
    ExtractorError,
    InputFileError,
    ModelNotFoundError,
    NoTextLayerError,
    PdfFormatError,
    SchemaValidationError,
)
from extractor.model import (
    Citation,
    Claim,
    CostFigure,
    Example,
    Extraction,
    Page,
    PageRef,
)

if TYPE_CHECKING:
    from extractor.extract import extract
    from extractor.nlp.pipeline import Pipelines, build_pipeline

# spaCy takes a second or more to import; commands that do not parse text (schema,
# validate, evaluate) should not pay for it, so these load on first use.
_LAZY = {
    "extract": "extractor.extract",
    "build_pipeline": "extractor.nlp.pipeline",
    "Pipelines": "extractor.nlp.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        # Importing extractor.extract binds the *module* to `extractor.extract`; bind the
        # function instead, or the second `extractor.extract(...)` would call a module.
        globals()[name] = value
        return value
    raise AttributeError(f"module 'extractor' has no attribute {name!r}")


__all__ = [
    "Citation",
    "Claim",
    "CostFigure",
    "EncryptedPdfError",
    "Example",
    "Extraction",
    "ExtractorError",
    "InputFileError",
    "ModelNotFoundError",
    "NoTextLayerError",
    "Page",
    "PageRef",
    "PdfFormatError",
    "Pipelines",
    "SchemaValidationError",
    "__version__",
    "build_pipeline",
    "extract",
]
