"""What was recorded about a student and what the team decided on it, for the complete record.

Every kind of record the recording area keeps (``RECORD_MODELS``: sessions, observations with their
session values, ABC incidents, accommodation deliveries, service logs, care log entries, notes) and
every decision of the progress area (``DECISION_MODELS``: phase changes, aimline adjustments,
agreement checks, fidelity checks, progress report entries with their narratives), each with who
recorded it and when, and its correction and void (who, when, why). Rows are listed field by field
from the models, like the plans, so a field added later appears without anyone remembering it.

Kinds are read from the registries, not listed by hand here: a record kind added to RECORD_MODELS
joins the export by itself, and a new progress model must be named in DECISION_MODELS or in
NOT_EDUCATION_RECORDS (a test fails otherwise). One query per kind, each filtered by the district
(the distribution key at state scale) and the student.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from paradesk.access.record_facts import EMPTY, Fact, Item, Section, facts_of, readable
from paradesk.people.models import Staff, Student
from paradesk.progress.models import (
    AgreementCheck,
    AimlineAdjustment,
    FidelityCheck,
    MeasureSummary,
    PhaseChange,
    ProgressEntry,
    ReportBatch,
)
from paradesk.recording.models import RECORD_MODELS, Record

# Kept on every row for the device and the sync, not part of what happened.
RECORD_INTERNAL = frozenset({"id", "district", "student", "device", "clock_skew_seconds"})


@dataclass(frozen=True)
class DecisionKind:
    """A progress model in the export: how its rows reach the student, and its section's title."""

    model: type[models.Model]
    student_path: str
    title: Promise
    order: tuple[str, ...] = ("pk",)


DECISION_MODELS: tuple[DecisionKind, ...] = (
    DecisionKind(
        PhaseChange, "measure__plan__student", gettext_lazy("Phase changes"), ("starts_on", "created_at")
    ),
    DecisionKind(
        AimlineAdjustment, "measure__plan__student", gettext_lazy("Aimline adjustments"), ("created_at",)
    ),
    DecisionKind(
        AgreementCheck,
        "measure__plan__student",
        gettext_lazy("Agreement checks (two observers)"),
        ("paired_at",),
    ),
    DecisionKind(FidelityCheck, "student", gettext_lazy("Fidelity checks"), ("observed_on", "created_at")),
    DecisionKind(
        ProgressEntry,
        "measure__plan__student",
        gettext_lazy("Progress reports: each goal's progress and narrative"),
        ("period__end_date", "decided_at"),
    ),
)

# Progress models that are not education records: a print job (its reports are the progress entries
# above) and a cache of what the dashboard computes from the records.
NOT_EDUCATION_RECORDS: frozenset[type[models.Model]] = frozenset({ReportBatch, MeasureSummary})


def staff_links(model: type[models.Model]) -> list[str]:
    """The model's links to staff (who recorded, voided, decided), loaded with the rows."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation and f.related_model is Staff]


def record_rows(model: type[Record], student: Student) -> list[Record]:
    rows = model._default_manager.filter(district_id=student.district_id, student_id=student.pk)
    return list(rows.select_related(*staff_links(model)).order_by("recorded_at", "id"))


def decision_rows(kind: DecisionKind, student: Student) -> list[models.Model]:
    rows = kind.model._default_manager.filter(district_id=student.district_id, **{kind.student_path: student})
    return list(rows.select_related(*staff_links(kind.model)).order_by(*kind.order, "pk"))


# Section titles and names of the record kinds; a kind added later without one reads by its model's
# verbose name.
RECORD_WORDS: dict[str, tuple[Promise, Promise]] = {
    "session": (gettext_lazy("Session"), gettext_lazy("Sessions")),
    "observation": (gettext_lazy("Observation"), gettext_lazy("Observations, with their session values")),
    "abc_incident": (gettext_lazy("ABC incident"), gettext_lazy("ABC incidents")),
    "accommodation_delivery": (
        gettext_lazy("Accommodation delivery"),
        gettext_lazy("Accommodations delivered"),
    ),
    "service_log": (gettext_lazy("Service log"), gettext_lazy("Service minutes (logs)")),
    "care_log": (gettext_lazy("Care log entry"), gettext_lazy("Personal-care log")),
    "note": (gettext_lazy("Note"), gettext_lazy("Notes to the case manager")),
}


def record_title(kind: str, model: type[Record]) -> str:
    if kind in RECORD_WORDS:
        return str(RECORD_WORDS[kind][1])
    return str(capfirst(model._meta.verbose_name_plural))


def record_label(kind: str, record: Record, tz: datetime.tzinfo) -> str:
    name = RECORD_WORDS[kind][0] if kind in RECORD_WORDS else capfirst(record._meta.verbose_name)
    return _("%(kind)s recorded %(when)s by %(who)s") % {
        "kind": name,
        "when": readable(record.recorded_at, tz),
        "who": record.recorded_by.full_name,
    }


def record_status(record: Record, tz: datetime.tzinfo) -> Fact:
    """Whether the record counts, in words: corrected and voided records stay listed, marked."""
    if record.voided_at is not None:
        value = _("Voided %(when)s") % {"when": readable(record.voided_at, tz)}
    elif record.superseded_at is not None:
        value = _("Corrected by a later record %(when)s") % {"when": readable(record.superseded_at, tz)}
    else:
        value = _("Counts")
    return Fact("status", _("Status"), value)


def recorded_sections(student: Student, tz: datetime.tzinfo, labels: dict[object, str]) -> list[Section]:
    """One section per kind of record, every row of the student's with its history. Each record's
    label joins `labels`, so a correction, an observation's session and an agreement check name the
    record they point to."""
    loaded = {kind: record_rows(model, student) for kind, model in RECORD_MODELS.items()}
    for kind, rows in loaded.items():
        labels.update((row.pk, record_label(kind, row, tz)) for row in rows)
    sections = []
    for kind, model in RECORD_MODELS.items():
        items = [
            Item(
                str(row.pk),
                labels[row.pk],
                [record_status(row, tz), *facts_of(row, tz, labels, RECORD_INTERNAL, keep_empty=False)],
            )
            for row in loaded[kind]
        ]
        sections.append(Section(kind, record_title(kind, model), items))
    return sections


def decision_sections(student: Student, tz: datetime.tzinfo, labels: Mapping[object, str]) -> list[Section]:
    """One section per kind of progress decision on the student's measures."""
    sections = []
    for kind in DECISION_MODELS:
        items = [
            Item(str(row.pk), "", facts_of(row, tz, labels, {"id", "district", "student"}, keep_empty=False))
            for row in decision_rows(kind, student)
        ]
        sections.append(Section(kind.model._meta.model_name or "", str(kind.title), items))
    return sections


def exported_kinds() -> Sequence[type[models.Model]]:
    """Every model whose rows the complete record lists (the test of completeness reads this)."""
    return [*RECORD_MODELS.values(), *(kind.model for kind in DECISION_MODELS)]


__all__ = ["DECISION_MODELS", "EMPTY", "NOT_EDUCATION_RECORDS", "decision_sections", "recorded_sections"]
