"""What `paradesk backup` and `paradesk restore` print: sizes, counts and migrations, never a row."""

from __future__ import annotations

from paradesk.ops.backup import Counts, MigrationState

UNITS = ["bytes", "KB", "MB", "GB", "TB"]


def size_text(size: int) -> str:
    """1 536 000 bytes -> '1.5 MB' (powers of 1024, as `ls -lh` counts)."""
    value = float(size)
    for unit in UNITS:
        if value < 1024 or unit == UNITS[-1]:
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def counts_lines(counts: Counts, verbose: bool) -> list[str]:
    lines = [f"{counts.tables} tables, {counts.rows} rows"]
    if verbose:
        lines += [f"  {table}: {rows}" for table, rows in counts.rows_by_table.items()]
    return lines


def migration_warning(state: MigrationState) -> str:
    """Say when the restored database and this code disagree about the schema, and what to do."""
    if state.unknown:
        return (
            f"Warning: the backup is from a newer Paradesk ({len(state.unknown)} migrations this version "
            "does not know): install that version before serving this database."
        )
    if state.not_applied:
        return (
            f"Warning: the backup is from an older Paradesk ({len(state.not_applied)} migrations not "
            "applied): run `paradesk migrate` before serving it."
        )
    return ""
