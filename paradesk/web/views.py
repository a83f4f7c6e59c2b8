from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from paradesk.web.context_processors import roles_of


def home(request: HttpRequest) -> HttpResponse:
    """Each person starts where their work is."""
    kinds = roles_of(request)
    if "para" in kinds:
        return redirect("today")
    if kinds & {"sped_teacher", "provider"}:
        return redirect("caseload")
    if "gen_ed_teacher" in kinds:
        return redirect("class_accommodations")
    if kinds & {"school_admin", "district_admin"}:
        return redirect("staff_list")
    return render(request, "web/home.html")


API_PREFIX = "/api/"


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A page with the site's navigation; the JSON API keeps answering JSON (an unknown API path
    never reaches the API's own error handlers)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("You may not do this.")}, status=403)
    return render(request, "403.html", status=403)
