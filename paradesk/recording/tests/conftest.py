"""The phone every recording browser test holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from paradesk.recording.tests.browser_kit import PHONE, WATCH_CSP, Problems


@pytest.fixture
def phone(browser: Any, live_server: Any) -> Iterator[tuple[Any, Any, Problems]]:
    context = browser.new_context(base_url=live_server.url, **PHONE)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    problems = Problems()
    problems.watch(page)
    yield context, page, problems
    context.close()
