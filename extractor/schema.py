"""The JSON Schemas under schemas/ (shipped as package data) and their validators."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from extractor.errors import SchemaValidationError

EXTRACTION_SCHEMA = "extraction.schema.json"
MANIFEST_SCHEMA = "manifest.schema.json"
SCHEMA_SUFFIX = ".schema.json"


def schema_names() -> dict[str, str]:
    """The shipped schemas by short name: {"extraction": "extraction.schema.json", ...}."""
    folder = resources.files("extractor").joinpath("schemas")
    files = sorted(p.name for p in folder.iterdir() if p.name.endswith(SCHEMA_SUFFIX))
    return {name.removesuffix(SCHEMA_SUFFIX): name for name in files}


def schema_text(name: str = EXTRACTION_SCHEMA) -> str:
    """Return the text of a schema file, as shipped with the package."""
    return (
        resources.files("extractor").joinpath("schemas").joinpath(name).read_text(encoding="utf-8")
    )


@functools.cache
def load_schema(name: str = EXTRACTION_SCHEMA) -> dict[str, Any]:
    """Return a schema as a dict (cached)."""
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema


@functools.cache
def validator(name: str = EXTRACTION_SCHEMA) -> Draft202012Validator:
    """Return the one validator of a schema, created on first use."""
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validation_error(data: Any, name: str = EXTRACTION_SCHEMA) -> str | None:
    """Return a one-line description of the most relevant error in `data`, or None if valid."""
    error = best_match(validator(name).iter_errors(data))
    if error is None:
        return None
    return f"{error.json_path}: {error.message}"


def validate(data: Any, name: str = EXTRACTION_SCHEMA, path: str | None = None) -> None:
    """Raise SchemaValidationError naming the first problem unless `data` is valid."""
    problem = validation_error(data, name)
    if problem is not None:
        raise SchemaValidationError(f"does not validate against {name}: {problem}", path)
