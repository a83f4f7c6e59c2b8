"""The para's and the case manager's first minutes, in real headless Chromium.

A para signs in on a phone, sees their student's snapshot, opens the student's page and reads the
goal and the directions, with nothing to edit; a case manager does the same on a tablet. Pages must
fit the screen, load their own styles, and raise no console errors or content-security violations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response, expect

from paradesk.people.models import Staff
from paradesk.testing import Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE: dict[str, Any] = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TABLET: dict[str, Any] = {"viewport": {"width": 768, "height": 1024}, "has_touch": True}
GOAL_TEXT = "Given a grade-level passage, the student will read 90 words correct per minute."
DIRECTION_TEXTS = ["Flash cards face down.", "Read this word.", "Builds automatic recognition."]
# Writing anything in a plan, by URL (routes.py): none of these may be offered to a para.
EDIT_HREF = re.compile(r"/(edit|new|amend|activate|snapshot)/")
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


@dataclass
class Problems:
    """What went wrong in the browser while a test ran: console errors, page errors, failed loads."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))
        page.on("response", self.on_response)
        page.on("requestfailed", lambda request: self.failed.append(f"failed: {request.url}"))

    def on_console(self, message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        # Chromium asks for /favicon.ico by itself; the pages declare no icon yet.
        if where.endswith("/favicon.ico"):
            return
        if message.type in {"error", "warning"} or "Content Security Policy" in message.text:
            self.console.append(f"{message.type}: {message.text} ({where})")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")


@pytest.fixture
def context_factory(browser: Browser) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def make(live_url: str, device: dict[str, Any]) -> tuple[Page, Problems]:
        context = browser.new_context(base_url=live_url, **device)
        context.add_init_script(WATCH_CSP)
        contexts.append(context)
        page = context.new_page()
        problems = Problems()
        problems.watch(page)
        return page, problems

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Page, staff: Staff) -> None:
    """Through the real sign-in form, as a person would."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def assert_fits(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width} px wide at {width} px"


def assert_clean(page: Page, problems: Problems) -> None:
    violations = page.evaluate("window.__cspViolations || []")
    assert not violations, f"content security policy violations on {page.url}: {violations}"
    assert not problems.console, f"console errors: {problems.console}"
    assert not problems.failed, f"failed requests: {problems.failed}"


def assert_own_styles_loaded(page: Page) -> None:
    """paradesk.css came from the live server (static files are served), not browser defaults."""
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(246, 247, 249)", f"paradesk.css not applied: body background {background}"


def test_para_on_a_phone_sees_snapshot_goal_and_directions_and_nothing_to_edit(
    live_server: Any, personas: Personas, context_factory: Any
) -> None:
    page, problems = context_factory(live_server.url, PHONE)
    sign_in(page, personas.assigned_para)

    # A para lands on Today; the snapshot cards are one tap away.
    expect(page).to_have_url(re.compile(r"/today/$"))
    page.goto(f"{live_server.url}/my-students/")
    expect(page).to_have_url(re.compile(r"/my-students/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My students")
    card = page.locator(".student-card").filter(has_text="Quillfeather")
    expect(card).to_have_count(1)
    for text in ("Loves puzzles", "Loud bells", "Quiet corner with headphones"):
        expect(card).to_contain_text(text)
    assert_own_styles_loaded(page)
    assert_fits(page, 360)
    assert_clean(page, problems)
    page.screenshot(path="/tmp/para_phone_my_students.png")

    card.get_by_role("link", name=re.compile("Quillfeather")).first.click()
    expect(page).to_have_url(re.compile(rf"/students/{personas.student.id}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quillfeather")
    expect(page.get_by_text(GOAL_TEXT).first).to_be_visible()
    for text in DIRECTION_TEXTS:
        expect(page.get_by_text(text).first).to_be_attached()
    hrefs = page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if EDIT_HREF.search(h)], f"edit links offered to a para: {hrefs}"
    post_forms = page.locator("main form[method=post]").count()
    assert post_forms == 0, "a para's student page offers a form that writes"
    assert_fits(page, 360)
    assert_clean(page, problems)
    page.screenshot(path="/tmp/para_phone.png", full_page=True)
    page.screenshot(path="/tmp/para_phone_top.png")


def test_case_manager_on_a_tablet_opens_caseload_and_a_student(
    live_server: Any, personas: Personas, context_factory: Any
) -> None:
    page, problems = context_factory(live_server.url, TABLET)
    sign_in(page, personas.case_manager)

    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.locator("main").get_by_role("link", name=re.compile("Quillfeather")).first.click()
    expect(page).to_have_url(re.compile(rf"/students/{personas.student.id}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quillfeather")
    expect(page.get_by_text(GOAL_TEXT).first).to_be_visible()
    assert_own_styles_loaded(page)
    assert_fits(page, 768)
    assert_clean(page, problems)
    page.screenshot(path="/tmp/case_manager_tablet.png", full_page=True)


def test_wrong_password_keeps_the_person_on_the_sign_in_page(
    live_server: Any, personas: Personas, context_factory: Any
) -> None:
    page, problems = context_factory(live_server.url, PHONE)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(personas.assigned_para.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("alert")).to_be_visible()
    assert_fits(page, 360)
    assert_clean(page, problems)
