"""Backups of the configured database and restores from them (docs/serving.md, "Backup and restore").

SQLite is copied with its online backup API: one step under one read transaction, so the copy is the
database as it stood at one moment while the server and the task worker go on writing (WAL lets them).
PostgreSQL is dumped with `pg_dump --format=custom` inside a snapshot this module exports, so the row
counts it reports are those of the dump. A backup holds every student's records: it is written 0600,
and nothing here prints or logs a row; messages name files, tables and counts only.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"  # pg_dump's custom format; plain SQL and tar dumps are refused
EXTENSIONS = {"sqlite": "sqlite3", "postgresql": "pgdump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL (pg_dump custom format)"}
# `paradesk migrate` fills these on an empty database; rows there alone are not data to protect.
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# A Paradesk database records the people app's migrations; any other database does not.
SIGNATURE_TABLE = "people_district"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


class BackupError(Exception):
    """What went wrong, in one line for the operator; never names a student or shows a row."""


@dataclass(frozen=True)
class Counts:
    """Rows per table, the only summary of a backup's content that may be shown."""

    rows_by_table: dict[str, int]

    @property
    def tables(self) -> int:
        return len(self.rows_by_table)

    @property
    def rows(self) -> int:
        return sum(self.rows_by_table.values())


@dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int
    counts: Counts
    checked: str  # how the copy was read back


@dataclass(frozen=True)
class MigrationState:
    """The restored database's recorded migrations against this code's."""

    not_applied: list[str] = field(default_factory=list)  # the backup is from an older Paradesk
    unknown: list[str] = field(default_factory=list)  # the backup is from a newer Paradesk


@dataclass(frozen=True)
class RestoreDone:
    counts: Counts
    migrations: MigrationState


# --- which database, which file --------------------------------------------------------------------


def kind_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in EXTENSIONS:
        raise BackupError(f"backups of a {connection.vendor} database are not supported")
    return connection.vendor


def default_path(kind: str, now: datetime.datetime | None = None) -> Path:
    """A timestamped file in the data folder's backups/ (made private): paradesk-20260904-021500.sqlite3."""
    folder = Path(settings.DATA_DIR) / "backups"
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    return folder / f"paradesk-{stamp}.{EXTENSIONS[kind]}"


def kind_of_file(path: Path) -> str:
    """Which kind of backup the file is, from its first bytes; refuses anything else."""
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise BackupError(f"{path} is a folder, not a backup file") from None
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror}") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(
        f"{path} is not a Paradesk backup (neither a SQLite database nor a pg_dump custom file)"
    )


@contextlib.contextmanager
def private_file_for(final: Path) -> Iterator[Path]:
    """A 0600 file beside `final` to write the backup into; it takes `final`'s name only once whole."""
    if final.exists():
        raise BackupError(f"{final} already exists: choose another name")
    if not final.parent.is_dir():
        raise BackupError(f"the folder {final.parent} does not exist")
    handle, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        partial.chmod(PRIVATE_FILE)
        partial.replace(final)
    finally:
        for leftover in (partial, *sidecars(partial)):
            leftover.unlink(missing_ok=True)


def sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


# --- counting and emptiness ------------------------------------------------------------------------


def count_rows(cursor: Any, tables: Sequence[str], quote: Any) -> Counts:
    rows = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - names from the catalog
        rows[table] = cursor.fetchone()[0]
    return Counts(rows)


