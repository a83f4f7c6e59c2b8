"""The dashboard's template helpers say exactly what Django's slower ones say, worked out once per
page for each value."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.template import Context, Template
from django.utils import translation

from paradesk.plans.models import Measure, MeasureStatus, Method
from paradesk.progress.alerts import Alert, Reason


def rendered(source: str, **values: object) -> str:
    return Template("{% load progress_tags %}" + source).render(Context(values))


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize("status", [MeasureStatus.ACQUISITION, MeasureStatus.MASTERED])
def test_choice_label_says_what_get_display_says(method: Method, status: MeasureStatus) -> None:
    measure = Measure(method=method, status=status)
    html = rendered('{% choice_label m "method" %}|{% choice_label m "status" %}', m=measure)
    assert html == f"{measure.get_method_display()}|{measure.get_status_display()}"


def test_choice_label_of_a_value_outside_the_choices_is_the_value() -> None:
    assert rendered('{% choice_label m "method" %}', m=Measure(method="tally_marks")) == "tally_marks"


def test_month_day_says_what_the_date_filter_says() -> None:
    day = datetime.date(2026, 11, 3)
    html = rendered('{% month_day day %}|{{ day|date:"MONTH_DAY_FORMAT" }}', day=day)
    assert html == "November 3|November 3"
    assert rendered("{% month_day day %}", day=None) == ""


def test_month_day_follows_the_language_of_the_page() -> None:
    with translation.override("es"):
        assert rendered("{% month_day day %}", day=datetime.date(2026, 11, 3)) == "3 de noviembre"


@dataclass
class CountedAlert:
    reason: Reason
    asked: list[Reason]

    @property
    def label(self) -> str:
        self.asked.append(self.reason)
        return f"<{self.reason}>"


def test_alert_label_is_worked_out_once_per_reason_and_escaped() -> None:
    asked: list[Reason] = []
    alerts = [CountedAlert(reason, asked) for reason in (Reason.NO_DATA, Reason.MASTERY, Reason.NO_DATA)]
    html = rendered("{% for a in alerts %}{% alert_label a %};{% endfor %}", alerts=alerts)
    assert html == "&lt;no_data&gt;;&lt;mastery&gt;;&lt;no_data&gt;;"
    assert asked == [Reason.NO_DATA, Reason.MASTERY]


def test_alert_label_is_the_alerts_own_label() -> None:
    alert = Alert(measure_id=uuid.uuid4(), student_id=uuid.uuid4(), reason=Reason.NO_DATA, words="")
    assert rendered("{% alert_label a %}", a=alert) == alert.label


def test_each_render_works_its_labels_out_again() -> None:
    asked: list[Reason] = []
    alert = CountedAlert(Reason.NO_DATA, asked)
    template = Template("{% load progress_tags %}{% alert_label a %}")
    template.render(Context({"a": alert}))
    template.render(Context({"a": alert}))
    assert asked == [Reason.NO_DATA, Reason.NO_DATA]
