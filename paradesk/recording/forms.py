"""Forms for recorded data on the teacher's pages (the para's sheets post JSON to the sync API)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Why void this record?"),
        help_text=_("Kept with the record and shown to everyone who reads it."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why this record is voided.")},
    )
