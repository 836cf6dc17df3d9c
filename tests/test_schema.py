"""The published schema: well-formed, strict, described, and in step with the dataclasses."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from jsonschema import Draft202012Validator

from extractor import model
from extractor.schema import load_schema


def object_schemas(node: Any, path: str = "$") -> typing.Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from object_schemas(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from object_schemas(value, f"{path}[{i}]")


def test_schema_is_valid_draft_2020_12_with_an_id() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"]


def test_every_object_is_closed_and_every_field_described() -> None:
    objects = list(object_schemas(load_schema()))
    assert len(objects) > 15
    for path, node in objects:
        assert node.get("additionalProperties") is False, path
        assert node.get("description"), path
        for name, prop in node["properties"].items():
            assert prop.get("description"), f"{path}.{name}"


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    for option in node.get("oneOf", []):
        if option.get("type") != "null":
            return _resolve(schema, option)
    return node


def test_dataclasses_and_schema_have_the_same_fields() -> None:
    schema = load_schema()

    def check(cls: type, node: dict[str, Any], path: str) -> None:
        node = _resolve(schema, node)
        fields = {f.name for f in dataclasses.fields(cls)}
        assert fields == set(node["properties"]), path
        hints = typing.get_type_hints(cls)
        for name in fields:
            inner = _dataclass_in(hints[name])
            if inner is not None:
                child = node["properties"][name]
                child = _resolve(schema, child)
                if child.get("type") == "array":
                    child = child["items"]
                check(inner, child, f"{path}.{name}")

    check(model.Extraction, schema, "$")


def _dataclass_in(tp: Any) -> type | None:
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return tp
    for arg in typing.get_args(tp):
        found = _dataclass_in(arg)
        if found is not None:
            return found
    return None
