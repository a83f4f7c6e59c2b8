"""The demo district's schedules: every block keeps the rules, and a second run changes nothing."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import Client
from django.urls import reverse

from paradesk.demo import build_demo
from paradesk.demo.schedules import add_demo_schedules
from paradesk.people.models import Staff, today
from paradesk.schedules.checks import check_block
from paradesk.schedules.models import BellSchedule, ParaBlock, Qualification, SupportType
from paradesk.schedules.today import day_blocks

pytestmark = pytest.mark.django_db


def test_demo_schedules_keep_every_rule_and_are_built_once() -> None:
    district = build_demo().district
    blocks = list(
        ParaBlock.objects.filter(district=district).select_related(
            "period__day_type__bell_schedule", "school", "section"
        )
    )

    assert BellSchedule.objects.filter(district=district).count() == 2
    assert Qualification.objects.filter(district=district).count() == 6
    assert len(blocks) > 200
    assert {block.support_type for block in blocks} == set(SupportType.values)
    for block in blocks:
        check = check_block(block, list(block.students.all()), today())
        assert check.ok, (block.pk, dict(check.errors))
    assert add_demo_schedules(district) == 0
    assert ParaBlock.objects.filter(district=district).count() == len(blocks)


def test_maria_has_a_full_day_in_order() -> None:
    build_demo()
    maria = Staff.objects.get(email="maria.para@maplewood.demo")
    monday = today() + datetime.timedelta(days=(7 - today().weekday()) % 7 or 7)
    runs = day_blocks(maria, monday)
    if not runs:  # a closure or break that Monday: take the next one
        runs = day_blocks(maria, monday + datetime.timedelta(weeks=1))
    assert len(runs) >= 6
    assert [run.start for run in runs] == sorted(run.start for run in runs)
    assert all(earlier.end <= later.start for earlier, later in itertools.pairwise(runs))


def test_demo_schedule_pages_open_for_the_principal_and_the_para(client: Client) -> None:
    build_demo()
    maria = Staff.objects.get(email="maria.para@maplewood.demo")
    client.force_login(Staff.objects.get(email="pat.principal@maplewood.demo"))
    for url in (
        reverse("bell_schedules"),
        reverse("para_schedule", args=[maria.id]),
        reverse("service_minutes"),
        reverse("qualifications"),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(maria)
    page = client.get(reverse("my_schedule")).content.decode()
    assert "1:1 support" in page
