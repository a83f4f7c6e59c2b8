"""An assignment's status on a day agrees with the queryset that grants access by the same dates."""

from __future__ import annotations

import datetime

import pytest

from paradesk.people.models import Assignment, AssignmentStatus
from paradesk.testing import AssignmentFactory

START, END = datetime.date(2026, 9, 1), datetime.date(2026, 12, 18)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "status"),
    [
        (datetime.date(2026, 8, 31), AssignmentStatus.UPCOMING),
        (START, AssignmentStatus.CURRENT),
        (END, AssignmentStatus.CURRENT),
        (datetime.date(2026, 12, 19), AssignmentStatus.ENDED),
    ],
)
def test_status_on_matches_current_queryset(day: datetime.date, status: AssignmentStatus) -> None:
    assignment = AssignmentFactory.create(start_date=START, end_date=END)
    assert assignment.status_on(day) == status
    in_force = Assignment.objects.current(day).filter(pk=assignment.pk).exists()
    assert in_force is (status == AssignmentStatus.CURRENT)


@pytest.mark.django_db
def test_open_ended_assignment_stays_current() -> None:
    assignment = AssignmentFactory.create(start_date=START, end_date=None)
    assert assignment.status_on(datetime.date(2030, 1, 1)) == AssignmentStatus.CURRENT
