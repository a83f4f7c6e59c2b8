"""Login required everywhere by default, the second step of signing in before anything else, and the
request's origin for audit entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from paradesk.access import mfa
from paradesk.access.audit import note_page, reset_origin, set_origin
from paradesk.people.models import Staff

API_PREFIX = "/api/"


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's fail-closed login requirement; the JSON API answers 401 itself instead of
    redirecting to the sign-in page, because its clients are not browsers following redirects."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        if match is not None:
            note_page(match.view_name, admin="admin" in match.namespaces)
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def __call__(self, request: HttpRequest) -> Any:
        via = "api" if request.path.startswith(API_PREFIX) else "web"
        token = set_origin(request.META.get("REMOTE_ADDR"), via)
        try:
            return super().__call__(request)
        finally:
            reset_origin(token)


# The second step of signing in, and signing out, are all a person owes it may reach.
MFA_STEPS = frozenset({"mfa_verify", "mfa_recovery", "logout"})
MFA_SETUP_STEPS = frozenset({"mfa_setup", "logout"})


class MultiFactorRequiredMiddleware:
    """Fail closed until the second step is done: a signed-in person who has an authenticator app
    (or recovery codes) and has not typed a code this session, or who must use one and has none
    yet, is sent to that step from every page, and the JSON API refuses their session (401).
    Personal API tokens are separate credentials and keep working (docs/access.md)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        user = request.user
        if not isinstance(user, Staff):
            return None
        state = mfa.state_of(user)
        if state == mfa.MfaState.DONE:
            return None
        request.mfa_step_pending = True  # type: ignore[attr-defined]  # the page's menu hides its links
        if request.path.startswith(API_PREFIX):
            return refused_api_session(request)
        allowed = MFA_SETUP_STEPS if state == mfa.MfaState.NEEDS_SETUP else MFA_STEPS
        match = request.resolver_match
        if match is not None and match.view_name in allowed:
            return None
        step = "mfa_setup" if state == mfa.MfaState.NEEDS_SETUP else "mfa_verify"
        return redirect_to_login(request.get_full_path(), reverse(step), REDIRECT_FIELD_NAME)


def refused_api_session(request: HttpRequest) -> HttpResponseBase | None:
    """A request carrying a token is the token's to answer (the API checks it); the session of
    someone who owes the second step is not a credential yet."""
    if request.headers.get("Authorization"):
        return None
    return JsonResponse({"detail": _("Finish signing in with your second step first.")}, status=401)
