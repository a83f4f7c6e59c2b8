"""The JSON API, mounted at /api/v1/ by paradesk/urls.py (URL names in the "api" namespace)."""

from django.urls import path

import paradesk.recording.api  # noqa: F401 - registers the sync operation before api.urls is read
from paradesk.api import api
from paradesk.progress import api as progress_api  # noqa: F401 - registers the progress operation
from paradesk.recording import api_voids  # noqa: F401 - registers the void operation

urlpatterns = [path("", api.urls)]
