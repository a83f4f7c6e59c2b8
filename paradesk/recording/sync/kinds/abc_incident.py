"""An ABC incident: antecedent, behavior and consequence, as codes from the behavior plan in force
and as text; recorded under the plan its measure, target behavior or codes belong to."""

from __future__ import annotations

from django.utils.translation import gettext as _

from paradesk.people.models import Student
from paradesk.plans.models import AbcCategory, Plan
from paradesk.recording.models import AbcIncident, Record
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.checks import common, in_force, measure_for, student_for
from paradesk.recording.sync.schemas import AbcIncidentIn, not_found

ABC_CATEGORIES = {
    "antecedent_codes": AbcCategory.ANTECEDENT,
    "behavior_codes": AbcCategory.BEHAVIOR,
    "consequence_codes": AbcCategory.CONSEQUENCE,
}


def abc_plan(
    record: AbcIncidentIn, student: Student, batch: Batch, errors: dict[str, list[str]]
) -> Plan | None:
    """The behavior plan the incident is recorded under: its measure's, behavior's or codes'."""
    plans: list[Plan] = []
    if record.measure_id is not None:
        plans.append(measure_for(batch, record.measure_id, student, record, errors).plan)
    if record.target_behavior_id is not None:
        behavior = batch.behaviors.get(record.target_behavior_id)
        if behavior is None or behavior.plan.student_id != student.id:
            raise not_found("target_behavior_id")
        in_force(behavior.plan, record, "target_behavior_id", errors)
        plans.append(behavior.plan)
    for name, category in ABC_CATEGORIES.items():
        for code in getattr(record, name):
            option = batch.options.get(code)
            if option is None or option.plan.student_id != student.id:
                raise not_found(name)
            if option.category != category or not option.plan.was_in_force_at(record.recorded_at):
                errors.setdefault(name, []).append(
                    _("Choose from the options of the behavior plan in force.")
                )
            plans.append(option.plan)
    return plans[0] if plans else None


def build(record: AbcIncidentIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    plan = abc_plan(record, student, batch, errors)
    values = record.model_dump(
        include={
            "occurred_at",
            "setting",
            "antecedent_text",
            "behavior_text",
            "consequence_text",
            "intensity",
            "duration_seconds",
        }
    )
    codes = {name: [str(code) for code in getattr(record, name)] for name in ABC_CATEGORIES}
    row = AbcIncident(
        **common(record, student, batch),
        plan=plan,
        target_behavior_id=record.target_behavior_id,
        measure_id=record.measure_id,
        **codes,
        **values,
    )
    return row, student
