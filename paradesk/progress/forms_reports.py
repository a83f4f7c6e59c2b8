"""Forms of the progress reports: the teacher's decision on each measure, and asking for a batch.
They check what a person typed; which plans a batch holds is decided by paradesk.progress.tasks."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from paradesk.progress.models import Descriptor

NARRATIVE_LENGTH = 4000
# A batch covers reporting periods ending within a year at most (one school year of quarters).
LONGEST_RANGE = datetime.timedelta(days=366)


class EntryForm(forms.Form):
    """One measure's line: the descriptor the teacher decides and the narrative."""

    descriptor = forms.ChoiceField(
        label=_("Progress"),
        choices=Descriptor.choices,
        help_text=_("The data's proposal is chosen until you decide. Saving makes it your decision."),
        error_messages={"required": _("Choose how the student is progressing.")},
    )
    narrative = forms.CharField(
        label=_("Narrative for the family"),
        required=False,
        max_length=NARRATIVE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=date_input(),
        error_messages={"required": _("Give a date."), "invalid": _("Give a date, like 2026-11-10.")},
    )


class BatchForm(forms.Form):
    """Whose reports (my caseload, or a school) and which reporting periods (by their end date)."""

    scope = forms.ChoiceField(label=_("Reports for"), error_messages={"required": _("Choose whose reports.")})
    period_ending_from = date_field(_("Reporting periods ending from"))
    period_ending_to = date_field(_("to"))

    def __init__(self, *args: Any, scopes: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scope"]).choices = list(scopes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_ending_from"), data.get("period_ending_to")
        if start is not None and end is not None:
            if end < start:
                self.add_error("period_ending_to", _("The last date comes after the first."))
            elif end - start > LONGEST_RANGE:
                self.add_error("period_ending_to", _("Choose dates at most a year apart."))
        return data
