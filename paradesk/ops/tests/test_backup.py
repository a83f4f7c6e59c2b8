"""Backup and restore: a small district round-trips into an empty database with every row of every
table identical (SQLite normally, PostgreSQL under scripts/with-postgres); restore refuses a database
that holds data and a file that is not a backup, changing nothing; backups are readable by their
owner only."""

from __future__ import annotations

import datetime
import stat
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend
from django.utils import timezone
from pytest_django.fixtures import Settings

from paradesk.access import audit
from paradesk.access.models import AuditEntry
from paradesk.ops.backup import BackupError, backup, restore, sqlite_backup, tool_error
from paradesk.ops.summary import size_text
from paradesk.plans.actions import amend_plan
from paradesk.plans.models import AbcOption, Measure, Method, Plan
from paradesk.recording.sync import ingest_batch
from paradesk.recording.tests.sync_records import TRIALS_FACTS, abc_incident, note, observation, session
from paradesk.settings import sqlite_database
from paradesk.testing import Personas, build_personas

# The backup must see committed rows: each test commits, and pytest-django empties the tables after.
pytestmark = pytest.mark.django_db(transaction=True)

ON_SQLITE = connection.vendor == "sqlite"
sqlite_only = pytest.mark.skipif(
    not ON_SQLITE,
    reason="SQLite's online backup: this run uses PostgreSQL (run without scripts/with-postgres)",
)
postgres_only = pytest.mark.skipif(
    ON_SQLITE, reason="pg_dump and pg_restore: this run uses SQLite (run under scripts/with-postgres)"
)


# A small district ----------------------------------------------------------------------------------


def record_a_morning(personas: Personas) -> None:
    """What a para's device sends: a session with two observations, an incident, a note."""
    student = personas.student
    count_measure = Measure.objects.get(plan=personas.plan, method=Method.COUNT)
    first = session(student)
    records = [
        first,
        observation(first, personas.measure, TRIALS_FACTS),
        observation(first, count_measure, {"events": [5.0, 70.5, 300]}),
        abc_incident(student, AbcOption.objects.get(plan=personas.plan), intensity=3),
        note(student),
    ]
    result = ingest_batch(
        actor=personas.assigned_para, device="tablet-7", sent_at=timezone.now(), records=records
    )
    assert [r.status for r in result.results] == ["accepted"] * len(records)


@pytest.fixture
def district() -> Personas:
    personas = build_personas()
    record_a_morning(personas)
    amend_plan(actor=personas.case_manager, plan=personas.plan, reason="Annual review")
    audit.record_view(personas.case_manager, personas.student, personas.student.id)
    return personas


# Databases to restore into -------------------------------------------------------------------------


def register(alias: str, settings: dict[str, Any]) -> BaseDatabaseWrapper:
    """A connection to another database, made apart from `connections` (the test allows only those)."""
    configured = connections.configure_settings({"default": {}, alias: settings})[alias]
    return load_backend(configured["ENGINE"]).DatabaseWrapper(configured, alias)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A database with nothing in it: a new SQLite file, or a new database on the same cluster."""
    if ON_SQLITE:
        restored = register("restored", sqlite_database(tmp_path / "restored.sqlite3"))
        yield restored
        restored.close()
        return
    name = f"paradesk_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    restored = register("restored", {**connection.settings_dict, "NAME": name})
    yield restored
    restored.close()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE {name} WITH (FORCE)")


def table_names(database: BaseDatabaseWrapper, cursor: Any) -> list[str]:
    """Every table of the schema, Django's or not (django_migrations, sqlite_sequence included)."""
    if database.vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def rows_in_order(database: BaseDatabaseWrapper, cursor: Any, table: str) -> list[tuple[Any, ...]]:
    """Ordered by the primary key, or by every column for a table without one (sqlite_sequence)."""
    quote = database.ops.quote_name
    key = database.introspection.get_primary_key_columns(cursor, table)
    if key:
        order = ", ".join(quote(column) for column in key)
    else:
        cursor.execute(f"SELECT * FROM {quote(table)} LIMIT 0")
        order = ", ".join(str(position + 1) for position in range(len(cursor.description)))
    cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")
    return list(cursor.fetchall())


def every_row(database: BaseDatabaseWrapper) -> dict[str, list[tuple[Any, ...]]]:
    with database.cursor() as cursor:
        return {table: rows_in_order(database, cursor, table) for table in table_names(database, cursor)}


# Round trip ----------------------------------------------------------------------------------------


