"""paradesk/bulk.py writes rows the ORM reads back exactly as they were built: ids, foreign keys,
aware times (stored in UTC), JSON, decimals, dates, empty and null values, `auto_now_add`, and
batches. Known answers worked by hand; run on SQLite and on PostgreSQL (scripts/with-postgres)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from paradesk import bulk
from paradesk.plans.models import Measure, Method, Plan, PlanKind, PlanStatus
from paradesk.recording.models import Observation, Session
from paradesk.testing import GoalFactory, MeasureFactory

pytestmark = pytest.mark.django_db

CHICAGO = datetime.timezone(datetime.timedelta(hours=-6))  # CST, the 5th of January
SESSION_ID = uuid.UUID("00000000-0000-4000-8000-00000000abcd")


def session_for(measure: Measure, number: int = 0, **fields: object) -> Session:
    plan = measure.plan
    started = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=CHICAGO) + datetime.timedelta(minutes=number)
    values: dict[str, object] = {
        "id": uuid.UUID(int=SESSION_ID.int + number),
        "district_id": plan.district_id,
        "student_id": plan.student_id,
        "recorded_by_id": plan.created_by_id,
        "recorded_at": started,
        "received_at": started + datetime.timedelta(hours=2),
        "started_at": started,
        "ended_at": started + datetime.timedelta(minutes=20),
        **fields,
    }
    return Session(**values)


def test_a_session_and_its_observation_read_back_as_built() -> None:
    measure = MeasureFactory.create()
    session = session_for(measure, device="tablet-3", clock_skew_seconds=-4)
    observation = Observation(
        id=uuid.uuid4(),
        district_id=session.district_id,
        student_id=session.student_id,
        recorded_by_id=session.recorded_by_id,
        recorded_at=session.recorded_at,
        received_at=session.received_at,
        session_id=session.id,
        plan_id=measure.plan_id,
        measure_id=measure.id,
        started_at=session.started_at,
        ended_at=session.ended_at,
        facts={"correct": 7, "trials": 10, "prompts": ["full", None]},
        value=70.0,
    )
    bulk.insert_rows(Session, [session])
    bulk.insert_rows(Observation, [observation])

    stored = Observation.objects.select_related("session").get(id=observation.id)
    # 9:30 in Chicago in January (UTC-6) is 15:30 UTC.
    assert stored.started_at == datetime.datetime(2026, 1, 5, 15, 30, tzinfo=datetime.UTC)
    assert stored.session.ended_at == datetime.datetime(2026, 1, 5, 15, 50, tzinfo=datetime.UTC)
    assert stored.facts == {"correct": 7, "trials": 10, "prompts": ["full", None]}
    assert stored.value == 70.0
    assert stored.session.device == "tablet-3"
    assert stored.session.clock_skew_seconds == -4
    assert (stored.session.setting, stored.session.corrects_id, stored.session.voided_at) == ("", None, None)


def test_ids_and_times_take_each_database_s_own_form() -> None:
    """SQLite keeps a UUID as 32 hex digits and a time as UTC text; PostgreSQL keeps its own types."""
    session = session_for(MeasureFactory.create())
    bulk.insert_rows(Session, [session])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, started_at FROM {Session._meta.db_table}")
        [(raw_id, raw_started)] = cursor.fetchall()
    if connection.vendor == "sqlite":
        assert raw_id == "000000000000400080000000" + "0000abcd"
        assert str(raw_started) == "2026-01-05 15:30:00"
    else:
        assert raw_id == SESSION_ID
        assert raw_started == datetime.datetime(2026, 1, 5, 15, 30, tzinfo=datetime.UTC)


def test_decimals_dates_json_defaults_and_auto_now_add() -> None:
    goal = GoalFactory.create()
    template = goal.plan
    before = timezone.now()
    plan = Plan(
        id=uuid.uuid4(),
        district_id=template.district_id,
        student_id=template.student_id,
        kind=PlanKind.BEHAVIOR,
        status=PlanStatus.ACTIVE,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 8, 31),
        created_by_id=template.created_by_id,
    )
    measure = Measure(
        district_id=goal.district_id,
        plan_id=goal.plan_id,
        goal_id=goal.id,
        name="Words read correctly",
        method=Method.TRIALS,
        baseline_value=Decimal("2.50"),
        target_value=Decimal("80"),
        target_date=datetime.date(2027, 5, 28),
        task_steps=["open the book", "point to the first word"],
    )
    bulk.insert_rows(Plan, [plan])
    bulk.insert_rows(Measure, [measure])

    stored_plan = Plan.objects.get(id=plan.id)
    assert before <= stored_plan.created_at <= timezone.now()
    assert (stored_plan.version, stored_plan.review_date, stored_plan.start_date) == (
        1,
        None,
        datetime.date(2026, 9, 1),
    )
    stored = Measure.objects.get(id=measure.id)
    assert stored.baseline_value == Decimal("2.50")
    assert stored.target_value == Decimal("80.00")
    assert stored.target_date == datetime.date(2027, 5, 28)
    assert stored.task_steps == ["open the book", "point to the first word"]
    assert stored.rating_labels == {}
    assert stored.mastery_min_staff == 1


def test_rows_go_in_batches_of_batch_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five rows in batches of two: three statements (2 + 2 + 1), every row written once."""
    measure = MeasureFactory.create()
    sessions = [session_for(measure, number) for number in range(5)]
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_rows(Session, sessions)
    inserts = [query["sql"] for query in queries.captured_queries if "INSERT" in query["sql"]]
    assert [sql.split(" times: ")[0] for sql in inserts] == ["2", "2", "1"]
    assert sorted(Session.objects.values_list("id", flat=True)) == [session.id for session in sessions]


def test_no_rows_no_statement() -> None:
    with CaptureQueriesContext(connection) as queries:
        bulk.insert_rows(Session, [])
    assert queries.captured_queries == []


def test_value_getter_gives_the_database_form_of_one_field() -> None:
    """What the sync API's audit insert uses for a row that is not a model instance."""
    session = session_for(MeasureFactory.create())
    get_id = bulk.value_getter(Session._meta.get_field("id"))
    get_device = bulk.value_getter(Session._meta.get_field("device"))
    get_skew = bulk.value_getter(Session._meta.get_field("clock_skew_seconds"))
    native = connection.features.has_native_uuid_field
    assert get_id(session) == (SESSION_ID if native else SESSION_ID.hex)
    assert get_device(session) == ""
    assert get_skew(session) is None
