"""The teacher's decisions about progress: phase changes, adjusted aimlines, agreement pairs,
fidelity checks, and progress reports with the batches that print them.

Each decision names the measure version it was made on; reading follows the measure's lineage
(`carried_from`) so decisions made under an earlier plan version still shape the graph.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from paradesk.people.models import DistrictOwned, School, Staff, Student
from paradesk.plans.models import Measure, Plan, ReportingPeriod
from paradesk.recording.models import Observation


class PhaseKind(models.TextChoices):
    """The same values as paradesk.progress.analysis.PhaseKind (a test keeps them equal)."""

    BASELINE = "baseline", _("Baseline")
    INTERVENTION = "intervention", _("Change of instruction")
    MAINTENANCE = "maintenance", _("Maintenance probes")


class PhaseChange(DistrictOwned):
    """A phase-change line on a measure's graph: trend and decision rules restart after it; a new
    baseline phase restarts the baseline and the aimline too."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="phase_changes")
    starts_on = models.DateField(_("starts on"))
    kind = models.CharField(
        _("kind"), max_length=12, choices=PhaseKind.choices, default=PhaseKind.INTERVENTION
    )
    label = models.CharField(_("label on the graph"), max_length=60)
    note = models.TextField(_("what changed and why"), blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_on", "created_at"]

    def __str__(self) -> str:
        return f"phase change {self.id}"


class AimlineAdjustment(DistrictOwned):
    """The teacher redraws the aimline: from a start (date, value) to a target (date, value). The
    latest adjustment replaces the aimline drawn from the baseline."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="aimline_adjustments")
    start_date = models.DateField(_("starts on"))
    start_value = models.FloatField(_("starting value"))
    target_date = models.DateField(_("target date"))
    target_value = models.FloatField(_("target value"))
    note = models.TextField(_("why"), blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("start_date")), name="aimline_target_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"aimline {self.id}"


class AgreementCheck(DistrictOwned):
    """Two observations of one session by two independent observers, paired by a teacher. The
    primary observation is the one graphed; the second observer's is kept out of the data path."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="agreement_checks")
    primary = models.ForeignKey(Observation, on_delete=models.PROTECT, related_name="+")
    secondary = models.OneToOneField(
        Observation, on_delete=models.PROTECT, related_name="agreement_as_secondary"
    )
    kind = models.CharField(_("agreement formula"), max_length=32)
    percent = models.FloatField(_("agreement (%)"), null=True, blank=True)
    paired_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    paired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["paired_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(primary=models.F("secondary")), name="agreement_two_observations"
            )
        ]

    def __str__(self) -> str:
        return f"agreement {self.id}"


class FidelityCheck(DistrictOwned):
    """A licensed teacher watches a para carry out a plan: each step yes / no / not applicable
    (docs/field.md#fidelity). ``steps`` is ``[{"step": text, "result": "yes"|"no"|"na"}, ...]``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    observed_staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    observed_on = models.DateField(_("observed on"))
    steps = models.JSONField(_("steps"), default=list)
    percent = models.FloatField(_("fidelity (%)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["observed_on", "created_at"]

    def __str__(self) -> str:
        return f"fidelity check {self.id}"


class Descriptor(models.TextChoices):
    MASTERED = "mastered", _("Mastered")
    SUFFICIENT = "sufficient", _("Sufficient progress to meet the goal")
    INSUFFICIENT = "insufficient", _("Insufficient progress to meet the goal")
    NOT_INTRODUCED = "not_introduced", _("Not yet introduced")


class ProgressEntry(DistrictOwned):
    """One goal's (measure's) line in a progress report for a reporting period: the descriptor the
    data proposes, the one the teacher decides, and the teacher's narrative."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="progress_entries")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="progress_entries")
    proposed = models.CharField(
        _("proposed from the data"), max_length=16, choices=Descriptor.choices, blank=True
    )
    descriptor = models.CharField(_("progress"), max_length=16, choices=Descriptor.choices, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    decided_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "measure"], name="one_entry_per_period_measure")
        ]

    def __str__(self) -> str:
        return f"progress entry {self.id}"


class BatchStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportBatch(DistrictOwned):
    """Progress reports for a caseload or a school, made by a background task into one PDF."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    period_ending_from = models.DateField(_("reporting periods ending from"))
    period_ending_to = models.DateField(_("reporting periods ending by"))
    plan_ids = models.JSONField(default=list)  # the plans in the batch, fixed when it was asked for
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default=BatchStatus.WAITING)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)  # a message for the person, never a stack trace
    pdf = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"report batch {self.id}"


class MeasureSummary(DistrictOwned):
    """What the team dashboard reads of one measure's progress (its session days and what the
    decision rules, mastery, the independence trend and agreement say), kept so that a morning's
    dashboard need not read and analyse every session again.

    A cache, never the record: ``stamp`` fingerprints everything the summary was computed from (the
    measure and its lineage's observations, phase changes, aimline adjustments, agreement checks
    and the analysis code), and a summary whose stamp no longer matches is computed again. Deleting
    every row loses nothing (paradesk.progress.summaries)."""

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, primary_key=True, related_name="+")
    stamp = models.CharField(max_length=64)
    summary = models.JSONField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("measure summary")
        verbose_name_plural = _("measure summaries")

    def __str__(self) -> str:
        return f"summary of measure {self.measure_id}"
