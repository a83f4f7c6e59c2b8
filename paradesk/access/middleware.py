"""Login required everywhere by default, and the request's origin for audit entries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase

from paradesk.access.audit import reset_origin, set_origin

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
