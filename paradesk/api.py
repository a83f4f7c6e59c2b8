"""Paradesk's JSON API, version 1 (django-ninja, OpenAPI 3.1), mounted at /api/v1/.

Every data operation needs a signed-in browser session (CSRF checked on unsafe methods) or a
personal API token (`Authorization: Bearer pdk_...`); the OpenAPI document itself is public, it holds
no student data. Records are reached through paradesk.access.helpers exactly as the pages reach them,
and every write goes through paradesk.plans.actions, which records the audit entries.

Error answers, declared on every operation, each a JSON object with `detail`:
  401  no session and no valid token
  403  visible, but not the caller's to do (scope of practice), or a failed CSRF check
  404  missing or not visible, alike. Ids in the path are plain strings passed to
       access.helpers.as_uuid, as the pages do, so an id that is not a UUID is 404 too, never 422.
  409  (writes to plans) the plan version is no longer a draft, or already has a newer version
  422  the payload: unparseable JSON, a wrong type, a value the model rejects, or an id in the payload
       that does not belong to the same plan version; `errors` maps each field to its messages
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from paradesk.access.api_auth import ApiTokenAuth, BrowserSessionAuth
from paradesk.access.routes import Gate, Route
from paradesk.api_router import AreaRouter
from paradesk.people import api as people_api
from paradesk.plans import api as plans_api
from paradesk.progress import api as progress_api
from paradesk.recording import api as recording_api

# The docstring above is the OpenAPI document's description. Each area's operations live on its own
# router (paradesk/<area>/api.py, built from paradesk/api_router.py and paradesk/api_schemas.py);
# this module builds the API, its sign-in and its error answers, and mounts every area below.

api = NinjaAPI(
    title="Paradesk API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
    # The bundled Swagger page loads its assets from a CDN, which the content security policy
    # blocks; the OpenAPI document at /api/v1/openapi.json is the documentation.
    docs_url=None,
)

AREAS: tuple[AreaRouter, ...] = (
    people_api.router,
    plans_api.router,
    recording_api.router,
    progress_api.router,
)
for _area in AREAS:
    api.add_router("", _area)


def gather_routes(areas: Iterable[AreaRouter]) -> dict[str, Route]:
    """Every area's rules by operation id; an id in two areas would be two operations with one
    URL name, so it stops the start."""
    found: dict[str, Route] = {"openapi-json": Route(Gate.PUBLIC)}
    for area in areas:
        twice = found.keys() & area.routes.keys()
        assert not twice, f"operation ids in two areas: {sorted(twice)}"
        found |= area.routes
    return found


# The access rule of every operation, by operation id (also its URL name in the "api" namespace).
# The authorization matrix test walks the OpenAPI paths and fails on any operation missing here.
API_ROUTES: dict[str, Route] = gather_routes(AREAS)


# Errors --------------------------------------------------------------------------------------


def answer(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return answer(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return answer(request, 403, _("You may see this student's records but not make this change."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = answer(request, 401, _("Sign in, or send a personal API token."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # the body is not JSON
        return answer(request, 422, _("The request body is not valid JSON."), errors={})
    if exc.status_code == 403:  # the session's CSRF check, the only HttpError 403 here
        return answer(request, 403, _("The CSRF token is missing or wrong."))
    return answer(request, exc.status_code, str(exc))


# Model field names that the API spells with their id.
API_FIELD_NAMES = {"goal": "goal_id", "target_behavior": "target_behavior_id", "measure": "measure_id"}


@api.exception_handler(DjangoValidationError)
def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """Field errors are the payload's fault (422); an error about no field is the plan's state (409)."""
    if not hasattr(exc, "error_dict"):
        return answer(request, 409, " ".join(exc.messages))
    errors = {API_FIELD_NAMES.get(name, name): messages for name, messages in exc.message_dict.items()}
    return answer(request, 422, _("Some fields need attention."), errors=errors)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "field") -> "field"; ("query", "limit") -> "limit"
        parts = location[2:] if location[:2] == ["body", "payload"] else location[1:]
        errors.setdefault(".".join(parts) or "__all__", []).append(str(error.get("msg", "")))
    return answer(request, 422, _("Some fields need attention."), errors=errors)


__all__ = ["API_ROUTES", "api"]
