"""Server time of the case manager's caseload page and the student page, against a floor.

Builds a 5,000-student scale district (paradesk/demo/districts.py) in a throwaway SQLite database, signs in
as the case manager with exactly 40 students, and times 200 requests of each page in-process with
Django's test client. The floor is rendering the bare base template (no queries) in the same
process: a page's ratio to it shows how much work the page adds beyond the template engine. The
caseload page must make as many queries for 40 students as for 10 (no per-student queries).

Run: .venv/bin/python benchmarks/student_pages.py
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from _common import PAGE_REQUESTS, floor_ms, measure_page, p50, p95, page_queries, signed_in, with_django

STUDENTS = 5000

if TYPE_CHECKING:
    from paradesk.people.models import Staff


def pages_exist() -> str | None:
    """The URL names this benchmark measures, or a message saying which is missing."""
    import uuid

    from django.urls import NoReverseMatch, reverse

    for name, args in (("caseload", []), ("student_detail", [uuid.uuid4()])):
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            return (
                f"The page {name!r} does not exist yet (no URL named {name!r} taking {len(args)} "
                "argument(s)), so there is nothing to measure. The demo builder is tested on its own "
                "by paradesk/demo/tests/test_districts.py."
            )
    return None


def caseload_of(staff: Staff) -> list[object]:
    from paradesk.access.scopes import assignments_of
    from paradesk.people.models import TeamRole

    assignments = assignments_of(staff, [TeamRole.CASE_MANAGER])
    return list(assignments.order_by("student_id").values_list("student_id", flat=True))


def run() -> int:
    from django.urls import reverse

    from paradesk.demo import build_scale
    from paradesk.people.models import Staff

    missing = pages_exist()
    if missing:
        print(f"student_pages: FAILED. {missing}", file=sys.stderr)
        return 2
    result = build_scale(STUDENTS)
    print(f"built {STUDENTS} students in {result.elapsed:.1f} s")
    if result.caseload_40_email is None or result.caseload_10_email is None:
        print("student_pages: FAILED. The scale district has no 40- or 10-student caseload.", file=sys.stderr)
        return 2
    manager_40 = Staff.objects.get(email=result.caseload_40_email)
    manager_10 = Staff.objects.get(email=result.caseload_10_email)
    students = caseload_of(manager_40)
    assert len(students) == 40, len(students)

    floor = floor_ms()
    client = signed_in(manager_40)
    caseload = measure_page(client, [reverse("caseload")])
    detail = measure_page(client, [reverse("student_detail", args=[pk]) for pk in students])
    at_40 = page_queries(manager_40, reverse("caseload"))
    at_10 = page_queries(manager_10, reverse("caseload"))
    student_page = page_queries(manager_40, reverse("student_detail", args=[students[0]]))

    for name, samples, extra in (
        ("caseload", caseload, f"; queries {at_40} at 40 students, {at_10} at 10 students"),
        ("student_detail", detail, f"; queries {student_page}"),
    ):
        middle = p50(samples)
        print(
            f"{name} p50 {middle:.1f} ms = {middle / floor:.1f}x floor ({floor:.2f} ms), "
            f"p95 {p95(samples):.1f} ms over {PAGE_REQUESTS} requests{extra}"
        )
    if at_40 > at_10:
        print(f"student_pages: FAILED. The caseload page makes {at_40 - at_10} more queries at 40 students.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(with_django(run))
