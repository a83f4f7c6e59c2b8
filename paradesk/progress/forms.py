"""Forms for the teacher's progress decisions. They check what a person typed; the rules that
depend on the data and the plan (dates against the data, a plan in force, who may be observed) are
checked by paradesk.progress.actions, whose messages land beside the same fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from paradesk.people.models import Staff
from paradesk.plans.models import Measure
from paradesk.progress.actions import LABEL_LENGTH, STEP_LENGTH
from paradesk.progress.models import PhaseKind

NOTE_LENGTH = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def note_field(label: Any, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def date_field(label: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=DateInput(),
        error_messages={"required": _("Give a date."), "invalid": _("Give a date, like 2026-10-05.")},
    )


def value_field(label: Any) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        widget=forms.NumberInput(attrs={"step": "any"}),
        error_messages={"required": _("Give a value."), "invalid": _("Give a number.")},
    )


class ConfirmMasteryForm(forms.Form):
    confirmed_on = date_field(_("Confirmed on"), _("Maintenance probes start on this date."))
    without_rule = forms.BooleanField(
        label=_("Confirm without the rule being met"),
        help_text=_("Your professional judgement, when the data do not meet the measure's mastery rule."),
        required=False,
    )
    reason = note_field(_("Why"), _("Needed when you confirm without the rule being met."))


class PhaseChangeForm(forms.Form):
    starts_on = date_field(
        _("Starts on"), _("Not in the future. Sessions from this date on are in the new phase.")
    )
    kind = forms.ChoiceField(
        label=_("What changes"),
        choices=[
            (PhaseKind.INTERVENTION, _("Change of instruction (trend and decision rules restart)")),
            (PhaseKind.BASELINE, _("New baseline (baseline and aimline restart too)")),
        ],
        initial=PhaseKind.INTERVENTION,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what changes."), "invalid_choice": _("Choose what changes.")},
    )
    label = forms.CharField(
        label=_("Label on the graph"),
        help_text=_("Up to 60 characters, e.g. “Token board added”."),
        max_length=LABEL_LENGTH,
        error_messages={"required": _("Write a short label for the graph.")},
    )
    note = note_field(_("What changed and why"))


class AimlineForm(forms.Form):
    start_date = date_field(_("Start date"))
    start_value = value_field(_("Start value"))
    target_date = date_field(_("Target date"))
    target_value = value_field(_("Target value"))
    note = note_field(_("Why"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, target = cleaned.get("start_date"), cleaned.get("target_date")
        if start is not None and target is not None and target <= start:
            self.add_error("target_date", _("The target date must be after the start date."))
        return cleaned


class ObservationField(forms.UUIDField):
    """An observation id from a list; any id is accepted here so the action can say precisely why a
    pair is refused."""

    def __init__(self, label: Any, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__(
            label=label,
            widget=forms.Select(choices=[("", "—"), *choices]),
            error_messages={
                "required": _("Choose a record."),
                "invalid": _("Choose a record from the list."),
            },
        )


class PairForm(forms.Form):
    """The graphed (primary) record and the second observer's record of one session."""

    def __init__(self, data: Any = None, *, choices: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(data)
        self.fields["primary"] = ObservationField(_("Record kept on the graph (first observer)"), choices)
        self.fields["secondary"] = ObservationField(_("Second observer's record"), choices)


class FidelityForm(forms.Form):
    observed_staff = forms.ModelChoiceField(
        label=_("Who carried out the plan"),
        queryset=Staff.objects.none(),
        error_messages={
            "required": _("Choose who you observed."),
            "invalid_choice": _("Choose someone on the student's team."),
        },
    )
    observed_on = date_field(_("Observed on"))
    measure = forms.ModelChoiceField(
        label=_("Goal or behavior measured (optional)"),
        queryset=Measure.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a measure of this plan.")},
    )
    note = note_field(_("Note"), _("What went well, and what to practise."))

    def __init__(
        self,
        data: Any = None,
        *,
        staff: Sequence[Staff],
        measures: Any,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        observed = self.fields["observed_staff"]
        assert isinstance(observed, forms.ModelChoiceField)
        observed.queryset = Staff.objects.filter(pk__in=[member.pk for member in staff]).order_by("full_name")
        measure = self.fields["measure"]
        assert isinstance(measure, forms.ModelChoiceField)
        measure.queryset = measures


class StepForm(forms.Form):
    """One plan step and what the observer saw: done, not done, or not applicable this time."""

    step = forms.CharField(
        label=_("Step"), required=False, max_length=STEP_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.ChoiceField(
        label=_("Carried out?"),
        required=False,
        choices=[("yes", _("Yes")), ("no", _("No")), ("na", _("Not applicable"))],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose yes, no or not applicable.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        step, result = (cleaned.get("step") or "").strip(), cleaned.get("result")
        if step and not result:
            self.add_error("result", _("Mark this step yes, no or not applicable."))
        if result and not step:
            self.add_error("step", _("Write the step, or clear its answer."))
        return cleaned


class BaseStepFormSet(forms.BaseFormSet[StepForm]):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.steps():
            raise forms.ValidationError(_("List at least one step of the plan."))

    def steps(self) -> list[tuple[str, str]]:
        """(step, result) of each filled-in row, in order."""
        found = []
        for form in self.forms:
            step = (form.cleaned_data.get("step") or "").strip()
            if step:
                found.append((step, form.cleaned_data["result"]))
        return found


StepFormSet = forms.formset_factory(StepForm, formset=BaseStepFormSet, extra=0, max_num=100, absolute_max=100)
