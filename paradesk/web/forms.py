"""A base for the project's model forms: every constraint the database holds comes back as a message
beside a field of the form, never as an IntegrityError (a 500) at save.

Django checks a model's constraints from a ModelForm only over the fields the form shows: a unique
name per bell schedule, where the bell schedule is set by the view rather than typed, is not checked
and fails at the database. `ConstrainedModelForm` checks every constraint, leaving out only the
fields the person typed wrongly, and puts each refusal beside the field it names (the first of the
constraint's fields on the form; a constraint naming none of them is a message for the whole form).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Q


def constraint_fields(constraint: models.BaseConstraint) -> list[str]:
    """The model fields a constraint names, in order: a unique constraint's fields, or the fields a
    check constraint's condition refers to."""
    fields = list(getattr(constraint, "fields", ()) or ())
    condition = getattr(constraint, "condition", None) or getattr(constraint, "check", None)
    if isinstance(condition, Q):
        for child in condition.flatten():
            if isinstance(child, tuple):
                fields.append(child[0].split("__")[0])
                if isinstance(child[1], models.F):
                    fields.append(str(getattr(child[1], "name", "")).split("__")[0])
    return list(dict.fromkeys(fields))


class ConstrainedModelForm(forms.ModelForm):
    def typed_wrongly(self) -> set[str]:
        """The form's own fields that failed (left out: their value is not known)."""
        return {name for name in self.fields if name in self.errors}

    def validate_unique(self) -> None:
        try:
            self.instance.validate_unique(exclude=self.typed_wrongly() | self.not_set())
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]

    def validate_constraints(self) -> None:
        model = type(self.instance)
        exclude = self.typed_wrongly() | self.not_set()
        using = router.db_for_write(model, instance=self.instance)
        for constraint in model._meta.constraints:
            try:
                constraint.validate(model, self.instance, exclude=exclude, using=using)
            except ValidationError as error:
                self.add_error(self.field_of(constraint), error)

    def not_set(self) -> set[str]:
        """Model fields neither on the form nor given a value by the view (a relation left empty)."""
        empty = set()
        for field in self.instance._meta.concrete_fields:
            if field.name in self.fields:
                continue
            if getattr(self.instance, field.attname, None) is None:
                empty.add(field.name)
        return empty

    def field_of(self, constraint: models.BaseConstraint) -> str | None:
        named = constraint_fields(constraint)
        shown = [name for name in named if name in self.fields]
        # The field the person types (a name), rather than the one the page chose (the schedule).
        return shown[-1] if shown else None

    def add_error(self, field: str | None, error: Any) -> None:
        if field is not None and field not in self.fields:
            field = None
        super().add_error(field, error)
