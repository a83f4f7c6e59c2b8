"""The JSON API, mounted at /api/v1/ by paradesk/urls.py (URL names in the "api" namespace)."""

from django.urls import path

from paradesk.api import api

urlpatterns = [path("", api.urls)]
