"""What the recording browser tests share: a phone-sized page watched for console errors and content
security policy violations, signing in, and the checks every page passes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from playwright.sync_api import ConsoleMessage, Page, expect

from paradesk.people.models import Staff

PHONE: dict[str, Any] = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""
# Chromium's own words for a request made while offline: expected while the test is offline.
OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "Failed to fetch")


@dataclass
class Problems:
    console: list[str] = field(default_factory=list)
    offline: bool = False

    def watch(self, page: Page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.location.get("url", "").endswith("/favicon.ico"):
            return
        if self.offline and any(noise in message.text for noise in OFFLINE_NOISE):
            return
        if message.type in {"error", "warning"} or "Content Security Policy" in message.text:
            self.console.append(f"{message.type}: {message.text} ({message.location.get('url', '')})")


# Alpine binds a component's handlers when it starts (after the deferred scripts): a tap before that
# does nothing, so a test waits for every component on the page as a person waits for the page.
ALPINE_STARTED = """() => window.Alpine !== undefined
  && [...document.querySelectorAll("[x-data]")].every((el) => el._x_dataStack !== undefined)"""


def wait_ready(page: Page) -> None:
    page.wait_for_function(ALPINE_STARTED)


def sign_in(page: Page, staff: Staff) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    wait_ready(page)


def assert_clean(page: Page, problems: Problems) -> None:
    violations = page.evaluate("window.__cspViolations || []")
    assert not violations, f"content security policy violations on {page.url}: {violations}"
    assert not problems.console, f"console errors: {problems.console}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} scrolls sideways: {width} px wide at 360 px"
