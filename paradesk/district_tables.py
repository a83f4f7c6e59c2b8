"""Which tables are student data, read from the models rather than listed by hand, so that a new
table is counted the day it is added (docs/architecture.md#the-district-as-distribution-key).

Two rules, each answered from Django's app registry (automatic many-to-many tables included):

- every concrete model with a `district` field is district-owned, and its queries must name the
  district;
- a table holds student data when it is `people.Student` or points (by a foreign key, at any depth)
  to a table that holds student data. Such a table without a `district` column is a gap:
  `tables_missing_district()` names them, and a test keeps that list empty.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from paradesk.people.models import Student


def all_models() -> list[type[models.Model]]:
    """Every concrete, managed model, automatic many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def has_district(model: type[models.Model]) -> bool:
    return any(f.name == "district" for f in model._meta.concrete_fields)


def district_owned_models() -> list[type[models.Model]]:
    return [model for model in all_models() if has_district(model)]


def pointed_to(model: type[models.Model]) -> set[type[models.Model]]:
    """The models `model`'s own foreign keys (and one-to-ones) point to."""
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and isinstance(f.related_model, type) and f.related_model is not model
    }


def student_data_models() -> set[type[models.Model]]:
    """Student, and every model that reaches it through foreign keys (to a fixed point)."""
    holding: set[type[models.Model]] = {Student}
    candidates = all_models()
    while True:
        more = {m for m in candidates if m not in holding and pointed_to(m) & holding}
        if not more:
            return holding
        holding |= more


def student_data_tables() -> frozenset[str]:
    """The tables whose every query must carry the district: the district-owned ones and the
    student-data ones (a student-data table that lacks the column still has to be watched)."""
    owned = {model._meta.db_table for model in district_owned_models()}
    holding = {model._meta.db_table for model in student_data_models()}
    return frozenset(owned | holding)


def tables_missing_district() -> list[str]:
    """Student-data tables without a `district` column (the house rule says there are none)."""
    return sorted(m._meta.db_table for m in student_data_models() if not has_district(m))
