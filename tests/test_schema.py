"""The published schema: well-formed, strict, described, and in step with the dataclasses."""

from __future__ import annotations

import copy
import dataclasses
import json
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


def test_item_fields_left_out_when_none_are_the_schemas_optional_fields() -> None:
    defs = load_schema()["$defs"]
    items = {
        "cost_figure": model.CostFigure,
        "example": model.Example,
        "claim": model.Claim,
        "citation": model.Citation,
    }
    for name, cls in items.items():
        omitted = {f.name for f in dataclasses.fields(cls) if f.metadata.get("omit_none")}
        assert omitted == set(defs[name]["properties"]) - set(defs[name]["required"]), name


def test_claims_of_every_1x_version_read_alike() -> None:
    from extractor.schema import validation_error
    from tests.golden import expected_path, sample_pdfs

    current = json.loads(expected_path(sample_pdfs()[0]).read_text(encoding="utf-8"))
    assert current["schema_version"] == model.SCHEMA_VERSION == "1.2.0"
    # a quote over lines has no text: the quote with its white space collapsed says it
    assert any("\n" in c["quote"] and "text" not in c for c in current["claims"])
    older = copy.deepcopy(current)
    older["schema_version"] = "1.1.0"
    for c in older["claims"]:
        c["text"] = " ".join(c["quote"].split()) if "text" not in c else c["text"]
    for data in (current, older):
        assert validation_error(data) is None
    new, old = model.Extraction.from_dict(current), model.Extraction.from_dict(older)
    assert new.claims[0].text is None and old.claims[0].text == old.claims[0].full_text
    assert [c.full_text for c in new.claims] == [c.full_text for c in old.claims]
    assert [model.claim_text(c.quote, c.text) for c in old.claims] == [c.text for c in new.claims]
    assert model.Extraction.from_dict(new.to_dict()) == new  # a round trip keeps it absent


def test_claims_carry_text_only_where_it_differs_from_their_quote(
    corpus_extractions: dict[str, Any],
) -> None:
    """In the golden samples and in the corpus's extractions (as their JSON), a claim
    carries `text` only where it is completed over a page break."""
    from tests.golden import expected_path, sample_pdfs

    outputs = [json.loads(expected_path(pdf).read_text(encoding="utf-8")) for pdf in sample_pdfs()]
    outputs += [
        result.to_dict()
        for result in corpus_extractions.values()
        if not isinstance(result, Exception)
    ]
    kept = 0
    for output in outputs:
        for claim in output["claims"]:
            if "text" in claim:
                kept += 1
                collapsed = " ".join(claim["quote"].split())
                assert claim["text"] != collapsed
                # completed over a page break: the quote's words, then the rest
                assert claim["text"].startswith(collapsed), claim["id"]
    assert kept > 0
