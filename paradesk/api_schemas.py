"""The schemas every area's API router is built from: the strict request body, the error bodies,
and request and response schemas made from a model's fields (paradesk/api.py's docstring says what
each answer means).

A schema made from model fields follows the model: a field's title is its verbose name, a text
field's length and an integer's range are the column's, a choice field takes its choices, and a
relation is sent and answered as the related row's id. A field left out of a create takes the
model's own default, as in a form; a field left out of a PATCH stays as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, Literal, Optional, cast

from django.db import models
from django.utils.text import capfirst
from ninja import Schema
from ninja.orm.fields import TYPES as NINJA_FIELD_TYPES
from pydantic import ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from paradesk.storable import Text


class Payload(Schema):
    """A request body; unknown keys are refused, so a misspelt field is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


# Schemas from model fields -------------------------------------------------------------------

INT_RANGE = {"PositiveIntegerField": (0, 2**31 - 1), "IntegerField": (-(2**31), 2**31 - 1)}
# JSON columns are typed by meaning (ninja would call every one of them an object).
JSON_PAYLOAD_TYPES: dict[str, Any] = {
    "task_steps": list[Text],
    "prompt_hierarchy": list[Text],
    "rating_labels": dict[Text, Text],
}
JSON_OUT_TYPES: dict[str, Any] = {
    "task_steps": list[Any],
    "prompt_hierarchy": list[Any],
    "rating_labels": dict[str, Any],
}


def drop_default(schema: dict[str, Any]) -> None:
    # A PATCH field left out stays as it is; it has no default to show.
    schema.pop("default", None)


def nullable(kind: Any, is_null: bool) -> Any:
    return Optional[kind] if is_null else kind  # noqa: UP045 - kind is a runtime value


def payload_type(fld: models.Field[Any, Any]) -> Any:
    if fld.is_relation:
        return uuid.UUID
    if fld.name in JSON_PAYLOAD_TYPES:
        return JSON_PAYLOAD_TYPES[fld.name]
    if fld.choices:
        values = [value for value, _label in fld.flatchoices] + ([""] if fld.blank else [])
        return cast(Any, Literal).__getitem__(tuple(values))
    kind = NINJA_FIELD_TYPES[fld.get_internal_type()]
    return Text if kind is str else kind


def constraints(fld: models.Field[Any, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"title": capfirst(str(fld.verbose_name))}
    if isinstance(fld, models.CharField) and fld.max_length and not fld.choices:
        found["max_length"] = fld.max_length
    if fld.get_internal_type() in INT_RANGE:
        found["ge"], found["le"] = INT_RANGE[fld.get_internal_type()]
    return found


def default_of(fld: models.Field[Any, Any]) -> dict[str, Any]:
    """The model's own default, so a field left out of a create means what it means in a form."""
    if fld.has_default():
        return {"default_factory": fld.default} if callable(fld.default) else {"default": fld.default}
    if fld.null:
        return {"default": None}
    if fld.blank:
        return {"default": ""}
    return {}


def payload_field(fld: models.Field[Any, Any], *, patch: bool) -> tuple[Any, FieldInfo]:
    kind = nullable(payload_type(fld), fld.null)
    if patch:
        return kind, Field(None, json_schema_extra=drop_default, **constraints(fld))
    return kind, Field(**default_of(fld), **constraints(fld))


def out_field(fld: models.Field[Any, Any]) -> tuple[Any, Any]:
    if fld.is_relation:
        kind: Any = uuid.UUID
    elif fld.name in JSON_OUT_TYPES:
        kind = JSON_OUT_TYPES[fld.name]
    else:
        kind = NINJA_FIELD_TYPES[fld.get_internal_type()]
    return nullable(kind, fld.null), ...


def build_schema(
    name: str, model: type[models.Model], fields: Iterable[models.Field[Any, Any]], mode: str
) -> type[Schema]:
    """A request ("in", "patch") or response ("out") schema from model fields; relations by id."""
    definitions: dict[str, Any] = {}
    for fld in fields:
        key = fld.attname if fld.is_relation else fld.name
        definitions[key] = out_field(fld) if mode == "out" else payload_field(fld, patch=mode == "patch")
    base = Schema if mode == "out" else Payload
    return cast(type[Schema], create_model(name, __base__=base, **definitions))


def model_fields(model: type[models.Model], names: Iterable[str]) -> list[models.Field[Any, Any]]:
    return [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]


def out_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """Everything stored, but the district (the caller's own)."""
    return [fld for fld in model._meta.concrete_fields if fld.name != "district"]


def schema_with(name: str, base: type[Schema], **definitions: Any) -> type[Schema]:
    """A response schema extended with more fields (nested schemas built from the table above)."""
    return cast(type[Schema], create_model(name, __base__=base, **definitions))


def many(schema: type[Schema]) -> Any:
    return list.__class_getitem__(schema)
