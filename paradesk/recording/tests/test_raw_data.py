"""The teacher's view of what was recorded: a measure's observations (page and CSV) and a student's
incidents, logs and notes, corrections and voids in plain sight (docs/architecture.md#scope-of-practice)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.actions import activate_plan, amend_plan
from paradesk.plans.models import AbcOption, Accommodation, Measure, Method, Service
from paradesk.recording import raw_data
from paradesk.recording.actions import record_history
from paradesk.recording.models import (
    AbcIncident,
    AccommodationDelivery,
    CareLogEntry,
    CaseManagerNote,
    Observation,
    ServiceLog,
)
from paradesk.recording.tests.raw_records import START, correction, observation, recorded, voided
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

NAMES = ("Zebulon", "Quillfeather")


def data_url(personas: Personas) -> str:
    return reverse("measure_data", args=[personas.measure.id])


def csv_url(personas: Personas) -> str:
    return reverse("measure_data_csv", args=[personas.measure.id])


def student_url(personas: Personas) -> str:
    return reverse("student_data", args=[personas.student.id])


def all_urls(personas: Personas) -> list[str]:
    return [data_url(personas), csv_url(personas), student_url(personas)]


def text(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return str(response.content.decode())


def rows_of(response: Any) -> list[str]:
    """The data rows of the page, in order: the id each `<tr id="record-...">` names."""
    return re.findall(r'<tr id="record-([0-9a-f-]{36})"', text(response))


# --- who may read ---------------------------------------------------------------------------------


def test_raw_data_pages_require_sign_in(client: Client, personas: Personas) -> None:
    for url in all_urls(personas):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", ["unassigned_para", "other_school_admin", "other_district_admin"])
def test_outsiders_do_not_find_raw_data(client_for: Any, personas: Personas, persona: str) -> None:
    observation(personas)
    client = client_for(personas.all()[persona])
    for url in all_urls(personas):
        response = client.get(url)
        assert response.status_code == 404, url
        assert not any(name in text(response) for name in NAMES)
    assert not AuditEntry.objects.filter(actor=personas.all()[persona]).exclude(action="sign_in").exists()


def test_general_education_teacher_may_not_read_raw_data(client_for: Any, personas: Personas) -> None:
    client = client_for(personas.gen_ed_teacher)
    for url in all_urls(personas):
        assert client.get(url).status_code == 403, url


def test_a_measure_that_does_not_exist_is_not_found(client_for: Any, personas: Personas) -> None:
    response = client_for(personas.case_manager).get(reverse("measure_data", args=[uuid.uuid4()]))
    assert response.status_code == 404


# --- a measure's observations ----------------------------------------------------------------------


def test_para_reads_trials_as_marks_with_prompt_levels(client_for: Any, personas: Personas) -> None:
    observation(personas, value=50.0)
    page = text(client_for(personas.assigned_para).get(data_url(personas)))
    symbols = re.findall(r'<span class="symbol" aria-hidden="true">([^<]+)</span>', page)
    assert symbols == ["+", "+", "\u2212", "NR"]
    assert "Trial 2: correct, verbal" in page  # the text alternative of the second mark
    assert "Trial 4: no response, model" in page
    assert "50%" in page
    assert "Maria Assigned" in page
    assert "tablet-7" in page
    assert "Resource room" in page
    assert "Plan version 1" in page


def test_times_are_shown_in_the_schools_time_zone(client_for: Any, personas: Personas) -> None:
    personas.school.time_zone = "Asia/Tokyo"
    personas.school.save()
    observation(personas)  # 2026-10-05 23:30 UTC is 08:30 the next morning in Tokyo
    page = text(client_for(personas.case_manager).get(data_url(personas)))
    assert 'datetime="2026-10-06T08:30:00+09:00"' in page
    assert "Asia/Tokyo" in page


@pytest.mark.parametrize(
    ("method", "facts", "expected"),
    [
        ("count", {"events": [12, 40.5, 65]}, ["3 events at 0:12, 0:40, 1:05"]),
        (
            "rate",
            {"events": [5], "incorrect_events": [70, 80]},
            ["1 event at 0:05", "2 incorrect at 1:10, 1:20"],
        ),
        ("duration", {"episodes": [[10, 45], [60, 62]]}, ["0:10 to 0:45 (35 s)", "1:00 to 1:02 (2 s)"]),
        (
            "latency",
            {"trials": [[5, 9], [30, None]]},
            ["Cue 0:05, response 0:09 (4.0 s)", "Cue 0:30, no response"],
        ),
        ("partial_interval", {"intervals": [True, False, True]}, ["2 of 3 intervals scored"]),
        ("rating", {"rating": 4}, ["Rating 4 (Mostly calm)"]),
        (
            "permanent_product",
            {"attempted": 10, "correct": 8, "minutes": 5},
            ["8 of 10 correct in 5 minutes"],
        ),
        (
            "task_analysis",
            {"steps": ["independent", "verbal", "not_done"]},
            ["1. Turn on water: independent", "2. Wet hands: verbal", "3. Soap: not done"],
        ),
    ],
)
def test_raw_facts_read_plainly_for_each_method(
    personas: Personas, method: str, facts: dict[str, Any], expected: list[str]
) -> None:
    measure = Measure(
        method=method,
        rating_labels={"4": "Mostly calm"},
        task_steps=["Turn on water", "Wet hands", "Soap"],
    )
    assert raw_data.readable_facts(measure, facts).lines == expected


def test_interval_grid_has_a_text_alternative_per_interval(personas: Personas) -> None:
    measure = Measure(method=Method.MOMENTARY_TIME_SAMPLING)
    marks = raw_data.readable_facts(measure, {"intervals": [True, False]}).marks
    assert [(m.symbol, m.spoken) for m in marks] == [
        ("■", "Interval 1: scored"),
        ("□", "Interval 2: not scored"),
    ]


def test_facts_that_do_not_fit_the_method_are_shown_as_stored(personas: Personas) -> None:
    facts = {"odd": [1, 2]}
    readable = raw_data.readable_facts(Measure(method=Method.TRIALS), facts)
    assert readable.lines == ['{"odd": [1, 2]}']
    assert readable.marks == []


def test_clock_skew_over_five_minutes_is_flagged(client_for: Any, personas: Personas) -> None:
    flagged = observation(personas, clock_skew_seconds=-301)
    fine = observation(personas, at=START - datetime.timedelta(days=1), clock_skew_seconds=300)
    page = text(client_for(personas.case_manager).get(data_url(personas)))
    rows = dict(zip(rows_of_html(page), re.split(r'<tr id="record-', page)[1:], strict=True))
    assert "Device clock off" in rows[str(flagged.id)]
    assert "by -301 seconds" in rows[str(flagged.id)]
    assert "Device clock off" not in rows[str(fine.id)]


def rows_of_html(page: str) -> list[str]:
    return re.findall(r'<tr id="record-([0-9a-f-]{36})"', page)


def test_newest_first_with_data_from_earlier_plan_versions_labelled(
    client_for: Any, personas: Personas
) -> None:
    old = observation(personas, at=START - datetime.timedelta(days=3))
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="new goal wording")
    activate_plan(actor=personas.case_manager, plan=draft)
    carried = Measure.objects.get(plan=draft, carried_from=personas.measure)
    new = observation(personas, measure=carried)
    response = client_for(personas.case_manager).get(reverse("measure_data", args=[carried.id]))
    assert rows_of(response) == [str(new.id), str(old.id)]
    page = text(response)
    assert "Plan version 2" in page and "Plan version 1" in page
    assert "Includes data recorded under earlier versions of the plan." in page


def test_other_measures_data_is_not_listed(client_for: Any, personas: Personas) -> None:
    other = Measure.objects.get(plan=personas.plan, method=Method.COUNT)
    observation(personas, measure=other, facts={"events": [1]})
    assert rows_of(client_for(personas.case_manager).get(data_url(personas))) == []


def test_correction_history_is_shown_newest_first_under_the_current_record(
    client_for: Any, personas: Personas
) -> None:
    first = observation(personas, value=25.0)
    second = correction(first, "Tapped the wrong trial", value=50.0)
    third = correction(second, "Prompt level was verbal, not model", value=75.0)
    assert record_history(third) == [third, second, first]
    response = client_for(personas.case_manager).get(data_url(personas))
    assert rows_of(response) == [str(third.id)]  # the superseded ones are history, not rows
    page = text(response)
    history = page[page.index("Replaced 2 earlier records") :]
    assert history.index("50%") < history.index("25%")
    assert "<del>" in history
    assert history.index("Prompt level was verbal, not model") < history.index("Tapped the wrong trial")
    assert "Correction." in page


def test_voided_record_stays_listed_greyed_with_who_when_and_why(client_for: Any, personas: Personas) -> None:
    record = voided(observation(personas), personas.case_manager, "Wrong student's sheet")
    response = client_for(personas.assigned_para).get(data_url(personas))
    assert rows_of(response) == [str(record.id)]
    page = text(response)
    assert f'<tr id="record-{record.id}" class="record voided">' in page
    assert "Wrong student&#x27;s sheet" in page
    assert "by Casey Manager" in page


def test_only_teachers_get_a_void_form_and_only_on_records_that_count(
    client_for: Any, personas: Personas
) -> None:
    current = observation(personas)
    gone = voided(observation(personas, at=START - datetime.timedelta(days=1)), personas.provider, "dup")
    void_of = lambda record: reverse("record_void", args=[record.id])  # noqa: E731
    teacher_page = text(client_for(personas.case_manager).get(data_url(personas)))
    assert void_of(current) in teacher_page
    assert void_of(gone) not in teacher_page
    para_page = text(client_for(personas.assigned_para).get(data_url(personas)))
    assert "record_void" not in para_page and void_of(current) not in para_page


def test_pages_hold_fifty_rows(client_for: Any, personas: Personas) -> None:
    for day in range(51):
        observation(personas, at=START - datetime.timedelta(days=day))
    client = client_for(personas.case_manager)
    assert len(rows_of(client.get(data_url(personas)))) == 50
    assert len(rows_of(client.get(data_url(personas) + "?page=2"))) == 1
    assert "Page 1 of 2" in text(client.get(data_url(personas)))


def make_rows(personas: Personas, count: int) -> None:
    """Rows of every standing: current, corrected twice, voided."""
    for day in range(count):
        record = observation(personas, at=START - datetime.timedelta(days=day))
        if day % 3 == 1:
            correction(correction(record, "first fix"), "second fix")
        if day % 3 == 2:
            voided(record, personas.provider, "duplicate")


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_measure_page_query_count_does_not_grow_with_rows(client_for: Any, personas: Personas) -> None:
    client = client_for(personas.case_manager)
    make_rows(personas, 3)
    few = queries_for(client, data_url(personas))
    make_rows(personas, 30)
    assert queries_for(client, data_url(personas)) == few


def test_htmx_gets_only_the_table(client_for: Any, personas: Personas) -> None:
    observation(personas)
    response = client_for(personas.case_manager).get(data_url(personas), headers={"HX-Request": "true"})
    page = text(response)
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="observations"')
    assert "<html" not in page
    assert len(rows_of(response)) == 1


def test_reading_a_measures_data_is_audited_without_names(client_for: Any, personas: Personas) -> None:
    client_for(personas.assigned_para).get(data_url(personas))
    entry = AuditEntry.objects.get(actor=personas.assigned_para, action=AuditAction.VIEW)
    assert entry.object_type == "plans.measure"
    assert entry.object_id == str(personas.measure.id)
    assert entry.student_id == personas.student.id
    assert entry.district_id == personas.district.id
    assert not any(name in str(vars(entry)) for name in NAMES)


# --- CSV ----------------------------------------------------------------------------------------------


def csv_table(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text(response))))


def test_csv_holds_every_version_of_every_record(client_for: Any, personas: Personas) -> None:
    personas.school.time_zone = "Asia/Tokyo"
    personas.school.save()
    first = observation(personas, value=25.0, clock_skew_seconds=-42)
    second = correction(first, "Tapped the wrong trial", value=50.0)
    gone = voided(
        observation(personas, at=START - datetime.timedelta(days=1)), personas.case_manager, "duplicate"
    )
    response = client_for(personas.case_manager).get(csv_url(personas))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and personas.student.local_id in disposition
    assert not any(name.lower() in disposition.lower() for name in NAMES)
    table = csv_table(response)
    assert list(table[0]) == list(raw_data.CSV_COLUMNS)
    by_id = {row["record_id"]: row for row in table}
    assert set(by_id) == {str(first.id), str(second.id), str(gone.id)}
    row = by_id[str(first.id)]
    assert row["started_at_utc"] == "2026-10-05T23:30:00+00:00"
    assert row["started_at_local"] == "2026-10-06T08:30:00+09:00"
    assert row["status"] == "superseded"
    assert row["clock_skew_seconds"] == "-42"  # a number, not guarded as a formula
    assert row["value"] == "25.0"
    assert row["plan_version"] == "1"
    assert row["session_id"] == str(first.session_id)
    assert row["measure_id"] == str(personas.measure.id)
    assert row["recorded_by"] == "Maria Assigned"
    assert json.loads(row["facts"]) == first.facts
    assert by_id[str(second.id)]["status"] == "current"
    assert by_id[str(second.id)]["corrects"] == str(first.id)
    assert by_id[str(second.id)]["correction_reason"] == "Tapped the wrong trial"
    assert by_id[str(gone.id)]["status"] == "voided"
    assert by_id[str(gone.id)]["voided_by"] == "Casey Manager"
    assert by_id[str(gone.id)]["void_reason"] == "duplicate"
    assert by_id[str(gone.id)]["voided_at_utc"].endswith("+00:00")


def test_csv_cells_cannot_run_as_formulas(client_for: Any, personas: Personas) -> None:
    record = observation(personas, device='=HYPERLINK("http://evil")')
    voided(record, personas.case_manager, "+1+1")
    fixed = observation(personas, at=START - datetime.timedelta(days=1), device="@SUM(A1)")
    correction(fixed, "-2+3", device="\tcmd")
    table = {
        row["record_id"]: row for row in csv_table(client_for(personas.case_manager).get(csv_url(personas)))
    }
    assert table[str(record.id)]["device"] == '\'=HYPERLINK("http://evil")'
    assert table[str(record.id)]["void_reason"] == "'+1+1"
    assert table[str(fixed.id)]["device"] == "'@SUM(A1)"
    corrected = next(row for row in table.values() if row["corrects"] == str(fixed.id))
    assert corrected["correction_reason"] == "'-2+3"
    assert corrected["device"] == "'\tcmd"
    assert raw_data.guarded(-5) == -5
    assert raw_data.guarded("plain") == "plain"


def test_csv_download_is_audited_as_an_export(client_for: Any, personas: Personas) -> None:
    text(client_for(personas.provider).get(csv_url(personas)))
    entry = AuditEntry.objects.get(actor=personas.provider, action=AuditAction.EXPORT)
    assert entry.object_type == "plans.measure"
    assert entry.object_id == str(personas.measure.id)
    assert entry.student_id == personas.student.id


def test_csv_includes_earlier_plan_versions(client_for: Any, personas: Personas) -> None:
    old = observation(personas)
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="amended")
    carried = Measure.objects.get(plan=draft, carried_from=personas.measure)
    response = client_for(personas.case_manager).get(reverse("measure_data_csv", args=[carried.id]))
    assert [row["record_id"] for row in csv_table(response)] == [str(old.id)]


# --- a student's other records --------------------------------------------------------------------


def make_other_records(personas: Personas, at: datetime.datetime = START) -> dict[str, Any]:
    plan = personas.plan
    option = AbcOption.objects.get(plan=plan, label="Transition announced")
    base = recorded(personas, at=at)
    return {
        "abc": AbcIncident.objects.create(
            id=uuid.uuid4(),
            plan=plan,
            occurred_at=at,
            setting="Hallway",
            antecedent_codes=[str(option.id)],
            behavior_text="Ran to the door",
            consequence_text="Walked back with the para",
            intensity=3,
            **base,
        ),
        "delivery": AccommodationDelivery.objects.create(
            id=uuid.uuid4(),
            plan=plan,
            accommodation=Accommodation.objects.get(plan=plan),
            date=at.date(),
            class_name="Math",
            status="delivered",
            **base,
        ),
        "service": ServiceLog.objects.create(
            id=uuid.uuid4(),
            plan=plan,
            service=Service.objects.get(plan=plan),
            date=at.date(),
            minutes=25,
            status="missed",
            missed_reason="student_absent",
            **base,
        ),
        "care": CareLogEntry.objects.create(id=uuid.uuid4(), occurred_at=at, care_kind="toileting", **base),
        "note": CaseManagerNote.objects.create(id=uuid.uuid4(), text="Tired after lunch today.", **base),
    }


def test_student_data_shows_every_other_kind_readably(client_for: Any, personas: Personas) -> None:
    made = make_other_records(personas)
    voided(made["care"], personas.case_manager, "Logged for the wrong student")
    page = text(client_for(personas.assigned_para).get(student_url(personas)))
    for record in made.values():
        assert f'id="record-{record.id}"' in page
    assert "Transition announced" in page  # the coded option's label, not its id
    assert "Ran to the door" in page
    assert "Extended time (1.5x) on tests and quizzes" in page
    assert "Specialized reading instruction" in page and "25 minutes" in page and "Student absent" in page
    assert "Toileting / diapering" in page
    assert "Tired after lunch today." in page
    assert f'<tr id="record-{made["care"].id}" class="record voided">' in page
    assert "Logged for the wrong student" in page


def test_student_data_filters_by_kind(client_for: Any, personas: Personas) -> None:
    made = make_other_records(personas)
    page = text(client_for(personas.case_manager).get(student_url(personas) + "?kind=note"))
    assert rows_of_html(page) == [str(made["note"].id)]
    assert 'aria-current="page">Notes to the case manager' in page


def test_student_data_pages_one_kind(client_for: Any, personas: Personas) -> None:
    notes = [
        CaseManagerNote.objects.create(
            id=uuid.uuid4(), text=f"Note {n}", **recorded(personas, at=START - datetime.timedelta(hours=n))
        )
        for n in range(51)
    ]
    client = client_for(personas.case_manager)
    everything = text(client.get(student_url(personas)))
    assert len(rows_of_html(everything)) == 50
    assert "?kind=note" in everything
    second = text(client.get(student_url(personas) + "?kind=note&page=2"))
    assert rows_of_html(second) == [str(notes[-1].id)]


def test_student_data_shows_correction_history(client_for: Any, personas: Personas) -> None:
    note = CaseManagerNote.objects.create(id=uuid.uuid4(), text="Had a hard mornign", **recorded(personas))
    fixed = CaseManagerNote.objects.create(
        id=uuid.uuid4(),
        text="Had a hard morning",
        corrects=note,
        correction_reason="Spelling",
        **recorded(personas, at=START + datetime.timedelta(minutes=5)),
    )
    note.superseded_at = fixed.recorded_at
    note.save()
    page = text(client_for(personas.case_manager).get(student_url(personas) + "?kind=note"))
    assert rows_of_html(page) == [str(fixed.id)]
    assert "<del>" in page and "Had a hard mornign" in page and "Spelling" in page


def test_student_data_query_count_does_not_grow_with_rows(client_for: Any, personas: Personas) -> None:
    client = client_for(personas.case_manager)
    make_other_records(personas)
    few = queries_for(client, student_url(personas))
    for day in range(1, 12):
        made = make_other_records(personas, START - datetime.timedelta(days=day))
        voided(made["abc"], personas.provider, "duplicate")
    assert queries_for(client, student_url(personas)) == few


def test_reading_student_data_is_audited_without_names(client_for: Any, personas: Personas) -> None:
    make_other_records(personas)
    client_for(personas.school_admin).get(student_url(personas))
    entry = AuditEntry.objects.get(actor=personas.school_admin, action=AuditAction.VIEW)
    assert entry.object_type == "recording.raw_data"
    assert entry.student_id == personas.student.id
    assert not any(name in str(vars(entry)) for name in NAMES)


def test_data_link_on_each_measure_of_the_plan(client_for: Any, personas: Personas) -> None:
    page = text(client_for(personas.assigned_para).get(reverse("plan_detail", args=[personas.plan.id])))
    for measure in Measure.objects.filter(plan=personas.plan):
        assert reverse("measure_data", args=[measure.id]) in page


def test_observation_rows_are_current_or_voided_records_only(personas: Personas) -> None:
    first = observation(personas)
    second = correction(first, "fix")
    found = raw_data.listing("observation", "", raw_data.observations_of([personas.measure]), 1)
    assert [row.record.pk for row in found.rows] == [second.pk]
    assert [version.record.pk for version in found.rows[0].history] == [first.pk]
    assert found.rows[0].history[0].replaced_by == second
    assert Observation.objects.current().get() == second
