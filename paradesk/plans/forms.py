"""Forms for plans and everything written in them; each form only offers choices from its own plan."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from paradesk.plans import units
from paradesk.plans.models import (
    DEFAULT_PROMPT_HIERARCHY,
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    Method,
    ParaDirection,
    Plan,
    ReportingPeriod,
    Service,
    Snapshot,
    TargetBehavior,
    Unit,
)

PROMPTED_METHODS = frozenset({Method.TRIALS, Method.TASK_ANALYSIS})
# What a plan holds is read on a phone and printed for families: a field longer than a page, or a
# "word" longer than a line, is a paste gone wrong, refused beside the field.
TEXT_LIMIT = 3000
LONGEST_WORD = 60
LINE_LIMIT = 200
MAX_LINES = 100
# Plans run within a student's school years; a year like 0001 or 9999 is a slip of the keyboard.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)
# The longest observation a session can be: a school day.
LONGEST_SESSION_SECONDS = units.SCHOOL_DAY_SECONDS
MAX_TRIALS = 500
LINK = re.compile(r"^(https?://|www\.)", re.IGNORECASE)


def no_overlong_words(value: str) -> None:
    """Refuse a run of characters with no space longer than a line (links are allowed)."""
    for word in str(value).split():
        if len(word) > LONGEST_WORD and not LINK.match(word):
            raise ValidationError(
                _("“%(start)s…” is %(length)s characters without a space; break it up."),
                params={"start": word[:20], "length": len(word)},
                code="long_word",
            )


def within_years(value: datetime.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            params={"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
            code="date_out_of_range",
        )


def plan_formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Native date pickers and roomy text areas, the same on every plan form, with the limits
    above on what a person can type."""
    if isinstance(field, models.DateField):
        kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        kwargs["validators"] = [within_years]
    elif isinstance(field, models.TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 3})
        kwargs["max_length"] = TEXT_LIMIT
        kwargs["validators"] = [no_overlong_words]
    elif isinstance(field, models.CharField) and not field.choices:
        kwargs["validators"] = [no_overlong_words]
    return field.formfield(**kwargs)


class PlanFormMeta:
    formfield_callback = plan_formfield


def check_dates(form: forms.BaseForm, cleaned: dict[str, Any]) -> None:
    """The end date is never before the start date (said beside the end date)."""
    start, end = cleaned.get("start_date"), cleaned.get("end_date")
    if start and end and end < start:
        form.add_error("end_date", _("The end date must be on or after the start date."))


class SnapshotForm(forms.ModelForm):
    class Meta(PlanFormMeta):
        model = Snapshot
        fields = [
            "medical_alerts",
            "strengths",
            "interests",
            "triggers",
            "calming_strategies",
            "communication_system",
            "things_to_avoid",
        ]


class PlanForm(forms.ModelForm):
    class Meta(PlanFormMeta):
        model = Plan
        fields = ["kind", "start_date", "end_date", "review_date", "crisis_steps"]
        help_texts = {"crisis_steps": _("For a behavior intervention plan: what staff do, step by step.")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_dates(self, cleaned)
        return cleaned


class PlanEditForm(PlanForm):
    class Meta(PlanForm.Meta):
        fields = ["start_date", "end_date", "review_date", "crisis_steps"]


class AmendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example: the team met and agreed to add a goal."),
    )


class PlanItemForm(forms.ModelForm):
    """Something written in one plan; choices that point at other rows come from that plan only."""

    fieldsets: list[tuple[str | Promise, list[str]]] = []

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        self.instance.district_id = plan.district_id
        self.limit_choices(plan)

    def limit_choices(self, plan: Plan) -> None:
        """Plan-scoped querysets; an id from another plan is then "not a valid choice"."""

    def limit(self, name: str, queryset: models.QuerySet[Any]) -> None:
        cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset

    def grouped_fields(self) -> list[tuple[str | Promise, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, Goal)
        return f"{obj.area}: {Truncator(obj.text).chars(80)}"


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: models.Model) -> str:
        return str(getattr(obj, "name", obj))


