"""A para records data on a phone, online and then with the Wi-Fi gone, in real headless Chromium.

Online, a trials session reaches the server. Offline, she records with three methods (trials, count,
duration), reloads the page (served by the service worker) and still sees every record waiting;
signing out warns her how many are waiting; back online, the server holds each record exactly once.
Pages must fit a 360 px screen and raise no console errors or content-security violations.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.utils import timezone
from playwright.sync_api import BrowserContext, Dialog, Page, expect

from paradesk.access import sessions
from paradesk.plans.models import Measure, Method
from paradesk.recording.models import Observation, Session
from paradesk.recording.tests.browser_kit import Problems, assert_clean, sign_in, wait_ready
from paradesk.schedules.models import SupportType
from paradesk.testing import ParaBlockFactory, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTBOX_IDS = """async () => {
  const rows = await Paradesk.store.db.outbox.toArray();
  return rows.map((r) => [r.id, r.kind, r.state]);
}"""
PAGE_CACHED = """async () => {
  await navigator.serviceWorker.ready;
  const cache = await caches.open("paradesk-pages");
  return Boolean(navigator.serviceWorker.controller) && Boolean(await cache.match("/today/"));
}"""


def open_sheet(page: Page, measure_name: str) -> None:
    wait_ready(page)
    page.locator(".measure-button").filter(has_text=measure_name).click()
    expect(page.locator(".sheet .sheet-measure")).to_have_text(measure_name)


def finish(page: Page) -> None:
    page.locator(".sheet").get_by_role("button", name="Done").click()
    expect(page.locator(".sheet")).to_have_count(0)


def record_trials(page: Page, measure_name: str, responses: list[str]) -> None:
    open_sheet(page, measure_name)
    sheet = page.locator(".sheet")
    for response in responses:
        sheet.get_by_role("button", name=response, exact=True).first.click()
    expect(sheet.locator(".tally-count")).to_have_text(f"{len(responses)} / 10")
    finish(page)


def duration_measure(personas: Personas) -> Measure:
    behavior = personas.plan.target_behaviors.get()
    return Measure.objects.create(
        district=personas.district,
        plan=personas.plan,
        target_behavior=behavior,
        name="Time out of seat",
        method=Method.DURATION,
        direction="decrease",
    )


def test_para_records_online_then_offline_and_every_record_reaches_the_server_once(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    context, page, problems = phone
    duration = duration_measure(personas)
    sign_in(page, personas.assigned_para)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    expect(page.locator(".today-student")).to_contain_text("Quillfeather")
    assert_clean(page, problems)

    # Online: a trials session reaches the server.
    record_trials(page, personas.measure.name, ["Correct", "Correct", "Incorrect", "No response"])
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=10_000)
    observation = Observation.objects.get(measure=personas.measure)
    assert [t["response"] for t in observation.facts["trials"]] == [
        "correct",
        "correct",
        "incorrect",
        "no_response",
    ]
    assert observation.recorded_by == personas.assigned_para
    page.wait_for_function(PAGE_CACHED, polling=200, timeout=10_000)

    # Offline: three methods.
    problems.offline = True
    context.set_offline(True)
    record_trials(page, personas.measure.name, ["Correct", "Incorrect"])
    open_sheet(page, "Elopement count")
    # Taps count only while the observation is timed (docs/measurement.md, "Observed time").
    expect(page.locator(".sheet").get_by_role("button", name="+1")).to_be_disabled()
    expect(page.locator(".sheet .tap-done")).to_be_disabled()
    page.locator(".sheet").get_by_role("button", name="Start observing").click()
    for _ in range(3):
        page.locator(".sheet").get_by_role("button", name="+1").click()
    expect(page.locator(".sheet .tally-count")).to_have_text("3")
    page.locator(".sheet").get_by_role("button", name="Stop", exact=True).click()
    finish(page)
    open_sheet(page, duration.name)
    page.locator(".sheet").get_by_role("button", name="Start observing").click()
    page.locator(".sheet").get_by_role("button", name="Behavior starts").click()
    page.wait_for_timeout(1100)
    page.locator(".sheet").get_by_role("button", name="Behavior ends").click()
    expect(page.locator(".sheet .tally-count")).to_have_text("1")
    finish(page)
    expect(page.locator(".sync-status")).to_contain_text("6")

    # A reload with no network comes from the service worker, and IndexedDB still has everything.
    page.reload()
    wait_ready(page)
    expect(page.locator(".today-student")).to_contain_text("Quillfeather")
    expect(page.locator(".sync-status")).to_contain_text("6")
    rows = page.locator(".today-records .record-row")
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Waiting")).to_have_count(3)
    page.screenshot(path="/tmp/today_offline.png", full_page=True)

    # Signing out with records waiting warns, naming the number; dismissing keeps her signed in.
    warnings: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        warnings.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    with page.expect_event("dialog"):
        page.get_by_role("button", name="Sign out").click()
    assert re.search(r"\b6\b", warnings[0]), warnings
    expect(page.locator(".sync-status")).to_contain_text("6")
    expect(page).to_have_url(re.compile(r"/today/$"))

    # Back online: every record reaches the server once.
    context.set_offline(False)
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=30_000)
    problems.offline = False
    outbox = page.evaluate(OUTBOX_IDS)
    assert {state for _id, _kind, state in outbox} == {"synced"}, outbox
    sessions = {row_id for row_id, kind, _state in outbox if kind == "session"}
    observations = {row_id for row_id, kind, _state in outbox if kind == "observation"}
    assert {str(pk) for pk in Session.objects.values_list("id", flat=True)} == sessions
    assert {str(pk) for pk in Observation.objects.values_list("id", flat=True)} == observations
    assert len(observations) == 4
    count = Observation.objects.get(measure__name="Elopement count")
    assert len(count.facts["events"]) == 3
    [(start, stop)] = count.facts["timed"]
    assert all(start <= moment <= stop for moment in count.facts["events"])
    episodes = Observation.objects.get(measure=duration).facts["episodes"]
    assert len(episodes) == 1 and episodes[0][1] - episodes[0][0] >= 1
    assert_clean(page, problems)


def test_sheets_fit_a_phone_and_keep_a_draft_across_a_reload(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    sign_in(page, personas.assigned_para)
    open_sheet(page, personas.measure.name)
    sheet = page.locator(".sheet")
    sheet.get_by_role("button", name="Verbal", exact=True).first.click()
    sheet.get_by_role("button", name="Correct", exact=True).click()
    expect(sheet.locator(".last-text")).to_contain_text("Verbal")
    sheet.get_by_role("button", name="Incorrect", exact=True).click()
    sheet.get_by_role("button", name="Undo").click()
    expect(sheet.locator(".tally-count")).to_have_text("1 / 10")
    assert_clean(page, problems)
    page.screenshot(path="/tmp/trials_sheet.png", full_page=True)

    page.reload()
    wait_ready(page)
    drafts = page.locator(".today-drafts")
    expect(drafts).to_be_visible()
    drafts.get_by_role("button", name="Resume").click()
    expect(page.locator(".sheet .tally-count")).to_have_text("1 / 10")
    assert_clean(page, problems)


def test_para_corrects_her_own_record_with_a_reason(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    sign_in(page, personas.assigned_para)
    record_trials(page, personas.measure.name, ["Correct", "Incorrect"])
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=10_000)
    original = Observation.objects.get(measure=personas.measure)

    row = page.locator(".today-records .record-row").filter(has_text=personas.measure.name)
    row.get_by_role("button", name="Correct").click()
    page.get_by_label("Why does it need correcting?").fill("Second trial was scored on the wrong card")
    page.get_by_role("button", name="Correct it").click()
    sheet = page.locator(".sheet")
    expect(sheet.locator(".sheet-correcting")).to_contain_text("wrong card")
    expect(sheet.locator(".tally-count")).to_have_text("2 / 10")
    sheet.get_by_role("button", name="Undo").click()
    sheet.get_by_role("button", name="Correct", exact=True).click()
    expect(sheet.locator(".tally-count")).to_have_text("2 / 10")
    finish(page)
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=10_000)

    correction = Observation.objects.get(corrects=original)
    assert correction.correction_reason == "Second trial was scored on the wrong card"
    assert [t["response"] for t in correction.facts["trials"]] == ["correct", "correct"]
    assert correction.session_id == original.session_id
    original.refresh_from_db()
    assert original.superseded_at is not None
    expect(page.locator(".today-records")).to_contain_text("(corrected)")
    assert_clean(page, problems)


# Monday 16 November 2026, 09:10 in Chicago (the persona school's zone).
MONDAY = datetime.datetime(2026, 11, 16, 15, 10, tzinfo=datetime.UTC)


def test_today_follows_the_blocks_and_highlights_the_current_one_by_the_device_clock(
    phone: tuple[BrowserContext, Page, Problems],
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    _context, page, problems = phone
    monkeypatch.setattr(timezone, "now", lambda: MONDAY)
    # Four idle hours would end the session (test_sessions.py); here only the highlight is tested.
    settings.PARADESK_IDLE_MINUTES = 8 * 60
    for start, support in (
        (datetime.time(9, 0), SupportType.ONE_TO_ONE),
        (datetime.time(13, 0), SupportType.SMALL_GROUP),
    ):
        ParaBlockFactory.create(
            school=personas.school,
            para=personas.assigned_para,
            weekday=0,
            start_time=start,
            end_time=start.replace(minute=45),
            support_type=support,
            students=[personas.student],
        )
    page.clock.install(time=MONDAY)
    sign_in(page, personas.assigned_para)
    blocks = page.locator(".today-block")
    expect(blocks).to_have_count(2)
    expect(blocks.nth(0)).to_have_class(re.compile(r"\bis-now\b"))
    expect(blocks.nth(0).locator(".now-badge")).to_be_visible()
    expect(blocks.nth(1)).not_to_have_class(re.compile(r"\bis-now\b"))
    assert_clean(page, problems)

    # Four hours later by the device's clock alone: the 13:00 block is the current one.
    page.clock.run_for("04:00:00")
    expect(blocks.nth(1)).to_have_class(re.compile(r"\bis-now\b"))
    expect(blocks.nth(0).locator(".now-badge")).to_be_hidden()

    # Scrolled back into view (as focus and in-page links do), the sheet's heading is not under the
    # sticky sync-status bar.
    blocks.nth(1).locator(".measure-button").filter(has_text=personas.measure.name).click()
    heading = page.locator(".sheet .sheet-measure")
    expect(heading).to_have_text(personas.measure.name)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    heading.evaluate("(el) => el.scrollIntoView({block: 'start'})")
    assert page.evaluate("window.scrollY") > 0
    bar = page.locator(".sync-status").bounding_box()
    box = heading.bounding_box()
    assert bar is not None and box is not None and box["y"] >= bar["y"] + bar["height"]


QUEUE_A_SCHOOL_DAY = """
async ([studentId, measureId, sessions]) => {
  const store = window.Paradesk.store;
  const now = Date.now();
  const records = [];
  for (let i = 0; i < sessions; i++) {
    // One short count session every 75 s, ending before now: six and a quarter hours of them.
    const start = new Date(now - (sessions - i) * 75000);
    const end = new Date(start.getTime() + 60000);
    const sessionId = store.uuid();
    const common = {recorded_at: end.toISOString(), student_id: studentId};
    records.push({kind: "session", id: sessionId, started_at: start.toISOString(),
                  ended_at: end.toISOString(), setting: "Classroom", ...common});
    records.push({kind: "observation", id: store.uuid(), session_id: sessionId, measure_id: measureId,
                  started_at: start.toISOString(), ended_at: end.toISOString(),
                  facts: {events: [5.5, 20.0 + (i % 30)]}, ...common});
  }
  await store.queue(records);
  return (await store.status()).waiting;
}
"""


def test_a_full_school_day_recorded_offline_syncs_intact(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    context, page, problems = phone
    count_measure = Measure.objects.get(plan=personas.plan, name="Elopement count")
    sign_in(page, personas.assigned_para)
    page.wait_for_function(PAGE_CACHED, polling=200, timeout=10_000)

    problems.offline = True
    context.set_offline(True)
    day = [str(personas.student.id), str(count_measure.id), 300]
    waiting = page.evaluate(QUEUE_A_SCHOOL_DAY, day)
    assert waiting == 600  # 300 sessions and their 300 observations, more than one batch of 500
    assert page.evaluate(PAGE_CACHED), "Today's offline copy is gone before the reload"
    page.reload()
    wait_ready(page)
    expect(page.locator(".sync-status")).to_contain_text("600")

    context.set_offline(False)
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=60_000)
    problems.offline = False
    outbox = page.evaluate(OUTBOX_IDS)
    assert len(outbox) == 600 and {state for _id, _kind, state in outbox} == {"synced"}
    stored = set(Observation.objects.filter(measure=count_measure).values_list("id", flat=True))
    assert {str(pk) for pk in stored} == {row_id for row_id, kind, _s in outbox if kind == "observation"}
    assert Session.objects.filter(recorded_by=personas.assigned_para).count() == 300
    assert {len(facts["events"]) for facts in Observation.objects.values_list("facts", flat=True)} == {2}


TODAY_CACHED = "async () => Boolean(await (await caches.open('paradesk-pages')).match('/today/'))"


def expire_session(context: BrowserContext) -> None:
    """The server's half of a tablet left alone: its session went idle long ago."""
    key = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "sessionid")
    stored = SessionStore(session_key=key)
    stored[sessions.LAST_SEEN] = stored[sessions.LAST_SEEN] - 60 * 60
    stored.save()


