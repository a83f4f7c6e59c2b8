"""`paradesk demo`: the invented Maplewood district to try Paradesk with; `--students N` builds a
scale district of N students for benchmarks. Both keep what already exists."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from paradesk.demo.districts import BuildResult, SignIn, build_demo, build_scale


class Command(BaseCommand):
    help = "Create the demo district (or a scale district with --students N) and print its sign-ins."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--students",
            type=int,
            default=None,
            help="Build a scale district of this many students instead of Maplewood (e.g. 5000).",
        )

    def handle(self, *args: Any, students: int | None = None, **options: Any) -> None:
        if students is not None and students < 1:
            raise CommandError(_("--students must be at least 1."))
        result = build_demo() if students is None else build_scale(students)
        self.report(result)

    def report(self, result: BuildResult) -> None:
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Built %(district)s in %(seconds).1f s.")
                    % {"district": result.district.name, "seconds": result.elapsed}
                )
            )
            self.stdout.write(", ".join(f"{name} {count}" for name, count in result.counts.items() if count))
        else:
            self.stdout.write(
                _("%(district)s already exists; kept as it is.") % {"district": result.district.name}
            )
        for size, email in ((40, result.caseload_40_email), (10, result.caseload_10_email)):
            if email:
                self.stdout.write(
                    _("Case manager with a %(size)d-student caseload: %(email)s")
                    % {"size": size, "email": email}
                )
        self.stdout.write("")
        self.stdout.write(sign_in_table(result.sign_ins))
        self.stdout.write("")
        self.stdout.write(
            _("Password for every demo account: %(password)s") % {"password": settings.DEMO_PASSWORD}
        )


def sign_in_table(rows: list[SignIn]) -> str:
    header = SignIn(_("Email"), _("Role"), _("School"))
    table = [header, *rows]
    widths = [max(len(getattr(row, column)) for row in table) for column in ("email", "role")]
    lines = [f"{row.email:<{widths[0]}}  {row.role:<{widths[1]}}  {row.school}".rstrip() for row in table]
    lines.insert(1, "-" * (widths[0] + widths[1] + 4 + max(len(row.school) for row in table)))
    return "\n".join(lines)
