"""The interval, rating and permanent-product sheets and the log forms, in real headless Chromium.

The interval timer is driven by Playwright's fake clock: the cue for interval 1 appears at exactly
interval_seconds after Start (not a millisecond before), interval 2 at twice that; a pause stops the
clock for the sheet; a tab that comes back from the background is put right from the clock alone.
Each log form queues a record in the sync API's shape, and the server stores it. Pages fit a 360 px
phone and raise no console errors or content-security violations.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from paradesk.plans.models import AbcOption, Accommodation, Measure, Method, TargetBehavior
from paradesk.recording.models import (
    AbcIncident,
    AccommodationDelivery,
    CareLogEntry,
    CaseManagerNote,
    Observation,
    ServiceLog,
)
from paradesk.recording.tests.browser_kit import Problems, assert_clean, sign_in, wait_ready
from paradesk.testing import Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTBOX = """async () => {
  const rows = await Paradesk.store.db.outbox.toArray();
  return rows.map((r) => ({kind: r.kind, state: r.state, reason: r.reason, record: r.record}));
}"""
INTERVAL_SECONDS = 10


def assert_tap_targets(sheet: Locator) -> None:
    """Every button and choice on the sheet is at least 48 px tall (and the buttons as wide)."""
    small = sheet.evaluate(
        """(root) => [...root.querySelectorAll(
            "button, label.choice, input:not([type=radio]), select, textarea")]
          .filter((el) => el.offsetParent !== null)
          .map((el) => [el.textContent.trim().slice(0, 30) || el.id, el.getBoundingClientRect()])
          .filter(([, r]) => r.height < 47.5)
          .map(([name, r]) => name + " " + Math.round(r.width) + "x" + Math.round(r.height))"""
    )
    assert not small, f"tap targets under 48 px: {small}"


def open_measure(page: Page, name: str) -> Locator:
    wait_ready(page)
    page.locator(".measure-button").filter(has_text=name).click()
    sheet = page.locator(".sheet")
    expect(sheet.locator(".sheet-measure")).to_have_text(name)
    return sheet


def open_quick(page: Page, label: str) -> Locator:
    wait_ready(page)
    page.locator(".today-student").get_by_role("button", name=label, exact=True).click()
    sheet = page.locator(".sheet")
    expect(sheet).to_have_count(1)
    return sheet


def finish(page: Page) -> None:
    page.locator(".sheet").get_by_role("button", name="Done").click()
    expect(page.locator(".sheet")).to_have_count(0)


def saved(page: Page) -> list[dict[str, Any]]:
    """The outbox once the server has answered for every record."""
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=15_000)
    rows: list[dict[str, Any]] = page.evaluate(OUTBOX)
    return rows


def interval_measure(personas: Personas, method: str, count: int = 3) -> Measure:
    return Measure.objects.create(
        district=personas.district,
        plan=personas.plan,
        goal=personas.goal,
        name=f"On task ({method})",
        method=method,
        interval_seconds=INTERVAL_SECONDS,
        interval_count=count,
    )


# The timer's arithmetic, alone -----------------------------------------------------------------------

TIMER_ARITHMETIC = """() => {
  const T = Paradesk.intervalTimer;
  const s = T.create(10, 3);
  const out = {before: T.endedCount(s, 5000), current: T.currentIndex(s, 0)};
  T.start(s, 1000);
  out.at = [9999, 10999, 11000, 20999, 21000, 31000, 99999].map((t) => T.endedCount(s, t));
  out.current = [1000, 10999, 11000, 31000].map((t) => T.currentIndex(s, t));
  out.untilNext = [T.msUntilNextEnd(s, 1000), T.msUntilNextEnd(s, 10999), T.msUntilNextEnd(s, 11000)];
  T.pause(s, 6000);                 // 5 s into interval 1
  out.paused = [T.endedCount(s, 60000), T.msUntilNextEnd(s, 60000), T.secondsLeft(s, 60000)];
  T.resume(s, 60000);               // 54 s paused
  out.resumed = [T.endedCount(s, 64999), T.endedCount(s, 65000), T.intervalEndsAt(s, 1)];
  out.since = T.endedSince(s, 0, 84999);
  let fake = 0;
  const clock = {now: () => new Date(fake)};
  const timer = new T.IntervalTimer({intervalSeconds: 2, intervalCount: 2, clock: clock}).start();
  fake = 1999; const none = timer.poll();
  fake = 2000; const first = timer.poll();
  fake = 9000; const rest = timer.poll();
  out.polls = [none, first, rest, timer.finished()];
  return out;
}"""


def test_interval_timer_arithmetic_follows_the_clock_and_leaves_out_pauses(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    sign_in(page, personas.assigned_para)
    page.wait_for_function("() => window.Paradesk && window.Paradesk.intervalTimer")
    out = page.evaluate(TIMER_ARITHMETIC)
    assert out["before"] == 0
    # Started at 1 000 ms with 10 s intervals: interval 1 ends at 11 000, interval 2 at 21 000.
    assert out["at"] == [0, 0, 1, 1, 2, 3, 3]
    assert out["current"] == [0, 0, 1, None]
    assert out["untilNext"] == [10000, 1, 10000]
    # Paused 5 s into interval 1: nothing ends however long the pause, 5 s stay on the countdown.
    assert out["paused"] == [0, None, 5]
    # Resumed at 60 000 ms: interval 1 ends 5 s later, at 65 000.
    assert out["resumed"] == [0, 1, 20000]
    assert out["since"] == [0, 1]
    assert out["polls"] == [[], [0], [1], True]
    assert_clean(page, problems)


# Interval recording with a fake clock ------------------------------------------------------------------


def pause_soon(page: Page) -> None:
    """Stop the page's fake clock a second ahead: from then on only run_for moves time."""
    now_ms = page.evaluate("Date.now()")
    page.clock.pause_at(datetime.datetime.fromtimestamp((now_ms + 1000) / 1000, tz=datetime.UTC))


