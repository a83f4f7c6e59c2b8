"""How long a signed-in session lasts (docs/access.md, "Sessions"): it ends after a stretch without
activity (30 minutes unless `PARADESK_IDLE_MINUTES` says otherwise) and at an absolute limit from
sign-in (`PARADESK_SESSION_HOURS`, 10), whichever comes first, and at once everywhere when the person
asks ("sign out everywhere", which stamps `Staff.sessions_ended_at`).

Student records are confidential by law: a tablet left on a table must not stay signed in all day.
Nothing recorded is lost when a session ends: a para's records and unfinished sheets stay on the
device, kept by the signed-in person's id, and are sent when she signs in again.

The pages read the limits from the `session_limits` context (base.html) to warn before the end, and
the page's own use (taps on a data sheet that is recording offline) keeps the session alive through
`POST /accounts/session/` while the network is there.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from paradesk.access import audit
from paradesk.access.middleware import API_PREFIX
from paradesk.access.models import AuditAction
from paradesk.people.models import Staff

SIGNED_IN_AT = "paradesk_signed_in_at"
LAST_SEEN = "paradesk_last_seen"
# The last-seen time is written at most this often: a write on every request would cost a session
# save per page and per sync batch for a precision nobody needs.
TOUCH_EVERY_SECONDS = 30


def now_seconds() -> float:
    """The application's clock (timezone.now), which every other time in Paradesk reads."""
    return timezone.now().timestamp()


def idle_seconds() -> int:
    return int(getattr(settings, "PARADESK_IDLE_MINUTES", 30)) * 60


def absolute_seconds() -> int:
    return int(getattr(settings, "PARADESK_SESSION_HOURS", 10)) * 3600


def warn_seconds() -> int:
    return int(getattr(settings, "PARADESK_SESSION_WARNING_MINUTES", 2)) * 60


def why_over(staff: Staff, signed_in_at: float, last_seen: float, now: float) -> str | None:
    """Why the session is over, in words; None while it lasts."""
    if staff.sessions_ended_at is not None and signed_in_at <= staff.sessions_ended_at.timestamp():
        return _("You were signed out on every device.")
    if now - signed_in_at >= absolute_seconds():
        return _("Your session reached its limit of %(hours)s hours. Sign in again.") % {
            "hours": absolute_seconds() // 3600
        }
    if now - last_seen >= idle_seconds():
        return _("You were signed out after %(minutes)s minutes without activity.") % {
            "minutes": idle_seconds() // 60
        }
    return None


def ended(request: HttpRequest, reason: str) -> HttpResponseBase:
    """End the session; a page is sent to sign in again (and back), the API answers 401."""
    logout(request)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": reason}, status=401)
    messages.info(request, reason)
    target = reverse("login")
    if request.method == "GET":
        target += f"?next={quote(request.get_full_path())}"
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return redirect(target)


class SessionLimitsMiddleware:
    """Ends sessions that went idle, reached their absolute limit or were signed out everywhere;
    otherwise notes the activity. After the authentication middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not isinstance(user, Staff):
            return self.get_response(request)
        now = now_seconds()
        session = request.session
        signed_in_at = float(session.get(SIGNED_IN_AT) or began(user, now))
        last_seen = float(session.get(LAST_SEEN) or signed_in_at)
        reason = why_over(user, signed_in_at, last_seen, now)
        if reason is not None:
            return ended(request, reason)
        if now - last_seen >= TOUCH_EVERY_SECONDS:
            session[LAST_SEEN] = last_seen = now
        request.session_limits = limits(signed_in_at, last_seen)  # type: ignore[attr-defined]
        return self.get_response(request)


def began(staff: Staff, now: float) -> float:
    """When a session that did not note its start began: at the person's last sign-in (Django notes
    it on every sign-in, whatever signed them in). The sign-in page notes each session's own start."""
    return staff.last_login.timestamp() if staff.last_login is not None else now


def limits(signed_in_at: float, last_seen: float) -> dict[str, Any]:
    """When the session ends unless the person does something, and when it ends whatever they do
    (seconds since the epoch), with the warning's lead time."""
    return {
        "now": int(now_seconds()),
        "idle_seconds": idle_seconds(),
        "warn_seconds": warn_seconds(),
        "idle_ends_at": int(last_seen + idle_seconds()),
        "absolute_ends_at": int(signed_in_at + absolute_seconds()),
    }


def session_limits(request: HttpRequest) -> dict[str, Any]:
    """Template context: the limits of this request's session (empty when signed out)."""
    return {"session_limits": getattr(request, "session_limits", None)}


class SignInView(LoginView):
    """Django's sign-in, noting when the session began (the absolute limit counts from here)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        now = now_seconds()
        self.request.session[SIGNED_IN_AT] = now
        self.request.session[LAST_SEEN] = now
        return response


def session_page(request: HttpRequest) -> HttpResponse:
    """The person's session: since when, when it ends, "stay signed in" (POST, from the warning or
    from a data sheet in use) and "sign out everywhere"."""
    found = getattr(request, "session_limits", None) or {}
    if request.method == "POST":
        request.session[LAST_SEEN] = now_seconds()
        return JsonResponse(limits(float(request.session.get(SIGNED_IN_AT) or now_seconds()), now_seconds()))
    signed_in_at = request.session.get(SIGNED_IN_AT)
    context = {
        "signed_in_at": None
        if signed_in_at is None
        else datetime.datetime.fromtimestamp(float(signed_in_at), tz=datetime.UTC),
        "absolute_ends_at": None
        if not found
        else datetime.datetime.fromtimestamp(found["absolute_ends_at"], tz=datetime.UTC),
        "idle_minutes": idle_seconds() // 60,
    }
    return render(request, "access/session.html", context)


@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the person, on every device, this one included; audited. API tokens are
    not sessions: they are revoked on the tokens page."""
    staff = request.user
    assert isinstance(staff, Staff)
    staff.sessions_ended_at = timezone.now()
    staff.save(update_fields=["sessions_ended_at"])
    audit.record(actor=staff, action=AuditAction.UPDATE, obj=staff, changed_fields=["sessions_ended_at"])
    logout(request)
    messages.success(request, _("You are signed out on every device."))
    return redirect("login")