def test_records_outlive_an_expired_session_and_sync_only_as_their_maker(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    """Maria records offline; her session expires; a colleague signs in on the same tablet and her
    records stay waiting (never stored as his); when Maria signs in again they are stored as hers."""
    context, page, problems = phone
    sign_in(page, personas.assigned_para)
    page.wait_for_function(PAGE_CACHED, polling=200, timeout=10_000)
    problems.offline = True
    context.set_offline(True)
    record_trials(page, personas.measure.name, ["Correct", "Incorrect"])
    expect(page.locator(".sync-status")).to_contain_text("2")
    expire_session(context)
    context.set_offline(False)
    expect(page.locator(".sync-status")).to_contain_text("sign in again", timeout=15_000)
    assert not Observation.objects.exists()

    page.goto("/")  # the expired session sends her to sign in; a colleague signs in instead
    page.get_by_label("Email").fill(personas.case_manager.email)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/today/")
    wait_ready(page)
    page.evaluate("() => Paradesk.store.sync()")
    assert not Observation.objects.exists() and not Session.objects.exists()
    waiting = page.evaluate("async () => (await Paradesk.store.db.outbox.toArray()).map((r) => r.state)")
    assert waiting == ["waiting", "waiting"]

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(page, personas.assigned_para)
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=15_000)
    problems.offline = False
    assert Observation.objects.get().recorded_by == personas.assigned_para
    # The expired session's 401 is the answer this test waits for, not a fault of the page.
    problems.console = [line for line in problems.console if "status of 401" not in line]
    assert_clean(page, problems)


