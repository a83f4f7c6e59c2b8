"""A person's own API tokens: listed, created (shown once), revoked; nobody else's."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from paradesk.access.models import ApiToken, AuditAction, AuditEntry, hash_token
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

RAW_TOKEN = re.compile(r"pdk_[A-Za-z0-9_-]{40,}")


def test_token_pages_require_sign_in(client: Client, personas: Personas) -> None:
    token, _raw = ApiToken.issue(personas.assigned_para, "Laptop")
    for response in [
        client.get(reverse("api_tokens")),
        client.post(reverse("api_token_revoke", args=[token.id])),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_new_token_is_shown_once_and_only_its_hash_is_kept(client_for, personas: Personas) -> None:
    client = client_for(personas.assigned_para)
    created = client.post(reverse("api_tokens"), {"name": "Chromebook sync"})
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    found = RAW_TOKEN.search(created.content.decode())
    assert found is not None
    raw = found.group(0)
    token = ApiToken.objects.get(staff=personas.assigned_para)
    assert token.name == "Chromebook sync"
    assert token.token_hash == hash_token(raw)
    again = client.get(reverse("api_tokens")).content.decode()
    assert raw not in again
    assert "Chromebook sync" in again
    assert f"pdk_{token.prefix}" in again


def test_creating_a_token_is_audited_without_the_token(client_for, personas: Personas) -> None:
    client_for(personas.case_manager).post(reverse("api_tokens"), {"name": "Grading script"})
    token = ApiToken.objects.get(staff=personas.case_manager)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="access.apitoken")
    assert entry.actor == personas.case_manager
    assert entry.object_id == str(token.id)
    assert entry.changed_fields == ["expires_at", "name"]


def test_token_needs_a_name(client_for, personas: Personas) -> None:
    response = client_for(personas.assigned_para).post(reverse("api_tokens"), {"name": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()
    assert RAW_TOKEN.search(response.content.decode()) is None


def test_list_shows_only_the_persons_own_tokens(client_for, personas: Personas) -> None:
    ApiToken.issue(personas.case_manager, "Someone else's script")
    ApiToken.issue(personas.assigned_para, "My tablet")
    page = client_for(personas.assigned_para).get(reverse("api_tokens")).content.decode()
    assert "My tablet" in page
    assert "Someone else&#x27;s script" not in page
    assert "Someone else's script" not in page


def test_person_revokes_their_own_token(client_for, personas: Personas) -> None:
    token, _raw = ApiToken.issue(personas.assigned_para, "Old phone")
    client = client_for(personas.assigned_para)
    response = client.post(reverse("api_token_revoke", args=[token.id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("api_tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(token.id))
    assert entry.changed_fields == ["revoked_at"]
    assert "Revoked" in client.get(reverse("api_tokens")).content.decode()


def test_revoking_twice_keeps_the_first_time(client_for, personas: Personas) -> None:
    token, _raw = ApiToken.issue(personas.assigned_para, "Old phone")
    client = client_for(personas.assigned_para)
    client.post(reverse("api_token_revoke", args=[token.id]))
    token.refresh_from_db()
    first = token.revoked_at
    client.post(reverse("api_token_revoke", args=[token.id]))
    token.refresh_from_db()
    assert token.revoked_at == first
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(token.id)).count() == 1


@pytest.mark.parametrize("persona", ["case_manager", "district_admin", "other_district_admin"])
def test_nobody_else_finds_a_persons_token(client_for, personas: Personas, persona: str) -> None:
    token, _raw = ApiToken.issue(personas.assigned_para, "Laptop")
    response = client_for(personas.all()[persona]).post(reverse("api_token_revoke", args=[token.id]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_is_a_post(client_for, personas: Personas) -> None:
    token, _raw = ApiToken.issue(personas.assigned_para, "Laptop")
    assert (
        client_for(personas.assigned_para).get(reverse("api_token_revoke", args=[token.id])).status_code
        == 405
    )


# --- expiry -------------------------------------------------------------------------------------------


def test_a_new_token_works_for_90_days_by_default(client_for, personas: Personas) -> None:
    client_for(personas.assigned_para).post(reverse("api_tokens"), {"name": "laptop", "days": "90"})
    token = ApiToken.objects.get(staff=personas.assigned_para)
    assert token.expires_at is not None
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - datetime.timedelta(days=90)) < datetime.timedelta(minutes=1)


def test_a_lifetime_beyond_a_year_is_refused_beside_the_field(client_for, personas: Personas) -> None:
    response = client_for(personas.assigned_para).post(reverse("api_tokens"), {"name": "x", "days": "400"})
    assert response.status_code == 200
    assert 'id="id_days_error"' in response.content.decode()
    assert not ApiToken.objects.filter(staff=personas.assigned_para).exists()


def test_an_expired_token_answers_401_and_reads_expired(client_for, personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.assigned_para, "old")
    assert Client().get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert Client().get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    page = client_for(personas.assigned_para).get(reverse("api_tokens")).content.decode()
    assert "Expired" in page


def test_the_tokens_page_says_when_a_token_was_last_used(client_for, personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.assigned_para, "sync script")
    page = client_for(personas.assigned_para).get(reverse("api_tokens")).content.decode()
    assert "Never" in page
    Client().get("/api/v1/students", HTTP_AUTHORIZATION=f"Bearer {raw}")
    page = client_for(personas.assigned_para).get(reverse("api_tokens")).content.decode()
    assert "Never" not in page
