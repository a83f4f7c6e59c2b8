"""Forms of the access area: a new personal API token, and the codes of multi-factor sign-in."""

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


def code_input(*, numeric: bool) -> forms.TextInput:
    """A one-time code field phones fill from the app or a text (autocomplete), with a number pad
    for app codes."""
    attrs = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
    if numeric:
        attrs |= {"inputmode": "numeric", "pattern": "[0-9 ]*"}
    return forms.TextInput(attrs=attrs)


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=code_input(numeric=True),
    )


class RecoveryCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        help_text=_("One of the recovery codes you saved when you set up your app, like abcde-12345."),
        widget=code_input(numeric=False),
    )
