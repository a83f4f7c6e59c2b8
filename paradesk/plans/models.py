"""Plans (IEP, 504, behavior plan, care plan), their versions, and everything written in them.

A plan's content (goals, measures, accommodations, services, behavior-plan parts, directions,
reporting periods) belongs to one plan version. Amending makes a new version with copies that keep
a link (`carried_from`) to what they were copied from, so data recorded under a measure stays tied to
the version and measure it was recorded under (docs/architecture.md#versioned-plans).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from paradesk.people.models import Discipline, DistrictOwned, Staff, Student
from paradesk.plans import units


class PlanKind(models.TextChoices):
    IEP = "iep", _("IEP")
    SECTION_504 = "504", _("Section 504 plan")
    BEHAVIOR = "bip", _("Behavior intervention plan")
    CARE = "care", _("Health / personal-care plan")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class PlanQuerySet(models.QuerySet["Plan"]):
    def active(self) -> PlanQuerySet:
        return self.filter(status=PlanStatus.ACTIVE)


class Plan(DistrictOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(_("kind of plan"), max_length=8, choices=PlanKind.choices)
    # All versions of one plan share a lineage; version counts up from 1.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_version"
    )
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    review_date = models.DateField(_("annual review date"), null=True, blank=True)
    amendment_reason = models.TextField(_("reason for amendment"), blank=True)
    # Behavior-plan steps for a crisis (BIP), kept on the plan they belong to.
    crisis_steps = models.TextField(_("crisis steps"), blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the version was put in force and when it ended: data recorded offline under a version
    # arrives after it ended and is kept if it was recorded while the version was in force.
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["student", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="plan_version_once"),
            models.UniqueConstraint(
                fields=["lineage"], condition=Q(status="active"), name="plan_one_active_version"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="plan_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    @property
    def is_editable(self) -> bool:
        """Only a draft changes; an active or ended version is part of the legal record."""
        return self.status == PlanStatus.DRAFT

    def was_in_force_at(self, moment: datetime.datetime) -> bool:
        """Whether data recorded at this moment belongs to this version: it is in force now, or it
        ended after the moment (a device that was offline when the next version began)."""
        if self.status == PlanStatus.ACTIVE:
            return True
        if self.status != PlanStatus.ENDED or self.ended_at is None:
            return False
        return moment < self.ended_at


class ReportingPeriod(DistrictOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting_periods")
    name = models.CharField(_("name"), max_length=100)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="period_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Goal(DistrictOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    area = models.CharField(_("area"), max_length=100)
    text = models.TextField(_("goal as written"))
    present_level = models.TextField(_("present level of performance"), blank=True)
    # The related-service discipline that carries the goal out; empty: the special-education teacher.
    # A provider's pages lead with their discipline's goals (docs/access.md, "What is a provider's own").
    discipline = models.CharField(
        _("carried out by"), max_length=20, choices=Discipline.choices, blank=True, default=""
    )
    order = models.PositiveIntegerField(default=0)
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["order", "area"]

    def __str__(self) -> str:
        return f"goal {self.id}"


class TargetBehavior(DistrictOwned):
    """A behavior a behavior plan targets, defined so two observers would score it alike."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="target_behaviors")
    name = models.CharField(_("behavior"), max_length=200)
    operational_definition = models.TextField(_("operational definition"))
    non_examples = models.TextField(_("non-examples"), blank=True)
    hypothesized_function = models.CharField(
        _("hypothesized function"),
        max_length=20,
        choices=[
            ("attention", _("Attention")),
            ("escape", _("Escape / avoidance")),
            ("tangible", _("Access to tangible or activity")),
            ("sensory", _("Sensory / automatic")),
            ("multiple", _("Multiple")),
        ],
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.name


class StrategyKind(models.TextChoices):
    ANTECEDENT = "antecedent", _("Antecedent (prevention)")
    REPLACEMENT = "replacement", _("Replacement skill (teaching)")
    CONSEQUENCE = "consequence", _("Consequence (response)")


class BehaviorStrategy(DistrictOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="strategies")
    kind = models.CharField(_("kind"), max_length=12, choices=StrategyKind.choices)
    text = models.TextField(_("strategy"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order"]

    def __str__(self) -> str:
        return f"{self.kind} strategy {self.id}"


class AbcCategory(models.TextChoices):
    ANTECEDENT = "antecedent", _("Antecedent")
    BEHAVIOR = "behavior", _("Behavior")
    CONSEQUENCE = "consequence", _("Consequence")


class AbcOption(DistrictOwned):
    """A coded choice staff pick from on an ABC incident form."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="abc_options")
    category = models.CharField(_("category"), max_length=12, choices=AbcCategory.choices)
    label = models.CharField(_("option"), max_length=200)

    class Meta:
        ordering = ["category", "label"]
        constraints = [models.UniqueConstraint(fields=["plan", "category", "label"], name="abc_option_once")]

    def __str__(self) -> str:
        return self.label


class Method(models.TextChoices):
    """Measurement methods (docs/field.md#measurement-methods)."""

    COUNT = "count", _("Count (event recording)")
    RATE = "rate", _("Rate")
    DURATION = "duration", _("Duration")
    LATENCY = "latency", _("Latency")
    INTER_RESPONSE_TIME = "irt", _("Inter-response time")
    PARTIAL_INTERVAL = "partial_interval", _("Partial-interval recording")
    WHOLE_INTERVAL = "whole_interval", _("Whole-interval recording")
    MOMENTARY_TIME_SAMPLING = "momentary", _("Momentary time sampling")
    TRIALS = "trials", _("Discrete trials")
    TASK_ANALYSIS = "task_analysis", _("Task analysis")
    RATING = "rating", _("Rating scale")
    PERMANENT_PRODUCT = "permanent_product", _("Permanent product")
    ABC = "abc", _("ABC incident recording")


INTERVAL_METHODS = frozenset({Method.PARTIAL_INTERVAL, Method.WHOLE_INTERVAL, Method.MOMENTARY_TIME_SAMPLING})

# Least to most intrusive; a team may reorder (some put verbal before gestural).
DEFAULT_PROMPT_HIERARCHY = [
    "independent",
    "gestural",
    "verbal",
    "model",
    "partial_physical",
    "full_physical",
]


class Unit(models.TextChoices):
    """The unit a measure's session value is declared in (paradesk.plans.units; docs/measurement.md)."""

    COUNT = units.Unit.COUNT.value, _("Count")
    PER_MINUTE = units.Unit.PER_MINUTE.value, _("Per minute")
    PER_HOUR = units.Unit.PER_HOUR.value, _("Per hour")
    SECONDS = units.Unit.SECONDS.value, _("Seconds")
    MINUTES = units.Unit.MINUTES.value, _("Minutes")
    PERCENT = units.Unit.PERCENT.value, _("Percent")
    RATING = units.Unit.RATING.value, _("Rating")


class Chaining(models.TextChoices):
    FORWARD = "forward", _("Forward chaining")
    BACKWARD = "backward", _("Backward chaining")
    TOTAL_TASK = "total_task", _("Total task")


class ProbeType(models.TextChoices):
    SINGLE = "single", _("Single opportunity")
    MULTIPLE = "multiple", _("Multiple opportunity")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Increase")
    DECREASE = "decrease", _("Decrease")


class ScheduleKind(models.TextChoices):
    DAILY = "daily", _("Every school day")
    PER_WEEK = "per_week", _("Times per week")


class MeasureStatus(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    ACQUISITION = "acquisition", _("Acquisition")
    MAINTENANCE = "maintenance", _("Maintenance")
    MASTERED = "mastered", _("Mastered")
    DISCONTINUED = "discontinued", _("Discontinued")


class Measure(DistrictOwned):
    """How progress on a goal, or a target behavior, is measured (docs/field.md#measurement-methods)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures", null=True, blank=True)
    target_behavior = models.ForeignKey(
        TargetBehavior, on_delete=models.CASCADE, related_name="measures", null=True, blank=True
    )
    name = models.CharField(_("what is measured"), max_length=200)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.INCREASE
    )
    # The session value is stored, graphed and reported in this unit (one of the method's units).
    unit = models.CharField(_("unit"), max_length=40, choices=Unit.choices, blank=True)
    # Trials
    trials_per_session = models.PositiveIntegerField(_("trials per session"), null=True, blank=True)
    # Interval methods
    interval_seconds = models.PositiveIntegerField(_("interval length (seconds)"), null=True, blank=True)
    interval_count = models.PositiveIntegerField(_("intervals per session"), null=True, blank=True)
    # Task analysis
    task_steps = models.JSONField(_("task-analysis steps"), default=list, blank=True)
    chaining = models.CharField(_("chaining"), max_length=12, choices=Chaining.choices, blank=True)
    probe_type = models.CharField(_("probe type"), max_length=8, choices=ProbeType.choices, blank=True)
    # Prompting (trials and task analysis)
    prompt_hierarchy = models.JSONField(_("prompt hierarchy"), default=list, blank=True)
    goal_support_level = models.CharField(_("goal support level"), max_length=40, blank=True)
    # Rating scale
    rating_min = models.IntegerField(_("rating scale minimum"), null=True, blank=True)
    rating_max = models.IntegerField(_("rating scale maximum"), null=True, blank=True)
    rating_labels = models.JSONField(_("rating labels"), default=dict, blank=True)
    observation_window = models.CharField(_("observation window"), max_length=100, blank=True)
    # Progress monitoring
    baseline_value = models.DecimalField(_("baseline"), max_digits=9, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    # Mastery rule (docs/field.md#mastery); the product suggests 90%.
    mastery_threshold = models.DecimalField(
        _("mastery threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    mastery_consecutive_sessions = models.PositiveIntegerField(
        _("consecutive sessions at threshold"), default=3, validators=[MinValueValidator(1)]
    )
    mastery_min_trials = models.PositiveIntegerField(_("minimum trials per session"), default=0)
    mastery_min_staff = models.PositiveIntegerField(_("different staff at least"), default=1)
    mastery_min_settings = models.PositiveIntegerField(_("different settings at least"), default=1)
    mastery_max_prompt_level = models.CharField(_("highest prompt level allowed"), max_length=40, blank=True)
    # Data schedule
    schedule_kind = models.CharField(
        _("data schedule"), max_length=10, choices=ScheduleKind.choices, default=ScheduleKind.DAILY
    )
    sessions_per_week = models.PositiveIntegerField(
        _("sessions per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(35)],
    )
    status = models.CharField(
        _("status"), max_length=14, choices=MeasureStatus.choices, default=MeasureStatus.BASELINE
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["goal__order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False) | Q(target_behavior__isnull=False),
                name="measure_on_goal_or_behavior",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The parameters each method needs, and nothing contradictory (docs/field.md#measurement-methods)."""
        errors: dict[str, str] = {}
        method = self.method
        if not self.unit:
            self.unit = units.default_unit(method) or ""
        if self.unit and self.unit not in units.units_of(method):
            errors["unit"] = str(
                _("A %(method)s measure is read in: %(units)s.")
                % {"method": self.get_method_display(), "units": unit_list(method)}
            )
        if method == Method.TRIALS and not self.trials_per_session:
            errors["trials_per_session"] = str(_("Discrete trials need a number of trials per session."))
        if method in INTERVAL_METHODS:
            if not self.interval_seconds:
                errors["interval_seconds"] = str(_("Interval recording needs an interval length."))
            if not self.interval_count:
                errors["interval_count"] = str(_("Interval recording needs a number of intervals."))
        if method == Method.TASK_ANALYSIS:
            if not self.task_steps:
                errors["task_steps"] = str(_("A task analysis needs its steps."))
            if not self.chaining:
                errors["chaining"] = str(_("Choose forward, backward or total-task chaining."))
        if method in {Method.TRIALS, Method.TASK_ANALYSIS}:
            hierarchy = self.prompt_hierarchy or []
            if self.goal_support_level and self.goal_support_level not in hierarchy:
                errors["goal_support_level"] = str(
                    _("The goal support level must be one of the prompt levels.")
                )
            if self.mastery_max_prompt_level and self.mastery_max_prompt_level not in hierarchy:
                errors["mastery_max_prompt_level"] = str(
                    _("The highest prompt level allowed must be one of the prompt levels.")
                )
        if method == Method.RATING:
            if self.rating_min is None or self.rating_max is None:
                errors["rating_max"] = str(_("A rating scale needs a minimum and a maximum."))
            elif self.rating_min >= self.rating_max:
                errors["rating_max"] = str(_("The maximum must be above the minimum."))
        if self.schedule_kind == ScheduleKind.PER_WEEK and not self.sessions_per_week:
            errors["sessions_per_week"] = str(_("Say how many sessions per week."))
        if self.goal_id is None and self.target_behavior_id is None:
            errors["goal"] = str(_("A measure belongs to a goal or to a target behavior."))
        if errors:
            raise ValidationError(errors)


def unit_list(method: str) -> str:
    return ", ".join(str(Unit(unit).label) for unit in units.units_of(method))


class AccommodationCategory(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    RESPONSE = "response", _("Response")
    SETTING = "setting", _("Setting")
    TIMING = "timing", _("Timing and scheduling")
    BEHAVIORAL = "behavioral", _("Behavioral support")
    ASSISTIVE = "assistive", _("Assistive technology")
    MODIFICATION = "modification", _("Modification (changes what is expected)")


class Accommodation(DistrictOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="accommodations")
    wording = models.TextField(_("wording, exactly as in the plan"))
    category = models.CharField(_("category"), max_length=14, choices=AccommodationCategory.choices)
    applies_to = models.CharField(_("where it applies"), max_length=200, default="All classes")
    for_assessments = models.BooleanField(_("also on assessments"), default=False)
    log_delivery = models.BooleanField(_("log each time it is delivered"), default=False)
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["category", "wording"]

    def __str__(self) -> str:
        return f"accommodation {self.id}"


class ServiceKind(models.TextChoices):
    SPECIAL_EDUCATION = "special_education", _("Special education")
    RELATED = "related", _("Related service")
    SUPPLEMENTARY = "supplementary", _("Supplementary aid or support")
    ADULT_SUPPORT = "adult_support", _("Adult (paraprofessional) support")


class ServicePeriod(models.TextChoices):
    WEEK = "week", _("per week")
    MONTH = "month", _("per month")


class Service(DistrictOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    name = models.CharField(_("service"), max_length=200)
    provider_role = models.CharField(_("provided by"), max_length=100)
    # The provider's discipline for a related service; empty for a teacher's or a para's service.
    discipline = models.CharField(
        _("provider's discipline"), max_length=20, choices=Discipline.choices, blank=True, default=""
    )
    minutes = models.PositiveIntegerField(_("minutes per session"), validators=[MinValueValidator(1)])
    frequency = models.PositiveIntegerField(_("sessions"), validators=[MinValueValidator(1)])
    period = models.CharField(
        _("per"), max_length=6, choices=ServicePeriod.choices, default=ServicePeriod.WEEK
    )
    setting = models.CharField(_("setting"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="service_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def minutes_per_period(self) -> int:
        return self.minutes * self.frequency


class Snapshot(DistrictOwned):
    """What every adult working with the student should know at a glance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="snapshot")
    strengths = models.TextField(_("strengths"), blank=True)
    interests = models.TextField(_("interests"), blank=True)
    triggers = models.TextField(_("triggers"), blank=True)
    calming_strategies = models.TextField(_("calming strategies"), blank=True)
    communication_system = models.TextField(_("communication system / AAC"), blank=True)
    things_to_avoid = models.TextField(_("things to avoid"), blank=True)
    medical_alerts = models.TextField(_("medical alerts"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")

    def __str__(self) -> str:
        return f"snapshot {self.id}"


class ParaDirection(DistrictOwned):
    """What a para does for a goal or measure, and why (34 CFR 300.323(d): each provider is told
    their specific duties)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="directions")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="directions", null=True, blank=True)
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="directions", null=True, blank=True
    )
    setup = models.TextField(_("setup"), blank=True)
    materials = models.TextField(_("materials"), blank=True)
    what_to_say = models.TextField(_("what to say"), blank=True)
    prompting = models.TextField(_("prompting"), blank=True)
    error_correction = models.TextField(_("error correction"), blank=True)
    why = models.TextField(_("why we do it this way"))
    written_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    carried_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(goal__isnull=False) | Q(measure__isnull=False),
                name="direction_on_goal_or_measure",
            )
        ]

    def __str__(self) -> str:
        return f"direction {self.id}"
