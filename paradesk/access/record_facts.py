"""A stored row as a person reads it: every field but its internal keys, each with its label, in
the reader's language and the school's time zone. Shared by the parts of the complete record."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

# Internal keys and links every row carries; the readable record says the same thing by where a row
# sits (its plan, its student). `carried_from` links a copy to the version it was amended from.
EMPTY = "—"
INTERNAL_FIELDS = frozenset({"id", "district", "plan", "student", "carried_from", "lineage", "order"})


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: str


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    facts: list[Fact]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item]


def readable(value: object, tz: datetime.tzinfo) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value, tz), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize() if value == value.to_integral() else value)
    if isinstance(value, list):
        return "; ".join(readable(part, tz) if isinstance(part, list | dict) else str(part) for part in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {readable(part, tz)}" for key, part in value.items())
    return str(value)


def field_value(
    obj: models.Model, model_field: models.Field, tz: datetime.tzinfo, labels: Mapping[object, str]
) -> str:
    """One field of a row, readable: choices by their label, links by what they point to."""
    if model_field.is_relation:
        related_id = getattr(obj, model_field.attname)
        if related_id is None:
            return EMPTY
        if related_id in labels:
            return labels[related_id]
        # Only links the caller loaded with select_related reach here, so this costs no query.
        return str(getattr(obj, model_field.name))
    value = getattr(obj, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{model_field.name}_display")())
    return readable(value, tz)


def facts_of(
    obj: models.Model,
    tz: datetime.tzinfo,
    labels: Mapping[object, str] | None = None,
    skip: Iterable[str] = INTERNAL_FIELDS,
    keep_empty: bool = True,
) -> list[Fact]:
    """Every field of a row but its internal keys, each with its label; `keep_empty=False` leaves
    out fields with nothing in them (a measure has many parameters, most for other methods)."""
    skipped = frozenset(skip)
    facts = [
        Fact(f.name, str(capfirst(f.verbose_name)), field_value(obj, f, tz, labels or {}))
        for f in obj._meta.concrete_fields
        if f.name not in skipped
    ]
    return facts if keep_empty else [fact for fact in facts if fact.value != EMPTY]
