"""Forms for bell schedules, the calendar, para blocks, qualifications and students' support needs.
Every choice comes from the schools the administrator manages (or the student's school)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from paradesk.access import scopes
from paradesk.people.models import ClassSection, School, Staff, Student, today
from paradesk.schedules.checks import check_block
from paradesk.schedules.models import (
    STUDENT_SUPPORT,
    BellPeriod,
    BellSchedule,
    ClosureReason,
    DayType,
    ParaBlock,
    Qualification,
    SupportType,
    period_overlap_message,
    time_range,
)
from paradesk.web.forms import ConstrainedModelForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def limit(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class BellScheduleCreateForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100, initial=_("Bell schedule"))

    def __init__(self, *args: Any, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self, "school", schools.filter(bell_schedule__isnull=True))


class BellScheduleForm(ConstrainedModelForm):
    class Meta:
        model = BellSchedule
        fields = ["name", "default_day_type", "first_day", "last_day"]
        widgets = {"first_day": DATE, "last_day": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self, "default_day_type", DayType.objects.filter(bell_schedule=self.instance))


class DayTypeForm(ConstrainedModelForm):
    class Meta:
        model = DayType
        fields = ["name", "kind", "order"]

    def __init__(self, *args: Any, bell_schedule: BellSchedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.bell_schedule = bell_schedule
        self.instance.district_id = bell_schedule.district_id


class BellPeriodForm(ConstrainedModelForm):
    class Meta:
        model = BellPeriod
        fields = ["name", "start", "end", "order"]
        widgets = {"start": TIME, "end": TIME}


class BasePeriodFormSet(forms.BaseInlineFormSet):
    """The periods of one day type: they never overlap, and a period a para block follows stays."""

    def clean(self) -> None:
        super().clean()
        kept: list[BellPeriod] = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk and form.instance.blocks.exists():
                    form.add_error(None, _("Para blocks follow this period: move them before removing it."))
                continue
            start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
            if start is None or end is None:
                continue
            if end <= start:
                form.add_error("end", _("A period ends after it starts."))
                continue
            candidate = BellPeriod(name=form.cleaned_data.get("name", ""), start=start, end=end)
            message = period_overlap_message(candidate, kept)
            if message:
                form.add_error("start", message)
            kept.append(candidate)

    def kept_and_removed(self) -> tuple[list[BellPeriod], list[BellPeriod]]:
        """Unsaved period rows to save, and saved ones to remove."""
        kept, removed = [], []
        for form in self.forms:
            if not form.has_changed() and not form.instance.pk:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk:
                    removed.append(form.instance)
                continue
            kept.append(form.save(commit=False))
        return kept, removed


PeriodFormSet = forms.inlineformset_factory(
    DayType,
    BellPeriod,
    form=BellPeriodForm,
    formset=BasePeriodFormSet,
    extra=3,
    can_delete=True,
)

CLOSED = "closed"


class CalendarDaysForm(forms.Form):
    """One date or a stretch of dates: closed (with why), or a school day of some day type."""

    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To (leave empty for one day)"), widget=DATE, required=False)
    what = forms.ChoiceField(label=_("What kind of day"))
    closure_reason = forms.ChoiceField(
        label=_("Why closed"), choices=[("", "---------"), *ClosureReason.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    include_weekends = forms.BooleanField(
        label=_("Include Saturdays and Sundays (a make-up day)"), required=False
    )

    def __init__(self, *args: Any, bell_schedule: BellSchedule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day_types = {str(d.pk): d for d in DayType.objects.filter(bell_schedule=bell_schedule)}
        choices = [(CLOSED, _("School closed")), *((key, d.name) for key, d in self.day_types.items())]
        cast(forms.ChoiceField, self.fields["what"]).choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end") or cleaned.get("start")
        cleaned["end"] = end
        if start and end and end < start:
            self.add_error("end", _("The last date must be on or after the first."))
        if start and end and (end - start).days > 366:
            self.add_error("end", _("Mark at most a year at a time."))
        if cleaned.get("what") == CLOSED and not cleaned.get("closure_reason"):
            self.add_error("closure_reason", _("Say why the school is closed."))
        return cleaned

    @property
    def day_type(self) -> DayType | None:
        return self.day_types.get(self.cleaned_data["what"])


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, BellPeriod)
        return f"{obj.name} ({time_range(obj.start, obj.end)}) · {obj.day_type.name}"


class StudentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, Student)
        return f"{obj.display_name} ({obj.grade})"


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, Staff)
        return obj.full_name


class ParaBlockForm(ConstrainedModelForm):
    """A block of one para's week at one of the administrator's schools."""

    period = PeriodChoiceField(
        label=_("Period"),
        queryset=BellPeriod.objects.none(),
        required=False,
        help_text=_("Follow a period of the bell schedule, or leave empty and give the times."),
    )
    students = StudentChoiceField(
        label=_("Students"),
        queryset=Student.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    teacher = StaffChoiceField(label=_("Directing teacher"), queryset=Staff.objects.none(), required=False)

    class Meta:
        model = ParaBlock
        fields = [
            "school",
            "weekday",
            "period",
            "start_time",
            "end_time",
            "support_type",
            "duty_kind",
            "students",
            "teacher",
            "section",
            "room",
            "starts_on",
            "ends_on",
        ]
        widgets = {"start_time": TIME, "end_time": TIME, "starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args: Any, para: Staff, schools: QuerySet[School], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.para = para
        self.warnings: list[str] = []
        school_ids = list(schools.values_list("id", flat=True))
        limit(self, "school", schools)
        if len(school_ids) == 1 and not self.instance.school_id:
            self.fields["school"].initial = school_ids[0]
        limit(
            self,
            "period",
            BellPeriod.objects.filter(day_type__bell_schedule__school_id__in=school_ids)
            .select_related("day_type")
            .order_by("day_type__order", "day_type__name", "order", "start"),
        )
        limit(self, "students", Student.objects.active().filter(school_id__in=school_ids))
        limit(self, "teacher", scopes.directing_staff(school_ids))
        limit(self, "section", ClassSection.objects.filter(school_id__in=school_ids, active=True))
        if self.instance.pk:
            self.fields["students"].initial = list(self.instance.students.values_list("id", flat=True))

    def _post_clean(self) -> None:
        """After the model's own checks have filled in the instance: the rules across blocks."""
        super()._post_clean()  # type: ignore[misc]
        if self.errors:
            return
        block = self.instance
        block.district_id = block.school.district_id
        check = check_block(block, list(self.cleaned_data.get("students") or []), today())
        for field_name, messages in check.errors.items():
            for message in messages:
                self.add_error(field_name if field_name in self.fields else None, message)
        self.warnings = check.warnings

    @property
    def chosen_students(self) -> list[Student]:
        return list(self.cleaned_data.get("students") or [])


