"""Schedule pages: sign-in, 403/404 by the project's rules, happy paths, htmx, audit, need-to-know."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.people.models import Assignment, TeamRole
from paradesk.plans.models import Service
from paradesk.schedules.models import (
    BellPeriod,
    CalendarDay,
    DayType,
    ParaBlock,
    Qualification,
    StaffQualification,
    SupportNeed,
    SupportType,
)
from paradesk.testing import (
    AssignmentFactory,
    ParaBlockFactory,
    Personas,
    PlanFactory,
    QualificationFactory,
    StudentFactory,
    bell_schedule_for,
    needs,
    period_of,
    persona_block,
    signed_in,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def block_data(personas: Personas, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "school": personas.school.id,
        "weekday": 1,
        "period": period_of(personas.school, "Period 3").id,
        "support_type": SupportType.ONE_TO_ONE,
        "students": [personas.student.id],
        "teacher": personas.gen_ed_teacher.id,
        "room": "Room 12",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    "name", ["my_schedule", "room_schedule", "service_minutes", "calendar_feeds", "bell_schedules"]
)
def test_pages_need_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_schedule_editor_answers_by_administrator_scope(personas: Personas, client: Client) -> None:
    persona_block(personas)
    url = reverse("para_schedule", args=[personas.assigned_para.id])
    assert signed_in(personas.gen_ed_teacher, client).get(url).status_code == 403
    assert signed_in(personas.assigned_para, client).get(url).status_code == 403
    assert signed_in(personas.other_school_admin, client).get(url).status_code == 404
    assert signed_in(personas.other_district_admin, client).get(url).status_code == 404

    response = signed_in(personas.school_admin, client).get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Zebulon Quillfeather" in page
    assert "Period 2" in page
    assert AuditEntry.objects.filter(
        actor=personas.school_admin, action=AuditAction.VIEW, student_id=personas.student.id
    ).exists()


def test_administrator_adds_a_block_and_every_write_is_audited_without_names(
    personas: Personas, client: Client
) -> None:
    bell_schedule_for(personas.school)
    client = signed_in(personas.school_admin, client)
    url = reverse("para_block_create", args=[personas.assigned_para.id])
    assert client.get(url).status_code == 200

    response = client.post(url, block_data(personas))

    assert response.status_code == 302
    block = ParaBlock.objects.get(para=personas.assigned_para)
    assert list(block.students.all()) == [personas.student]
    assert block.period == period_of(personas.school, "Period 3")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(block.id))
    assert entry.student_id == personas.student.id
    assert "Zebulon" not in str(AuditEntry.objects.values_list())

    edit = client.post(reverse("para_block_edit", args=[block.id]), block_data(personas, room="Room 14"))
    assert edit.status_code == 302
    block.refresh_from_db()
    assert block.room == "Room 14"
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(block.id), changed_fields=["room"]
    ).exists()

    removed = client.post(reverse("para_block_delete", args=[block.id]))
    assert removed.status_code == 302
    assert not ParaBlock.objects.filter(pk=block.pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(block.id)).exists()


def test_htmx_form_answers_with_the_form_alone_then_a_client_redirect(
    personas: Personas, client: Client
) -> None:
    persona_block(personas)  # Monday Period 2
    client = signed_in(personas.school_admin, client)
    url = reverse("para_block_create", args=[personas.assigned_para.id])

    clash = client.post(
        url, block_data(personas, weekday=0, period=period_of(personas.school, "Period 2").id), headers=HTMX
    )

    assert clash.status_code == 200
    text = clash.content.decode()
    assert "<html" not in text and "<form" in text
    assert "already in another block" in text
    saved = client.post(url, block_data(personas), headers=HTMX)
    assert saved.status_code == 200
    assert saved["HX-Redirect"] == reverse("para_schedule", args=[personas.assigned_para.id])


def test_one_to_one_with_an_unqualified_para_is_refused_a_group_block_saved_with_a_warning(
    personas: Personas, client: Client
) -> None:
    bell_schedule_for(personas.school)
    lifting = QualificationFactory.create(district=personas.district, name="Lifting and toileting")
    needs(personas.student, lifting)
    client = signed_in(personas.school_admin, client)
    url = reverse("para_block_create", args=[personas.assigned_para.id])

    refused = client.post(url, block_data(personas))
    assert refused.status_code == 200
    assert "Lifting and toileting" in refused.content.decode()
    assert not ParaBlock.objects.exists()

    warned = client.post(url, block_data(personas, support_type=SupportType.SMALL_GROUP), follow=True)
    assert warned.status_code == 200
    assert ParaBlock.objects.count() == 1
    assert any("Lifting and toileting" in str(m) for m in warned.context["messages"])


def test_para_sees_their_week_naming_only_students_they_may_see(personas: Personas, client: Client) -> None:
    persona_block(personas)
    stranger = StudentFactory.create(school=personas.school, first_name="Ottoline", last_name="Marchbanks")
    ParaBlockFactory.create(
        school=personas.school, para=personas.assigned_para, weekday=3, students=[personas.student, stranger]
    )

    page = signed_in(personas.assigned_para, client).get(reverse("my_schedule")).content.decode()

    assert "Zebulon Quillfeather" in page
    assert "Ottoline" not in page and "a student" in page
    assert not AuditEntry.objects.filter(student_id=stranger.id).exists()
    assert AuditEntry.objects.filter(actor=personas.assigned_para, student_id=personas.student.id).exists()


def test_teacher_sees_who_is_in_their_room(personas: Personas, client: Client) -> None:
    persona_block(personas)
    stranger = StudentFactory.create(school=personas.school, first_name="Ottoline", last_name="Marchbanks")
    ParaBlockFactory.create(
        school=personas.school,
        para=personas.unassigned_para,
        weekday=4,
        teacher=personas.gen_ed_teacher,
        students=[stranger],
    )
    ParaBlockFactory.create(school=personas.school, para=personas.unassigned_para, weekday=2)  # not theirs

    response = signed_in(personas.gen_ed_teacher, client).get(reverse("room_schedule"))

    page = response.content.decode()
    assert "Maria Assigned" in page and "Jason Unassigned" in page
    assert "Zebulon Quillfeather" in page  # enrolled in the teacher's class
    assert "Ottoline" not in page
    assert page.count("<tr>") == 2 * 2  # two blocks on two days, each day a header row and a block


def test_day_type_with_overlapping_periods_is_refused_with_a_clear_message(
    personas: Personas, client: Client
) -> None:
    schedule = bell_schedule_for(personas.school)
    client = signed_in(personas.school_admin, client)
    url = reverse("day_type_create", args=[schedule.id])
    data = {
        "name": "Assembly day",
        "kind": "other",
        "order": 3,
        "periods-TOTAL_FORMS": 2,
        "periods-INITIAL_FORMS": 0,
        "periods-0-name": "Period 1",
        "periods-0-start": "08:00",
        "periods-0-end": "09:00",
        "periods-0-order": 0,
        "periods-1-name": "Assembly",
        "periods-1-start": "08:45",
        "periods-1-end": "09:30",
        "periods-1-order": 1,
    }

    refused = client.post(url, data)

    assert refused.status_code == 200
    expected = "Assembly (08:45\N{EN DASH}09:30) overlaps Period 1 (08:00\N{EN DASH}09:00)"
    assert expected in refused.content.decode()
    assert not DayType.objects.filter(name="Assembly day").exists()
    data["periods-1-start"] = "09:00"
    assert client.post(url, data).status_code == 302
    assert BellPeriod.objects.filter(day_type__name="Assembly day").count() == 2


def test_administrator_closes_a_stretch_of_dates(personas: Personas, client: Client) -> None:
    schedule = bell_schedule_for(personas.school)
    client = signed_in(personas.school_admin, client)
    data = {
        "start": "2026-12-21",
        "end": "2027-01-01",
        "what": "closed",
        "closure_reason": "break",
        "note": "Winter break",
    }

    response = client.post(reverse("calendar_days_set", args=[schedule.id]), data)

    assert response.status_code == 302
    assert CalendarDay.objects.filter(bell_schedule=schedule, closed=True).count() == 10  # weekdays only
    page = client.get(reverse("bell_schedule_detail", args=[schedule.id])).content.decode()
    assert "Winter break" in page


def test_case_manager_sets_support_needs_others_read_or_are_refused(
    personas: Personas, client: Client
) -> None:
    aac = QualificationFactory.create(district=personas.district, name="Core-word AAC device")
    lifting = QualificationFactory.create(district=personas.district, name="Lifting and toileting")
    edit = reverse("support_needs_set", args=[personas.student.id])
    key = f"q_{aac.pk.hex}"

    assert signed_in(personas.school_admin, client).post(edit, {key: "one_to_one"}).status_code == 403
    assert (
        signed_in(personas.gen_ed_teacher, client)
        .get(reverse("support_needs", args=[personas.student.id]))
        .status_code
        == 403
    )
    assert signed_in(personas.unassigned_para, client).get(edit).status_code == 404
    response = signed_in(personas.case_manager, client).post(
        edit, {key: "one_to_one", f"q_{lifting.pk.hex}": ""}
    )

    assert response.status_code == 302
    need = SupportNeed.objects.get(student=personas.student)
    assert (need.qualification, need.applies_to) == (aac, "one_to_one")
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, student_id=personas.student.id, object_id=str(need.id)
    ).exists()
    signed_in(personas.case_manager, client).post(edit, {key: "any"})
    need.refresh_from_db()
    assert need.applies_to == ""
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, student_id=personas.student.id, changed_fields=["applies_to"]
    ).exists()
    page = signed_in(personas.assigned_para, client).get(reverse("support_needs", args=[personas.student.id]))
    assert "Core-word AAC device" in page.content.decode()


def test_district_administrators_keep_the_catalogue_and_grant_qualifications(
    personas: Personas, client: Client
) -> None:
    assert (
        signed_in(personas.school_admin, client).post(reverse("qualifications"), {"name": "CPR"}).status_code
        == 403
    )
    client = signed_in(personas.district_admin, client)
    assert client.post(reverse("qualifications"), {"name": "CPR", "active": "on"}).status_code == 302
    cpr = Qualification.objects.get(district=personas.district, name="CPR")
    assert (
        client.post(reverse("qualifications"), {"name": "cpr", "active": "on"}).status_code == 200
    )  # duplicate

    url = reverse("staff_qualifications", args=[personas.assigned_para.id])
    response = client.post(url, {"qualification": cpr.id, "expires_on": "2027-06-30"})

    assert response.status_code == 302
    held = StaffQualification.objects.get(staff=personas.assigned_para)
    assert held.expires_on == datetime.date(2027, 6, 30)
    assert signed_in(personas.other_school_admin, client).get(url).status_code == 404


def test_minutes_page_for_a_school_administrator_and_for_a_case_manager(
    personas: Personas, client: Client
) -> None:
    bell_schedule_for(personas.school)
    elsewhere = StudentFactory.create(school=personas.other_school, first_name="Ottoline")
    PlanFactory.create(student=elsewhere)

    admin_page = signed_in(personas.school_admin, client).get(reverse("service_minutes")).content.decode()
    assert "Zebulon Quillfeather" in admin_page and "Ottoline" not in admin_page
    case_page = signed_in(personas.case_manager, client).get(reverse("service_minutes")).content.decode()
    assert "Zebulon Quillfeather" in case_page
    para_page = signed_in(personas.assigned_para, client).get(reverse("service_minutes")).content.decode()
    assert "Zebulon" not in para_page
    htmx = signed_in(personas.school_admin, client).get(reverse("service_minutes"), headers=HTMX)
    assert "<html" not in htmx.content.decode() and 'id="minutes-report"' in htmx.content.decode()


def test_minutes_page_highlights_a_student_below_100_percent(personas: Personas, client: Client) -> None:
    bell_schedule_for(personas.school)
    page = (
        signed_in(personas.case_manager, client)
        .get(reverse("service_minutes"), {"start": "2026-10-05", "end": "2026-10-09", "school": "caseload"})
        .content.decode()
    )
    assert 'class="below"' in page
    assert "150 min not logged" in page


def test_minutes_page_query_count_does_not_grow_with_students(personas: Personas, client: Client) -> None:
    bell_schedule_for(personas.school)
    client = signed_in(personas.case_manager, client)

    def add_students(count: int) -> None:
        for student in StudentFactory.create_batch(count, school=personas.school):
            AssignmentFactory.create(
                student=student, staff=personas.case_manager, team_role=TeamRole.CASE_MANAGER
            )
            plan = PlanFactory.create(student=student)
            Service.objects.create(
                district=student.district,
                plan=plan,
                kind="adult_support",
                name="Support",
                provider_role="Para",
                minutes=30,
                frequency=5,
                setting="Class",
                start_date=plan.start_date,
                end_date=plan.end_date,
            )
            ParaBlockFactory.create(school=personas.school, para=personas.assigned_para, students=[student])

    url = reverse("service_minutes")
    add_students(1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"school": "caseload"}).status_code == 200
    add_students(5)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"school": "caseload"})
    assert len(response.context["report"].rows) == 7
    assert Assignment.objects.filter(staff=personas.case_manager).count() == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_duplicate_day_type_name_comes_back_beside_the_name(personas: Personas, client: Client) -> None:
    schedule = bell_schedule_for(personas.school)
    taken = DayType.objects.filter(bell_schedule=schedule).first()
    assert taken is not None
    client = signed_in(personas.school_admin, client)
    data = {"name": taken.name, "kind": "other", "order": 3, "periods-TOTAL_FORMS": 0}
    data |= {"periods-INITIAL_FORMS": 0}

    refused = client.post(reverse("day_type_create", args=[schedule.id]), data)

    assert refused.status_code == 200
    assert "name" in refused.context["form"].errors
    assert DayType.objects.filter(bell_schedule=schedule, name=taken.name).count() == 1