class LinesField(forms.CharField):
    """A list edited as one entry per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 5})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(str(line) for line in value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):
            return [str(line) for line in value]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        """Each line is checked as text: the list as a whole would hide a NUL or an endless line."""
        super().validate(value)
        if len(value) > MAX_LINES:
            raise ValidationError(_("At most %(limit)s lines."), params={"limit": MAX_LINES})
        for number, line in enumerate(value, start=1):
            if "\x00" in line:
                raise ValidationError(
                    _("Line %(number)s holds a character that cannot be stored."), params={"number": number}
                )
            if len(line) > LINE_LIMIT:
                raise ValidationError(
                    _("Line %(number)s is longer than %(limit)s characters."),
                    params={"number": number, "limit": LINE_LIMIT},
                )
            no_overlong_words(line)


class RatingLabelsField(forms.CharField):
    """Rating labels as "value = label", one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            return "\n".join(f"{key} = {label}" for key, label in value.items())
        return value

    def to_python(self, value: Any) -> dict[str, str]:  # type: ignore[override]
        if isinstance(value, dict):
            return value
        labels: dict[str, str] = {}
        text = super().to_python(value) or ""
        if "\x00" in text:
            raise forms.ValidationError(_("The labels hold a character that cannot be stored."))
        for line in text.splitlines():
            if not line.strip():
                continue
            key, sep, label = line.partition("=")
            key, label = key.strip(), label.strip()
            if not sep or not label or not key.lstrip("-").isdigit():
                raise forms.ValidationError(
                    _("Write each label as a whole number, an equals sign and the label, e.g. 1 = Not yet.")
                )
            labels[str(int(key))] = label
        return labels


