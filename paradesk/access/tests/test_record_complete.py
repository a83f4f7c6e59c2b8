"""The complete record holds every education record Paradesk keeps about the student: one of every
kind of recorded data and progress decision appears in the HTML and the PDF export, with who
recorded it and when, and corrections and voids with who, when and why (FERPA 99.10, IDEA 300.613).

The kinds come from the registries (RECORD_MODELS and the progress app's models), so a kind added
later without a way into the export fails here."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from paradesk.access import audit
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.access.record_data import NOT_EDUCATION_RECORDS, exported_kinds
from paradesk.plans.models import Accommodation, ReportingPeriod, Service
from paradesk.progress.models import AimlineAdjustment, FidelityCheck, PhaseChange, ProgressEntry
from paradesk.recording.models import (
    RECORD_MODELS,
    AbcIncident,
    AccommodationDelivery,
    CareLogEntry,
    CaseManagerNote,
    ServiceLog,
)
from paradesk.testing import Personas, observe, paired_check

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 10, 6, 14, 30, tzinfo=datetime.UTC)
DAY = datetime.date(2026, 10, 6)


def common(personas: Personas, **changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "district": personas.district,
        "student": personas.student,
        "recorded_by": personas.assigned_para,
        "recorded_at": AT,
        "received_at": AT + datetime.timedelta(minutes=2),
    }
    fields.update(changes)
    return fields


def sessions_and_observations(personas: Personas) -> list[str]:
    observe(personas.measure, personas.assigned_para, AT, {"trials": ["correct", "prompted"]}, 73.5)
    return ["73.5", "Sight words read correctly"]


def abc_incident(personas: Personas) -> list[str]:
    AbcIncident.objects.create(
        **common(personas), occurred_at=AT, behavior_text="Pushed the chair over during reading"
    )
    return ["Pushed the chair over during reading"]


def accommodation_delivery(personas: Personas) -> list[str]:
    accommodation = Accommodation.objects.get(plan=personas.plan)
    AccommodationDelivery.objects.create(
        **common(personas),
        plan=personas.plan,
        accommodation=accommodation,
        date=DAY,
        status="delivered",
        note="Extra time given on the spelling quiz",
    )
    return ["Extra time given on the spelling quiz"]


def service_log(personas: Personas) -> list[str]:
    service = Service.objects.get(plan=personas.plan)
    ServiceLog.objects.create(
        **common(personas, recorded_by=personas.case_manager),
        plan=personas.plan,
        service=service,
        date=DAY,
        minutes=27,
        status="delivered",
        note="Worked on vowel teams in the resource room",
    )
    return ["Worked on vowel teams in the resource room"]


def care_log(personas: Personas) -> list[str]:
    CareLogEntry.objects.create(
        **common(personas), occurred_at=AT, care_kind="feeding", note="Ate half of lunch with hand-over-hand"
    )
    return ["Ate half of lunch with hand-over-hand"]


def note_corrected_and_voided(personas: Personas) -> list[str]:
    original = CaseManagerNote.objects.create(
        **common(personas), text="Had a hard morning", superseded_at=AT + datetime.timedelta(hours=1)
    )
    CaseManagerNote.objects.create(
        **common(personas, recorded_at=AT + datetime.timedelta(hours=1)),
        text="Had a hard morning after the fire drill",
        corrects=original,
        correction_reason="Left out the fire drill",
    )
    CaseManagerNote.objects.create(
        **common(personas),
        text="Note about another child",
        voided_at=AT + datetime.timedelta(hours=2),
        voided_by=personas.case_manager,
        void_reason="Written about the wrong student",
    )
    return [
        "Had a hard morning",
        "Had a hard morning after the fire drill",
        "Left out the fire drill",
        "Corrected by a later record",
        "Note about another child",
        "Written about the wrong student",
        "Voided",
    ]


RECORD_MAKERS: dict[str, Callable[[Personas], list[str]]] = {
    "session": sessions_and_observations,
    "observation": sessions_and_observations,
    "abc_incident": abc_incident,
    "accommodation_delivery": accommodation_delivery,
    "service_log": service_log,
    "care_log": care_log,
    "note": note_corrected_and_voided,
}


def decisions(personas: Personas) -> list[str]:
    district, measure, teacher = personas.district, personas.measure, personas.case_manager
    PhaseChange.objects.create(
        district=district,
        measure=measure,
        starts_on=DAY,
        label="Fading prompts",
        note="Moved to a 3-second delay",
        created_by=teacher,
    )
    AimlineAdjustment.objects.create(
        district=district,
        measure=measure,
        start_date=DAY,
        start_value=40,
        target_date=DAY + datetime.timedelta(days=60),
        target_value=80,
        note="Redrawn after the new baseline",
        created_by=teacher,
    )
    primary = observe(measure, personas.assigned_para, AT, {"trials": ["correct"]}, 60.0)
    secondary = observe(measure, personas.provider, AT, {"trials": ["correct"]}, 61.0)
    paired_check(personas, primary, secondary, 87.5)
    FidelityCheck.objects.create(
        district=district,
        student=personas.student,
        plan=personas.plan,
        observed_staff=personas.assigned_para,
        observed_on=DAY,
        steps=[{"step": "Cards face down", "result": "yes"}],
        percent=100,
        note="Followed every step of the direction",
        created_by=teacher,
    )
    ProgressEntry.objects.create(
        district=district,
        period=ReportingPeriod.objects.get(plan=personas.plan),
        measure=measure,
        descriptor="sufficient",
        narrative="Reads more sight words each week",
        decided_by=teacher,
        decided_at=AT,
    )
    return [
        "Fading prompts",
        "Moved to a 3-second delay",
        "Redrawn after the new baseline",
        "87.5",
        "Followed every step of the direction",
        "Cards face down",
        "Reads more sight words each week",
        "Sufficient progress to meet the goal",
    ]


def build_every_kind(personas: Personas) -> list[str]:
    expected: list[str] = []
    for make in dict.fromkeys(RECORD_MAKERS.values()):
        expected += make(personas)
    return expected + decisions(personas)


def test_every_record_kind_has_a_maker_here() -> None:
    assert set(RECORD_MAKERS) == set(RECORD_MODELS), "a record kind without one row in this test"


def test_every_progress_model_is_exported_or_said_not_to_be_an_education_record() -> None:
    progress = set(apps.get_app_config("progress").get_models())
    missing = progress - set(exported_kinds()) - NOT_EDUCATION_RECORDS
    assert not missing, (
        f"progress models neither exported nor excluded: {sorted(m.__name__ for m in missing)}"
    )
    assert set(RECORD_MODELS.values()) <= set(exported_kinds())


def test_html_export_holds_every_kind_of_record(client_for, personas: Personas) -> None:
    expected = build_every_kind(personas)
    page = client_for(personas.district_admin).get(
        reverse("student_record_export", args=[personas.student.id])
    )
    text = page.content.decode().replace("&#x27;", "'")
    for words in [*expected, "Maria Assigned", "Casey Manager", "Pat Provider"]:
        assert words in text, words
    recorded = text[text.index('id="recorded"') : text.index('id="decisions"')]
    assert "Oct. 6, 2026, 9:30 a.m." in recorded  # when, in the school's time zone (Chicago)
    assert "recorded Oct. 6, 2026, 9:30 a.m. by Maria Assigned" in recorded


def pdf_text(content: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "record.pdf"
        path.write_bytes(content)
        result = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(result.stdout.split())


def test_pdf_export_holds_every_kind_of_record_and_is_audited(client_for, personas: Personas) -> None:
    expected = build_every_kind(personas)
    audit.record_view(personas.assigned_para, personas.plan, personas.student.id)
    url = reverse("student_record_export_pdf", args=[personas.student.id])
    response = client_for(personas.school_admin).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"student-record-{personas.student.local_id}-" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    for words in [*expected, "Viewed the student's plan", "1:1 paraprofessional"]:
        assert " ".join(words.split()) in text, words
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (entry.actor, entry.student_id, entry.object_type) == (
        personas.school_admin,
        personas.student.id,
        "student.record",
    )


def test_pdf_export_is_refused_to_the_team_and_not_found_for_outsiders(
    client_for, personas: Personas
) -> None:
    url = reverse("student_record_export_pdf", args=[personas.student.id])
    assert client_for(personas.case_manager).get(url).status_code == 403
    assert client_for(personas.other_school_admin).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