class QualificationForm(ConstrainedModelForm):
    class Meta:
        model = Qualification
        fields = ["name", "description", "active"]

    def __init__(self, *args: Any, district_id: uuid.UUID, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.district_id = district_id

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        same = Qualification.objects.filter(district_id=self.instance.district_id, name__iexact=name)
        if same.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("The catalogue already has a qualification of that name."))
        return name


class GrantQualificationForm(forms.Form):
    qualification = forms.ModelChoiceField(label=_("Qualification"), queryset=Qualification.objects.none())
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE, required=False)

    def __init__(self, *args: Any, district_id: uuid.UUID, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self, "qualification", Qualification.objects.filter(district_id=district_id, active=True))

    def clean_expires_on(self) -> datetime.date | None:
        return self.cleaned_data.get("expires_on")


NOT_NEEDED = ""
EVERY_BLOCK = "any"
APPLIES_CHOICES = [
    (NOT_NEEDED, _("Not needed")),
    (EVERY_BLOCK, _("In every block")),
    *((value, label) for value, label in SupportType.choices if value in STUDENT_SUPPORT),
]


class SupportNeedsForm(forms.Form):
    """One choice per qualification of the catalogue: not needed, needed in every block, or only in
    blocks of one support type."""

    def __init__(
        self,
        *args: Any,
        qualifications: list[Qualification],
        current: dict[object, str | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.qualifications = qualifications
        for qualification in qualifications:
            self.fields[self.key(qualification)] = forms.ChoiceField(
                label=qualification.name,
                choices=APPLIES_CHOICES,
                required=False,
                initial=self.choice_of(current.get(qualification.pk)),
                help_text=qualification.description,
            )

    @staticmethod
    def choice_of(applies_to: str | None) -> str:
        """A stored need as a choice: None not needed, "" every block, else the support type."""
        if applies_to is None:
            return NOT_NEEDED
        return applies_to or EVERY_BLOCK

    @staticmethod
    def key(qualification: Qualification) -> str:
        return f"q_{qualification.pk.hex}"

    def needs(self) -> dict[Qualification, str | None]:
        chosen = {}
        for qualification in self.qualifications:
            value = self.cleaned_data.get(self.key(qualification), NOT_NEEDED)
            chosen[qualification] = None if value == NOT_NEEDED else ("" if value == EVERY_BLOCK else value)
        return chosen
