"""One area's JSON API operations: each area has its own django-ninja Router in `<area>/api.py`
(people, plans, recording, progress), and paradesk/api.py mounts every one of them on the API.

An operation is registered on its router together with its access rule (paradesk.access.routes),
so neither exists without the other; paradesk/api.py gathers the routers' rules into API_ROUTES,
which the authorization matrix and the audit tests walk.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router

from paradesk.access.routes import Route
from paradesk.api_schemas import Error, ValidationErrorOut
from paradesk.people.models import Staff


def responses(
    ok: Any, status: int = 200, *, plan_write: bool = False, conflict: bool = False
) -> dict[int, Any]:
    declared = {status: ok, 401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}
    if plan_write or conflict:
        declared[409] = Error
    return declared


class AreaRouter(Router):
    """An area's operations and, by operation id (also its URL name in the "api" namespace), the
    access rule of each."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Route] = {}

    def operation(
        self,
        method: str,
        path: str,
        operation_id: str,
        route: Route,
        ok: Any,
        status: int = 200,
        *,
        plan_write: bool = False,
        conflict: bool = False,
        tag: str,
        summary: str | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register an operation and its access rule together, so neither exists without the other."""
        assert route.method == method, operation_id
        assert operation_id not in self.routes, f"two operations named {operation_id}"
        self.routes[operation_id] = route
        return self.api_operation(
            [method],
            path,
            response=responses(ok, status, plan_write=plan_write, conflict=conflict),
            operation_id=operation_id,
            url_name=operation_id,
            tags=[tag],
            summary=summary,
        )


def caller(request: HttpRequest) -> Staff:
    return cast(Staff, request.auth)  # type: ignore[attr-defined]
