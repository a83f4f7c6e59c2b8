"""How the JSON API knows who is calling: a personal API token, or the browser's session.

Tokens are for clients other than the browser (`Authorization: Bearer pdk_...`); browsers send no
such header by themselves, so token requests need no CSRF check. The session is checked for CSRF on
unsafe methods, because a browser sends its cookie with any request a hostile page makes.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from paradesk.access import lockout
from paradesk.access.mfa import mfa_pending
from paradesk.access.models import ApiToken
from paradesk.people.models import Staff

TOKEN_PREFIX = ApiToken.SECRET_PREFIX
# Writing last_used_at on every request would turn each read into a write; a minute is precise
# enough to see whether a token is still in use.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def staff_for_token(raw: str) -> Staff | None:
    """The active staff member a token belongs to, if the token is known, not revoked and not expired."""
    token = ApiToken.find(raw)
    if token is None or not token.staff.is_active:
        return None
    token.note_use(LAST_USED_RESOLUTION)
    return token.staff


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer pdk_...`, checked against the stored hash of a personal token."""

    def authenticate(self, request: HttpRequest, token: str) -> Staff | None:
        """Wrong tokens count like wrong passwords (by address and by the token tried); while the
        address is locked out even a right token is refused, so guessing gains nothing."""
        raw = token.strip()
        if not lockout.token_attempt_allowed(request, raw):
            # The lockout middleware answers with the reason (paradesk.access.lockout).
            request.axes_locked_out = True  # type: ignore[attr-defined]
            return None
        staff = staff_for_token(raw)
        if staff is None:
            lockout.note_failed_token(request, raw)
            return None
        # Code below the API reads request.user like the pages do.
        request.user = staff
        return staff


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session, with CSRF enforced on unsafe methods.

    Nobody signed in: no CSRF check at all, so an anonymous request gets 401 rather than a CSRF 403.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Staff | None:
        user = request.user
        # A session that still owes the second step of signing in is not a credential yet.
        if isinstance(user, Staff) and user.is_active and not mfa_pending(request):
            return user
        return None
