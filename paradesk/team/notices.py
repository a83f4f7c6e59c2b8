"""Notifications: writing one, putting it in words, and the banner every signed-in page shows
(template schedules/coverage_notices.html, drawn by web/base.html).

A notification is a key and its parameters; `NOTIFICATION_TEXT` holds the words of each key, so the
reader's language decides when it is shown.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from paradesk.team.models import Notification

NOTIFICATION_TEXT = {
    "coverage_assigned": gettext_lazy(
        "On %(date)s you cover %(blocks)s block(s) for %(para)s. "
        "Your schedule and Today page show the students."
    ),
    "support_uncovered": gettext_lazy(
        "On %(date)s, %(blocks)s block(s) of 1:1 or safety support have no cover while %(para)s is "
        "absent. Plan who stays with the student."
    ),
    "coverage_cancelled": gettext_lazy(
        "Coverage for %(para)s on %(date)s was taken back (%(blocks)s block(s))."
    ),
}


@dataclass(frozen=True)
class Notice:
    text: str
    link: str


def notify(
    *, recipient_id: uuid.UUID, district_id: uuid.UUID, key: str, params: dict[str, Any], link: str
) -> Notification:
    """Tell one staff member something in the app; `key` is one of NOTIFICATION_TEXT's."""
    return Notification.objects.create(
        district_id=district_id, recipient_id=recipient_id, key=key, params=params, link=link
    )


def notification_text(notification: Notification) -> str:
    template = NOTIFICATION_TEXT.get(notification.key)
    return str(template) % notification.params if template else ""


def mark_read(notifications: Iterable[Notification], when: datetime.datetime | None = None) -> None:
    ids = [n.pk for n in notifications]
    if ids:
        Notification.objects.filter(pk__in=ids).update(read_at=when or timezone.now())


def notifications(request: HttpRequest) -> dict[str, object]:
    """Context processor: `notices`, the signed-in person's unread notifications. Read only when the
    banner is drawn (a template calls it), and marked read then: shown once, on the next page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> list[Notice]:
        found = list(Notification.objects.filter(recipient_id=user.pk).unread()[:5])
        mark_read(found)
        return [Notice(notification_text(n), n.link) for n in found]

    return {"notices": unread}
