"""Which tables are student data, read from the models rather than listed by hand, so that a new
table is counted the day it is added (docs/architecture.md#the-district-as-distribution-key).

The rule, answered from Django's app registry (automatic many-to-many tables included): a table
holds student data when it is `people.Student` or points (by a foreign key, at any depth) to a table
that holds student data. Two tables hold it without such a key and are named by hand
(`WITHOUT_FOREIGN_KEY`). Every query on a student-data table must name the district; one without
a `district` column is a gap: `tables_missing_district()` names them, and a test keeps that list
empty.

Tables about staff and the organisation (districts, schools, staff, roles, class sections, bell
schedules, para blocks, absences, notifications, tokens) are not student data even when they carry
a district: on Citus they are reference tables or distributed by their district, and this check
leaves them alone (docs/architecture.md#which-tables-are-student-data).
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

from paradesk.people.models import Student

# Tables that name a student without a foreign key to one: an audit entry keeps the student's id as
# a plain value so that it outlives the student (FERPA 99.32), and a report batch keeps its plans'
# ids and the reports' PDF.
WITHOUT_FOREIGN_KEY = (("access", "AuditEntry"), ("progress", "ReportBatch"))


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
    """Student, the models that name a student without a key, and every model that reaches one of
    them through foreign keys (to a fixed point)."""
    holding: set[type[models.Model]] = {Student, *(apps.get_model(*name) for name in WITHOUT_FOREIGN_KEY)}
    candidates = all_models()
    while True:
        more = {m for m in candidates if m not in holding and pointed_to(m) & holding}
        if not more:
            return holding
        holding |= more


def student_data_tables() -> frozenset[str]:
    """The tables whose every query must carry the district (one that lacks the column is still
    watched). A district-owned table about staff or the organisation is not among them."""
    return frozenset(model._meta.db_table for model in student_data_models())


def tables_missing_district() -> list[str]:
    """Student-data tables without a `district` column (the house rule says there are none)."""
    return sorted(m._meta.db_table for m in student_data_models() if not has_district(m))
