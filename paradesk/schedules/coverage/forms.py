"""Forms for absences, a block's cover, and building a school's week. Every choice comes from the
schools the administrator manages."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from paradesk.access import scopes
from paradesk.people.models import RoleKind, School, Staff, today
from paradesk.schedules.coverage.models import Absence
from paradesk.web.forms import ConstrainedModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def paras_at(schools: QuerySet[School]) -> QuerySet[Staff]:
    return scopes.school_paras(schools).order_by("full_name")


class AbsenceForm(ConstrainedModelForm):
    class Meta:
        model = Absence
        fields = ["school", "para", "date", "all_day", "start_time", "end_time", "reason", "note"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}
        help_texts = {"all_day": _("Untick and give the times when the para is away for part of the day.")}

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["school"]).queryset = schools
        cast(forms.ModelChoiceField, self.fields["para"]).queryset = paras_at(schools)
        self.fields["school"].label = _("School")
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk
        self.fields["date"].initial = today()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        school, para = data.get("school"), data.get("para")
        if school and para and not scopes.holds_role_at(para.pk, school.pk, RoleKind.PARA):
            self.add_error("para", _("This para has no current para role at that school."))
        if data.get("all_day"):
            data["start_time"] = data["end_time"] = None
        elif not data.get("start_time") or not data.get("end_time"):
            self.add_error("start_time", _("Give the times away, or mark the absence all day."))
        return data


class CoverForm(forms.Form):
    """Who covers one block: a para of the school, or nobody (uncovered, with a note)."""

    row = forms.UUIDField(widget=forms.HiddenInput)
    covering_para = forms.UUIDField(label=_("Covered by"), required=False)
    note = forms.CharField(label=_("Note (when left uncovered)"), max_length=300, required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", _("Nobody: leave uncovered")), *(choices or [])]
        self.fields["covering_para"].widget = forms.Select(choices=options)

    @property
    def chosen_para(self) -> uuid.UUID | None:
        return cast(uuid.UUID | None, self.cleaned_data.get("covering_para"))


class AbsenceFilterForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False)
    date = forms.DateField(label=_("Date"), widget=DATE, required=False)

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["school"]).queryset = schools


def next_monday(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=7 - day.weekday())


class BuildForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    week_of = forms.DateField(
        label=_("Week of"), widget=DATE, help_text=_("Any date of the week; the week starts on its Monday.")
    )

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["school"]).queryset = schools
        self.fields["week_of"].initial = next_monday(today())
        if len(schools) == 1:
            self.fields["school"].initial = schools[0].pk

    def clean_week_of(self) -> datetime.date:
        day = cast(datetime.date, self.cleaned_data["week_of"])
        return day - datetime.timedelta(days=day.weekday())
