"""How a tool's schemas are written: pydantic's JSON schema, minus what only restates the code.

Every model-facing word is written where the tool or field is defined (a tool's docstring, a field's
`description`); this generator adds none and removes none of them. It leaves out:
- titles (pydantic's restate each field's and class's name);
- class docstrings (they document the code; a field's `description` is what the model reads);
- `default: null` on arguments (an optional argument left out is null anyway).

It writes an optional value as `"type": [T, "null"]` instead of `anyOf` with null, and an optional
enumeration in a result as one `enum` ending in null. An optional enumeration argument keeps pydantic's
`anyOf` shape: it is the calling contract, and some clients offer only the first branch's choices.

Results are dumped without null fields (answers.lean), so an output field that is absent is null: each
keeps `default: null` to say so.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema


class ToolSchema(GenerateJsonSchema):
    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        json_schema = super().model_schema(schema)
        json_schema.pop("title", None)
        json_schema.pop("description", None)
        return json_schema

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if self.mode == "validation" and "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        kind = inner.get("type")
        if "enum" in inner and self.mode == "serialization":
            return {**{k: v for k, v in inner.items() if k != "type"}, "enum": [*inner["enum"], None]}
        if isinstance(kind, str) and "enum" not in inner and "const" not in inner:
            return {**inner, "type": [kind, "null"]}
        return super().nullable_schema(schema)


def result_schema(model: Any) -> dict[str, Any]:
    """The published output schema of a tool returning `model`."""
    return TypeAdapter(model).json_schema(by_alias=True, mode="serialization", schema_generator=ToolSchema)


def arguments_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The published input schema of a tool whose arguments are `model`. Unknown arguments are refused:
    they are mistakes (often a misspelt SessionId), and ignoring them would answer another question."""
    schema = model.model_json_schema(by_alias=True, mode="validation", schema_generator=ToolSchema)
    return {**schema, "additionalProperties": False}
