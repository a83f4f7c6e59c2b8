"""Django admin's reads and writes of student data are audited like any page's (docs/architecture.md#audit):
the superuser is one more person who can see a student's records.

Every ModelAdmin of a model holding student data uses AuditedAdmin (the audit completeness test
checks the admin registry, so a new one cannot be left out). A changelist is one list entry per
student on the page (one INSERT, after one query for the rows' student ids); a change form is one
view entry; a save or a delete is one entry naming the changed fields, never their values.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.http import HttpRequest, HttpResponse

from paradesk.access import audit
from paradesk.access.models import AuditAction
from paradesk.people.models import Staff, Student

# How far from a model the student may be (a plan item: plan, then student).
STUDENT_PATH_DEPTH = 2


def student_path(model: type[models.Model], depth: int = STUDENT_PATH_DEPTH) -> str | None:
    """The lookup from a row to its student's id ("id", "student_id", "plan__student_id"), or None
    when the model's rows are not about one student."""
    if model is Student:
        return "id"
    foreign_keys = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for field in foreign_keys:
        if field.related_model is Student:
            return field.attname
    if depth <= 1:
        return None
    for field in foreign_keys:
        related = cast(type[models.Model], field.related_model)
        found = student_path(related, depth - 1) if related is not model else None
        if found is not None:
            return f"{field.name}__{found}"
    return None


def holds_student_data(model: type[models.Model]) -> bool:
    return student_path(model) is not None


def students_of(model: type[models.Model], pks: Iterable[Any]) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    """(student id, district id) of each row, in one query."""
    path = student_path(model)
    assert path is not None, f"{model._meta.label} holds no student data"
    # The student's own district ("plan__student__district_id"), whatever the row's says.
    district = "district_id" if path == "id" else path.removesuffix("_id") + "__district_id"
    rows = model._default_manager.filter(pk__in=list(pks)).values_list(path, district)
    return [(student_id, district_id) for student_id, district_id in rows if student_id is not None]


def actor_of(request: HttpRequest) -> Staff:
    return cast(Staff, request.user)


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose reads and writes of student data leave audit entries."""

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", None) or {}
        if "cl" in changelist:
            shown = [row.pk for row in changelist["cl"].result_list]  # the page's rows, kept for rendering
            audit.record_seen_in_list(actor_of(request), students_of(self.model, shown))
        return response

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: models.Model | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            self.record(request, AuditAction.VIEW, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = AuditAction.UPDATE if change else AuditAction.CREATE
        self.record(request, action, obj, changed_fields=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.record(request, AuditAction.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.record(request, AuditAction.DELETE, obj)
        super().delete_queryset(request, queryset)

    def record(
        self, request: HttpRequest, action: AuditAction, obj: models.Model, changed_fields: Iterable[str] = ()
    ) -> None:
        for student_id, district_id in students_of(type(obj), [obj.pk]):
            audit.record(
                actor=actor_of(request),
                action=action,
                obj=obj,
                student_id=student_id,
                district_id=district_id,
                changed_fields=changed_fields,
            )
