"""What happens in class, as recorded: sessions and their observations for every measurement method,
ABC incidents, accommodations delivered, service minutes, personal-care entries and notes.

Every record's id is made by the device that recorded it, so a batch sent again is stored once
(docs/architecture.md#nothing-lost). A record is never changed or deleted: a correction is a new record naming
the one it corrects (which is then marked superseded), and a void marks a record with who voided it
and why (docs/architecture.md#scope-of-practice). Each method's raw facts are kept (docs/field.md), as
documented in paradesk/recording/methods.py; the session value is computed from them on receipt.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from paradesk.people.models import DistrictOwned, Staff, Student
from paradesk.plans.models import (
    Accommodation,
    Measure,
    Plan,
    Service,
    TargetBehavior,
)


class RecordQuerySet[R: models.Model](models.QuerySet[R]):
    def current(self) -> RecordQuerySet[R]:
        """Records that count: neither corrected by a later record nor voided."""
        return self.filter(superseded_at__isnull=True, voided_at__isnull=True)

    def voided(self) -> RecordQuerySet[R]:
        return self.filter(voided_at__isnull=False)


class Record(DistrictOwned):
    """What every recorded fact carries: its device-made id, who recorded it where and when, and its
    correction and void history."""

    id = models.UUIDField(primary_key=True, editable=False)  # made by the recording device
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    device = models.CharField(_("device"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(_("recorded at (device clock)"))
    received_at = models.DateTimeField(_("received at (server clock)"))
    # Device clock minus server clock when the batch arrived; kept, and flagged when large, because
    # the device's times are what the record says happened.
    clock_skew_seconds = models.IntegerField(null=True, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    correction_reason = models.TextField(_("reason for correction"), blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.model_name} {self.id}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None and self.voided_at is None


class Session(Record):
    """A stretch of time one adult spent collecting data with one student."""

    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"))
    setting = models.CharField(_("setting"), max_length=100, blank=True)
    # A second observer's session of the same stretch, for interobserver agreement (docs/field.md#agreement).
    agreement_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="agreement_checks"
    )

    objects: RecordQuerySet[Session] = RecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["student", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="session_ends_after_start"
            )
        ]


class Observation(Record):
    """The raw facts of one measure in one session, and the session value they give."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="observations")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="observations")
    started_at = models.DateTimeField(_("observation started"))
    ended_at = models.DateTimeField(_("observation ended"))
    facts = models.JSONField(_("raw facts"))
    # The method's session value (docs/measurement.md#figures), computed from the facts on receipt.
    value = models.FloatField(_("session value"), null=True, blank=True)

    objects: RecordQuerySet[Observation] = RecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["measure", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=models.F("started_at")), name="observation_ends_after_start"
            )
        ]


class AbcIncident(Record):
    """An antecedent-behavior-consequence record of one incident (docs/field.md#measurement-methods, ABC)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target_behavior = models.ForeignKey(
        TargetBehavior, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField(_("time of the incident"))
    setting = models.CharField(_("setting"), max_length=100, blank=True)
    # Ids of the behavior plan's coded options (AbcOption), by category.
    antecedent_codes = models.JSONField(_("antecedents"), default=list, blank=True)
    behavior_codes = models.JSONField(_("behaviors"), default=list, blank=True)
    consequence_codes = models.JSONField(_("consequences"), default=list, blank=True)
    antecedent_text = models.TextField(_("antecedent, in words"), blank=True)
    behavior_text = models.TextField(_("behavior, in words"), blank=True)
    consequence_text = models.TextField(_("consequence, in words"), blank=True)
    intensity = models.PositiveSmallIntegerField(_("intensity (1 mild to 5 severe)"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)

    objects: RecordQuerySet[AbcIncident] = RecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["student", "occurred_at"])]


class DeliveryStatus(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    NOT_DELIVERED = "not_delivered", _("Not delivered")
    NOT_NEEDED = "not_needed", _("Not needed")


class AccommodationDelivery(Record):
    """Whether an accommodation was delivered, per accommodation per day or per class."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    accommodation = models.ForeignKey(Accommodation, on_delete=models.PROTECT, related_name="deliveries")
    date = models.DateField(_("date"))
    class_name = models.CharField(_("class or period"), max_length=200, blank=True)
    status = models.CharField(_("delivered?"), max_length=14, choices=DeliveryStatus.choices)
    note = models.TextField(_("note"), blank=True)

    objects: RecordQuerySet[AccommodationDelivery] = RecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["accommodation", "date"])]


class ServiceStatus(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    MISSED = "missed", _("Missed")


class MissedReason(models.TextChoices):
    """Each missed session keeps its reason (docs/field.md#service-minutes)."""

    STUDENT_ABSENT = "student_absent", _("Student absent")
    PROVIDER_ABSENT = "provider_absent", _("Provider absent")
    SCHOOL_CLOSED = "school_closed", _("School closed")
    OTHER = "other", _("Other")


class ServiceLog(Record):
    """Service minutes delivered, or missed with the reason."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="logs")
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    status = models.CharField(_("delivered or missed"), max_length=10, choices=ServiceStatus.choices)
    missed_reason = models.CharField(_("why missed"), max_length=16, choices=MissedReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    objects: RecordQuerySet[ServiceLog] = RecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["service", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="delivered", missed_reason="") | Q(status="missed") & ~Q(missed_reason=""),
                name="service_log_missed_has_reason",
            )
        ]


class CareKind(models.TextChoices):
    TOILETING = "toileting", _("Toileting / diapering")
    FEEDING = "feeding", _("Feeding / eating support")
    POSITIONING = "positioning", _("Positioning / transfer")
    MOBILITY = "mobility", _("Mobility")
    HEALTH_CHECK = "health_check", _("Health check (as the care plan directs)")
    MEDICATION = "medication", _("Medication (as the care plan directs)")
    HYGIENE = "hygiene", _("Hygiene")
    OTHER = "other", _("Other")


class CareLogEntry(Record):
    """A personal-care task carried out under a student's care plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    occurred_at = models.DateTimeField(_("time"))
    care_kind = models.CharField(_("care"), max_length=14, choices=CareKind.choices)
    note = models.TextField(_("note"), blank=True)

    objects: RecordQuerySet[CareLogEntry] = RecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["student", "occurred_at"])]


class CaseManagerNote(Record):
    """A short note from the para to the student's case manager."""

    text = models.TextField(_("note"))
    read_at = models.DateTimeField(null=True, blank=True)

    objects: RecordQuerySet[CaseManagerNote] = RecordQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["student", "recorded_at"])]


# Every kind of record, by the name the sync API and the device use for it.
RECORD_MODELS: dict[str, type[Record]] = {
    "session": Session,
    "observation": Observation,
    "abc_incident": AbcIncident,
    "accommodation_delivery": AccommodationDelivery,
    "service_log": ServiceLog,
    "care_log": CareLogEntry,
    "note": CaseManagerNote,
}


def record_kind(record: Record) -> str:
    return next(kind for kind, model in RECORD_MODELS.items() if isinstance(record, model))


__all__ = [
    "RECORD_MODELS",
    "AbcIncident",
    "AccommodationDelivery",
    "CareLogEntry",
    "CaseManagerNote",
    "Observation",
    "Record",
    "ServiceLog",
    "Session",
]
