"""Sessions end after 30 idle minutes, at 10 hours from sign-in, and everywhere on request
(docs/access.md, "Sessions"); a sync batch is refused whole when it carries someone else's records,
so a record is never stored as another person's."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from paradesk.access import sessions
from paradesk.access.models import AuditEntry
from paradesk.recording.models import CaseManagerNote
from paradesk.recording.tests.sync_records import note
from paradesk.testing import Personas, signed_in

pytestmark = pytest.mark.django_db


def aged(client: Client, **seconds_ago: float) -> None:
    """Move the session's clock marks back (``signed_in`` and ``last_seen`` seconds ago)."""
    session = client.session
    now = time.time()
    if "signed_in" in seconds_ago:
        session[sessions.SIGNED_IN_AT] = now - seconds_ago["signed_in"]
    if "last_seen" in seconds_ago:
        session[sessions.LAST_SEEN] = now - seconds_ago["last_seen"]
    session.save()


def test_sign_in_notes_when_the_session_began(personas: Personas) -> None:
    client = signed_in(personas.assigned_para, through_sign_in=True)
    began = client.session[sessions.SIGNED_IN_AT]
    assert abs(began - time.time()) < 5
    assert client.get("/today/").status_code == 200


def test_a_session_idle_for_30_minutes_is_over(personas: Personas) -> None:
    client = signed_in(personas.assigned_para, through_sign_in=True)
    aged(client, last_seen=29 * 60)
    assert client.get("/today/").status_code == 200  # 29 minutes: still on, and now active again
    aged(client, last_seen=30 * 60 + 1)
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/today/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_the_absolute_limit_ends_an_active_session(personas: Personas) -> None:
    client = signed_in(personas.case_manager, through_sign_in=True)
    aged(client, signed_in=10 * 3600 + 1, last_seen=10)
    response = client.get("/caseload/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_the_api_answers_401_when_the_session_is_over(personas: Personas) -> None:
    client = signed_in(personas.case_manager, through_sign_in=True)
    aged(client, last_seen=31 * 60)
    response = client.get("/api/v1/students")
    assert response.status_code == 401
    assert "without activity" in response.json()["detail"]


def test_the_idle_limit_follows_its_setting(personas: Personas, settings: Any) -> None:
    settings.PARADESK_IDLE_MINUTES = 5
    client = signed_in(personas.assigned_para, through_sign_in=True)
    aged(client, last_seen=5 * 60 + 1)
    assert client.get("/today/").status_code == 302


def test_stay_signed_in_keeps_the_session_and_says_until_when(personas: Personas) -> None:
    client = signed_in(personas.assigned_para, through_sign_in=True)
    aged(client, last_seen=28 * 60)
    limits = client.post("/accounts/session/").json()
    assert abs(limits["idle_ends_at"] - (time.time() + 30 * 60)) < 5
    aged(client, signed_in=60)
    assert client.get("/today/").status_code == 200


def test_every_page_carries_its_limits_for_the_warning(personas: Personas) -> None:
    page = signed_in(personas.assigned_para, through_sign_in=True).get("/today/").content.decode()
    assert 'id="session-limits"' in page and "data-idle-ends-at=" in page and "web/session.js" in page


def test_sign_out_everywhere_ends_every_session_of_the_person_only(personas: Personas) -> None:
    phone, laptop = (
        signed_in(personas.assigned_para, through_sign_in=True),
        signed_in(personas.assigned_para, through_sign_in=True),
    )
    colleague = signed_in(personas.case_manager, through_sign_in=True)
    assert phone.post("/accounts/sign-out-everywhere/").status_code == 302
    assert laptop.get("/today/").status_code == 302
    assert phone.get("/today/").status_code == 302
    assert colleague.get("/caseload/").status_code == 200
    assert AuditEntry.objects.filter(
        actor=personas.assigned_para, changed_fields=["sessions_ended_at"]
    ).exists()
    again = signed_in(personas.assigned_para, through_sign_in=True)  # a new sign-in after it works
    assert again.get("/today/").status_code == 200


def sync(client: Client, records: list[dict[str, Any]], **envelope: Any) -> Any:
    body = {"device": "tablet-1", "sent_at": timezone.now().isoformat(), "records": records, **envelope}
    return client.post("/api/v1/sync", body, content_type="application/json")


def test_a_batch_of_someone_elses_records_is_refused_whole(personas: Personas) -> None:
    """Maria's records wait on the tablet; Jason signs in on it. The tablet's batch says whose records
    they are, so the server refuses it (409) rather than storing them as Jason's."""
    jason = signed_in(personas.case_manager, through_sign_in=True)
    marias = [note(personas.student)]
    refused = sync(jason, marias, staff_id=str(personas.assigned_para.pk))
    assert refused.status_code == 409
    assert not CaseManagerNote.objects.exists()
    maria = signed_in(personas.assigned_para, through_sign_in=True)
    accepted = sync(maria, marias, staff_id=str(personas.assigned_para.pk))
    assert accepted.status_code == 200 and accepted.json()["results"][0]["status"] == "accepted"
    assert CaseManagerNote.objects.get().recorded_by == personas.assigned_para
