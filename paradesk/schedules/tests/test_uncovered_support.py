"""1:1 or safety support nobody can cover: the team is alerted at once, the pages say so, and no
message claims a covering para was told. The teacher's room shows the day's absences and coverage;
an absent para's pages say she is marked absent."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from paradesk.people.models import Role, today
from paradesk.schedules.models import SupportType
from paradesk.schedules.tests.coverage_fixtures import absent, block
from paradesk.team.models import Notification
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db


def next_school_day() -> datetime.date:
    day = today() + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def uncoverable_one_to_one(personas: Personas, day: datetime.date) -> None:
    """The assigned para's 1:1 block, directed by the gen-ed teacher; the only other para has left."""
    one = block(
        personas.school,
        personas.assigned_para,
        "Period 2",
        SupportType.ONE_TO_ONE,
        [personas.student],
        weekday=day.weekday(),
    )
    one.teacher = personas.gen_ed_teacher
    one.save()
    Role.objects.filter(staff=personas.unassigned_para).update(active=False)


def test_uncovered_one_to_one_alerts_case_manager_teacher_and_school_admin(personas: Personas) -> None:
    day = next_school_day()
    uncoverable_one_to_one(personas, day)
    absent(personas, date=day)
    told = set(Notification.objects.filter(key="support_uncovered").values_list("recipient_id", flat=True))
    assert told == {personas.case_manager.pk, personas.gen_ed_teacher.pk, personas.school_admin.pk}


def test_proposing_again_does_not_alert_twice(personas: Personas, client_for: object) -> None:
    day = next_school_day()
    uncoverable_one_to_one(personas, day)
    absence = absent(personas, date=day)
    client: Client = client_for(personas.school_admin)  # type: ignore[operator]
    client.post(reverse("coverage_propose", args=[absence.pk]))
    assert Notification.objects.filter(key="support_uncovered").count() == 3


def test_accepting_nobody_never_says_the_covering_paras_are_notified(
    personas: Personas, client_for: object
) -> None:
    day = next_school_day()
    uncoverable_one_to_one(personas, day)
    absence = absent(personas, date=day)
    client: Client = client_for(personas.school_admin)  # type: ignore[operator]
    page = client.post(reverse("coverage_accept", args=[absence.pk]), follow=True).content.decode()
    assert "covering paras are notified" not in page
    assert "no para was notified" in page
    assert "were alerted" in page
    listing = client.get(reverse("absence_list"), {"date": day.isoformat()}).content.decode()
    assert "1 block uncovered: the team was alerted" in listing


def test_the_teachers_room_shows_todays_absence_and_its_cover(personas: Personas, client_for: object) -> None:
    day = today()
    if day.weekday() >= 5:
        pytest.skip("no school on a weekend")
    uncoverable_one_to_one(personas, day)
    absent(personas, date=day)
    client: Client = client_for(personas.gen_ed_teacher)  # type: ignore[operator]
    page = client.get(reverse("room_schedule")).content.decode()
    assert f"{personas.assigned_para.full_name} is absent" in page
    assert "nobody covers this block" in page


def test_an_absent_para_is_told_she_is_marked_absent(personas: Personas, client_for: object) -> None:
    day = today()
    absent(personas, date=day)
    client: Client = client_for(personas.assigned_para)  # type: ignore[operator]
    assert "You are marked absent today." in client.get(reverse("today")).content.decode()
    assert "You are marked absent today." in client.get(reverse("my_schedule")).content.decode()