def test_a_district_restored_into_an_empty_database_has_every_row_of_every_table(
    district: Personas, empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    done = backup(connection, tmp_path / "district.backup")
    restored = restore(empty_database, done.path)

    before, after = every_row(connection), every_row(empty_database)
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert after[table] == rows, table
    # The comparison is not of empty tables: the district is there, recorded and amended.
    assert len(before["recording_session"]) == 1 and len(before["recording_observation"]) == 2
    assert [version for (version,) in Plan.objects.order_by("version").values_list("version")] == [1, 2]
    assert len(before["access_auditentry"]) == AuditEntry.objects.count() >= 7
    assert len(before["django_migrations"]) > 50
    assert restored.counts == done.counts
    assert restored.migrations.not_applied == [] and restored.migrations.unknown == []


def test_restore_refuses_a_database_with_data_and_leaves_it_as_it_was(
    district: Personas, empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    first = backup(connection, tmp_path / "first.backup")
    restore(empty_database, first.path)
    as_restored = every_row(empty_database)
    record_a_morning(district)  # the live database moves on; its next backup differs
    second = backup(connection, tmp_path / "second.backup")

    with pytest.raises(BackupError, match="already holds data: nothing restored"):
        restore(empty_database, second.path)
    assert every_row(empty_database) == as_restored

    restore(empty_database, second.path, replace=True)
    replaced = every_row(empty_database)
    assert len(replaced["recording_session"]) == 2
    assert replaced == every_row(connection)


def test_the_restore_command_refuses_the_configured_database_with_data_in_one_line(
    district: Personas, tmp_path: Path
) -> None:
    call_command("backup", str(tmp_path / "district.backup"), stdout=open_devnull(tmp_path))
    before = every_row(connection)
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "district.backup"))
    assert "already holds data: nothing restored" in str(refused.value)
    assert "\n" not in str(refused.value)
    assert every_row(connection) == before


def open_devnull(tmp_path: Path) -> Any:
    return (tmp_path / "out.txt").open("w")


def test_a_backup_from_an_older_version_says_to_migrate(
    district: Personas, empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    """The backup lacks the record of this code's newest migration of one app."""
    app, name = sorted(MigrationExecutor(connection).loader.graph.leaf_nodes())[0]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])
    try:
        done = backup(connection, tmp_path / "older.backup")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
                [app, name, timezone.now()],
            )
    restored = restore(empty_database, done.path)
    assert restored.migrations.not_applied == [f"{app}.{name}"]
    assert restored.migrations.unknown == []


# Files that are not backups ------------------------------------------------------------------------


