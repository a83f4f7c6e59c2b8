"""The request a signed-in page gets, typed: `request.user` is a `Staff`, `request.htmx` is set.

`LoginRequiredMiddleware` turns strangers away before any view that is not marked public runs, so
such a view's `request.user` is always a signed-in staff member; django-htmx's middleware sets
`request.htmx` on every request. Views annotate their request with this class (the pattern
django-stubs and django-htmx recommend) instead of casting `request.user` in each.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from paradesk.people.models import Staff


class StaffRequest(HttpRequest):
    """A request from a signed-in staff member (a type only: Django still hands views an HttpRequest)."""

    user: Staff
    htmx: HtmxDetails