def test_signing_out_offline_forgets_the_session_at_once_and_ends_it_when_online(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    context, page, problems = phone
    sign_in(page, personas.assigned_para)
    page.wait_for_function(PAGE_CACHED, polling=200, timeout=10_000)
    key = next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "sessionid")
    problems.offline = True
    context.set_offline(True)
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("body")).to_contain_text("Signed out on this device")
    page.reload()
    expect(page.locator("body")).to_contain_text("Signed out on this device")
    assert personas.student.last_name not in page.content()
    assert not page.evaluate(
        "async () => Boolean(await (await caches.open('paradesk-pages')).match('/today/'))"
    )

    context.set_offline(False)
    problems.offline = False
    page.goto("/today/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert not DjangoSession.objects.filter(session_key=key).exists()


def test_the_page_warns_before_an_idle_session_ends_and_stay_keeps_it(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas, settings: Any
) -> None:
    """With a 3-minute idle limit the warning shows 2 minutes before (after a minute untouched);
    "Stay signed in" asks the server for more and the warning goes."""
    settings.PARADESK_IDLE_MINUTES = 3
    _context, page, problems = phone
    page.clock.install()
    sign_in(page, personas.assigned_para)
    warning = page.locator("#session-limits")
    expect(warning).to_be_hidden()
    page.clock.run_for(61 * 1000)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("signed out in 2 minutes without activity")
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    assert_clean(page, problems)
