"""The district checker (paradesk/district_sql.py) on statements Django really ran, captured on
SQLite and on PostgreSQL (district_sql_statements.json: each case's ORM call is named below), and
on a few written by hand for shapes the ORM rarely makes. Each expected answer was read off the
statement by hand: which aliases of which tables appear, and whether a district condition covers each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paradesk.district_sql import offences

STATEMENTS = json.loads((Path(__file__).parent / "district_sql_statements.json").read_text())
TABLES = {
    "recording_session",
    "people_student",
    "people_assignment",
    "schedules_parablock",
    "people_staff",
    "team_notification",
    "access_apitoken",
}

# case -> the ORM call that made it, and the offences (table, fingerprint) expected on both databases.
EXPECTED: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "district_filter": ("Session.objects.filter(district_id=d, student_id=s)", []),
    "no_district": (
        "Session.objects.filter(student_id=s)",
        [("recording_session", "SELECT [from] by student_id")],
    ),
    "join_uncovered": (
        "Session.objects.filter(district_id=d, student__last_name='x'): the joined student has no district",
        [("people_student", "SELECT [join in recording_session] by id, last_name")],
    ),
    "join_on_district": (
        "FilteredRelation('student', condition=Q(student__district_id=F('district_id'))): ON carries it",
        [],
    ),
    "t_aliases": (
        "ParaBlock.objects.filter(district_id=d, para__full_name=..., teacher__full_name=..., "
        "para__district_id=d): people_staff twice, the second as T5, uncovered",
        [("people_staff", "SELECT [join in schedules_parablock] by full_name, id")],
    ),
    "subquery_covered": ("student_id__in=Student.objects.filter(district_id=d, ...).values('id')", []),
    "subquery_uncovered": (
        "student_id__in=Student.objects.filter(last_name='x').values('id'): U0 uncovered",
        [("people_student", "SELECT [subquery in recording_session] by last_name")],
    ),
    "exists_correlated": ("Exists(Assignment...filter(district_id=OuterRef('district_id'), ...))", []),
    "exists_uncovered": (
        "Exists(Assignment.objects.filter(student_id=OuterRef('student_id')))",
        [("people_assignment", "SELECT [subquery in recording_session] by student_id")],
    ),
    "or_uncovered": (
        "filter(Q(district_id=d) | Q(student_id=s)): one branch only",
        [("recording_session", "SELECT [from] by district_id, student_id")],
    ),
    "in_districts": ("filter(district_id__in=[d, e])", []),
    "insert_one": ("Notification.objects.create(district_id=d, ...)", []),
    "bulk_insert": ("Notification.objects.bulk_create([...] * 3) (PostgreSQL: INSERT ... UNNEST)", []),
    "insert_token": (
        "ApiToken.issue(...), access_apitoken counted here as student data to see an INSERT fail",
        [("access_apitoken", "INSERT without district_id")],
    ),
    "update_covered": ("Notification.objects.filter(district_id=d, pk=n.pk).update(key='z')", []),
    "update_uncovered": (
        "n.save(): UPDATE ... WHERE id = n.pk",
        [("team_notification", "UPDATE [from] by id")],
    ),
    "delete_covered": ("Notification.objects.filter(district_id=d, pk=n.pk).delete()", []),
    "delete_uncovered": (
        "Notification.objects.filter(recipient=para).delete()",
        [("team_notification", "DELETE [from] by recipient_id")],
    ),
    "savepoints": ("two nested transaction.atomic() around a count: SAVEPOINT, RELEASE skipped", []),
}


def found(statements: list[str]) -> list[tuple[str, str]]:
    return [(o.table, o.fingerprint) for sql in statements for o in offences(sql, TABLES)]


@pytest.mark.parametrize("vendor", ["sqlite", "postgresql"])
@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_statements_django_ran(case: str, vendor: str) -> None:
    _orm_call, expected = EXPECTED[case]
    assert found(STATEMENTS[case][vendor]) == expected


def test_every_captured_case_has_an_answer() -> None:
    assert set(STATEMENTS) == set(EXPECTED)


def test_the_captured_statements_have_the_shapes_the_cases_name() -> None:
    assert '"T5"' in STATEMENTS["t_aliases"]["postgresql"][0]
    assert "U0" in STATEMENTS["exists_correlated"]["sqlite"][0]
    assert "EXISTS" in STATEMENTS["exists_correlated"]["postgresql"][0]
    assert "UNNEST" in STATEMENTS["bulk_insert"]["postgresql"][0]
    assert STATEMENTS["bulk_insert"]["sqlite"][0].count("), (") == 2
    for vendor in ("sqlite", "postgresql"):
        words = {sql.split()[0] for sql in STATEMENTS["savepoints"][vendor]}
        assert {"SAVEPOINT", "RELEASE", "SELECT"} <= words


# Written by hand ------------------------------------------------------------------------------------


def test_a_join_on_districts_carries_a_covered_alias_to_the_joined_one() -> None:
    sql = (
        'SELECT "a"."id" FROM "recording_session" "a" INNER JOIN "people_student" "b" '
        'ON ("a"."student_id" = "b"."id" AND "a"."district_id" = "b"."district_id") '
        'WHERE "a"."district_id" = \'d1\''
    )
    assert offences(sql, TABLES) == []


def test_a_join_on_districts_covers_neither_when_neither_is_named() -> None:
    sql = (
        'SELECT "a"."id" FROM "recording_session" "a" INNER JOIN "people_student" "b" '
        'ON ("a"."student_id" = "b"."id" AND "a"."district_id" = "b"."district_id")'
    )
    assert sorted(o.table for o in offences(sql, TABLES)) == ["people_student", "recording_session"]


def test_districts_carry_along_a_chain_of_joins() -> None:
    sql = (
        'SELECT 1 FROM "people_assignment" "a" INNER JOIN "people_student" "b" ON "b"."district_id" = '
        '"a"."district_id" INNER JOIN "recording_session" "c" ON "c"."district_id" = "b"."district_id" '
        "WHERE \"a\".\"district_id\" IN ('d1', 'd2')"
    )
    assert offences(sql, TABLES) == []


def test_an_or_covers_when_every_branch_names_the_district() -> None:
    sql = (
        'SELECT 1 FROM "recording_session" WHERE ("recording_session"."district_id" = $1 AND x = 1) '
        'OR ("recording_session"."district_id" = $2)'
    )
    assert offences(sql, TABLES) == []


def test_a_derived_table_and_a_union_are_checked_inside() -> None:
    sql = (
        'SELECT * FROM (SELECT "s"."id" FROM "recording_session" "s" WHERE "s"."district_id" = 1 '
        'UNION SELECT "t"."id" FROM "people_student" "t") "u"'
    )
    assert [(o.table, o.fingerprint) for o in offences(sql, TABLES)] == [
        ("people_student", "SELECT [subquery] by nothing")
    ]


def test_executemany_as_the_debug_cursor_logs_it() -> None:
    sql = '3 times: UPDATE "team_notification" SET "read_at" = %s WHERE "team_notification"."id" = %s'
    assert [o.fingerprint for o in offences(sql, TABLES)] == ["UPDATE [from] by id"]


def test_a_table_outside_the_list_is_never_reported() -> None:
    assert offences('SELECT * FROM "django_session" WHERE "session_key" = \'x\'', TABLES) == []


def test_a_statement_that_does_not_parse_is_reported_for_the_tables_it_names() -> None:
    sql = 'SELECT FROM WHERE "people_student" ))) "django_session"'
    assert [(o.table, o.fingerprint) for o in offences(sql, TABLES)] == [("people_student", "UNPARSED")]
