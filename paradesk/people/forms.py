"""Forms for administrators: new staff, roles, team assignments, and the staff list filter."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from paradesk.access.helpers import AdminScope
from paradesk.people.models import (
    Assignment,
    Discipline,
    Role,
    RoleKind,
    School,
    Staff,
    Student,
    TeamRole,
    today,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def role_kind_choices(scope: AdminScope) -> list[tuple[str, str | Promise]]:
    """A school administrator gives roles at their schools; only a district administrator makes
    another district administrator."""
    return [
        (value, label)
        for value, label in RoleKind.choices
        if scope.whole_district or value != RoleKind.DISTRICT_ADMIN
    ]


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: School) -> str:
        return obj.name


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Student) -> str:
        return f"{obj.local_id} — {obj.display_name}"


class RoleForm(forms.Form):
    """A role: what the person does, where, and for related-service providers their discipline."""

    kind = forms.ChoiceField(label=_("Role"))
    school = SchoolChoiceField(
        label=_("School"),
        queryset=School.objects.none(),
        required=False,
        help_text=_("Leave empty only for a district administrator."),
    )
    discipline = forms.ChoiceField(
        label=_("Discipline"),
        choices=[("", "—"), *Discipline.choices],
        required=False,
        help_text=_("For related-service providers."),
    )

    def __init__(self, *args: Any, scope: AdminScope, staff: Staff | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        cast(forms.ChoiceField, self.fields["kind"]).choices = role_kind_choices(scope)
        self.fields["school"].queryset = scope.schools()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, school = data.get("kind"), data.get("school")
        if kind == RoleKind.DISTRICT_ADMIN and school is not None:
            self.add_error(
                "school", _("A district administrator works across the district: leave the school empty.")
            )
        if kind and kind != RoleKind.DISTRICT_ADMIN and school is None:
            self.add_error("school", _("Choose the school where this role is held."))
        if kind == RoleKind.PROVIDER and not data.get("discipline"):
            self.add_error("discipline", _("Choose the provider's discipline."))
        if kind and self.staff is not None and self._already_held(kind, school):
            self.add_error("kind", _("This person already has this role at this school."))
        return data

    def _already_held(self, kind: str, school: School | None) -> bool:
        return Role.objects.current().filter(staff=self.staff, kind=kind, school=school).exists()


class StaffCreateForm(RoleForm):
    """A new staff member and their first role."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"), max_length=254)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty and the person cannot sign in until an administrator sets a password."),
    )
    send_invitation = forms.BooleanField(
        label=_("Email them a link to choose their own password"),
        required=False,
        help_text=_("Safer than telling them a password. The link works for three days."),
    )

    field_order = ["full_name", "email", "password", "send_invitation", "kind", "school", "discipline"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Staff.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Someone already signs in with this email address."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        password = data.get("password")
        if password:
            someone = Staff(email=data.get("email", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(password, user=someone)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class AssignmentForm(forms.Form):
    """A staff member on a student's team, between two dates."""

    student = StudentChoiceField(label=_("Student"), queryset=Student.objects.none())
    team_role = forms.ChoiceField(label=_("Role on the team"), choices=TeamRole.choices)
    start_date = forms.DateField(label=_("Start date"), initial=today, widget=DateInput())
    end_date = forms.DateField(
        label=_("End date"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the assignment goes on."),
    )

    def __init__(self, *args: Any, scope: AdminScope, staff: Staff, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        self.fields["student"].queryset = scope.students().active().order_by("local_id")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        elif data.get("student") and data.get("team_role") and start:
            self._check_assignment(data)
        return data

    def _check_assignment(self, data: dict[str, Any]) -> None:
        """The model's own rules (the matching staff role, no duplicate), beside their fields."""
        assignment = Assignment(
            district_id=data["student"].district_id,
            staff=self.staff,
            student=data["student"],
            team_role=data["team_role"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
        )
        try:
            assignment.clean()
        except ValidationError as error:
            self.add_error(None, error)


class StaffFilterForm(forms.Form):
    """Narrow the staff list to a school and a role."""

    school = SchoolChoiceField(
        label=_("School"), queryset=School.objects.none(), required=False, empty_label=_("All schools")
    )
    kind = forms.ChoiceField(label=_("Role"), required=False)

    def __init__(self, *args: Any, scope: AdminScope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = scope.schools()  # type: ignore[attr-defined]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("All roles")), *RoleKind.choices]
