"""The `paradesk` command: Django's management commands with Paradesk's settings.

`paradesk demo`, `paradesk migrate`, `paradesk runserver` and the rest.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paradesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["paradesk", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
