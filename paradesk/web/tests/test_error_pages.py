"""Not found and forbidden pages carry the site's layout and navigation; the JSON API answers JSON."""

from __future__ import annotations

import pytest

from paradesk.testing import Personas

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_a_styled_404_with_navigation(client_for, personas: Personas) -> None:
    response = client_for(personas.assigned_para).get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "web/base.html" in [t.name for t in response.templates]
    assert 'aria-label="Main"' in text
    assert "Go to your start page" in text


def test_an_outsiders_student_page_is_the_same_styled_404(client_for, personas: Personas) -> None:
    response = client_for(personas.unassigned_para).get(f"/students/{personas.student.id}/")
    assert response.status_code == 404
    assert "Go to your start page" in response.content.decode()
    assert personas.student.last_name not in response.content.decode()


def test_a_forbidden_page_is_a_styled_403_with_navigation(client_for, personas: Personas) -> None:
    response = client_for(personas.assigned_para).get("/staff/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "Not yours to do" in text
    assert 'aria-label="Main"' in text


def test_the_api_keeps_json_errors(client_for, personas: Personas) -> None:
    client = client_for(personas.unassigned_para)
    unknown = client.get("/api/v1/no-such-operation")
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "Not found."}
    outsider = client.get(f"/api/v1/students/{personas.student.id}")
    assert outsider.status_code == 404
    assert outsider["Content-Type"].startswith("application/json")