def cue(sheet: Locator) -> Locator:
    return sheet.locator(".interval-cue")


def test_partial_interval_cues_each_interval_end_exactly_and_the_observation_reaches_the_server(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    measure = interval_measure(personas, Method.PARTIAL_INTERVAL)
    page.clock.install()
    sign_in(page, personas.assigned_para)
    sheet = open_measure(page, measure.name)
    expect(sheet.locator(".interval-status")).to_contain_text("3 intervals of 10 seconds")
    expect(sheet.locator(".interval-cell")).to_have_count(3)
    assert_tap_targets(sheet)

    pause_soon(page)
    sheet.get_by_role("button", name="Start").click()
    yes = sheet.get_by_role("button", name="Yes, it happened")
    no = sheet.get_by_role("button", name="No", exact=True)
    expect(yes).to_be_disabled()

    page.clock.run_for(INTERVAL_SECONDS * 1000 - 1)
    expect(cue(sheet)).to_have_text("")
    expect(sheet.locator(".interval-status")).to_contain_text("Interval 1 of 3 running: 0:01 left")
    page.clock.run_for(1)
    expect(cue(sheet)).to_contain_text("Interval 1 of 3: score now")
    expect(cue(sheet)).to_have_attribute("aria-live", "assertive")
    expect(sheet.locator(".interval-cell.running")).to_contain_text("2")
    yes.click()
    expect(cue(sheet)).to_have_text("")
    expect(sheet.locator(".interval-cell").nth(0)).to_have_class(re.compile(r"\byes\b"))

    page.clock.run_for(INTERVAL_SECONDS * 1000 - 1)  # 2 x interval_seconds less 1 ms since Start
    expect(cue(sheet)).to_have_text("")
    page.clock.run_for(1)
    expect(cue(sheet)).to_contain_text("Interval 2 of 3: score now")
    no.click()
    sheet.get_by_role("button", name="Undo the last mark").click()
    expect(cue(sheet)).to_contain_text("Interval 2 of 3: score now")
    yes.click()

    page.clock.run_for(INTERVAL_SECONDS * 1000)
    expect(cue(sheet)).to_contain_text("Interval 3 of 3: score now")
    no.click()
    expect(sheet.locator(".interval-status")).to_contain_text("All intervals scored")
    signs = sheet.locator(".interval-sign").all_inner_texts()
    assert signs == ["+", "+", "\N{MINUS SIGN}"], signs
    expect(sheet.locator(".interval-tally")).to_contain_text("2 of 3 intervals scored yes (67%)")
    # The draft holds every mark before Done.
    draft = page.evaluate("async () => (await Paradesk.store.drafts())[0].data.marks")
    assert draft == [True, True, False]
    page.screenshot(path="/tmp/interval_sheet.png", full_page=True)
    assert_clean(page, problems)

    page.clock.resume()
    finish(page)
    rows = saved(page)
    observation_row = next(r for r in rows if r["kind"] == "observation")
    assert observation_row["record"]["facts"] == {"intervals": [True, True, False]}
    assert observation_row["record"]["measure_id"] == str(measure.id)
    stored = Observation.objects.get(measure=measure)
    assert stored.facts == {"intervals": [True, True, False]}
    assert stored.value == pytest.approx(200 / 3)
    assert (stored.ended_at - stored.started_at).total_seconds() >= 3 * INTERVAL_SECONDS
    assert_clean(page, problems)


def test_a_paused_timer_gives_no_cue_and_a_tab_back_from_the_background_catches_up(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    measure = interval_measure(personas, Method.MOMENTARY_TIME_SAMPLING, count=20)
    page.clock.install()
    sign_in(page, personas.assigned_para)
    sheet = open_measure(page, measure.name)
    pause_soon(page)
    sheet.get_by_role("button", name="Start").click()

    page.clock.run_for(4000)
    sheet.get_by_role("button", name="Pause").click()
    page.clock.run_for(60_000)
    expect(cue(sheet)).to_have_text("")
    expect(sheet.locator(".interval-status")).to_contain_text("Paused in interval 1 of 20 (0:06 left)")
    sheet.get_by_role("button", name="Resume").click()
    page.clock.run_for(5999)
    expect(cue(sheet)).to_have_text("")
    page.clock.run_for(1)
    expect(cue(sheet)).to_contain_text("Interval 1 of 20: look now")
    sheet.get_by_role("button", name="Yes, right now").click()

    # In the background no timer ran; the clock moved 35 s. Coming back, the sheet reads the clock:
    # intervals 2, 3 and 4 have ended (interval 4 ends 40 s after Start, pauses left out).
    page.evaluate(
        """() => { const real = Paradesk.clock.now; const ahead = Date.now() + 35000;
                   Paradesk.clock.now = () => new Date(ahead);
                   document.dispatchEvent(new Event("visibilitychange")); }"""
    )
    expect(sheet.locator(".interval-cell.awaiting")).to_have_count(3)
    expect(cue(sheet)).to_contain_text("Interval 2 of 20: look now")
    expect(sheet.locator(".interval-cell.running")).to_contain_text("5")
    assert_clean(page, problems)


def test_an_interval_sheet_asks_for_a_mark_before_done(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    measure = interval_measure(personas, Method.WHOLE_INTERVAL)
    sign_in(page, personas.assigned_para)
    sheet = open_measure(page, measure.name)
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator(".field-error")).to_have_text("Score at least one interval before Done.")
    expect(page.locator(".sheet")).to_have_count(1)
    assert page.evaluate(OUTBOX) == []
    assert_clean(page, problems)


# Rating and permanent product ------------------------------------------------------------------------


def test_rating_and_permanent_product_sheets_queue_their_facts(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    common = {"district": personas.district, "plan": personas.plan, "goal": personas.goal}
    rating = Measure.objects.create(
        **common,
        name="Self-regulation rating",
        method=Method.RATING,
        rating_min=1,
        rating_max=5,
        rating_labels={"1": "Needed full support", "5": "Calmed on own"},
    )
    product = Measure.objects.create(**common, name="Math worksheet", method=Method.PERMANENT_PRODUCT)
    sign_in(page, personas.assigned_para)

    sheet = open_measure(page, rating.name)
    expect(sheet.locator(".rating-value")).to_have_count(5)
    expect(sheet.locator(".rating-value").first).to_contain_text("Needed full support")
    assert_tap_targets(sheet)
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#rating-error")).to_have_text("Choose a rating.")
    sheet.locator(".rating-value").filter(has_text="4").click()
    expect(sheet.locator(".rating-value").nth(3)).to_have_attribute("aria-pressed", "true")
    expect(sheet.locator("#rating-error")).to_be_hidden()
    assert_clean(page, problems)
    finish(page)

    sheet = open_measure(page, product.name)
    for _ in range(12):
        sheet.get_by_role("button", name="One more attempted").click()
    for _ in range(10):
        sheet.get_by_role("button", name="One more correct").click()
    sheet.get_by_role("button", name="One fewer correct").click()
    expect(sheet.get_by_label("Items correct")).to_have_value("9")
    expect(sheet.locator(".pp-percent")).to_contain_text("75%")
    sheet.get_by_label("Items correct").fill("13")
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#pp-correct-error")).to_have_text("Correct cannot be more than attempted.")
    expect(sheet.get_by_label("Items correct")).to_have_attribute("aria-invalid", "true")
    sheet.get_by_label("Items correct").fill("9")
    expect(sheet.locator("#pp-correct-error")).to_be_hidden()
    sheet.get_by_label("Minutes it took (optional)").fill("0")
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#pp-minutes-error")).to_contain_text("more than zero")
    sheet.get_by_label("Minutes it took (optional)").fill("15")
    assert_tap_targets(sheet)
    assert_clean(page, problems)
    finish(page)

    rows = saved(page)
    facts = {r["record"]["measure_id"]: r["record"]["facts"] for r in rows if r["kind"] == "observation"}
    assert facts == {
        str(rating.id): {"rating": 4},
        str(product.id): {"attempted": 12, "correct": 9, "minutes": 15},
    }
    assert Observation.objects.get(measure=rating).value == 4
    assert Observation.objects.get(measure=product).value == 75
    assert_clean(page, problems)


# Log forms -------------------------------------------------------------------------------------------


def abc_plan(personas: Personas) -> dict[str, Any]:
    plan = personas.plan
    options = {
        label: AbcOption.objects.create(district=personas.district, plan=plan, category=category, label=label)
        for category, label in [
            ("behavior", "Ran from the room"),
            ("behavior", "Shouted"),
            ("consequence", "Planned ignoring"),
        ]
    }
    options["Transition announced"] = AbcOption.objects.get(plan=plan, label="Transition announced")
    TargetBehavior.objects.create(
        district=personas.district,
        plan=plan,
        name="Verbal outbursts",
        operational_definition="Shouts louder than classroom voice.",
        hypothesized_function="attention",
    )
    return options


def test_abc_incident_form_queues_an_incident_the_server_stores(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    options = abc_plan(personas)
    elopement = TargetBehavior.objects.get(name="Elopement")
    sign_in(page, personas.assigned_para)
    sheet = open_quick(page, "ABC incident")
    expect(sheet.locator(".sheet-measure")).to_have_text("ABC incident")
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#abc-behavior-error")).to_contain_text("Describe the behavior")
    expect(page.locator(".sheet")).to_have_count(1)

    sheet.get_by_label("Setting (where, which activity)").fill("Math, small group")
    sheet.get_by_label("Target behavior").select_option(label="Elopement")
    sheet.get_by_role("button", name="Transition announced").click()
    sheet.get_by_role("button", name="Ran from the room").click()
    sheet.get_by_role("button", name="Shouted").click()
    sheet.get_by_role("button", name="Shouted").click()  # a second tap takes it back
    expect(sheet.get_by_role("button", name="Shouted")).to_have_attribute("aria-pressed", "false")
    sheet.get_by_label("Behavior, in words").fill("Ran to the hallway door.")
    sheet.get_by_role("button", name="Planned ignoring").click()
    sheet.get_by_label("Consequence, in words").fill("Walked back with adult.")
    sheet.locator(".intensity").filter(has_text="3").click()
    sheet.get_by_label("Minutes").fill("2")
    sheet.get_by_label("Seconds").fill("75")
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#abc-duration-error")).to_be_visible()
    sheet.get_by_label("Seconds").fill("30")
    expect(sheet.locator("#abc-behavior-error")).to_be_hidden()
    draft = page.evaluate("async () => (await Paradesk.store.drafts())[0]")
    assert draft["kind"] == "abc_incident" and draft["data"]["behavior_text"] == "Ran to the hallway door."
    assert_tap_targets(sheet)
    assert_clean(page, problems)
    page.screenshot(path="/tmp/abc_sheet.png", full_page=True)
    finish(page)

    (row,) = saved(page)
    record = row["record"]
    assert row["kind"] == "abc_incident" and row["state"] == "synced", row
    assert record["student_id"] == str(personas.student.id)
    assert record["target_behavior_id"] == str(elopement.id)
    assert record["antecedent_codes"] == [str(options["Transition announced"].id)]
    assert record["behavior_codes"] == [str(options["Ran from the room"].id)]
    assert record["consequence_codes"] == [str(options["Planned ignoring"].id)]
    assert record["intensity"] == 3 and record["duration_seconds"] == 150
    incident = AbcIncident.objects.get()
    assert str(incident.id) == record["id"]
    assert incident.setting == "Math, small group"
    assert incident.behavior_text == "Ran to the hallway door."
    assert incident.target_behavior == elopement and incident.plan == personas.plan
    assert incident.duration_seconds == 150 and incident.intensity == 3
    assert abs(incident.occurred_at - incident.recorded_at) < datetime.timedelta(minutes=2)
    assert_clean(page, problems)


def test_accommodation_form_queues_one_record_per_accommodation_marked(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    common = {"district": personas.district, "plan": personas.plan, "category": "presentation"}
    read_aloud = Accommodation.objects.create(**common, wording="Directions read aloud", log_delivery=True)
    Accommodation.objects.create(**common, wording="Graphic organizer", log_delivery=True)
    sign_in(page, personas.assigned_para)
    sheet = open_quick(page, "Accommodation given")
    rows = sheet.locator(".accommodation-row")
    expect(rows).to_have_count(2)  # "Extended time" is not logged each time
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#acc-rows-error")).to_have_text("Mark at least one accommodation.")
    sheet.get_by_label("Class or period").fill("Period 2 Science")
    row = rows.filter(has_text="Directions read aloud")
    row.get_by_label("Delivered", exact=True).check()
    row.get_by_label("Note (optional)").fill("Read twice")
    rows.filter(has_text="Graphic organizer").get_by_label("Not needed").check()
    assert_tap_targets(sheet)
    assert_clean(page, problems)
    finish(page)

    queued = saved(page)
    assert sorted(r["record"]["status"] for r in queued) == ["delivered", "not_needed"]
    assert {r["state"] for r in queued} == {"synced"}
    day = page.evaluate("JSON.parse(document.getElementById('today-data').textContent).day")
    delivered = AccommodationDelivery.objects.get(accommodation=read_aloud)
    assert delivered.status == "delivered" and delivered.note == "Read twice"
    assert delivered.class_name == "Period 2 Science" and delivered.date.isoformat() == day
    assert AccommodationDelivery.objects.count() == 2
    assert_clean(page, problems)


def test_service_minutes_form_wants_a_reason_for_a_missed_session(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    service = personas.plan.services.get()
    sign_in(page, personas.assigned_para)
    sheet = open_quick(page, "Service minutes")
    expect(sheet.locator(".service-name")).to_contain_text(service.name)
    expect(sheet.get_by_label("Minutes delivered")).to_have_value("30")
    sheet.get_by_label("Missed", exact=True).check()
    expect(sheet.get_by_label("Minutes missed")).to_be_visible()
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#svc-reason-error")).to_have_text("Say why the session was missed.")
    expect(page.locator(".sheet")).to_have_count(1)
    sheet.get_by_label("Student absent").check()
    expect(sheet.locator("#svc-reason-error")).to_be_hidden()
    sheet.get_by_label("Note (optional)").fill("Out sick")
    assert_tap_targets(sheet)
    assert_clean(page, problems)
    finish(page)

    (row,) = saved(page)
    assert row["record"]["status"] == "missed" and row["record"]["missed_reason"] == "student_absent"
    assert "student_id" not in row["record"]
    log = ServiceLog.objects.get()
    assert (log.service, log.status, log.missed_reason, log.minutes) == (
        service,
        "missed",
        "student_absent",
        30,
    )
    assert log.note == "Out sick"
    assert_clean(page, problems)


def test_care_log_and_note_forms_reach_the_server(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    sign_in(page, personas.assigned_para)
    sheet = open_quick(page, "Personal care")
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#care-kind-error")).to_have_text("Choose the kind of care.")
    sheet.get_by_label("Positioning / transfer").check()
    expect(sheet.locator("#care-kind-error")).to_be_hidden()
    sheet.get_by_label("Note (optional)").fill("Moved to stander")
    assert_tap_targets(sheet)
    assert_clean(page, problems)
    finish(page)

    sheet = open_quick(page, "Note to the teacher")
    expect(sheet.locator(".sheet-measure")).to_have_text("Note to the case manager")
    sheet.get_by_label("Note", exact=True).fill("   ")
    sheet.get_by_role("button", name="Done").click()
    expect(sheet.locator("#note-text-error")).to_have_text("Write the note.")
    sheet.get_by_label("Note", exact=True).fill("Tired after lunch; skipped the second worksheet.")
    expect(sheet.locator("#note-left")).to_contain_text("952 characters left")
    assert_clean(page, problems)
    finish(page)

    queued = saved(page)
    kinds = sorted(r["kind"] for r in queued)
    assert kinds == ["care_log", "note"], queued
    care = CareLogEntry.objects.get()
    assert (care.care_kind, care.note, care.recorded_by) == (
        "positioning",
        "Moved to stander",
        personas.assigned_para,
    )
    note = CaseManagerNote.objects.get()
    assert note.text == "Tired after lunch; skipped the second worksheet."
    assert note.student == personas.student
    assert_clean(page, problems)


# Corrections -------------------------------------------------------------------------------------------


def correct(page: Page, what: str, reason: str) -> Locator:
    """Open the correction of the record listed with these words, giving the reason."""
    row = page.locator(".today-records .record-row").filter(has_text=what)
    row.get_by_role("button", name="Correct").click()
    page.get_by_label("Why does it need correcting?").fill(reason)
    page.get_by_role("button", name="Correct it").click()
    sheet = page.locator(".sheet")
    expect(sheet.locator(".sheet-correcting")).to_contain_text(reason)
    return sheet


def test_a_para_corrects_her_interval_record_and_her_care_log_on_the_same_day(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    _context, page, problems = phone
    measure = interval_measure(personas, Method.PARTIAL_INTERVAL, count=2)
    page.clock.install()
    sign_in(page, personas.assigned_para)
    sheet = open_measure(page, measure.name)
    pause_soon(page)
    sheet.get_by_role("button", name="Start").click()
    page.clock.run_for(2 * INTERVAL_SECONDS * 1000)
    sheet.get_by_role("button", name="Yes, it happened").click()
    sheet.get_by_role("button", name="Yes, it happened").click()
    page.clock.resume()
    finish(page)
    sheet = open_quick(page, "Personal care")
    sheet.get_by_label("Hygiene").check()
    finish(page)
    saved(page)

    sheet = correct(page, "Personal care", "Wrong kind tapped")
    expect(sheet.get_by_label("Hygiene")).to_be_checked()
    sheet.get_by_label("Mobility").check()
    finish(page)
    sheet = correct(page, measure.name, "Interval 2 was a no")
    expect(sheet.locator(".interval-toggle")).to_have_count(2)
    sheet.locator(".interval-toggle").nth(1).click()
    expect(sheet.locator(".interval-sign, .interval-toggle").nth(1)).to_have_text("\N{MINUS SIGN}")
    assert_clean(page, problems)
    finish(page)
    saved(page)

    first, second = sorted(CareLogEntry.objects.all(), key=lambda entry: entry.corrects_id is not None)
    second_corrects = (second.corrects_id, second.care_kind, second.correction_reason)
    assert second_corrects == (first.id, "mobility", "Wrong kind tapped")
    first.refresh_from_db()
    assert first.superseded_at is not None
    current = Observation.objects.current().get(measure=measure)
    original = Observation.objects.get(correction__id=current.id)
    assert current.facts == {"intervals": [True, False]}
    assert original.facts == {"intervals": [True, True]} and original.superseded_at is not None
    assert_clean(page, problems)


def test_a_rate_is_what_the_para_timed_not_the_time_the_sheet_was_open(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    """The para opens a 1-minute reading probe, reads the directions for 5 minutes, then times one
    minute in which the student reads 38 words correctly and 2 in error: 38 words correct per
    minute on the sheet and on the server (not 38 / 6 = 6.3)."""
    _context, page, problems = phone
    measure = Measure.objects.create(
        district=personas.district,
        plan=personas.plan,
        goal=personas.goal,
        name="Words read correctly per minute",
        method=Method.RATE,
        unit="per_minute",
    )
    page.clock.install()
    sign_in(page, personas.assigned_para)
    sheet = open_measure(page, measure.name)
    correct = sheet.locator(".tap-correct")
    expect(correct).to_be_disabled()
    pause_soon(page)
    page.clock.run_for(5 * 60 * 1000)
    expect(sheet.locator(".timed-clock")).to_have_text("0:00")
    sheet.get_by_role("button", name="Start observing").click()
    for _ in range(38):
        correct.click()
    for _ in range(2):
        sheet.locator(".tap-incorrect").click()
    page.clock.run_for(30 * 1000)
    sheet.get_by_role("button", name="Pause").click()
    page.clock.run_for(2 * 60 * 1000)  # a pause does not count
    sheet.get_by_role("button", name="Resume").click()
    page.clock.run_for(30 * 1000)
    sheet.get_by_role("button", name="Stop", exact=True).click()
    expect(sheet.locator(".timed-clock")).to_have_text("1:00")
    expect(sheet.locator(".sheet-tally .tally-value")).to_have_text("38.0")
    assert_tap_targets(sheet)
    page.clock.resume()
    finish(page)
    saved(page)
    stored = Observation.objects.get(measure=measure)
    assert stored.value == pytest.approx(38)
    timed = stored.facts["timed"]
    assert sum(stop - start for start, stop in timed) == pytest.approx(60)
    assert_clean(page, problems)


def test_the_trials_sheet_shows_the_figure_the_graph_will_show(
    phone: tuple[BrowserContext, Page, Problems], personas: Personas
) -> None:
    """The goal wants independence: correct independently, correct with a verbal prompt, incorrect,
    correct independently. The sheet says "% correct independently: 50%" (the stored value) and,
    apart, "correct with any prompt 75%"; the server stores 50."""
    _context, page, problems = phone
    sign_in(page, personas.assigned_para)
    sheet = open_measure(page, personas.measure.name)
    sheet.locator(".tap-correct").click()
    sheet.locator(".tap-correct").click()
    sheet.locator(".level-picker-small").get_by_role("button", name="Verbal").click()
    sheet.locator(".tap-incorrect").click()
    sheet.locator(".tap-correct").click()
    expect(sheet.locator(".tally-figure")).to_have_text("% correct independently")
    expect(sheet.locator(".tally-percent")).to_have_text("50%")
    expect(sheet.locator(".tally-any")).to_contain_text("75%")
    finish(page)
    saved(page)
    assert Observation.objects.get(measure=personas.measure).value == 50
    expect(page.locator(".today-records")).to_contain_text("4 trials, % correct independently: 50%")
    assert_clean(page, problems)
