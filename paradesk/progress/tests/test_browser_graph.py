"""The progress graph in real headless Chromium on a tablet: uPlot draws it, a touch or a pointer on a
session reads its value in the legend, and the page raises no console errors or content-security
violations (the graph's script, styles and data come from files and a JSON element, nothing inline).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from paradesk.progress.tests.test_graphs import known_series
from paradesk.recording.tests.browser_kit import WATCH_CSP, Problems
from paradesk.testing import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLET: dict[str, Any] = {"viewport": {"width": 768, "height": 1024}, "has_touch": True}
# How much of the plot's canvas is painted (not transparent): the series, lines and labels.
PAINTED = """(canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted / (canvas.width * canvas.height);
}"""


@pytest.fixture
def tablet(browser: Browser, live_server: Any) -> Iterator[tuple[Page, Problems]]:
    context = browser.new_context(base_url=live_server.url, **TABLET)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    yield page, problems
    context.close()


def point_of(page: Page, data: dict[str, Any], row: dict[str, Any]) -> tuple[float, float]:
    """Where a session is drawn: the plot area spans the graph's x and y ranges exactly."""
    box = page.locator(".graph-area .u-over").bounding_box()
    assert box is not None
    (x_low, x_high), (y_low, y_high) = data["x_range"], data["y_range"]
    x = box["x"] + box["width"] * (row["x"] - x_low) / (x_high - x_low)
    y = box["y"] + box["height"] * (1 - (row["value"] - y_low) / (y_high - y_low))
    return x, y


def legend_value(page: Page, label: str) -> str:
    return (
        page.locator(".graph-area .u-legend .u-series")
        .filter(has_text=label)
        .locator(".u-value")
        .inner_text()
    )


def test_the_graph_draws_and_reads_a_session_on_a_tablet(
    tablet: tuple[Page, Problems], personas: Personas
) -> None:
    page, problems = tablet
    known_series(personas)
    page.goto("/")
    page.get_by_label("Email").fill(personas.case_manager.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))

    page.goto(f"/measures/{personas.measure.id}/progress/")
    canvas = page.locator(".graph-area canvas")
    expect(canvas).to_be_visible()
    assert canvas.evaluate(PAINTED) > 0.01, "the canvas is blank"
    # The graph fills the width it is given.
    area = page.locator(".graph-area").bounding_box()
    drawn = canvas.bounding_box()
    assert area and drawn and drawn["width"] >= area["width"] - 4

    data = page.evaluate("JSON.parse(document.getElementById('graph-data').textContent)")
    row = data["sessions"][3]  # 55% on 12 October, the first session after "Token board"
    page.mouse.move(*point_of(page, data, row))
    expect(page.locator(".graph-area .u-legend")).to_contain_text(row["date_label"])
    assert legend_value(page, "Sessions") == "55"
    assert legend_value(page, "Aimline") == "30"  # 25 on 7 October + 1 a day

    last = data["sessions"][-1]
    page.touchscreen.tap(*point_of(page, data, last))
    expect(page.locator(".graph-area .u-legend")).to_contain_text(last["date_label"])
    assert legend_value(page, "Sessions") == "70"

    # The sessions fill the graph; the goal date, months on, is one tap away and back.
    toggle = page.get_by_role("button", name="Show up to the goal date")
    toggle.click()
    expect(page.get_by_role("button", name="Show the sessions")).to_have_attribute("aria-pressed", "true")
    page.mouse.move(*point_of(page, {**data, "x_range": data["full_x_range"]}, last))
    expect(page.locator(".graph-area .u-legend")).to_contain_text(last["date_label"])
    assert legend_value(page, "Sessions") == "70"
    page.get_by_role("button", name="Show the sessions").click()
    expect(page.get_by_role("button", name="Show up to the goal date")).to_be_visible()
    page.mouse.move(*point_of(page, data, last))
    expect(page.locator(".graph-area .u-legend")).to_contain_text(last["date_label"])

    violations = page.evaluate("window.__cspViolations || []")
    assert not violations, f"content security policy violations: {violations}"
    assert not problems.console, f"console errors: {problems.console}"
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["viewport"]["width"]
