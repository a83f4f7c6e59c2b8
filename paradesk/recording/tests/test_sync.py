"""The sync API: every kind accepted, stored once however often it is sent, each record checked on
its own (scope, plan in force, method facts, times), corrections that keep history, audit entries,
and a query count that does not grow with the batch."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from paradesk.access.models import ApiToken, AuditAction, AuditEntry
from paradesk.plans.actions import activate_plan, amend_plan
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    Measure,
    MeasureStatus,
    Method,
    PlanStatus,
    Service,
)
from paradesk.recording.models import (
    AbcIncident,
    AccommodationDelivery,
    CareLogEntry,
    CaseManagerNote,
    Observation,
    ServiceLog,
    Session,
)
from paradesk.recording.tests.sync_records import (
    SYNC_URL,
    TRIALS_FACTS,
    abc_incident,
    accommodation_delivery,
    care_log,
    envelope,
    iso,
    minutes_ago,
    note,
    observation,
    send,
    service_log,
    session,
    statuses,
)
from paradesk.testing import MeasureFactory, Personas, PlanFactory, StudentFactory, signed_in

pytestmark = pytest.mark.django_db


def count_measure(personas: Personas) -> Measure:
    return Measure.objects.get(plan=personas.plan, method=Method.COUNT)


def one_of_each(personas: Personas) -> list[dict[str, Any]]:
    student = personas.student
    first = session(student)
    return [
        first,
        observation(first, personas.measure, TRIALS_FACTS),
        observation(first, count_measure(personas), {"events": [5.0, 70.5, 300]}),
        abc_incident(student, AbcOption.objects.get(plan=personas.plan), intensity=3),
        accommodation_delivery(Accommodation.objects.get(plan=personas.plan)),
        service_log(Service.objects.get(plan=personas.plan)),
        care_log(student),
        note(student),
    ]


# Every kind --------------------------------------------------------------------------------------------


def test_each_kind_is_accepted_and_stored_with_its_audit_entry(personas: Personas) -> None:
    records = one_of_each(personas)
    answer = send(signed_in(personas.assigned_para), records)
    assert statuses(answer) == ["accepted"] * len(records)
    assert [r["id"] for r in answer["results"]] == [r["id"] for r in records]
    for model, count in [
        (Session, 1),
        (Observation, 2),
        (AbcIncident, 1),
        (AccommodationDelivery, 1),
        (ServiceLog, 1),
        (CareLogEntry, 1),
        (CaseManagerNote, 1),
    ]:
        rows = model._default_manager.filter(recorded_by=personas.assigned_para, student=personas.student)
        assert rows.count() == count, model
    creates = AuditEntry.objects.filter(action=AuditAction.CREATE, actor=personas.assigned_para)
    assert sorted(creates.values_list("object_id", flat=True)) == sorted(r["id"] for r in records)
    assert all(e.student_id == personas.student.id and e.via == "api" for e in creates)
    assert creates.filter(object_type="recording.observation").count() == 2


def test_observation_gets_the_session_value_of_its_method(personas: Personas) -> None:
    records = one_of_each(personas)[:3]
    send(signed_in(personas.assigned_para), records)
    # Trials: 1 of 4 correct at or below the goal support level (independent) = 25%.
    assert Observation.objects.get(id=records[1]["id"]).value == 25.0
    # Count: three events.
    assert Observation.objects.get(id=records[2]["id"]).value == 3.0
    stored = Observation.objects.get(id=records[1]["id"])
    assert stored.plan_id == personas.plan.id
    assert stored.device == "tablet-7"
    assert stored.received_at is not None


def test_case_manager_and_provider_record_too(personas: Personas) -> None:
    for staff in (personas.case_manager, personas.provider):
        answer = send(signed_in(staff), [note(personas.student)])
        assert statuses(answer) == ["accepted"]


# Exactly once ------------------------------------------------------------------------------------------


def test_the_same_batch_sent_three_times_is_stored_once(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    records = one_of_each(personas)
    answers = [send(client, records) for _ in range(3)]
    assert statuses(answers[0]) == ["accepted"] * len(records)
    assert statuses(answers[1]) == statuses(answers[2]) == ["duplicate"] * len(records)
    assert Session.objects.count() == 1
    assert Observation.objects.count() == 2
    assert CaseManagerNote.objects.count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, actor=personas.assigned_para).count() == 8


def test_a_duplicate_id_never_overwrites_even_with_other_content(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    first = note(personas.student)
    send(client, [first])
    answer = send(client, [{**first, "text": "Changed later"}])
    assert statuses(answer) == ["duplicate"]
    assert CaseManagerNote.objects.get(id=first["id"]).text == "Great morning, 3 new words."


def test_an_id_used_by_someone_else_is_rejected_without_saying_more(personas: Personas) -> None:
    first = note(personas.student)
    send(signed_in(personas.case_manager), [first])
    answer = send(signed_in(personas.assigned_para), [first])
    assert statuses(answer) == ["rejected"]
    assert "already used" in answer["results"][0]["reason"]
    assert CaseManagerNote.objects.get(id=first["id"]).recorded_by == personas.case_manager


def test_an_id_another_district_holds_is_rejected_not_a_server_error(personas: Personas) -> None:
    """Stored records are looked for in the caller's district; an id held in another district makes
    the insert collide, and the retry, which looks in every district, answers "already used"."""
    first = note(personas.student)
    send(signed_in(personas.case_manager), [first])
    elsewhere = personas.other_district_admin.district_id
    CaseManagerNote.objects.filter(id=first["id"]).update(district_id=elsewhere)
    answer = send(signed_in(personas.assigned_para), [first])
    assert statuses(answer) == ["rejected"]
    assert "already used" in answer["results"][0]["reason"]
    assert CaseManagerNote.objects.get(id=first["id"]).district_id == elsewhere


def test_the_same_id_twice_in_one_batch_is_stored_once(personas: Personas) -> None:
    first = note(personas.student)
    answer = send(signed_in(personas.assigned_para), [first, first])
    assert statuses(answer) == ["accepted", "duplicate"]
    assert CaseManagerNote.objects.count() == 1


def test_an_id_names_one_record_of_one_kind(personas: Personas, client_for: Any) -> None:
    """A para's note may not take a teacher's session id (then the teacher's void would hit one and
    the other could never be voided), nor can one batch use one id for two kinds."""
    teacher_session = session(personas.student)
    assert statuses(send(signed_in(personas.case_manager), [teacher_session])) == ["accepted"]
    borrowed = note(personas.student, id=teacher_session["id"])
    answer = send(signed_in(personas.assigned_para), [borrowed])
    assert statuses(answer) == ["rejected"]
    assert answer["results"][0]["errors"] == {"id": ["This id is already used by another record."]}
    own_session = session(personas.student)
    twin = note(personas.student, id=own_session["id"])
    assert statuses(send(signed_in(personas.assigned_para), [own_session, twin])) == ["accepted", "rejected"]
    assert not CaseManagerNote.objects.exists()
    voided = client_for(personas.case_manager).post(
        f"/api/v1/records/{teacher_session['id']}/void",
        {"kind": "session", "reason": "entered twice"},
        content_type="application/json",
    )
    assert voided.status_code == 200, voided.content
    assert Session.objects.get(id=teacher_session["id"]).voided_at is not None


# One bad record never loses the others ---------------------------------------------------------------


def test_mixed_batch_keeps_the_good_records(personas: Personas) -> None:
    good = note(personas.student)
    broken_facts = observation(
        session(personas.student), personas.measure, {"trials": [{"response": "maybe"}]}
    )
    missing_field = {k: v for k, v in note(personas.student).items() if k != "text"}
    unknown_kind = {"kind": "diary", "id": str(uuid.uuid4())}
    records: list[Any] = [
        good,
        broken_facts,
        missing_field,
        "not an object",
        unknown_kind,
        care_log(personas.student),
    ]
    answer = send(signed_in(personas.assigned_para), records)
    assert statuses(answer) == ["accepted", "rejected", "rejected", "rejected", "rejected", "accepted"]
    results = answer["results"]
    assert "session_id" in results[1]["errors"]  # its session was never sent
    assert "text" in results[2]["errors"]
    assert results[3]["id"] is None
    assert "kind" in results[4]["errors"]
    assert CaseManagerNote.objects.count() == 1
    assert CareLogEntry.objects.count() == 1


def test_facts_that_do_not_fit_the_method_are_named_by_field(personas: Personas) -> None:
    first = session(personas.student)
    facts = {"trials": [{"response": "correct", "prompt": "telepathy"}]}
    answer = send(signed_in(personas.assigned_para), [first, observation(first, personas.measure, facts)])
    assert statuses(answer) == ["accepted", "rejected"]
    errors = answer["results"][1]["errors"]
    assert list(errors) == ["facts.trials.0.prompt"]
    assert "Trial 1" in errors["facts.trials.0.prompt"][0]
    assert Observation.objects.count() == 0


def test_envelope_errors_are_422(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    too_many = envelope([note(personas.student) for _ in range(501)])
    naive = {**envelope([]), "sent_at": "2026-10-01T10:00:00"}
    bodies: list[Any] = [
        [],
        {"device": "x", "sent_at": iso(timezone.now())},
        too_many,
        naive,
        {**envelope([]), "device": "d" * 65},
    ]
    for body in bodies:
        response = client.post(SYNC_URL, body, content_type="application/json")
        assert response.status_code == 422, body if not isinstance(body, dict) else list(body)
        assert "errors" in response.json()
    assert CaseManagerNote.objects.count() == 0


# Scope ------------------------------------------------------------------------------------------------


def test_unassigned_para_gets_not_found(personas: Personas) -> None:
    answer = send(signed_in(personas.unassigned_para), one_of_each(personas))
    assert set(statuses(answer)) == {"rejected"}
    assert answer["results"][0]["errors"] == {"student_id": ["Not found."]}
    assert Session.objects.count() == 0


@pytest.mark.parametrize("persona", ["gen_ed_teacher", "school_admin", "district_admin"])
def test_those_who_only_read_cannot_record(personas: Personas, persona: str) -> None:
    answer = send(signed_in(getattr(personas, persona)), [note(personas.student), care_log(personas.student)])
    assert statuses(answer) == ["rejected", "rejected"]
    assert "not record" in answer["results"][0]["reason"]
    assert CaseManagerNote.objects.count() == 0


def test_other_district_admin_gets_not_found(personas: Personas) -> None:
    answer = send(signed_in(personas.other_district_admin), [note(personas.student)])
    assert answer["results"][0]["errors"] == {"student_id": ["Not found."]}


def test_unknown_ids_look_like_invisible_ones(personas: Personas) -> None:
    client = signed_in(personas.unassigned_para)
    unknown = send(client, [note(personas.student, student_id=str(uuid.uuid4()))])
    invisible = send(client, [note(personas.student)])
    strip = [{k: v for k, v in r.items() if k != "id"} for r in unknown["results"] + invisible["results"]]
    assert strip[0] == strip[1]


def test_measure_of_another_student_is_not_found(personas: Personas) -> None:
    other = StudentFactory.create(school=personas.school)
    first = session(personas.student)
    plan = PlanFactory.create(student=other, created_by=personas.case_manager)
    foreign = MeasureFactory.create(goal__plan=plan)
    answer = send(signed_in(personas.assigned_para), [first, observation(first, foreign, TRIALS_FACTS)])
    assert statuses(answer) == ["accepted", "rejected"]
    assert answer["results"][1]["errors"] == {"measure_id": ["Not found."]}


def test_discontinued_measure_is_rejected(personas: Personas) -> None:
    Measure.objects.filter(pk=personas.measure.pk).update(status=MeasureStatus.DISCONTINUED)
    first = session(personas.student)
    answer = send(
        signed_in(personas.assigned_para), [first, observation(first, personas.measure, TRIALS_FACTS)]
    )
    assert statuses(answer) == ["accepted", "rejected"]
    assert "discontinued" in answer["results"][1]["errors"]["measure_id"][0]


def test_draft_plans_measure_is_rejected(personas: Personas) -> None:
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="new goal")
    drafted = Measure.objects.get(plan=draft, carried_from=personas.measure)
    first = session(personas.student)
    answer = send(signed_in(personas.assigned_para), [first, observation(first, drafted, TRIALS_FACTS)])
    assert statuses(answer) == ["accepted", "rejected"]
    assert "not in force" in answer["results"][1]["errors"]["measure_id"][0]


def test_ended_version_accepts_what_was_recorded_while_in_force(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    before = session(personas.student, at=minutes_ago(30))
    early = observation(before, personas.measure, TRIALS_FACTS)
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="amended")
    activate_plan(actor=personas.case_manager, plan=draft)
    personas.plan.refresh_from_db()
    assert personas.plan.status == PlanStatus.ENDED
    after = session(personas.student, at=timezone.now() + datetime.timedelta(seconds=1))
    late = observation(after, personas.measure, TRIALS_FACTS)
    answer = send(client, [before, early, after, late])
    assert statuses(answer) == ["accepted", "accepted", "accepted", "rejected"]
    assert Observation.objects.get().plan_id == personas.plan.id


def test_observation_needs_the_callers_own_session(personas: Personas) -> None:
    theirs = session(personas.student)
    send(signed_in(personas.case_manager), [theirs])
    answer = send(signed_in(personas.assigned_para), [observation(theirs, personas.measure, TRIALS_FACTS)])
    assert answer["results"][0]["errors"] == {"session_id": ["Not found."]}


def test_session_sent_in_an_earlier_batch_is_found(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    first = session(personas.student)
    send(client, [first])
    answer = send(client, [observation(first, personas.measure, TRIALS_FACTS)])
    assert statuses(answer) == ["accepted"]


def test_abc_codes_must_be_of_the_right_category(personas: Personas) -> None:
    antecedent = AbcOption.objects.get(plan=personas.plan)
    wrong = abc_incident(personas.student, behavior_codes=[str(antecedent.id)])
    answer = send(signed_in(personas.assigned_para), [wrong])
    assert list(answer["results"][0]["errors"]) == ["behavior_codes"]


def test_service_log_missed_needs_a_reason_and_delivered_has_none(personas: Personas) -> None:
    service = Service.objects.get(plan=personas.plan)
    records = [
        service_log(service, status="missed", minutes=0),
        service_log(service, status="delivered", missed_reason="student_absent"),
        service_log(service, status="missed", minutes=0, missed_reason="student_absent"),
    ]
    answer = send(signed_in(personas.assigned_para), records)
    assert statuses(answer) == ["rejected", "rejected", "accepted"]
    assert list(answer["results"][0]["errors"]) == ["missed_reason"]


def test_session_that_ends_before_it_starts_is_rejected(personas: Personas) -> None:
    backwards = session(personas.student)
    backwards["started_at"], backwards["ended_at"] = backwards["ended_at"], backwards["started_at"]
    answer = send(signed_in(personas.assigned_para), [backwards])
    assert list(answer["results"][0]["errors"]) == ["ended_at"]


def test_record_for_someone_else_on_a_shared_device_is_rejected(personas: Personas) -> None:
    answer = send(
        signed_in(personas.assigned_para), [note(personas.student, staff_id=str(personas.case_manager.id))]
    )
    assert list(answer["results"][0]["errors"]) == ["staff_id"]


# Clocks -------------------------------------------------------------------------------------------------


def test_times_in_the_future_are_rejected(personas: Personas) -> None:
    soon = timezone.now() + datetime.timedelta(minutes=10)
    records = [
        note(personas.student, recorded_at=iso(soon)),
        care_log(personas.student, occurred_at=iso(soon)),
    ]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    records.append(service_log(Service.objects.get(plan=personas.plan), date=tomorrow))
    records.append(note(personas.student, recorded_at=iso(timezone.now() + datetime.timedelta(minutes=4))))
    answer = send(signed_in(personas.assigned_para), records)
    assert statuses(answer) == ["rejected", "rejected", "rejected", "accepted"]
    assert list(answer["results"][0]["errors"]) == ["recorded_at"]
    assert list(answer["results"][1]["errors"]) == ["occurred_at"]
    assert list(answer["results"][2]["errors"]) == ["date"]


def test_implausible_times_are_rejected_with_a_reason(personas: Personas) -> None:
    """A session dated 1900, one lasting 56 years, an observation longer than a school day and a
    service log a year and a half ago are refused, each with its reason; a record made yesterday
    and a session of a whole (long) school day are kept."""
    now = timezone.now()
    ancient = session(personas.student, at=datetime.datetime(1900, 1, 1, 9, tzinfo=datetime.UTC))
    ancient["recorded_at"] = iso(now)
    endless = session(personas.student)
    endless["started_at"] = iso(now - datetime.timedelta(days=56 * 365))
    long_day = session(personas.student)
    long_day["started_at"] = iso(now - datetime.timedelta(hours=11, minutes=59))
    too_long = observation(long_day, personas.measure, TRIALS_FACTS)
    too_long["started_at"] = iso(now - datetime.timedelta(hours=13))
    old_log = service_log(
        Service.objects.get(plan=personas.plan),
        date=(timezone.localdate() - datetime.timedelta(days=550)).isoformat(),
    )
    yesterday = note(personas.student, recorded_at=iso(now - datetime.timedelta(days=1)))
    answer = send(
        signed_in(personas.assigned_para), [ancient, endless, long_day, too_long, old_log, yesterday]
    )
    assert statuses(answer) == ["rejected", "rejected", "accepted", "rejected", "rejected", "accepted"]
    results = answer["results"]
    assert set(results[0]["errors"]) == {"started_at", "ended_at"}
    assert "check the device's date" in results[0]["errors"]["started_at"][0]
    assert "longer than a school day" in " ".join(results[1]["errors"]["ended_at"])
    assert "longer than a school day" in " ".join(results[3]["errors"]["ended_at"])
    assert list(results[4]["errors"]) == ["date"]
    assert not Session.objects.filter(started_at__year__lt=2000).exists()


def test_a_clock_decades_off_is_read_record_by_record_but_past_sixty_years_the_batch_is_422(
    personas: Personas,
) -> None:
    """A clock reset to 1970 still gets each record answered (too old). One 61 years ahead would
    store a skew too large for its column (a 500 on PostgreSQL), and one at the end of the calendar
    cannot be put on the server's clock (a 500 everywhere): both are the envelope's fault, 422."""
    client = signed_in(personas.assigned_para)
    epoch = datetime.datetime(1970, 1, 1, 8, 0, tzinfo=datetime.UTC)
    answer = send(client, [note(personas.student, recorded_at=iso(epoch))], sent_at=epoch)
    assert statuses(answer) == ["rejected"]
    assert answer["clock_skew_seconds"] < -56 * 365 * 86400
    ahead = timezone.now() + datetime.timedelta(days=61 * 365)
    for sent_at in [iso(ahead), "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"]:
        body = {**envelope([note(personas.student)]), "sent_at": sent_at}
        response = client.post(SYNC_URL, body, content_type="application/json")
        assert response.status_code == 422, sent_at
        assert "more than 60 years off" in response.json()["errors"]["sent_at"][0]
    assert CaseManagerNote.objects.count() == 0


def test_a_time_after_the_devices_own_clock_is_rejected_even_if_the_server_is_later(
    personas: Personas,
) -> None:
    """A device whose clock is an hour behind sends at (its) 9:00 a record made at (its) 9:30."""
    device_now = timezone.now() - datetime.timedelta(hours=1)
    late = note(personas.student, recorded_at=iso(device_now + datetime.timedelta(minutes=30)))
    answer = send(signed_in(personas.assigned_para), [late], sent_at=device_now)
    assert statuses(answer) == ["rejected"]


def test_clock_skew_is_flagged_and_the_device_times_are_kept(personas: Personas) -> None:
    device_now = timezone.now() - datetime.timedelta(hours=1)
    recorded = device_now - datetime.timedelta(minutes=5)
    answer = send(
        signed_in(personas.assigned_para),
        [note(personas.student, recorded_at=iso(recorded))],
        sent_at=device_now,
    )
    assert statuses(answer) == ["accepted"]
    assert answer["clock_skew_flagged"] is True
    assert -3610 < answer["clock_skew_seconds"] < -3590
    stored = CaseManagerNote.objects.get()
    assert stored.recorded_at == recorded
    assert stored.clock_skew_seconds == answer["clock_skew_seconds"]


def test_small_skew_is_not_flagged(personas: Personas) -> None:
    answer = send(signed_in(personas.assigned_para), [note(personas.student)])
    assert answer["clock_skew_flagged"] is False
    assert abs(answer["clock_skew_seconds"]) <= 2


# Corrections ----------------------------------------------------------------------------------------------


def correction(
    of: dict[str, Any], reason: str = "Tapped the wrong student's note", **fields: Any
) -> dict[str, Any]:
    fixed = {**of, "id": str(uuid.uuid4()), "recorded_at": iso(timezone.now()), **fields}
    return {**fixed, "corrects": of["id"], "correction_reason": reason}


def test_correction_keeps_history(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    first = note(personas.student)
    send(client, [first])
    fixed = correction(first, text="Great morning, 4 new words.")
    answer = send(client, [fixed])
    assert statuses(answer) == ["accepted"]
    original = CaseManagerNote.objects.get(id=first["id"])
    new = CaseManagerNote.objects.get(id=fixed["id"])
    assert original.superseded_at is not None
    assert original.text == "Great morning, 3 new words."
    assert new.corrects_id == original.id and new.correction_reason == "Tapped the wrong student's note"
    assert list(CaseManagerNote.objects.current()) == [new]
    corrected = AuditEntry.objects.get(action=AuditAction.CORRECT)
    assert (corrected.object_id, corrected.changed_fields) == (first["id"], ["superseded_at"])
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=fixed["id"]).exists()


def test_correction_in_the_same_batch_as_the_original(personas: Personas) -> None:
    first = care_log(personas.student)
    fixed = correction(first, care_kind="feeding")
    answer = send(signed_in(personas.assigned_para), [first, fixed])
    assert statuses(answer) == ["accepted", "accepted"]
    assert CareLogEntry.objects.get(id=first["id"]).superseded_at is not None


def test_second_correction_must_correct_the_latest(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    first = note(personas.student)
    fixed = correction(first)
    send(client, [first, fixed])
    again = send(client, [correction(first)])
    assert statuses(again) == ["rejected"]
    assert "latest" in again["results"][0]["errors"]["corrects"][0]
    assert statuses(send(client, [correction(fixed)])) == ["accepted"]


def test_correction_by_someone_else_is_rejected(personas: Personas) -> None:
    first = note(personas.student)
    send(signed_in(personas.assigned_para), [first])
    answer = send(signed_in(personas.case_manager), [correction(first)])
    assert statuses(answer) == ["rejected"]
    assert answer["results"][0]["errors"] == {"corrects": ["Not found."]}
    assert CaseManagerNote.objects.get(id=first["id"]).superseded_at is None


def test_correction_on_another_day_is_rejected(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    first = note(personas.student, recorded_at=iso(timezone.now() - datetime.timedelta(days=2)))
    send(client, [first])
    answer = send(client, [correction(first)])
    assert "school day" in answer["results"][0]["errors"]["corrects"][0]


def test_correction_without_a_reason_is_rejected(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    first = note(personas.student)
    send(client, [first])
    answer = send(client, [correction(first, reason="  ")])
    assert list(answer["results"][0]["errors"]) == ["correction_reason"]


def test_correction_of_a_voided_record_is_rejected(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    first = note(personas.student)
    send(client, [first])
    CaseManagerNote.objects.filter(id=first["id"]).update(voided_at=timezone.now(), void_reason="wrong")
    answer = send(client, [correction(first)])
    assert statuses(answer) == ["rejected"]


# Doors ------------------------------------------------------------------------------------------------------


def test_bearer_token_works(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.assigned_para, "tablet")
    answer = send(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), [note(personas.student)])
    assert statuses(answer) == ["accepted"]


def test_session_needs_the_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.assigned_para)
    body = envelope([note(personas.student)])
    refused = client.post(SYNC_URL, body, content_type="application/json")
    assert refused.status_code == 403
    token = "csrfsecretcsrfsecretcsrfsecret12"  # what the CSRF cookie holds, as a page would set it
    client.cookies["csrftoken"] = token
    accepted = client.post(SYNC_URL, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200
    assert statuses(accepted.json()) == ["accepted"]


def test_anonymous_is_401(personas: Personas) -> None:
    response = Client().post(SYNC_URL, envelope([note(personas.student)]), content_type="application/json")
    assert response.status_code == 401
    assert CaseManagerNote.objects.count() == 0


def test_openapi_documents_the_operation_its_kinds_and_errors() -> None:
    from paradesk.api import API_ROUTES, api

    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/sync"]["post"]
    assert operation["operationId"] == "sync_records"
    assert {"200", "401", "403", "404", "422"} <= {str(code) for code in operation["responses"]}
    assert "sync_records" in API_ROUTES
    records = schema["components"]["schemas"]["SyncIn"]["properties"]["records"]
    assert records["maxItems"] == 500
    kinds = set(records["items"]["discriminator"]["mapping"])
    assert kinds == {
        "session",
        "observation",
        "abc_incident",
        "accommodation_delivery",
        "service_log",
        "care_log",
        "note",
    }
    observation_schema = schema["components"]["schemas"]["ObservationIn"]
    assert {"session_id", "measure_id", "facts"} <= set(observation_schema["required"])


# Speed ------------------------------------------------------------------------------------------------------


def batch_of(personas: Personas, size: int) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while len(records) < size:
        records.extend(one_of_each(personas))
    return records[:size]


def test_query_count_does_not_grow_with_the_batch(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.assigned_para, "tablet")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    send(client, batch_of(personas, 3))  # the token's first use is noted once
    counts = []
    for size in (10, 200):
        records = batch_of(personas, size)
        with CaptureQueriesContext(connection) as queries:
            answer = send(client, records)
        assert statuses(answer) == ["accepted"] * size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
    # The lockout checks (by address and by token, django-axes) come before the token is read: 2 more.
    assert counts[1] <= 27, counts