def test_a_file_that_is_not_a_backup_is_refused_with_a_message(
    empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    with pytest.raises(CommandError, match=r"notes\.txt is not a Paradesk backup"):
        call_command("restore", str(notes))
    with pytest.raises(BackupError, match="does not exist"):
        restore(empty_database, tmp_path / "missing.backup")
    assert every_row(empty_database) == {}


def test_a_backup_of_the_other_kind_of_database_is_refused(
    empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP\x01\x0f\x00" if ON_SQLITE else b"SQLite format 3\x00" + bytes(100))
    expected = r"PostgreSQL .* backup; this Paradesk uses SQLite" if ON_SQLITE else "SQLite backup; this"
    with pytest.raises(BackupError, match=expected):
        restore(empty_database, other)


@sqlite_only
def test_a_sqlite_database_that_is_not_paradesks_is_refused(
    empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    stranger = register("stranger", sqlite_database(tmp_path / "stranger.sqlite3"))
    with stranger.cursor() as cursor:
        cursor.execute("CREATE TABLE grades (score INTEGER)")
    stranger.close()
    with pytest.raises(BackupError, match="a SQLite database but not a Paradesk backup"):
        restore(empty_database, tmp_path / "stranger.sqlite3")


@postgres_only
def test_a_truncated_pg_dump_is_refused(district: Personas, empty_database: Any, tmp_path: Path) -> None:
    done = backup(connection, tmp_path / "whole.backup")
    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(done.path.read_bytes()[:2000])
    with pytest.raises(BackupError, match="not a readable pg_dump archive"):
        restore(empty_database, truncated)
    assert every_row(empty_database) == {}


@postgres_only
def test_replacing_a_database_with_tables_the_backup_lacks_is_refused(
    district: Personas, empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    """pg_restore --clean would leave a newer version's table behind, unknown to the migrations."""
    done = backup(connection, tmp_path / "district.backup")
    restore(empty_database, done.path)
    with empty_database.cursor() as cursor:
        cursor.execute("CREATE TABLE newer_feature (id integer PRIMARY KEY)")
    before = every_row(empty_database)
    with pytest.raises(BackupError, match=r"has 1 tables the backup does not .*nothing restored"):
        restore(empty_database, done.path, replace=True)
    assert every_row(empty_database) == before


def test_a_database_without_paradesks_tables_is_not_backed_up(
    empty_database: BaseDatabaseWrapper, tmp_path: Path
) -> None:
    """Pointed at the wrong database, the backup says so instead of saving an empty file."""
    with pytest.raises(BackupError, match="has no Paradesk tables: nothing to back up"):
        backup(empty_database, tmp_path / "nothing.backup")
    assert list(tmp_path.glob("*.backup*")) == []


# Confidential files --------------------------------------------------------------------------------


def test_a_backup_is_readable_by_its_owner_only(
    district: Personas, tmp_path: Path, settings: Settings
) -> None:
    settings.DATA_DIR = tmp_path
    out = tmp_path / "out.txt"
    with out.open("w") as stdout:
        call_command("backup", stdout=stdout)
    (made,) = (tmp_path / "backups").iterdir()
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    printed = out.read_text()
    assert str(made) in printed and "tables" in printed and "rows" in printed and "Checked: " in printed
    # Names, not rows: nothing of the student's reaches the screen.
    assert district.student.first_name not in printed and district.student.last_name not in printed


def test_a_backup_never_overwrites_a_file(district: Personas, tmp_path: Path) -> None:
    existing = tmp_path / "existing.backup"
    existing.write_text("keep me")
    with pytest.raises(BackupError, match="already exists"):
        backup(connection, existing)
    assert existing.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.backup"]  # no partial file left


# SQLite only: a consistent copy while writers write -------------------------------------------------


@sqlite_only
def test_an_online_backup_of_a_busy_database_is_one_moment_of_it(tmp_path: Path) -> None:
    """A writer adds a pair of rows per transaction, one to each table, while the backup copies: the
    copy passes the integrity check and holds whole pairs only."""
    live = register("live", sqlite_database(tmp_path / "live.sqlite3"))
    with live.cursor() as cursor:
        cursor.execute("CREATE TABLE left_side (n INTEGER)")
        cursor.execute("CREATE TABLE right_side (n INTEGER, padding TEXT)")
    stop, writing = threading.Event(), threading.Event()
    writer = threading.Thread(target=write_pairs, args=(tmp_path / "live.sqlite3", stop, writing))
    writer.start()
    try:
        assert writing.wait(timeout=10)
        copies = [tmp_path / f"copy{n}.sqlite3" for n in range(3)]
        for copy in copies:
            sqlite_backup(live, copy)
    finally:
        stop.set()
        writer.join()
        live.close()
    for copy in copies:
        left, right, problems = pair_counts(copy)
        assert problems == "ok" and left == right > 0


def write_pairs(path: Path, stop: threading.Event, writing: threading.Event) -> None:
    import sqlite3

    writer = sqlite3.connect(path, timeout=20)
    n = 0
    while not stop.is_set():
        with writer:
            writer.execute("INSERT INTO left_side VALUES (?)", [n])
            writer.execute("INSERT INTO right_side VALUES (?, ?)", [n, "x" * 2000])
        n += 1
        writing.set()
    writer.close()


def pair_counts(copy: Path) -> tuple[int, int, str]:
    import sqlite3

    database = sqlite3.connect(copy)
    try:
        (left,) = database.execute("SELECT count(*) FROM left_side").fetchone()
        (right,) = database.execute("SELECT count(*) FROM right_side").fetchone()
        (problems,) = database.execute("PRAGMA integrity_check").fetchone()
        return left, right, problems
    finally:
        database.close()


# PostgreSQL only: the client tools -----------------------------------------------------------------


def fake_tool(folder: Path, name: str, version: str) -> None:
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(0o755)


@postgres_only
def test_pg_dump_older_than_the_server_is_named_with_what_to_install(
    district: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(tools, "pg_dump", "11.22")
    monkeypatch.setenv("PATH", str(tools))
    server = connection.connection.info.server_version // 10000
    with pytest.raises(BackupError, match=f"pg_dump 11 is older than the PostgreSQL {server} server"):
        backup(connection, tmp_path / "district.backup")
    assert not (tmp_path / "district.backup").exists()


@postgres_only
def test_a_missing_pg_dump_is_named_with_what_to_install(
    district: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match=r"pg_dump is not installed: .*postgresql-client-"):
        backup(connection, tmp_path / "district.backup")


# Messages ------------------------------------------------------------------------------------------


def test_a_tool_error_shows_its_error_line_never_the_row_it_quotes() -> None:
    stderr = (
        "pg_restore: error: could not execute query: ERROR:  duplicate key value violates unique "
        'constraint "people_student_pkey"\n'
        "DETAIL:  Key (local_id)=(S000123) already exists.\n"
        'CONTEXT:  COPY people_student, line 1: "Zebulon Quillfeather 2017-04-12"\n'
    )
    shown = tool_error(stderr)
    assert shown.startswith("could not execute query: ERROR:  duplicate key value")
    assert "S000123" not in shown and "Zebulon" not in shown


def test_sizes_read_as_ls_h_does() -> None:
    assert size_text(1023) == "1023 bytes"
    assert size_text(1536) == "1.5 KB"
    assert size_text(7 * 1024 * 1024) == "7.0 MB"


def test_default_backup_names_carry_the_local_time(settings: Settings, tmp_path: Path) -> None:
    from paradesk.ops.backup import default_path

    settings.DATA_DIR = tmp_path
    moment = datetime.datetime(2026, 9, 4, 7, 30, 5, tzinfo=datetime.UTC)  # 02:30:05 in Chicago (CDT)
    assert default_path("sqlite", moment) == tmp_path / "backups" / "paradesk-20260904-023005.sqlite3"
    assert default_path("postgresql", moment).name == "paradesk-20260904-023005.pgdump"
