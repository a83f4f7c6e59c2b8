"""Server time of the case manager's caseload page and the student page, against a floor.

Builds a 5,000-student scale district (paradesk/demo/districts.py) in a throwaway SQLite database, signs in
as the case manager with exactly 40 students, and times 200 requests of each page in-process with
Django's test client. The floor is rendering the bare base template (no queries) in the same
process: a page's ratio to it shows how much work the page adds beyond the template engine. The
caseload page must make as many queries for 40 students as for 10 (no per-student queries).

Run: .venv/bin/python benchmarks/student_pages.py
"""

from __future__ import annotations

import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
STUDENTS = 5000
REQUESTS = 200
WARM_UP = 5

if TYPE_CHECKING:
    from django.test import Client

    from paradesk.people.models import Staff


def set_up_django(data_dir: str) -> None:
    """A temporary SQLite database: settings read PARADESK_DATA_DIR when they are first imported."""
    sys.path.insert(0, str(ROOT))
    os.environ["PARADESK_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "paradesk.settings"
    import django

    django.setup()


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


def timed_ms(action: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def floor_ms() -> float:
    """Rendering the base template alone, with no request and so no context processors or queries."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    def render() -> str:
        return render_to_string("web/base.html")

    with CaptureQueriesContext(connection) as queries:
        render()
    assert not queries.captured_queries, "the floor must make no queries"
    timed_ms(render, WARM_UP)
    return p50(timed_ms(render, REQUESTS))


def signed_in(staff: Staff) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return client


def get_ok(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")


def page_queries(staff: Staff, url: str) -> int:
    """Queries of one request, after a first one has filled the session and template caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(staff)
    get_ok(client, url)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return len(queries.captured_queries)


def caseload_of(staff: Staff) -> list[object]:
    from paradesk.access.scopes import assignments_of
    from paradesk.people.models import TeamRole

    assignments = assignments_of(staff, [TeamRole.CASE_MANAGER])
    return list(assignments.order_by("student_id").values_list("student_id", flat=True))


def measure_page(client: Client, urls: list[str]) -> list[float]:
    """Server time of REQUESTS requests cycling through the urls, after a few to warm caches."""
    for url in urls[:WARM_UP]:
        get_ok(client, url)
    cycle = itertools.cycle(urls)
    return timed_ms(lambda: get_ok(client, next(cycle)), REQUESTS)


def run() -> int:
    from django.core.management import call_command
    from django.urls import reverse

    from paradesk.demo import build_scale
    from paradesk.people.models import Staff

    missing = pages_exist()
    if missing:
        print(f"student_pages: FAILED. {missing}", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
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
            f"p95 {p95(samples):.1f} ms over {REQUESTS} requests{extra}"
        )
    if at_40 > at_10:
        print(f"student_pages: FAILED. The caseload page makes {at_40 - at_10} more queries at 40 students.")
        return 1
    return 0


def main() -> int:
    data_dir = tempfile.mkdtemp(prefix="paradesk-bench-")
    try:
        set_up_django(data_dir)
        return run()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
