"""Production mode (`PARADESK_ENV=production`): the settings pass Django's deployment check with no
warning, and Paradesk refuses, in one line, to start on what a district's data must not be served with.

Each case runs `paradesk` in a subprocess, because settings are read once from the environment.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from paradesk.settings import proxy_ssl_header

ROOT = Path(__file__).resolve().parents[2]
OWN_KEY = secrets.token_urlsafe(50)


# What this test run's own environment sets (the browser tests allow async-unsafe calls) stays out.
INHERITED_OUT = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}


def paradesk(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PARADESK_") and key not in INHERITED_OUT
    }
    environment |= {"PARADESK_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "paradesk.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(**env: str) -> dict[str, str]:
    return {"PARADESK_ENV": "production", "PARADESK_SECRET_KEY": OWN_KEY, **env}


def test_production_settings_pass_the_deployment_check_with_no_warning(tmp_path: Path) -> None:
    result = paradesk(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_embedded_settings_do_not_pass_the_deployment_check(tmp_path: Path) -> None:
    """The same check on the embedded defaults warns, so the test above measures the settings."""
    result = paradesk(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W009", "security.W012"):
        assert warning in result.stderr


def settings_seen(tmp_path: Path, names: str, **env: str) -> str:
    code = f"from django.conf import settings; print([getattr(settings, n) for n in {names.split()!r}])"
    result = paradesk(tmp_path, "shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_production_turns_on_https_settings_and_trusts_no_proxy_header_unasked(tmp_path: Path) -> None:
    names = "SECURE_SSL_REDIRECT SESSION_COOKIE_SECURE CSRF_COOKIE_SECURE SECURE_HSTS_SECONDS"
    seen = settings_seen(tmp_path, names + " SECURE_PROXY_SSL_HEADER ALLOWED_HOSTS", **production())
    assert seen == "[True, True, True, 31536000, None, ['127.0.0.1', 'localhost', '[::1]']]"


def test_production_trusts_the_proxy_header_it_is_told_to(tmp_path: Path) -> None:
    env = production(PARADESK_PROXY_SSL_HEADER="X-Forwarded-Proto")
    seen = settings_seen(tmp_path, "SECURE_PROXY_SSL_HEADER", **env)
    assert seen == "[('HTTP_X_FORWARDED_PROTO', 'https')]"


def test_proxy_ssl_header_reads_a_name_and_an_optional_value() -> None:
    assert proxy_ssl_header("") is None
    assert proxy_ssl_header("X-Forwarded-Proto") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("X-Forwarded-Ssl: on") == ("HTTP_X_FORWARDED_SSL", "on")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PARADESK_SECRET_KEY": ""}, "PARADESK_SECRET_KEY is not set"),
        ({"PARADESK_SECRET_KEY": "embedded-mode-only-change-me-in-production"}, "PARADESK_SECRET_KEY"),
        ({"PARADESK_SECRET_KEY": "short-key"}, "PARADESK_SECRET_KEY is too weak"),
        ({"PARADESK_ALLOWED_HOSTS": "paradesk.example.org,testserver"}, "testserver"),
        ({"PARADESK_DEBUG": "on"}, "PARADESK_DEBUG"),
        ({"PARADESK_HSTS_SECONDS": "a year"}, "PARADESK_HSTS_SECONDS must be a whole number"),
        ({"PARADESK_ENV": "prod"}, "PARADESK_ENV must be one of embedded, production"),
    ],
)
def test_misconfigured_production_refuses_to_start_with_one_clear_line(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = paradesk(tmp_path, "check", **production(**env))
    assert result.returncode != 0
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_embedded_mode_still_answers_the_test_client(tmp_path: Path) -> None:
    assert "'testserver'" in settings_seen(tmp_path, "ALLOWED_HOSTS")
