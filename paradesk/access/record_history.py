"""A student's access history in plain words, for the complete record a parent reads (FERPA
34 CFR 99.32, IDEA 300.614): who (by name), their role, what they looked at or changed ("Viewed the
student's plan"), and when, in the school's time zone.

An audit entry names its object by type ("plans.plan") and id; the sentence is made from the type's
model (its verbose name) or, for the few entries that are not one row (the access history itself,
the exported record, raw data), from the words below. Two queries, whatever the number of entries:
the entries with their actors, and the actors' roles.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from paradesk.access.audit import LIST_TYPE
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.access.record_facts import EMPTY, readable
from paradesk.people.models import Assignment, Role, Student

# What an entry that is not about one row concerns.
OBJECT_WORDS: dict[str, Promise] = {
    "people.student": gettext_lazy("the student's page"),
    "student.access_log": gettext_lazy("the student's access history"),
    "student.record": gettext_lazy("the student's complete record"),
    "recording.raw_data": gettext_lazy("the student's recorded data"),
    LIST_TYPE: gettext_lazy("the student in a list"),
}

# The list pages a student is seen on, by URL name (a list entry names its page); any other page
# reads by its URL name in words.
LIST_PAGES: dict[str, Promise] = {
    "home": gettext_lazy("the home page"),
    "caseload": gettext_lazy("the caseload"),
    "my_students": gettext_lazy("My students"),
    "class_accommodations": gettext_lazy("My classes"),
    "today": gettext_lazy("Today"),
    "progress_dashboard": gettext_lazy("the progress dashboard"),
    "api:list_students": gettext_lazy("the API's student list"),
}

SENTENCES: dict[str, Promise] = {
    AuditAction.VIEW: gettext_lazy("Viewed %(what)s"),
    AuditAction.CREATE: gettext_lazy("Added %(what)s"),
    AuditAction.UPDATE: gettext_lazy("Changed %(what)s"),
    AuditAction.DELETE: gettext_lazy("Removed %(what)s"),
    AuditAction.AMEND: gettext_lazy("Amended %(what)s"),
    AuditAction.ACTIVATE: gettext_lazy("Activated %(what)s"),
    AuditAction.EXPORT: gettext_lazy("Exported %(what)s"),
    AuditAction.CORRECT: gettext_lazy("Corrected %(what)s"),
    AuditAction.VOID: gettext_lazy("Voided %(what)s"),
}


@dataclass(frozen=True)
class AccessLine:
    at: str
    at_iso: str
    actor: str
    role: str
    what: str
    changed_fields: str
    address: str
    channel: str


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def object_words(object_type: str) -> str:
    """What an entry concerns, as a phrase: "the student's plan"."""
    if object_type in OBJECT_WORDS:
        return str(OBJECT_WORDS[object_type])
    model = model_of(object_type)
    if model is None:
        return _("the student's records")
    return _("the student's %(thing)s") % {"thing": model._meta.verbose_name}


def page_words(page: str) -> str:
    """Where a list showed the student: "the caseload", "Django admin", "staff detail"."""
    if page in LIST_PAGES:
        return str(LIST_PAGES[page])
    if page.startswith("admin:"):
        return _("Django admin")
    return page.rsplit(":", 1)[-1].replace("_", " ")


def sentence(entry: AuditEntry) -> str:
    words = object_words(entry.object_type)
    template = SENTENCES.get(entry.action)
    if template is None:
        return str(entry.get_action_display())
    if entry.object_type == LIST_TYPE and entry.object_id:
        return _("Seen in a list (%(page)s)") % {"page": page_words(entry.object_id)}
    return str(template) % {"what": words}


def field_words(entry: AuditEntry) -> str:
    """The changed fields by their labels ("End date"), never their values."""
    model = model_of(entry.object_type)
    labels = []
    for name in entry.changed_fields:
        try:
            label = str(model._meta.get_field(name).verbose_name) if model is not None else name  # type: ignore[union-attr]
        except FieldDoesNotExist:
            label = name.replace("_", " ")
        labels.append(label[:1].upper() + label[1:])
    return ", ".join(labels) or EMPTY


def roles_of(student: Student, actor_ids: Iterable[uuid.UUID]) -> Mapping[uuid.UUID, str]:
    """Each person's role toward the student: their team roles on it (past or present), else their
    staff roles in the district."""
    ids = set(actor_ids)
    team: dict[uuid.UUID, set[str]] = defaultdict(set)
    for assignment in Assignment.objects.filter(
        district_id=student.district_id, student=student, staff_id__in=ids
    ):
        team[assignment.staff_id].add(str(assignment.get_team_role_display()))
    staff_roles: dict[uuid.UUID, set[str]] = defaultdict(set)
    for role in Role.objects.filter(district_id=student.district_id, staff_id__in=ids):
        staff_roles[role.staff_id].add(str(role.get_kind_display()))
    return {
        staff_id: ", ".join(sorted(team.get(staff_id) or staff_roles.get(staff_id) or {EMPTY}))
        for staff_id in ids
    }


def access_line(entry: AuditEntry, tz: datetime.tzinfo, roles: Mapping[uuid.UUID, str]) -> AccessLine:
    actor = entry.actor
    return AccessLine(
        at=readable(entry.at, tz),
        at_iso=timezone.localtime(entry.at, tz).isoformat(),
        actor=actor.full_name if actor is not None else _("No one signed in (system)"),
        role=roles.get(actor.pk, EMPTY) if actor is not None else EMPTY,
        what=sentence(entry),
        changed_fields=field_words(entry),
        address=entry.address or EMPTY,
        channel=entry.via,
    )


def access_history(student: Student, tz: datetime.tzinfo) -> list[AccessLine]:
    """Every audit entry about the student, oldest first, in words."""
    entries = list(
        AuditEntry.objects.for_student(student.id)
        .filter(district_id=student.district_id)
        .select_related("actor")
        .order_by("at", "id")
    )
    roles = roles_of(student, {entry.actor_id for entry in entries if entry.actor_id is not None})
    return [access_line(entry, tz, roles) for entry in entries]
