"""Administrators set a staff member's password, email them a link to choose one, and deactivate
accounts, which ends their sessions and API tokens at once. Only within the administrator's scope."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from paradesk.access.models import ApiToken, AuditAction, AuditEntry
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "set-By-admin-2027-x"


def test_an_administrator_sets_a_password_that_signs_in(client_for, personas: Personas) -> None:
    para = personas.assigned_para
    response = client_for(personas.school_admin).post(
        reverse("staff_set_password", args=[para.id]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert (
        Client().post(reverse("login"), {"username": para.email, "password": NEW_PASSWORD}).status_code == 302
    )
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD)
    assert entry.actor == personas.school_admin
    assert entry.object_id == str(para.id)


def test_a_weak_password_is_refused_beside_the_field(client_for, personas: Personas) -> None:
    response = client_for(personas.school_admin).post(
        reverse("staff_set_password", args=[personas.assigned_para.id]),
        {"new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert 'id="id_new_password2_error"' in response.content.decode()


def test_an_invitation_link_lets_a_new_staff_member_choose_a_password(client_for, personas: Personas) -> None:
    admin = client_for(personas.school_admin)
    created = admin.post(
        reverse("staff_create"),
        {
            "full_name": "Nova Newhire",
            "email": "nova@example.org",
            "password": "",
            "kind": "para",
            "school": personas.school.id,
        },
    )
    assert created.status_code == 302
    staff_id = created["Location"].strip("/").split("/")[-1]
    assert admin.post(reverse("staff_invite", args=[staff_id])).status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nova@example.org"]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", str(mail.outbox[0].body))
    assert link
    invited = Client()
    page = invited.get(link.group(1), follow=True)
    invited.post(page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = Client().post(reverse("login"), {"username": "nova@example.org", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.INVITE, actor=personas.school_admin).exists()


def test_deactivating_ends_an_existing_session_and_token_at_once(personas: Personas) -> None:
    para = personas.assigned_para
    session = Client()
    assert (
        session.post(
            reverse("login"), {"username": para.email, "password": settings.DEMO_PASSWORD}
        ).status_code
        == 302
    )
    assert session.get(reverse("my_students")).status_code == 200
    _token, raw = ApiToken.issue(para, "script")
    bearer = f"Bearer {raw}"
    assert Client().get("/api/v1/students", HTTP_AUTHORIZATION=bearer).status_code == 200

    admin = Client()
    admin.force_login(personas.school_admin)
    assert admin.post(reverse("staff_deactivate", args=[para.id])).status_code == 302

    after = session.get(reverse("my_students"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))
    assert Client().get("/api/v1/students", HTTP_AUTHORIZATION=bearer).status_code == 401
    assert not ApiToken.objects.filter(staff=para, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action=AuditAction.DEACTIVATE)
    assert entry.actor == personas.school_admin
    assert "api_tokens" in entry.changed_fields
    relogin = Client().post(reverse("login"), {"username": para.email, "password": settings.DEMO_PASSWORD})
    assert relogin.status_code == 200


def test_an_administrator_cannot_deactivate_themself(client_for, personas: Personas) -> None:
    admin = personas.school_admin
    client_for(admin).post(reverse("staff_deactivate", args=[admin.id]))
    admin.refresh_from_db()
    assert admin.is_active


def test_reactivating_lets_them_sign_in_again(client_for, personas: Personas) -> None:
    para = personas.assigned_para
    client = client_for(personas.district_admin)
    client.post(reverse("staff_deactivate", args=[para.id]))
    client.post(reverse("staff_deactivate", args=[para.id]), {"reactivate": "1"})
    para.refresh_from_db()
    assert para.is_active


@pytest.mark.parametrize("name", ["staff_set_password", "staff_invite", "staff_deactivate"])
def test_outside_the_administrators_scope_is_not_found(client_for, personas: Personas, name: str) -> None:
    client = client_for(personas.other_school_admin)
    url = reverse(name, args=[personas.assigned_para.id])
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 404
    personas.assigned_para.refresh_from_db()
    assert personas.assigned_para.is_active
    assert not personas.assigned_para.check_password(NEW_PASSWORD)
    assert mail.outbox == []


def test_a_para_gets_forbidden(client_for, personas: Personas) -> None:
    response = client_for(personas.unassigned_para).post(
        reverse("staff_deactivate", args=[personas.assigned_para.id])
    )
    assert response.status_code == 403


def test_the_new_staff_form_can_send_the_invitation_at_once(client_for, personas: Personas) -> None:
    response = client_for(personas.school_admin).post(
        reverse("staff_create"),
        {
            "full_name": "Ivy Invited",
            "email": "ivy@example.org",
            "password": "",
            "send_invitation": "on",
            "kind": "para",
            "school": personas.school.id,
        },
    )
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["ivy@example.org"]]
    assert "/accounts/password-reset/" in str(mail.outbox[0].body)
