"""Sign-in, sign-out and failed sign-in, written to the audit log.

A failed attempt names the account tried (paradesk.access.lockout.account_entry), so targeted
guessing shows in the log; its actor is nobody (who typed is not known) and the password is never
kept. Django's test client logs people in and out with a bare request that never came over the
network (`Client.force_login`, `Client.logout`); that is not a sign-in, so it is not recorded.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from paradesk.access import audit
from paradesk.access.lockout import account_tried, record_attempt
from paradesk.access.models import AuditAction
from paradesk.people.models import Staff


def came_over_the_network(request: HttpRequest | None) -> bool:
    """Every request a server receives has a method; a bare HttpRequest() has none."""
    return request is not None and request.method is not None


def record_sign_in(sender: object, request: HttpRequest | None, user: Staff, **kwargs: Any) -> None:
    if came_over_the_network(request):
        audit.record(actor=user, action=AuditAction.SIGN_IN, obj=user, object_type="sign_in")


def record_sign_out(sender: object, request: HttpRequest | None, user: Staff | None, **kwargs: Any) -> None:
    if user is not None and came_over_the_network(request):
        audit.record(actor=user, action=AuditAction.SIGN_OUT, obj=user, object_type="sign_in")


def record_failed_sign_in(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the account is read from `credentials`: the password is never kept.
    record_attempt(AuditAction.SIGN_IN_FAILED, account_tried(request, credentials))
