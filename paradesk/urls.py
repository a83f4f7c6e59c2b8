from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path


def superuser_only(request: HttpRequest) -> bool:
    """Django admin is for superusers only; everyone else works through Paradesk's own pages,
    where need-to-know access and the audit log apply."""
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = superuser_only  # type: ignore[method-assign]
admin.site.site_header = "Paradesk administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("paradesk.web.urls")),
    path("", include("paradesk.people.urls")),
    path("", include("paradesk.plans.urls")),
    path("", include("paradesk.access.urls")),
    path("", include("paradesk.recording.urls")),
    path("", include("paradesk.schedules.urls")),
    path("", include("paradesk.schedules.coverage.urls")),
    path("", include("paradesk.progress.urls")),
    path("api/v1/", include("paradesk.api_urls")),
]

# Styled error pages with navigation; JSON under /api/ (paradesk/web/views.py).
handler404 = "paradesk.web.views.not_found"
handler403 = "paradesk.web.views.forbidden"
