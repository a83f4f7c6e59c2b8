"""Writes to recorded data, each audited and atomic. Views and the API call these after checking
access; nothing recorded is ever changed in place or deleted (docs/architecture.md#scope-of-practice)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from paradesk.access import audit
from paradesk.access.models import AuditAction
from paradesk.people.models import Staff
from paradesk.recording.models import Record

VOID_FIELDS = ("voided_at", "voided_by", "void_reason")


class AlreadyVoided(ValidationError):
    """A void is final: who voided a record, when and why stays as first written."""

    def __init__(self) -> None:
        super().__init__(_("This record was already voided. A void is kept as first written."))


@transaction.atomic
def void_record[R: Record](*, actor: Staff, record: R, reason: str) -> R:
    """Mark the record void with who, when and why; it stays stored and readable, and no longer
    counts. Refused for a record already voided or without a reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this record is voided.")})
    # Locked, so two teachers voiding at once cannot both write their reason.
    locked = type(record)._default_manager.select_for_update().get(pk=record.pk)
    if locked.voided_at is not None:
        raise AlreadyVoided
    locked.voided_at = timezone.now()
    locked.voided_by = actor
    locked.void_reason = reason
    locked.save(update_fields=list(VOID_FIELDS))
    audit.record(
        actor=actor,
        action=AuditAction.VOID,
        obj=locked,
        student_id=locked.student_id,
        changed_fields=VOID_FIELDS,
    )
    return locked


def corrected_id(record: Record) -> uuid.UUID | None:
    """The id of the record this one corrects, if it is a correction."""
    # A self-reference on an abstract model: django-stubs cannot see its `_id` attribute.
    return record.corrects_id  # type: ignore[attr-defined]


def record_history[R: Record](record: R) -> list[R]:
    """The record and the records it corrects, newest first, back to the first record made."""
    history = [record]
    earlier = type(record)._default_manager.select_related("recorded_by", "voided_by")
    while (previous := corrected_id(history[-1])) is not None:
        history.append(earlier.get(pk=previous))
    return history
