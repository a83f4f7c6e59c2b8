"""Two writers at once on the embedded SQLite database (a file, as served) wait for each other
instead of failing with "database is locked"."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction

from paradesk.settings import sqlite_database

WRITES_EACH = 5


@pytest.fixture(autouse=True)
def own_databases(django_db_blocker: Any) -> Iterator[None]:
    """These tests open their own database files, never the test database."""
    with django_db_blocker.unblock():
        yield


def database_file(alias: str, settings: dict[str, Any]) -> Iterator[str]:
    """A database alias of its own (each thread gets its own connection to it, as in a server)."""
    connections.settings[alias] = connections.configure_settings({"default": {}, alias: settings})[alias]
    with connections[alias].cursor() as cursor:
        cursor.execute("CREATE TABLE tally (writer TEXT, seen INTEGER)")
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    yield from database_file("concurrent", sqlite_database(tmp_path / "concurrent.sqlite3"))


@pytest.fixture
def deferred_database(tmp_path: Path) -> Iterator[str]:
    """The same database with SQLite's default transactions: deferred, the write lock taken late."""
    settings = sqlite_database(tmp_path / "deferred.sqlite3")
    options: dict[str, Any] = dict(settings["OPTIONS"])  # type: ignore[call-overload]
    options.pop("transaction_mode")
    yield from database_file("deferred", {**settings, "OPTIONS": options})


def write_after_reading(alias: str, name: str, both_read: threading.Barrier) -> None:
    """What a sync batch does: read (which records it already has), then write, in one transaction."""
    connection = connections[alias]
    try:
        for _ in range(WRITES_EACH):
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM tally")
                (seen,) = cursor.fetchone()
                # Overlap the two transactions where they can overlap (an immediate one waits at BEGIN).
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_read.wait(timeout=0.5)
                cursor.execute("INSERT INTO tally VALUES (%s, %s)", [name, seen])
                time.sleep(0.02)
    finally:
        connection.close()


def run_two_writers(alias: str) -> list[BaseException]:
    both_read = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            write_after_reading(alias, name, both_read)
        except OperationalError as error:
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def rows(alias: str) -> list[Any]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT writer, seen FROM tally ORDER BY rowid")
        return cursor.fetchall()


def test_two_concurrent_writers_on_sqlite_are_never_locked_out(database: str) -> None:
    assert run_two_writers(database) == []
    stored = rows(database)
    assert len(stored) == 2 * WRITES_EACH
    # Each transaction saw every earlier write: they ran one after the other, none lost.
    assert [seen for _writer, seen in stored] == list(range(2 * WRITES_EACH))


def test_deferred_transactions_would_be_locked_out(deferred_database: str) -> None:
    """The same writers with SQLite's default (deferred) transactions fail: the test above is real."""
    errors = run_two_writers(deferred_database)
    assert errors
    assert all("database is locked" in str(error) for error in errors)
