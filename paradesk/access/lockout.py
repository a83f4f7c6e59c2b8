"""Throttling sign-in by account and by address (django-axes), in Paradesk's words.

Axes counts failed sign-ins; the functions here name the account a failure was for, answer a locked
request (the sign-in page with a message in the person's language, or a JSON 401 for the API),
record the lockout in the audit log and let an administrator unlock an account.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from paradesk.access import audit
from paradesk.access.models import AuditAction
from paradesk.people.models import Staff

API_PREFIX = "/api/"
API_TOKEN_ACCOUNT = "api-token:"
# An audit entry's object id holds at most this many characters.
ACCOUNT_ID_LENGTH = 64


def account_tried(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in was for, as axes counts it: emails are stored lowercased, so
    "Maria@School.org" and "maria@school.org" are one account and share one count."""
    return str((credentials or {}).get("username") or "").strip().lower()


def account_entry(typed: str) -> tuple[str, uuid.UUID | None]:
    """What an audit entry names for an account someone tried: the staff id when the email is a
    staff member's, the typed email when it is an email of nobody (someone probing for accounts),
    and nothing for anything else (a password typed into the email field is never kept)."""
    staff = Staff.objects.filter(email=typed).values_list("id", "district_id").first() if typed else None
    if staff is not None:
        return str(staff[0]), staff[1]
    if typed.startswith(API_TOKEN_ACCOUNT):
        return typed[:ACCOUNT_ID_LENGTH], None
    try:
        validate_email(typed)
    except ValidationError:
        return "", None
    return typed[:ACCOUNT_ID_LENGTH], None


def record_attempt(action: AuditAction, typed: str) -> None:
    object_id, district_id = account_entry(typed)
    audit.record(
        actor=None,
        action=action,
        object_type="sign_in",
        object_id=object_id,
        district_id=district_id,
    )


def record_lockout(sender: object, request: HttpRequest | None, username: str | None, **kwargs: Any) -> None:
    """The moment an account or an address is locked out, and each attempt refused while it is."""
    record_attempt(AuditAction.LOCKED_OUT, account_tried(request, {"username": username}))


def cool_off() -> datetime.timedelta:
    return settings.AXES_COOLOFF_TIME


def lockout_message() -> str:
    minutes = max(1, int(cool_off().total_seconds() // 60))
    return _(
        "Too many failed sign-ins for this account or from this network. Wait %(minutes)s minutes and "
        "try again, or ask your school administrator to unlock your account."
    ) % {"minutes": minutes}


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The sign-in page again, with the typed email kept and the lockout said beside the form; the
    API gets its usual JSON error."""
    if request.path.startswith(API_PREFIX):
        response = JsonResponse({"detail": lockout_message()}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    form = AuthenticationForm(request, initial={"username": account_tried(request, credentials)})
    context = {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


def failures_of(email: str) -> int:
    """Failed sign-ins counted against an account within the cool-off."""
    since = timezone.now() - cool_off()
    attempts = AccessAttempt.objects.filter(username=email.lower(), attempt_time__gte=since)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def is_locked_out(staff: Staff) -> bool:
    """Whether the account is locked out of signing in now."""
    return failures_of(staff.email) >= settings.AXES_FAILURE_LIMIT


@transaction.atomic
def unlock(*, actor: Staff, staff: Staff) -> int:
    """Clear the account's failed sign-ins (audited); the count of attempt rows removed."""
    removed = AxesProxyHandler.reset_attempts(username=staff.email.lower())
    audit.record(actor=actor, action=AuditAction.UNLOCK, obj=staff, object_type="sign_in")
    return removed


def token_account(raw: str) -> str:
    """The account a bearer token stands for in the failure count: its visible beginning."""
    return API_TOKEN_ACCOUNT + raw[4:12]


def token_attempt_allowed(request: HttpRequest, raw: str) -> bool:
    """Whether this address (and this token's beginning) may still try tokens."""
    return bool(AxesProxyHandler.is_allowed(request, {"username": token_account(raw)}))


def note_failed_token(request: HttpRequest, raw: str) -> None:
    """A wrong token counts like a wrong password, for the address and for the token tried."""
    user_login_failed.send(sender=__name__, credentials={"username": token_account(raw)}, request=request)
