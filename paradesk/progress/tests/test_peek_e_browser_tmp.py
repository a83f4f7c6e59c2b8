import os
import pytest
from django.conf import settings
from django.urls import reverse
from paradesk.recording.tests.browser_kit import WATCH_CSP, Problems
from paradesk.progress.tests.test_reports import quarter, with_four, report_url
from paradesk.progress.models import ReportBatch, BatchStatus

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_look(browser, live_server, personas, settings):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with_four(personas, [29, 33, 31, 35])
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1000, "height": 900})
    context.add_init_script(WATCH_CSP)
    page = context.new_page(); problems = Problems(); problems.watch(page)
    page.goto("/")
    page.get_by_label("Email").fill(personas.case_manager.email)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto(report_url(personas.plan, quarter(personas.plan)))
    page.screenshot(path="/tmp/shot_report.png", full_page=True)
    page.get_by_role("button", name="Save the report").click()
    page.wait_for_load_state()
    page.screenshot(path="/tmp/shot_saved.png")
    page.goto(reverse("report_batches"))
    page.get_by_label("Reporting periods ending from").fill("2026-11-01")
    page.get_by_label("to", exact=True).fill("2026-11-30")
    page.get_by_role("button", name="Make the reports").click()
    page.wait_for_load_state()
    page.wait_for_timeout(1500)
    batch = ReportBatch.objects.get()
    ReportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, total=4, done=3)
    page.wait_for_timeout(2500)
    page.screenshot(path="/tmp/shot_batch.png")
    print("violations", page.evaluate("window.__cspViolations || []"), problems.console)
    context.close()
