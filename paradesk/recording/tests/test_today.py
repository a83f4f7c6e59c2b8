"""The para's Today page: who she supports today, which measures are due, what is recorded so far.

Due dates are worked by hand in the school's time zone (America/Chicago, UTC-6 in November):
Wednesday 18 November 2026 at 15:00 UTC is 09:00 in Chicago; its week runs Monday 16 to Sunday 22.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.people.models import Staff, TeamRole
from paradesk.plans.models import Measure, MeasureStatus, ScheduleKind
from paradesk.recording.models import Observation, Session
from paradesk.recording.today import SchoolDay, today_for
from paradesk.schedules.models import DutyKind, SupportType
from paradesk.schedules.occurrences import DayBlock
from paradesk.testing import (
    AssignmentFactory,
    MeasureFactory,
    ParaBlockFactory,
    Personas,
    PlanFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # Wednesday 09:00 in Chicago


def observe(
    measure: Measure, staff: Staff, at: datetime.datetime, session: Session | None = None
) -> Observation:
    """A current observation of the measure starting at a moment (and its session, unless given)."""
    student = measure.plan.student
    common = {
        "district": student.district,
        "student": student,
        "recorded_by": staff,
        "recorded_at": at,
        "received_at": at,
    }
    if session is None:
        session = Session.objects.create(
            id=uuid.uuid4(), started_at=at, ended_at=at + datetime.timedelta(minutes=5), **common
        )
    return Observation.objects.create(
        id=uuid.uuid4(),
        session=session,
        plan=measure.plan,
        measure=measure,
        started_at=at,
        ended_at=at + datetime.timedelta(minutes=5),
        facts={"trials": []},
        **common,
    )


def measures_by_name(staff: Staff, now: datetime.datetime = NOW) -> dict[str, tuple[bool, int, int]]:
    day = today_for(staff, now)
    return {
        item.name: (item.due, item.recorded_today, item.sessions_this_week)
        for student in day.students
        for item in student.measures
    }


def test_today_needs_sign_in(client: Client) -> None:
    response = client.get(reverse("today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_para_lands_on_today(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.assigned_para).get(reverse("home"))
    assert response["Location"] == reverse("today")


def test_para_sees_only_her_assigned_students(personas: Personas, client_for: Any) -> None:
    other = StudentFactory.create(school=personas.school, last_name="Notmine")
    AssignmentFactory.create(student=other, staff=personas.unassigned_para)
    page = client_for(personas.assigned_para).get(reverse("today")).content.decode()
    assert "Quillfeather" in page
    assert "Notmine" not in page
    other_page = client_for(personas.unassigned_para).get(reverse("today")).content.decode()
    assert "Notmine" in other_page
    assert "Quillfeather" not in other_page


def test_page_embeds_offline_data_for_the_device(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.assigned_para).get(reverse("today"))
    data = response.context["today_data"]
    assert data["staff"] == {"id": str(personas.assigned_para.id)}
    assert data["sync_url"] == "/api/v1/sync"
    (student,) = data["students"]
    assert student["id"] == str(personas.student.id)
    assert student["snapshot"]["triggers"] == "Loud bells"
    trials = next(m for m in student["measures"] if m["id"] == str(personas.measure.id))
    assert trials["method"] == "trials"
    assert trials["trials_per_session"] == 10
    assert trials["due"] is True and trials["recorded_today"] == 0
    assert "observation_window" in trials
    assert [d["what_to_say"] for d in student["directions"]] == ["Read this word."]
    assert student["abc_options"]["antecedent"][0]["label"] == "Transition announced"
    embedded = re.search(r'<script id="today-data"[^>]*>(.*?)</script>', response.content.decode(), re.S)
    assert embedded is not None
    assert json.loads(embedded.group(1))["students"][0]["id"] == str(personas.student.id)


def test_daily_measure_is_due_until_an_observation_today_in_the_school_time_zone(personas: Personas) -> None:
    para = personas.assigned_para
    # 05:30 UTC on the 18th is 23:30 on the 17th in Chicago: yesterday there.
    observe(personas.measure, para, datetime.datetime(2026, 11, 18, 5, 30, tzinfo=UTC))
    assert measures_by_name(para)[personas.measure.name] == (True, 0, 1)
    # 07:00 UTC on the 18th is 01:00 on the 18th in Chicago: today.
    observe(personas.measure, para, datetime.datetime(2026, 11, 18, 7, 0, tzinfo=UTC))
    assert measures_by_name(para)[personas.measure.name] == (False, 1, 2)


def test_an_observation_by_anyone_on_the_team_counts(personas: Personas) -> None:
    observe(personas.measure, personas.case_manager, NOW - datetime.timedelta(hours=1))
    assert measures_by_name(personas.assigned_para)[personas.measure.name] == (False, 1, 1)


def test_voided_and_superseded_observations_do_not_count(personas: Personas) -> None:
    voided = observe(personas.measure, personas.assigned_para, NOW - datetime.timedelta(hours=1))
    voided.voided_at = NOW
    voided.save()
    superseded = observe(personas.measure, personas.assigned_para, NOW - datetime.timedelta(hours=1))
    superseded.superseded_at = NOW
    superseded.save()
    assert measures_by_name(personas.assigned_para)[personas.measure.name] == (True, 0, 0)


def test_per_week_measure_is_due_until_the_week_holds_enough_sessions(personas: Personas) -> None:
    para = personas.assigned_para
    measure = personas.measure
    measure.schedule_kind = ScheduleKind.PER_WEEK
    measure.sessions_per_week = 2
    measure.save()
    # Sunday 15 November, 20:00 in Chicago: last week.
    observe(measure, para, datetime.datetime(2026, 11, 16, 2, 0, tzinfo=UTC))
    assert measures_by_name(para)[measure.name] == (True, 0, 0)
    # Monday 16 November, 10:00 in Chicago: this week, one session.
    monday = observe(measure, para, datetime.datetime(2026, 11, 16, 16, 0, tzinfo=UTC))
    assert measures_by_name(para)[measure.name] == (True, 0, 1)
    # A second observation in the same session is still one session.
    observe(measure, para, datetime.datetime(2026, 11, 16, 16, 2, tzinfo=UTC), session=monday.session)
    assert measures_by_name(para)[measure.name] == (True, 0, 1)
    # Tuesday: the second session of the week.
    observe(measure, para, datetime.datetime(2026, 11, 17, 16, 0, tzinfo=UTC))
    assert measures_by_name(para)[measure.name] == (False, 0, 2)
    # The next Monday starts a new week: due again.
    next_monday = datetime.datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    assert measures_by_name(para, next_monday)[measure.name] == (True, 0, 0)


def test_only_taught_measures_of_active_plans(personas: Personas) -> None:
    MeasureFactory.create(goal=personas.goal, name="Mastered already", status=MeasureStatus.MASTERED)
    MeasureFactory.create(goal=personas.goal, name="In maintenance", status=MeasureStatus.MAINTENANCE)
    draft = PlanFactory.create(student=personas.student, status="draft", created_by=personas.case_manager)
    MeasureFactory.create(goal__plan=draft, name="Draft measure")
    names = set(measures_by_name(personas.assigned_para))
    assert names == {personas.measure.name, "Elopement count", "In maintenance"}


def test_para_students_come_before_case_managed_ones(personas: Personas) -> None:
    staff = personas.assigned_para
    first = StudentFactory.create(school=personas.school, last_name="Aardvark")
    AssignmentFactory.create(student=first, staff=staff, team_role=TeamRole.CASE_MANAGER)
    small_group = StudentFactory.create(school=personas.school, last_name="Zyzzyva")
    AssignmentFactory.create(student=small_group, staff=staff, team_role=TeamRole.PARA_SMALL_GROUP)
    order = [s.student.last_name for s in today_for(staff, NOW).students]
    assert order == ["Quillfeather", "Zyzzyva", "Aardvark"]


def test_unassigned_and_ended_assignments_are_not_listed(personas: Personas) -> None:
    ended = StudentFactory.create(school=personas.school)
    AssignmentFactory.create(
        student=ended,
        staff=personas.assigned_para,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    assert [s.student for s in today_for(personas.assigned_para, NOW).students] == [personas.student]
    assert today_for(personas.gen_ed_teacher, NOW).students == []


def test_page_views_are_audited_without_names(personas: Personas, client_for: Any) -> None:
    client_for(personas.assigned_para).get(reverse("today"))
    entries = AuditEntry.objects.filter(actor=personas.assigned_para, action=AuditAction.VIEW)
    # A list entry names its page (the student is findable as "seen in a list" on Today).
    assert [(e.student_id, e.object_type, e.object_id) for e in entries] == [
        (personas.student.id, "student.list", "today")
    ]
    for entry in entries:
        assert "Quillfeather" not in json.dumps(
            [entry.object_type, entry.object_id, entry.changed_fields], default=str
        )


def students_for(staff: Staff, personas: Personas, count: int) -> None:
    for _ in range(count):
        student = StudentFactory.create(school=personas.school)
        AssignmentFactory.create(student=student, staff=staff)
        plan = PlanFactory.create(student=student, created_by=personas.case_manager)
        for _ in range(3):
            measure = MeasureFactory.create(goal__plan=plan)
            observe(measure, staff, NOW - datetime.timedelta(hours=1))


def queries_of_today(client: Client) -> int:
    client.get(reverse("today"))  # fills the session and the template caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("today")).status_code == 200
    return len(queries.captured_queries)


def test_query_count_does_not_grow_with_the_students(personas: Personas) -> None:
    two = personas.unassigned_para
    students_for(two, personas, 2)
    ten = Staff.objects.get(pk=personas.assigned_para.pk)
    students_for(ten, personas, 9)  # and the persona student: 10
    client_two, client_ten = Client(), Client()
    client_two.force_login(two)
    client_ten.force_login(ten)
    assert len(today_for(ten).students) == 10
    assert queries_of_today(client_ten) == queries_of_today(client_two)


# The day's blocks --------------------------------------------------------------------------------------


# Monday 16 November 2026, 09:10 in Chicago: inside the 9:00 block below.
MONDAY = datetime.datetime(2026, 11, 16, 15, 10, tzinfo=UTC)


@pytest.fixture
def monday(monkeypatch: pytest.MonkeyPatch) -> None:
    """The page reads the clock: blocks run Monday to Friday, so tests with blocks run on a Monday."""
    monkeypatch.setattr(timezone, "now", lambda: MONDAY)


def weekday_today(personas: Personas) -> int:
    """Today's weekday in the school's time zone (blocks with fixed times and no bell schedule run
    on their weekday)."""
    return SchoolDay.at(timezone.now(), personas.school.zone).day.weekday()


def block(personas: Personas, start: tuple[int, int], end: tuple[int, int], **fields: Any) -> None:
    ParaBlockFactory.create(
        school=personas.school,
        para=fields.pop("para", personas.assigned_para),
        weekday=fields.pop("weekday", weekday_today(personas)),
        start_time=datetime.time(*start),
        end_time=datetime.time(*end),
        **fields,
    )


def a_day_of_blocks(personas: Personas) -> tuple[Any, Any]:
    """13:00 small group (the persona student and one the para is not assigned to), 7:30 arrival duty,
    9:00 1:1 with the persona student and the teacher in Room 12; a second assigned student in no block."""
    outsider = StudentFactory.create(school=personas.school, last_name="Notmine")
    also = StudentFactory.create(school=personas.school, last_name="Elsewhere")
    AssignmentFactory.create(student=also, staff=personas.assigned_para)
    block(personas, (13, 0), (13, 45), students=[personas.student, outsider], room="Library")
    block(
        personas,
        (7, 30),
        (7, 55),
        support_type=SupportType.DUTY,
        duty_kind=DutyKind.ARRIVAL,
        room="Front doors",
    )
    block(
        personas,
        (9, 0),
        (9, 45),
        support_type=SupportType.ONE_TO_ONE,
        students=[personas.student],
        teacher=personas.gen_ed_teacher,
    )
    return outsider, also


def test_day_follows_the_blocks_in_time_order(personas: Personas, monday: None) -> None:
    _outsider, also = a_day_of_blocks(personas)
    # Another day's block and another para's block are not today's.
    block(personas, (10, 0), (10, 30), weekday=weekday_today(personas) + 1, students=[personas.student])
    block(personas, (11, 0), (11, 30), para=personas.unassigned_para, students=[personas.student])

    day = today_for(personas.assigned_para)

    teacher = personas.gen_ed_teacher.full_name
    assert [(b.start_time, b.support_type, b.label, b.plain) for b in day.blocks] == [
        (datetime.time(7, 30), SupportType.DUTY, "Arrival · Front doors", True),
        (datetime.time(9, 0), SupportType.ONE_TO_ONE, f"Room 12 · {teacher}", False),
        (datetime.time(13, 0), SupportType.SMALL_GROUP, "Library", False),
    ]
    assert [[s.student for s in b.students] for b in day.blocks] == [
        [],
        [personas.student],
        [personas.student],
    ]
    # The student the para is not assigned to is counted, never listed (need-to-know).
    assert [b.others for b in day.blocks] == [0, 0, 1]
    assert [s.student for s in day.also] == [also]
    # Each block's student carries her measures due, as the cards without a schedule do.
    assert personas.measure.name in [m.name for m in day.blocks[1].students[0].measures]


def test_without_a_schedule_the_page_lists_the_students(personas: Personas, client_for: Any) -> None:
    response = client_for(personas.assigned_para).get(reverse("today"))
    page = response.content.decode()
    assert response.context["today_data"]["blocks"] == []
    assert "today-timeline" not in page and "Also on your caseload today" not in page
    assert 'id="student-' + str(personas.student.id) in page


def test_page_shows_the_timeline_then_the_rest_of_the_caseload(
    personas: Personas, client_for: Any, monday: None
) -> None:
    a_day_of_blocks(personas)
    response = client_for(personas.assigned_para).get(reverse("today"))
    page = response.content.decode()
    timeline = page[page.index("today-timeline") : page.index("also-heading")]
    assert timeline.index("Front doors") < timeline.index("Room 12") < timeline.index("Library")
    assert timeline.count(f">{personas.student.display_name}</h3>") == 2  # her card in both of her blocks
    assert "and 1 student not on your caseload" in timeline
    assert "Notmine" not in page
    rest = page[page.index("also-heading") :]
    assert "Elsewhere" in rest and "Quillfeather" not in rest.split("today-records")[0]
    blocks = response.context["today_data"]["blocks"]
    assert [b["support_type"] for b in blocks] == ["duty", "one_to_one", "small_group"]
    assert blocks[1]["student_ids"] == [str(personas.student.id)]
    assert blocks[2]["student_ids"] == [str(personas.student.id)]  # not the outsider's id
    assert blocks[1]["covering_for"] is None and blocks[0]["label"] == "Arrival · Front doors"
    assert datetime.datetime.fromisoformat(blocks[1]["start"]).time() == datetime.time(9, 0)


def test_a_covered_block_names_the_absent_para(
    personas: Personas, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    absent = personas.unassigned_para
    zone = datetime.timezone(datetime.timedelta(hours=-6))

    def covering(staff: Staff, day: datetime.date) -> list[DayBlock]:
        start = datetime.datetime.combine(day, datetime.time(10, 0), zone)
        return [
            DayBlock(
                block_id=uuid.uuid4(),
                school_id=personas.school.id,
                para_id=absent.id,
                start=start,
                end=start + datetime.timedelta(minutes=50),
                support_type=SupportType.ONE_TO_ONE,
                duty_kind="",
                student_ids=(personas.student.id,),
                teacher_id=None,
                teacher_name="",
                room="Room 4",
                period_name="Period 3",
                class_name="",
                covering_for=absent.id,
            )
        ]

    monkeypatch.setattr("paradesk.recording.today.day_blocks", covering)
    response = client_for(personas.assigned_para).get(reverse("today"))
    assert f"Covering for {absent.full_name}" in response.content.decode()
    (data,) = response.context["today_data"]["blocks"]
    assert data["covering_for"] == absent.full_name and data["label"] == "Period 3 · Room 4"


def students_in_blocks(staff: Staff, personas: Personas, count: int) -> None:
    """`count` assigned students with measures, each in a block of her own, plus a lunch."""
    students_for(staff, personas, count)
    for hour, assignment in enumerate(staff.assignments.select_related("student")):
        block(personas, (7 + hour, 0), (7 + hour, 45), para=staff, students=[assignment.student])
    block(personas, (12, 0), (12, 30), para=staff, support_type=SupportType.LUNCH, room="")


def test_query_count_does_not_grow_with_the_students_and_blocks(personas: Personas, monday: None) -> None:
    two = personas.unassigned_para
    students_in_blocks(two, personas, 2)
    ten = Staff.objects.get(pk=personas.assigned_para.pk)
    students_in_blocks(ten, personas, 9)
    client_two, client_ten = Client(), Client()
    client_two.force_login(two)
    client_ten.force_login(ten)
    assert len(today_for(ten).blocks) == 11 and len(today_for(two).blocks) == 3
    assert queries_of_today(client_ten) == queries_of_today(client_two)


def test_service_worker_is_public_and_holds_no_student_data(personas: Personas, client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert '"/static/recording/store.js"' in script
    assert '"/static/recording/interval-timer.js"' in script
    assert 'const VERSION = "dev"' not in script
    assert "Quillfeather" not in script and str(personas.student.id) not in script
