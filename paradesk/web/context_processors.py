from __future__ import annotations

from django.http import HttpRequest

from paradesk.access.scopes import role_kinds

_CACHE_ATTR = "_paradesk_role_kinds"


def roles_of(request: HttpRequest) -> frozenset[str]:
    """The kinds of the signed-in person's current roles, read once per request."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        user = request.user
        cached = role_kinds(user.pk) if user.is_authenticated else frozenset()
        setattr(request, _CACHE_ATTR, cached)
    return cached


def navigation(request: HttpRequest) -> dict[str, object]:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    kinds = roles_of(request)
    return {
        "nav_roles": kinds,
        "nav_admin": bool(kinds & {"school_admin", "district_admin"}),
        # Set by MultiFactorRequiredMiddleware for someone who still owes the second sign-in step.
        "mfa_step_pending": getattr(request, "mfa_step_pending", False),
    }