def holds_data(connection: BaseDatabaseWrapper) -> bool:
    """Whether any table has a row `migrate` would not have put there itself."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                return True
    return False


def database_counts(connection: BaseDatabaseWrapper) -> Counts:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return count_rows(cursor, tables, connection.ops.quote_name)


def migration_state(connection: BaseDatabaseWrapper) -> MigrationState:
    """Read from the table itself (Django's recorder wants a configured alias; a restore may not be)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)
    recorded = recorded_migrations(connection)
    return MigrationState(
        not_applied=[f"{app}.{name}" for app, name in sorted(known - recorded)],
        unknown=[f"{app}.{name}" for app, name in sorted(recorded - known)],
    )


def recorded_migrations(connection: BaseDatabaseWrapper) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        if "django_migrations" not in connection.introspection.table_names(cursor):
            return set()
        cursor.execute("SELECT app, name FROM django_migrations")
        return {(app, name) for app, name in cursor.fetchall()}


def refuse_if_holds_data(connection: BaseDatabaseWrapper, replace: bool) -> None:
    if not replace and holds_data(connection):
        raise BackupError(
            f"the database {database_name(connection)} already holds data: nothing restored "
            "(restore into an empty database, or give --replace to overwrite it)"
        )


def refuse_if_not_paradesks(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if SIGNATURE_TABLE not in connection.introspection.table_names(cursor):
            raise BackupError(
                f"the database {database_name(connection)} has no Paradesk tables: nothing to back up "
                "(is DATABASE_URL or PARADESK_DATA_DIR the server's?)"
            )


def database_name(connection: BaseDatabaseWrapper) -> str:
    return str(connection.settings_dict["NAME"])


# --- entry points ----------------------------------------------------------------------------------


def backup(connection: BaseDatabaseWrapper, path: Path | None = None) -> BackupDone:
    """Copy the database to `path` (a new 0600 file), check the copy and count its rows."""
    kind = kind_of(connection)
    final = Path(path) if path is not None else default_path(kind)
    with database_errors(connection), private_file_for(final) as partial:
        refuse_if_not_paradesks(connection)
        if kind == "sqlite":
            sqlite_backup(connection, partial)
            counts = sqlite_verify(partial)
            checked = "PRAGMA integrity_check: ok"
        else:
            counts = pg_backup(connection, partial)
            checked = f"pg_restore --list reads all {counts.tables} tables"
    return BackupDone(path=final, size=final.stat().st_size, counts=counts, checked=checked)


def restore(connection: BaseDatabaseWrapper, path: Path, *, replace: bool = False) -> RestoreDone:
    """Put the backup's database in place of the configured one; refuse, changing nothing, a file
    that is not a backup for this kind of database or a database that holds data (unless `replace`)."""
    kind = kind_of(connection)
    path = Path(path)
    found = kind_of_file(path)
    if found != kind:
        raise BackupError(f"{path} is a {KIND_NAMES[found]} backup; this Paradesk uses {KIND_NAMES[kind]}")
    with database_errors(connection):
        if kind == "sqlite":
            sqlite_verify(path)
            refuse_if_holds_data(connection, replace)
            sqlite_restore(path, connection)
        else:
            archived = pg_verify(path)
            refuse_if_holds_data(connection, replace)
            pg_restore(path, connection, archived)
        connection.close()
        return RestoreDone(counts=database_counts(connection), migrations=migration_state(connection))


@contextlib.contextmanager
def database_errors(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """A database that cannot be reached or read is one line naming it, not a traceback."""
    try:
        yield
    except (DatabaseError, sqlite3.Error) as error:
        raise BackupError(f"the database {database_name(connection)}: {first_line(str(error))}") from None


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


# --- SQLite ----------------------------------------------------------------------------------------


def sqlite_backup(connection: BaseDatabaseWrapper, target: Path) -> None:
    """One backup step of every page: a consistent copy however busy the writers are."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # The copy inherits WAL mode; a backup should be one self-contained file.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def sqlite_verify(path: Path) -> Counts:
    """The file is a whole SQLite database of Paradesk's (integrity check, its tables); its counts."""
    try:
        database = open_read_only(path)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened as SQLite: {error}") from None
    try:
        return sqlite_check(database, path)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite backup: {error}") from None
    finally:
        database.close()


def sqlite_check(database: sqlite3.Connection, path: Path) -> Counts:
    problems = [row[0] for row in database.execute("PRAGMA integrity_check")]
    if problems != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check ({len(problems)} problems): not restored")
    tables = [row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if "django_migrations" not in tables or SIGNATURE_TABLE not in tables:
        raise BackupError(f"{path} is a SQLite database but not a Paradesk backup")
    return count_rows(database.cursor(), [t for t in tables if not t.startswith("sqlite_")], quote_sqlite)


def quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_restore(path: Path, connection: BaseDatabaseWrapper) -> None:
    """Every page of the backup into the configured database, in one step (the server stopped)."""
    source = open_read_only(path)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


# --- PostgreSQL ------------------------------------------------------------------------------------

TOOL_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def pg_environment(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The connection as libpq variables: the password travels in PGPASSWORD, never as an argument."""
    database = connection.settings_dict
    wanted = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
    }
    return {**os.environ, **{name: str(value) for name, value in wanted.items() if value}}


def server_major(connection: BaseDatabaseWrapper) -> int:
    connection.ensure_connection()
    return int(connection.connection.info.server_version) // 10000


def pg_tool(name: str, connection: BaseDatabaseWrapper) -> str:
    """The tool's path, once it is known to be new enough for the server."""
    major = server_major(connection)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client tools, version {major} or newer "
            f"(apt-get install postgresql-client-{major})"
        )
    version = run([found, "--version"]).stdout
    matched = TOOL_VERSION.search(version)
    if matched is None or int(matched.group(1)) < major:
        tool_version = matched.group(1) if matched else "of unknown version"
        raise BackupError(
            f"{name} {tool_version} is older than the PostgreSQL {major} server: "
            f"install version {major} or newer (apt-get install postgresql-client-{major})"
        )
    return found


def run(arguments: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A client tool found by its path, with arguments of our own making and no shell."""
    return subprocess.run(arguments, env=env, capture_output=True, text=True, check=False)  # noqa: S603


def run_tool(arguments: list[str], connection: BaseDatabaseWrapper) -> str:
    """Run pg_dump or pg_restore; on failure, its error line only (its DETAIL and CONTEXT lines can
    quote a row, which must not reach the screen)."""
    done = run(arguments, env=pg_environment(connection))
    if done.returncode != 0:
        raise BackupError(f"{Path(arguments[0]).name} failed: {tool_error(done.stderr)}")
    return done.stdout


def tool_error(stderr: str) -> str:
    for line in stderr.splitlines():
        if "error:" in line and not re.search(r"\b(DETAIL|CONTEXT|HINT|LINE \d+):", line):
            return line.split("error:", 1)[1].strip()
    return "no reason given"


def pg_backup(connection: BaseDatabaseWrapper, target: Path) -> Counts:
    """pg_dump in a snapshot exported by a transaction that counts the same rows."""
    pg_dump = pg_tool("pg_dump", connection)
    reader = connection.copy()  # a connection of its own, whose transaction holds the snapshot
    try:
        with reader.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = count_rows(cursor, reader.introspection.table_names(cursor), reader.ops.quote_name)
            run_tool([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], connection)
            cursor.execute("COMMIT")
    finally:
        reader.close()
    archived = pg_verify(target)
    if sorted(archived) != sorted(counts.rows_by_table):
        raise BackupError(f"the dump holds {len(archived)} tables of the database's {counts.tables}")
    return counts


def pg_verify(path: Path) -> list[str]:
    """The archive's table of contents, read by pg_restore; refused unless it is Paradesk's."""
    pg_restore_path = shutil.which("pg_restore")
    if pg_restore_path is None:
        raise BackupError("pg_restore is not installed: install PostgreSQL's client tools")
    done = run([pg_restore_path, "--list", str(path)])
    if done.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump archive: {tool_error(done.stderr)}")
    tables = re.findall(r" TABLE DATA \S+ (\S+) ", done.stdout)
    if "django_migrations" not in tables or SIGNATURE_TABLE not in tables:
        raise BackupError(f"{path} is a pg_dump archive but not a Paradesk backup")
    return tables


def pg_restore(path: Path, connection: BaseDatabaseWrapper, archived: list[str]) -> None:
    """pg_restore in one transaction (a failure leaves the database as it was); a database with
    tables (migrated, or replaced) has the backup's objects dropped first."""
    pg_restore_path = pg_tool("pg_restore", connection)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
    connection.close()
    refuse_tables_not_in_backup(connection, existing - set(archived))
    arguments = [pg_restore_path, "--no-owner", "--exit-on-error", "--single-transaction"]
    if existing:
        arguments += ["--clean", "--if-exists"]
    run_tool([*arguments, f"--dbname={database_name(connection)}", str(path)], connection)


def refuse_tables_not_in_backup(connection: BaseDatabaseWrapper, extra: set[str]) -> None:
    """--clean drops only the backup's own tables: the others would stay, unrecorded by the restored
    migrations, and `migrate` would then fail on them."""
    if extra:
        raise BackupError(
            f"the database {database_name(connection)} has {len(extra)} tables the backup does not "
            "(a newer Paradesk's?): nothing restored; restore into a new, empty database"
        )
