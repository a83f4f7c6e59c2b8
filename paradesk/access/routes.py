"""The access rule of every page, by URL name: the route half of docs/access.md.

The authorization matrix test walks every URL pattern and API operation and fails on any route
missing here, then checks each persona gets the answer the rule gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from paradesk.access.policy import Action


class Gate(StrEnum):
    PUBLIC = "public"  # no sign-in (the sign-in page itself)
    SIGNED_IN = "signed_in"  # any signed-in person; the page lists only what they may see
    STUDENT = "student"  # a student's records: the action decides (404 outsider, 403 not permitted)
    STAFF_ADMIN = "staff_admin"  # school or district administrators, within their own schools
    SUPERUSER = "superuser"  # Django admin


class Target(StrEnum):
    """Which object the URL's id names, so the matrix test can fill it in."""

    NONE = "none"
    STUDENT = "student"
    PLAN = "plan"
    GOAL = "goal"
    MEASURE = "measure"
    ACCOMMODATION = "accommodation"
    SERVICE = "service"
    TARGET_BEHAVIOR = "target_behavior"
    STRATEGY = "strategy"
    ABC_OPTION = "abc_option"
    PERIOD = "period"
    DIRECTION = "direction"
    STAFF = "staff"
    ROLE = "role"
    ASSIGNMENT = "assignment"
    TOKEN = "token"
    RECORD = "record"  # any recorded fact (observation, incident, log, note), by its device-made id
    BELL_SCHEDULE = "bell_schedule"
    PARA_BLOCK = "para_block"
    ABSENCE = "absence"


@dataclass(frozen=True)
class Route:
    gate: Gate
    action: Action | None = None
    target: Target = Target.NONE
    method: str = "GET"


def student(action: Action, target: Target, method: str = "GET") -> Route:
    return Route(Gate.STUDENT, action, target, method)


VIEW = Action.VIEW_SUMMARY
RECORD = Action.VIEW_RECORD
EDIT = Action.EDIT_PLAN

ROUTES: dict[str, Route] = {
    "login": Route(Gate.PUBLIC),
    "logout": Route(Gate.SIGNED_IN, method="POST"),
    "home": Route(Gate.SIGNED_IN),
    "caseload": Route(Gate.SIGNED_IN),
    "my_students": Route(Gate.SIGNED_IN),
    "class_accommodations": Route(Gate.SIGNED_IN),
    "api_tokens": Route(Gate.SIGNED_IN),
    "api_token_revoke": Route(Gate.SIGNED_IN, target=Target.TOKEN, method="POST"),
    "student_detail": student(VIEW, Target.STUDENT),
    "snapshot_edit": student(Action.EDIT_SNAPSHOT, Target.STUDENT),
    "student_access_log": student(Action.VIEW_ACCESS_LOG, Target.STUDENT),
    "student_record_export": student(Action.EXPORT_RECORD, Target.STUDENT),
    "plan_create": student(EDIT, Target.STUDENT),
    "plan_detail": student(RECORD, Target.PLAN),
    "plan_edit": student(EDIT, Target.PLAN),
    "plan_amend": student(EDIT, Target.PLAN, "POST"),
    "plan_activate": student(EDIT, Target.PLAN, "POST"),
    "goal_create": student(EDIT, Target.PLAN),
    "goal_edit": student(EDIT, Target.GOAL),
    "measure_create": student(EDIT, Target.PLAN),
    "measure_edit": student(EDIT, Target.MEASURE),
    "accommodation_create": student(EDIT, Target.PLAN),
    "accommodation_edit": student(EDIT, Target.ACCOMMODATION),
    "service_create": student(EDIT, Target.PLAN),
    "service_edit": student(EDIT, Target.SERVICE),
    "behavior_create": student(EDIT, Target.PLAN),
    "behavior_edit": student(EDIT, Target.TARGET_BEHAVIOR),
    "strategy_create": student(EDIT, Target.PLAN),
    "strategy_edit": student(EDIT, Target.STRATEGY),
    "abc_option_create": student(EDIT, Target.PLAN),
    "abc_option_edit": student(EDIT, Target.ABC_OPTION),
    "period_create": student(EDIT, Target.PLAN),
    "period_edit": student(EDIT, Target.PERIOD),
    "direction_create": student(Action.EDIT_DIRECTIONS, Target.PLAN),
    "direction_edit": student(Action.EDIT_DIRECTIONS, Target.DIRECTION),
    "staff_list": Route(Gate.STAFF_ADMIN),
    "staff_create": Route(Gate.STAFF_ADMIN),
    "staff_detail": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "role_create": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "role_end": Route(Gate.STAFF_ADMIN, target=Target.ROLE, method="POST"),
    "assignment_create": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "assignment_end": Route(Gate.STAFF_ADMIN, target=Target.ASSIGNMENT, method="POST"),
}
