"""Fixtures every area's tests share: the personas (docs/conventions.md#personas), and the browser."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from paradesk.testing import Personas, build_personas, signed_in


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """The test client signed in as the given staff member (`paradesk.testing.signed_in` as a
    fixture)."""

    def sign_in(staff):  # type: ignore[no-untyped-def]
        return signed_in(staff, client)

    return sign_in


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Argon2 takes ~0.3 s per staff member (3 s per set of personas); tests need no such cost.
    Sign-in still checks the real password, only the hash is cheaper."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def static_files_found_on_request(settings: Settings) -> None:
    """WhiteNoise otherwise scans every static file each time a test client loads the middleware
    (~0.1 s a client); looking a file up when it is asked for serves the same files."""
    settings.WHITENOISE_AUTOREFRESH = True


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the run uses, so a PostgreSQL run is visibly one."""
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


# Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.
# Never `playwright install`: it downloads a browser (docs/development.md#browser-tests). Without
# /usr/bin/chromium the browser tests are skipped, saying why.

# Playwright's sync API runs an event loop in the test's thread; Django then refuses database work
# there unless told it is safe (it is: the loop never runs Django code).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying to reach the internet.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def live_requests_finish_before_the_database_is_emptied(request: pytest.FixtureRequest) -> Iterator[None]:
    """A browser test's last requests (the service worker caching Today, which writes audit entries)
    can still be running in the live server's threads when the test ends. On SQLite those threads
    share the test's connection, so a row they insert lands inside the database flush and fails it
    with a foreign-key error. Wait for them: this fixture is set up after the database's and before
    the browser's, so it runs after the browser is closed and before the flush."""
    yield
    if "live_server" not in request.fixturenames:
        return
    server = request.getfixturevalue("live_server").thread.httpd
    for _ in range(2):  # a connection accepted while the first ones finished
        for thread in list(getattr(server, "_threads", None) or []):
            thread.join(timeout=10)
        time.sleep(0.05)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium); "
        "never `playwright install`"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)
