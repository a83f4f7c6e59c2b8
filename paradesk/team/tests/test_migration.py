"""Notifications moved from the schedules app to the team app (team/0001, schedules/0004): the rows
written before the move are read after it, the table takes the team's name, the content type
follows, and the move goes back as well as forward. Runs on SQLite and on PostgreSQL
(`scripts/with-postgres`)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from paradesk.team.models import Notification
from paradesk.testing import DistrictFactory, StaffFactory

BEFORE = [("schedules", "0003_para_block_dates_in_force")]
AFTER = [("schedules", "0004_notification_to_team"), ("team", "0001_notification_from_schedules")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: the state as the database now has it


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def test_notifications_written_before_the_move_are_read_after_it() -> None:
    district = DistrictFactory.create()
    para = StaffFactory.create(district=district)
    executor = migrate(BEFORE)
    assert "schedules_notification" in tables() and "team_notification" not in tables()
    old = executor.loader.project_state(BEFORE).apps.get_model("schedules", "Notification")
    row_id = uuid.uuid4()
    old.objects.create(
        id=row_id,
        district_id=district.pk,
        recipient_id=para.pk,
        key="coverage_assigned",
        params={"date": "2026-10-05", "para": "A. Para", "blocks": 2},
        link="/today/",
    )
    ContentType.objects.get_or_create(app_label="schedules", model="notification")
    ContentType.objects.filter(app_label="team", model="notification").delete()

    migrate(AFTER)

    assert "team_notification" in tables() and "schedules_notification" not in tables()
    moved = Notification.objects.get()
    assert (moved.pk, moved.recipient_id, moved.district_id) == (row_id, para.pk, district.pk)
    assert moved.params == {"date": "2026-10-05", "para": "A. Para", "blocks": 2}
    assert moved.read_at is None
    assert list(Notification.objects.filter(recipient=para).unread()) == [moved]
    assert ContentType.objects.filter(app_label="team", model="notification").exists()
    assert not ContentType.objects.filter(app_label="schedules", model="notification").exists()


def test_the_move_goes_back_with_the_rows() -> None:
    district = DistrictFactory.create()
    para = StaffFactory.create(district=district)
    Notification.objects.create(district=district, recipient=para, key="coverage_cancelled", params={})

    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("schedules", "Notification")
    assert old.objects.filter(recipient_id=para.pk, key="coverage_cancelled").count() == 1
    migrate(AFTER)
    assert Notification.objects.filter(recipient=para).count() == 1
