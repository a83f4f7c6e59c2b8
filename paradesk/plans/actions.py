"""Writes to plans, each audited and atomic. Views and the API call these; they check access first."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from paradesk.access import audit
from paradesk.access.models import AuditAction
from paradesk.people.models import Staff, Student
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    ParaDirection,
    Plan,
    PlanStatus,
    ReportingPeriod,
    Service,
    Snapshot,
    TargetBehavior,
)


class PlanNotEditable(ValidationError):
    """An active or ended version is part of the legal record: amend it instead."""

    def __init__(self) -> None:
        super().__init__(_("This plan version is no longer a draft. Amend the plan to change it."))


def ensure_editable(plan: Plan) -> None:
    if not plan.is_editable:
        raise PlanNotEditable


@transaction.atomic
def create_plan(*, actor: Staff, student: Student, plan: Plan) -> Plan:
    """Save a new plan (version 1, draft) for the student."""
    plan.student = student
    plan.district_id = student.district_id
    plan.created_by = actor
    plan.status = PlanStatus.DRAFT
    plan.full_clean()
    plan.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=plan, student_id=student.id)
    return plan


@transaction.atomic
def save_plan_item(*, actor: Staff, item: models.Model, changed_fields: Iterable[str] = ()) -> models.Model:
    """Create or change anything written in a draft plan (or the plan's own fields)."""
    plan: Plan = item if isinstance(item, Plan) else item.plan  # type: ignore[attr-defined]
    ensure_editable(Plan.objects.select_for_update().get(pk=plan.pk))
    creating = item._state.adding
    item.district_id = plan.district_id  # type: ignore[attr-defined]
    if isinstance(item, ParaDirection) and creating:
        item.written_by = actor
    item.full_clean()
    item.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        obj=item,
        student_id=plan.student_id,
        changed_fields=() if creating else changed_fields,
    )
    return item


@transaction.atomic
def delete_plan_item(*, actor: Staff, item: models.Model) -> None:
    """Remove something from a draft plan; active versions never lose anything."""
    plan: Plan = item.plan  # type: ignore[attr-defined]
    ensure_editable(plan)
    audit.record(actor=actor, action=AuditAction.DELETE, obj=item, student_id=plan.student_id)
    item.delete()


@transaction.atomic
def save_snapshot(*, actor: Staff, snapshot: Snapshot, changed_fields: Iterable[str] = ()) -> Snapshot:
    creating = snapshot._state.adding
    snapshot.district_id = snapshot.student.district_id
    snapshot.updated_by = actor
    snapshot.full_clean()
    snapshot.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        obj=snapshot,
        student_id=snapshot.student_id,
        changed_fields=changed_fields,
    )
    return snapshot


@transaction.atomic
def activate_plan(*, actor: Staff, plan: Plan) -> Plan:
    """Put a draft in force; the version it amends (if any) ends and stays readable."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    ensure_editable(plan)
    for current in Plan.objects.select_for_update().filter(lineage=plan.lineage, status=PlanStatus.ACTIVE):
        current.status = PlanStatus.ENDED
        current.ended_at = timezone.now()
        current.save(update_fields=["status", "ended_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=current,
            student_id=plan.student_id,
            changed_fields=["status"],
        )
    plan.status = PlanStatus.ACTIVE
    plan.activated_at = timezone.now()
    plan.save(update_fields=["status", "activated_at"])
    audit.record(actor=actor, action=AuditAction.ACTIVATE, obj=plan, student_id=plan.student_id)
    return plan


def _copy[M: models.Model](item: M, **changes: object) -> M:
    """An unsaved copy of a row with a new id, linked to the row it came from."""
    clone = copy.copy(item)
    clone._state = ModelState()
    clone.pk = uuid.uuid4()
    if hasattr(clone, "carried_from_id"):
        clone.carried_from_id = item.pk
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


def _mapped[M: models.Model](copies: dict[uuid.UUID, M], old_id: uuid.UUID | None) -> M | None:
    return copies[old_id] if old_id is not None else None


def _carry_forward(model: type[models.Model], old: Plan, new: Plan) -> None:
    model._default_manager.bulk_create(
        _copy(row, plan=new) for row in model._default_manager.filter(plan=old)
    )


@transaction.atomic
def amend_plan(*, actor: Staff, plan: Plan, reason: str) -> Plan:
    """A new draft version carrying everything forward; the amended version is left untouched.

    Copies keep `carried_from`, so data recorded under the old measures stays tied to the old
    version (docs/architecture.md#versioned-plans) and can still be followed across versions.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(_("A draft can be edited as it is; amend an active plan."))
    if Plan.objects.filter(lineage=plan.lineage, version__gt=plan.version).exists():
        raise ValidationError(_("This plan already has a newer version."))
    new = _copy(
        plan,
        version=plan.version + 1,
        previous=plan,
        status=PlanStatus.DRAFT,
        amendment_reason=reason,
        created_by=actor,
    )
    new.save()
    goals = {g.pk: _copy(g, plan=new) for g in plan.goals.all()}
    Goal.objects.bulk_create(goals.values())
    behaviors = {b.pk: _copy(b, plan=new) for b in plan.target_behaviors.all()}
    TargetBehavior.objects.bulk_create(behaviors.values())
    measures = {
        m.pk: _copy(
            m,
            plan=new,
            goal=_mapped(goals, m.goal_id),
            target_behavior=_mapped(behaviors, m.target_behavior_id),
        )
        for m in plan.measures.all()
    }
    Measure.objects.bulk_create(measures.values())
    ParaDirection.objects.bulk_create(
        _copy(d, plan=new, goal=_mapped(goals, d.goal_id), measure=_mapped(measures, d.measure_id))
        for d in plan.directions.all()
    )
    _carry_forward(Accommodation, plan, new)
    _carry_forward(Service, plan, new)
    _carry_forward(BehaviorStrategy, plan, new)
    _carry_forward(AbcOption, plan, new)
    _carry_forward(ReportingPeriod, plan, new)
    audit.record(actor=actor, action=AuditAction.AMEND, obj=new, student_id=plan.student_id)
    return new