class MeasureForm(PlanItemForm):
    task_steps = LinesField(label=_("Task-analysis steps"), help_text=_("One step per line, in order."))
    prompt_hierarchy = LinesField(
        label=_("Prompt hierarchy"),
        help_text=_(
            "One prompt level per line, least to most intrusive. Left empty for trials or a task "
            "analysis, the usual order is used: %(levels)s."
        )
        % {"levels": ", ".join(DEFAULT_PROMPT_HIERARCHY)},
    )
    rating_labels = RatingLabelsField(
        label=_("Rating labels (optional)"), help_text=_("One per line, e.g. 1 = Not yet, 4 = Independently.")
    )

    fieldsets = [
        (_("What is measured"), ["goal", "target_behavior", "name", "method", "direction", "unit", "status"]),
        (_("Discrete trials"), ["trials_per_session"]),
        (_("Interval recording"), ["interval_seconds", "interval_count"]),
        (_("Task analysis"), ["task_steps", "chaining", "probe_type"]),
        (_("Prompting (trials and task analysis)"), ["prompt_hierarchy", "goal_support_level"]),
        (_("Rating scale"), ["rating_min", "rating_max", "rating_labels", "observation_window"]),
        (_("Progress monitoring"), ["baseline_value", "target_value", "target_date"]),
        (
            _("Mastery rule"),
            [
                "mastery_threshold",
                "mastery_consecutive_sessions",
                "mastery_min_trials",
                "mastery_min_staff",
                "mastery_min_settings",
                "mastery_max_prompt_level",
            ],
        ),
        (_("Data schedule"), ["schedule_kind", "sessions_per_week"]),
    ]

    class Meta(PlanFormMeta):
        model = Measure
        fields = [
            "goal",
            "target_behavior",
            "name",
            "method",
            "direction",
            "unit",
            "status",
            "trials_per_session",
            "interval_seconds",
            "interval_count",
            "task_steps",
            "chaining",
            "probe_type",
            "prompt_hierarchy",
            "goal_support_level",
            "rating_min",
            "rating_max",
            "rating_labels",
            "observation_window",
            "baseline_value",
            "target_value",
            "target_date",
            "mastery_threshold",
            "mastery_consecutive_sessions",
            "mastery_min_trials",
            "mastery_min_staff",
            "mastery_min_settings",
            "mastery_max_prompt_level",
            "schedule_kind",
            "sessions_per_week",
        ]
        field_classes = {"goal": GoalChoiceField, "target_behavior": NamedChoiceField}
        help_texts = {
            "goal": _("Choose the goal, or the target behavior below."),
            "goal_support_level": _("The prompt level the goal expects, e.g. independent."),
            "mastery_max_prompt_level": _(
                "Sessions count toward mastery only at or below this prompt level."
            ),
        }

    def limit_choices(self, plan: Plan) -> None:
        self.limit("goal", plan.goals.all())
        self.limit("target_behavior", plan.target_behaviors.all())

    def clean_prompt_hierarchy(self) -> list[str]:
        levels: list[str] = self.cleaned_data["prompt_hierarchy"]
        if len(set(levels)) != len(levels):
            raise forms.ValidationError(_("Each prompt level appears once."))
        return levels

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("method") in PROMPTED_METHODS and not cleaned.get("prompt_hierarchy"):
            cleaned["prompt_hierarchy"] = list(DEFAULT_PROMPT_HIERARCHY)
        labels = cleaned.get("rating_labels") or {}
        low, high = cleaned.get("rating_min"), cleaned.get("rating_max")
        if (
            labels
            and low is not None
            and high is not None
            and any(not low <= int(key) <= high for key in labels)
        ):
            self.add_error("rating_labels", _("Label only values between the minimum and the maximum."))
        self.check_session_length(cleaned)
        self.check_values(cleaned)
        return cleaned

    def check_session_length(self, cleaned: dict[str, Any]) -> None:
        seconds, count = cleaned.get("interval_seconds"), cleaned.get("interval_count")
        if seconds and count and seconds * count > LONGEST_SESSION_SECONDS:
            self.add_error(
                "interval_count",
                _(
                    "%(count)s intervals of %(seconds)s seconds last longer than a school day "
                    "(%(hours)s hours)."
                )
                % {"count": count, "seconds": seconds, "hours": LONGEST_SESSION_SECONDS // 3600},
            )
        trials = cleaned.get("trials_per_session")
        if trials and trials > MAX_TRIALS:
            self.add_error(
                "trials_per_session", _("At most %(limit)s trials in a session.") % {"limit": MAX_TRIALS}
            )

    def check_values(self, cleaned: dict[str, Any]) -> None:
        """The plan's baseline and target fit the unit the value is read in (a percent is 0-100, a
        rating lies on its scale)."""
        method = cleaned.get("method") or ""
        unit = units.unit_of(method, cleaned.get("unit") or "")
        low, high = cleaned.get("rating_min"), cleaned.get("rating_max")
        for name in ("baseline_value", "target_value"):
            value: Decimal | None = cleaned.get(name)
            if value is None or unit is None:
                continue
            if not units.plausible(float(value), unit):
                limit = f"{units.LIMITS[unit]:g}"
                self.add_error(
                    name,
                    _("%(value)s is outside what a value in %(unit)s can be (0 to %(limit)s).")
                    % {"value": value, "unit": str(Unit(unit).label).lower(), "limit": limit},
                )
            elif (
                unit == units.Unit.RATING
                and low is not None
                and high is not None
                and not low <= value <= high
            ):
                self.add_error(
                    name,
                    _("Give a value on the rating scale (%(low)s to %(high)s).") % {"low": low, "high": high},
                )


class GoalForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = Goal
        fields = ["area", "text", "present_level", "discipline", "order"]
        help_texts = {
            "order": _("Goals are listed by this number, then by area."),
            "discipline": _(
                "The related-service provider who carries this goal out; leave empty for the teacher."
            ),
        }


class AccommodationForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = Accommodation
        fields = ["wording", "category", "applies_to", "for_assessments", "log_delivery"]


class ServiceForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = Service
        fields = [
            "kind",
            "name",
            "provider_role",
            "discipline",
            "minutes",
            "frequency",
            "period",
            "setting",
            "start_date",
            "end_date",
        ]

    def limit_choices(self, plan: Plan) -> None:
        if self.instance._state.adding and not self.is_bound:
            self.initial.setdefault("start_date", plan.start_date)
            self.initial.setdefault("end_date", plan.end_date)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_dates(self, cleaned)
        return cleaned


class TargetBehaviorForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = TargetBehavior
        fields = ["name", "operational_definition", "non_examples", "hypothesized_function"]
        help_texts = {
            "operational_definition": _("Observable and measurable, so two observers would score it alike.")
        }


class StrategyForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = BehaviorStrategy
        fields = ["kind", "text", "order"]


class AbcOptionForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = AbcOption
        fields = ["category", "label"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        taken = AbcOption.objects.filter(
            plan=self.plan, category=cleaned.get("category"), label=cleaned.get("label")
        ).exclude(pk=self.instance.pk)
        if taken.exists():
            self.add_error("label", _("This plan already has this option."))
        return cleaned


class ReportingPeriodForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = ReportingPeriod
        fields = ["name", "start_date", "end_date"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_dates(self, cleaned)
        return cleaned


class MeasureChoiceField(NamedChoiceField):
    pass


class DirectionForm(PlanItemForm):
    class Meta(PlanFormMeta):
        model = ParaDirection
        fields = [
            "goal",
            "measure",
            "setup",
            "materials",
            "what_to_say",
            "prompting",
            "error_correction",
            "why",
        ]
        field_classes = {"goal": GoalChoiceField, "measure": MeasureChoiceField}
        help_texts = {"goal": _("Choose the goal, the measure, or both.")}

    def limit_choices(self, plan: Plan) -> None:
        self.limit("goal", plan.goals.all())
        self.limit("measure", plan.measures.all())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        goal, measure = cleaned.get("goal"), cleaned.get("measure")
        if not goal and not measure and "goal" not in self.errors and "measure" not in self.errors:
            self.add_error("goal", _("Choose the goal or the measure these directions are for."))
        elif goal and measure and measure.goal_id not in (None, goal.pk):
            self.add_error("measure", _("This measure belongs to another goal."))
        return cleaned
