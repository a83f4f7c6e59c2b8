"""Multi-factor sign-in as an administrator meets it, in real headless Chromium: required by the
district, set up from the page's key (what a person types when the QR code will not scan), the
recovery codes shown once, and the next sign-in with one of them (docs/access.md, "Multi-factor
sign-in"). The test client tests in test_mfa.py cover every branch; this one proves the pages work
in a browser, with no console error or content-security violation."""

from __future__ import annotations

import re
from base64 import b32decode
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from paradesk.access import mfa
from paradesk.access.models import AuditEntry
from paradesk.access.tests.test_mfa import require_default_mfa
from paradesk.people.models import Staff
from paradesk.testing import Personas
from paradesk.web.tests.test_browser import TABLET, assert_clean, context_factory, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["context_factory"]  # the fixture, shared with the other browser tests


def code_for_key(typed_key: str) -> str:
    """The 6-digit code an authenticator app shows now for a key typed in by hand (RFC 6238)."""
    key = b32decode(typed_key.replace(" ", "") + "=" * (-len(typed_key.replace(" ", "")) % 8))
    return f"{totp(key, step=30, digits=6):06d}"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_an_administrator_sets_up_an_app_then_signs_in_with_a_recovery_code(
    live_server: Any, personas: Personas, context_factory: Any
) -> None:
    admin: Staff = personas.school_admin
    require_default_mfa(personas.district)
    page, problems = context_factory(live_server.url, TABLET)

    sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/accounts/login/setup/"))
    expect(page.get_by_role("img", name="QR code for your authenticator app").locator("svg")).to_be_visible()
    typed_key = page.get_by_label("Cannot scan? Type this key into the app instead").input_value()
    page.get_by_label("6-digit code from your authenticator app").fill(code_for_key(typed_key))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == mfa.RECOVERY_CODE_COUNT == len(set(codes))
    assert_clean(page, problems)
    page.get_by_role("link", name="I have saved my codes, continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    sign_out(page)
    sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/accounts/login/code/"))
    page.get_by_role("link", name="Lost your phone? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    # The same code a second time is refused: each works once.
    sign_out(page)
    sign_in(page, admin)
    page.get_by_role("link", name="Lost your phone? Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[3])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/recovery-code/"))
    expect(page.locator(".has-error .errorlist, .form-errors").first).to_be_visible()
    assert_clean(page, problems)
    assert AuditEntry.objects.filter(actor=admin, object_type__startswith="mfa").exists()
