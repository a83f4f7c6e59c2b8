"""`paradesk restore PATH`: the configured database from a backup (paradesk/ops/backup.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from paradesk.ops.backup import BackupError, RestoreDone, database_name, restore
from paradesk.ops.summary import counts_lines, migration_warning


class Command(BaseCommand):
    help = (
        "Restore the configured database from a backup made by `paradesk backup`. Stop the server "
        "and the task worker first. Refuses, changing nothing, a database that already holds data "
        "(unless --replace) and a file that is not a backup for this kind of database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Overwrite a database that already holds data with the backup's.",
        )

    def handle(self, *args: Any, path: Path, replace: bool = False, **options: Any) -> None:
        database = connections["default"]
        try:
            done = restore(database, path, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.report(path, database_name(database), done, verbose=options["verbosity"] > 1)

    def report(self, path: Path, database: str, done: RestoreDone, verbose: bool) -> None:
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into the database {database}"))
        for line in counts_lines(done.counts, verbose):
            self.stdout.write(line)
        warning = migration_warning(done.migrations)
        if warning:
            self.stderr.write(self.style.WARNING(warning))
