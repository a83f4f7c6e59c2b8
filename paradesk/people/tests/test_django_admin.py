"""Django admin is for superusers only; the audit log in it cannot be changed."""

from __future__ import annotations

import pytest
from django.test import Client

from paradesk.access.models import AuditEntry
from paradesk.people.models import Staff
from paradesk.testing import Personas


@pytest.mark.django_db
def test_superuser_can_open_admin_and_add_staff(client: Client, personas: Personas) -> None:
    root = Staff.objects.create_superuser("root@example.test", "a-long-password-1")
    client.force_login(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/people/staff/add/").status_code == 200
    assert client.get(f"/admin/people/student/{personas.student.id}/change/").status_code == 200


@pytest.mark.django_db
def test_district_admin_is_refused_django_admin(client: Client, personas: Personas) -> None:
    client.force_login(personas.district_admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_audit_log_is_read_only_in_admin(client: Client, personas: Personas) -> None:
    root = Staff.objects.create_superuser("root@example.test", "a-long-password-1")
    client.force_login(root)
    entry = AuditEntry.objects.create(action="view", object_type="plans.plan", object_id="x")
    assert client.get("/admin/access/auditentry/add/").status_code == 403
    assert client.post(f"/admin/access/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
