"""Sign-in, sign-out and failed sign-in are audit entries; a typed password never is."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db


def sign_in(client: Client, email: str, password: str) -> None:
    client.post(reverse("login"), {"username": email, "password": password})


def test_signing_in_is_recorded(client: Client, personas: Personas) -> None:
    sign_in(client, personas.assigned_para.email, settings.DEMO_PASSWORD)
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN)
    assert entry.actor == personas.assigned_para
    assert entry.district_id == personas.district.id
    assert entry.object_type == "sign_in"
    assert entry.object_id == str(personas.assigned_para.id)
    assert entry.address == "127.0.0.1"
    assert entry.via == "web"
    assert entry.student_id is None


def test_signing_out_is_recorded(client: Client, personas: Personas) -> None:
    sign_in(client, personas.case_manager.email, settings.DEMO_PASSWORD)
    client.post(reverse("logout"))
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_OUT)
    assert entry.actor == personas.case_manager
    assert entry.address == "127.0.0.1"


def test_failed_sign_in_names_the_account_tried_but_not_the_password(
    client: Client, personas: Personas
) -> None:
    typed = "wrong-guess-Xq81"
    sign_in(client, personas.assigned_para.email, typed)
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert entry.actor is None
    assert entry.object_type == "sign_in"
    # The account by its id, so targeted guessing shows; the typed email itself is not needed.
    assert entry.object_id == str(personas.assigned_para.id)
    assert entry.address == "127.0.0.1"
    flat = " ".join(str(value) for value in entry.__dict__.values())
    assert typed not in flat
    assert personas.assigned_para.email not in flat
    assert not AuditEntry.objects.filter(action=AuditAction.SIGN_IN).exists()


def test_test_clients_force_login_is_not_a_sign_in(client_for, personas: Personas) -> None:
    client = client_for(personas.assigned_para)
    client.logout()
    assert not AuditEntry.objects.filter(action__in=[AuditAction.SIGN_IN, AuditAction.SIGN_OUT]).exists()
