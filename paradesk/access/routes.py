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
    DAY_TYPE = "day_type"
    CALENDAR_DAY = "calendar_day"
    CALENDAR_FEED = "calendar_feed"  # one's own calendar feed link, by id
    CALENDAR_TOKEN = "calendar_token"  # a calendar feed's secret token (the public .ics URL)
    PLAN_PERIOD = "plan_period"  # a plan and one of its reporting periods (two ids in the URL)
    REPORT_BATCH = "report_batch"  # one's own progress-report batch, by id
    RESET_LINK = "reset_link"  # a password-reset link's user id and token (two parts in the URL)
    MFA_APP = "mfa_app"  # one's own authenticator app (django-otp device), by id


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
    # Accounts: one's own password; resetting a forgotten one is public (nobody is signed in).
    "password_change": Route(Gate.SIGNED_IN),
    "password_change_done": Route(Gate.SIGNED_IN),
    "password_reset": Route(Gate.PUBLIC),
    "password_reset_done": Route(Gate.PUBLIC),
    "password_reset_confirm": Route(Gate.PUBLIC, target=Target.RESET_LINK),
    "password_reset_complete": Route(Gate.PUBLIC),
    "api_tokens": Route(Gate.SIGNED_IN),
    "session": Route(Gate.SIGNED_IN),
    "sign_out_everywhere": Route(Gate.SIGNED_IN, method="POST"),
    "api_token_revoke": Route(Gate.SIGNED_IN, target=Target.TOKEN, method="POST"),
    # Multi-factor sign-in (access/mfa_views.py): the second step and one's own Security page are
    # any signed-in person's (each answers only about the person); MultiFactorRequiredMiddleware
    # lets someone who still owes the second step reach only these steps and signing out.
    "mfa_verify": Route(Gate.SIGNED_IN),
    "mfa_recovery": Route(Gate.SIGNED_IN),
    "mfa_setup": Route(Gate.SIGNED_IN),
    "security": Route(Gate.SIGNED_IN),
    "mfa_app_remove": Route(Gate.SIGNED_IN, target=Target.MFA_APP, method="POST"),
    "recovery_codes_regenerate": Route(Gate.SIGNED_IN, method="POST"),
    "staff_mfa_reset": Route(Gate.STAFF_ADMIN, target=Target.STAFF, method="POST"),
    "student_detail": student(VIEW, Target.STUDENT),
    "snapshot_edit": student(Action.EDIT_SNAPSHOT, Target.STUDENT),
    "student_access_log": student(Action.VIEW_ACCESS_LOG, Target.STUDENT),
    "student_record_export": student(Action.EXPORT_RECORD, Target.STUDENT),
    "student_record_export_pdf": student(Action.EXPORT_RECORD, Target.STUDENT),
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
    "staff_unlock": Route(Gate.STAFF_ADMIN, target=Target.STAFF, method="POST"),
    "staff_set_password": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "staff_invite": Route(Gate.STAFF_ADMIN, target=Target.STAFF, method="POST"),
    "staff_deactivate": Route(Gate.STAFF_ADMIN, target=Target.STAFF, method="POST"),
    "role_create": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "role_end": Route(Gate.STAFF_ADMIN, target=Target.ROLE, method="POST"),
    "assignment_create": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "assignment_end": Route(Gate.STAFF_ADMIN, target=Target.ASSIGNMENT, method="POST"),
    "measure_data": student(RECORD, Target.MEASURE),
    "measure_data_csv": student(RECORD, Target.MEASURE),
    "student_data": student(RECORD, Target.STUDENT),
    "record_void": student(Action.VOID_DATA, Target.RECORD, "POST"),
    "today": Route(Gate.SIGNED_IN),
    "service_worker": Route(Gate.PUBLIC),
    # Schedules (paradesk/schedules): a person's own pages list only what they may see; bell
    # schedules, para blocks and qualifications are administrators' within their schools.
    "my_schedule": Route(Gate.SIGNED_IN),
    "room_schedule": Route(Gate.SIGNED_IN),
    "service_minutes": Route(Gate.SIGNED_IN),
    "calendar_feeds": Route(Gate.SIGNED_IN),
    "calendar_feed_revoke": Route(Gate.SIGNED_IN, target=Target.CALENDAR_FEED, method="POST"),
    "calendar_feed_ics": Route(Gate.PUBLIC, target=Target.CALENDAR_TOKEN),
    "bell_schedules": Route(Gate.STAFF_ADMIN),
    "bell_schedule_detail": Route(Gate.STAFF_ADMIN, target=Target.BELL_SCHEDULE),
    "bell_schedule_edit": Route(Gate.STAFF_ADMIN, target=Target.BELL_SCHEDULE),
    "day_type_create": Route(Gate.STAFF_ADMIN, target=Target.BELL_SCHEDULE),
    "day_type_edit": Route(Gate.STAFF_ADMIN, target=Target.DAY_TYPE),
    "calendar_days_set": Route(Gate.STAFF_ADMIN, target=Target.BELL_SCHEDULE),
    "calendar_day_delete": Route(Gate.STAFF_ADMIN, target=Target.CALENDAR_DAY, method="POST"),
    "para_schedule": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "para_block_create": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "para_block_edit": Route(Gate.STAFF_ADMIN, target=Target.PARA_BLOCK),
    "para_block_delete": Route(Gate.STAFF_ADMIN, target=Target.PARA_BLOCK, method="POST"),
    "qualifications": Route(Gate.STAFF_ADMIN),
    "staff_qualifications": Route(Gate.STAFF_ADMIN, target=Target.STAFF),
    "support_needs": student(RECORD, Target.STUDENT),
    "support_needs_set": student(EDIT, Target.STUDENT),
    # Absences and coverage, and the schedule builder (paradesk/schedules/coverage/urls.py):
    # administrators within their schools; a draft or row named in a form is checked in the view.
    "absence_list": Route(Gate.STAFF_ADMIN),
    "absence_create": Route(Gate.STAFF_ADMIN),
    "absence_coverage": Route(Gate.STAFF_ADMIN, target=Target.ABSENCE),
    "coverage_set": Route(Gate.STAFF_ADMIN, target=Target.ABSENCE, method="POST"),
    "coverage_accept": Route(Gate.STAFF_ADMIN, target=Target.ABSENCE, method="POST"),
    "coverage_propose": Route(Gate.STAFF_ADMIN, target=Target.ABSENCE, method="POST"),
    "absence_delete": Route(Gate.STAFF_ADMIN, target=Target.ABSENCE, method="POST"),
    "schedule_builder": Route(Gate.STAFF_ADMIN),
    "schedule_builder_accept": Route(Gate.STAFF_ADMIN, method="POST"),
    # Progress: the team dashboard lists only the person's own caseload (case manager, provider).
    "progress_dashboard": Route(Gate.SIGNED_IN),
    # Progress: a measure's graph and what it says (progress/views/measures.py) read with the record.
    "measure_progress": student(RECORD, Target.MEASURE),
    # Progress: the teacher's decisions (progress/views/actions.py) are licensed staff's; the
    # fidelity list reads like the rest of the record.
    "measure_mastery": student(Action.DECIDE_PROGRESS, Target.MEASURE),
    "measure_phase_changes": student(Action.DECIDE_PROGRESS, Target.MEASURE),
    "measure_aimline": student(Action.DECIDE_PROGRESS, Target.MEASURE),
    "measure_agreement": student(Action.DECIDE_PROGRESS, Target.MEASURE),
    "student_fidelity": student(RECORD, Target.STUDENT),
    "fidelity_add": student(Action.DECIDE_PROGRESS, Target.PLAN),
    # Progress reports (progress/views/reports.py): the page reads with the record and saves with
    # progress.decide (POST, checked in the view); the PDF is read with the record, audited as an
    # export. A batch is seen only by the person who asked for it (anyone else's: 404).
    "progress_report": student(RECORD, Target.PLAN_PERIOD),
    "progress_report_pdf": student(RECORD, Target.PLAN_PERIOD),
    "report_batches": Route(Gate.SIGNED_IN),
    "report_batch": Route(Gate.SIGNED_IN, target=Target.REPORT_BATCH),
    "report_batch_pdf": Route(Gate.SIGNED_IN, target=Target.REPORT_BATCH),
}
