"""Sign-in throttling by account and by address: the lockout is said on the sign-in page, audited,
and lifted by an administrator in scope; API tokens are throttled the same way."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from paradesk.access.lockout import is_locked_out
from paradesk.access.models import ApiToken, AuditAction, AuditEntry
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings: SettingsWrapper) -> None:
    settings.AXES_FAILURE_LIMIT = LIMIT


def sign_in(client: Client, email: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_twenty_wrong_passwords_then_the_right_one_is_refused_with_a_message(personas: Personas) -> None:
    client = Client()
    email = personas.assigned_para.email
    for _attempt in range(20):
        sign_in(client, email, "wrong-guess")
    response = sign_in(client, email, settings.DEMO_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "Too many failed sign-ins" in text
    assert 'role="alert"' in text
    assert "Traceback" not in text
    assert is_locked_out(personas.assigned_para)


def test_the_account_is_locked_from_every_address(personas: Personas) -> None:
    email = personas.assigned_para.email
    for attempt in range(LIMIT):
        sign_in(Client(), email, "wrong-guess", address=f"10.0.1.{attempt}")
    response = sign_in(Client(), email, settings.DEMO_PASSWORD, address="10.0.2.1")
    assert response.status_code == 429


def test_varying_the_emails_case_counts_as_the_same_account(personas: Personas) -> None:
    email = personas.assigned_para.email
    for attempt in range(LIMIT):
        sign_in(Client(), email.upper() if attempt % 2 else email, "wrong-guess", address=f"10.0.3.{attempt}")
    assert is_locked_out(personas.assigned_para)


def test_an_address_guessing_many_accounts_is_locked(personas: Personas) -> None:
    for attempt in range(LIMIT):
        sign_in(Client(), f"nobody{attempt}@example.org", "wrong-guess", address="10.0.4.1")
    response = sign_in(Client(), personas.case_manager.email, settings.DEMO_PASSWORD, address="10.0.4.1")
    assert response.status_code == 429
    other = sign_in(Client(), personas.case_manager.email, settings.DEMO_PASSWORD, address="10.0.4.2")
    assert other.status_code == 302


def test_the_lockout_message_is_in_the_persons_language(personas: Personas) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    for _attempt in range(LIMIT + 1):
        response = sign_in(client, personas.assigned_para.email, "wrong-guess")
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "es"


def test_a_success_below_the_limit_resets_the_count(personas: Personas) -> None:
    email = personas.assigned_para.email
    for _attempt in range(LIMIT - 1):
        sign_in(Client(), email, "wrong-guess")
    assert sign_in(Client(), email, settings.DEMO_PASSWORD).status_code == 302
    for _attempt in range(LIMIT - 1):
        sign_in(Client(), email, "wrong-guess")
    assert not is_locked_out(personas.assigned_para)


def test_failed_sign_ins_name_the_account_tried_never_the_password(personas: Personas) -> None:
    typed = "wrong-guess-Xq81"
    sign_in(Client(), personas.assigned_para.email, typed)
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert entry.object_id == str(personas.assigned_para.id)
    assert entry.district_id == personas.district.id
    assert entry.actor is None
    flat = " ".join(str(value) for value in entry.__dict__.values())
    assert typed not in flat


def test_failed_sign_in_of_nobodys_email_keeps_the_email_but_not_other_text(personas: Personas) -> None:
    sign_in(Client(), "Probe@Example.org", "wrong-guess")
    sign_in(Client(), "my-password-typed-here", "wrong-guess")
    failed = AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    ids = list(failed.values_list("object_id", flat=True))
    assert sorted(ids) == ["", "probe@example.org"]


def test_the_lockout_is_audited_with_the_account(personas: Personas) -> None:
    for _attempt in range(LIMIT):
        sign_in(Client(), personas.assigned_para.email, "wrong-guess")
    entry = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT).first()
    assert entry is not None
    assert entry.object_id == str(personas.assigned_para.id)
    assert entry.district_id == personas.district.id
    assert entry.address == "10.0.0.1"


def lock(personas: Personas) -> None:
    for _attempt in range(LIMIT):
        sign_in(Client(), personas.assigned_para.email, "wrong-guess")
    assert is_locked_out(personas.assigned_para)


def test_an_administrator_in_scope_unlocks_from_the_staff_page(client_for, personas: Personas) -> None:
    lock(personas)
    client = client_for(personas.school_admin)
    page = client.get(reverse("staff_detail", args=[personas.assigned_para.id]))
    assert "Locked out of sign-in" in page.content.decode()
    response = client.post(reverse("staff_unlock", args=[personas.assigned_para.id]))
    assert response.status_code == 302
    assert not is_locked_out(personas.assigned_para)
    entry = AuditEntry.objects.get(action=AuditAction.UNLOCK)
    assert entry.actor == personas.school_admin
    assert entry.object_id == str(personas.assigned_para.id)
    assert sign_in(Client(), personas.assigned_para.email, settings.DEMO_PASSWORD).status_code == 302


def test_an_administrator_of_another_school_cannot_unlock(client_for, personas: Personas) -> None:
    lock(personas)
    response = client_for(personas.other_school_admin).post(
        reverse("staff_unlock", args=[personas.assigned_para.id])
    )
    assert response.status_code == 404
    assert is_locked_out(personas.assigned_para)


def test_wrong_api_tokens_lock_the_address_out_even_with_a_right_token(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.case_manager, "script")
    client = Client()
    for attempt in range(LIMIT):
        guess = f"Bearer pdk_guess{attempt}xyz"
        wrong = client.get("/api/v1/students", HTTP_AUTHORIZATION=guess, REMOTE_ADDR="10.0.5.1")
        assert wrong.status_code == 401
    refused = client.get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="10.0.5.1")
    assert refused.status_code == 401
    assert "Too many failed sign-ins" in refused.json()["detail"]
    elsewhere = client.get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="10.0.5.2")
    assert elsewhere.status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED, via="api").count() == LIMIT
