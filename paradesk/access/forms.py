"""Forms of the access area: a new personal API token."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from paradesk.access.models import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Say where you will use it, for example “Chromebook sync script”."),
    )
    days = forms.IntegerField(
        label=_("Works for (days)"),
        initial=DEFAULT_TOKEN_DAYS,
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        required=False,
        help_text=_("90 days if left empty; at most a year. Make a new token when it runs out."),
    )
