"""Middleware of the whole site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

NO_STORE = "no-store"


class NoStoreMiddleware:
    """No browser, shared computer's cache or proxy keeps a copy of a page or API answer: they name
    students, and a school Chromebook passes from hand to hand (FERPA). A view that decides its own
    caching (a calendar feed polled every 15 minutes) keeps its header; static files are answered by
    WhiteNoise before this runs and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = NO_STORE
        return response
