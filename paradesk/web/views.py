from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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
