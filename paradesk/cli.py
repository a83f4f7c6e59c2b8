"""The `paradesk` command: Django's management commands with Paradesk's settings.

`paradesk demo`, `paradesk migrate`, `paradesk runserver` and the rest.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paradesk.settings")
    from django.core.management import execute_from_command_line

    exit_if_misconfigured()
    execute_from_command_line(["paradesk", *(sys.argv[1:] if argv is None else argv)])


def exit_if_misconfigured() -> None:
    """Read the settings once, so a missing secret key or a bad variable is one line saying which,
    not a traceback from deep inside Django."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting loads them all
    except ImproperlyConfigured as error:
        sys.exit(f"paradesk: {error}")


if __name__ == "__main__":
    main()
