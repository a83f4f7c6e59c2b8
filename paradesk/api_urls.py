"""The JSON API, mounted at /api/v1/ by paradesk/urls.py (URL names in the "api" namespace); every
area's operations are mounted on it by paradesk/api.py."""

from django.urls import path

from paradesk.api import api

urlpatterns = [path("", api.urls)]
