"""`paradesk backup [PATH]`: a checked copy of the configured database (paradesk/ops/backup.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from paradesk.ops.backup import BackupDone, BackupError, backup
from paradesk.ops.summary import counts_lines, size_text


class Command(BaseCommand):
    help = (
        "Back up the configured database to PATH (default: a timestamped file in the data folder's "
        "backups/), readable by its owner only. SQLite: an online copy, safe while the server and the "
        "worker write, checked with PRAGMA integrity_check. PostgreSQL: pg_dump --format=custom."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="Where to write the backup (a new file).")

    def handle(self, *args: Any, path: Path | None = None, **options: Any) -> None:
        try:
            done = backup(connections["default"], path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.report(done, verbose=options["verbosity"] > 1)

    def report(self, done: BackupDone, verbose: bool) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {done.path} ({size_text(done.size)}, readable by its owner only)"
            )
        )
        for line in counts_lines(done.counts, verbose):
            self.stdout.write(line)
        self.stdout.write(f"Checked: {done.checked}")
