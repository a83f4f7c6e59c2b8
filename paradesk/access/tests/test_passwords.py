"""Changing one's password and resetting a forgotten one by email, with Paradesk's pages."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from paradesk.access.lockout import is_locked_out
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-Pass-phrase-2027"


def test_change_password_page_uses_paradesk_layout(client_for, personas: Personas) -> None:
    response = client_for(personas.assigned_para).get(reverse("password_change"))
    assert response.status_code == 200
    assert "web/base.html" in [t.name for t in response.templates]


def test_change_password_needs_the_old_one_said_beside_the_field(client_for, personas: Personas) -> None:
    response = client_for(personas.assigned_para).post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert 'id="id_old_password_error"' in response.content.decode()


def test_change_password_saves_keeps_this_session_and_is_audited(client_for, personas: Personas) -> None:
    client = client_for(personas.assigned_para)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": settings.DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    personas.assigned_para.refresh_from_db()
    assert personas.assigned_para.check_password(NEW_PASSWORD)
    assert client.get(reverse("password_change_done")).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD)
    assert entry.actor == personas.assigned_para
    assert NEW_PASSWORD not in " ".join(str(v) for v in entry.__dict__.values())


def reset_link(body: object) -> str:
    found = re.search(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)", str(body))
    assert found, body
    return found.group(1)


def test_reset_pages_are_public_and_say_the_same_for_unknown_emails(personas: Personas) -> None:
    client = Client()
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_reset_by_email_sets_a_new_password_and_lifts_a_lockout(
    personas: Personas, settings: Settings
) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    para = personas.assigned_para
    for _attempt in range(2):
        Client().post(reverse("login"), {"username": para.email, "password": "wrong"})
    assert is_locked_out(para)
    client = Client()
    client.post(reverse("password_reset"), {"email": para.email})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [para.email]
    link = reset_link(mail.outbox[0].body)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "new_password1" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    para.refresh_from_db()
    assert para.check_password(NEW_PASSWORD)
    assert not is_locked_out(para)
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD, actor=para).exists()
    signed_in = Client().post(reverse("login"), {"username": para.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_a_reset_link_works_once(personas: Personas) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": personas.assigned_para.email})
    link = reset_link(mail.outbox[0].body)
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link, follow=True)
    assert "no longer works" in again.content.decode()


def test_a_weak_new_password_is_refused_beside_the_field(personas: Personas) -> None:
    client = Client()
    client.post(reverse("password_reset"), {"email": personas.assigned_para.email})
    page = client.get(reset_link(mail.outbox[0].body), follow=True)
    response = client.post(page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert 'id="id_new_password2_error"' in response.content.decode()
