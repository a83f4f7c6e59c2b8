"""Fixtures every area's tests share: the personas of STYLE.md."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from paradesk.testing import Personas, build_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def client_for(client: Client):  # type: ignore[no-untyped-def]
    """A test client signed in as the given staff member."""

    def sign_in(staff):  # type: ignore[no-untyped-def]
        client.force_login(staff)
        return client

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
