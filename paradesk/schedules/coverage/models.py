"""Absences, who covers the absent para's blocks, and drafts of a school's week built by the solver.

Django finds models only through the app's `models.py`, which imports these by name. The para's
notifications are the team app's (paradesk/team/models.py).

A coverage row is one block of the absent para on the absence's date: proposed (by the solver or an
administrator's edit) until an administrator accepts the day's coverage. Each row keeps the block's
times and support type of that date, so the history reads right even after the week is rebuilt. A
row with no covering para is left uncovered, with a note. An accepted row gives the covering para a
one-day team assignment to each of the block's students (`temporary_assignments`): need-to-know
access, the Today page and recording then follow the existing policy, and the assignment ends by
itself the next day.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from paradesk.people.models import Assignment, DistrictOwned, School, Staff

__all__ = [
    "Absence",
    "AbsenceReason",
    "CoverageAssignment",
    "CoverageStatus",
    "CoverageTemporaryAssignment",
    "ScheduleDraft",
]


class AbsenceReason(models.TextChoices):
    SICK = "sick", _("Sick")
    PERSONAL = "personal", _("Personal leave")
    FAMILY = "family", _("Family")
    TRAINING = "training", _("Training or meeting")
    JURY_DUTY = "jury_duty", _("Jury duty")
    OTHER = "other", _("Other")


class AbsenceQuerySet(models.QuerySet["Absence"]):
    def on(self, day: datetime.date) -> AbsenceQuerySet:
        return self.filter(date=day)


class Absence(DistrictOwned):
    """A para away on one date: all day, or from a start to an end time (school time)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="absences")
    para = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="absences", verbose_name=_("para"))
    date = models.DateField(_("date"))
    all_day = models.BooleanField(_("all day"), default=True)
    start_time = models.TimeField(_("away from"), null=True, blank=True)
    end_time = models.TimeField(_("away until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=12, choices=AbsenceReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["school", "date"]), models.Index(fields=["para", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(all_day=True, start_time__isnull=True, end_time__isnull=True)
                | Q(
                    all_day=False,
                    start_time__isnull=False,
                    end_time__isnull=False,
                    end_time__gt=models.F("start_time"),
                ),
                name="absence_all_day_or_times",
            )
        ]

    def __str__(self) -> str:
        return f"absence {self.id}"

    def clean(self) -> None:
        if self.all_day:
            self.start_time = self.end_time = None
            return
        if self.start_time is None or self.end_time is None:
            raise ValidationError({"start_time": _("Give the times away, or mark the absence all day.")})
        if self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The absence ends after it starts.")})

    def covers(self, start: datetime.time, end: datetime.time) -> bool:
        """Whether the para is away during any part of [start, end)."""
        if self.all_day:
            return True
        assert self.start_time is not None and self.end_time is not None
        return start < self.end_time and self.start_time < end


class CoverageStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")


class CoverageAssignment(DistrictOwned):
    """One block of the absent para on the absence's date, and who covers it (nobody: uncovered)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="coverage")
    # Rebuilding the week removes old blocks; the row keeps what the block was that day.
    block = models.ForeignKey(
        "schedules.ParaBlock", on_delete=models.SET_NULL, null=True, blank=True, related_name="coverage"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    support_type = models.CharField(_("support"), max_length=12)
    duty_kind = models.CharField(_("duty"), max_length=10, blank=True)
    rank = models.PositiveSmallIntegerField(_("priority"), default=0)
    covering_para = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coverage_given",
        verbose_name=_("covering para"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CoverageStatus.choices, default=CoverageStatus.PROPOSED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Why the proposal left it uncovered: a reason code of coverage.propose_coverage, or "duty".
    uncovered_reason = models.CharField(max_length=30, blank=True)
    accepted_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    temporary_assignments = models.ManyToManyField(
        Assignment, through="CoverageTemporaryAssignment", blank=True, related_name="+"
    )

    class Meta:
        ordering = ["rank", "start_time"]
        indexes = [models.Index(fields=["covering_para", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["absence", "block"], name="coverage_block_once"),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="coverage_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"coverage {self.id}"

    @property
    def accepted(self) -> bool:
        return self.status == CoverageStatus.ACCEPTED


class CoverageTemporaryAssignment(DistrictOwned):
    """A one-day team assignment an accepted coverage row gave. Explicit (it was Django's automatic
    table, whose name and columns it keeps) so that the row carries its district
    (docs/architecture.md#the-district-as-distribution-key)."""

    coverageassignment = models.ForeignKey(CoverageAssignment, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "schedules_coverageassignment_temporary_assignments"
        # The automatic table's own unique pair, under the name it already has in the database.
        unique_together = [("coverageassignment", "assignment")]

    def __str__(self) -> str:
        return f"coverage {self.coverageassignment_id} assignment {self.assignment_id}"


class ScheduleDraft(DistrictOwned):
    """A school's week as the solver proposed it, kept until an administrator accepts it (or builds
    again). `blocks` and `shortfalls` are plain JSON made by `builder.py`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="schedule_drafts")
    week_of = models.DateField(_("week of"))
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=10)
    seconds = models.FloatField(default=0.0)
    blocks = models.JSONField(default=list)
    shortfalls = models.JSONField(default=list)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"schedule draft {self.id}"
